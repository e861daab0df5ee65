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

#include <map>
#include <set>
#include <string>

#include "consultation/consultation_state.h"
#include "kenes/v1/protocol.pb.h"
#include "kenes/v1/state.pb.h"

namespace kenes::consultation {

kenes::v1::ClientState client_state(const ConsultationState& state);

// The same ClientState, encoded, kept up to date record by record: each
// participant, document, indicator, poll and thread is encoded once and again
// only when a record touches it, so encoding a full-size consultation's state
// after a few keystrokes re-encodes a document and its threads, not 1 MB of
// threads and polls (the room encodes on its strand, where it must not stay
// long). encode() is the bytes of client_state(state) (ClientStateEncoderTest).
//
// Not thread-safe: owned by a room, used on its strand.
class ClientStateEncoder {
 public:
  // `rec` (durable, folded into `state`) changed what it names.
  void touched(const kenes::v1::LogRecord& rec, const ConsultationState& state);
  // Everything is re-encoded at the next encode() (a new state).
  void reset() { all_ = true; }
  std::string encode(const ConsultationState& state);
  // The seq of the last record (passed to touched) that may change
  // `participant`'s own_state: any record they wrote, but their first
  // visit, and a digest sent to them. 0 if none. A joiner given a state of
  // an earlier seq S, its own part as it is now and the records after S
  // receives nothing twice only if this is <= S.
  uint64_t own_changed_at(const std::string& participant) const;

 private:
  struct Pieces {
    std::map<std::string, std::string> encoded;  // id -> the entry, encoded as its repeated field
    std::set<std::string> dirty;
  };
  bool all_ = true;
  std::string created_;  // ConsultationCreated, encoded as field 3
  Pieces participants_, documents_, indicators_, polls_, threads_;
  std::map<std::string, uint64_t> own_changed_;
};

kenes::v1::ClientOwnState own_state(const ConsultationState& state, const std::string& participant_id);

// A draft's text at its current version, and the anchors of its threads
// there (an unopened draft's anchors are not moved by a client, which has no
// text to detach them with: it takes these when it opens the draft). A
// document never edited is empty at version 0.
kenes::v1::DocumentText document_text(const ConsultationState& state, const std::string& doc_id);

}  // namespace kenes::consultation
