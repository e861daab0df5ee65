// The Origin check on the WebSocket upgrade, over real HTTP on loopback: a
// page from another site is refused with 403 before any WebSocket exists;
// same-site pages and non-browser tools (no Origin) connect as before.

#include <gtest/gtest.h>

#include "metrics.h"
#include "raw_socket.h"
#include "test_harness.h"

namespace kenes::testing {
namespace {

namespace websocket = boost::beast::websocket;

HttpReply upgrade(uint16_t port, const std::string& origin, const std::string& host) {
  std::vector<std::pair<std::string, std::string>> h = {{"Upgrade", "websocket"},
                                                         {"Connection", "Upgrade"},
                                                         {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                                                         {"Sec-WebSocket-Version", "13"},
                                                         {"Host", host}};
  if (!origin.empty()) h.emplace_back("Origin", origin);
  return http_request(port, "GET", "/ws", h);
}

auto with_origin(const std::string& origin) {
  return [origin](websocket::request_type& req) { req.set(boost::beast::http::field::origin, origin); };
}

TEST(WebSocketOriginTest, APageFromAnotherSiteIsRefusedWith403AndCounted) {
  TestServer server;
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  uint64_t before = server::metrics().websocket_origin_refused_total.load();
  HttpReply r = upgrade(server.port(), "https://evil.example", host);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("FORBIDDEN_ORIGIN"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("--allowed-origins"), std::string::npos) << r.body;
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(server::metrics().websocket_origin_refused_total.load(), before + 1);
  EXPECT_THROW(RawSocket(server.port(), 0, with_origin("https://evil.example")), boost::system::system_error);
  EXPECT_THROW(RawSocket(server.port(), 0, with_origin("null")), boost::system::system_error);
  // The server carries on for everyone else.
  RawSocket ok(server.port());
  ok.join(server.token(kenes::v1::ROLE_MEMBER, "m"));
}

TEST(WebSocketOriginTest, TheServersOwnPagesAndToolsWithoutAnOriginConnect) {
  TestServer server;
  const std::string self = "http://127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(upgrade(server.port(), self, "127.0.0.1:" + std::to_string(server.port())).status, 101);
  EXPECT_EQ(upgrade(server.port(), "", "127.0.0.1:" + std::to_string(server.port())).status, 101);
  RawSocket browser_like(server.port(), 0, with_origin(self));
  browser_like.join(server.token(kenes::v1::ROLE_MEMBER, "m"));
}

TEST(WebSocketOriginTest, BehindAProxyThePublicUrlsOriginIsAccepted) {
  TestServer server([](server::ServerOptions& o) { o.public_url = "https://kenes.example.org"; });
  // The proxy forwarded its own Host (127.0.0.1:port), not the public one.
  EXPECT_EQ(upgrade(server.port(), "https://kenes.example.org", "127.0.0.1").status, 101);
  EXPECT_EQ(upgrade(server.port(), "https://other.example.org", "127.0.0.1").status, 403);
}

TEST(WebSocketOriginTest, AllowedOriginsReplacesTheSameHostRule) {
  TestServer server([](server::ServerOptions& o) { o.allowed_origins = "https://app.example.org, https://b.example"; });
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(upgrade(server.port(), "https://app.example.org", host).status, 101);
  EXPECT_EQ(upgrade(server.port(), "https://b.example", host).status, 101);
  EXPECT_EQ(upgrade(server.port(), "http://" + host, host).status, 403);
  EXPECT_EQ(upgrade(server.port(), "", host).status, 101);
}

TEST(WebSocketOriginTest, ABadAllowedOriginsValueStopsTheStart) {
  server::ServerOptions o;
  o.listen = "127.0.0.1:0";
  TempDir dir;
  o.data_dir = (dir.path() / "data").string();
  o.allowed_origins = "app.example.org";
  server::Server s(o);
  EXPECT_NE(s.open().find("not an origin"), std::string::npos);
}

}  // namespace
}  // namespace kenes::testing
