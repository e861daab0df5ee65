// Threads, comments and suggestions through the real server (issue 6): a
// Server on loopback with RocksDB in a temp folder, real WebSocket clients.
// proto/README.md, "Threads, suggestions and history", is the specification
// these tests hold the server to.
//
// "Every client's view" of a thread is what a client can compute from the
// records it received: each Actor folds them, in order, into its own
// ConsultationState (the server's fold, which the web client mirrors), and
// the tests compare those anchors with the server's.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "replay/recovery.h"
#include "storage/rocks_log.h"
#include "actors.h"
#include "test_harness.h"

namespace kenes::testing {
namespace {

using kenes::v1::ErrorCode;
using kenes::v1::Role;

constexpr char kDoc[] = "indicator/R.1";

// The thread state a client can fold from the records it received: its own
// text edits come back as Acks, not records, so this is for clients that do
// not type (or whose edits are added back, see fold_view's `typist`).
std::string anchor_text(const consultation::ConsultationState& s, const std::string& thread_id) {
  const consultation::ThreadState* t = s.discussion().thread(thread_id);
  if (!t || !t->anchor) return "<no thread>";
  if (!t->anchor->attached()) return "<detached: " + t->anchor->detached_quote()->text + ">";
  const auto* doc = s.find_document(t->target.doc_id());
  return doc->text().substr(t->anchor->from(), t->anchor->to() - t->anchor->from());
}

size_t find_cp(const std::string& text, const std::string& what) {
  // The demo text and the typed text are ASCII here, so bytes are code points.
  size_t at = text.find(what);
  EXPECT_NE(at, std::string::npos) << "'" << what << "' not in '" << text << "'";
  return at;
}

class DiscussionTest : public ActorTest {
 protected:
  using ActorTest::ActorTest;

  // A local edit by `a`, then waits until the server acknowledged it.
  void type(Actor& a, const engine::TextOp& op, const std::string& doc = kDoc) {
    pool_.run([&] { ASSERT_TRUE(a.client->local_edit(doc, op).ok()); });
    ASSERT_TRUE(pool_.wait_until([&] { return !a.client->has_unacknowledged(); }));
  }
  std::string text_of(Actor& a, const std::string& doc = kDoc) {
    std::string t;
    pool_.run([&] { t = a.client->document(doc).text().to_string(); });
    return t;
  }
  uint64_t version_of(Actor& a, const std::string& doc = kDoc) {
    uint64_t v = 0;
    pool_.run([&] { v = a.client->document(doc).version(); });
    return v;
  }
  // Waits until every actor's copy of the document equals the server's.
  void converge(const std::vector<Actor*>& actors, const std::string& doc = kDoc) {
    ASSERT_TRUE(pool_.wait_until([&] {
      std::string server_text = server_->document_text("demo", doc);
      for (Actor* a : actors) {
        if (a->client->has_unacknowledged() || a->client->document(doc).text().to_string() != server_text) return false;
      }
      return true;
    })) << "clients did not converge";
  }
  // Waits until `a` received the record at `seq`.
  void wait_seq(Actor& a, uint64_t seq) {
    ASSERT_TRUE(pool_.wait_until([&] { return a.client->last_seq() >= seq; })) << a.id << " never got seq " << seq;
  }

  // A thread on the words `what` of the document as `a` sees it now.
  Outcome comment_on(Actor& a, const std::string& what, const std::string& body = "about this",
                     std::optional<std::string> suggestion = std::nullopt) {
    const std::string text = text_of(a);
    const uint64_t from = find_cp(text, what);
    kenes::v1::ThreadTarget target;
    target.set_indicator_id("R.1");
    target.set_doc_id(kDoc);
    target.mutable_range()->set_anchor(from);
    target.mutable_range()->set_head(from + what.size());
    target.set_version(version_of(a));
    return request(a, [&](client::KenesClient& c) { return c.create_thread(target, body, {}, suggestion); });
  }
  std::string thread_at(uint64_t seq) {
    std::string id;
    server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
      for (const auto& [tid, t] : s.discussion().threads()) {
        if (t.created_seq == seq) id = tid;
      }
    });
    EXPECT_FALSE(id.empty()) << "no thread created at seq " << seq;
    return id;
  }
  std::string comment_at(uint64_t seq) {
    std::string id;
    server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
      for (const auto& [tid, t] : s.discussion().threads()) {
        for (const auto& cid : t.comment_ids) {
          if (s.discussion().comment(cid)->created_seq == seq) id = cid;
        }
      }
    });
    EXPECT_FALSE(id.empty()) << "no comment created at seq " << seq;
    return id;
  }
  std::string server_anchor(const std::string& thread_id) {
    std::string out;
    server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) { out = anchor_text(s, thread_id); });
    return out;
  }
  std::string server_discussion() {
    std::string out;
    server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
      out = s.discussion().debug_string() + "\n" + s.find_document(kDoc)->text().to_string();
    });
    return out;
  }
  // The thread state `a` folds from what it received (see the file comment).
  std::unique_ptr<consultation::ConsultationState> view(Actor& a) {
    auto s = std::make_unique<consultation::ConsultationState>("demo");
    pool_.run([&] {
      for (const auto& r : a.records) {
        s->set_seq(r.seq() - 1);  // others' private records are skipped
        engine::Status st = s->apply(r);
        EXPECT_TRUE(st.ok()) << a.id << ": " << st.message();
      }
    });
    return s;
  }
};

// -------------------------------------------------------- every event type

TEST_F(DiscussionTest, EveryThreadEventGoesThroughTheProtocolAndIntoTheState) {
  auto chair = join(Role::ROLE_CHAIR, "chair");
  auto researcher = join(Role::ROLE_RESEARCHER, "res");
  auto member = join(Role::ROLE_MEMBER, "mem");
  auto observer = join(Role::ROLE_OBSERVER, "obs");

  Outcome created = comment_on(*member, "constitution", "Which one?", std::nullopt);
  expect_ok(created, "create thread");
  const std::string thread = thread_at(created.seq);
  const std::string first = comment_at(created.seq);
  EXPECT_EQ(server_anchor(thread), "constitution");
  Outcome indicator_thread = request(*member, [](client::KenesClient& c) {
    kenes::v1::ThreadTarget t;
    t.set_indicator_id("R.2");
    return c.create_thread(t, "A general remark", {"res"});
  });
  expect_ok(indicator_thread, "thread on an indicator");
  Outcome reply = request(*researcher, [&](client::KenesClient& c) { return c.add_comment(thread, "The 1995 one", {"mem"}); });
  expect_ok(reply, "reply");
  const std::string reply_id = comment_at(reply.seq);
  expect_ok(request(*researcher, [&](client::KenesClient& c) { return c.edit_comment(thread, reply_id, "The 1995 one, amended 2017"); }),
            "edit");
  expect_ok(request(*chair, [&](client::KenesClient& c) { return c.set_reaction(thread, reply_id, true); }), "react");
  expect_error(request(*chair, [&](client::KenesClient& c) { return c.set_reaction(thread, reply_id, true); }),
               kenes::v1::ERROR_CODE_THREAD_STATE, "react twice");
  Outcome read = request(*member, [&](client::KenesClient& c) { return c.mark_threads_read({thread}, reply.seq); });
  expect_ok(read, "mark read");
  expect_ok(request(*member, [&](client::KenesClient& c) { return c.record_visit(read.seq); }), "visit");
  expect_ok(request(*member, [&](client::KenesClient& c) { return c.resolve_thread(thread, true); }), "resolve (creator)");
  expect_error(request(*member, [&](client::KenesClient& c) { return c.resolve_thread(thread, true); }),
               kenes::v1::ERROR_CODE_THREAD_STATE, "resolve twice");
  expect_ok(request(*researcher, [&](client::KenesClient& c) { return c.resolve_thread(thread, false); }), "reopen");
  expect_ok(request(*chair, [&](client::KenesClient& c) { return c.hide_comment(thread, reply_id, "off topic"); }), "hide");
  expect_error(request(*researcher, [&](client::KenesClient& c) { return c.edit_comment(thread, reply_id, "again"); }),
               kenes::v1::ERROR_CODE_THREAD_STATE, "edit a hidden comment");
  expect_ok(request(*member, [&](client::KenesClient& c) { return c.delete_comment(thread, first); }), "delete own");
  expect_error(request(*member, [&](client::KenesClient& c) { return c.delete_comment(thread, first); }),
               kenes::v1::ERROR_CODE_THREAD_STATE, "delete twice");
  Outcome sug = comment_on(*member, "online", "", std::string("on the Internet"));
  expect_ok(sug, "suggestion with an empty comment");
  const std::string sug_thread = thread_at(sug.seq);
  Outcome rejected = request(*researcher, [&](client::KenesClient& c) { return c.reject_suggestion(sug_thread, "keep it short"); });
  expect_ok(rejected, "reject");
  expect_error(request(*chair, [&](client::KenesClient& c) { return c.accept_suggestion(sug_thread); }),
               kenes::v1::ERROR_CODE_SUGGESTION_STATE, "accept a rejected suggestion");
  expect_error(request(*observer, [&](client::KenesClient& c) { return c.add_comment(thread, "me too"); }),
               kenes::v1::ERROR_CODE_FORBIDDEN, "observer before the chair allows it");
  expect_ok(request(*chair, [](client::KenesClient& c) { return c.set_observer_commenting(true); }), "allow observers");
  Outcome obs = request(*observer, [&](client::KenesClient& c) { return c.add_comment(thread, "me too"); });
  expect_ok(obs, "observer comments");

  // Every shared record reached the observer, in order; the private ones did not.
  wait_seq(*observer, obs.seq);
  std::set<int> kinds;
  pool_.run([&] {
    for (const auto& r : observer->records) kinds.insert(static_cast<int>(r.event_case()));
  });
  for (int k : {60, 61, 62, 63, 64, 65, 67, 68, 69}) EXPECT_TRUE(kinds.count(k)) << "observer missed record kind " << k;
  EXPECT_FALSE(kinds.count(75) || kinds.count(76)) << "another's private record reached the observer";

  const std::string on_indicator = thread_at(indicator_thread.seq);
  server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
    const auto& d = s.discussion();
    const consultation::ThreadState* t = d.thread(thread);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->quote, "constitution");
    EXPECT_EQ(t->creator, "mem");
    EXPECT_FALSE(t->resolved);
    EXPECT_EQ(t->comment_ids.size(), 3u);
    const consultation::CommentState* r = d.comment(reply_id);
    EXPECT_EQ(r->body, "The 1995 one, amended 2017");
    EXPECT_EQ(r->edits, 1u);
    EXPECT_TRUE(r->hidden);
    EXPECT_EQ(r->hidden_reason, "off topic");
    EXPECT_EQ(r->reactions.count("chair"), 1u);
    EXPECT_TRUE(r->mentions.empty());  // the edit named nobody: mentions are the latest body's
    EXPECT_TRUE(d.comment(first)->deleted);
    EXPECT_EQ(d.last_read("mem", thread), reply.seq);
    // Unread for the member: only the observer's reply (the researcher's is hidden).
    EXPECT_EQ(d.unread_count("mem", thread), 1u);
    ASSERT_NE(d.visits("mem"), nullptr);
    EXPECT_EQ(d.visits("mem")->back().seen_seq, read.seq);
    EXPECT_EQ(d.thread(sug_thread)->suggestion, consultation::SuggestionStatus::kRejected);
    EXPECT_EQ(d.thread(sug_thread)->reject_reason, "keep it short");
    EXPECT_TRUE(d.observers_may_comment());
    EXPECT_EQ(d.thread(on_indicator)->target.indicator_id(), "R.2");
    EXPECT_EQ(d.comment(d.thread(on_indicator)->comment_ids[0])->mentions, std::vector<std::string>{"res"});
  });
}

TEST_F(DiscussionTest, BadRequestsAreRefusedWithPreciseErrors) {
  auto member = join(Role::ROLE_MEMBER, "mem");
  auto researcher = join(Role::ROLE_RESEARCHER, "res");
  const uint64_t v = version_of(*member);
  auto create = [&](kenes::v1::ThreadTarget t, const std::string& body) {
    return request(*member, [&](client::KenesClient& c) { return c.create_thread(t, body); });
  };
  kenes::v1::ThreadTarget t;
  t.set_indicator_id("R.1");
  t.set_doc_id(kDoc);
  t.mutable_range()->set_anchor(2);
  t.mutable_range()->set_head(5);
  t.set_version(v);
  const std::string before = server_discussion();
  expect_error(create(t, ""), kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "empty body");
  expect_error(create(t, std::string(16385, 'x')), kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "body over 16 KiB");
  // (Invalid UTF-8 in a body never reaches the room: a proto3 string that is
  // not UTF-8 does not parse, and the session answers BAD_MESSAGE.)
  expect_error(request(*member, [&](client::KenesClient& c) { return c.create_thread(t, "hi", {"nobody"}); }),
               kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "unknown mention");
  expect_error(request(*member, [&](client::KenesClient& c) { return c.create_thread(t, "hi", {"res", "res"}); }),
               kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "duplicate mention");
  auto future = t;
  future.set_version(v + 5);
  expect_error(create(future, "hi"), kenes::v1::ERROR_CODE_VERSION_FROM_FUTURE, "version from the future");
  auto beyond = t;
  beyond.mutable_range()->set_head(100000);
  expect_error(create(beyond, "hi"), kenes::v1::ERROR_CODE_OP_DOES_NOT_FIT, "range beyond the text");
  auto empty = t;
  empty.mutable_range()->set_head(2);
  expect_error(create(empty, "hi"), kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "empty range");
  auto unknown = t;
  unknown.set_indicator_id("NOPE");
  unknown.set_doc_id("");
  expect_error(create(unknown, "hi"), kenes::v1::ERROR_CODE_NOT_FOUND, "unknown indicator");
  auto other_doc = t;
  other_doc.set_doc_id("indicator/R.2");
  expect_error(create(other_doc, "hi"), kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "range on another indicator's draft");
  kenes::v1::ThreadTarget on_indicator;
  on_indicator.set_indicator_id("R.1");
  expect_error(request(*member, [&](client::KenesClient& c) { return c.create_thread(on_indicator, "x", {}, "y"); }),
               kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "suggestion without a range");
  expect_error(request(*member, [](client::KenesClient& c) { return c.add_comment("thread-99", "hi"); }),
               kenes::v1::ERROR_CODE_NOT_FOUND, "reply to an unknown thread");
  expect_error(request(*member, [](client::KenesClient& c) { return c.mark_threads_read({"thread-99"}, 1); }),
               kenes::v1::ERROR_CODE_NOT_FOUND, "read an unknown thread");
  expect_error(request(*member, [](client::KenesClient& c) { return c.record_visit(1u << 30); }),
               kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "visit ahead of the log");
  EXPECT_EQ(server_discussion(), before) << "a refused request changed the state";

  // A range made at an older version is moved to the current one; one whose
  // text was deleted meanwhile is refused.
  const uint64_t old_version = version_of(*member);
  const std::string text = text_of(*member);
  const uint64_t at = find_cp(text, "freedom");
  type(*researcher, engine::TextOp().insert(">>> "));
  type(*researcher, engine::TextOp().retain(at + 4).del(7));  // "freedom"
  kenes::v1::ThreadTarget stale = t;
  stale.set_version(old_version);
  stale.mutable_range()->set_anchor(at);
  stale.mutable_range()->set_head(at + 7);
  expect_error(create(stale, "hi"), kenes::v1::ERROR_CODE_OP_DOES_NOT_FIT, "range deleted meanwhile");
  const uint64_t guarantees = find_cp(text, "guarantees");
  stale.mutable_range()->set_anchor(guarantees);
  stale.mutable_range()->set_head(guarantees + 10);
  Outcome moved = create(stale, "moved by the server");
  expect_ok(moved, "range at an older version");
  EXPECT_EQ(server_anchor(thread_at(moved.seq)), "guarantees");
}

// ------------------------------------------------------- permission matrix

// Every request, by every role (and an observer after the chair let
// observers comment), against the table in proto/README.md. A refused
// request must leave the state exactly as it was.
// Every action by every role, as fast as the test can: more records from one
// participant than the room's per-person rate allows, which is not what is
// under test here.
class DiscussionMatrixTest : public DiscussionTest {
 protected:
  DiscussionMatrixTest()
      : DiscussionTest([](server::ServerOptions& o) { o.rate_limit_records_burst = 1e6; }) {}
};

TEST_F(DiscussionMatrixTest, EveryRequestIsAllowedOrRefusedByRoleAsTheTableSays) {
  auto chair = join(Role::ROLE_CHAIR, "chair");
  auto researcher = join(Role::ROLE_RESEARCHER, "res");
  auto member = join(Role::ROLE_MEMBER, "mem");
  auto observer = join(Role::ROLE_OBSERVER, "obs");
  auto other = join(Role::ROLE_MEMBER, "other");
  struct Who {
    std::string key;
    Actor* actor;
    bool observers_enabled;
  };
  std::vector<Who> whos = {{"chair", chair.get(), false},
                           {"researcher", researcher.get(), false},
                           {"member", member.get(), false},
                           {"observer", observer.get(), false},
                           {"observer+", observer.get(), true}};
  int word = 0;
  // A fresh word at the end of the draft, typed by the researcher.
  auto fresh_word = [&] {
    const std::string w = " w" + std::to_string(++word) + "x";
    const std::string text = text_of(*researcher);
    type(*researcher, engine::TextOp().retain(text.size()).insert(w));
    converge({chair.get(), researcher.get(), member.get(), observer.get(), other.get()});
    return w.substr(1);
  };
  auto thread_by = [&](Actor& a, std::optional<std::string> suggestion = std::nullopt) {
    const std::string w = fresh_word();
    Outcome o = comment_on(a, w, "a thread", suggestion);
    expect_ok(o, "setup thread");
    return std::make_pair(thread_at(o.seq), comment_at(o.seq));
  };
  bool observers_enabled = false;
  auto set_observers = [&](bool on) {
    if (observers_enabled == on) return;
    expect_ok(request(*chair, [&](client::KenesClient& c) { return c.set_observer_commenting(on); }), "toggle observers");
    observers_enabled = on;
  };
  struct Action {
    std::string name;
    std::set<std::string> allowed;
    ErrorCode refused_with;
    // Prepares what the action needs (run with observers enabled as the
    // role's column says) and returns the request.
    std::function<std::function<uint64_t(client::KenesClient&)>(Actor&)> setup;
  };
  const std::set<std::string> commenters = {"chair", "researcher", "member", "observer+"};
  const std::set<std::string> everyone = {"chair", "researcher", "member", "observer", "observer+"};
  std::vector<Action> actions = {
      {"create a thread", commenters, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor& a) {
         const std::string w = fresh_word();
         const std::string text = text_of(a);
         kenes::v1::ThreadTarget t;
         t.set_indicator_id("R.1");
         t.set_doc_id(kDoc);
         t.mutable_range()->set_anchor(find_cp(text, w));
         t.mutable_range()->set_head(find_cp(text, w) + w.size());
         t.set_version(version_of(a));
         return [t](client::KenesClient& c) { return c.create_thread(t, "hello"); };
       }},
      {"suggest", commenters, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor& a) {
         const std::string w = fresh_word();
         const std::string text = text_of(a);
         kenes::v1::ThreadTarget t;
         t.set_indicator_id("R.1");
         t.set_doc_id(kDoc);
         t.mutable_range()->set_anchor(find_cp(text, w));
         t.mutable_range()->set_head(find_cp(text, w) + w.size());
         t.set_version(version_of(a));
         return [t](client::KenesClient& c) { return c.create_thread(t, "", {}, std::string("better")); };
       }},
      {"reply", commenters, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor&) {
         auto [t, c0] = thread_by(*other);
         return [t](client::KenesClient& c) { return c.add_comment(t, "reply"); };
       }},
      {"edit another's comment", {}, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor&) {
         auto [t, c0] = thread_by(*other);
         return [t, c0](client::KenesClient& c) { return c.edit_comment(t, c0, "changed"); };
       }},
      {"edit one's own comment", commenters, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor& a) {
         // An observer's own comment from a time the chair allowed it.
         const bool was = observers_enabled;
         set_observers(true);
         auto [t, c0] = thread_by(a);
         set_observers(was);
         return [t, c0](client::KenesClient& c) { return c.edit_comment(t, c0, "changed"); };
       }},
      {"delete another's comment", {}, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor&) {
         auto [t, c0] = thread_by(*other);
         return [t, c0](client::KenesClient& c) { return c.delete_comment(t, c0); };
       }},
      {"delete one's own comment", everyone, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor& a) {
         const bool was = observers_enabled;
         set_observers(true);
         auto [t, c0] = thread_by(a);
         set_observers(was);
         return [t, c0](client::KenesClient& c) { return c.delete_comment(t, c0); };
       }},
      {"hide a comment", {"chair"}, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor&) {
         auto [t, c0] = thread_by(*other);
         return [t, c0](client::KenesClient& c) { return c.hide_comment(t, c0, "rude"); };
       }},
      {"resolve another's thread", {"chair", "researcher"}, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor&) {
         auto [t, c0] = thread_by(*other);
         return [t](client::KenesClient& c) { return c.resolve_thread(t, true); };
       }},
      {"resolve one's own thread", everyone, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor& a) {
         const bool was = observers_enabled;
         set_observers(true);
         auto [t, c0] = thread_by(a);
         set_observers(was);
         return [t](client::KenesClient& c) { return c.resolve_thread(t, true); };
       }},
      {"react", commenters, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor&) {
         auto [t, c0] = thread_by(*other);
         return [t, c0](client::KenesClient& c) { return c.set_reaction(t, c0, true); };
       }},
      {"re-attach", commenters, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor& a) {
         auto [t, c0] = thread_by(*other);
         // Delete the thread's word: detached.
         const std::string w = "w" + std::to_string(word) + "x";
         const std::string text = text_of(*researcher);
         type(*researcher, engine::TextOp().retain(find_cp(text, w)).del(w.size()));
         const std::string w2 = fresh_word();
         const std::string now = text_of(a);
         const uint64_t from = find_cp(now, w2), v = version_of(a);
         return [t, from, v, n = w2.size()](client::KenesClient& c) { return c.reattach_thread(t, from, from + n, v); };
       }},
      {"accept a suggestion", {"chair", "researcher"}, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor&) {
         auto [t, c0] = thread_by(*other, std::string("better"));
         return [t](client::KenesClient& c) { return c.accept_suggestion(t); };
       }},
      {"reject a suggestion", {"chair", "researcher"}, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor&) {
         auto [t, c0] = thread_by(*other, std::string("better"));
         return [t](client::KenesClient& c) { return c.reject_suggestion(t, "no"); };
       }},
      {"let observers comment", {"chair"}, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor&) {
         const bool to = !observers_enabled;
         return [to](client::KenesClient& c) { return c.set_observer_commenting(to); };
       }},
      {"mark threads read", everyone, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor& a) {
         auto [t, c0] = thread_by(*other);
         uint64_t seq = 0;
         pool_.run([&] { seq = a.client->last_seq(); });
         return [t, seq](client::KenesClient& c) { return c.mark_threads_read({t}, seq); };
       }},
      {"record a visit", everyone, kenes::v1::ERROR_CODE_FORBIDDEN,
       [&](Actor& a) {
         uint64_t seq = 0;
         pool_.run([&] { seq = a.client->last_seq(); });
         return [seq](client::KenesClient& c) { return c.record_visit(seq); };
       }},
  };
  for (const auto& action : actions) {
    for (const auto& who : whos) {
      SCOPED_TRACE(action.name + " by " + who.key);
      set_observers(who.observers_enabled);
      auto send = action.setup(*who.actor);
      set_observers(who.observers_enabled);
      converge({chair.get(), researcher.get(), member.get(), observer.get(), other.get()});
      const std::string before = server_discussion();
      Outcome o = request(*who.actor, send);
      if (action.allowed.count(who.key)) {
        expect_ok(o, action.name + " by " + who.key);
      } else {
        expect_error(o, action.refused_with, action.name + " by " + who.key);
        EXPECT_EQ(server_discussion(), before) << "a refused request changed the state";
      }
      if (action.name == "let observers comment" && o.ok) observers_enabled = !observers_enabled;
    }
  }
}

// --------------------------------------------------------------- anchors

TEST_F(DiscussionTest, AnAnchorStaysOnItsWordsWhileAResearcherTypesAroundAndInsideIt) {
  auto researcher = join(Role::ROLE_RESEARCHER, "res");
  auto member = join(Role::ROLE_MEMBER, "mem");
  auto chair = join(Role::ROLE_CHAIR, "chair");
  const uint64_t old_version = version_of(*member);
  const std::string old_text = text_of(*member);
  Outcome created = comment_on(*member, "freedom of expression", "Online too?");
  expect_ok(created, "thread");
  const std::string thread = thread_at(created.seq);
  // Typing before, at both edges, inside and after, without waiting for acks
  // in between (the client composes and the server rebases).
  pool_.run([&] {
    auto& c = *researcher->client;
    std::string text = c.document(kDoc).text().to_string();
    auto at = [&](const std::string& w) { return text.find(w); };
    auto edit = [&](uint64_t pos, const std::string& ins) {
      ASSERT_TRUE(c.local_edit(kDoc, engine::TextOp().retain(pos).insert(ins)).ok());
      text.insert(pos, ins);
    };
    edit(0, "Intro. ");
    edit(at("freedom"), "the ");                        // at the start edge: outside
    edit(at("freedom") + 7, " (and safety)");           // inside
    edit(at("expression") + 10, " offline");            // at the end edge: outside
    edit(at("laws"), "relevant ");                      // after
  });
  // Meanwhile, a second thread made at the version before all this.
  const uint64_t at = find_cp(old_text, "expression");
  kenes::v1::ThreadTarget late;
  late.set_indicator_id("R.1");
  late.set_doc_id(kDoc);
  late.mutable_range()->set_anchor(at);
  late.mutable_range()->set_head(at + 10);
  late.set_version(old_version);
  Outcome second = request(*member, [&](client::KenesClient& c) { return c.create_thread(late, "this word"); });
  expect_ok(second, "thread at an old version");
  converge({researcher.get(), member.get(), chair.get()});
  const std::string second_thread = thread_at(second.seq);
  EXPECT_EQ(server_anchor(thread), "freedom (and safety) of expression");
  EXPECT_EQ(server_anchor(second_thread), "expression");
  // Every client that only read agrees from the records it received.
  for (Actor* a : {member.get(), chair.get()}) {
    wait_seq(*a, second.seq);
    auto v = view(*a);
    EXPECT_EQ(anchor_text(*v, thread), "freedom (and safety) of expression") << a->id;
    EXPECT_EQ(anchor_text(*v, second_thread), "expression") << a->id;
    EXPECT_EQ(v->find_document(kDoc)->text().to_string(), text_of(*a)) << a->id;
  }
  // A late joiner's catch-up gives the same.
  auto late_joiner = join(Role::ROLE_OBSERVER, "late");
  auto v = view(*late_joiner);
  EXPECT_EQ(anchor_text(*v, thread), "freedom (and safety) of expression");
  std::string server_state;
  server_->inspect("demo", [&](const consultation::ConsultationState& st, uint64_t) { server_state = st.discussion().debug_string(); });
  EXPECT_EQ(v->discussion().debug_string(), server_state);
}

TEST_F(DiscussionTest, DeletingTheAnchoredTextDetachesTheThreadWithItsQuoteAndItCanBeReattached) {
  auto researcher = join(Role::ROLE_RESEARCHER, "res");
  auto member = join(Role::ROLE_MEMBER, "mem");
  Outcome created = comment_on(*member, "guarantees", "Strong word");
  expect_ok(created, "thread");
  const std::string thread = thread_at(created.seq);
  const uint64_t v0 = version_of(*member);
  expect_error(request(*member, [&](client::KenesClient& c) { return c.reattach_thread(thread, 0, 3, v0); }),
               kenes::v1::ERROR_CODE_THREAD_STATE, "re-attach an attached thread");
  const std::string text = text_of(*researcher);
  type(*researcher, engine::TextOp().retain(find_cp(text, "constitution")).del(std::string("constitution guarantees").size()));
  converge({researcher.get(), member.get()});
  server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
    const consultation::ThreadState* t = s.discussion().thread(thread);
    ASSERT_FALSE(t->anchor->attached());
    EXPECT_EQ(t->anchor->detached_quote()->text, "guarantees");
    EXPECT_EQ(t->anchor->detached_quote()->before.substr(t->anchor->detached_quote()->before.size() - 13), "constitution ");
    // The quote is found again once someone types the words back.
  });
  EXPECT_EQ(anchor_text(*view(*member), thread), "<detached: guarantees>");
  const std::string now = text_of(*member);
  const uint64_t from = find_cp(now, "freedom");
  const uint64_t v1 = version_of(*member);
  expect_error(request(*member, [&](client::KenesClient& c) { return c.reattach_thread(thread, from, from + 7, 1u << 20); }),
               kenes::v1::ERROR_CODE_VERSION_FROM_FUTURE, "re-attach at a future version");
  expect_error(request(*member, [&](client::KenesClient& c) { return c.reattach_thread(thread, from, 1u << 20, v1); }),
               kenes::v1::ERROR_CODE_OP_DOES_NOT_FIT, "re-attach beyond the text");
  Outcome re = request(*member, [&](client::KenesClient& c) { return c.reattach_thread(thread, from, from + 7, v1); });
  expect_ok(re, "re-attach");
  EXPECT_EQ(server_anchor(thread), "freedom");
  wait_seq(*member, re.seq);
  EXPECT_EQ(anchor_text(*view(*member), thread), "freedom");
}

// ------------------------------------------------------------ suggestions

TEST_F(DiscussionTest, AnAcceptedSuggestionIsOneEditByBothThatEveryClientApplies) {
  auto researcher = join(Role::ROLE_RESEARCHER, "res");
  auto member = join(Role::ROLE_MEMBER, "mem");
  auto chair = join(Role::ROLE_CHAIR, "chair");
  Outcome sug = comment_on(*member, "summarises", "Clearer?", std::string("lists"));
  expect_ok(sug, "suggest");
  const std::string thread = thread_at(sug.seq);
  // The researcher keeps typing elsewhere while the chair accepts: the
  // server's edit is a remote op for the typist's pending work too.
  pool_.run([&] { ASSERT_TRUE(researcher->client->local_edit(kDoc, engine::TextOp().insert("Note: ")).ok()); });
  Outcome accepted = request(*chair, [&](client::KenesClient& c) { return c.accept_suggestion(thread); });
  expect_ok(accepted, "accept");
  pool_.run([&] { ASSERT_TRUE(researcher->client->local_edit(kDoc, engine::TextOp().insert("(draft) ")).ok()); });
  converge({researcher.get(), member.get(), chair.get()});
  const std::string final_text = server_->document_text("demo", kDoc);
  EXPECT_NE(final_text.find("paragraph lists the laws"), std::string::npos) << final_text;
  EXPECT_EQ(final_text.find("summarises"), std::string::npos);
  EXPECT_EQ(final_text.rfind("(draft) Note: ", 0), 0u) << final_text;
  // The record: by the accepter, co-written by the suggester, no client id.
  bool seen = false;
  wait_seq(*member, accepted.seq);
  pool_.run([&] {
    for (const auto& r : member->records) {
      if (r.seq() != accepted.seq) continue;
      seen = true;
      ASSERT_TRUE(r.has_text_edit());
      EXPECT_EQ(r.author(), "chair");
      EXPECT_EQ(r.text_edit().co_authors_size(), 1);
      EXPECT_EQ(r.text_edit().co_authors(0), "mem");
      EXPECT_EQ(r.text_edit().accepts_suggestion_of_thread(), thread);
      EXPECT_TRUE(r.client_id().empty());
      EXPECT_EQ(accepted.version, r.text_edit().version());
    }
  });
  EXPECT_TRUE(seen);
  // The accepter got the record too (its document has the text), then the Ack.
  EXPECT_EQ(text_of(*chair), final_text);
  EXPECT_EQ(server_anchor(thread), "lists");
  expect_error(request(*researcher, [&](client::KenesClient& c) { return c.accept_suggestion(thread); }),
               kenes::v1::ERROR_CODE_SUGGESTION_STATE, "accept twice");
  expect_error(request(*researcher, [&](client::KenesClient& c) { return c.reject_suggestion(thread); }),
               kenes::v1::ERROR_CODE_SUGGESTION_STATE, "reject an accepted suggestion");
  server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
    EXPECT_EQ(s.discussion().thread(thread)->suggestion, consultation::SuggestionStatus::kAccepted);
    EXPECT_EQ(s.discussion().thread(thread)->decided_seq, accepted.seq);
  });
}

TEST_F(DiscussionTest, ASuggestionWhoseTextChangedNeedsAcceptChanged) {
  auto researcher = join(Role::ROLE_RESEARCHER, "res");
  auto member = join(Role::ROLE_MEMBER, "mem");
  Outcome sug = comment_on(*member, "apply online", "", std::string("apply on the Internet"));
  expect_ok(sug, "suggest");
  const std::string thread = thread_at(sug.seq);
  const std::string text = text_of(*researcher);
  // Typing next to it is not a change...
  type(*researcher, engine::TextOp().retain(find_cp(text, "apply online") + 12).insert("!"));
  const std::string before = server_discussion();
  // ...typing inside it is.
  const std::string t2 = text_of(*researcher);
  type(*researcher, engine::TextOp().retain(find_cp(t2, "apply online") + 5).insert(" only"));
  expect_error(request(*researcher, [&](client::KenesClient& c) { return c.accept_suggestion(thread); }),
               kenes::v1::ERROR_CODE_SUGGESTION_CHANGED, "accept a changed suggestion");
  Outcome ok = request(*researcher, [&](client::KenesClient& c) { return c.accept_suggestion(thread, true); });
  expect_ok(ok, "accept_changed");
  converge({researcher.get(), member.get()});
  EXPECT_NE(server_->document_text("demo", kDoc).find("that apply on the Internet!"), std::string::npos)
      << server_->document_text("demo", kDoc);
  // A detached suggestion cannot be accepted.
  Outcome sug2 = comment_on(*member, "Legal", "", std::string("Lawful"));
  expect_ok(sug2, "suggest");
  const std::string t3 = text_of(*researcher);
  type(*researcher, engine::TextOp().retain(find_cp(t3, "Legal")).del(5));
  expect_error(request(*researcher, [&](client::KenesClient& c) { return c.accept_suggestion(thread_at(sug2.seq), true); }),
               kenes::v1::ERROR_CODE_SUGGESTION_STATE, "accept a detached suggestion");
  (void)before;
}

// ------------------------------------------------------ privacy, redaction

bool any_contains(const std::vector<std::string>& messages, const std::string& needle) {
  for (const auto& m : messages) {
    if (m.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST_F(DiscussionTest, DeletedAndHiddenCommentsAreSentWithoutTheirText) {
  auto researcher = join(Role::ROLE_RESEARCHER, "res");
  auto member = join(Role::ROLE_MEMBER, "mem");
  auto chair = join(Role::ROLE_CHAIR, "chair");
  Outcome created = comment_on(*member, "constitution", "SECRET-ONE kept?");
  expect_ok(created, "thread");
  const std::string thread = thread_at(created.seq);
  Outcome reply = request(*researcher, [&](client::KenesClient& c) { return c.add_comment(thread, "SECRET-TWO", {"mem"}); });
  expect_ok(reply, "reply");
  const std::string reply_id = comment_at(reply.seq);
  expect_ok(request(*researcher, [&](client::KenesClient& c) { return c.edit_comment(thread, reply_id, "SECRET-THREE"); }),
            "edit");
  expect_ok(request(*chair, [&](client::KenesClient& c) { return c.add_comment(thread, "KEPT-BODY"); }), "reply kept");
  expect_ok(request(*member, [&](client::KenesClient& c) { return c.delete_comment(thread, comment_at(created.seq)); }),
            "delete");
  Outcome hidden = request(*chair, [&](client::KenesClient& c) { return c.hide_comment(thread, reply_id, "REASON-SHOWN"); });
  expect_ok(hidden, "hide");
  // Live readers saw the text before it went (it is gone from then on).
  EXPECT_TRUE(any_contains(chair->message_bytes, "SECRET-ONE"));
  auto late = join(Role::ROLE_MEMBER, "late");
  wait_seq(*late, hidden.seq);
  EXPECT_FALSE(any_contains(late->message_bytes, "SECRET-")) << "a deleted or hidden comment's text reached a late joiner";
  EXPECT_TRUE(any_contains(late->message_bytes, "KEPT-BODY"));
  EXPECT_TRUE(any_contains(late->message_bytes, "REASON-SHOWN"));
  // The records are there, without body or mentions; the quote stays.
  pool_.run([&] {
    for (const auto& r : late->records) {
      if (r.seq() == created.seq) {
        EXPECT_TRUE(r.thread_created().body().empty());
        EXPECT_EQ(r.thread_created().quote(), "constitution");
      }
      if (r.seq() == reply.seq) {
        EXPECT_EQ(r.comment_added().mentions_size(), 0);
      }
    }
  });
  // The log keeps them.
  auto dir = server_->data_dir();
  server_->stop();
  auto log = storage::RocksLog::open((dir / "data" / "log").string());
  ASSERT_TRUE(log.ok()) << log.status().message();
  auto records = log.value()->read("demo", created.seq, 1);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records.value().size(), 1u);
  EXPECT_NE(records.value()[0].payload.find("SECRET-ONE"), std::string::npos);
}

TEST_F(DiscussionTest, ReadsAndVisitsReachOnlyTheirAuthorLiveAndInCatchUp) {
  auto member = join(Role::ROLE_MEMBER, "mem");
  auto member_tab2 = join(Role::ROLE_MEMBER, "mem");
  auto other = join(Role::ROLE_MEMBER, "other");
  auto chair = join(Role::ROLE_CHAIR, "chair");
  Outcome created = comment_on(*other, "constitution", "hello");
  expect_ok(created, "thread");
  const std::string thread = thread_at(created.seq);
  Outcome read = request(*member, [&](client::KenesClient& c) { return c.mark_threads_read({thread}, created.seq); });
  expect_ok(read, "read");
  Outcome visit = request(*member, [&](client::KenesClient& c) { return c.record_visit(read.seq); });
  expect_ok(visit, "visit");
  expect_error(request(*member, [&](client::KenesClient& c) { return c.mark_threads_read({thread}, 1u << 30); }),
               kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "read ahead of the log");
  // Something shared after them, so everyone has passed their seqs.
  Outcome after = request(*chair, [&](client::KenesClient& c) { return c.add_comment(thread, "later"); });
  expect_ok(after, "a later reply");
  auto private_kinds = [&](Actor& a) {
    std::vector<uint64_t> seqs;
    pool_.run([&] {
      for (const auto& r : a.records) {
        if (r.has_threads_read() || r.has_visited()) seqs.push_back(r.seq());
      }
    });
    return seqs;
  };
  for (Actor* a : {member.get(), member_tab2.get(), other.get(), chair.get()}) wait_seq(*a, after.seq);
  EXPECT_EQ(private_kinds(*member_tab2), (std::vector<uint64_t>{read.seq, visit.seq})) << "the author's other tab";
  EXPECT_TRUE(private_kinds(*other).empty());
  EXPECT_TRUE(private_kinds(*chair).empty());
  auto late_other = join(Role::ROLE_MEMBER, "other");
  auto late_self = join(Role::ROLE_MEMBER, "mem");
  EXPECT_TRUE(private_kinds(*late_other).empty());
  EXPECT_EQ(private_kinds(*late_self), (std::vector<uint64_t>{read.seq, visit.seq}));
  // Every frame another participant received, decoded again: no record in
  // it (broadcast or catch-up) is a ThreadsRead or Visited.
  for (Actor* a : {other.get(), chair.get(), late_other.get()}) {
    pool_.run([&] {
      for (const auto& bytes : a->message_bytes) {
        kenes::v1::ServerMessage m;
        ASSERT_TRUE(m.ParseFromString(bytes));
        std::vector<const kenes::v1::LogRecord*> recs;
        for (const auto& r : m.broadcast().records()) recs.push_back(&r);
        for (const auto& r : m.catch_up().records()) recs.push_back(&r);
        for (const auto* r : recs) {
          EXPECT_FALSE(r->has_threads_read() || r->has_visited()) << a->id << " got seq " << r->seq();
        }
      }
    });
  }
}

// ----------------------------------------------------------------- restart

// Several clients type and start threads at once (seeded); then the live
// state, a restart from snapshots + tail and a replay of the whole log agree
// on every thread: anchor, detached quote, changed flag.
TEST(DiscussionRestartTest, ConcurrentEditsAndThreadsGiveTheSameAnchorsLiveAfterRestartAndFromTheLog) {
  const uint64_t seed = test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (KENES_TEST_SEED to repeat)");
  std::mt19937_64 rng(seed);
  TempDir dir;
  auto tweak = [&](server::ServerOptions& o) {
    o.data_dir = (dir.path() / "data").string();
    o.snapshot_every_records = 13;
  };
  std::string live_state;
  {
    TestServer server(tweak);
    ClientPool pool;
    std::vector<std::shared_ptr<client::KenesClient>> typists, commenters;
    auto connect = [&](Role role, const std::string& id) {
      auto live = std::make_shared<bool>(false);
      auto c = pool.add(server.port(), server.token(role, id), "demo", true,
                        [live](client::KenesClient& c) { c.on_live = [live] { *live = true; }; });
      EXPECT_TRUE(pool.wait_until([&] { return *live; }));
      return c;
    };
    for (int i = 0; i < 3; ++i) typists.push_back(connect(Role::ROLE_RESEARCHER, "r" + std::to_string(i)));
    for (int i = 0; i < 2; ++i) commenters.push_back(connect(Role::ROLE_MEMBER, "m" + std::to_string(i)));
    const std::vector<std::string> words = {"a", "é", "γδ", "🙂", " ", "xyz", "\n"};
    auto pick = [&](uint64_t n) { return n == 0 ? 0 : std::uniform_int_distribution<uint64_t>(0, n - 1)(rng); };
    for (int round = 0; round < 40; ++round) {
      pool.run([&] {
        for (auto& t : typists) {
          for (int k = 0; k < 3; ++k) {
            const auto& doc = t->document(kDoc);
            const uint64_t len = doc.text().length();
            const uint64_t at = pick(len + 1);
            engine::TextOp op;
            op.retain(at);
            if (pick(5) == 0 && len > at) {
              op.del(1 + pick(std::min<uint64_t>(len - at, 4)));
            } else {
              op.insert(words[pick(words.size())]);
            }
            ASSERT_TRUE(t->local_edit(kDoc, op).ok());
          }
        }
        for (auto& c : commenters) {
          if (pick(2) != 0 || c->has_unacknowledged()) continue;
          const auto& doc = c->document(kDoc);
          const uint64_t len = doc.text().length();
          if (len < 3) continue;
          const uint64_t from = pick(len - 1);
          const uint64_t to = std::min(len, from + 1 + pick(10));
          kenes::v1::ThreadTarget target;
          target.set_indicator_id("R.1");
          target.set_doc_id(kDoc);
          target.mutable_range()->set_anchor(from);
          target.mutable_range()->set_head(to);
          target.set_version(doc.version());
          c->create_thread(target, "round " + std::to_string(round), {},
                           pick(3) == 0 ? std::optional<std::string>("sugg") : std::nullopt);
        }
      });
      std::this_thread::sleep_for(std::chrono::milliseconds(pick(10)));
    }
    ASSERT_TRUE(pool.wait_until([&] {
      std::string server_text = server.document_text("demo", kDoc);
      for (auto* group : {&typists, &commenters}) {
        for (auto& c : *group) {
          if (c->has_unacknowledged() || c->document(kDoc).text().to_string() != server_text) return false;
        }
      }
      return true;
    }));
    size_t threads = 0, detached = 0;
    // Give the last thread requests time to be answered.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server.inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
      live_state = s.discussion().debug_string();
      threads = s.discussion().threads().size();
      for (const auto& [id, t] : s.discussion().threads()) detached += !t.anchor->attached();
    });
    EXPECT_GT(threads, 5u);
    EXPECT_LT(detached, threads) << "every thread detached: the run proves little";
    std::cout << "threads " << threads << ", detached " << detached << "\n";
    pool.run([&] {
      for (auto* group : {&typists, &commenters}) {
        for (auto& c : *group) c->close();
      }
    });
    server.stop();
  }
  {
    TestServer again(tweak);
    std::string after;
    again.inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) { after = s.discussion().debug_string(); });
    EXPECT_EQ(after, live_state) << "restart (snapshots + tail)";
    again.stop();
  }
  auto log = storage::RocksLog::open((dir.path() / "data" / "log").string());
  ASSERT_TRUE(log.ok()) << log.status().message();
  for (bool use_snapshots : {false, true}) {
    replay::Recovered r = replay::recover_consultation(*log.value(), "demo", use_snapshots);
    ASSERT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.used_snapshot, use_snapshots);
    EXPECT_EQ(r.state.discussion().debug_string(), live_state) << (use_snapshots ? "from snapshots" : "from the log");
  }
}

}  // namespace
}  // namespace kenes::testing
