#pragma once

// The room's sequencing without a room: requests go through the same
// handlers (request.h), submits through the same checks and the state's
// sequencer, records get seqs and times and fold exactly as on the server's
// live path — thread records as they are built, submitted edits at submit
// time, the rest when "durable" — except that every append is durable at
// once. For tests and generators that need a consultation made the way the
// server makes one, without sockets or a log.
//
// Time is a field the caller moves (advance); before each request the polls
// whose closing time has come are closed as the room's timer would.
//
// Not thread-safe.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "consultation/admission.h"
#include "consultation/consultation_state.h"
#include "consultation/in_flight.h"
#include "consultation/request.h"
#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"

namespace kenes::consultation::testing {

// The ConsultationCreated record of a consultation `id` over the shipped
// sample framework (all indicators in scope), as the operator writes it:
// what most tests start from.
kenes::v1::LogRecord sample_consultation_created(const std::string& id, const std::string& title);

class SimulatedRoom {
 public:
  // Each record appended goes to `sink` (seq and time set) instead of log():
  // a consultation of millions of records is written out as it is made.
  using Sink = std::function<void(const kenes::v1::LogRecord&)>;
  SimulatedRoom(std::string consultation_id, int64_t start_unix_ms, Sink sink = {});

  // Appends a record no request makes (ConsultationCreated), folded when
  // durable. False, with the reason in error(), if it does not fold.
  bool append(kenes::v1::LogRecord rec);
  // A participant's first visit: their ParticipantInvited record (admission.h).
  Caller admit(const std::string& participant_id, const std::string& display_name, kenes::v1::Role role);
  // Someone presenting `invitation` (a chair's invite link at some
  // generation, a registration link): the admission, and its first-visit
  // record appended if there is one.
  Admission arrive(const Invitation& invitation);
  // A request through its handler, as `caller`: the outcome, and if it was a
  // record, the record appended.
  Outcome request(const Caller& caller, const kenes::v1::ClientMessage& msg);
  // A text edit, as the room's submit: checks, the state's sequencer (which
  // transforms an op made on an older version), the record. The refusal, if
  // any.
  std::optional<Refusal> submit(const Caller& caller, const kenes::v1::SubmitOp& submit);

  void advance(int64_t ms) { now_ += ms; }
  // Writes what the room's timer would have written by now (polls past
  // their closing time), as before every request.
  void settle() { close_polls_due(); }
  int64_t now() const { return now_; }

  const ConsultationState& state() const { return state_; }
  // For writing snapshot sets (ConsultationState::snapshots marks what it took).
  ConsultationState& mutable_state() { return state_; }
  // Every record appended, in order, with seq and time set (none with a sink).
  const std::vector<kenes::v1::LogRecord>& log() const { return log_; }
  // The last record appended (with or without a sink).
  const kenes::v1::LogRecord& last() const { return last_; }
  // The first fold failure (a bug: handlers check what the folds check).
  const std::string& error() const { return error_; }
  RequestContext context() const;

 private:
  bool append_record(kenes::v1::LogRecord rec, Fold fold, bool by_sequencer);
  void close_polls_due();

  ConsultationState state_;
  InFlight in_flight_;
  std::vector<kenes::v1::LogRecord> log_;
  kenes::v1::LogRecord last_;
  Sink sink_;
  int64_t now_;
  std::string error_;
};

}  // namespace kenes::consultation::testing
