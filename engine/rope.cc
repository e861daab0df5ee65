#include "engine/rope.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "engine/utf8.h"

namespace kenes::engine {

// The node types. A node does not know whether it is a leaf: the tree is
// perfectly balanced, so the level (counted down to 0 at the leaves) says.
struct detail::RopeNode {};

namespace {

using Node = detail::RopeNode;

constexpr size_t kLeafCapacity = Rope::kLeafCapacity;
constexpr size_t kMaxChildren = Rope::kMaxChildren;
// Below these a node is merged with, or refilled from, a sibling. A quarter
// rather than the textbook half leaves slack between a split (two halves)
// and a merge, so that typing back and forth over a boundary does not
// alternate between the two.
constexpr size_t kLeafMinBytes = kLeafCapacity / 4;
constexpr size_t kMinChildren = kMaxChildren / 4;
// Inserts are fed to the tree in pieces of at most this many bytes, so that
// a leaf plus a piece always fits in two leaves after a split.
constexpr size_t kMaxInsertPiece = kLeafCapacity / 2;
// Fill targets of the bulk builder: room to grow before the first split.
constexpr size_t kBuildLeafBytes = kLeafCapacity * 3 / 4;
constexpr size_t kBuildChildren = kMaxChildren * 3 / 4;

struct Leaf : Node {
  uint32_t bytes = 0;
  uint32_t chars = 0;
  char data[kLeafCapacity];

  std::string_view view() const { return {data, bytes}; }
};

struct Inner : Node {
  uint32_t count = 0;
  // Per child: code points and bytes in its subtree. One spare slot lets a
  // split child be added before the node itself splits.
  uint64_t chars[kMaxChildren + 1];
  uint64_t bytes[kMaxChildren + 1];
  Node* child[kMaxChildren + 1];
};

Leaf* as_leaf(Node* n) { return static_cast<Leaf*>(n); }
const Leaf* as_leaf(const Node* n) { return static_cast<const Leaf*>(n); }
Inner* as_inner(Node* n) { return static_cast<Inner*>(n); }
const Inner* as_inner(const Node* n) { return static_cast<const Inner*>(n); }

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The first code point boundary at or after `target` (or `size`).
size_t boundary_at_or_after(const char* data, size_t size, size_t target) {
  while (target < size && is_continuation(data[target])) ++target;
  return target;
}

void free_tree(Node* n, int level) {
  if (level == 0) {
    delete as_leaf(n);
    return;
  }
  Inner* in = as_inner(n);
  for (uint32_t i = 0; i < in->count; ++i) free_tree(in->child[i], level - 1);
  delete in;
}

Node* clone_tree(const Node* n, int level) {
  if (level == 0) {
    const Leaf* src = as_leaf(n);
    Leaf* leaf = new Leaf;
    leaf->bytes = src->bytes;
    leaf->chars = src->chars;
    std::memcpy(leaf->data, src->data, src->bytes);
    return leaf;
  }
  const Inner* src = as_inner(n);
  Inner* in = new Inner;
  in->count = src->count;
  for (uint32_t i = 0; i < src->count; ++i) {
    in->chars[i] = src->chars[i];
    in->bytes[i] = src->bytes[i];
    in->child[i] = clone_tree(src->child[i], level - 1);
  }
  return in;
}

void measure(const Node* n, int level, uint64_t& chars, uint64_t& bytes) {
  if (level == 0) {
    chars = as_leaf(n)->chars;
    bytes = as_leaf(n)->bytes;
    return;
  }
  const Inner* in = as_inner(n);
  chars = 0;
  bytes = 0;
  for (uint32_t i = 0; i < in->count; ++i) {
    chars += in->chars[i];
    bytes += in->bytes[i];
  }
}

void fill_leaf(Leaf* leaf, const char* data, size_t size) {
  std::memcpy(leaf->data, data, size);
  leaf->bytes = static_cast<uint32_t>(size);
  leaf->chars = static_cast<uint32_t>(count_code_points({data, size}));
}

// Byte offset of code point `pos` inside a leaf; a leaf of pure ASCII (as
// much of a typical draft is) needs no scan.
size_t leaf_offset(const Leaf* leaf, uint64_t pos) {
  if (leaf->chars == leaf->bytes) return pos;
  return byte_offset_of_code_point(leaf->view(), pos);
}

// Makes room at entry `i` of an inner node (count grows by one).
void open_entry(Inner* in, uint32_t i) {
  const uint32_t tail = in->count - i;
  std::memmove(in->chars + i + 1, in->chars + i, tail * sizeof(uint64_t));
  std::memmove(in->bytes + i + 1, in->bytes + i, tail * sizeof(uint64_t));
  std::memmove(in->child + i + 1, in->child + i, tail * sizeof(Node*));
  ++in->count;
}

void remove_entry(Inner* in, uint32_t i) {
  const uint32_t tail = in->count - i - 1;
  std::memmove(in->chars + i, in->chars + i + 1, tail * sizeof(uint64_t));
  std::memmove(in->bytes + i, in->bytes + i + 1, tail * sizeof(uint64_t));
  std::memmove(in->child + i, in->child + i + 1, tail * sizeof(Node*));
  --in->count;
}

// Inserts `text` (at most kMaxInsertPiece bytes, `chars` code points) before
// code point `pos` of a leaf. When the leaf overflows it keeps the first half
// and returns a new leaf with the second half for the caller to link in.
Leaf* leaf_insert(Leaf* leaf, uint64_t pos, std::string_view text, uint64_t chars) {
  const size_t off = leaf_offset(leaf, pos);
  if (leaf->bytes + text.size() <= kLeafCapacity) {
    std::memmove(leaf->data + off + text.size(), leaf->data + off, leaf->bytes - off);
    std::memcpy(leaf->data + off, text.data(), text.size());
    leaf->bytes += static_cast<uint32_t>(text.size());
    leaf->chars += static_cast<uint32_t>(chars);
    return nullptr;
  }
  char joined[kLeafCapacity + kMaxInsertPiece];
  const size_t total = leaf->bytes + text.size();
  std::memcpy(joined, leaf->data, off);
  std::memcpy(joined + off, text.data(), text.size());
  std::memcpy(joined + off + text.size(), leaf->data + off, leaf->bytes - off);
  const size_t cut = boundary_at_or_after(joined, total, total / 2);
  Leaf* right = new Leaf;
  fill_leaf(leaf, joined, cut);
  fill_leaf(right, joined + cut, total - cut);
  return right;
}

// Inserts into the subtree of `n`; returns a new right sibling when `n` had
// to split (the caller links it in), nullptr otherwise.
Node* insert_into(Node* n, int level, uint64_t pos, std::string_view text, uint64_t chars) {
  if (level == 0) return leaf_insert(as_leaf(n), pos, text, chars);
  Inner* in = as_inner(n);
  // At a boundary between two children, append to the left one: typing at
  // the end of a chunk then stays in that chunk.
  uint32_t i = 0;
  while (i + 1 < in->count && pos > in->chars[i]) {
    pos -= in->chars[i];
    ++i;
  }
  Node* split = insert_into(in->child[i], level - 1, pos, text, chars);
  if (split == nullptr) {
    in->chars[i] += chars;
    in->bytes[i] += text.size();
    return nullptr;
  }
  measure(in->child[i], level - 1, in->chars[i], in->bytes[i]);
  open_entry(in, i + 1);
  in->child[i + 1] = split;
  measure(split, level - 1, in->chars[i + 1], in->bytes[i + 1]);
  if (in->count <= kMaxChildren) return nullptr;
  Inner* right = new Inner;
  const uint32_t keep = in->count / 2;
  right->count = in->count - keep;
  std::memcpy(right->chars, in->chars + keep, right->count * sizeof(uint64_t));
  std::memcpy(right->bytes, in->bytes + keep, right->count * sizeof(uint64_t));
  std::memcpy(right->child, in->child + keep, right->count * sizeof(Node*));
  in->count = keep;
  return right;
}

bool underfull(const Node* n, int level) {
  if (level == 0) return as_leaf(n)->bytes < kLeafMinBytes;
  return as_inner(n)->count < kMinChildren;
}

// Child `idx` of `in` is underfull: merges it with a neighbour or, when the
// two do not fit in one node, shares their contents evenly.
void fix_underflow(Inner* in, int level, uint32_t idx) {
  if (in->count < 2) return;
  const uint32_t a = idx + 1 < in->count ? idx : idx - 1;
  const uint32_t b = a + 1;
  if (level - 1 == 0) {
    Leaf* la = as_leaf(in->child[a]);
    Leaf* lb = as_leaf(in->child[b]);
    if (la->bytes + lb->bytes <= kLeafCapacity) {
      std::memcpy(la->data + la->bytes, lb->data, lb->bytes);
      la->bytes += lb->bytes;
      la->chars += lb->chars;
      delete lb;
      remove_entry(in, b);
    } else {
      char joined[2 * kLeafCapacity];
      const size_t total = la->bytes + lb->bytes;
      std::memcpy(joined, la->data, la->bytes);
      std::memcpy(joined + la->bytes, lb->data, lb->bytes);
      const size_t cut = boundary_at_or_after(joined, total, total / 2);
      fill_leaf(la, joined, cut);
      fill_leaf(lb, joined + cut, total - cut);
      in->chars[b] = lb->chars;
      in->bytes[b] = lb->bytes;
    }
    in->chars[a] = la->chars;
    in->bytes[a] = la->bytes;
    return;
  }
  Inner* ia = as_inner(in->child[a]);
  Inner* ib = as_inner(in->child[b]);
  const uint32_t total = ia->count + ib->count;
  if (total <= kMaxChildren) {
    std::memcpy(ia->chars + ia->count, ib->chars, ib->count * sizeof(uint64_t));
    std::memcpy(ia->bytes + ia->count, ib->bytes, ib->count * sizeof(uint64_t));
    std::memcpy(ia->child + ia->count, ib->child, ib->count * sizeof(Node*));
    ia->count = total;
    delete ib;
    remove_entry(in, b);
  } else {
    // Gather both into one sequence, then cut it in the middle.
    uint64_t chars[2 * kMaxChildren + 2];
    uint64_t bytes[2 * kMaxChildren + 2];
    Node* child[2 * kMaxChildren + 2];
    std::memcpy(chars, ia->chars, ia->count * sizeof(uint64_t));
    std::memcpy(bytes, ia->bytes, ia->count * sizeof(uint64_t));
    std::memcpy(child, ia->child, ia->count * sizeof(Node*));
    std::memcpy(chars + ia->count, ib->chars, ib->count * sizeof(uint64_t));
    std::memcpy(bytes + ia->count, ib->bytes, ib->count * sizeof(uint64_t));
    std::memcpy(child + ia->count, ib->child, ib->count * sizeof(Node*));
    const uint32_t left = total / 2;
    ia->count = left;
    ib->count = total - left;
    std::memcpy(ia->chars, chars, left * sizeof(uint64_t));
    std::memcpy(ia->bytes, bytes, left * sizeof(uint64_t));
    std::memcpy(ia->child, child, left * sizeof(Node*));
    std::memcpy(ib->chars, chars + left, ib->count * sizeof(uint64_t));
    std::memcpy(ib->bytes, bytes + left, ib->count * sizeof(uint64_t));
    std::memcpy(ib->child, child + left, ib->count * sizeof(Node*));
    measure(ib, level - 1, in->chars[b], in->bytes[b]);
  }
  measure(ia, level - 1, in->chars[a], in->bytes[a]);
}

// Erases `len` >= 1 code points from `pos` inside the subtree of `n`
// (pos + len <= its length, and not all of it). Returns the bytes removed.
uint64_t erase_from(Node* n, int level, uint64_t pos, uint64_t len) {
  if (level == 0) {
    Leaf* leaf = as_leaf(n);
    size_t a, b;
    if (leaf->chars == leaf->bytes) {
      a = pos;
      b = pos + len;
    } else {
      a = byte_offset_of_code_point(leaf->view(), pos);
      b = a + byte_offset_of_code_point(leaf->view().substr(a), len);
    }
    std::memmove(leaf->data + a, leaf->data + b, leaf->bytes - b);
    leaf->bytes -= static_cast<uint32_t>(b - a);
    leaf->chars -= static_cast<uint32_t>(len);
    return b - a;
  }
  Inner* in = as_inner(n);
  uint32_t i = 0;
  while (pos >= in->chars[i]) {
    pos -= in->chars[i];
    ++i;
  }
  // Children cut partially (not removed whole): at most the first and the
  // last of the range. Only they can have become underfull.
  uint32_t partial[2];
  int partials = 0;
  uint64_t removed = 0;
  while (len > 0) {
    const uint64_t take = std::min(len, in->chars[i] - pos);
    if (pos == 0 && take == in->chars[i]) {
      removed += in->bytes[i];
      free_tree(in->child[i], level - 1);
      remove_entry(in, i);
    } else {
      const uint64_t b = erase_from(in->child[i], level - 1, pos, take);
      in->chars[i] -= take;
      in->bytes[i] -= b;
      removed += b;
      partial[partials++] = i;
      ++i;
    }
    len -= take;
    pos = 0;
  }
  // Fix the right one first so that the left index stays valid.
  while (partials > 0) {
    const uint32_t k = partial[--partials];
    if (k < in->count && underfull(in->child[k], level - 1)) fix_underflow(in, level, k);
  }
  return removed;
}

void collect(const Node* n, int level, uint64_t pos, uint64_t len, std::string& out) {
  if (level == 0) {
    const Leaf* leaf = as_leaf(n);
    const size_t a = leaf_offset(leaf, pos);
    const size_t b = leaf_offset(leaf, pos + len);
    out.append(leaf->data + a, b - a);
    return;
  }
  const Inner* in = as_inner(n);
  for (uint32_t i = 0; i < in->count && len > 0; ++i) {
    if (pos >= in->chars[i]) {
      pos -= in->chars[i];
      continue;
    }
    const uint64_t take = std::min(len, in->chars[i] - pos);
    collect(in->child[i], level - 1, pos, take, out);
    len -= take;
    pos = 0;
  }
}

void visit(const Node* n, int level, void (*fn)(void*, std::string_view), void* ctx) {
  if (level == 0) {
    if (as_leaf(n)->bytes > 0) fn(ctx, as_leaf(n)->view());
    return;
  }
  const Inner* in = as_inner(n);
  for (uint32_t i = 0; i < in->count; ++i) visit(in->child[i], level - 1, fn, ctx);
}

Status breach(std::string what) { return Status(ErrorCode::kInvalidState, "rope invariant broken: " + what); }

Status check_node(const Node* n, int level, bool is_root, uint64_t& chars, uint64_t& bytes) {
  if (level == 0) {
    const Leaf* leaf = as_leaf(n);
    if (leaf->bytes > kLeafCapacity) return breach("leaf over capacity");
    if (leaf->bytes == 0 && !is_root) return breach("empty leaf below the root");
    if (!is_valid_utf8(leaf->view())) return breach("leaf is not valid UTF-8 on its own (cut inside a code point)");
    if (count_code_points(leaf->view()) != leaf->chars) return breach("leaf code point count is stale");
    chars = leaf->chars;
    bytes = leaf->bytes;
    return Status::Ok();
  }
  const Inner* in = as_inner(n);
  if (in->count == 0 || in->count > kMaxChildren) return breach("inner node with " + std::to_string(in->count) + " children");
  if (is_root && in->count < 2) return breach("inner root with one child");
  chars = 0;
  bytes = 0;
  for (uint32_t i = 0; i < in->count; ++i) {
    uint64_t c = 0, b = 0;
    Status s = check_node(in->child[i], level - 1, false, c, b);
    if (!s.ok()) return s;
    if (c != in->chars[i] || b != in->bytes[i]) return breach("inner node counts differ from its child's contents");
    chars += c;
    bytes += b;
  }
  return Status::Ok();
}

}  // namespace

Rope::Rope() : root_(new Leaf) {}

Rope::Rope(std::string_view utf8) : Rope() {
  if (utf8.size() <= kLeafCapacity) {
    fill_leaf(as_leaf(root_), utf8.data(), utf8.size());
    chars_ = as_leaf(root_)->chars;
    bytes_ = utf8.size();
    return;
  }
  delete as_leaf(root_);
  // Leaves: cut the text into equal shares near the fill target, each moved
  // forward to a code point boundary.
  std::vector<Node*> nodes;
  const size_t size = utf8.size();
  const size_t leaves = (size + kBuildLeafBytes - 1) / kBuildLeafBytes;
  size_t start = 0;
  for (size_t k = 1; k <= leaves; ++k) {
    const size_t end = k == leaves ? size : boundary_at_or_after(utf8.data(), size, size * k / leaves);
    Leaf* leaf = new Leaf;
    fill_leaf(leaf, utf8.data() + start, end - start);
    chars_ += leaf->chars;
    nodes.push_back(leaf);
    start = end;
  }
  bytes_ = size;
  // Inner levels: group evenly until one node remains.
  int level = 0;
  while (nodes.size() > 1) {
    const size_t n = nodes.size();
    const size_t groups = (n + kBuildChildren - 1) / kBuildChildren;
    std::vector<Node*> parents;
    for (size_t g = 0; g < groups; ++g) {
      Inner* in = new Inner;
      for (size_t k = n * g / groups; k < n * (g + 1) / groups; ++k) {
        in->child[in->count] = nodes[k];
        measure(nodes[k], level, in->chars[in->count], in->bytes[in->count]);
        ++in->count;
      }
      parents.push_back(in);
    }
    nodes = std::move(parents);
    ++level;
  }
  root_ = nodes[0];
  height_ = level;
}

Rope::Rope(const Rope& other)
    : root_(clone_tree(other.root_, other.height_)),
      height_(other.height_),
      chars_(other.chars_),
      bytes_(other.bytes_) {}

Rope& Rope::operator=(const Rope& other) {
  if (this != &other) {
    Rope copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Rope::Rope(Rope&& other) noexcept
    : root_(std::exchange(other.root_, nullptr)),
      height_(std::exchange(other.height_, 0)),
      chars_(std::exchange(other.chars_, 0)),
      bytes_(std::exchange(other.bytes_, 0)) {
  // A moved-from rope stays usable: an empty text.
  other.root_ = new Leaf;
}

Rope& Rope::operator=(Rope&& other) noexcept {
  if (this != &other) {
    std::swap(root_, other.root_);
    std::swap(height_, other.height_);
    std::swap(chars_, other.chars_);
    std::swap(bytes_, other.bytes_);
    other.clear();
  }
  return *this;
}

Rope::~Rope() { free_tree(root_, height_); }

void Rope::clear() {
  free_tree(root_, height_);
  root_ = new Leaf;
  height_ = 0;
  chars_ = 0;
  bytes_ = 0;
}

std::string Rope::to_string() const {
  std::string out;
  out.reserve(bytes_);
  for_each_chunk([&out](std::string_view chunk) { out += chunk; });
  return out;
}

std::string Rope::substr(uint64_t pos, uint64_t len) const {
  std::string out;
  if (pos >= chars_) return out;
  len = std::min(len, chars_ - pos);
  if (len > 0) collect(root_, height_, pos, len, out);
  return out;
}

void Rope::insert(uint64_t pos, std::string_view utf8, uint64_t length) {
  pos = std::min(pos, chars_);
  if (utf8.size() <= kMaxInsertPiece) {
    if (!utf8.empty()) insert_chunk(pos, utf8, length);
    return;
  }
  insert(pos, utf8);
}

void Rope::insert(uint64_t pos, std::string_view utf8) {
  pos = std::min(pos, chars_);
  // Feed long text in pieces that each fit the split logic of one leaf.
  while (!utf8.empty()) {
    size_t piece = utf8.size();
    if (piece > kMaxInsertPiece) {
      piece = kMaxInsertPiece;
      while (piece > 0 && is_continuation(utf8[piece])) --piece;
      // Only text breaking the precondition (a run of continuation bytes)
      // gets here; cut anyway rather than loop forever.
      if (piece == 0) piece = kMaxInsertPiece;
    }
    const std::string_view part = utf8.substr(0, piece);
    const uint64_t chars = count_code_points(part);
    insert_chunk(pos, part, chars);
    pos += chars;
    utf8.remove_prefix(piece);
  }
}

void Rope::insert_chunk(uint64_t pos, std::string_view utf8, uint64_t chars) {
  Node* split = insert_into(root_, height_, pos, utf8, chars);
  if (split != nullptr) {
    Inner* root = new Inner;
    root->count = 2;
    root->child[0] = root_;
    root->child[1] = split;
    measure(root_, height_, root->chars[0], root->bytes[0]);
    measure(split, height_, root->chars[1], root->bytes[1]);
    root_ = root;
    ++height_;
  }
  chars_ += chars;
  bytes_ += utf8.size();
}

void Rope::erase(uint64_t pos, uint64_t len) {
  if (pos >= chars_) return;
  len = std::min(len, chars_ - pos);
  if (len == 0) return;
  if (len == chars_) {
    clear();
    return;
  }
  bytes_ -= erase_from(root_, height_, pos, len);
  chars_ -= len;
  while (height_ > 0 && as_inner(root_)->count == 1) {
    Node* only = as_inner(root_)->child[0];
    delete as_inner(root_);
    root_ = only;
    --height_;
  }
}

void Rope::visit_chunks(void (*fn)(void*, std::string_view), void* ctx) const { visit(root_, height_, fn, ctx); }

bool operator==(const Rope& a, const Rope& b) {
  return a.length() == b.length() && a.size_bytes() == b.size_bytes() && a.to_string() == b.to_string();
}

bool operator==(const Rope& a, std::string_view b) {
  if (a.size_bytes() != b.size()) return false;
  bool same = true;
  size_t at = 0;
  a.for_each_chunk([&](std::string_view chunk) {
    if (same && b.substr(at, chunk.size()) != chunk) same = false;
    at += chunk.size();
  });
  return same;
}

Status Rope::check_invariants() const {
  uint64_t chars = 0, bytes = 0;
  Status s = check_node(root_, height_, true, chars, bytes);
  if (!s.ok()) return s;
  if (chars != chars_ || bytes != bytes_) return breach("rope totals differ from the tree");
  return Status::Ok();
}

}  // namespace kenes::engine
