#include "consultation/discussion_state.h"

#include <algorithm>
#include <sstream>

#include "kenes/v1/snapshot.pb.h"
#include "consultation/proto_convert.h"
#include "consultation/protobuf_fields.h"

namespace kenes::consultation {

namespace {

engine::Status fail(uint64_t seq, const std::string& what) {
  return engine::Status(engine::ErrorCode::kInvalidState, "record " + std::to_string(seq) + ": " + what);
}

// n of "<prefix>-<n>", or 0.
uint64_t id_number(const std::string& id, const std::string& prefix) {
  if (id.size() <= prefix.size() + 1 || id.compare(0, prefix.size(), prefix) != 0 || id[prefix.size()] != '-') return 0;
  uint64_t n = 0;
  for (size_t i = prefix.size() + 1; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9' || n > (uint64_t{1} << 60)) return 0;
    n = n * 10 + static_cast<uint64_t>(id[i] - '0');
  }
  return n;
}

engine::Range to_range(const kenes::v1::TextRange& r) { return engine::Range{r.anchor(), r.head()}; }

}  // namespace

bool DiscussionState::handles(const kenes::v1::LogRecord& rec) {
  const int k = static_cast<int>(rec.event_case());
  return (k >= 60 && k <= 69) || k == 75 || k == 76;
}

bool DiscussionState::is_private(const kenes::v1::LogRecord& rec) {
  const int k = static_cast<int>(rec.event_case());
  return k >= 75 && k <= 78;
}

const ThreadState* DiscussionState::thread(const std::string& id) const {
  auto it = threads_.find(id);
  return it == threads_.end() ? nullptr : &it->second;
}

const CommentState* DiscussionState::comment(const std::string& id) const {
  auto it = comments_.find(id);
  return it == comments_.end() ? nullptr : &it->second;
}

uint64_t DiscussionState::last_read(const std::string& participant, const std::string& thread_id) const {
  auto p = last_read_.find(participant);
  if (p == last_read_.end()) return 0;
  auto t = p->second.find(thread_id);
  return t == p->second.end() ? 0 : t->second;
}

size_t DiscussionState::unread_count(const std::string& participant, const std::string& thread_id) const {
  const ThreadState* t = thread(thread_id);
  if (!t) return 0;
  const uint64_t read = last_read(participant, thread_id);
  size_t n = 0;
  for (const auto& cid : t->comment_ids) {
    const CommentState& c = comments_.at(cid);
    if (c.created_seq > read && c.author != participant && !c.deleted && !c.hidden) ++n;
  }
  return n;
}

const std::vector<Visit>* DiscussionState::visits(const std::string& participant) const {
  auto it = visits_.find(participant);
  return it == visits_.end() ? nullptr : &it->second;
}

void DiscussionState::touch(const std::string& thread_id, uint64_t seq) {
  auto it = threads_.find(thread_id);
  if (it != threads_.end()) it->second.last_seq = seq;
}

void DiscussionState::redact_comment(CommentState& c) {
  for (uint64_t s : c.body_seqs) redacted_.insert(s);
}

engine::Status DiscussionState::apply(const kenes::v1::LogRecord& rec,
                                      const std::map<std::string, engine::DocumentSequencer>& documents) {
  engine::Status s = apply_record(rec, &documents);
  if (s.ok()) keep_record(rec);
  return s;
}

engine::Status DiscussionState::apply_record(const kenes::v1::LogRecord& rec,
                                             const std::map<std::string, engine::DocumentSequencer>* documents) {
  const uint64_t seq = rec.seq();
  auto find_thread = [&](const std::string& id) -> ThreadState* {
    auto it = threads_.find(id);
    return it == threads_.end() ? nullptr : &it->second;
  };
  auto find_comment = [&](const std::string& thread_id, const std::string& id) -> CommentState* {
    auto it = comments_.find(id);
    if (it == comments_.end() || it->second.thread_id != thread_id) return nullptr;
    return &it->second;
  };
  // The document a range record names, at the record's version (nullptr in
  // restore mode, where anchors come from the snapshot).
  auto doc_at = [&](const std::string& doc_id, uint64_t version,
                    const engine::DocumentSequencer** out) -> engine::Status {
    *out = nullptr;
    if (!documents) return engine::Status::Ok();
    auto it = documents->find(doc_id);
    const uint64_t have = it == documents->end() ? 0 : it->second.version();
    if (have != version) {
      return fail(seq, "range at version " + std::to_string(version) + " of " + doc_id + ", which is at " +
                           std::to_string(have));
    }
    if (it == documents->end()) return fail(seq, "no document " + doc_id);
    *out = &it->second;
    return engine::Status::Ok();
  };

  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kThreadCreated: {
      const auto& e = rec.thread_created();
      if (threads_.count(e.thread_id()) || comments_.count(e.first_comment_id())) {
        return fail(seq, "thread " + e.thread_id() + " or comment " + e.first_comment_id() + " exists already");
      }
      ThreadState t;
      t.id = e.thread_id();
      t.target = e.target();
      t.quote = e.quote();
      t.creator = rec.author();
      t.created_seq = seq;
      t.last_comment_seq = seq;
      t.last_seq = seq;
      if (!e.target().doc_id().empty()) {
        const engine::DocumentSequencer* doc = nullptr;
        engine::Status s = doc_at(e.target().doc_id(), e.target().version(), &doc);
        if (!s.ok()) return s;
        if (doc) {
          auto a = engine::AnchoredRange::create(to_range(e.target().range()), doc->text());
          if (!a.ok()) return fail(seq, "thread range: " + a.status().message());
          t.anchor = std::move(a).value();
        }
      } else if (e.has_suggestion()) {
        return fail(seq, "a suggestion needs a text range");
      }
      if (e.has_suggestion()) {
        t.suggestion = SuggestionStatus::kOpen;
        t.replacement = e.suggestion().text();
      }
      CommentState c;
      c.id = e.first_comment_id();
      c.thread_id = t.id;
      c.author = rec.author();
      c.body = e.body();
      c.mentions.assign(e.mentions().begin(), e.mentions().end());
      c.created_seq = seq;
      c.created_unix_ms = rec.time_unix_ms();
      c.body_seqs.push_back(seq);
      t.comment_ids.push_back(c.id);
      if (!t.target.doc_id().empty()) threads_by_doc_[t.target.doc_id()].push_back(t.id);
      threads_issued_ = std::max(threads_issued_, id_number(t.id, "thread"));
      comments_issued_ = std::max(comments_issued_, id_number(c.id, "comment"));
      comments_.emplace(c.id, std::move(c));
      threads_.emplace(t.id, std::move(t));
      break;
    }
    case kenes::v1::LogRecord::kCommentAdded: {
      const auto& e = rec.comment_added();
      ThreadState* t = find_thread(e.thread_id());
      if (!t) return fail(seq, "no thread " + e.thread_id());
      if (comments_.count(e.comment_id())) return fail(seq, "comment " + e.comment_id() + " exists already");
      CommentState c;
      c.id = e.comment_id();
      c.thread_id = t->id;
      c.author = rec.author();
      c.body = e.body();
      c.mentions.assign(e.mentions().begin(), e.mentions().end());
      c.created_seq = seq;
      c.created_unix_ms = rec.time_unix_ms();
      c.body_seqs.push_back(seq);
      t->comment_ids.push_back(c.id);
      t->last_comment_seq = seq;
      t->last_seq = seq;
      comments_issued_ = std::max(comments_issued_, id_number(c.id, "comment"));
      comments_.emplace(c.id, std::move(c));
      break;
    }
    case kenes::v1::LogRecord::kCommentEdited: {
      const auto& e = rec.comment_edited();
      CommentState* c = find_comment(e.thread_id(), e.comment_id());
      if (!c) return fail(seq, "no comment " + e.comment_id() + " in " + e.thread_id());
      c->body = e.body();
      c->mentions.assign(e.mentions().begin(), e.mentions().end());
      ++c->edits;
      c->body_seqs.push_back(seq);
      if (c->deleted || c->hidden) redact_comment(*c);
      touch(c->thread_id, seq);
      break;
    }
    case kenes::v1::LogRecord::kCommentDeleted: {
      const auto& e = rec.comment_deleted();
      CommentState* c = find_comment(e.thread_id(), e.comment_id());
      if (!c) return fail(seq, "no comment " + e.comment_id() + " in " + e.thread_id());
      c->deleted = true;
      redact_comment(*c);
      touch(c->thread_id, seq);
      break;
    }
    case kenes::v1::LogRecord::kCommentHidden: {
      const auto& e = rec.comment_hidden();
      CommentState* c = find_comment(e.thread_id(), e.comment_id());
      if (!c) return fail(seq, "no comment " + e.comment_id() + " in " + e.thread_id());
      c->hidden = true;
      c->hidden_reason = e.reason();
      c->hidden_by = rec.author();
      redact_comment(*c);
      touch(c->thread_id, seq);
      break;
    }
    case kenes::v1::LogRecord::kThreadResolved: {
      ThreadState* t = find_thread(rec.thread_resolved().thread_id());
      if (!t) return fail(seq, "no thread " + rec.thread_resolved().thread_id());
      t->resolved = rec.thread_resolved().resolved();
      if (t->resolved) t->resolved_seqs.push_back(seq);
      t->last_seq = seq;
      break;
    }
    case kenes::v1::LogRecord::kThreadReattached: {
      const auto& e = rec.thread_reattached();
      ThreadState* t = find_thread(e.thread_id());
      if (!t) return fail(seq, "no thread " + e.thread_id());
      if (t->target.doc_id().empty()) return fail(seq, "thread " + e.thread_id() + " has no text range");
      const engine::DocumentSequencer* doc = nullptr;
      engine::Status s = doc_at(t->target.doc_id(), e.version(), &doc);
      if (!s.ok()) return s;
      if (doc) {
        if (!t->anchor) return fail(seq, "thread " + e.thread_id() + " has no anchor");
        engine::Status r = t->anchor->reattach(to_range(e.range()), doc->text());
        if (!r.ok()) return fail(seq, "re-attaching: " + r.message());
      }
      t->quote = e.quote();
      t->last_seq = seq;
      break;
    }
    case kenes::v1::LogRecord::kReactionSet: {
      const auto& e = rec.reaction_set();
      CommentState* c = find_comment(e.thread_id(), e.comment_id());
      if (!c) return fail(seq, "no comment " + e.comment_id() + " in " + e.thread_id());
      auto& mine = c->reactions[rec.author()];
      if (e.on()) {
        mine.insert(e.reaction());
      } else {
        mine.erase(e.reaction());
        if (mine.empty()) c->reactions.erase(rec.author());
      }
      break;
    }
    case kenes::v1::LogRecord::kSuggestionRejected: {
      const auto& e = rec.suggestion_rejected();
      ThreadState* t = find_thread(e.thread_id());
      if (!t || t->suggestion != SuggestionStatus::kOpen) {
        return fail(seq, "thread " + e.thread_id() + " has no open suggestion");
      }
      t->suggestion = SuggestionStatus::kRejected;
      t->decided_seq = seq;
      t->decided_by = rec.author();
      t->reject_reason = e.reason();
      t->last_seq = seq;
      break;
    }
    case kenes::v1::LogRecord::kObserverCommentingSet:
      observers_may_comment_ = rec.observer_commenting_set().enabled();
      break;
    case kenes::v1::LogRecord::kThreadsRead: {
      auto& mine = last_read_[rec.author()];
      for (const auto& id : rec.threads_read().thread_ids()) {
        uint64_t& r = mine[id];
        r = std::max(r, rec.threads_read().up_to_seq());
      }
      break;
    }
    case kenes::v1::LogRecord::kVisited:
      visits_[rec.author()].push_back(Visit{seq, rec.visited().seen_seq()});
      break;
    case kenes::v1::LogRecord::kTextEdit: {
      // Only in restore mode: an accepting edit, refolded for its suggestion.
      ThreadState* t = find_thread(rec.text_edit().accepts_suggestion_of_thread());
      if (!t) return fail(seq, "no thread " + rec.text_edit().accepts_suggestion_of_thread());
      t->suggestion = SuggestionStatus::kAccepted;
      t->decided_seq = seq;
      t->decided_by = rec.author();
      t->last_seq = seq;
      break;
    }
    default:
      return fail(seq, "not a discussion record");
  }
  return engine::Status::Ok();
}

bool DiscussionState::needs_text_before(const std::string& doc_id, const engine::TextOp& op) const {
  return op.deleted_length() > 0 && threads_by_doc_.count(doc_id) != 0;
}

engine::Status DiscussionState::move_anchors(const std::string& doc_id, const engine::TextOp& op,
                                             const engine::Rope& before) {
  auto it = threads_by_doc_.find(doc_id);
  if (it == threads_by_doc_.end()) return engine::Status::Ok();
  for (const auto& id : it->second) {
    ThreadState& t = threads_.at(id);
    if (!t.anchor) continue;
    engine::Status s = t.anchor->update(op, before);
    if (!s.ok()) return engine::Status(s.code(), "anchor of " + id + ": " + s.message());
  }
  return engine::Status::Ok();
}

engine::Status DiscussionState::apply_accepting_edit(const kenes::v1::LogRecord& rec, const engine::Rope& after) {
  const auto& edit = rec.text_edit();
  auto it = threads_.find(edit.accepts_suggestion_of_thread());
  if (it == threads_.end() || it->second.suggestion != SuggestionStatus::kOpen) {
    return fail(rec.seq(), "thread " + edit.accepts_suggestion_of_thread() + " has no open suggestion");
  }
  ThreadState& t = it->second;
  t.suggestion = SuggestionStatus::kAccepted;
  t.decided_seq = rec.seq();
  t.decided_by = rec.author();
  t.last_seq = rec.seq();
  // The edit replaced the anchored text, which detached the anchor; it now
  // covers the replacement, which starts where the op's first retain ends.
  auto op = op_from_proto(edit.op());
  if (op.ok() && t.anchor) {
    uint64_t start = 0;
    const auto& comps = op.value().components();
    if (!comps.empty() && std::holds_alternative<engine::Retain>(comps.front())) {
      start = std::get<engine::Retain>(comps.front()).n;
    }
    const uint64_t len = op.value().inserted_length();
    if (len > 0) {
      engine::Status s = t.anchor->reattach(engine::Range{start, start + len}, after);
      if (!s.ok()) return fail(rec.seq(), "anchoring the accepted text: " + s.message());
    }
  }
  kenes::v1::LogRecord kept = rec;
  kept.mutable_text_edit()->clear_op();  // the snapshot needs only who accepted what, when
  keep_record(kept);
  return engine::Status::Ok();
}

void DiscussionState::keep_record(const kenes::v1::LogRecord& rec) {
  append_bytes_field(records_, kenes::v1::DiscussionSnapshot::kRecordsFieldNumber, rec.SerializeAsString());
}

std::string DiscussionState::snapshot_bytes() const {
  // The records are kept encoded as the snapshot's `records` fields: a set
  // copies them instead of decoding and re-encoding each (which took the
  // strand O(records) parse work at every set). Fields may come in any
  // order, so the anchors follow.
  kenes::v1::DiscussionSnapshot snap;
  for (const auto& [id, t] : threads_) {
    if (!t.anchor) continue;
    auto* a = snap.add_anchors();
    a->set_thread_id(id);
    a->set_from(t.anchor->from());
    a->set_to(t.anchor->to());
    a->set_changed(t.anchor->changed());
    if (const auto& q = t.anchor->detached_quote()) {
      a->set_detached(true);
      a->set_quote_text(q->text);
      a->set_quote_before(q->before);
      a->set_quote_after(q->after);
    }
  }
  std::string out;
  out.reserve(records_.size() + snap.ByteSizeLong());
  out.append(records_);
  snap.AppendToString(&out);
  return out;
}

engine::Status DiscussionState::load_snapshot(const std::string& bytes) {
  kenes::v1::DiscussionSnapshot snap;
  if (!snap.ParseFromString(bytes)) {
    return engine::Status(engine::ErrorCode::kInvalidState, "discussion snapshot does not decode");
  }
  *this = DiscussionState();
  for (const auto& r : snap.records()) {
    engine::Status s = apply_record(r, nullptr);
    if (!s.ok()) return engine::Status(s.code(), "discussion snapshot: " + s.message());
    keep_record(r);
  }
  for (const auto& a : snap.anchors()) {
    auto it = threads_.find(a.thread_id());
    if (it == threads_.end() || it->second.target.doc_id().empty() || a.from() > a.to()) {
      return engine::Status(engine::ErrorCode::kInvalidState, "discussion snapshot: bad anchor of " + a.thread_id());
    }
    std::optional<engine::DetachedQuote> q;
    if (a.detached()) q = engine::DetachedQuote{a.quote_text(), a.quote_before(), a.quote_after()};
    it->second.anchor = engine::AnchoredRange::restore(a.from(), a.to(), a.changed(), std::move(q));
  }
  // private_records (written before record_audience.h) are not needed.
  return engine::Status::Ok();
}

std::string DiscussionState::debug_string() const {
  std::ostringstream out;
  out << "observers_may_comment=" << observers_may_comment_ << " threads_issued=" << threads_issued_
      << " comments_issued=" << comments_issued_ << "\n";
  for (const auto& [id, t] : threads_) {
    out << id << " target=" << t.target.indicator_id() << "|" << t.target.doc_id() << "@" << t.target.version() << "["
        << t.target.range().anchor() << "," << t.target.range().head() << ") quote=" << t.quote
        << " creator=" << t.creator << " seq=" << t.created_seq << " last=" << t.last_comment_seq
        << " resolved=" << t.resolved << " suggestion=" << static_cast<int>(t.suggestion) << ":" << t.replacement
        << " decided=" << t.decided_seq << ":" << t.decided_by << ":" << t.reject_reason;
    if (t.anchor) {
      out << " anchor=[" << t.anchor->from() << "," << t.anchor->to() << ") changed=" << t.anchor->changed();
      if (const auto& q = t.anchor->detached_quote()) {
        out << " detached{" << q->before << "|" << q->text << "|" << q->after << "}";
      }
    }
    out << "\n";
    for (const auto& cid : t.comment_ids) {
      const CommentState& c = comments_.at(cid);
      out << "  " << cid << " by=" << c.author << " body=" << c.body << " edits=" << c.edits << " deleted=" << c.deleted
          << " hidden=" << c.hidden << ":" << c.hidden_reason << " seq=" << c.created_seq << " mentions=";
      for (const auto& m : c.mentions) out << m << ",";
      out << " reactions=";
      for (const auto& [who, rs] : c.reactions) {
        for (int r : rs) out << who << ":" << r << ",";
      }
      out << "\n";
    }
  }
  for (const auto& [who, reads] : last_read_) {
    for (const auto& [tid, s] : reads) out << "read " << who << " " << tid << " " << s << "\n";
  }
  for (const auto& [who, vs] : visits_) {
    for (const auto& v : vs) out << "visit " << who << " " << v.seq << " " << v.seen_seq << "\n";
  }
  out << "redacted";
  for (uint64_t s : redacted_) out << " " << s;
  out << "\n";
  return out.str();
}

}  // namespace kenes::consultation
