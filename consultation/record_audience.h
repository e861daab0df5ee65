#pragma once

// Who may receive a logged record, decided from the record itself.
//
// Most records go to every member. A few go to one participant only:
//   - ThreadsRead, Visited, NotificationSettingsSet: their author's;
//   - DigestSent (written by the server): the participant it was sent to;
//   - VoteCast: its voter's, while others may not see it — always for an
//     anonymous poll, and for a named poll until it has closed unless the
//     chair chose live results for everyone (issue 20).
//
// The room asks this both when a record is first delivered and when catch-up
// reads it back from the log, so both paths agree by construction. Nothing
// per record is kept in memory for it: a long consultation's ballots, reads
// and visits would otherwise each cost an index entry for as long as the
// server ran (bench/README.md, soak).
//
// Pure: reads the record and the AssessmentState passed in, nothing else.

#include <cstdint>
#include <string>
#include <string_view>

#include "consultation/assessment_state.h"
#include "kenes/v1/log.pb.h"

namespace kenes::consultation {

// The one participant who may receive `rec`, or "" for everyone. A ballot's
// audience depends on its poll as the state knows it at `now_unix_ms`.
std::string record_audience(const kenes::v1::LogRecord& rec, const AssessmentState& assessment,
                            int64_t now_unix_ms);

// Whether the encoded record might be for one participant only, from its
// top-level field numbers alone (no decoding): catch-up decodes only those.
// Bytes that do not scan as a protobuf message answer true, so that the
// decode decides.
bool may_have_one_recipient(std::string_view record_payload);

// Whether `participant_id` may receive the stored record `payload` (catch-up
// reads records back from the log): decodes only a record that may be
// restricted, into `scratch` (reused across a batch). Bytes that do not
// decode are for no one.
bool payload_meant_for(std::string_view payload, const std::string& participant_id, const AssessmentState& assessment,
                       int64_t now_unix_ms, kenes::v1::LogRecord& scratch);

}  // namespace kenes::consultation
