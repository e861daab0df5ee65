#pragma once

// Records the room has built and handed to the log but that are not durable
// yet, as far as later requests depend on them.
//
// Assessment records (30-59) fold into the state only when durable, so in
// the moment between a request and its record's durability the state does
// not show it. A second request made in that moment must still see it: the
// poll is being opened or closed ("try again"), a meeting is being started
// or ended, and the next poll or meeting id is taken. (Thread records fold
// as they are built and need none of this: the state itself is ahead.)
//
// The room calls built() for each record it appends and durable() when the
// log says it is durable, in log order. If an append fails the room stops
// taking changes for good, so nothing here is ever rolled back.
//
// Not thread-safe: owned by a Room, touched on its strand.

#include <cstdint>
#include <set>
#include <string>

#include "consultation/assessment_state.h"
#include "kenes/v1/log.pb.h"

namespace kenes::consultation {

class InFlight {
 public:
  // `rec` was handed to the log; `assessment` is the state it was built on.
  void built(const kenes::v1::LogRecord& rec, const AssessmentState& assessment);
  // `rec` is durable (and folded).
  void durable(const kenes::v1::LogRecord& rec);

  // An open or a close of this poll is in flight.
  bool poll_changing(const std::string& poll_id) const { return poll_changes_.count(poll_id) != 0; }
  // A meeting's start or end is in flight.
  bool meeting_changing() const { return meeting_changes_ != 0; }
  // The number of the next poll id ("poll-<n>") and meeting id.
  uint64_t next_poll_number(const AssessmentState& assessment) const;
  uint64_t next_meeting_number(const AssessmentState& assessment) const;
  // A validation session's start, item, skip or end is in flight (issue 18):
  // the session's next step waits for it ("try again").
  bool session_changing() const { return session_changes_ != 0; }
  uint64_t next_session_number(const AssessmentState& assessment) const;
  // The numbers of the next reference and figure ids ("ref-<n>", "fig-<n>";
  // issue 19).
  uint64_t next_reference_number(const AssessmentState& assessment) const;
  uint64_t next_figure_number(const AssessmentState& assessment) const;

 private:
  std::set<std::string> poll_changes_;
  uint32_t meeting_changes_ = 0;
  uint64_t poll_ids_issued_ = 0;     // the highest poll-<n> handed out, durable or not
  uint64_t meeting_ids_issued_ = 0;  // the same for meeting-<n>
  uint32_t session_changes_ = 0;
  uint64_t session_ids_issued_ = 0;  // the same for session-<n>
  uint64_t reference_ids_issued_ = 0;
  uint64_t figure_ids_issued_ = 0;
};

}  // namespace kenes::consultation
