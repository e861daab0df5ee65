#include "consultation/proto_convert.h"

#include <variant>

namespace kenes::consultation {

engine::Result<engine::TextOp> op_from_proto(const kenes::v1::TextOp& op) {
  std::vector<engine::Component> components;
  components.reserve(op.components_size());
  for (const auto& c : op.components()) {
    switch (c.kind_case()) {
      case kenes::v1::TextOpComponent::kRetain:
        components.emplace_back(engine::Retain{c.retain()});
        break;
      case kenes::v1::TextOpComponent::kInsert:
        // The length is computed (and the UTF-8 checked) by from_components.
        components.emplace_back(engine::Insert{c.insert(), 0});
        break;
      case kenes::v1::TextOpComponent::kDelete:
        components.emplace_back(engine::Delete{c.delete_()});
        break;
      default:
        return engine::Status(engine::ErrorCode::kMalformed, "op component has no kind (retain, insert or delete)");
    }
  }
  return engine::TextOp::from_components(std::move(components));
}

uint64_t declared_span(const kenes::v1::TextOp& op) {
  uint64_t span = 0;
  for (const auto& c : op.components()) {
    uint64_t n = c.kind_case() == kenes::v1::TextOpComponent::kRetain   ? c.retain()
                 : c.kind_case() == kenes::v1::TextOpComponent::kDelete ? c.delete_()
                                                                         : 0;
    span = n > UINT64_MAX - span ? UINT64_MAX : span + n;
  }
  return span;
}

void op_to_proto(const engine::TextOp& op, kenes::v1::TextOp* out) {
  out->mutable_components()->Reserve(static_cast<int>(op.components().size()));
  for (const auto& c : op.components()) {
    auto* pc = out->add_components();
    if (const auto* r = std::get_if<engine::Retain>(&c)) {
      pc->set_retain(r->n);
    } else if (const auto* i = std::get_if<engine::Insert>(&c)) {
      pc->set_insert(i->text);
    } else if (const auto* d = std::get_if<engine::Delete>(&c)) {
      pc->set_delete_(d->n);
    }
  }
}

kenes::v1::ErrorCode wire_error_code(engine::ErrorCode code) {
  switch (code) {
    case engine::ErrorCode::kInvalidUtf8: return kenes::v1::ERROR_CODE_INVALID_UTF8;
    case engine::ErrorCode::kMalformed:
    case engine::ErrorCode::kDoesNotFit: return kenes::v1::ERROR_CODE_OP_DOES_NOT_FIT;
    case engine::ErrorCode::kVersionFromFuture: return kenes::v1::ERROR_CODE_VERSION_FROM_FUTURE;
    case engine::ErrorCode::kVersionTooOld: return kenes::v1::ERROR_CODE_VERSION_TOO_OLD;
    case engine::ErrorCode::kStaleClientSeq: return kenes::v1::ERROR_CODE_BAD_CLIENT_SEQ;
    case engine::ErrorCode::kPollClosed: return kenes::v1::ERROR_CODE_POLL_CLOSED;
    case engine::ErrorCode::kNotEligible: return kenes::v1::ERROR_CODE_NOT_ELIGIBLE;
    default: return kenes::v1::ERROR_CODE_INTERNAL;
  }
}

}  // namespace kenes::consultation
