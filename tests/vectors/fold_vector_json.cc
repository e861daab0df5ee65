#include "fold_vector_json.h"

#include <google/protobuf/util/json_util.h>

namespace kenes::vectors {

namespace json = boost::json;

json::value message_to_json(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  return json::parse(out);
}

bool message_from_json(const json::value& v, google::protobuf::Message* out) {
  return google::protobuf::util::JsonStringToMessage(json::serialize(v), out).ok();
}

namespace {

bool all_scalars(const json::array& a) {
  for (const auto& e : a) {
    if (e.is_object() || e.is_array()) return false;
  }
  return true;
}

void write(std::string& out, const json::value& v, int indent) {
  // Short values on one line (a comment, a participant): a file of a few
  // thousand lines instead of tens of thousands.
  if (std::string line = json::serialize(v); line.size() <= 160) {
    out += line;
    return;
  }
  const std::string pad(static_cast<size_t>(indent), ' ');
  const std::string inner(static_cast<size_t>(indent) + 2, ' ');
  if (v.is_object()) {
    const auto& o = v.as_object();
    out += "{\n";
    size_t i = 0;
    for (const auto& [k, val] : o) {
      out += inner + json::serialize(json::string(k)) + ": ";
      // Protobuf messages (records) stay on one line: they are many and short.
      if (k == "log" || k == "pollUpdates") {
        const auto& a = val.as_array();
        out += "[\n";
        for (size_t j = 0; j < a.size(); ++j) {
          out += inner + "  " + json::serialize(a[j]) + (j + 1 < a.size() ? ",\n" : "\n");
        }
        out += inner + "]";
      } else {
        write(out, val, indent + 2);
      }
      out += ++i < o.size() ? ",\n" : "\n";
    }
    out += pad + "}";
    return;
  }
  if (v.is_array()) {
    const auto& a = v.as_array();
    if (all_scalars(a)) {
      out += json::serialize(v);
      return;
    }
    out += "[\n";
    for (size_t j = 0; j < a.size(); ++j) {
      out += inner;
      write(out, a[j], indent + 2);
      out += j + 1 < a.size() ? ",\n" : "\n";
    }
    out += pad + "]";
    return;
  }
  out += json::serialize(v);
}

}  // namespace

std::string pretty_json(const json::value& v) {
  std::string out;
  write(out, v, 0);
  out += "\n";
  return out;
}

}  // namespace kenes::vectors
