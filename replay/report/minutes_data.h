#pragma once

// The minutes of one meeting from the consultation's state and its log: the
// adapter that fills MinutesData (minutes.h) for render_export. Attendance,
// agenda and what was on screen come from the meeting's state; edits,
// threads, decisions and the polls touched from replaying the log between
// the meeting's first record and its last (edits.h); polls' results from
// the poll state at the head.

#include <optional>
#include <string>

#include "consultation/consultation_state.h"
#include "replay/report/minutes.h"
#include "storage/log.h"

namespace kenes::report {

// The minutes of meeting `meeting_id` as of `head` (a meeting still running
// at the head is minuted up to it). nullopt with *error set: no such meeting
// (error starts "no meeting"), or the log could not be replayed.
std::optional<MinutesData> build_minutes_data(storage::Log& log, const consultation::ConsultationState& state,
                                              const LogHead& head, const std::string& meeting_id, std::string* error);

}  // namespace kenes::report
