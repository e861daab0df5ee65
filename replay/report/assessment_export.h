#pragma once

// Minutes and votes from the consultation's meeting and poll state
// (AssessmentState, folded from records 30-59) and its log: the adapters
// that fill MinutesData and VotesData (minutes.h) for render_export.

#include <optional>
#include <string>

#include "consultation/consultation_state.h"
#include "replay/report/minutes.h"
#include "storage/log.h"

namespace kenes::report {

// The minutes of meeting `meeting_id` as of `head` (a meeting still running
// at the head is minuted up to it). Edits and decisions come from replaying
// the log between the meeting's first record and its last (or the head).
// nullopt with *error set: no such meeting (error starts "no meeting"), or
// the log could not be replayed.
std::optional<MinutesData> build_minutes_data(storage::Log& log, const consultation::ConsultationState& state, const LogHead& head,
                                              const std::string& meeting_id, std::string* error);

// Every closed poll's ballots, polls in creation order.
VotesData build_votes_data(const consultation::ConsultationState& state, const LogHead& head);

}  // namespace kenes::report
