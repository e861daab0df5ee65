#pragma once

// A comment anchor (or a suggestion's range) on a document's text: a range of
// code points that follows every op applied to the document, and that
// DETACHES when its text is entirely deleted.
//
// Movement is transform_anchor's (engine/README.md, "Stickiness"): text
// inserted exactly at either edge stays outside the range, text inserted
// strictly inside is inside (the range grows), a delete that takes part of
// the range shrinks it. When a delete takes all of it, the anchor keeps the
// quoted text and up to kContextLength code points on each side, read from
// the text just BEFORE that op, so that a reader (or locate_quote) can find
// where it was; it then follows the text as one point that stays before text
// inserted at it, until it is re-attached to a new range.
//
// "Changed": whether any op deleted text inside the range or inserted text
// strictly inside it since the anchor was made. Edits next to the range do
// not count. A suggestion whose range changed is flagged before acceptance.
// The flag is sticky: only a new anchor starts unchanged (re-attaching keeps
// it set, since the detaching delete was a change).
//
// Thread-safety: a value type with one owner, like the document it follows.

#include <cstdint>
#include <optional>
#include <string>

#include "engine/rope.h"
#include "engine/status.h"
#include "engine/text_op.h"
#include "engine/transform.h"

namespace kenes::engine {

// What a detached anchor remembers of its text.
struct DetachedQuote {
  std::string text;    // the anchored text the deleting op removed (UTF-8)
  std::string before;  // up to kContextLength code points before it
  std::string after;   // up to kContextLength code points after it
  friend bool operator==(const DetachedQuote&, const DetachedQuote&) = default;
};

class AnchoredRange {
 public:
  // Code points of context kept on each side of a detached quote.
  static constexpr uint64_t kContextLength = 32;

  // An anchor on [min(range.anchor, range.head), max) of `text`. The range
  // must be non-empty (kMalformed: a comment anchors to some text) and lie
  // within the text (kDoesNotFit, naming the numbers).
  static Result<AnchoredRange> create(Range range, const Rope& text);

  // Where the anchor is now, with from <= to. Detached: from == to, the
  // point where the text was.
  uint64_t from() const { return from_; }
  uint64_t to() const { return to_; }
  Range range() const { return Range{from_, to_}; }

  bool attached() const { return !quote_.has_value(); }
  // The remembered quote while detached; nullopt while attached.
  const std::optional<DetachedQuote>& detached_quote() const { return quote_; }

  // True once an op has deleted text inside the range or inserted text
  // strictly inside it (see the file comment).
  bool changed() const { return changed_; }

  // Moves the anchor through `op`. `before` is the text `op` applies to (the
  // document before the op; it is read only when the op detaches the
  // anchor). Errors, with nothing changed: kDoesNotFit if `op` does not fit
  // `before`; kInvalidState if the anchor lies beyond `before` (the caller
  // passed the wrong text or skipped an op). Cost: O(components of op), plus
  // the quote and context when the op detaches.
  Status update(const TextOp& op, const Rope& before);

  // Attaches (again) to [min, max) of `range` on `text`, validated as in
  // create(). Drops the detached quote; `changed()` stays as it was. Works on
  // an attached anchor too (moving a comment to other words).
  Status reattach(Range range, const Rope& text);

  // For a detached anchor: the occurrence of the quoted text in `text` whose
  // surroundings best match the remembered context (the most code points of
  // context matching next to it), the one nearest the detached point on a
  // tie. nullopt if attached or if the quote does not occur. A suggestion
  // for the user, who re-attaches explicitly. O(document length x quote).
  std::optional<Range> locate_quote(const Rope& text) const;

  // An anchor exactly as a snapshot remembered it (what from(), to(),
  // changed() and detached_quote() said): for loading folded state without
  // the text it was made on. Trusts its input; from <= to.
  static AnchoredRange restore(uint64_t from, uint64_t to, bool changed, std::optional<DetachedQuote> quote) {
    AnchoredRange r(from, to);
    r.changed_ = changed;
    r.quote_ = std::move(quote);
    return r;
  }

 private:
  AnchoredRange(uint64_t from, uint64_t to) : from_(from), to_(to) {}

  uint64_t from_;
  uint64_t to_;
  bool changed_ = false;
  std::optional<DetachedQuote> quote_;
};

}  // namespace kenes::engine
