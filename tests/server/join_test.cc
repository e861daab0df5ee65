// Joining by state (issue 16) through the real server: a client that
// subscribes with SUBSCRIBE_FROM_STATE gets a JoinState instead of the log,
// then every later record live, and asks for a draft's text when it opens
// it. It must end up seeing exactly what a client that folded the whole log
// sees, while the others go on typing.

#include <gtest/gtest.h>

#include "actors.h"
#include "consultation/testing/fold_view.h"
#include "raw_socket.h"
#include "test_harness.h"

namespace kenes::testing {
namespace {

using kenes::v1::Role;

constexpr char kDoc[] = "indicator/R.1";

class JoinTest : public ActorTest {
 protected:
  // A state made at the head for every joiner: what each test below expects
  // (JoinReuseTest covers the reuse).
  JoinTest() : ActorTest([](server::ServerOptions& o) { o.join_state_max_age_ms = 0; }) {}
  explicit JoinTest(std::function<void(server::ServerOptions&)> tweak) : ActorTest(std::move(tweak)) {}

  // A client of `role` that joins by state and waits until it is live.
  std::shared_ptr<Actor> join_by_state(Role role, const std::string& id) {
    auto actor = std::make_shared<Actor>();
    actor->id = id;
    actor->client = pool_.add(server_->port(), server_->token(role, id), "demo", true, [actor](client::KenesClient& c) {
      c.set_subscribe_from(kenes::v1::SUBSCRIBE_FROM_STATE);
      c.on_message = [actor](const kenes::v1::ServerMessage& m) {
        actor->messages.push_back(m);
        if (m.has_catch_up() && m.catch_up().done()) actor->live = true;
      };
    });
    EXPECT_TRUE(pool_.wait_until([&] { return actor->live; })) << id << " never went live";
    return actor;
  }

  void type(Actor& a, const std::string& doc, const std::string& text) {
    pool_.run([&] {
      const uint64_t end = a.client->document(doc).text().length();
      engine::TextOp op;
      op.retain(end).insert(text);
      ASSERT_TRUE(a.client->local_edit(doc, op).ok());
    });
    ASSERT_TRUE(pool_.wait_until([&] { return !a.client->has_unacknowledged(); }));
  }

  std::string text_of(Actor& a, const std::string& doc) {
    std::string t;
    pool_.run([&] { t = a.client->document(doc).text().to_string(); });
    return t;
  }

  void open(Actor& a, const std::string& doc) {
    pool_.run([&] { a.client->open_document(doc); });
    ASSERT_TRUE(pool_.wait_until([&] { return !a.client->is_unopened(doc); })) << a.id << " never got " << doc;
  }

  // The server's view for `viewer` and the one `a` holds: its JoinState
  // moved on by nothing (used right after the join, before anything else).
  void expect_join_is_the_servers_view(Actor& a, const std::string& viewer, const std::vector<std::string>& docs) {
    kenes::v1::JoinState join;
    std::vector<kenes::v1::DocumentText> texts;
    pool_.run([&] {
      join = a.client->join_state();
      for (const auto& doc : docs) {
        kenes::v1::DocumentText t;
        t.set_doc_id(doc);
        t.set_text(a.client->document(doc).text().to_string());
        t.set_version(a.client->document(doc).version());
        texts.push_back(t);
      }
    });
    // The anchors of opened drafts came in their DocumentText; the view
    // reads the state's, which are the same at the join's seq.
    int64_t now = 0;
    boost::json::value expected;
    server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
      now = s.assessment().last_time_unix_ms() + 1;
      expected = consultation::testing::fold_view(s, viewer, now);
    });
    EXPECT_EQ(consultation::testing::fold_view_of_join(join, texts, viewer, now), expected);
  }
};

TEST_F(JoinTest, AClientJoiningByStateSeesWhatTheLogSaysWithoutReceivingIt) {
  auto chair = join(kenes::v1::ROLE_CHAIR, "chair");
  auto member = join(kenes::v1::ROLE_MEMBER, "member");
  for (int i = 0; i < 40; ++i) type(*chair, kDoc, " word" + std::to_string(i));
  type(*chair, "indicator/R.2", "Another draft.");
  kenes::v1::ThreadTarget target;
  target.set_indicator_id("R.1");
  // The chair asks; the member reads it (a marker over one's own comments
  // only is not written).
  Outcome asked = request(*chair, [&](client::KenesClient& c) { return c.create_thread(target, "Where is the data?"); });
  expect_ok(asked, "thread");
  expect_ok(request(*member, [&](client::KenesClient& c) { return c.mark_threads_read({"thread-1"}, asked.seq); }),
            "read");

  auto late = join_by_state(kenes::v1::ROLE_MEMBER, "member");
  uint64_t bytes = 0;
  pool_.run([&] { bytes = late->client->bytes_received(); });
  // The state names every draft's version; no record of the typing came.
  size_t records = 0;
  for (const auto& m : late->messages) records += m.has_catch_up() ? m.catch_up().records_size() : 0;
  EXPECT_EQ(records, 0u);
  open(*late, kDoc);
  open(*late, "indicator/R.2");
  EXPECT_EQ(text_of(*late, kDoc), server_->document_text("demo", kDoc));
  expect_join_is_the_servers_view(*late, "member", {kDoc, "indicator/R.2"});
  // The member's own read marker is in the state (private: only theirs).
  ASSERT_EQ(late->client->join_state().own().reads_size(), 1);
  EXPECT_EQ(late->client->join_state().own().reads(0).thread_id(), "thread-1");
  EXPECT_GT(bytes, 0u);
}

TEST_F(JoinTest, AfterTheStateEveryRecordComesLiveAndAnUnopenedDraftOpensAtTheVersionReached) {
  auto chair = join(kenes::v1::ROLE_CHAIR, "chair");
  type(*chair, kDoc, "First sentence.");
  type(*chair, "indicator/R.2", "Second draft.");
  auto observer = join_by_state(kenes::v1::ROLE_OBSERVER, "observer");
  open(*observer, kDoc);
  for (int i = 0; i < 30; ++i) {
    type(*chair, kDoc, " more" + std::to_string(i));
    type(*chair, "indicator/R.2", " other" + std::to_string(i));
  }
  const std::string server_text = server_->document_text("demo", kDoc);
  // The predicate runs on the clients' I/O thread: read the client directly.
  ASSERT_TRUE(pool_.wait_until([&] { return observer->client->document(kDoc).text().to_string() == server_text; }));
  bool unopened = false;
  pool_.run([&] { unopened = observer->client->is_unopened("indicator/R.2"); });
  EXPECT_TRUE(unopened) << "a draft never opened is not folded";
  open(*observer, "indicator/R.2");
  EXPECT_EQ(text_of(*observer, "indicator/R.2"), server_->document_text("demo", "indicator/R.2"));
  type(*chair, "indicator/R.2", " after the open");
  const std::string later = server_->document_text("demo", "indicator/R.2");
  ASSERT_TRUE(pool_.wait_until(
      [&] { return observer->client->document("indicator/R.2").text().to_string() == later; }));
}

// SUBSCRIBE_FROM_EITHER: a client a few records behind gets those records; a
// client with nothing gets the state.
TEST_F(JoinTest, EitherCatchesUpAFewRecordsBehindAndJoinsByStateFromNothing) {
  auto chair = join(kenes::v1::ROLE_CHAIR, "chair");
  for (int i = 0; i < 5; ++i) type(*chair, kDoc, " x" + std::to_string(i));
  RawSocket behind(server_->port());
  behind.hello(server_->token(kenes::v1::ROLE_MEMBER, "member"));
  ASSERT_TRUE(behind.next_of(kenes::v1::ServerMessage::kWelcome));
  uint64_t head = 0;
  server_->inspect("demo", [&](const consultation::ConsultationState&, uint64_t durable) { head = durable; });
  kenes::v1::ClientMessage sub;
  sub.set_request_id(2);
  sub.mutable_subscribe()->set_consultation_id("demo");
  sub.mutable_subscribe()->set_after_seq(head - 3);
  sub.mutable_subscribe()->set_from(kenes::v1::SUBSCRIBE_FROM_EITHER);
  behind.send(sub);
  auto first = behind.next();
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->has_catch_up()) << first->DebugString();
  EXPECT_EQ(first->catch_up().records_size(), 3);

  RawSocket fresh(server_->port());
  fresh.hello(server_->token(kenes::v1::ROLE_MEMBER, "member-2"));
  ASSERT_TRUE(fresh.next_of(kenes::v1::ServerMessage::kWelcome));
  sub.mutable_subscribe()->set_after_seq(0);
  fresh.send(sub);
  auto state = fresh.next();
  ASSERT_TRUE(state);
  ASSERT_TRUE(state->has_join_state()) << state->DebugString();
  EXPECT_EQ(state->join_state().state().seq(), head + 1);  // member-2's first visit was logged before
}

// A client that folded more than the log holds (the data folder was restored
// from an older backup): from the log it is told so, with a code it can act
// on; letting the server choose, it gets the state and a second subscription
// on the same connection is allowed.
TEST_F(JoinTest, AClientAheadOfTheLogIsToldSoOrGetsTheState) {
  auto chair = join(kenes::v1::ROLE_CHAIR, "chair");
  type(*chair, kDoc, " x");
  uint64_t head = 0;
  server_->inspect("demo", [&](const consultation::ConsultationState&, uint64_t durable) { head = durable; });
  RawSocket raw(server_->port());
  raw.hello(server_->token(kenes::v1::ROLE_MEMBER, "member"));
  ASSERT_TRUE(raw.next_of(kenes::v1::ServerMessage::kWelcome));
  kenes::v1::ClientMessage sub;
  sub.set_request_id(2);
  sub.mutable_subscribe()->set_consultation_id("demo");
  sub.mutable_subscribe()->set_after_seq(head + 1000);
  sub.mutable_subscribe()->set_from(kenes::v1::SUBSCRIBE_FROM_LOG);
  raw.send(sub);
  auto refused = raw.next_of(kenes::v1::ServerMessage::kError);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->error().code(), kenes::v1::ERROR_CODE_AHEAD_OF_LOG) << refused->DebugString();
  EXPECT_FALSE(refused->error().fatal());
  sub.set_request_id(3);
  sub.mutable_subscribe()->set_from(kenes::v1::SUBSCRIBE_FROM_EITHER);
  raw.send(sub);
  auto state = raw.next();
  ASSERT_TRUE(state);
  ASSERT_TRUE(state->has_join_state()) << state->DebugString();
  EXPECT_GE(state->join_state().state().seq(), head);
}

TEST_F(JoinTest, OpeningADraftNeedsASubscriptionAndAValidId) {
  RawSocket raw(server_->port());
  raw.hello(server_->token(kenes::v1::ROLE_MEMBER, "member"));
  ASSERT_TRUE(raw.next_of(kenes::v1::ServerMessage::kWelcome));
  kenes::v1::ClientMessage open;
  open.set_request_id(7);
  open.mutable_open_document()->set_doc_id(kDoc);
  raw.send(open);
  auto refused = raw.next_of(kenes::v1::ServerMessage::kError);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->error().code(), kenes::v1::ERROR_CODE_NOT_SUBSCRIBED);
  kenes::v1::ClientMessage sub;
  sub.set_request_id(8);
  sub.mutable_subscribe()->set_consultation_id("demo");
  sub.mutable_subscribe()->set_from(kenes::v1::SUBSCRIBE_FROM_STATE);
  raw.send(sub);
  ASSERT_TRUE(raw.next_of(kenes::v1::ServerMessage::kJoinState));
  open.mutable_open_document()->set_doc_id("no spaces allowed");
  raw.send(open);
  refused = raw.next_of(kenes::v1::ServerMessage::kError);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->error().code(), kenes::v1::ERROR_CODE_INVALID_ARGUMENT);
  open.mutable_open_document()->set_doc_id(kDoc);
  raw.send(open);
  auto text = raw.next_of(kenes::v1::ServerMessage::kDocumentText);
  ASSERT_TRUE(text);
  EXPECT_EQ(text->request_id(), 7u);
  EXPECT_EQ(text->document_text().text(), server_->document_text("demo", kDoc));
}

// A join storm makes one state a second, not one per joiner: a joiner may
// get the state made for an earlier one and the records since, as a catch-up
// from its seq. Never when something of its own changed since (a read
// marker: its own part, as of now, would then meet the record again).
class JoinReuseTest : public JoinTest {
 protected:
  JoinReuseTest() : JoinTest([](server::ServerOptions& o) { o.join_state_max_age_ms = 600'000; }) {}

  struct Joined {
    kenes::v1::JoinState state;
    std::vector<uint64_t> seqs;  // of the records after it, until done
  };
  Joined join_raw(const std::string& participant) {
    Joined out;
    RawSocket raw(server_->port());
    raw.hello(server_->token(kenes::v1::ROLE_MEMBER, participant));
    EXPECT_TRUE(raw.next_of(kenes::v1::ServerMessage::kWelcome));
    kenes::v1::ClientMessage sub;
    sub.set_request_id(2);
    sub.mutable_subscribe()->set_consultation_id("demo");
    sub.mutable_subscribe()->set_from(kenes::v1::SUBSCRIBE_FROM_STATE);
    raw.send(sub);
    auto state = raw.next_of(kenes::v1::ServerMessage::kJoinState);
    EXPECT_TRUE(state);
    if (!state) return out;
    out.state = state->join_state();
    for (;;) {
      auto m = raw.next_of(kenes::v1::ServerMessage::kCatchUp);
      EXPECT_TRUE(m);
      if (!m) return out;
      for (const auto& r : m->catch_up().records()) out.seqs.push_back(r.seq());
      if (m->catch_up().done()) return out;
    }
  }
  uint64_t head() {
    uint64_t h = 0;
    server_->inspect("demo", [&](const consultation::ConsultationState&, uint64_t durable) { h = durable; });
    return h;
  }
};

TEST_F(JoinReuseTest, ALaterJoinerGetsTheSameStateAndTheRecordsSinceButNotOnceItsOwnChanged) {
  auto chair = join(kenes::v1::ROLE_CHAIR, "chair");
  type(*chair, kDoc, "First.");
  kenes::v1::ThreadTarget target;
  target.set_indicator_id("R.1");
  expect_ok(request(*chair, [&](client::KenesClient& c) { return c.create_thread(target, "Sources?"); }), "thread");
  const Joined first = join_raw("member");
  const uint64_t made_at = first.state.state().seq();
  EXPECT_EQ(made_at + first.seqs.size(), head()) << "the first joiner reaches the head";

  for (int i = 0; i < 3; ++i) type(*chair, kDoc, " more" + std::to_string(i));
  const Joined second = join_raw("member-2");
  EXPECT_EQ(second.state.state().seq(), made_at) << "the state was made again for the second joiner";
  EXPECT_EQ(second.state.state().SerializeAsString(), first.state.state().SerializeAsString());
  // Every record after the state, once, in order: the chair's typing and
  // member-2's first visit.
  std::vector<uint64_t> expected;
  for (uint64_t s = made_at + 1; s <= head(); ++s) expected.push_back(s);
  EXPECT_EQ(second.seqs, expected);

  // A joiner given the same state keeps the text right: the records since
  // move its unopened draft to the version it then opens at.
  auto third = join_by_state(kenes::v1::ROLE_MEMBER, "member-3");
  open(*third, kDoc);
  EXPECT_EQ(text_of(*third, kDoc), server_->document_text("demo", kDoc));

  // The member marks the thread read: their own part changed after the
  // state, so their next join gets a state made at the head, with the mark.
  auto member = join(kenes::v1::ROLE_MEMBER, "member");
  expect_ok(request(*member, [&](client::KenesClient& c) { return c.mark_threads_read({"thread-1"}, head()); }),
            "read");
  const Joined again = join_raw("member");
  EXPECT_EQ(again.state.state().seq(), head());
  EXPECT_TRUE(again.seqs.empty());
  ASSERT_EQ(again.state.own().reads_size(), 1);
  EXPECT_EQ(again.state.own().reads(0).thread_id(), "thread-1");
  // Someone else's join may then use that newer state.
  const Joined other = join_raw("member-2");
  EXPECT_EQ(other.state.state().seq(), again.state.state().seq());
}

}  // namespace
}  // namespace kenes::testing
