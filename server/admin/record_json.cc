#include "record_json.h"

#include <google/protobuf/util/json_util.h>

#include <boost/json.hpp>

namespace kenes::admin {

std::optional<kenes::v1::LogRecord> decode_record(const storage::RecordView& r, std::string* mismatch) {
  kenes::v1::LogRecord record;
  if (!record.ParseFromArray(r.payload.data(), static_cast<int>(r.payload.size()))) return std::nullopt;
  if (mismatch) {
    mismatch->clear();
    if (record.seq() != 0 && record.seq() != r.seq) {
      *mismatch = "payload carries seq " + std::to_string(record.seq()) + " but the frame says " + std::to_string(r.seq);
    }
    std::string_view prev(reinterpret_cast<const char*>(r.prev_hash.data()), r.prev_hash.size());
    if (!record.prev_hash().empty() && record.prev_hash() != prev) {
      *mismatch = "payload carries a prev_hash different from the frame's";
    }
  }
  return record;
}

std::string record_json_line(const storage::RecordView& r) {
  boost::json::object line;
  line["seq"] = r.seq;
  line["hash"] = storage::to_hex(r.hash);
  line["prev_hash"] = storage::to_hex(r.prev_hash);
  auto record = decode_record(r, nullptr);
  if (!record) {
    line["error"] = "payload does not decode as kenes.v1.LogRecord";
    line["payload_hex"] = storage::to_hex(r.payload);
    return boost::json::serialize(line);
  }
  record->clear_seq();
  record->clear_prev_hash();
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(*record, &json, options);
  if (!status.ok()) {
    line["error"] = "cannot print as JSON: " + std::string(status.message());
    return boost::json::serialize(line);
  }
  boost::system::error_code ec;
  boost::json::value fields = boost::json::parse(json, ec);
  if (!ec && fields.is_object()) {
    for (const auto& [k, v] : fields.as_object()) line[k] = v;
  }
  return boost::json::serialize(line);
}

}  // namespace kenes::admin
