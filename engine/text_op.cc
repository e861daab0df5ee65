#include "engine/text_op.h"

#include <algorithm>
#include <string>
#include <utility>

#include "engine/op_cursor.h"
#include "engine/utf8.h"

namespace kenes::engine {
namespace {

using detail::OpCursor;

enum Kind { kRetainKind = 0, kInsertKind = 1, kDeleteKind = 2 };

Status malformed(size_t index, std::string_view what) {
  return Status(ErrorCode::kMalformed, "component " + std::to_string(index) + ": " + std::string(what));
}

Status too_long(size_t index) {
  return Status(ErrorCode::kDoesNotFit, "component " + std::to_string(index) +
                                            ": op retains/deletes more than " + std::to_string(kMaxLength) +
                                            " code points, more than any document can hold");
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

}  // namespace

void TextOp::flush_retain() {
  if (pending_retain_ == 0) return;
  // The last explicit component is never a retain: retains wait here until
  // something follows them.
  components_.emplace_back(Retain{pending_retain_});
  consumed_ += pending_retain_;
  pending_retain_ = 0;
}

TextOp& TextOp::retain(uint64_t n) {
  pending_retain_ += n;
  return *this;
}

TextOp& TextOp::insert(std::string_view utf8) { return insert(utf8, count_code_points(utf8)); }

TextOp& TextOp::insert(std::string_view utf8, uint64_t length) {
  if (utf8.empty()) return *this;
  flush_retain();
  inserted_ += length;
  if (!components_.empty()) {
    if (auto* last = std::get_if<Insert>(&components_.back())) {
      last->text += utf8;
      last->length += length;
      return *this;
    }
    if (std::holds_alternative<Delete>(components_.back())) {
      // Where an insert and a delete meet, the insert goes first: deleting
      // then inserting at one position is the same edit, and one canonical
      // order keeps equal ops equal.
      if (components_.size() >= 2) {
        if (auto* before = std::get_if<Insert>(&components_[components_.size() - 2])) {
          before->text += utf8;
          before->length += length;
          return *this;
        }
      }
      components_.insert(components_.end() - 1, Insert{std::string(utf8), length});
      return *this;
    }
  }
  components_.push_back(Insert{std::string(utf8), length});
  return *this;
}

TextOp& TextOp::del(uint64_t n) {
  if (n == 0) return *this;
  flush_retain();
  consumed_ += n;
  deleted_ += n;
  if (!components_.empty()) {
    if (auto* last = std::get_if<Delete>(&components_.back())) {
      last->n += n;
      return *this;
    }
  }
  components_.emplace_back(Delete{n});
  return *this;
}

Result<TextOp> TextOp::from_components(std::vector<Component> components) {
  uint64_t consumed = 0;
  uint64_t inserted = 0;
  uint64_t deleted = 0;
  bool normalized = true;
  int previous = -1;
  for (size_t i = 0; i < components.size(); ++i) {
    Component& c = components[i];
    const int kind = static_cast<int>(c.index());
    if (kind == kInsertKind) {
      Insert& ins = std::get<Insert>(c);
      if (ins.text.empty()) return malformed(i, "empty insert");
      Result<uint64_t> length = validate_utf8(ins.text);
      if (!length.ok()) {
        return Status(ErrorCode::kInvalidUtf8, "component " + std::to_string(i) + ": insert is " + length.status().message());
      }
      ins.length = *length;
      inserted += ins.length;
    } else {
      const uint64_t n = kind == kRetainKind ? std::get<Retain>(c).n : std::get<Delete>(c).n;
      if (n == 0) return malformed(i, kind == kRetainKind ? "retain of 0 code points" : "delete of 0 code points");
      if (n > kMaxLength - consumed) return too_long(i);
      consumed += n;
      if (kind == kDeleteKind) deleted += n;
    }
    if (kind == previous || (previous == kDeleteKind && kind == kInsertKind)) normalized = false;
    previous = kind;
  }
  if (previous == kRetainKind) normalized = false;

  TextOp op;
  if (normalized) {
    // The common case (a well-behaved client): keep the vector as it is.
    op.components_ = std::move(components);
    op.consumed_ = consumed;
    op.inserted_ = inserted;
    op.deleted_ = deleted;
    return op;
  }
  for (Component& c : components) {
    if (auto* r = std::get_if<Retain>(&c)) {
      op.retain(r->n);
    } else if (auto* ins = std::get_if<Insert>(&c)) {
      op.insert(ins->text, ins->length);
    } else {
      op.del(std::get<Delete>(c).n);
    }
  }
  op.pending_retain_ = 0;  // a trailing retain says nothing; drop it
  return op;
}

std::string TextOp::debug_string() const {
  std::string out = "[";
  for (size_t i = 0; i < components_.size(); ++i) {
    if (i > 0) out += ',';
    const Component& c = components_[i];
    if (auto* r = std::get_if<Retain>(&c)) {
      out += std::to_string(r->n);
    } else if (auto* ins = std::get_if<Insert>(&c)) {
      append_json_string(out, ins->text);
    } else {
      out += "{\"d\":" + std::to_string(std::get<Delete>(c).n) + "}";
    }
  }
  out += ']';
  return out;
}

Status validate(const TextOp& op, uint64_t doc_length) {
  if (op.consumed_length() <= doc_length) return Status::Ok();
  return Status(ErrorCode::kDoesNotFit, "op retains/deletes up to code point " + std::to_string(op.consumed_length()) +
                                            " but the document has " + std::to_string(doc_length));
}

Status apply(const TextOp& op, Rope& text) {
  Status fits = validate(op, text.length());
  if (!fits.ok()) return fits;
  uint64_t pos = 0;
  for (const Component& c : op.components()) {
    if (auto* r = std::get_if<Retain>(&c)) {
      pos += r->n;
    } else if (auto* ins = std::get_if<Insert>(&c)) {
      text.insert(pos, ins->text, ins->length);
      pos += ins->length;
    } else {
      text.erase(pos, std::get<Delete>(c).n);
    }
  }
  return Status::Ok();
}

Status apply_to_string(const TextOp& op, std::string& text) {
  Status fits = validate(op, count_code_points(text));
  if (!fits.ok()) return fits;
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  const std::string_view in(text);
  for (const Component& c : op.components()) {
    if (auto* r = std::get_if<Retain>(&c)) {
      const size_t bytes = byte_offset_of_code_point(in.substr(at), r->n);
      out.append(in.substr(at, bytes));
      at += bytes;
    } else if (auto* ins = std::get_if<Insert>(&c)) {
      out += ins->text;
    } else {
      at += byte_offset_of_code_point(in.substr(at), std::get<Delete>(c).n);
    }
  }
  out.append(in.substr(at));
  text = std::move(out);
  return Status::Ok();
}

Result<TextOp> invert(const TextOp& op, const Rope& before) {
  Status fits = validate(op, before.length());
  if (!fits.ok()) return fits;
  TextOp inverse;
  uint64_t pos = 0;
  for (const Component& c : op.components()) {
    if (auto* r = std::get_if<Retain>(&c)) {
      inverse.retain(r->n);
      pos += r->n;
    } else if (auto* ins = std::get_if<Insert>(&c)) {
      inverse.del(ins->length);
    } else {
      const uint64_t n = std::get<Delete>(c).n;
      inverse.insert(before.substr(pos, n), n);
      pos += n;
    }
  }
  return inverse;
}

TextOp compose(const TextOp& a, const TextOp& b) {
  // Walk b over a's output. b's inserts go straight through; b's retains and
  // deletes consume a's output: a's inserts (kept or dropped), a's retains
  // (kept or turned into deletes). a's deletes produce no output, so they
  // pass through whenever they come up.
  TextOp out;
  OpCursor ca(a);
  OpCursor cb(b);
  while (!cb.done()) {
    if (cb.kind() == OpCursor::Kind::kInsert) {
      out.insert(cb.insert_rest(), cb.remaining());
      cb.next();
      continue;
    }
    if (ca.kind() == OpCursor::Kind::kDelete) {
      out.del(ca.remaining());
      ca.next();
      continue;
    }
    const uint64_t n = std::min(ca.remaining(), cb.remaining());
    const bool b_keeps = cb.kind() == OpCursor::Kind::kRetain;
    if (ca.kind() == OpCursor::Kind::kInsert) {
      const std::string_view piece = ca.take_insert(n);
      if (b_keeps) out.insert(piece, n);
    } else {
      if (b_keeps) {
        out.retain(n);
      } else {
        out.del(n);
      }
      ca.advance(n);
    }
    cb.advance(n);
  }
  // b retains the rest implicitly: a's remaining components stand.
  while (!ca.done()) {
    switch (ca.kind()) {
      case OpCursor::Kind::kRetain: out.retain(ca.remaining()); break;
      case OpCursor::Kind::kInsert: out.insert(ca.insert_rest(), ca.remaining()); break;
      case OpCursor::Kind::kDelete: out.del(ca.remaining()); break;
    }
    ca.next();
  }
  return out;
}

}  // namespace kenes::engine
