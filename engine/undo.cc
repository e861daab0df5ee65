#include "engine/undo.h"

#include <string>
#include <utility>

#include "engine/transform.h"

namespace kenes::engine {

UndoHistory::UndoHistory(uint64_t length, size_t max_groups)
    : length_(length), max_groups_(max_groups == 0 ? 1 : max_groups) {}

Status UndoHistory::check_current(const Rope& current) const {
  if (current.length() != length_) {
    return Status(ErrorCode::kInvalidState, "the text given has " + std::to_string(current.length()) +
                                                " code points but the undo history follows one of " +
                                                std::to_string(length_) + " (an op was not reported)");
  }
  return Status::Ok();
}

Status UndoHistory::record_own(const TextOp& op, const Rope& before) {
  Status s = check_current(before);
  if (!s.ok()) return s;
  Result<TextOp> inverse = invert(op, before);
  if (!inverse.ok()) return inverse.status();
  if (op.is_noop()) return Status::Ok();
  redo_.clear();
  length_ = op.output_length(length_);
  if (group_open_ && !undo_.empty()) {
    // The top inverse applies to `before`; the new one leads back to it.
    Entry& top = undo_.back();
    top.inverse = compose(*inverse, top.inverse);
    if (top.inverse.is_noop()) {
      // The group undid itself (typed, then erased): nothing left to undo.
      pop(undo_);
      group_open_ = false;
    }
    return Status::Ok();
  }
  push(undo_, std::move(*inverse));
  group_open_ = true;
  return Status::Ok();
}

Status UndoHistory::record_other(const TextOp& op) {
  Status s = validate(op, length_);
  if (!s.ok()) return s;
  length_ = op.output_length(length_);
  const size_t depth = undo_.size();
  map_top(undo_, op);
  // If the open group's entry was dropped (others deleted all it wrote), the
  // next own edit must not join the group below it.
  if (undo_.size() != depth) group_open_ = false;
  map_top(redo_, op);
  return Status::Ok();
}

void UndoHistory::map_top(Stack& stack, const TextOp& op) {
  if (stack.empty() || op.is_noop()) return;
  Entry& top = stack.back();
  // `op` was applied first; the inverse will come after it.
  TransformedPair p = transform_pair(op, top.inverse);
  top.mapped = compose(top.mapped, p.first_after_second);
  top.inverse = std::move(p.second_after_first);
  if (top.inverse.is_noop()) {
    TextOp mapped = std::move(top.mapped);
    stack.pop_back();
    settle(stack, std::move(mapped));
  }
}

void UndoHistory::settle(Stack& stack, TextOp mapped) {
  while (!stack.empty() && !mapped.is_noop()) {
    Entry& e = stack.back();
    TransformedPair p = transform_pair(mapped, e.inverse);
    e.mapped = compose(e.mapped, p.first_after_second);
    e.inverse = std::move(p.second_after_first);
    if (!e.inverse.is_noop()) return;
    mapped = std::move(e.mapped);
    stack.pop_back();
  }
}

TextOp UndoHistory::pop(Stack& stack) {
  Entry top = std::move(stack.back());
  stack.pop_back();
  settle(stack, std::move(top.mapped));
  return std::move(top.inverse);
}

void UndoHistory::push(Stack& stack, TextOp inverse) {
  stack.push_back(Entry{std::move(inverse), TextOp()});
  if (stack.size() > max_groups_) stack.pop_front();
}

Result<TextOp> UndoHistory::step(Stack& from, Stack& to, const Rope& current, const char* what) {
  Status s = check_current(current);
  if (!s.ok()) return s;
  if (from.empty()) return Status(ErrorCode::kInvalidState, std::string("nothing to ") + what);
  if (Status fits = validate(from.back().inverse, length_); !fits.ok()) {
    return Status(ErrorCode::kInvalidState, std::string("the ") + what + " op does not fit: " + fits.message());
  }
  TextOp op = pop(from);
  Result<TextOp> inverse = invert(op, current);
  if (!inverse.ok()) return inverse.status();  // cannot happen: checked above
  length_ = op.output_length(length_);
  push(to, std::move(*inverse));
  group_open_ = false;
  return op;
}

Result<TextOp> UndoHistory::undo(const Rope& current) { return step(undo_, redo_, current, "undo"); }

Result<TextOp> UndoHistory::redo(const Rope& current) { return step(redo_, undo_, current, "redo"); }

}  // namespace kenes::engine
