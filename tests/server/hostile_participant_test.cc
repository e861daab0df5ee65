// No participant can hurt the room (issue 17): one test per attack a valid
// member (or a connection without a token) tried against the server, each
// asserting what the others still get. Real server on a loopback port, real
// sockets; latency under attack is measured by a benchmark, not here.

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "actors.h"
#include "metrics.h"
#include "raw_socket.h"
#include "test_harness.h"

namespace kenes::testing {
namespace {

using kenes::v1::Role;
using kenes::v1::ServerMessage;

// A RawSocket that has joined and gone live (Hello, Subscribe from the log,
// CatchUp up to done).
void go_live(RawSocket& s, const std::string& token, const std::string& client_id) { s.join(token, client_id); }

uint64_t head_of(TestServer& server) {
  uint64_t head = 0;
  server.inspect("demo", [&](const consultation::ConsultationState&, uint64_t durable) { head = durable; });
  return head;
}

class HostileParticipantTest : public ActorTest {
 protected:
  HostileParticipantTest() = default;
  explicit HostileParticipantTest(std::function<void(server::ServerOptions&)> tweak) : ActorTest(std::move(tweak)) {}

  // Readers that stay live through an attack, and whether any lost its
  // connection or was told it is slow.
  std::vector<std::shared_ptr<Actor>> readers(int n) {
    std::vector<std::shared_ptr<Actor>> out;
    for (int i = 0; i < n; ++i) out.push_back(join(Role::ROLE_MEMBER, "reader-" + std::to_string(i)));
    return out;
  }
  bool all_connected(const std::vector<std::shared_ptr<Actor>>& rs) {
    bool ok = true;
    pool_.run([&] {
      for (auto& r : rs) ok = ok && r->client->state() == client::ConnectionState::kLive;
    });
    return ok;
  }
};

// 1. A comment flood: 16 KB comments as fast as one socket can send them.
// The flooder is slowed down by its participant's byte budget (RATE_LIMITED)
// and the room's frames stay bounded, so no reader is closed as slow and
// every comment that was taken reaches every reader.
TEST_F(HostileParticipantTest, ACommentFloodIsRateLimitedAndNobodyElseIsDisconnected) {
  auto rs = readers(10);
  auto flooder_actor = join(Role::ROLE_MEMBER, "flooder");
  Outcome created = request(*flooder_actor, [](client::KenesClient& c) {
    kenes::v1::ThreadTarget t;
    t.set_indicator_id("R.1");
    return c.create_thread(t, "a thread to flood");
  });
  expect_ok(created, "thread");
  std::string thread;
  server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
    for (const auto& [id, t] : s.discussion().threads()) thread = id;
  });
  ASSERT_FALSE(thread.empty());

  RawSocket flooder(server_->port());
  go_live(flooder, server_->token(Role::ROLE_MEMBER, "flooder"), "flood-client");
  const uint64_t before = head_of(*server_);
  const std::string body(16 * 1024 - 64, 'x');
  constexpr int kComments = 600;  // 9.5 MB: over twice the byte burst
  for (int i = 0; i < kComments; ++i) {
    kenes::v1::ClientMessage m;
    m.set_request_id(100 + i);
    m.mutable_add_comment()->set_thread_id(thread);
    m.mutable_add_comment()->set_body(body);
    flooder.send(m);
  }
  int rate_limited = 0;
  int acked = 0;
  while (acked + rate_limited < kComments) {
    auto m = flooder.next(std::chrono::seconds(20));
    ASSERT_TRUE(m) << acked << " acked, " << rate_limited << " refused";
    if (m->has_ack() && m->ack().seq() > before) ++acked;
    if (m->has_error() && m->error().code() == kenes::v1::ERROR_CODE_RATE_LIMITED) {
      // The session says so once per run of refusals, not per message.
      rate_limited = kComments - acked;
      break;
    }
  }
  EXPECT_GT(rate_limited, 0) << "9.5 MB of comments at once were all taken";
  EXPECT_LT(acked, kComments);
  const uint64_t after = head_of(*server_);
  ASSERT_TRUE(pool_.wait_until([&] {
    for (auto& r : rs) {
      if (r->records.empty() || r->records.back().seq() < after) return false;
    }
    return true;
  })) << "a reader did not get every comment";
  EXPECT_TRUE(all_connected(rs)) << "a reader was disconnected by someone else's flood";
}

// 1b. Many small comments: within the byte budget, but each is a record
// carried to everyone. A participant's requests add at most a burst of
// records and then a few a second; the rest are refused, each named by its
// request_id, and the others' requests are served.
TEST_F(HostileParticipantTest, ManySmallCommentsAreCappedPerParticipantAndNamed) {
  auto chatter = join(Role::ROLE_MEMBER, "chatter");
  auto other = join(Role::ROLE_MEMBER, "other");
  kenes::v1::ThreadTarget target;
  target.set_indicator_id("R.1");
  expect_ok(request(*other, [&](client::KenesClient& c) { return c.create_thread(target, "a thread"); }), "thread");
  std::string thread;
  server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
    for (const auto& [id, t] : s.discussion().threads()) thread = id;
  });
  RawSocket s(server_->port());
  go_live(s, server_->token(Role::ROLE_MEMBER, "chatter"), "chatter-client");
  constexpr int kComments = 200;
  for (int i = 0; i < kComments; ++i) {
    kenes::v1::ClientMessage m;
    m.set_request_id(5000 + i);
    m.mutable_add_comment()->set_thread_id(thread);
    m.mutable_add_comment()->set_body("short " + std::to_string(i));
    s.send(m);
  }
  std::set<uint64_t> answered;
  int acked = 0, limited = 0;
  while (static_cast<int>(answered.size()) < kComments) {
    auto m = s.next(std::chrono::seconds(20));
    ASSERT_TRUE(m) << acked << " acked, " << limited << " refused";
    if (m->has_ack() && m->request_id() >= 5000) {
      ++acked;
      answered.insert(m->request_id());
    }
    if (m->has_error()) {
      ASSERT_EQ(m->error().code(), kenes::v1::ERROR_CODE_RATE_LIMITED) << m->error().message();
      ASSERT_GE(m->error().request_id(), 5000u) << "a refusal that names no request";
      ++limited;
      answered.insert(m->error().request_id());
    }
  }
  EXPECT_GE(acked, 50);
  EXPECT_LT(acked, 100) << "200 comments at once were all taken";
  EXPECT_EQ(acked + limited, kComments) << "a request was answered twice";
  expect_ok(request(*other, [&](client::KenesClient& c) { return c.add_comment(thread, "still heard"); }),
            "another participant's comment");
}

// 2. A frame larger than a reader's whole queue limit, reaching an empty
// queue, is delivered: slow is a reader with a backlog of its own.
TEST(HostileParticipantLimitsTest, ALargeFrameReachingAnEmptyQueueIsNotASlowReader) {
  TestServer server([](server::ServerOptions& o) { o.max_outbound_queue_bytes = 16 * 1024; });
  ClientPool pool;
  auto writer = pool.add(server.port(), server.token(Role::ROLE_RESEARCHER, "writer"));
  RawSocket reader(server.port());
  go_live(reader, server.token(Role::ROLE_MEMBER, "reader"), "reader-client");
  ASSERT_TRUE(pool.wait_until([&] { return writer->state() == client::ConnectionState::kLive; }));
  const std::string big(30 * 1024, 'y');
  pool.run([&] {
    engine::TextOp op;
    op.insert(big);
    ASSERT_TRUE(writer->local_edit("indicator/R.1", op).ok());
  });
  for (;;) {
    auto m = reader.next();
    ASSERT_TRUE(m) << "the reader was closed: " << reader.close_reason().reason;
    if (m->has_broadcast() && m->broadcast().records_size() > 0 && m->broadcast().records(0).has_text_edit()) break;
  }
}

// 3. One member's link holding every connection slot: a participant has at
// most --max-connections-per-participant; the next is refused and the
// others (the chair) still get in.
TEST(HostileParticipantLimitsTest, OneParticipantCannotHoldMoreThanItsConnections) {
  TestServer server([](server::ServerOptions& o) {
    o.max_connections_per_participant = 3;
    o.max_connections = 10;
  });
  const std::string token = server.token(Role::ROLE_MEMBER, "hog");
  std::vector<std::unique_ptr<RawSocket>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawSocket>(server.port()));
    held.back()->join(token, "hog-" + std::to_string(i));
  }
  RawSocket fourth(server.port());
  fourth.hello(token, "hog-3");
  auto refused = fourth.next_of(ServerMessage::kError);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->error().code(), kenes::v1::ERROR_CODE_TOO_MANY_CONNECTIONS);
  EXPECT_TRUE(refused->error().fatal());
  RawSocket chair(server.port());
  chair.join(server.token(Role::ROLE_CHAIR, "chair"), "chair-client");
  // A slot comes back when a connection goes.
  held.pop_back();
  bool admitted = false;
  for (int attempt = 0; attempt < 50 && !admitted; ++attempt) {
    RawSocket again(server.port());
    again.hello(token, "hog-again");
    auto m = again.next();
    admitted = m && m->has_welcome();
    if (!admitted) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(admitted);
}

// 3b. A reconnect loop: every join costs the room a state or a catch-up, so
// a participant is admitted a burst of times and then once every few
// seconds; the loop is told so (RATE_LIMITED, fatal) and others get in.
TEST(HostileParticipantLimitsTest, AParticipantReconnectingInALoopIsRefusedAndOthersGetIn) {
  TestServer server([](server::ServerOptions& o) {
    o.admission_burst = 5;
    o.admissions_per_second = 0.01;
  });
  const std::string token = server.token(Role::ROLE_MEMBER, "looper");
  for (int i = 0; i < 5; ++i) {
    RawSocket s(server.port());
    s.join(token, "loop-" + std::to_string(i));
  }
  RawSocket sixth(server.port());
  sixth.hello(token, "loop-5");
  auto refused = sixth.next_of(ServerMessage::kError);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->error().code(), kenes::v1::ERROR_CODE_RATE_LIMITED) << refused->error().message();
  EXPECT_TRUE(refused->error().fatal());
  EXPECT_NE(refused->error().message().find("try again in"), std::string::npos) << refused->error().message();
  RawSocket other(server.port());
  other.join(server.token(Role::ROLE_MEMBER, "someone-else"), "other-client");
}

// 4. A participant's connections share one budget: opening more connections
// does not multiply the rate.
TEST(HostileParticipantLimitsTest, AParticipantsConnectionsShareOneRateLimit) {
  TestServer server([](server::ServerOptions& o) {
    o.rate_limit_messages_per_second = 50;
    o.rate_limit_burst = 100;
  });
  const std::string token = server.token(Role::ROLE_MEMBER, "many");
  RawSocket a(server.port());
  RawSocket b(server.port());
  a.join(token, "many-a");
  b.join(token, "many-b");
  // 80 from each: 160 in all, over the shared burst of 100 (each alone would fit).
  kenes::v1::ClientMessage ping;
  ping.set_request_id(9);
  ping.mutable_subscribe()->set_consultation_id("elsewhere");  // refused FORBIDDEN: cheap, and answered
  for (int i = 0; i < 80; ++i) {
    a.send(ping);
    b.send(ping);
  }
  int limited = 0;
  for (RawSocket* s : {&a, &b}) {
    for (int i = 0; i < 80; ++i) {
      auto m = s->next(std::chrono::seconds(2));
      if (!m) break;
      if (m->has_error() && m->error().code() == kenes::v1::ERROR_CODE_RATE_LIMITED) {
        ++limited;
        break;
      }
    }
  }
  EXPECT_GE(limited, 1) << "two connections of one participant had twice the budget";
}

// 4b. What the rate limit drops is named: an op dropped over the byte budget
// comes back as RATE_LIMITED with its document and client_seq, the client
// sends it again, and nothing typed is lost.
TEST(HostileParticipantLimitsTest, AnOpDroppedOverTheByteBudgetIsNamedAndSentAgain) {
  TestServer server([](server::ServerOptions& o) {
    o.rate_limit_bytes_burst = 8 * 1024;
    o.rate_limit_bytes_per_second = 16 * 1024;
  });
  ClientPool pool;
  auto writer = pool.add(server.port(), server.token(Role::ROLE_RESEARCHER, "paster"));
  ASSERT_TRUE(pool.wait_until([&] { return writer->state() == client::ConnectionState::kLive; }));
  int named = 0;
  pool.run([&] {
    writer->on_error = [&](const kenes::v1::Error& e) {
      if (e.code() == kenes::v1::ERROR_CODE_RATE_LIMITED && !e.doc_id().empty() && e.client_seq() > 0) ++named;
    };
  });
  // Six drafts pasted into at once, 3 KB each: 18 KB against an 8 KB burst.
  std::vector<std::string> docs;
  for (int round = 0; round < 3; ++round) {
    pool.run([&] {
      for (int d = 0; d < 6; ++d) {
        const std::string doc = "indicator/paste-" + std::to_string(d);
        if (round == 0) docs.push_back(doc);
        engine::TextOp op;
        op.retain(writer->document(doc).text().length()).insert(std::string(3000, 'a' + d) + "\n");
        ASSERT_TRUE(writer->local_edit(doc, op).ok());
      }
    });
  }
  ASSERT_TRUE(pool.wait_until([&] { return !writer->has_unacknowledged(); }, std::chrono::seconds(30)))
      << "an op dropped over the limit was never sent again";
  EXPECT_GT(named, 0) << "nothing was dropped: the test did not reach the limit";
  for (const auto& doc : docs) {
    std::string mine;
    pool.run([&] { mine = writer->document(doc).text().to_string(); });
    EXPECT_EQ(server.document_text("demo", doc), mine) << doc;
    EXPECT_EQ(mine.size(), 3u * 3001u) << doc;
  }
}

// 5. A cursor flood: 2,000 presence updates in a burst reach the others as a
// few coalesced frames, the last cursor among them.
TEST_F(HostileParticipantTest, APresenceFloodReachesTheOthersAsAFewFrames) {
  auto watcher = join(Role::ROLE_MEMBER, "watcher");
  RawSocket mover(server_->port());
  go_live(mover, server_->token(Role::ROLE_RESEARCHER, "mover"), "mover-client");
  size_t presence_before = 0;
  pool_.run([&] {
    for (auto& m : watcher->messages) presence_before += m.has_presence() ? 1 : 0;
  });
  constexpr int kMoves = 2000;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 1; i <= kMoves; ++i) {
    kenes::v1::ClientMessage m;
    auto* p = m.mutable_presence();
    p->set_doc_id("indicator/R.1");
    auto* sel = p->add_selections();
    sel->set_anchor(0);
    sel->set_head(i);
    mover.send(m);
  }
  ASSERT_TRUE(pool_.wait_until([&] {
    for (auto& m : watcher->messages) {
      if (!m.has_presence()) continue;
      for (const auto& e : m.presence().participants()) {
        if (e.participant_id() == "mover" && e.selections_size() == 1 && e.selections(0).head() == kMoves) return true;
      }
    }
    return false;
  })) << "the last cursor never arrived";
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  size_t presence_after = 0;
  pool_.run([&] {
    for (auto& m : watcher->messages) presence_after += m.has_presence() ? 1 : 0;
  });
  // One frame per 50 ms interval at most, and a few to spare for scheduling.
  EXPECT_LE(presence_after - presence_before, static_cast<size_t>(seconds / 0.05) + 5)
      << "in " << seconds << " s";
  EXPECT_LT(presence_after - presence_before, 200u);
}

// 6. A visit flood: the same visit sent 1,000 times is one record.
TEST_F(HostileParticipantTest, RepeatedVisitsAreOneRecord) {
  auto visitor = join(Role::ROLE_MEMBER, "visitor");
  const uint64_t seen = head_of(*server_);
  expect_ok(request(*visitor, [&](client::KenesClient& c) { return c.record_visit(seen); }), "first visit");
  const uint64_t after_first = head_of(*server_);
  for (int i = 0; i < 1000; ++i) {
    pool_.run([&] { visitor->client->record_visit(seen); });
  }
  Outcome last = request(*visitor, [&](client::KenesClient& c) { return c.record_visit(seen); });
  expect_ok(last, "a visit that says nothing new");
  EXPECT_EQ(head_of(*server_), after_first) << "repeated visits were written";
  EXPECT_EQ(last.seq, after_first) << "the Ack names the visit that stands";
}

// 6b. A read-marker flood: a marker is written only for threads where it
// passes someone else's comment; the same marker again, or one over one's
// own comments only, writes nothing.
TEST_F(HostileParticipantTest, ReadMarkersThatChangeNoUnreadCountAreNotWritten) {
  auto reader = join(Role::ROLE_MEMBER, "marker");
  auto other = join(Role::ROLE_MEMBER, "other");
  kenes::v1::ThreadTarget target;
  target.set_indicator_id("R.1");
  Outcome theirs = request(*other, [&](client::KenesClient& c) { return c.create_thread(target, "theirs"); });
  expect_ok(theirs, "their thread");
  Outcome mine = request(*reader, [&](client::KenesClient& c) { return c.create_thread(target, "mine"); });
  expect_ok(mine, "my thread");
  std::string their_thread, my_thread;
  server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
    for (const auto& [id, t] : s.discussion().threads()) (t.created_seq == theirs.seq ? their_thread : my_thread) = id;
  });
  ASSERT_FALSE(their_thread.empty());
  ASSERT_FALSE(my_thread.empty());
  const uint64_t upto = head_of(*server_);
  Outcome first = request(*reader, [&](client::KenesClient& c) { return c.mark_threads_read({my_thread, their_thread}, upto); });
  expect_ok(first, "the first marker");
  const uint64_t after_first = head_of(*server_);
  EXPECT_EQ(after_first, upto + 1) << "the first marker was not written";
  server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
    EXPECT_EQ(s.discussion().last_read("marker", their_thread), upto);
    EXPECT_EQ(s.discussion().last_read("marker", my_thread), 0u) << "a marker over my own comments only was written";
    EXPECT_EQ(s.discussion().unread_count("marker", their_thread), 0u);
  });
  for (int i = 0; i < 500; ++i) {
    pool_.run([&] { reader->client->mark_threads_read({my_thread, their_thread}, after_first); });
  }
  expect_ok(request(*reader, [&](client::KenesClient& c) { return c.mark_threads_read({their_thread}, after_first); }),
            "a marker that says nothing new");
  EXPECT_EQ(head_of(*server_), after_first) << "markers that change no unread count were written";
  // A new comment by the other makes the next marker count again.
  expect_ok(request(*other, [&](client::KenesClient& c) { return c.add_comment(their_thread, "more"); }), "reply");
  server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
    EXPECT_EQ(s.discussion().unread_count("marker", their_thread), 1u);
  });
  const uint64_t replied = head_of(*server_);
  expect_ok(request(*reader, [&](client::KenesClient& c) { return c.mark_threads_read({their_thread}, replied); }),
            "read the reply");
  EXPECT_EQ(head_of(*server_), replied + 1);
}

// 7. Before Hello: a flood of frames with strings that are not UTF-8 gets
// an Error each without protobuf parsing (or logging) them, and the
// connection can still say Hello.
TEST(HostileParticipantLimitsTest, FramesBeforeHelloAreLookedAtOnlyAsFarAsHello) {
  TestServer server;
  RawSocket s(server.port());
  kenes::v1::ClientMessage bad_hello;
  bad_hello.set_request_id(1);
  bad_hello.mutable_hello()->set_client_id("c");
  std::string bytes = bad_hello.SerializeAsString();
  // The token field with bytes that are not UTF-8, appended by hand
  // (protobuf would refuse to serialize them).
  std::string token = "\xff\xfe not utf-8";
  std::string hello_inner = bad_hello.hello().SerializeAsString() + std::string("\x0a") +
                            static_cast<char>(token.size()) + token;
  std::string frame = std::string("\x08\x01\x52") + static_cast<char>(hello_inner.size()) + hello_inner;
  for (int i = 0; i < 200; ++i) s.send_binary(frame);
  int utf8_errors = 0;
  for (int i = 0; i < 200; ++i) {
    auto m = s.next();
    ASSERT_TRUE(m);
    if (m->has_error() && m->error().code() == kenes::v1::ERROR_CODE_INVALID_UTF8) ++utf8_errors;
  }
  EXPECT_EQ(utf8_errors, 200);
  kenes::v1::ClientMessage other;
  other.set_request_id(3);
  other.mutable_add_comment()->set_thread_id("thread-1");
  s.send(other);
  auto refused = s.next_of(ServerMessage::kError);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->error().code(), kenes::v1::ERROR_CODE_NOT_AUTHENTICATED);
  s.join(server.token(Role::ROLE_MEMBER, "late"), "late-client");
}

// 8. An export loop: one participant's exports run one at a time, off the I/O
// threads; the excess is told so (429) rather than queued, and another
// participant's export and the room's WebSocket are served meanwhile.
TEST(HostileParticipantLimitsTest, ExportsRunOneAtATimePerParticipantOffTheIoThreads) {
  TestServer server;
  ClientPool pool;
  auto chair = pool.add(server.port(), server.token(Role::ROLE_CHAIR, "demo-chair"));
  ASSERT_TRUE(pool.wait_until([&] { return chair->state() == client::ConnectionState::kLive; }));
  // Enough text that a report takes a moment to make.
  for (int i = 0; i < 40; ++i) {
    pool.run([&] {
      engine::TextOp op;
      op.retain(chair->document("indicator/R.1").text().length()).insert(std::string(2000, 'a' + i % 26) + "\n");
      ASSERT_TRUE(chair->local_edit("indicator/R.1", op).ok());
    });
    ASSERT_TRUE(pool.wait_until([&] { return !chair->has_unacknowledged(); }));
  }
  const std::string observer = "Bearer " + server.token(Role::ROLE_OBSERVER, "looper");
  const std::string researcher = "Bearer " + server.token(Role::ROLE_RESEARCHER, "demo-researcher");
  const std::string target = "/api/consultations/demo/export/report.html";
  std::vector<int> statuses(12, 0);
  std::vector<std::thread> loop;
  for (size_t i = 0; i < statuses.size(); ++i) {
    loop.emplace_back([&, i] { statuses[i] = http_request(server.port(), "GET", target, {{"Authorization", observer}}).status; });
  }
  HttpReply other = http_request(server.port(), "GET", target, {{"Authorization", researcher}});
  for (auto& t : loop) t.join();
  EXPECT_EQ(other.status, 200) << other.body;
  int ok = 0;
  int limited = 0;
  for (int st : statuses) {
    ok += st == 200;
    limited += st == 429;
    EXPECT_TRUE(st == 200 || st == 429 || st == 503) << st;
  }
  EXPECT_GE(ok, 1);
  EXPECT_GE(limited, 1) << "twelve exports of one participant at once were all made";
  EXPECT_EQ(http_get(server.port(), "/healthz").status, 200);
}

// 8b. An export asked again at the same log head is served from what was
// made (no fold), byte for byte; once the log moves, the next one is new.
TEST(HostileParticipantLimitsTest, AnExportAskedAgainAtTheSameHeadIsNotMadeAgain) {
  TestServer server;
  ClientPool pool;
  auto chair = pool.add(server.port(), server.token(Role::ROLE_CHAIR, "demo-chair"));
  ASSERT_TRUE(pool.wait_until([&] { return chair->state() == client::ConnectionState::kLive; }));
  auto& made = server.server().context().export_outputs;
  const std::string auth = "Bearer " + server.token(Role::ROLE_OBSERVER, "looper");
  const std::string target = "/api/consultations/demo/export/report.md";
  HttpReply first = http_request(server.port(), "GET", target, {{"Authorization", auth}});
  ASSERT_EQ(first.status, 200) << first.body;
  const size_t hits = made.hits();
  for (int i = 0; i < 20; ++i) {
    HttpReply again = http_request(server.port(), "GET", target, {{"Authorization", auth}});
    ASSERT_EQ(again.status, 200);
    EXPECT_EQ(again.body, first.body);
  }
  EXPECT_EQ(made.hits(), hits + 20) << "an export at an unchanged head was made again";
  pool.run([&] {
    engine::TextOp op;
    op.insert("A sentence written after the first export. ");
    ASSERT_TRUE(chair->local_edit("indicator/R.1", op).ok());
  });
  ASSERT_TRUE(pool.wait_until([&] { return !chair->has_unacknowledged(); }));
  HttpReply later = http_request(server.port(), "GET", target, {{"Authorization", auth}});
  ASSERT_EQ(later.status, 200);
  EXPECT_NE(later.body.find("A sentence written after the first export."), std::string::npos)
      << "a kept export outlived the head it was made at";
  // Access is decided per person at each head: the looper, once revoked,
  // is refused, though the export at that head is kept for the others.
  auto looper = pool.add(server.port(), server.token(Role::ROLE_OBSERVER, "looper"));
  ASSERT_TRUE(pool.wait_until([&] { return looper->state() == client::ConnectionState::kLive; }));
  const std::string researcher = "Bearer " + server.token(Role::ROLE_RESEARCHER, "demo-researcher");
  EXPECT_EQ(http_request(server.port(), "GET", target, {{"Authorization", researcher}}).status, 200);
  const uint64_t head_before = [&] {
    uint64_t h = 0;
    server.inspect("demo", [&](const consultation::ConsultationState&, uint64_t d) { h = d; });
    return h;
  }();
  pool.run([&] {
    kenes::v1::ClientMessage m;
    m.mutable_revoke_participant()->set_participant_id("looper");
    chair->send_request(std::move(m));
  });
  ASSERT_TRUE(pool.wait_until([&] {
    bool revoked = false;
    server.inspect("demo", [&](const consultation::ConsultationState& s, uint64_t d) {
      const auto* p = s.participant("looper");
      revoked = d > head_before && p && p->revoked;
    });
    return revoked;
  }));
  EXPECT_EQ(http_request(server.port(), "GET", target, {{"Authorization", auth}}).status, 403);
  EXPECT_EQ(http_request(server.port(), "GET", target, {{"Authorization", researcher}}).status, 200);
}

// 9. A history flood: one participant's questions beyond a few in flight are
// refused at once (RATE_LIMITED), and another participant's question is
// answered.
TEST(HostileParticipantLimitsTest, AHistoryFloodIsCappedPerParticipant) {
  TestServer server;
  ClientPool pool;
  auto chair = pool.add(server.port(), server.token(Role::ROLE_CHAIR, "demo-chair"));
  ASSERT_TRUE(pool.wait_until([&] { return chair->state() == client::ConnectionState::kLive; }));
  for (int i = 0; i < 300; ++i) {
    pool.run([&] {
      engine::TextOp op;
      op.insert(std::to_string(i) + " ");
      ASSERT_TRUE(chair->local_edit("indicator/R.1", op).ok());
    });
    if (i % 50 == 49) {
      ASSERT_TRUE(pool.wait_until([&] { return !chair->has_unacknowledged(); }));
    }
  }
  ASSERT_TRUE(pool.wait_until([&] { return !chair->has_unacknowledged(); }));
  RawSocket flooder(server.port());
  flooder.join(server.token(Role::ROLE_MEMBER, "blamer"), "blamer-client");
  constexpr int kQuestions = 200;
  for (int i = 0; i < kQuestions; ++i) {
    kenes::v1::ClientMessage m;
    m.set_request_id(1000 + i);
    m.mutable_get_document_blame()->set_doc_id("indicator/R.1");
    flooder.send(m);
  }
  int answered = 0;
  int limited = 0;
  while (answered + limited < kQuestions) {
    auto m = flooder.next(std::chrono::seconds(20));
    ASSERT_TRUE(m) << answered << " answered, " << limited << " refused";
    if (m->has_document_blame()) ++answered;
    if (m->has_error()) {
      ASSERT_EQ(m->error().code(), kenes::v1::ERROR_CODE_RATE_LIMITED) << m->error().message();
      ++limited;
    }
  }
  EXPECT_GE(answered, 1);
  EXPECT_GE(limited, 1) << "200 blame questions at once were all queued";
  std::optional<kenes::v1::ServerMessage> at;
  pool.run([&] {
    chair->on_message = [&](const kenes::v1::ServerMessage& msg) {
      if (msg.has_document_at()) at = msg;
    };
    kenes::v1::HistoryPoint v;
    v.set_version(5);
    chair->get_document_at("indicator/R.1", v);
  });
  EXPECT_TRUE(pool.wait_until([&] { return at.has_value(); })) << "the chair's question went unanswered";
}

// 10. Connections without a token: one address may hold at most
// --max-unauthenticated-per-address connections that have not said Hello
// (bare sockets, HTTP, WebSockets before Hello); the next is refused with a
// 503 before anything is read. A connection's place comes back when it says
// Hello, and when it closes.
TEST(HostileParticipantLimitsTest, OneAddressCannotHoldManyConnectionsThatNeverSayHello) {
  TestServer server([](server::ServerOptions& o) {
    o.max_unauthenticated_per_address = 5;
    o.count_loopback_unauthenticated = true;  // the test's clients are on 127.0.0.1
  });
  server::UnauthenticatedLimit& limit = *server.server().context().unauthenticated;
  const auto refused_before = server::metrics().connections_refused_unauthenticated_total.load();
  // Three WebSockets and two bare TCP sockets, none saying anything more.
  std::vector<std::unique_ptr<RawSocket>> idle;
  for (int i = 0; i < 3; ++i) idle.push_back(std::make_unique<RawSocket>(server.port()));
  boost::asio::io_context io;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::socket>> bare;
  for (int i = 0; i < 2; ++i) {
    bare.push_back(std::make_unique<boost::asio::ip::tcp::socket>(io));
    bare.back()->connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  }
  EXPECT_THROW(RawSocket sixth(server.port()), boost::system::system_error);
  HttpReply page = http_get(server.port(), "/healthz");
  EXPECT_EQ(page.status, 503);
  EXPECT_NE(page.body.find("TOO_MANY_CONNECTIONS"), std::string::npos) << page.body;
  EXPECT_EQ(limit.count("127.0.0.1"), 5u);
  EXPECT_EQ(server::metrics().connections_refused_unauthenticated_total.load(), refused_before + 2);

  // One of them says Hello: it is a participant now, and its place goes to
  // the next connection, which joins too.
  idle[0]->join(server.token(Role::ROLE_MEMBER, "says-hello"), "hello-0");
  EXPECT_EQ(limit.count("127.0.0.1"), 4u);
  RawSocket next(server.port());
  next.join(server.token(Role::ROLE_MEMBER, "next"), "next-client");
  // An HTTP connection of a crowded address is not kept alive after its answer.
  HttpReply crowded = http_get(server.port(), "/healthz");
  EXPECT_EQ(crowded.status, 200);
  EXPECT_EQ(crowded.header("connection"), "close");

  // The idle ones close: their places come back, and the address's entry goes.
  idle.erase(idle.begin() + 1, idle.end());
  bare.clear();
  EXPECT_TRUE([&] {
    for (int i = 0; i < 500 && limit.count("127.0.0.1") != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return limit.count("127.0.0.1") == 0 && limit.addresses() == 0;
  }()) << limit.count("127.0.0.1") << " still counted";
  std::vector<std::unique_ptr<RawSocket>> again;
  for (int i = 0; i < 5; ++i) again.push_back(std::make_unique<RawSocket>(server.port()));
  EXPECT_THROW(RawSocket sixth(server.port()), boost::system::system_error);
  // The participants who said Hello were never touched.
  for (RawSocket* live : {idle[0].get(), &next}) {
    kenes::v1::ClientMessage ping;
    ping.set_request_id(77);
    ping.mutable_subscribe()->set_consultation_id("elsewhere");  // answered FORBIDDEN: it is still served
    live->send(ping);
    auto answer = live->next_of(ServerMessage::kError);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->error().code(), kenes::v1::ERROR_CODE_FORBIDDEN);
  }
}

// 10b. Connections that never say Hello give their places back at the
// deadline (--handshake-timeout-seconds): the Hello deadline of a WebSocket,
// the request deadline of a bare socket.
TEST(HostileParticipantLimitsTest, PlacesOfConnectionsThatNeverSayHelloComeBackAtTheDeadline) {
  TestServer server([](server::ServerOptions& o) {
    o.max_unauthenticated_per_address = 2;
    o.count_loopback_unauthenticated = true;
    o.handshake_timeout_seconds = 1;
  });
  server::UnauthenticatedLimit& limit = *server.server().context().unauthenticated;
  RawSocket silent(server.port());
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket bare(io);
  bare.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  auto told = silent.next_of(ServerMessage::kError);
  ASSERT_TRUE(told);
  EXPECT_EQ(told->error().code(), kenes::v1::ERROR_CODE_NOT_AUTHENTICATED);
  EXPECT_TRUE([&] {
    for (int i = 0; i < 500 && limit.addresses() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return limit.addresses() == 0;
  }()) << limit.count("127.0.0.1") << " still counted";
  RawSocket late(server.port());
  late.join(server.token(Role::ROLE_MEMBER, "late"), "late-client");
}

}  // namespace
}  // namespace kenes::testing
