#include "engine/anchored_range.h"

#include <algorithm>
#include <string_view>
#include <variant>

#include "engine/utf8.h"

namespace kenes::engine {
namespace {

Status check_range(uint64_t from, uint64_t to, const Rope& text) {
  if (from == to) {
    return Status(ErrorCode::kMalformed, "an anchored range must not be empty (both ends at " + std::to_string(from) + ")");
  }
  if (to > text.length()) {
    return Status(ErrorCode::kDoesNotFit, "range [" + std::to_string(from) + ", " + std::to_string(to) +
                                              ") reaches past the document's " + std::to_string(text.length()) +
                                              " code points");
  }
  return Status::Ok();
}

// Whether `op` deletes text in [from, to) or inserts strictly inside it,
// positions being those of the document before `op`. An insert is at the
// position where it happens in the op's walk; in normal form an insert comes
// before a delete at one position, so an insert right after deleted text is
// at the start of that text (as transform_position also sees it).
bool touches(const TextOp& op, uint64_t from, uint64_t to) {
  uint64_t at = 0;
  for (const Component& c : op.components()) {
    if (at >= to) return false;
    if (const auto* r = std::get_if<Retain>(&c)) {
      at += r->n;
    } else if (std::holds_alternative<Insert>(c)) {
      if (at > from) return true;  // and at < to
    } else {
      const uint64_t n = std::get<Delete>(c).n;
      if (at + n > from) return true;  // [at, at + n) meets [from, to)
      at += n;
    }
  }
  return false;
}

// Code points of `a` and `b` that agree, counted from the front (or from the
// back), ending on a code point boundary of both.
uint64_t common_prefix_code_points(std::string_view a, std::string_view b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  // Do not count a code point whose leading bytes matched but not all of it.
  auto continuation = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; };
  while (n > 0 && ((n < a.size() && continuation(a[n])) || (n < b.size() && continuation(b[n])))) --n;
  return count_code_points(a.substr(0, n));
}

uint64_t common_suffix_code_points(std::string_view a, std::string_view b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[a.size() - 1 - n] == b[b.size() - 1 - n]) ++n;
  // A match that starts inside a code point counts only its whole ones; the
  // partial tail is continuation bytes, which count_code_points ignores.
  return count_code_points(a.substr(a.size() - n));
}

}  // namespace

Result<AnchoredRange> AnchoredRange::create(Range range, const Rope& text) {
  const uint64_t from = std::min(range.anchor, range.head);
  const uint64_t to = std::max(range.anchor, range.head);
  Status s = check_range(from, to, text);
  if (!s.ok()) return s;
  return AnchoredRange(from, to);
}

Status AnchoredRange::update(const TextOp& op, const Rope& before) {
  Status s = validate(op, before.length());
  if (!s.ok()) return s;
  if (to_ > before.length()) {
    return Status(ErrorCode::kInvalidState, "the anchor ends at code point " + std::to_string(to_) +
                                                " but the document given has " + std::to_string(before.length()) +
                                                " (wrong text, or an op was skipped)");
  }
  if (!attached()) {
    const uint64_t p = transform_position(from_, op, Stickiness::kBefore);
    from_ = to_ = p;
    return Status::Ok();
  }
  if (touches(op, from_, to_)) changed_ = true;
  const Range moved = transform_anchor(Range{from_, to_}, op);
  if (moved.anchor == moved.head) {
    // The op deleted all of the anchored text (an insert strictly inside
    // would have kept it non-empty): remember it before it is gone.
    DetachedQuote q;
    q.text = before.substr(from_, to_ - from_);
    const uint64_t context_from = from_ > kContextLength ? from_ - kContextLength : 0;
    q.before = before.substr(context_from, from_ - context_from);
    q.after = before.substr(to_, kContextLength);
    quote_ = std::move(q);
  }
  from_ = moved.anchor;
  to_ = moved.head;
  return Status::Ok();
}

Status AnchoredRange::reattach(Range range, const Rope& text) {
  const uint64_t from = std::min(range.anchor, range.head);
  const uint64_t to = std::max(range.anchor, range.head);
  Status s = check_range(from, to, text);
  if (!s.ok()) return s;
  from_ = from;
  to_ = to;
  quote_.reset();
  return Status::Ok();
}

std::optional<Range> AnchoredRange::locate_quote(const Rope& text) const {
  if (!quote_.has_value()) return std::nullopt;
  const std::string doc = text.to_string();
  const std::string_view view(doc);
  const std::string& needle = quote_->text;
  const uint64_t quote_length = count_code_points(needle);
  std::optional<Range> best;
  uint64_t best_score = 0;
  uint64_t best_distance = 0;
  size_t counted_bytes = 0;  // bytes of doc already converted to code points
  uint64_t counted_points = 0;
  for (size_t b = view.find(needle); b != std::string_view::npos; b = view.find(needle, b + 1)) {
    // UTF-8 is self-synchronizing: a match of valid UTF-8 in valid UTF-8
    // starts on a code point boundary.
    counted_points += count_code_points(view.substr(counted_bytes, b - counted_bytes));
    counted_bytes = b;
    const uint64_t score = common_suffix_code_points(view.substr(0, b), quote_->before) +
                           common_prefix_code_points(view.substr(b + needle.size()), quote_->after);
    const uint64_t distance = counted_points > from_ ? counted_points - from_ : from_ - counted_points;
    if (!best.has_value() || score > best_score || (score == best_score && distance < best_distance)) {
      best = Range{counted_points, counted_points + quote_length};
      best_score = score;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace kenes::engine
