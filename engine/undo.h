#pragma once

// Undo and redo of one participant's OWN edits to one document, while others
// keep editing it.
//
// The owner (one client's editor) reports every op applied to its text, in
// the order applied: its own edits with record_own(), everyone else's with
// record_other(). undo() then returns an op that applies to the current text
// and reverts the participant's latest group of own edits — the inverse of
// that group, transformed past everything applied since — and redo() re-does
// the latest undone group the same way. The caller applies (and sends) the
// returned op as an ordinary local edit, WITHOUT reporting it to
// record_own(): undo() and redo() have accounted for it already.
//
// Groups: own edits join the open group until boundary() is called (the
// editor calls it after a pause in typing, on a caret jump, and so on); each
// undo() reverts one group. undo() and redo() close the open group; a new
// own edit empties the redo stack.
//
// Laws (engine/README.md, "Undo"; undo_test.cc checks them on seeded random
// edits):
//   - with no one else's edits in between, undo() after a group restores the
//     text exactly, and redo() after undo() restores it exactly again;
//   - undo never deletes text someone else inserted, and never restores text
//     someone else deleted: it deletes only the participant's own inserted
//     text still present, and restores only text the participant deleted;
//   - own text that others deleted meanwhile stays deleted (that part of the
//     undo is a no-op); a group whose undo would change nothing at all is
//     dropped, so undo() goes on to the group before it;
//   - undoing every group, with others' edits interleaved anywhere, leaves
//     exactly the text others wrote and did not delete (own deletions of it
//     restored), in their order.
// Text restored by an undo goes after text others inserted at the same
// place since (the undo is a new op, sequenced after theirs).
//
// How (as @codemirror/commands' history does): each stack entry holds its
// group's inverse, and only the top entry is kept current. An op applied
// after the top entry's group is transformed into it, and is also recorded —
// transformed to "as if that group were undone" — in the entry's `mapped`,
// which the entry below absorbs once the top is popped. Entries below the top
// are therefore never transformed past the own edits above them: undoing a
// group that deleted some of the participant's own earlier text restores it,
// and undoing the earlier group then removes it whole.
//
// Thread-safety: none; one owner. Memory: at most max_groups entries per
// stack (the oldest is forgotten first).

#include <cstddef>
#include <cstdint>
#include <deque>

#include "engine/rope.h"
#include "engine/status.h"
#include "engine/text_op.h"

namespace kenes::engine {

class UndoHistory {
 public:
  static constexpr size_t kDefaultMaxGroups = 200;

  // For a document currently `length` code points long.
  explicit UndoHistory(uint64_t length, size_t max_groups = kDefaultMaxGroups);

  // The participant applied `op` to `before` (the text it applies to). Errors,
  // with nothing changed: kDoesNotFit if the op does not fit `before`;
  // kInvalidState if `before` is not as long as the text this history
  // follows (an op was not reported).
  Status record_own(const TextOp& op, const Rope& before);
  // Someone else's op, applied to the current text (on a client: the remote
  // op as rebased onto the local text). kDoesNotFit if it does not fit the
  // current length; nothing changes then.
  Status record_other(const TextOp& op);
  // Ends the open group: the next own edit starts a new one.
  void boundary() { group_open_ = false; }

  bool can_undo() const { return !undo_.empty(); }
  bool can_redo() const { return !redo_.empty(); }
  size_t undo_depth() const { return undo_.size(); }
  size_t redo_depth() const { return redo_.size(); }

  // The op that reverts the latest group, for the current text `current`;
  // the history counts it as applied. kInvalidState if there is nothing to
  // undo or `current` is not the text this history follows.
  Result<TextOp> undo(const Rope& current);
  // The op that re-does the latest undone group, likewise.
  Result<TextOp> redo(const Rope& current);

  // Length of the text as the history has followed it.
  uint64_t length() const { return length_; }

 private:
  struct Entry {
    // Reverts the group. The top entry's applies to the current text; a
    // lower entry's applies to the text as it was when the entry above it
    // was pushed, and must first absorb that entry's `mapped`.
    TextOp inverse;
    // Everyone's ops applied since this group (up to when this entry was
    // last the top), as they would apply had this group been undone first.
    TextOp mapped;
  };
  using Stack = std::deque<Entry>;

  Status check_current(const Rope& current) const;
  // Transforms the top entry of `stack` past `op` (applied to the current
  // text), then drops tops that no longer change anything.
  static void map_top(Stack& stack, const TextOp& op);
  // Pops the top entry, hands its `mapped` to the entry below, drops tops
  // that no longer change anything; returns the popped inverse.
  static TextOp pop(Stack& stack);
  // The entry below the top takes in `mapped` (the ops applied since, as
  // seen from it), and empty tops are dropped.
  static void settle(Stack& stack, TextOp mapped);
  void push(Stack& stack, TextOp inverse);
  // Undo or redo: pops `from`, pushes the op's inverse on `to`.
  Result<TextOp> step(Stack& from, Stack& to, const Rope& current, const char* what);

  uint64_t length_;
  size_t max_groups_;
  bool group_open_ = false;
  Stack undo_;
  Stack redo_;
};

}  // namespace kenes::engine
