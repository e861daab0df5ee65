#pragma once

// Operational transformation: rebasing an op past a concurrent one, and
// moving positions (cursors, selections, comment anchors) through an op.
//
// The convergence law (TP1), for ops a and b made on the same document d:
//   apply(apply(d, a), transform(b, a, Side::kRight))
//     == apply(apply(d, b), transform(a, b, Side::kLeft))
// Side decides only one thing: when both ops insert at the same position,
// whose text comes first. Kenes' rule: the op the server sequenced first
// stays first. So an op is transformed past an op sequenced BEFORE it with
// Side::kRight, and past an op sequenced AFTER it with Side::kLeft.
// engine/README.md works through the cases for the server and the client.
//
// All functions are pure and thread-safe. Preconditions: `op` and `other`
// fit the same document (a caller checks that with validate()); the results
// then fit apply(d, other).

#include <cstdint>

#include "engine/text_op.h"

namespace kenes::engine {

enum class Side {
  // op's inserts go before other's inserts at the same position.
  kLeft,
  // op's inserts go after other's inserts at the same position.
  kRight,
};

// Rebases `op` so that it applies after `other` (both made on one document).
TextOp transform(const TextOp& op, const TextOp& other, Side side);

// Both directions at once, for two ops made on one document where `first`
// was (or will be) sequenced before `second`:
//   first_after_second = transform(first, second, Side::kLeft)
//   second_after_first = transform(second, first, Side::kRight)
// and apply(apply(d, first), second_after_first)
//  == apply(apply(d, second), first_after_second).
struct TransformedPair {
  TextOp first_after_second;
  TextOp second_after_first;
};
TransformedPair transform_pair(const TextOp& first, const TextOp& second);

// What a position does when an op inserts text exactly at it.
enum class Stickiness {
  // Stay before the inserted text (a remote user's caret when someone else
  // types at it; the end of a comment anchor).
  kBefore,
  // Move after the inserted text (the caret of the op's own author; the start
  // of a comment anchor).
  kAfter,
};

// Where position `pos` (a code point offset in the document `op` applies to)
// is after `op`. A position inside deleted text moves to where the deletion
// was (after any text inserted there). Positions past the document's end
// shift with everything before them; positions above kMaxLength are taken as
// kMaxLength (they can come from a client and must not overflow).
uint64_t transform_position(uint64_t pos, const TextOp& op, Stickiness stickiness);

// A selection: anchor is where it started, head where the caret is; they are
// equal for a plain caret and head < anchor for a backwards selection.
struct Range {
  uint64_t anchor;
  uint64_t head;
  friend bool operator==(const Range&, const Range&) = default;
};

// A caret or selection moved through `op`, both ends with one stickiness.
Range transform_range(Range range, const TextOp& op, Stickiness stickiness);

// A comment anchor moved through `op`. The anchored text is [min, max) of the
// two ends. Text inserted exactly at either edge stays outside the anchor (the
// start sticks after it, the end before it): a reviewer commented on those
// words, not on what someone types next to them. Text inserted strictly
// inside is inside. If the anchored text is deleted the anchor collapses to
// one point (the thread shows as detached). An anchor that is already
// collapsed behaves as one point that stays before inserted text. The result
// has anchor <= head.
Range transform_anchor(Range range, const TextOp& op);

}  // namespace kenes::engine
