#include "consultation/text_request.h"

#include "consultation/permissions.h"
#include "consultation/proto_convert.h"

namespace kenes::consultation {

namespace {
constexpr int kMaxSelections = 64;
}  // namespace

std::variant<CheckedSubmit, Refusal> check_submit(const Caller& caller, const kenes::v1::SubmitOp& submit) {
  if (!may_edit_documents(caller.role)) {
    return Refusal{kenes::v1::ERROR_CODE_FORBIDDEN, a_role(caller.role) + " may not edit drafts"};
  }
  if (!valid_document_id(submit.doc_id())) {
    return Refusal{kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "doc_id must be 1-128 characters of A-Z a-z 0-9 . _ / -"};
  }
  if (submit.client_id() != caller.client_id || submit.client_seq() == 0) {
    return Refusal{kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                   "client_id must be the one given in Hello, and client_seq must start at 1"};
  }
  auto op = op_from_proto(submit.op());
  if (!op.ok()) return Refusal{wire_error_code(op.status().code()), op.status().message()};
  return CheckedSubmit{std::move(op).value(), declared_span(submit.op())};
}

kenes::v1::LogRecord text_edit_record(const Caller& caller, const kenes::v1::SubmitOp& submit,
                                      const engine::DocumentSequencer::Sequenced& sequenced) {
  kenes::v1::LogRecord rec;
  rec.set_author(caller.participant_id);
  rec.set_client_id(submit.client_id());
  rec.set_client_seq(submit.client_seq());
  auto* edit = rec.mutable_text_edit();
  edit->set_doc_id(submit.doc_id());
  edit->set_version(sequenced.version);
  op_to_proto(sequenced.op, edit->mutable_op());
  return rec;
}

std::optional<Refusal> check_presence(const kenes::v1::PresenceUpdate& update) {
  if ((!update.doc_id().empty() && !valid_document_id(update.doc_id())) || update.selections_size() > kMaxSelections) {
    return Refusal{kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "presence needs a valid doc_id and at most 64 selections"};
  }
  return std::nullopt;
}

}  // namespace kenes::consultation
