#include "wire_frames.h"

#include "consultation/protobuf_fields.h"

namespace kenes::server {
namespace {

// Field numbers from proto/kenes/v1/*.proto; do not change: they are the wire.
constexpr uint32_t kRecordSeqField = 1;        // LogRecord.seq
constexpr uint32_t kRecordPrevHashField = 2;   // LogRecord.prev_hash
constexpr uint32_t kServerBroadcastField = 13; // ServerMessage.broadcast
constexpr uint32_t kBroadcastRecordsField = 1; // Broadcast.records
constexpr uint32_t kServerCatchUpField = 11;   // ServerMessage.catch_up
constexpr uint32_t kCatchUpRecordsField = 1;   // CatchUp.records
constexpr uint32_t kCatchUpHeadField = 2;      // CatchUp.head_seq
constexpr uint32_t kCatchUpDoneField = 3;      // CatchUp.done
constexpr uint32_t kServerJoinStateField = 16; // ServerMessage.join_state
constexpr uint32_t kJoinStateStateField = 1;   // JoinState.state
constexpr uint32_t kJoinStateOwnField = 2;     // JoinState.own

constexpr uint32_t kVarint = consultation::kWireVarint;
constexpr uint32_t kLengthDelimited = consultation::kWireLengthDelimited;
using consultation::append_bytes_field;
using consultation::bytes_field_size;
using consultation::put_tag;
using consultation::put_varint;
using consultation::varint_size;

}  // namespace

SharedFrame encode_frame(const kenes::v1::ServerMessage& message) {
  return std::make_shared<const std::string>(message.SerializeAsString());
}

std::string record_bytes(std::string_view payload, uint64_t seq, std::string_view prev_hash) {
  std::string out;
  out.reserve(payload.size() + 48);
  out.append(payload);
  put_tag(out, kRecordSeqField, kVarint);
  put_varint(out, seq);
  append_bytes_field(out, kRecordPrevHashField, prev_hash);
  return out;
}

SharedFrame broadcast_frame(std::string_view record) {
  std::string out;
  size_t inner = bytes_field_size(kBroadcastRecordsField, record.size());
  out.reserve(bytes_field_size(kServerBroadcastField, inner));
  put_tag(out, kServerBroadcastField, kLengthDelimited);
  put_varint(out, inner);
  append_bytes_field(out, kBroadcastRecordsField, record);
  return std::make_shared<const std::string>(std::move(out));
}

SharedFrame broadcast_frame(const std::vector<std::string_view>& records) {
  size_t inner = 0;
  for (auto r : records) inner += bytes_field_size(kBroadcastRecordsField, r.size());
  std::string out;
  out.reserve(bytes_field_size(kServerBroadcastField, inner));
  put_tag(out, kServerBroadcastField, kLengthDelimited);
  put_varint(out, inner);
  for (auto r : records) append_bytes_field(out, kBroadcastRecordsField, r);
  return std::make_shared<const std::string>(std::move(out));
}

std::vector<SharedFrame> broadcast_frames(const std::vector<std::string_view>& records, size_t max_frame_bytes) {
  std::vector<SharedFrame> frames;
  std::vector<std::string_view> chunk;
  size_t inner = 0;
  for (auto r : records) {
    const size_t field = bytes_field_size(kBroadcastRecordsField, r.size());
    if (!chunk.empty() && inner + field > max_frame_bytes) {
      frames.push_back(broadcast_frame(chunk));
      chunk.clear();
      inner = 0;
    }
    chunk.push_back(r);
    inner += field;
  }
  if (!chunk.empty()) frames.push_back(broadcast_frame(chunk));
  return frames;
}

std::string_view broadcast_body(std::string_view frame) {
  // One tag byte (field 13, length-delimited), the varint length, the body.
  size_t pos = 1;
  while (pos < frame.size() && (static_cast<unsigned char>(frame[pos]) & 0x80)) ++pos;
  return frame.substr(pos + 1);
}

void append_merged_broadcast(std::string& out, const std::vector<std::string_view>& bodies) {
  size_t inner = 0;
  for (auto b : bodies) inner += b.size();
  out.reserve(out.size() + bytes_field_size(kServerBroadcastField, inner));
  put_tag(out, kServerBroadcastField, kLengthDelimited);
  put_varint(out, inner);
  for (auto b : bodies) out.append(b);
}

SharedFrame catch_up_frame(const std::vector<std::string>& records, uint64_t head_seq, bool done) {
  size_t inner = 0;
  for (const auto& r : records) inner += bytes_field_size(kCatchUpRecordsField, r.size());
  inner += 1 + varint_size(head_seq);
  if (done) inner += 2;
  std::string out;
  out.reserve(inner + 8);
  put_tag(out, kServerCatchUpField, kLengthDelimited);
  put_varint(out, inner);
  for (const auto& r : records) append_bytes_field(out, kCatchUpRecordsField, r);
  put_tag(out, kCatchUpHeadField, kVarint);
  put_varint(out, head_seq);
  if (done) {
    put_tag(out, kCatchUpDoneField, kVarint);
    put_varint(out, 1);
  }
  return std::make_shared<const std::string>(std::move(out));
}

SharedFrame join_state_frame(std::string_view shared_state, std::string_view own_state) {
  const size_t inner = bytes_field_size(kJoinStateStateField, shared_state.size()) +
                       bytes_field_size(kJoinStateOwnField, own_state.size());
  std::string out;
  out.reserve(bytes_field_size(kServerJoinStateField, inner));
  put_tag(out, kServerJoinStateField, kLengthDelimited);
  put_varint(out, inner);
  append_bytes_field(out, kJoinStateStateField, shared_state);
  append_bytes_field(out, kJoinStateOwnField, own_state);
  return std::make_shared<const std::string>(std::move(out));
}

SharedFrame error_frame(kenes::v1::ErrorCode code, std::string_view message, uint64_t request_id, bool fatal,
                        std::string_view doc_id, uint64_t client_seq) {
  kenes::v1::ServerMessage m;
  m.set_request_id(request_id);
  auto* e = m.mutable_error();
  e->set_code(code);
  e->set_message(std::string(message));
  e->set_request_id(request_id);
  e->set_fatal(fatal);
  e->set_doc_id(std::string(doc_id));
  e->set_client_seq(client_seq);
  return encode_frame(m);
}

}  // namespace kenes::server
