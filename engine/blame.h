#pragma once

// Authorship per passage ("blame"): who wrote each code point of a
// document's current text, maintained op by op as the document's sequenced
// ops are applied.
//
// Rules:
//   - text an op inserts belongs to the op's authors;
//   - deleted text is gone, with its attribution;
//   - retained text keeps its authors (a text is never re-attributed: an
//     author who deletes a word and types it again wrote the new one).
// An op has one author, or several: an accepted suggestion is "applied as a
// normal text op attributed to both" (the suggester and the accepter). The
// authors are a SET of participant ids, kept sorted and without duplicates,
// rather than one composed string such as "a+b": an id may contain any
// character, and the UI wants the names separately anyway.
//
// The text is held as maximal runs of (length in code points, author set):
// adjacent runs always differ in authors. The runs sit in a balanced tree
// (a treap keyed by position, each node knowing its subtree's length), so an
// op costs O(log runs) per component plus O(runs it deletes), never
// O(document).
//
// Thread-safety: none; one owner, like the document it follows.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "engine/text_op.h"

namespace kenes::engine {

// A passage of the current text and who wrote it.
struct BlameRun {
  uint64_t start;                    // code point offset in the current text
  uint64_t length;                   // code points, > 0
  std::vector<std::string> authors;  // sorted, distinct, non-empty
  friend bool operator==(const BlameRun&, const BlameRun&) = default;
};

class Blame {
 public:
  // An empty document. (A document that starts with text starts with an op
  // inserting it, attributed to whoever created it.)
  Blame();

  // Applies `op`, its inserts attributed to `author`. Errors, with nothing
  // changed: kDoesNotFit if `op` does not fit the current length; kMalformed
  // for an empty author id.
  Status apply(const TextOp& op, std::string_view author);
  // The same with several authors (an accepted suggestion). The list may be
  // in any order and hold duplicates; it must not be empty (kMalformed), nor
  // hold an empty id.
  Status apply(const TextOp& op, const std::vector<std::string>& authors);

  // The current text as maximal runs, in order. O(runs).
  std::vector<BlameRun> runs() const;
  // Authors of the code point at `pos`; empty if pos >= length().
  std::vector<std::string> authors_at(uint64_t pos) const;

  uint64_t length() const;
  size_t run_count() const { return run_count_; }

  // For tests: subtree lengths add up, the heap order holds, no run is
  // empty, neighbours differ in authors. kInvalidState naming the breach.
  Status check_invariants() const;

 private:
  using NodeId = uint32_t;
  static constexpr NodeId kNil = 0;  // nodes_[0] is a sentinel of length 0

  struct Node {
    uint64_t length = 0;   // this run
    uint64_t subtree = 0;  // this run and everything below
    uint32_t authors = 0;  // index in author_sets_
    uint32_t priority = 0;
    NodeId left = kNil;
    NodeId right = kNil;
  };

  Status apply_interned(const TextOp& op, uint32_t authors);
  uint32_t intern(std::vector<std::string> authors);

  NodeId new_node(uint64_t length, uint32_t authors);
  void free_tree(NodeId t);
  void update(NodeId t);
  // Splits t into the first `pos` code points and the rest, cutting a run in
  // two if `pos` falls inside it.
  void split(NodeId t, uint64_t pos, NodeId& left, NodeId& right);
  NodeId merge(NodeId left, NodeId right);
  NodeId first(NodeId t) const;
  NodeId last(NodeId t) const;
  // Adds `n` to the length of the first (last) run of t and the sums above it.
  void grow_first(NodeId t, uint64_t n);
  void grow_last(NodeId t, uint64_t n);
  // Removes the first run of t; returns the rest.
  NodeId drop_first(NodeId t);
  // left ++ right, merging the run where they meet if the authors agree.
  NodeId join(NodeId left, NodeId right);

  void insert_run(uint64_t pos, uint64_t length, uint32_t authors);
  void erase(uint64_t pos, uint64_t length);

  std::vector<Node> nodes_;
  std::vector<NodeId> free_;
  NodeId root_ = kNil;
  size_t run_count_ = 0;
  uint64_t rng_state_ = 0x9E3779B97F4A7C15u;

  std::vector<std::vector<std::string>> author_sets_;
  std::map<std::vector<std::string>, uint32_t> author_index_;
};

}  // namespace kenes::engine
