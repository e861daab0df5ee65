#pragma once

// Votes from the consultation's poll state (AssessmentState, folded from
// records 30-59): the adapter that fills VotesData (minutes.h) for
// render_export. The minutes' adapter is minutes_data.h.

#include <string>

#include "consultation/consultation_state.h"
#include "replay/report/minutes.h"

namespace kenes::report {

// Every closed poll's ballots, polls in creation order.
VotesData build_votes_data(const consultation::ConsultationState& state, const LogHead& head);

}  // namespace kenes::report
