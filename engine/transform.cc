#include "engine/transform.h"

#include <algorithm>

#include "engine/op_cursor.h"

namespace kenes::engine {

using detail::OpCursor;

TextOp transform(const TextOp& op, const TextOp& other, Side side) {
  TextOp out;
  OpCursor co(other);
  for (const Component& c : op.components()) {
    if (auto* ins = std::get_if<Insert>(&c)) {
      // Inserts at one position: on the right, skip past other's first.
      if (side == Side::kRight) {
        while (!co.done() && co.kind() == OpCursor::Kind::kInsert) {
          out.retain(co.remaining());
          co.next();
        }
      }
      out.insert(ins->text, ins->length);
      continue;
    }
    const bool keeps = std::holds_alternative<Retain>(c);
    uint64_t n = keeps ? std::get<Retain>(c).n : std::get<Delete>(c).n;
    while (n > 0) {
      if (co.kind() == OpCursor::Kind::kInsert) {
        // Text other inserted here exists now: step over it, never delete it.
        out.retain(co.remaining());
        co.next();
        continue;
      }
      const uint64_t k = std::min(n, co.remaining());
      if (co.kind() == OpCursor::Kind::kRetain) {
        if (keeps) {
          out.retain(k);
        } else {
          out.del(k);
        }
      }
      // Where other deleted, that text is gone already: nothing to retain
      // and nothing left to delete.
      co.advance(k);
      n -= k;
    }
  }
  return out;
}

TransformedPair transform_pair(const TextOp& first, const TextOp& second) {
  return TransformedPair{transform(first, second, Side::kLeft), transform(second, first, Side::kRight)};
}

uint64_t transform_position(uint64_t pos, const TextOp& op, Stickiness stickiness) {
  // A position may come from a client (a cursor in a presence update): keep
  // the arithmetic below far from wrapping around.
  pos = std::min(pos, kMaxLength);
  uint64_t at = 0;  // position in the document before op
  uint64_t moved = pos;
  for (const Component& c : op.components()) {
    if (at > pos) break;
    if (auto* r = std::get_if<Retain>(&c)) {
      at += r->n;
    } else if (auto* ins = std::get_if<Insert>(&c)) {
      if (at < pos || stickiness == Stickiness::kAfter) moved += ins->length;
    } else {
      const uint64_t n = std::get<Delete>(c).n;
      if (pos >= at + n) {
        moved -= n;
      } else if (pos > at) {
        moved -= pos - at;
      }
      at += n;
    }
  }
  return moved;
}

Range transform_range(Range range, const TextOp& op, Stickiness stickiness) {
  return Range{transform_position(range.anchor, op, stickiness), transform_position(range.head, op, stickiness)};
}

Range transform_anchor(Range range, const TextOp& op) {
  const uint64_t from = std::min(range.anchor, range.head);
  const uint64_t to = std::max(range.anchor, range.head);
  if (from == to) {
    const uint64_t p = transform_position(from, op, Stickiness::kBefore);
    return Range{p, p};
  }
  const uint64_t new_from = transform_position(from, op, Stickiness::kAfter);
  const uint64_t new_to = transform_position(to, op, Stickiness::kBefore);
  // from < to, so an insert can only push new_from past new_to if the range
  // was deleted and text inserted where it was; collapse to the end then.
  if (new_from > new_to) return Range{new_to, new_to};
  return Range{new_from, new_to};
}

}  // namespace kenes::engine
