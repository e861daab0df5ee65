#pragma once

// The text of a document: a B-tree of UTF-8 chunks.
//
// Every leaf holds up to kLeafCapacity bytes of UTF-8, cut only at code point
// boundaries; every inner node keeps, per child, the number of code points and
// bytes below it. Finding a code point position therefore walks one root-to-
// leaf path, and insert / erase at a position cost O(log n) plus the bytes
// moved inside one leaf (an erase spanning k leaves also frees them, O(k)).
// A 100 KB document is a tree of height 2 or 3.
//
// Positions and lengths are in code points. The rope never checks UTF-8: the
// text it is given must be valid (TextOp validates inserts before they get
// here). Out-of-range positions are clamped, never undefined behaviour.
//
// Thread-safety: none; one owner (a DocumentSequencer or ClientDocument).
// Const methods may be called concurrently with each other.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "engine/status.h"

namespace kenes::engine {

namespace detail {
struct RopeNode;  // a leaf or an inner node; defined in rope.cc
}

class Rope {
 public:
  Rope();
  // Precondition: `utf8` is valid UTF-8. Builds the tree bottom-up in O(n).
  explicit Rope(std::string_view utf8);
  Rope(const Rope& other);
  Rope& operator=(const Rope& other);
  Rope(Rope&& other) noexcept;
  Rope& operator=(Rope&& other) noexcept;
  ~Rope();

  // Length in code points.
  uint64_t length() const { return chars_; }
  uint64_t size_bytes() const { return bytes_; }
  bool empty() const { return chars_ == 0; }

  std::string to_string() const;
  // Up to `len` code points starting at code point `pos` (clamped to the text).
  std::string substr(uint64_t pos, uint64_t len) const;

  // Inserts valid UTF-8 before code point `pos` (pos is clamped to length()).
  void insert(uint64_t pos, std::string_view utf8);
  // The same when the caller knows the code point count of `utf8` (as a
  // TextOp's Insert does), saving a count.
  void insert(uint64_t pos, std::string_view utf8, uint64_t length);
  // Removes `len` code points starting at `pos` (the range is clamped).
  void erase(uint64_t pos, uint64_t len);

  // Calls visitor(std::string_view chunk) for each leaf in order. The chunks
  // concatenate to to_string(); each is non-empty and ends on a code point
  // boundary. Do not modify the rope from inside the visitor.
  template <class Visitor>
  void for_each_chunk(Visitor&& visitor) const {
    visit_chunks(
        [](void* ctx, std::string_view chunk) { (*static_cast<std::remove_reference_t<Visitor>*>(ctx))(chunk); },
        const_cast<void*>(static_cast<const void*>(&visitor)));
  }

  friend bool operator==(const Rope& a, const Rope& b);
  friend bool operator==(const Rope& a, std::string_view b);

  // For tests: checks every structural invariant (counts match contents, all
  // leaves at one depth, node sizes within bounds, chunks non-empty and cut at
  // code point boundaries). Returns kInvalidState describing the first breach.
  Status check_invariants() const;
  // Levels of inner nodes above the leaves (0: the root is a leaf).
  int height() const { return height_; }

  // Bytes per leaf. Large enough that typing mostly touches one leaf, small
  // enough that the memmove of an insert and the code point scan of a
  // non-ASCII leaf stay cheap.
  static constexpr size_t kLeafCapacity = 1024 - 2 * sizeof(uint32_t);
  // Children per inner node.
  static constexpr size_t kMaxChildren = 16;

 private:
  void visit_chunks(void (*fn)(void*, std::string_view), void* ctx) const;
  void insert_chunk(uint64_t pos, std::string_view utf8, uint64_t chars);
  void clear();

  detail::RopeNode* root_;
  int height_ = 0;
  uint64_t chars_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace kenes::engine
