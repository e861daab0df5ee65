#pragma once

// Internal to the engine: walks the components of a TextOp piece by piece,
// as compose and transform need (they consume two ops in lockstep and often
// stop in the middle of a component). Past the last component the cursor
// reports the implicit trailing retain, endless.

#include <cstdint>
#include <limits>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/text_op.h"
#include "engine/utf8.h"

namespace kenes::engine::detail {

class OpCursor {
 public:
  enum class Kind { kRetain, kInsert, kDelete };
  static constexpr uint64_t kEndless = std::numeric_limits<uint64_t>::max();

  explicit OpCursor(const TextOp& op) : components_(op.components()) {}

  // True once every explicit component is consumed (the endless retain
  // remains).
  bool done() const { return index_ == components_.size(); }

  Kind kind() const {
    if (done()) return Kind::kRetain;
    return static_cast<Kind>(components_[index_].index());
  }

  // Code points left in the current component (kEndless when done()).
  uint64_t remaining() const {
    if (done()) return kEndless;
    const Component& c = components_[index_];
    switch (c.index()) {
      case 0: return std::get<Retain>(c).n - taken_;
      case 1: return std::get<Insert>(c).length - taken_;
      default: return std::get<Delete>(c).n - taken_;
    }
  }

  // The untaken rest of the current insert. Precondition: kind() == kInsert.
  std::string_view insert_rest() const {
    return std::string_view(std::get<Insert>(components_[index_]).text).substr(taken_bytes_);
  }

  // Takes `n` code points of the current insert and returns their bytes.
  // Precondition: kind() == kInsert and 1 <= n <= remaining().
  std::string_view take_insert(uint64_t n) {
    const std::string_view rest = insert_rest();
    const size_t bytes = n == remaining() ? rest.size() : byte_offset_of_code_point(rest, n);
    taken_bytes_ += bytes;
    taken_ += n;
    if (taken_ == std::get<Insert>(components_[index_]).length) next();
    return rest.substr(0, bytes);
  }

  // Takes `n` code points of the current retain or delete (n <= remaining()).
  void advance(uint64_t n) {
    if (done()) return;
    taken_ += n;
    if (remaining() == 0) next();
  }

  // Skips whatever is left of the current component.
  void next() {
    ++index_;
    taken_ = 0;
    taken_bytes_ = 0;
  }

 private:
  const std::vector<Component>& components_;
  size_t index_ = 0;
  uint64_t taken_ = 0;        // code points taken from components_[index_]
  size_t taken_bytes_ = 0;    // bytes taken, when it is an insert
};

}  // namespace kenes::engine::detail
