#pragma once

// A poll's part in the exports, from the engine's Poll (engine/poll.h): its
// entry in the minutes and its rows in the votes CSV. Both go through what a
// participant may see — the PollView (results only when visible) for the
// minutes, closed polls only for the CSV — and an anonymous poll's rows are
// built without ever copying a voter id, group, gender or time.

#include <functional>
#include <string>
#include <vector>

#include "engine/poll.h"
#include "replay/report/minutes.h"

namespace kenes::report {

// The poll's results part of its minutes entry: kind, state, turnout,
// outcome, totals and breakdowns (the minutes' adapter, minutes_data.cc,
// adds what it validates, when it opened and its reservations).
// `eligible`: voters eligible (the count stamped at close, or now while open).
MinutesPoll minutes_poll(const std::string& poll_id, const engine::Poll& poll, uint64_t eligible,
                         int64_t now_unix_ms);

// One row per ballot of a closed poll; none while it is open. `name_of`
// turns a voter id into a display name (named polls only).
std::vector<VoteRow> vote_rows(const std::string& poll_id, const engine::Poll& poll, int64_t now_unix_ms,
                               const std::function<std::string(const std::string&)>& name_of);

}  // namespace kenes::report
