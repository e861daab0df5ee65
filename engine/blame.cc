#include "engine/blame.h"

#include <algorithm>
#include <utility>
#include <variant>

namespace kenes::engine {

Blame::Blame() : nodes_(1) {}

uint64_t Blame::length() const { return nodes_[root_].subtree; }

Status Blame::apply(const TextOp& op, std::string_view author) {
  return apply(op, std::vector<std::string>{std::string(author)});
}

Status Blame::apply(const TextOp& op, const std::vector<std::string>& authors) {
  if (authors.empty()) return Status(ErrorCode::kMalformed, "an op needs at least one author");
  for (const std::string& a : authors) {
    if (a.empty()) return Status(ErrorCode::kMalformed, "an author id must not be empty");
  }
  Status s = validate(op, length());
  if (!s.ok()) return s;
  // Intern only ops that insert: a delete attributes nothing.
  if (op.inserted_length() == 0) return apply_interned(op, 0);
  return apply_interned(op, intern(authors));
}

uint32_t Blame::intern(std::vector<std::string> authors) {
  std::sort(authors.begin(), authors.end());
  authors.erase(std::unique(authors.begin(), authors.end()), authors.end());
  auto it = author_index_.find(authors);
  if (it != author_index_.end()) return it->second;
  const auto index = static_cast<uint32_t>(author_sets_.size());
  author_sets_.push_back(authors);
  author_index_.emplace(std::move(authors), index);
  return index;
}

Status Blame::apply_interned(const TextOp& op, uint32_t authors) {
  uint64_t pos = 0;  // in the text as changed so far
  for (const Component& c : op.components()) {
    if (const auto* r = std::get_if<Retain>(&c)) {
      pos += r->n;
    } else if (const auto* ins = std::get_if<Insert>(&c)) {
      insert_run(pos, ins->length, authors);
      pos += ins->length;
    } else {
      erase(pos, std::get<Delete>(c).n);
    }
  }
  return Status::Ok();
}

void Blame::insert_run(uint64_t pos, uint64_t length, uint32_t authors) {
  NodeId left = kNil;
  NodeId right = kNil;
  split(root_, pos, left, right);
  root_ = join(join(left, new_node(length, authors)), right);
}

void Blame::erase(uint64_t pos, uint64_t length) {
  NodeId left = kNil;
  NodeId rest = kNil;
  NodeId middle = kNil;
  NodeId right = kNil;
  split(root_, pos, left, rest);
  split(rest, length, middle, right);
  free_tree(middle);
  root_ = join(left, right);
}

Blame::NodeId Blame::new_node(uint64_t length, uint32_t authors) {
  // xorshift64: priorities only need to look random to keep the tree shallow.
  rng_state_ ^= rng_state_ << 13;
  rng_state_ ^= rng_state_ >> 7;
  rng_state_ ^= rng_state_ << 17;
  NodeId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<NodeId>(nodes_.size());
    nodes_.emplace_back();
  }
  Node& n = nodes_[id];
  n = Node{};
  n.length = length;
  n.subtree = length;
  n.authors = authors;
  n.priority = static_cast<uint32_t>(rng_state_ >> 32);
  ++run_count_;
  return id;
}

void Blame::free_tree(NodeId t) {
  std::vector<NodeId> stack;
  if (t != kNil) stack.push_back(t);
  while (!stack.empty()) {
    const NodeId n = stack.back();
    stack.pop_back();
    if (nodes_[n].left != kNil) stack.push_back(nodes_[n].left);
    if (nodes_[n].right != kNil) stack.push_back(nodes_[n].right);
    free_.push_back(n);
    --run_count_;
  }
}

void Blame::update(NodeId t) {
  Node& n = nodes_[t];
  n.subtree = nodes_[n.left].subtree + n.length + nodes_[n.right].subtree;
}

void Blame::split(NodeId t, uint64_t pos, NodeId& left, NodeId& right) {
  if (t == kNil) {
    left = right = kNil;
    return;
  }
  const uint64_t before = nodes_[nodes_[t].left].subtree;
  const uint64_t here = nodes_[t].length;
  if (pos <= before) {
    NodeId inner = kNil;
    split(nodes_[t].left, pos, left, inner);
    nodes_[t].left = inner;
    update(t);
    right = t;
  } else if (pos >= before + here) {
    NodeId inner = kNil;
    split(nodes_[t].right, pos - before - here, inner, right);
    nodes_[t].right = inner;
    update(t);
    left = t;
  } else {
    // pos falls inside this run: cut it. The second half takes this node's
    // priority, which is at least that of the right subtree it adopts.
    const uint64_t keep = pos - before;
    const NodeId second = new_node(here - keep, nodes_[t].authors);  // may move nodes_
    nodes_[second].priority = nodes_[t].priority;
    nodes_[second].right = nodes_[t].right;
    update(second);
    nodes_[t].length = keep;
    nodes_[t].right = kNil;
    update(t);
    left = t;
    right = second;
  }
}

Blame::NodeId Blame::merge(NodeId left, NodeId right) {
  if (left == kNil) return right;
  if (right == kNil) return left;
  if (nodes_[left].priority > nodes_[right].priority) {
    const NodeId merged = merge(nodes_[left].right, right);
    nodes_[left].right = merged;
    update(left);
    return left;
  }
  const NodeId merged = merge(left, nodes_[right].left);
  nodes_[right].left = merged;
  update(right);
  return right;
}

Blame::NodeId Blame::first(NodeId t) const {
  while (t != kNil && nodes_[t].left != kNil) t = nodes_[t].left;
  return t;
}

Blame::NodeId Blame::last(NodeId t) const {
  while (t != kNil && nodes_[t].right != kNil) t = nodes_[t].right;
  return t;
}

void Blame::grow_first(NodeId t, uint64_t n) {
  while (t != kNil) {
    nodes_[t].subtree += n;
    if (nodes_[t].left == kNil) {
      nodes_[t].length += n;
      return;
    }
    t = nodes_[t].left;
  }
}

void Blame::grow_last(NodeId t, uint64_t n) {
  while (t != kNil) {
    nodes_[t].subtree += n;
    if (nodes_[t].right == kNil) {
      nodes_[t].length += n;
      return;
    }
    t = nodes_[t].right;
  }
}

Blame::NodeId Blame::drop_first(NodeId t) {
  if (nodes_[t].left == kNil) {
    const NodeId rest = nodes_[t].right;
    nodes_[t].right = kNil;
    free_tree(t);
    return rest;
  }
  const NodeId rest = drop_first(nodes_[t].left);
  nodes_[t].left = rest;
  update(t);
  return t;
}

Blame::NodeId Blame::join(NodeId left, NodeId right) {
  if (left != kNil && right != kNil) {
    const NodeId a = last(left);
    const NodeId b = first(right);
    if (nodes_[a].authors == nodes_[b].authors) {
      const uint64_t moved = nodes_[b].length;
      right = drop_first(right);
      grow_last(left, moved);
    }
  }
  return merge(left, right);
}

std::vector<BlameRun> Blame::runs() const {
  std::vector<BlameRun> out;
  out.reserve(run_count_);
  std::vector<NodeId> stack;
  NodeId t = root_;
  uint64_t start = 0;
  while (t != kNil || !stack.empty()) {
    while (t != kNil) {
      stack.push_back(t);
      t = nodes_[t].left;
    }
    t = stack.back();
    stack.pop_back();
    out.push_back(BlameRun{start, nodes_[t].length, author_sets_[nodes_[t].authors]});
    start += nodes_[t].length;
    t = nodes_[t].right;
  }
  return out;
}

std::vector<std::string> Blame::authors_at(uint64_t pos) const {
  NodeId t = root_;
  while (t != kNil) {
    const uint64_t before = nodes_[nodes_[t].left].subtree;
    if (pos < before) {
      t = nodes_[t].left;
    } else if (pos < before + nodes_[t].length) {
      return author_sets_[nodes_[t].authors];
    } else {
      pos -= before + nodes_[t].length;
      t = nodes_[t].right;
    }
  }
  return {};
}

Status Blame::check_invariants() const {
  // Post-order over an explicit stack, checking sums and heap order.
  size_t seen = 0;
  std::vector<std::pair<NodeId, bool>> stack;
  if (root_ != kNil) stack.emplace_back(root_, false);
  while (!stack.empty()) {
    auto [t, children_done] = stack.back();
    stack.pop_back();
    const Node& n = nodes_[t];
    if (!children_done) {
      stack.emplace_back(t, true);
      if (n.left != kNil) stack.emplace_back(n.left, false);
      if (n.right != kNil) stack.emplace_back(n.right, false);
      continue;
    }
    ++seen;
    if (n.length == 0) return Status(ErrorCode::kInvalidState, "node " + std::to_string(t) + " is an empty run");
    if (n.subtree != nodes_[n.left].subtree + n.length + nodes_[n.right].subtree) {
      return Status(ErrorCode::kInvalidState, "node " + std::to_string(t) + " has a wrong subtree length");
    }
    if ((n.left != kNil && nodes_[n.left].priority > n.priority) ||
        (n.right != kNil && nodes_[n.right].priority > n.priority)) {
      return Status(ErrorCode::kInvalidState, "node " + std::to_string(t) + " breaks the heap order");
    }
  }
  if (seen != run_count_) {
    return Status(ErrorCode::kInvalidState,
                  std::to_string(seen) + " runs in the tree but the count says " + std::to_string(run_count_));
  }
  const std::vector<BlameRun> all = runs();
  for (size_t i = 1; i < all.size(); ++i) {
    if (all[i].authors == all[i - 1].authors) {
      return Status(ErrorCode::kInvalidState, "runs " + std::to_string(i - 1) + " and " + std::to_string(i) +
                                                  " have the same authors and should be one");
    }
  }
  return Status::Ok();
}

}  // namespace kenes::engine
