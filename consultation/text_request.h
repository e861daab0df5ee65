#pragma once

// The two requests that do not become a record through a handler: a text
// edit (SubmitOp), which the room's sequencer transforms and applies before
// it is appended (PRODUCT.md §3), and presence, which is never logged. What
// can be decided without the sequencer is decided here.

#include <cstdint>
#include <optional>
#include <variant>

#include "consultation/request.h"
#include "engine/document_sequencer.h"
#include "engine/text_op.h"

namespace kenes::consultation {

// A submit that passed check_submit.
struct CheckedSubmit {
  engine::TextOp op;  // checked and normalised
  uint64_t declared_span = 0;
};

// Who may edit, a valid document id, the client id given in Hello with a
// client_seq from 1, and an op that is well formed (lengths, UTF-8). Whether
// it fits the document is the sequencer's to say, at the op's base version.
std::variant<CheckedSubmit, Refusal> check_submit(const Caller& caller, const kenes::v1::SubmitOp& submit);

// The TextEdit record of a sequenced submit.
kenes::v1::LogRecord text_edit_record(const Caller& caller, const kenes::v1::SubmitOp& submit,
                                      const engine::DocumentSequencer::Sequenced& sequenced);

// Presence is broadcast to everyone: a valid document id (or none) and at
// most 64 selections.
std::optional<Refusal> check_presence(const kenes::v1::PresenceUpdate& update);

}  // namespace kenes::consultation
