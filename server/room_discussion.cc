// The room's thread requests (proto/README.md, "Threads, suggestions and
// history"): permission and argument checks, the record each request becomes,
// and what goes to whom once it is durable — private records to their author
// only, deleted and hidden comments without their text. Runs on the room's
// strand like the rest of Room.
//
// Every record built here is folded into the state at once
// (ConsultationState::apply_early), before it is durable, exactly as a text
// edit is applied to its sequencer at submit time: the log's order is the
// order of the strand, so a thread's anchor moves through exactly the edits
// that follow it in the log, and a request sees the effect of those still in
// flight (two accepts of one suggestion cannot both pass). An append failure
// poisons the room, which is then rebuilt from the log.

#include <boost/asio/post.hpp>
#include <chrono>
#include <set>

#include "engine/transform.h"
#include "engine/utf8.h"
#include "logger.h"
#include "metrics.h"
#include "permissions.h"
#include "proto_convert.h"
#include "room.h"
#include "token.h"
#include "wire_frames.h"

namespace kenes::server {

namespace asio = boost::asio;
using kenes::v1::ClientMessage;
using kenes::v1::ErrorCode;

namespace {

constexpr size_t kMaxBodyBytes = 16 << 10;
constexpr size_t kMaxSuggestionBytes = 64 << 10;
constexpr size_t kMaxReasonBytes = 1000;
constexpr int kMaxMentions = 100;
constexpr int kMaxReadThreads = 1000;

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void Room::discussion_request(std::string connection_id, ClientMessage msg) {
  asio::post(strand_, [self = shared_from_this(), connection_id = std::move(connection_id), msg = std::move(msg)] {
    self->do_discussion_request(connection_id, msg);
  });
}

bool Room::append_discussion(kenes::v1::LogRecord rec, const std::string& connection_id, uint64_t request_id) {
  // Appends complete in order and each takes the next seq, so this is the
  // seq the record will get (checked when it is durable).
  const uint64_t expected = durable_seq_ + pending_appends_ + 1;
  rec.set_seq(expected);
  rec.set_time_unix_ms(wall_clock_ms());
  engine::Status s = state_.apply_early(rec);
  if (!s.ok()) {
    // The room checked everything the fold checks: a bug, not bad input.
    log(LogLevel::kError, "discussion_record_did_not_fold", {{"consultation", consultation_id_}, {"error", s.message()}});
    send_error(member(connection_id), request_id, kenes::v1::ERROR_CODE_INTERNAL, "internal error: " + s.message());
    return false;
  }
  rec.clear_seq();  // storage assigns it; the stored payload has none
  PendingAppend pending;
  pending.connection_id = connection_id;
  pending.request_id = request_id;
  pending.folded_early = true;
  pending.expected_seq = expected;
  append(std::move(rec), std::move(pending), std::nullopt);
  return true;
}

std::string Room::outgoing_record(uint64_t seq, std::string record_bytes) const {
  if (!state_.discussion().redacted(seq)) return record_bytes;
  kenes::v1::LogRecord rec;
  if (!rec.ParseFromString(record_bytes)) return record_bytes;
  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kThreadCreated:
      rec.mutable_thread_created()->clear_body();
      rec.mutable_thread_created()->clear_mentions();
      break;
    case kenes::v1::LogRecord::kCommentAdded:
      rec.mutable_comment_added()->clear_body();
      rec.mutable_comment_added()->clear_mentions();
      break;
    case kenes::v1::LogRecord::kCommentEdited:
      rec.mutable_comment_edited()->clear_body();
      rec.mutable_comment_edited()->clear_mentions();
      break;
    default:
      return record_bytes;
  }
  return rec.SerializeAsString();
}

void Room::deliver_discussion_record(const kenes::v1::LogRecord& rec, const std::string& record_bytes,
                                     const PendingAppend& pending) {
  const uint64_t seq = rec.seq();
  Member* requester = member(pending.connection_id);
  kenes::v1::ServerMessage ack;
  ack.set_request_id(pending.request_id);
  ack.mutable_ack()->set_seq(seq);
  // An accepted suggestion's edit: its version, but no doc_id, so that no
  // client takes it for the ack of an op of its own in flight.
  if (rec.has_text_edit()) ack.mutable_ack()->set_version(rec.text_edit().version());
  if (const std::string owner = record_audience(rec); !owner.empty()) {
    // Only the author's own connections, like a ballot only its allowed readers.
    flush_outbox();
    SharedFrame frame = broadcast_frame(record_bytes);
    for (auto& [cid, mem] : members_) {
      if (mem.state == MemberState::kLive && mem.participant_id == owner) mem.conn->send_broadcast(frame);
    }
    if (requester) requester->conn->send(encode_frame(ack));
    return;
  }
  // Everyone gets the record, the requester too (an accepted suggestion's
  // edit must reach the accepter's document like anyone's), then the Ack.
  OutboxEntry& entry = queue_record(outgoing_record(seq, record_bytes), {});
  if (requester) entry.direct.emplace_back(pending.connection_id, encode_frame(ack));
}

void Room::do_discussion_request(const std::string& connection_id, const ClientMessage& msg) {
  Member* m = member(connection_id);
  if (!m) return;
  const uint64_t rid = msg.request_id();
  auto refuse = [&](ErrorCode code, const std::string& message) { send_error(m, rid, code, message); };
  if (!accepts_changes_from(m, rid)) return;
  const DiscussionState& disc = state_.discussion();
  const std::string role = std::string(role_name(m->role));
  const bool may_comment_now = may_comment(m->role, disc.observers_may_comment());

  auto forbid_comment = [&]() {
    refuse(kenes::v1::ERROR_CODE_FORBIDDEN,
           m->role == kenes::v1::ROLE_OBSERVER
               ? std::string("an observer may not comment, suggest or react unless the chair lets observers comment")
               : "a " + role + " may not comment");
  };
  // A comment body: 1..16 KiB of UTF-8 (empty allowed only where said).
  auto check_body = [&](const std::string& body, bool may_be_empty) {
    if ((body.empty() && !may_be_empty) || body.size() > kMaxBodyBytes || !engine::is_valid_utf8(body)) {
      refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a comment is 1 to 16384 bytes of UTF-8 text");
      return false;
    }
    return true;
  };
  auto check_mentions = [&](const google::protobuf::RepeatedPtrField<std::string>& mentions) {
    if (mentions.size() > kMaxMentions) {
      refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "at most 100 mentions");
      return false;
    }
    std::set<std::string> seen;
    for (const auto& id : mentions) {
      if (!state_.participant(id)) {
        refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "mentions name no participant '" + id.substr(0, 128) + "'");
        return false;
      }
      if (!seen.insert(id).second) {
        refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "'" + id + "' is mentioned twice");
        return false;
      }
    }
    return true;
  };
  auto need_thread = [&](const std::string& id) -> const ThreadState* {
    const ThreadState* t = disc.thread(id);
    if (!t) refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no thread '" + id.substr(0, 128) + "'");
    return t;
  };
  auto need_comment = [&](const ThreadState& t, const std::string& id) -> const CommentState* {
    const CommentState* c = disc.comment(id);
    if (!c || c->thread_id != t.id) {
      refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no comment '" + id.substr(0, 128) + "' in " + t.id);
      return nullptr;
    }
    return c;
  };
  auto short_reason = [&](const std::string& reason, bool required) {
    if ((required && reason.empty()) || reason.size() > kMaxReasonBytes || !engine::is_valid_utf8(reason)) {
      refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
             std::string(required ? "a reason is required: " : "the reason must be ") + "up to 1000 bytes of UTF-8");
      return false;
    }
    return true;
  };
  // A range a client made at `version` of `doc_id`, moved to the current
  // version as SubmitOp's base_version is: [from, to) now, or refused.
  auto current_range = [&](const std::string& doc_id, const kenes::v1::TextRange& range, uint64_t version,
                           engine::Range* out) {
    const uint64_t from = std::min(range.anchor(), range.head());
    const uint64_t to = std::max(range.anchor(), range.head());
    if (from == to) {
      refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "the range is empty: select some text");
      return false;
    }
    const engine::DocumentSequencer* doc = state_.find_document(doc_id);
    engine::DocumentSequencer empty;
    if (!doc) doc = &empty;
    uint64_t length = 0;
    std::vector<const engine::TextOp*> ops;
    engine::Status s = doc->ops_since(version, &length, &ops);
    if (!s.ok()) {
      refuse(wire_error_code(s.code()), s.message());
      return false;
    }
    if (to > length) {
      refuse(kenes::v1::ERROR_CODE_OP_DOES_NOT_FIT, "the range ends at code point " + std::to_string(to) + " but " +
                                                        doc_id + " has " + std::to_string(length) + " at version " +
                                                        std::to_string(version));
      return false;
    }
    engine::Range r{from, to};
    for (const engine::TextOp* op : ops) r = engine::transform_anchor(r, *op);
    if (r.anchor == r.head) {
      refuse(kenes::v1::ERROR_CODE_OP_DOES_NOT_FIT, "the selected text was deleted since version " +
                                                        std::to_string(version) + "; select it again");
      return false;
    }
    *out = engine::Range{std::min(r.anchor, r.head), std::max(r.anchor, r.head)};
    return true;
  };

  kenes::v1::LogRecord rec;
  rec.set_author(m->participant_id);

  switch (msg.kind_case()) {
    case ClientMessage::kCreateThread: {
      const auto& r = msg.create_thread();
      if (!may_comment_now) return forbid_comment();
      const auto& target = r.target();
      if (target.indicator_id().empty() && target.doc_id().empty()) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a thread needs an indicator or a document");
      }
      if (!target.indicator_id().empty() && !state_.framework_indicator(target.indicator_id())) {
        return refuse(kenes::v1::ERROR_CODE_NOT_FOUND,
                      "no indicator '" + target.indicator_id().substr(0, 128) + "' in the consultation's framework");
      }
      if (!target.doc_id().empty()) {
        if (!valid_document_id(target.doc_id())) {
          return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                        "doc_id must be 1-128 characters of A-Z a-z 0-9 . _ / -");
        }
        if (!target.indicator_id().empty() && target.doc_id() != "indicator/" + target.indicator_id()) {
          return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                        "a thread on indicator " + target.indicator_id() + " ranges over its draft, indicator/" +
                            target.indicator_id());
        }
      }
      if (r.has_suggestion()) {
        if (target.doc_id().empty()) {
          return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a suggestion replaces a range of text: give one");
        }
        if (r.suggestion().text().size() > kMaxSuggestionBytes || !engine::is_valid_utf8(r.suggestion().text())) {
          return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a suggestion is up to 65536 bytes of UTF-8 text");
        }
      }
      if (!check_body(r.body(), r.has_suggestion())) return;
      if (!check_mentions(r.mentions())) return;
      auto* e = rec.mutable_thread_created();
      e->set_thread_id("thread-" + std::to_string(disc.threads_issued() + 1));
      e->set_first_comment_id("comment-" + std::to_string(disc.comments_issued() + 1));
      auto* t = e->mutable_target();
      t->set_indicator_id(target.indicator_id());
      if (!target.doc_id().empty()) {
        engine::Range now{0, 0};
        if (!current_range(target.doc_id(), target.range(), target.version(), &now)) return;
        const engine::DocumentSequencer* doc = state_.find_document(target.doc_id());
        t->set_doc_id(target.doc_id());
        t->mutable_range()->set_anchor(now.anchor);
        t->mutable_range()->set_head(now.head);
        t->set_version(doc->version());
        e->set_quote(doc->text().substr(now.anchor, now.head - now.anchor));
      }
      e->set_body(r.body());
      *e->mutable_mentions() = r.mentions();
      if (r.has_suggestion()) *e->mutable_suggestion() = r.suggestion();
      break;
    }
    case ClientMessage::kAddComment: {
      const auto& r = msg.add_comment();
      if (!may_comment_now) return forbid_comment();
      const ThreadState* t = need_thread(r.thread_id());
      if (!t) return;
      if (!check_body(r.body(), false) || !check_mentions(r.mentions())) return;
      auto* e = rec.mutable_comment_added();
      e->set_thread_id(t->id);
      e->set_comment_id("comment-" + std::to_string(disc.comments_issued() + 1));
      e->set_body(r.body());
      *e->mutable_mentions() = r.mentions();
      break;
    }
    case ClientMessage::kEditComment: {
      const auto& r = msg.edit_comment();
      const ThreadState* t = need_thread(r.thread_id());
      if (!t) return;
      const CommentState* c = need_comment(*t, r.comment_id());
      if (!c) return;
      if (c->author != m->participant_id) {
        return refuse(kenes::v1::ERROR_CODE_FORBIDDEN, "only its author may edit a comment");
      }
      if (!may_comment_now) return forbid_comment();
      if (c->deleted || c->hidden) {
        return refuse(kenes::v1::ERROR_CODE_THREAD_STATE,
                      std::string("the comment was ") + (c->deleted ? "deleted" : "hidden by the chair"));
      }
      if (!check_body(r.body(), false) || !check_mentions(r.mentions())) return;
      auto* e = rec.mutable_comment_edited();
      e->set_thread_id(t->id);
      e->set_comment_id(c->id);
      e->set_body(r.body());
      *e->mutable_mentions() = r.mentions();
      break;
    }
    case ClientMessage::kDeleteComment: {
      const auto& r = msg.delete_comment();
      const ThreadState* t = need_thread(r.thread_id());
      if (!t) return;
      const CommentState* c = need_comment(*t, r.comment_id());
      if (!c) return;
      if (c->author != m->participant_id) {
        return refuse(kenes::v1::ERROR_CODE_FORBIDDEN,
                      "only its author may delete a comment (the chair may hide it, with a reason)");
      }
      if (c->deleted) return refuse(kenes::v1::ERROR_CODE_THREAD_STATE, "the comment was deleted already");
      auto* e = rec.mutable_comment_deleted();
      e->set_thread_id(t->id);
      e->set_comment_id(c->id);
      break;
    }
    case ClientMessage::kHideComment: {
      const auto& r = msg.hide_comment();
      if (!may_hide_comments(m->role)) {
        return refuse(kenes::v1::ERROR_CODE_FORBIDDEN, "only the chair may hide comments");
      }
      const ThreadState* t = need_thread(r.thread_id());
      if (!t) return;
      const CommentState* c = need_comment(*t, r.comment_id());
      if (!c) return;
      if (!short_reason(r.reason(), true)) return;
      if (c->hidden || c->deleted) {
        return refuse(kenes::v1::ERROR_CODE_THREAD_STATE,
                      std::string("the comment was ") + (c->deleted ? "deleted" : "hidden") + " already");
      }
      auto* e = rec.mutable_comment_hidden();
      e->set_thread_id(t->id);
      e->set_comment_id(c->id);
      e->set_reason(r.reason());
      break;
    }
    case ClientMessage::kResolveThread: {
      const auto& r = msg.resolve_thread();
      const ThreadState* t = need_thread(r.thread_id());
      if (!t) return;
      if (!may_resolve_thread(m->role, t->creator == m->participant_id)) {
        return refuse(kenes::v1::ERROR_CODE_FORBIDDEN,
                      "only the chair, a researcher or the thread's creator may resolve or reopen it");
      }
      if (t->resolved == r.resolved()) {
        return refuse(kenes::v1::ERROR_CODE_THREAD_STATE,
                      std::string("the thread is ") + (t->resolved ? "resolved" : "open") + " already");
      }
      auto* e = rec.mutable_thread_resolved();
      e->set_thread_id(t->id);
      e->set_resolved(r.resolved());
      break;
    }
    case ClientMessage::kReattachThread: {
      const auto& r = msg.reattach_thread();
      if (!may_comment_now) return forbid_comment();
      const ThreadState* t = need_thread(r.thread_id());
      if (!t) return;
      if (!t->anchor) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, t->id + " is on an indicator, not on a range of text");
      }
      if (t->anchor->attached()) {
        return refuse(kenes::v1::ERROR_CODE_THREAD_STATE, t->id + " is attached; only a detached thread is re-attached");
      }
      engine::Range now{0, 0};
      if (!current_range(t->target.doc_id(), r.range(), r.version(), &now)) return;
      const engine::DocumentSequencer* doc = state_.find_document(t->target.doc_id());
      auto* e = rec.mutable_thread_reattached();
      e->set_thread_id(t->id);
      e->mutable_range()->set_anchor(now.anchor);
      e->mutable_range()->set_head(now.head);
      e->set_version(doc->version());
      e->set_quote(doc->text().substr(now.anchor, now.head - now.anchor));
      break;
    }
    case ClientMessage::kSetReaction: {
      const auto& r = msg.set_reaction();
      if (!may_comment_now) return forbid_comment();
      if (r.reaction() != kenes::v1::REACTION_PLUS_ONE) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "the only reaction is +1");
      }
      const ThreadState* t = need_thread(r.thread_id());
      if (!t) return;
      const CommentState* c = need_comment(*t, r.comment_id());
      if (!c) return;
      if (c->deleted || c->hidden) return refuse(kenes::v1::ERROR_CODE_THREAD_STATE, "the comment is gone");
      auto mine = c->reactions.find(m->participant_id);
      const bool on = mine != c->reactions.end() && mine->second.count(r.reaction());
      if (on == r.on()) {
        return refuse(kenes::v1::ERROR_CODE_THREAD_STATE, std::string("your reaction is ") + (on ? "on" : "off") +
                                                              " already");
      }
      auto* e = rec.mutable_reaction_set();
      e->set_thread_id(t->id);
      e->set_comment_id(c->id);
      e->set_reaction(r.reaction());
      e->set_on(r.on());
      break;
    }
    case ClientMessage::kAcceptSuggestion:
    case ClientMessage::kRejectSuggestion: {
      const bool accept = msg.kind_case() == ClientMessage::kAcceptSuggestion;
      const std::string& thread_id = accept ? msg.accept_suggestion().thread_id() : msg.reject_suggestion().thread_id();
      if (!may_decide_suggestions(m->role)) {
        return refuse(kenes::v1::ERROR_CODE_FORBIDDEN,
                      "a " + role + " may not " + (accept ? "accept" : "reject") + " suggestions");
      }
      const ThreadState* t = need_thread(thread_id);
      if (!t) return;
      switch (t->suggestion) {
        case SuggestionStatus::kNone:
          return refuse(kenes::v1::ERROR_CODE_SUGGESTION_STATE, t->id + " is not a suggestion");
        case SuggestionStatus::kAccepted:
          return refuse(kenes::v1::ERROR_CODE_SUGGESTION_STATE, "the suggestion was accepted already");
        case SuggestionStatus::kRejected:
          return refuse(kenes::v1::ERROR_CODE_SUGGESTION_STATE, "the suggestion was rejected already");
        case SuggestionStatus::kOpen:
          break;
      }
      if (!accept) {
        if (!short_reason(msg.reject_suggestion().reason(), false)) return;
        auto* e = rec.mutable_suggestion_rejected();
        e->set_thread_id(t->id);
        e->set_reason(msg.reject_suggestion().reason());
        break;
      }
      if (!t->anchor || !t->anchor->attached()) {
        return refuse(kenes::v1::ERROR_CODE_SUGGESTION_STATE,
                      "the suggestion's text was deleted (the thread is detached); re-attach it first");
      }
      if (t->anchor->changed() && !msg.accept_suggestion().accept_changed()) {
        return refuse(kenes::v1::ERROR_CODE_SUGGESTION_CHANGED,
                      "the text the suggestion replaces changed since it was made; accept with accept_changed "
                      "to apply it anyway");
      }
      const engine::DocumentSequencer* doc = state_.find_document(t->target.doc_id());
      engine::TextOp op;
      op.retain(t->anchor->from()).del(t->anchor->to() - t->anchor->from()).insert(t->replacement);
      auto* e = rec.mutable_text_edit();
      e->set_doc_id(t->target.doc_id());
      e->set_version(doc->version() + 1);
      op_to_proto(op, e->mutable_op());
      if (t->creator != m->participant_id) e->add_co_authors(t->creator);
      e->set_accepts_suggestion_of_thread(t->id);
      break;
    }
    case ClientMessage::kSetObserverCommenting: {
      const auto& r = msg.set_observer_commenting();
      if (m->role != kenes::v1::ROLE_CHAIR) {
        return refuse(kenes::v1::ERROR_CODE_FORBIDDEN, "only the chair may let observers comment");
      }
      if (disc.observers_may_comment() == r.enabled()) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                      std::string("observers ") + (r.enabled() ? "may" : "may not") + " comment already");
      }
      rec.mutable_observer_commenting_set()->set_enabled(r.enabled());
      break;
    }
    case ClientMessage::kMarkThreadsRead: {
      const auto& r = msg.mark_threads_read();
      if (r.thread_ids().empty() || r.thread_ids_size() > kMaxReadThreads) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "name 1 to 1000 threads");
      }
      if (r.up_to_seq() == 0 || r.up_to_seq() > durable_seq_) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "up_to_seq " + std::to_string(r.up_to_seq()) +
                                                                  " must be a seq you have seen (the log is at " +
                                                                  std::to_string(durable_seq_) + ")");
      }
      std::set<std::string> seen;
      for (const auto& id : r.thread_ids()) {
        if (!need_thread(id)) return;
        if (!seen.insert(id).second) {
          return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, id + " is named twice");
        }
      }
      auto* e = rec.mutable_threads_read();
      *e->mutable_thread_ids() = r.thread_ids();
      e->set_up_to_seq(r.up_to_seq());
      break;
    }
    case ClientMessage::kRecordVisit: {
      const auto& r = msg.record_visit();
      if (r.seen_seq() > durable_seq_) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "seen_seq " + std::to_string(r.seen_seq()) +
                                                                  " is ahead of the log (" +
                                                                  std::to_string(durable_seq_) + ")");
      }
      rec.mutable_visited()->set_seen_seq(r.seen_seq());
      break;
    }
    default:
      return refuse(kenes::v1::ERROR_CODE_UNKNOWN_MESSAGE, "unknown message kind");
  }
  append_discussion(std::move(rec), connection_id, rid);
}

}  // namespace kenes::server
