// permessage-deflate on the WebSocket (issue 16, item 6) through the real
// server on loopback: a client that offers it, as browsers do, gets it, and
// the protocol works through it both ways (the client compresses every
// message it sends, as Chromium does; the server compresses its large
// frames: a JoinState, a draft's text). The static side's precompressed
// files are in http_test.cc.

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "test_harness.h"

namespace kenes::testing {
namespace {

constexpr char kDoc[] = "indicator/R.1";

struct Joiner {
  std::shared_ptr<client::KenesClient> client;
  std::shared_ptr<std::atomic<bool>> live = std::make_shared<std::atomic<bool>>(false);
};

Joiner join_by_state(ClientPool& pool, TestServer& server, kenes::v1::Role role, const std::string& id) {
  Joiner j;
  auto live = j.live;
  j.client = pool.add(server.port(), server.token(role, id), "demo", false, [live](client::KenesClient& c) {
    c.set_deflate(true);
    c.set_subscribe_from(kenes::v1::SUBSCRIBE_FROM_STATE);
    c.on_live = [live] { *live = true; };
  });
  EXPECT_TRUE(pool.wait_until([&] { return live->load(); })) << id << " never went live";
  return j;
}

TEST(Deflate, AClientOfferingItJoinsByStateAndEditsThroughIt) {
  TestServer server;
  ClientPool pool;
  Joiner chair = join_by_state(pool, server, kenes::v1::ROLE_CHAIR, "chair");
  bool negotiated = false;
  pool.run([&] { negotiated = chair.client->deflate_negotiated(); });
  EXPECT_TRUE(negotiated);
  pool.run([&] { chair.client->open_document(kDoc); });
  ASSERT_TRUE(pool.wait_until([&] { return !chair.client->is_unopened(kDoc); }));
  const size_t before = server.document_text("demo", kDoc).size();
  // Edits go up compressed and come back acknowledged.
  const std::string words = "A draft typed through a compressed connection, repeated. ";
  for (int i = 0; i < 20; ++i) {
    pool.run([&] {
      engine::TextOp op;
      op.retain(chair.client->document(kDoc).text().length()).insert(words);
      ASSERT_TRUE(chair.client->local_edit(kDoc, op).ok());
    });
    ASSERT_TRUE(pool.wait_until([&] { return !chair.client->has_unacknowledged(); }));
  }
  ASSERT_EQ(server.document_text("demo", kDoc).size(), before + 20 * words.size());

  // A late joiner gets the state and then the draft's text (over the
  // threshold: compressed), and holds what the server holds.
  Joiner late = join_by_state(pool, server, kenes::v1::ROLE_RESEARCHER, "researcher");
  pool.run([&] { late.client->open_document(kDoc); });
  ASSERT_TRUE(pool.wait_until([&] { return !late.client->is_unopened(kDoc); }));
  std::string text;
  uint64_t bytes = 0, wire = 0;
  pool.run([&] {
    negotiated = late.client->deflate_negotiated();
    text = late.client->document(kDoc).text().to_string();
    bytes = late.client->bytes_received();
    wire = late.client->wire_bytes_received();
  });
  EXPECT_TRUE(negotiated);
  EXPECT_EQ(text, server.document_text("demo", kDoc));
  // Whatever the upgrade and the frame headers add, the compressed state
  // and text weigh less on the wire than as messages.
  EXPECT_GT(wire, 0u);
  EXPECT_LT(wire, bytes) << "nothing was compressed";

  // The chair sees the researcher's edits live.
  pool.run([&] {
    engine::TextOp op;
    op.insert("Researcher: ");
    ASSERT_TRUE(late.client->local_edit(kDoc, op).ok());
  });
  ASSERT_TRUE(pool.wait_until([&] {
    return chair.client->document(kDoc).text().to_string() == server.document_text("demo", kDoc) &&
           chair.client->document(kDoc).text().to_string().rfind("Researcher: ", 0) == 0;
  }));
}

TEST(Deflate, OffOnTheServerTheSameClientGetsPlainFrames) {
  TestServer server([](server::ServerOptions& o) { o.ws_deflate = false; });
  ClientPool pool;
  Joiner chair = join_by_state(pool, server, kenes::v1::ROLE_CHAIR, "chair");
  bool negotiated = true;
  pool.run([&] { negotiated = chair.client->deflate_negotiated(); });
  EXPECT_FALSE(negotiated);
}

// Firefox offers permessage-deflate without client_max_window_bits: the
// server may not shrink the client's window then (RFC 7692 section 7.1.2.2),
// and must still accept the extension rather than decline it.
TEST(Deflate, AnOfferWithoutClientWindowBitsIsAcceptedWithTheFullClientWindow) {
  TestServer server;
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  websocket::stream<boost::asio::ip::tcp::socket> ws(std::move(socket));
  ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
    req.set(beast::http::field::sec_websocket_extensions, "permessage-deflate");
  }));
  websocket::response_type res;
  beast::error_code ec;
  ws.handshake(res, "127.0.0.1", "/ws", ec);
  ASSERT_FALSE(ec) << ec.message();
  const std::string accepted(res[beast::http::field::sec_websocket_extensions]);
  EXPECT_NE(accepted.find("permessage-deflate"), std::string::npos) << accepted;
  EXPECT_EQ(accepted.find("client_max_window_bits"), std::string::npos) << accepted;
  ws.close(websocket::close_code::normal, ec);
}

}  // namespace
}  // namespace kenes::testing
