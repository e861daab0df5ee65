#pragma once

// The consultation as a client holds it, made from the server's fold
// (proto/kenes/v1/state.proto; issue 16): what a participant's client would
// have after folding every record it may receive up to `state.seq()`, minus
// the drafts' text, which it asks for when a draft is opened.
//
// The shared part (client_state) is the same for everyone and is encoded
// once per seq; own_state is one participant's: their read markers, visits,
// digest settings and ballots. Deleted and hidden comments carry no body,
// anonymous and hidden ballots appear only in their voter's own state, and
// private records only in their owner's: exactly what catch-up would give
// them (record_audience.h), so a client that joined by state and one that
// folded the log hold the same state (tests/vectors/README.md, "Fold
// vectors").
//
// Pure: reads the state and nothing else. The caller must pass a state with
// nothing in flight (everything it holds is durable): the room asks at a
// moment when no append is pending.

#include <string>

#include "consultation/consultation_state.h"
#include "kenes/v1/protocol.pb.h"
#include "kenes/v1/state.pb.h"

namespace kenes::consultation {

kenes::v1::ClientState client_state(const ConsultationState& state);

kenes::v1::ClientOwnState own_state(const ConsultationState& state, const std::string& participant_id);

// A draft's text at its current version, and the anchors of its threads
// there (an unopened draft's anchors are not moved by a client, which has no
// text to detach them with: it takes these when it opens the draft). A
// document never edited is empty at version 0.
kenes::v1::DocumentText document_text(const ConsultationState& state, const std::string& doc_id);

}  // namespace kenes::consultation
