#pragma once

// What a participant's client must know of a consultation after joining it,
// as one JSON value: the common ground of the server's fold
// (ConsultationState) and the browser's (client-web/src/model). The shared
// fold vectors (tests/vectors/folds/, tests/vectors/README.md "Fold vectors")
// hold a log and, per viewer, the view the C++ fold gives; the TypeScript
// model folds the records that viewer receives and must reach the same view.
//
// The view's rules, which both sides apply (the README lists every field):
// a deleted or hidden comment shows no body and no mentions; a meeting that
// is not running has no spotlight and no attendees; a poll's phase is as the
// viewer would see it at `now`; read markers, visits and digest settings are
// the viewer's own; indicators left at their defaults are not listed.

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "consultation/consultation_state.h"
#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"
#include "kenes/v1/state.pb.h"

namespace kenes::consultation::testing {

// The view of `viewer` (a participant id) on `state` at `now_unix_ms`.
// `state` must keep closed polls' ballots (not release_closed_ballots), as a
// replay of the log does.
boost::json::value fold_view(const ConsultationState& state, const std::string& viewer, int64_t now_unix_ms);

// The same view computed from what a client joining by state receives: the
// JoinState and, for each draft it opened, its DocumentText. A client that
// joined this way must see what one that folded the log sees
// (client_state.h); the fold vectors check it in both languages.
boost::json::value fold_view_of_join(const kenes::v1::JoinState& join,
                                     const std::vector<kenes::v1::DocumentText>& opened, const std::string& viewer,
                                     int64_t now_unix_ms);

// The seqs of the records `viewer` does not receive when joining at
// `now_unix_ms` (another's ballot, read marker, visit or digest record), as
// the room's catch-up decides (record_audience.h).
std::vector<uint64_t> withheld_seqs(const std::vector<kenes::v1::LogRecord>& log, const ConsultationState& state,
                                    const std::string& viewer, int64_t now_unix_ms);

// The PollUpdates a client receives on going live, one per poll, as the room
// sends them (poll_update, the same for every viewer).
std::vector<kenes::v1::PollUpdate> poll_updates(const ConsultationState& state, int64_t now_unix_ms);

}  // namespace kenes::consultation::testing
