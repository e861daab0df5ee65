#include "consultation/testing/simulated_room.h"

#include <algorithm>

#include "consultation/admission.h"
#include "consultation/automatic_records.h"
#include "consultation/proto_convert.h"
#include "consultation/sample_framework.h"
#include "consultation/text_request.h"

namespace kenes::consultation::testing {

SimulatedRoom::SimulatedRoom(std::string consultation_id, int64_t start_unix_ms, Sink sink)
    : state_(std::move(consultation_id)), sink_(std::move(sink)), now_(start_unix_ms) {}

RequestContext SimulatedRoom::context() const {
  return RequestContext{state_, in_flight_, state_.seq(), std::max(now_, state_.assessment().last_time_unix_ms())};
}

bool SimulatedRoom::append(kenes::v1::LogRecord rec) { return append_record(std::move(rec), Fold::kWhenDurable, false); }

bool SimulatedRoom::append_record(kenes::v1::LogRecord rec, Fold fold, bool by_sequencer) {
  const uint64_t seq = state_.seq() + 1;
  rec.set_seq(seq);
  rec.set_time_unix_ms(now_);
  engine::Status s;
  if (by_sequencer) {
    state_.note_durable(rec);  // the sequencer applied it already
  } else if (fold == Fold::kAsBuilt) {
    s = state_.apply_early(rec);
    if (s.ok()) state_.note_durable(rec);
  } else {
    in_flight_.built(rec, state_.assessment());
    s = state_.apply(rec);
    in_flight_.durable(rec);
  }
  if (!s.ok()) {
    if (error_.empty()) error_ = s.message();
    return false;
  }
  if (sink_) {
    sink_(rec);
    last_ = std::move(rec);
  } else {
    last_ = rec;
    log_.push_back(std::move(rec));
  }
  return true;
}

void SimulatedRoom::close_polls_due() {
  for (auto& rec : closing_time_records(state_, in_flight_, now_)) append_record(std::move(rec), Fold::kWhenDurable, false);
}

Caller SimulatedRoom::admit(const std::string& participant_id, const std::string& display_name,
                            kenes::v1::Role role) {
  close_polls_due();
  Admission a = consultation::admit(state_, personal_invitation(participant_id, display_name, role));
  if (a.first_visit) append_record(std::move(*a.first_visit), Fold::kWhenDurable, false);
  return Caller{participant_id, a.role, "client-" + participant_id};
}

kenes::v1::LogRecord sample_consultation_created(const std::string& id, const std::string& title) {
  kenes::v1::LogRecord created;
  created.set_author("operator");
  auto* c = created.mutable_consultation_created();
  c->set_consultation_id(id);
  c->set_title(title);
  *c->mutable_framework() = sample_framework();
  c->set_scope(kenes::v1::SCOPE_ALL);
  return created;
}

Admission SimulatedRoom::arrive(const Invitation& invitation) {
  close_polls_due();
  Admission a = consultation::admit(state_, invitation, now_);
  if (a.first_visit) append_record(*a.first_visit, Fold::kWhenDurable, false);
  return a;
}

Outcome SimulatedRoom::request(const Caller& caller, const kenes::v1::ClientMessage& msg) {
  close_polls_due();
  Outcome out = handle_request(context(), caller, msg);
  if (out.record) {
    if (!append_record(*out.record, out.fold, false)) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_INTERNAL, "did not fold: " + error_);
    }
    out.record = last_;
  }
  return out;
}

std::optional<Refusal> SimulatedRoom::submit(const Caller& caller, const kenes::v1::SubmitOp& submit) {
  close_polls_due();
  auto checked = check_submit(caller, submit);
  if (auto* refusal = std::get_if<Refusal>(&checked)) return *refusal;
  auto& op = std::get<CheckedSubmit>(checked);
  auto sequenced = state_.submit_op(submit.doc_id(), submit.client_id(), submit.client_seq(), submit.base_version(),
                                    std::move(op.op), op.declared_span);
  if (!sequenced.ok()) return Refusal{wire_error_code(sequenced.status().code()), sequenced.status().message()};
  if (sequenced.value().duplicate) return std::nullopt;
  append_record(text_edit_record(caller, submit, sequenced.value()), Fold::kWhenDurable, true);
  state_.mark_changed(submit.doc_id());
  return std::nullopt;
}

}  // namespace kenes::consultation::testing
