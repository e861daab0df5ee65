#pragma once

// Where the assessment's wire/log types (kenes.v1 assessment.proto) meet the
// engine's poll types. Untrusted input (a CreatePoll from a client) is checked
// here once, in full.

#include <string>
#include <string_view>

#include "engine/poll.h"
#include "engine/status.h"
#include "kenes/v1/assessment.pb.h"
#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"

namespace kenes::consultation {

// The engine definition of a wire definition: kMalformed naming the first
// problem (an unknown kind or role, a zero denominator, ...) and then the
// engine's own validation. The closing time is not compared with any clock
// here: the engine checks it against the open event's time.
engine::Result<engine::PollDefinition> poll_definition_from_proto(const kenes::v1::PollDefinition& def);

// Participant roles on the wire and in the engine. ROLE_UNSPECIFIED and
// unknown numbers have no engine role.
std::optional<engine::Role> engine_role(int32_t role);

// "government", "technical community", "un / intergovernmental", ... the
// label a group has in poll breakdowns; "" for UNSPECIFIED (shown as
// "not stated"). Keys, not UI text: clients translate them.
std::string stakeholder_group_label(kenes::v1::StakeholderGroup group);

void poll_results_to_proto(const engine::PollResults& results, kenes::v1::PollResults* out);

}  // namespace kenes::consultation
