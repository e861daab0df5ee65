#pragma once

// The text operation: the unit of change of a document.
//
// An op is a list of components applied left to right from position 0:
//   Retain{n}   keep the next n code points,
//   Insert{s}   insert UTF-8 text s at the current position,
//   Delete{n}   remove the next n code points.
// Code points after the last component are retained implicitly, so an op need
// not know the document's length. Positions and lengths count Unicode code
// points ("Қазақстан" is 9, "👍" is 1, "é" written as e + U+0301 is 2).
// See engine/README.md for the laws apply / compose / invert satisfy.
//
// A TextOp is always NORMALIZED: no empty component, no two adjacent
// components of one kind, an insert before a delete where the two meet at
// one position, no trailing retain. Two ops that do the same thing therefore
// compare equal, and the encoding on the wire is canonical.
//
// Thread-safety: a value type; const methods are safe to call concurrently.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/rope.h"
#include "engine/status.h"

namespace kenes::engine {

// No position or length may exceed this (2^53 - 1): every position then is
// exact in a JavaScript number, which the browser client uses.
inline constexpr uint64_t kMaxLength = (uint64_t{1} << 53) - 1;

struct Retain {
  uint64_t n;
  friend bool operator==(const Retain&, const Retain&) = default;
};

struct Insert {
  std::string text;  // UTF-8
  uint64_t length;   // code points in `text`
  friend bool operator==(const Insert&, const Insert&) = default;
};

struct Delete {
  uint64_t n;
  friend bool operator==(const Delete&, const Delete&) = default;
};

using Component = std::variant<Retain, Insert, Delete>;

class TextOp {
 public:
  // The no-op (changes nothing, fits every document).
  TextOp() = default;

  // Builder for trusted code (the engine itself, tests, tools). Each call
  // appends and keeps the op normalized; zero lengths and empty text are
  // ignored. Precondition for insert: valid UTF-8 (untrusted input goes
  // through from_components instead).
  TextOp& retain(uint64_t n);
  TextOp& insert(std::string_view utf8);
  // As insert(utf8) when the caller already knows the code point count.
  TextOp& insert(std::string_view utf8, uint64_t length);
  TextOp& del(uint64_t n);

  // The door for untrusted components (from the wire). Refuses, naming the
  // component's index: a retain or delete of 0 (kMalformed), an empty insert
  // (kMalformed), an insert that is not valid UTF-8 (kInvalidUtf8), lengths
  // beyond kMaxLength (kDoesNotFit: no document is that long). Insert::length
  // is ignored and recomputed. Then normalizes: merges neighbours, moves an
  // insert before an adjacent delete, drops a trailing retain.
  static Result<TextOp> from_components(std::vector<Component> components);

  const std::vector<Component>& components() const { return components_; }

  // Retained plus deleted code points: the shortest document the op fits.
  uint64_t consumed_length() const { return consumed_; }
  uint64_t inserted_length() const { return inserted_; }
  uint64_t deleted_length() const { return deleted_; }
  // Length of the document after applying to one of `input_length` code
  // points. Precondition: input_length >= consumed_length().
  uint64_t output_length(uint64_t input_length) const { return input_length - deleted_ + inserted_; }

  bool is_noop() const { return components_.empty(); }

  friend bool operator==(const TextOp& a, const TextOp& b) { return a.components_ == b.components_; }

  // The op in the JSON encoding of the test vectors: a positive number is a
  // retain, a string an insert, {"d":n} a delete. E.g. [3,"ab",{"d":2}].
  std::string debug_string() const;

 private:
  void flush_retain();

  std::vector<Component> components_;
  // A retain not yet followed by an insert or delete. It is kept aside so
  // that a trailing retain never appears in components_.
  uint64_t pending_retain_ = 0;
  uint64_t consumed_ = 0;
  uint64_t inserted_ = 0;
  uint64_t deleted_ = 0;
};

// OK if `op` fits a document of `doc_length` code points, else kDoesNotFit:
// "op retains/deletes up to code point 120 but the document has 97".
Status validate(const TextOp& op, uint64_t doc_length);

// Validates, then applies. On error the text is unchanged.
Status apply(const TextOp& op, Rope& text);
// The same on a std::string of valid UTF-8 (for tests and small tools). Not
// an overload of apply(): with a std::string argument, argument-dependent
// lookup would also find std::apply, whose instantiation fails hard.
Status apply_to_string(const TextOp& op, std::string& text);

// The op that undoes `op` on the document it produced: apply(op) then
// apply(invert(op, before)) restores `before`. kDoesNotFit if `op` does not
// fit `before`.
Result<TextOp> invert(const TextOp& op, const Rope& before);

// One op with the effect of `a` followed by `b`:
//   apply(compose(a, b), d) == apply(b, apply(a, d))
// whenever `a` fits d and `b` fits apply(a, d). Total: thanks to the implicit
// trailing retain, any two ops compose (if b reaches past a's output, the
// result reaches that far into the input).
TextOp compose(const TextOp& a, const TextOp& b);

}  // namespace kenes::engine
