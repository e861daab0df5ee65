#include "op_json.h"

#include <utility>

namespace kenes::vectors {

bool components_from_json(const boost::json::value& json, std::vector<engine::Component>& out, std::string& error) {
  const boost::json::array* array = json.if_array();
  if (array == nullptr) {
    error = "an op must be a JSON array";
    return false;
  }
  for (const boost::json::value& v : *array) {
    if (v.is_uint64() || v.is_int64()) {
      const int64_t n = v.is_int64() ? v.get_int64() : static_cast<int64_t>(v.get_uint64());
      if (n < 0) {
        error = "a retain must not be negative";
        return false;
      }
      out.emplace_back(engine::Retain{static_cast<uint64_t>(n)});
    } else if (v.is_string()) {
      out.emplace_back(engine::Insert{std::string(v.get_string()), 0});
    } else if (const boost::json::object* o = v.if_object(); o != nullptr && o->contains("d") &&
                                                               (o->at("d").is_int64() || o->at("d").is_uint64())) {
      const boost::json::value& d = o->at("d");
      const int64_t n = d.is_int64() ? d.get_int64() : static_cast<int64_t>(d.get_uint64());
      if (n < 0) {
        error = "a delete must not be negative";
        return false;
      }
      out.emplace_back(engine::Delete{static_cast<uint64_t>(n)});
    } else {
      error = "op element " + boost::json::serialize(v) + " is not a number, a string or {\"d\": n}";
      return false;
    }
  }
  return true;
}

engine::Result<engine::TextOp> op_from_json(const boost::json::value& json) {
  std::vector<engine::Component> components;
  std::string error;
  if (!components_from_json(json, components, error)) {
    return engine::Status(engine::ErrorCode::kMalformed, error);
  }
  return engine::TextOp::from_components(std::move(components));
}

boost::json::array op_to_json(const engine::TextOp& op) {
  boost::json::array out;
  for (const engine::Component& c : op.components()) {
    if (const auto* r = std::get_if<engine::Retain>(&c)) {
      out.emplace_back(r->n);
    } else if (const auto* ins = std::get_if<engine::Insert>(&c)) {
      out.emplace_back(boost::json::string(ins->text));
    } else {
      out.emplace_back(boost::json::object{{"d", std::get<engine::Delete>(c).n}});
    }
  }
  return out;
}

}  // namespace kenes::vectors
