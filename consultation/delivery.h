#pragma once

// What happens to a record once it is durable: who receives it, in which
// form, what its requester hears back, and what else the room must do. One
// function for every kind of record, asked by the room for each durable
// record (live) and, for the audience, by catch-up for each record it reads
// back from the log — so the two paths agree by construction.
//
// Most records go to every connection. A few go to one participant only:
//   - ThreadsRead, Visited, NotificationSettingsSet: their author's;
//   - DigestSent (written by the server): the participant it was sent to;
//   - VoteCast: its voter's, while others may not see it — always for an
//     anonymous poll, and for a named poll whose results are hidden until it
//     has closed.
// A record carrying the body of a comment deleted or hidden since goes out
// without its body and mentions (redacted).
//
// (record_audience.h decides the audience from the record itself.)
//
// Pure: reads the record and the state passed in, nothing else.

#include <cstdint>
#include <optional>
#include <string>

#include "consultation/consultation_state.h"
#include "consultation/record_audience.h"
#include "consultation/request.h"
#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"

namespace kenes::consultation {

struct Delivery {
  // "" for every connection; else only this participant's connections.
  std::string only_participant;
  // The requester's own connection gets the Ack in the record's place: a
  // submitted edit, whose op its author holds already.
  bool ack_replaces_record = false;
  // The requester's answer: the Ack — or, for a ballot stamped too late to
  // count, this refusal instead.
  kenes::v1::Ack ack;
  std::optional<Refusal> refusal;
  // Effects for the room. A poll whose figures changed (a PollUpdate is
  // due); whether the closing-time timer must be re-armed; a participant
  // whose connections must close (revoked).
  std::string poll_changed;
  bool poll_times_changed = false;
  std::string revoked_participant;
};

// `rec` (seq set) is durable and folded into `state`; `now_unix_ms` is the
// room's clock (a hidden ballot's poll may have passed its closing time).
Delivery delivery_of(const kenes::v1::LogRecord& rec, const ConsultationState& state, int64_t now_unix_ms);

// The bytes to send for the record at `seq`: `record_bytes` itself, or with
// its comment body and mentions left out when its comment is gone
// (DiscussionState::redacted), and never with anyone's gender (issue 18:
// genders are counted by the server and shown only as counts of at least 3;
// no client needs one). The log keeps them.
std::string outgoing_record(const DiscussionState& discussion, uint64_t seq, std::string record_bytes);

}  // namespace kenes::consultation
