#pragma once

// Records the server writes on its own, not at anyone's request: a poll
// closing at its closing time, an attendee's leave when their last
// connection goes, a digest mailed. Like the handlers, these decide from the
// state alone; the room decides when to ask (its timers, its connections).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "consultation/consultation_state.h"
#include "consultation/in_flight.h"
#include "kenes/v1/log.pb.h"

namespace kenes::consultation {

// The earliest closing time of the polls that are open, not closed by a
// record and not being closed; none if no such poll has one.
std::optional<int64_t> next_closing_time(const ConsultationState& state, const InFlight& in_flight);

// A PollClosed{at_closing_time} (no author: the server closes it) for each
// such poll whose closing time is at or before `now_unix_ms`.
std::vector<kenes::v1::LogRecord> closing_time_records(const ConsultationState& state, const InFlight& in_flight,
                                                       int64_t now_unix_ms);

// The leave of `participant_id` from the running meeting, written when their
// last connection went (the caller knows that); none if they do not attend
// it or a meeting's start or end is in flight.
std::optional<kenes::v1::LogRecord> departure_record(const ConsultationState& state, const InFlight& in_flight,
                                                     const std::string& participant_id);

// The mail server accepted a digest for `participant_id` covering the
// records up to `up_to_seq` (author "": the server's own record).
kenes::v1::LogRecord digest_sent_record(const std::string& participant_id, uint64_t up_to_seq, uint32_t items);

}  // namespace kenes::consultation
