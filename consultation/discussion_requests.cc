// Threads, comments, suggestions, reads and visits (proto/README.md,
// "Threads, suggestions and history"): who may, what is wrong, and the
// record each request becomes.
//
// Every record built here folds at once (Fold::kAsBuilt), before it is
// durable, as a submitted text edit is applied at submit time: the log's
// order is the order of the room's strand, so a thread's anchor moves through
// exactly the edits that follow it in the log, and the next request sees the
// effect of those still in flight (two accepts of one suggestion cannot both
// pass). So these handlers read the discussion and the documents as they are
// in memory, in-flight records included.

#include <algorithm>
#include <set>
#include <variant>

#include "consultation/handlers.h"
#include "consultation/permissions.h"
#include "consultation/proto_convert.h"
#include "engine/transform.h"
#include "engine/utf8.h"

namespace kenes::consultation::handlers {

using kenes::v1::ClientMessage;
using kenes::v1::LogRecord;

namespace {

constexpr size_t kMaxBodyBytes = 16 << 10;
constexpr size_t kMaxSuggestionBytes = 64 << 10;
constexpr size_t kMaxReasonBytes = 1000;
constexpr int kMaxMentions = 100;
constexpr int kMaxReadThreads = 1000;

Outcome append(LogRecord rec) { return Outcome::append(std::move(rec), Fold::kAsBuilt); }

bool may_comment_now(const RequestContext& ctx, const Caller& caller) {
  return may_comment(caller.role, ctx.state.discussion().observers_may_comment());
}

Outcome comment_forbidden(const Caller& caller) {
  return Outcome::refuse(kenes::v1::ERROR_CODE_FORBIDDEN,
                         caller.role == kenes::v1::ROLE_OBSERVER
                             ? std::string("an observer may not comment, suggest or react unless the chair lets "
                                           "observers comment")
                             : a_role(caller.role) + " may not comment");
}

// A comment body: 1..16 KiB of UTF-8 (empty allowed only where said).
std::optional<Outcome> bad_body(const std::string& body, bool may_be_empty) {
  if ((body.empty() && !may_be_empty) || body.size() > kMaxBodyBytes || !engine::is_valid_utf8(body)) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a comment is 1 to 16384 bytes of UTF-8 text");
  }
  return std::nullopt;
}

std::optional<Outcome> bad_mentions(const ConsultationState& state,
                                    const google::protobuf::RepeatedPtrField<std::string>& mentions) {
  if (mentions.size() > kMaxMentions) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "at most 100 mentions");
  }
  std::set<std::string> seen;
  for (const auto& id : mentions) {
    if (!state.participant(id)) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                             "mentions name no participant '" + id.substr(0, 128) + "'");
    }
    if (!seen.insert(id).second) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "'" + id + "' is mentioned twice");
    }
  }
  return std::nullopt;
}

std::optional<Outcome> bad_reason(const std::string& reason, bool required) {
  if ((required && reason.empty()) || reason.size() > kMaxReasonBytes || !engine::is_valid_utf8(reason)) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                           std::string(required ? "a reason is required: " : "the reason must be ") +
                               "up to 1000 bytes of UTF-8");
  }
  return std::nullopt;
}

Outcome no_thread(const std::string& id) {
  return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no thread '" + id.substr(0, 128) + "'");
}

// The comment `id` of thread `t`, or null.
const CommentState* comment_of(const ConsultationState& state, const ThreadState& t, const std::string& id) {
  const CommentState* c = state.discussion().comment(id);
  return c && c->thread_id == t.id ? c : nullptr;
}

Outcome no_comment(const ThreadState& t, const std::string& id) {
  return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no comment '" + id.substr(0, 128) + "' in " + t.id);
}

// A range a client made at `version` of `doc_id`, moved to the current
// version as SubmitOp's base_version is: [from, to) now, or the refusal.
std::variant<engine::Range, Outcome> current_range(const ConsultationState& state, const std::string& doc_id,
                                                   const kenes::v1::TextRange& range, uint64_t version) {
  const uint64_t from = std::min(range.anchor(), range.head());
  const uint64_t to = std::max(range.anchor(), range.head());
  if (from == to) return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "the range is empty: select some text");
  const engine::DocumentSequencer* doc = state.find_document(doc_id);
  engine::DocumentSequencer empty;
  if (!doc) doc = &empty;
  uint64_t length = 0;
  std::vector<const engine::TextOp*> ops;
  engine::Status s = doc->ops_since(version, &length, &ops);
  if (!s.ok()) return Outcome::refuse(wire_error_code(s.code()), s.message());
  if (to > length) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_OP_DOES_NOT_FIT,
                           "the range ends at code point " + std::to_string(to) + " but " + doc_id + " has " +
                               std::to_string(length) + " at version " + std::to_string(version));
  }
  engine::Range r{from, to};
  for (const engine::TextOp* op : ops) r = engine::transform_anchor(r, *op);
  if (r.anchor == r.head) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_OP_DOES_NOT_FIT, "the selected text was deleted since version " +
                                                                      std::to_string(version) + "; select it again");
  }
  return engine::Range{std::min(r.anchor, r.head), std::max(r.anchor, r.head)};
}

std::string quote_of(const engine::DocumentSequencer& doc, const engine::Range& r) {
  return doc.text().substr(r.anchor, r.head - r.anchor);
}

}  // namespace

Outcome create_thread(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.create_thread();
  if (!may_comment_now(ctx, caller)) return comment_forbidden(caller);
  const auto& target = r.target();
  if (target.indicator_id().empty() && target.doc_id().empty()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a thread needs an indicator or a document");
  }
  if (!target.indicator_id().empty() && !ctx.state.framework_indicator(target.indicator_id())) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no indicator '" + target.indicator_id().substr(0, 128) +
                                                                "' in the consultation's framework");
  }
  if (!target.doc_id().empty()) {
    if (!valid_document_id(target.doc_id())) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                             "doc_id must be 1-128 characters of A-Z a-z 0-9 . _ / -");
    }
    if (!target.indicator_id().empty() && target.doc_id() != "indicator/" + target.indicator_id()) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                             "a thread on indicator " + target.indicator_id() + " ranges over its draft, indicator/" +
                                 target.indicator_id());
    }
  }
  if (r.has_suggestion()) {
    if (target.doc_id().empty()) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a suggestion replaces a range of text: give one");
    }
    if (r.suggestion().text().size() > kMaxSuggestionBytes || !engine::is_valid_utf8(r.suggestion().text())) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a suggestion is up to 65536 bytes of UTF-8 text");
    }
  }
  if (auto bad = bad_body(r.body(), r.has_suggestion())) return *bad;
  if (auto bad = bad_mentions(ctx.state, r.mentions())) return *bad;
  const DiscussionState& disc = ctx.state.discussion();
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_thread_created();
  e->set_thread_id("thread-" + std::to_string(disc.threads_issued() + 1));
  e->set_first_comment_id("comment-" + std::to_string(disc.comments_issued() + 1));
  auto* t = e->mutable_target();
  t->set_indicator_id(target.indicator_id());
  if (!target.doc_id().empty()) {
    auto now = current_range(ctx.state, target.doc_id(), target.range(), target.version());
    if (auto* refused = std::get_if<Outcome>(&now)) return std::move(*refused);
    const engine::Range range = std::get<engine::Range>(now);
    const engine::DocumentSequencer* doc = ctx.state.find_document(target.doc_id());
    t->set_doc_id(target.doc_id());
    t->mutable_range()->set_anchor(range.anchor);
    t->mutable_range()->set_head(range.head);
    t->set_version(doc->version());
    e->set_quote(quote_of(*doc, range));
  }
  e->set_body(r.body());
  *e->mutable_mentions() = r.mentions();
  if (r.has_suggestion()) *e->mutable_suggestion() = r.suggestion();
  return append(std::move(rec));
}

Outcome add_comment(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.add_comment();
  if (!may_comment_now(ctx, caller)) return comment_forbidden(caller);
  const ThreadState* t = ctx.state.discussion().thread(r.thread_id());
  if (!t) return no_thread(r.thread_id());
  if (auto bad = bad_body(r.body(), false)) return *bad;
  if (auto bad = bad_mentions(ctx.state, r.mentions())) return *bad;
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_comment_added();
  e->set_thread_id(t->id);
  e->set_comment_id("comment-" + std::to_string(ctx.state.discussion().comments_issued() + 1));
  e->set_body(r.body());
  *e->mutable_mentions() = r.mentions();
  return append(std::move(rec));
}

Outcome edit_comment(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.edit_comment();
  const ThreadState* t = ctx.state.discussion().thread(r.thread_id());
  if (!t) return no_thread(r.thread_id());
  const CommentState* c = comment_of(ctx.state, *t, r.comment_id());
  if (!c) return no_comment(*t, r.comment_id());
  if (c->author != caller.participant_id) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_FORBIDDEN, "only its author may edit a comment");
  }
  if (!may_comment_now(ctx, caller)) return comment_forbidden(caller);
  if (c->deleted || c->hidden) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_THREAD_STATE,
                           std::string("the comment was ") + (c->deleted ? "deleted" : "hidden by the chair"));
  }
  if (auto bad = bad_body(r.body(), false)) return *bad;
  if (auto bad = bad_mentions(ctx.state, r.mentions())) return *bad;
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_comment_edited();
  e->set_thread_id(t->id);
  e->set_comment_id(c->id);
  e->set_body(r.body());
  *e->mutable_mentions() = r.mentions();
  return append(std::move(rec));
}

Outcome delete_comment(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.delete_comment();
  const ThreadState* t = ctx.state.discussion().thread(r.thread_id());
  if (!t) return no_thread(r.thread_id());
  const CommentState* c = comment_of(ctx.state, *t, r.comment_id());
  if (!c) return no_comment(*t, r.comment_id());
  if (c->author != caller.participant_id) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_FORBIDDEN,
                           "only its author may delete a comment (the chair may hide it, with a reason)");
  }
  if (c->deleted) return Outcome::refuse(kenes::v1::ERROR_CODE_THREAD_STATE, "the comment was deleted already");
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_comment_deleted();
  e->set_thread_id(t->id);
  e->set_comment_id(c->id);
  return append(std::move(rec));
}

Outcome hide_comment(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.hide_comment();
  if (!may_hide_comments(caller.role)) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_FORBIDDEN, "only the chair may hide comments");
  }
  const ThreadState* t = ctx.state.discussion().thread(r.thread_id());
  if (!t) return no_thread(r.thread_id());
  const CommentState* c = comment_of(ctx.state, *t, r.comment_id());
  if (!c) return no_comment(*t, r.comment_id());
  if (auto bad = bad_reason(r.reason(), true)) return *bad;
  if (c->hidden || c->deleted) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_THREAD_STATE,
                           std::string("the comment was ") + (c->deleted ? "deleted" : "hidden") + " already");
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_comment_hidden();
  e->set_thread_id(t->id);
  e->set_comment_id(c->id);
  e->set_reason(r.reason());
  return append(std::move(rec));
}

Outcome resolve_thread(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.resolve_thread();
  const ThreadState* t = ctx.state.discussion().thread(r.thread_id());
  if (!t) return no_thread(r.thread_id());
  if (!may_resolve_thread(caller.role, t->creator == caller.participant_id)) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_FORBIDDEN,
                           "only the chair, a researcher or the thread's creator may resolve or reopen it");
  }
  if (t->resolved == r.resolved()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_THREAD_STATE,
                           std::string("the thread is ") + (t->resolved ? "resolved" : "open") + " already");
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_thread_resolved();
  e->set_thread_id(t->id);
  e->set_resolved(r.resolved());
  return append(std::move(rec));
}

Outcome reattach_thread(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.reattach_thread();
  if (!may_comment_now(ctx, caller)) return comment_forbidden(caller);
  const ThreadState* t = ctx.state.discussion().thread(r.thread_id());
  if (!t) return no_thread(r.thread_id());
  if (!t->anchor) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, t->id + " is on an indicator, not on a range of text");
  }
  if (t->anchor->attached()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_THREAD_STATE,
                           t->id + " is attached; only a detached thread is re-attached");
  }
  auto now = current_range(ctx.state, t->target.doc_id(), r.range(), r.version());
  if (auto* refused = std::get_if<Outcome>(&now)) return std::move(*refused);
  const engine::Range range = std::get<engine::Range>(now);
  const engine::DocumentSequencer* doc = ctx.state.find_document(t->target.doc_id());
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_thread_reattached();
  e->set_thread_id(t->id);
  e->mutable_range()->set_anchor(range.anchor);
  e->mutable_range()->set_head(range.head);
  e->set_version(doc->version());
  e->set_quote(quote_of(*doc, range));
  return append(std::move(rec));
}

Outcome set_reaction(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.set_reaction();
  if (!may_comment_now(ctx, caller)) return comment_forbidden(caller);
  if (r.reaction() != kenes::v1::REACTION_PLUS_ONE) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "the only reaction is +1");
  }
  const ThreadState* t = ctx.state.discussion().thread(r.thread_id());
  if (!t) return no_thread(r.thread_id());
  const CommentState* c = comment_of(ctx.state, *t, r.comment_id());
  if (!c) return no_comment(*t, r.comment_id());
  if (c->deleted || c->hidden) return Outcome::refuse(kenes::v1::ERROR_CODE_THREAD_STATE, "the comment is gone");
  auto mine = c->reactions.find(caller.participant_id);
  const bool on = mine != c->reactions.end() && mine->second.count(r.reaction());
  if (on == r.on()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_THREAD_STATE,
                           std::string("your reaction is ") + (on ? "on" : "off") + " already");
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_reaction_set();
  e->set_thread_id(t->id);
  e->set_comment_id(c->id);
  e->set_reaction(r.reaction());
  e->set_on(r.on());
  return append(std::move(rec));
}

namespace {

// The checks accepting and rejecting share: the role, then an open suggestion.
std::variant<const ThreadState*, Outcome> open_suggestion(const RequestContext& ctx, const Caller& caller,
                                                          const std::string& thread_id, bool accept) {
  if (!may_decide_suggestions(caller.role)) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_FORBIDDEN, a_role(caller.role) +
                                                                " may not " + (accept ? "accept" : "reject") +
                                                                " suggestions");
  }
  const ThreadState* t = ctx.state.discussion().thread(thread_id);
  if (!t) return no_thread(thread_id);
  switch (t->suggestion) {
    case SuggestionStatus::kNone:
      return Outcome::refuse(kenes::v1::ERROR_CODE_SUGGESTION_STATE, t->id + " is not a suggestion");
    case SuggestionStatus::kAccepted:
      return Outcome::refuse(kenes::v1::ERROR_CODE_SUGGESTION_STATE, "the suggestion was accepted already");
    case SuggestionStatus::kRejected:
      return Outcome::refuse(kenes::v1::ERROR_CODE_SUGGESTION_STATE, "the suggestion was rejected already");
    case SuggestionStatus::kOpen:
      break;
  }
  return t;
}

}  // namespace

// Accepting is a TextEdit the server makes: the anchor's current range
// replaced, authored by the accepter with the suggester as co-author, and no
// client id (so no client takes its Ack for one of its own edits).
Outcome accept_suggestion(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.accept_suggestion();
  auto found = open_suggestion(ctx, caller, r.thread_id(), true);
  if (auto* refused = std::get_if<Outcome>(&found)) return std::move(*refused);
  const ThreadState* t = std::get<const ThreadState*>(found);
  if (!t->anchor || !t->anchor->attached()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_SUGGESTION_STATE,
                           "the suggestion's text was deleted (the thread is detached); re-attach it first");
  }
  if (t->anchor->changed() && !r.accept_changed()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_SUGGESTION_CHANGED,
                           "the text the suggestion replaces changed since it was made; accept with accept_changed "
                           "to apply it anyway");
  }
  const engine::DocumentSequencer* doc = ctx.state.find_document(t->target.doc_id());
  engine::TextOp op;
  op.retain(t->anchor->from()).del(t->anchor->to() - t->anchor->from()).insert(t->replacement);
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_text_edit();
  e->set_doc_id(t->target.doc_id());
  e->set_version(doc->version() + 1);
  op_to_proto(op, e->mutable_op());
  if (t->creator != caller.participant_id) e->add_co_authors(t->creator);
  e->set_accepts_suggestion_of_thread(t->id);
  return append(std::move(rec));
}

Outcome reject_suggestion(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.reject_suggestion();
  auto found = open_suggestion(ctx, caller, r.thread_id(), false);
  if (auto* refused = std::get_if<Outcome>(&found)) return std::move(*refused);
  const ThreadState* t = std::get<const ThreadState*>(found);
  if (auto bad = bad_reason(r.reason(), false)) return *bad;
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_suggestion_rejected();
  e->set_thread_id(t->id);
  e->set_reason(r.reason());
  return append(std::move(rec));
}

Outcome set_observer_commenting(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.set_observer_commenting();
  if (!may_set_observer_commenting(caller.role)) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_FORBIDDEN, "only the chair may let observers comment");
  }
  if (ctx.state.discussion().observers_may_comment() == r.enabled()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                           std::string("observers ") + (r.enabled() ? "may" : "may not") + " comment already");
  }
  LogRecord rec = authored_by(caller);
  rec.mutable_observer_commenting_set()->set_enabled(r.enabled());
  return append(std::move(rec));
}

namespace {

// Whether reading `t` up to `up_to` would count a comment by someone else as
// read that is unread now (hidden and deleted ones included: they may come
// back).
bool marker_moves(const DiscussionState& discussion, const std::string& reader, const ThreadState& t,
                  uint64_t up_to) {
  const uint64_t read = discussion.last_read(reader, t.id);
  if (up_to <= read) return false;
  for (const auto& cid : t.comment_ids) {
    const CommentState* c = discussion.comment(cid);
    if (c && c->author != reader && c->created_seq > read && c->created_seq <= up_to) return true;
  }
  return false;
}

}  // namespace

Outcome mark_threads_read(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.mark_threads_read();
  if (r.thread_ids().empty() || r.thread_ids_size() > kMaxReadThreads) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "name 1 to 1000 threads");
  }
  if (r.up_to_seq() == 0 || r.up_to_seq() > ctx.durable_seq) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                           "up_to_seq " + std::to_string(r.up_to_seq()) +
                               " must be a seq you have seen (the log is at " + std::to_string(ctx.durable_seq) + ")");
  }
  const DiscussionState& discussion = ctx.state.discussion();
  std::set<std::string> seen;
  std::vector<const std::string*> moved;
  for (const auto& id : r.thread_ids()) {
    const ThreadState* t = discussion.thread(id);
    if (!t) return no_thread(id);
    if (!seen.insert(id).second) return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, id + " is named twice");
    if (marker_moves(discussion, caller.participant_id, *t, r.up_to_seq())) moved.push_back(&id);
  }
  // Only threads whose unread count the marker changes are written: a
  // marker that moves past nobody else's comment says nothing, and a client
  // sending markers in a loop must not fill the log (issue 17). When none
  // remains, the Ack names the log's head and nothing is written.
  if (moved.empty()) {
    kenes::v1::ServerMessage answer;
    answer.mutable_ack()->set_seq(ctx.durable_seq);
    return Outcome::reply(std::move(answer));
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_threads_read();
  for (const std::string* id : moved) e->add_thread_ids(*id);
  e->set_up_to_seq(r.up_to_seq());
  return append(std::move(rec));
}

Outcome record_visit(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.record_visit();
  if (r.seen_seq() > ctx.durable_seq) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                           "seen_seq " + std::to_string(r.seen_seq()) + " is ahead of the log (" +
                               std::to_string(ctx.durable_seq) + ")");
  }
  // A visit that says nothing new (the last one had seen as much) is not
  // written again: a page reloaded in a loop, or a client sending visits in
  // a flood, must not fill the log (issue 17). Its Ack names the visit that
  // stands.
  if (const auto* visits = ctx.state.discussion().visits(caller.participant_id); visits && !visits->empty()) {
    const Visit& last = visits->back();
    if (last.seen_seq >= r.seen_seq()) {
      kenes::v1::ServerMessage answer;
      answer.mutable_ack()->set_seq(last.seq != 0 ? last.seq : ctx.durable_seq);
      return Outcome::reply(std::move(answer));
    }
  }
  LogRecord rec = authored_by(caller);
  rec.mutable_visited()->set_seen_seq(r.seen_seq());
  return append(std::move(rec));
}

}  // namespace kenes::consultation::handlers
