#pragma once

// The one place where wire/log types (kenes.v1 protobuf) and engine types meet.
// Everything that crosses from the network into the engine comes through
// here, so "untrusted" is decided once.

#include "engine/status.h"
#include "engine/text_op.h"
#include "kenes/v1/protocol.pb.h"
#include "kenes/v1/text.pb.h"

namespace kenes::consultation {

// Untrusted input: every component is checked (lengths >= 1, inserts non-empty
// valid UTF-8) and the op normalised. A component with no kind set is
// malformed.
engine::Result<engine::TextOp> op_from_proto(const kenes::v1::TextOp& op);

// The code points an op from the wire covers: its retains and deletes,
// trailing retain included (saturating, never wrapping).
uint64_t declared_span(const kenes::v1::TextOp& op);

void op_to_proto(const engine::TextOp& op, kenes::v1::TextOp* out);

// The wire error code for an engine error.
kenes::v1::ErrorCode wire_error_code(engine::ErrorCode code);

}  // namespace kenes::consultation
