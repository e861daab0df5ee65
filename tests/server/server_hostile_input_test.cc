// Bad input gets a clear error and the server keeps serving everyone else.
// Each test speaks raw WebSocket frames to a real server on loopback.

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "metrics.h"
#include "raw_socket.h"
#include "test_harness.h"

namespace kenes::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using kenes::v1::ClientMessage;
using kenes::v1::ServerMessage;

// A well-behaved client still works: join, edit, get the ack.
void expect_server_still_serves(TestServer& server) {
  RawSocket ok(server.port());
  ok.join(server.token(kenes::v1::ROLE_RESEARCHER, "healthy"), "healthy-client");
  ok.send(submit("indicator/healthy", 0, 1, [](kenes::v1::TextOp* op) { op->add_components()->set_insert("fine"); },
                 "healthy-client"));
  auto ack = ok.next_of(ServerMessage::kAck);
  ASSERT_TRUE(ack) << "a healthy client got no ack";
  EXPECT_EQ(ack->ack().version(), 1u);
}

kenes::v1::Error expect_error(RawSocket& s, kenes::v1::ErrorCode code) {
  auto m = s.next_of(ServerMessage::kError);
  EXPECT_TRUE(m) << "no Error arrived, expected " << kenes::v1::ErrorCode_Name(code);
  if (!m) return {};
  EXPECT_EQ(m->error().code(), code) << m->error().message();
  EXPECT_FALSE(m->error().message().empty());
  return m->error();
}

TEST(HostileInputTest, ATextFrameGetsBadMessageAndTheConnectionStaysUsable) {
  TestServer server;
  RawSocket s(server.port());
  s.send_text("hello?");
  auto e = expect_error(s, kenes::v1::ERROR_CODE_BAD_MESSAGE);
  EXPECT_FALSE(e.fatal());
  s.join(server.token(kenes::v1::ROLE_RESEARCHER, "r"));
  expect_server_still_serves(server);
}

TEST(HostileInputTest, BytesThatAreNotAClientMessageGetBadMessage) {
  TestServer server;
  RawSocket s(server.port());
  s.send_binary(std::string("\xff\xff\xff\xff\x0f garbage", 13));
  expect_error(s, kenes::v1::ERROR_CODE_BAD_MESSAGE);
  expect_server_still_serves(server);
}

TEST(HostileInputTest, AnEnvelopeWithNoKnownKindGetsUnknownMessage) {
  TestServer server;
  RawSocket s(server.port());
  // Field 99, a kind from a future protocol version.
  s.send_binary(std::string("\x08\x05\x9a\x06\x00", 5));
  expect_error(s, kenes::v1::ERROR_CODE_UNKNOWN_MESSAGE);
}

TEST(HostileInputTest, AFrameOverTheLimitClosesWithMessageTooBig) {
  TestServer server([](server::ServerOptions& o) { o.max_message_bytes = 4096; });
  RawSocket s(server.port());
  s.join(server.token(kenes::v1::ROLE_RESEARCHER, "big"));
  s.send(submit("indicator/R.1", 0, 1, [](kenes::v1::TextOp* op) {
    op->add_components()->set_insert(std::string(10000, 'x'));
  }));
  while (s.next()) {
  }
  EXPECT_EQ(s.close_reason().code, websocket::close_code::too_big);
  expect_server_still_serves(server);
}

TEST(HostileInputTest, ASubmitBeforeHelloIsRefused) {
  TestServer server;
  RawSocket s(server.port());
  s.send(submit("indicator/R.1", 0, 1, [](kenes::v1::TextOp* op) { op->add_components()->set_insert("x"); }));
  expect_error(s, kenes::v1::ERROR_CODE_NOT_AUTHENTICATED);
  expect_server_still_serves(server);
}

TEST(HostileInputTest, AForgedTokenIsRefusedAndTheConnectionClosed) {
  TestServer server;
  std::string token = server.token(kenes::v1::ROLE_CHAIR, "mallory");
  // Flip one character of the signature.
  token.back() = token.back() == 'A' ? 'B' : 'A';
  RawSocket s(server.port());
  s.hello(token);
  auto e = expect_error(s, kenes::v1::ERROR_CODE_BAD_TOKEN);
  EXPECT_TRUE(e.fatal());
  EXPECT_FALSE(s.next());
  EXPECT_EQ(s.close_reason().code, websocket::close_code::policy_error);
}

TEST(HostileInputTest, AnExpiredTokenIsRefused) {
  TestServer server;
  RawSocket s(server.port());
  s.hello(server.token(kenes::v1::ROLE_MEMBER, "late", "demo", -10));
  auto e = expect_error(s, kenes::v1::ERROR_CODE_TOKEN_EXPIRED);
  EXPECT_TRUE(e.fatal());
}

TEST(HostileInputTest, AnOpThatDoesNotFitIsRefusedAndChangesNothing) {
  TestServer server;
  RawSocket s(server.port());
  s.join(server.token(kenes::v1::ROLE_RESEARCHER, "r"));
  std::string before = server.document_text("demo", "indicator/R.1");
  s.send(submit("indicator/R.1", 1, 1, [](kenes::v1::TextOp* op) {
    op->add_components()->set_retain(1000000);
    op->add_components()->set_insert("x");
  }));
  auto e = expect_error(s, kenes::v1::ERROR_CODE_OP_DOES_NOT_FIT);
  EXPECT_EQ(e.doc_id(), "indicator/R.1");
  EXPECT_EQ(e.client_seq(), 1u);
  EXPECT_EQ(server.document_text("demo", "indicator/R.1"), before);
}

// A trailing retain past the end is normalized away, so only the sender's
// declared span shows that the op was made for a longer document.
TEST(HostileInputTest, ATrailingRetainPastTheEndDoesNotFitEither) {
  TestServer server;
  RawSocket s(server.port());
  s.join(server.token(kenes::v1::ROLE_RESEARCHER, "r"));
  s.send(submit("indicator/short", 0, 1, [](kenes::v1::TextOp* op) { op->add_components()->set_insert("abc"); }));
  ASSERT_TRUE(s.next_of(ServerMessage::kAck));
  s.send(submit("indicator/short", 1, 2, [](kenes::v1::TextOp* op) {
    op->add_components()->set_insert("x");
    op->add_components()->set_retain(4);
  }));
  auto e = expect_error(s, kenes::v1::ERROR_CODE_OP_DOES_NOT_FIT);
  EXPECT_EQ(e.client_seq(), 2u);
  // Exactly the length is fine, and so are huge retains that would overflow
  // a naive sum (they do not fit, they do not wrap).
  s.send(submit("indicator/short", 1, 2, [](kenes::v1::TextOp* op) {
    op->add_components()->set_insert("x");
    op->add_components()->set_retain(3);
  }));
  ASSERT_TRUE(s.next_of(ServerMessage::kAck));
  s.send(submit("indicator/short", 2, 3, [](kenes::v1::TextOp* op) {
    op->add_components()->set_retain(1);
    op->add_components()->set_retain(UINT64_MAX);
    op->add_components()->set_retain(UINT64_MAX);
  }));
  expect_error(s, kenes::v1::ERROR_CODE_OP_DOES_NOT_FIT);
  EXPECT_EQ(server.document_text("demo", "indicator/short"), "xabc");
}

TEST(HostileInputTest, AnInsertOfInvalidUtf8IsRefused) {
  TestServer server;
  RawSocket s(server.port());
  s.join(server.token(kenes::v1::ROLE_RESEARCHER, "r"));
  s.send(submit("indicator/new", 0, 1, [](kenes::v1::TextOp* op) {
    op->add_components()->set_insert(std::string("ok\xc3\x28", 4));
  }));
  expect_error(s, kenes::v1::ERROR_CODE_INVALID_UTF8);
  EXPECT_EQ(server.document_text("demo", "indicator/new"), "");
}

TEST(HostileInputTest, ABaseVersionFromTheFutureIsRefused) {
  TestServer server;
  RawSocket s(server.port());
  s.join(server.token(kenes::v1::ROLE_RESEARCHER, "r"));
  s.send(submit("indicator/R.1", 999, 1, [](kenes::v1::TextOp* op) { op->add_components()->set_insert("x"); }));
  expect_error(s, kenes::v1::ERROR_CODE_VERSION_FROM_FUTURE);
}

TEST(HostileInputTest, AFloodIsRateLimitedThenClosed) {
  TestServer server([](server::ServerOptions& o) {
    o.rate_limit_messages_per_second = 20;
    o.rate_limit_burst = 20;
  });
  RawSocket s(server.port());
  s.join(server.token(kenes::v1::ROLE_RESEARCHER, "flood"));
  kenes::v1::ClientMessage presence;
  presence.mutable_presence()->set_doc_id("indicator/R.1");
  beast::error_code ec;
  for (int i = 0; i < 400 && !ec; ++i) {
    s.ws().binary(true);
    s.ws().write(asio::buffer(presence.SerializeAsString()), ec);
  }
  auto e = expect_error(s, kenes::v1::ERROR_CODE_RATE_LIMITED);
  EXPECT_FALSE(e.fatal());
  while (s.next()) {
  }
  EXPECT_EQ(s.close_reason().code, websocket::close_code::policy_error);
  expect_server_still_serves(server);
}

TEST(HostileInputTest, ConnectionsOverTheLimitAreRefusedWith503) {
  TestServer server([](server::ServerOptions& o) { o.max_connections = 4; });
  std::vector<std::unique_ptr<RawSocket>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<RawSocket>(server.port()));
  EXPECT_THROW(RawSocket extra(server.port()), boost::system::system_error);
  held.clear();
  // Slots come back once connections close.
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    try {
      RawSocket again(server.port());
      served = true;
    } catch (const boost::system::system_error&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  EXPECT_TRUE(served);
}

TEST(HostileInputTest, ASlowReaderIsClosedAndTheOthersCarryOn) {
  TestServer server([](server::ServerOptions& o) {
    o.max_outbound_queue_bytes = 256 * 1024;
    o.max_message_bytes = 64 * 1024;
    // The writer is not what is under test: its bytes are not limited.
    o.rate_limit_bytes_per_second = 1 << 30;
    o.rate_limit_bytes_burst = 1 << 30;
  });
  RawSocket slow(server.port());
  slow.join(server.token(kenes::v1::ROLE_MEMBER, "slow"), "slow-client");

  RawSocket writer(server.port());
  writer.join(server.token(kenes::v1::ROLE_RESEARCHER, "writer"), "writer-client");
  const std::string chunk(30000, 'w');
  uint64_t before = server::metrics().slow_reader_closes_total.load();
  // Enough to fill the kernel's socket buffers (a few MiB on loopback) and
  // then the server's 256 KiB queue.
  for (uint64_t i = 1; i <= 1500; ++i) {
    writer.send(submit("indicator/slow", i - 1, i, [&](kenes::v1::TextOp* op) { op->add_components()->set_insert(chunk); },
                       "writer-client"));
    auto ack = writer.next_of(ServerMessage::kAck);
    ASSERT_TRUE(ack) << "writer stalled at op " << i;
    if (server::metrics().slow_reader_closes_total.load() > before) break;
  }
  EXPECT_GT(server::metrics().slow_reader_closes_total.load(), before);
  // The slow reader eventually sees the close, with the reason.
  int drained = 0;
  while (slow.next()) ++drained;
  SCOPED_TRACE("drained " + std::to_string(drained) + " frames, then: " + slow.last_error().message());
  EXPECT_EQ(slow.close_reason().code, websocket::close_code::policy_error);
  EXPECT_NE(std::string(slow.close_reason().reason.c_str()).find("SLOW_READER"), std::string::npos);
  expect_server_still_serves(server);
}

// Not hostile, only behind: records queued for a reader while a write is in
// flight leave together as one Broadcast, and the reader still gets every
// record exactly once, in order.
TEST(HostileInputTest, ARecordsBurstReachesAReaderThatFellBehindInFewerBroadcastsEachRecordOnceInOrder) {
  // 400 KB from one writer at once: over a participant's byte burst, which
  // is not what is under test.
  TestServer server([](server::ServerOptions& o) { o.rate_limit_bytes_burst = 1 << 30; });
  RawSocket reader(server.port(), 8 * 1024);
  reader.join(server.token(kenes::v1::ROLE_MEMBER, "reader"), "reader-client");
  RawSocket writer(server.port());
  writer.join(server.token(kenes::v1::ROLE_RESEARCHER, "writer"), "writer-client");
  const uint64_t merged_before = server::metrics().broadcast_frames_merged_total.load();
  const uint64_t batches_before = server::metrics().broadcast_batches_total.load();
  const uint64_t batch_records_before = server::metrics().broadcast_batch_records_total.load();

  // The reader does not read while the writer's burst is sequenced: its
  // kernel buffers fill and the rest waits in the server's queue.
  constexpr uint64_t kOps = 200;
  const std::string chunk(2000, 'b');
  for (uint64_t i = 1; i <= kOps; ++i) {
    writer.send(submit("indicator/burst", i - 1, i, [&](kenes::v1::TextOp* op) { op->add_components()->set_insert(chunk); },
                       "writer-client"));
  }
  for (uint64_t i = 1; i <= kOps; ++i) ASSERT_TRUE(writer.next_of(ServerMessage::kAck)) << "ack " << i;

  std::vector<kenes::v1::LogRecord> records;
  size_t broadcasts = 0, largest = 0;
  uint64_t burst_records = 0;
  while (burst_records < kOps) {
    auto m = reader.next_of(ServerMessage::kBroadcast);
    ASSERT_TRUE(m) << "after " << burst_records << " records of the burst";
    ++broadcasts;
    largest = std::max<size_t>(largest, m->broadcast().records_size());
    for (const auto& r : m->broadcast().records()) {
      records.push_back(r);
      if (r.client_id() == "writer-client") ++burst_records;
    }
  }
  // Every record once, in seq order, no gap; the burst in client_seq order.
  uint64_t next_client_seq = 1;
  for (size_t i = 0; i < records.size(); ++i) {
    if (i > 0) {
      EXPECT_EQ(records[i].seq(), records[i - 1].seq() + 1) << "at record " << i;
    }
    if (records[i].client_id() == "writer-client") {
      EXPECT_EQ(records[i].client_seq(), next_client_seq++);
    }
  }
  EXPECT_EQ(next_client_seq, kOps + 1);
  SCOPED_TRACE(std::to_string(broadcasts) + " broadcasts, largest " + std::to_string(largest) + " records");
  EXPECT_GT(largest, 1u);
  EXPECT_LT(broadcasts, records.size());
  // Merged by the room (records made durable together go out as one frame)
  // or by the connection (frames queued behind a slow write): either counts.
  const uint64_t merged = server::metrics().broadcast_frames_merged_total.load() - merged_before;
  const uint64_t batched = server::metrics().broadcast_batch_records_total.load() - batch_records_before -
                           (server::metrics().broadcast_batches_total.load() - batches_before);
  EXPECT_GT(merged + batched, 0u);
  expect_server_still_serves(server);
}

}  // namespace
}  // namespace kenes::testing
