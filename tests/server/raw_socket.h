#pragma once

// A blocking WebSocket client that sends whatever it is told to, over ws://
// (RawSocket) or wss:// (TlsRawSocket): for tests that need frames no
// well-behaved client would send, or that must watch a close reason.

#include <gtest/gtest.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "kenes/v1/protocol.pb.h"

namespace kenes::testing {

template <class Stream>
class BasicRawSocket {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, boost::beast::tcp_stream>;

  // receive_buffer > 0: a small kernel receive buffer (SO_RCVBUF, set before
  // connecting so the window stays small), for a reader that falls behind.
  // `decorate` may add headers (Origin) to the upgrade request. Throws
  // boost::system::system_error if the connection or the upgrade fails.
  explicit BasicRawSocket(uint16_t port, int receive_buffer = 0,
                          std::function<void(boost::beast::websocket::request_type&)> decorate = {})
      : ws_(make_stream()) {
    namespace asio = boost::asio;
    auto& socket = boost::beast::get_lowest_layer(ws_).socket();
    if (receive_buffer > 0) {
      socket.open(asio::ip::tcp::v4());
      socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    }
    socket.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    if constexpr (kTls) ws_.next_layer().handshake(asio::ssl::stream_base::client);
    if (decorate) {
      ws_.set_option(boost::beast::websocket::stream_base::decorator(
          [decorate](boost::beast::websocket::request_type& req) { decorate(req); }));
    }
    ws_.handshake(response_, "127.0.0.1:" + std::to_string(port), "/ws");
    ws_.read_message_max(64 << 20);
  }
  void send_binary(const std::string& bytes) {
    ws_.binary(true);
    ws_.write(boost::asio::buffer(bytes));
  }
  void send_text(const std::string& text) {
    ws_.text(true);
    ws_.write(boost::asio::buffer(text));
  }
  void send(const kenes::v1::ClientMessage& m) { send_binary(m.SerializeAsString()); }
  void hello(const std::string& token, const std::string& client_id = "raw-client") {
    kenes::v1::ClientMessage m;
    m.set_request_id(1);
    m.mutable_hello()->set_token(token);
    m.mutable_hello()->set_client_id(client_id);
    send(m);
  }
  // The next message, or nullopt if the connection closed / timed out.
  std::optional<kenes::v1::ServerMessage> next(std::chrono::seconds timeout = std::chrono::seconds(10)) {
    // tcp_stream's deadline applies to asynchronous operations only: read
    // asynchronously and run the loop until the read ends or times out.
    boost::beast::get_lowest_layer(ws_).expires_after(timeout);
    boost::beast::flat_buffer buf;
    boost::beast::error_code ec;
    ws_.async_read(buf, [&ec](boost::beast::error_code e, std::size_t) { ec = e; });
    io_.restart();
    io_.run();
    if (ec) {
      last_error_ = ec;
      return std::nullopt;
    }
    kenes::v1::ServerMessage m;
    auto d = buf.cdata();
    if (!m.ParseFromArray(d.data(), static_cast<int>(d.size()))) return std::nullopt;
    return m;
  }
  // Skips messages until one of `kind` arrives.
  std::optional<kenes::v1::ServerMessage> next_of(kenes::v1::ServerMessage::KindCase kind) {
    for (int i = 0; i < 10000; ++i) {
      auto m = next();
      if (!m) return std::nullopt;
      if (m->kind_case() == kind) return m;
    }
    return std::nullopt;
  }
  // Hello + Subscribe, returns once live.
  void join(const std::string& token, const std::string& client_id = "raw-client",
            const std::string& consultation = "demo") {
    hello(token, client_id);
    ASSERT_TRUE(next_of(kenes::v1::ServerMessage::kWelcome));
    kenes::v1::ClientMessage sub;
    sub.set_request_id(2);
    sub.mutable_subscribe()->set_consultation_id(consultation);
    send(sub);
    for (;;) {
      auto m = next_of(kenes::v1::ServerMessage::kCatchUp);
      ASSERT_TRUE(m);
      if (m->catch_up().done()) break;
    }
  }
  boost::beast::websocket::close_reason close_reason() const { return ws_.reason(); }
  boost::beast::error_code last_error() const { return last_error_; }
  boost::beast::websocket::stream<Stream>& ws() { return ws_; }
  const boost::beast::websocket::response_type& upgrade_response() const { return response_; }

 private:
  boost::beast::websocket::stream<Stream> make_stream() {
    if constexpr (kTls) {
      // Tests use a self-signed certificate: no verification.
      tls_.set_verify_mode(boost::asio::ssl::verify_none);
      return boost::beast::websocket::stream<Stream>(io_, tls_);
    } else {
      return boost::beast::websocket::stream<Stream>(io_);
    }
  }

  boost::asio::io_context io_;
  boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_client};
  boost::beast::websocket::stream<Stream> ws_;
  boost::beast::websocket::response_type response_;
  boost::beast::error_code last_error_;
};

using RawSocket = BasicRawSocket<boost::beast::tcp_stream>;
using TlsRawSocket = BasicRawSocket<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

// A submit of `build`'s op to `doc`.
inline kenes::v1::ClientMessage submit(const std::string& doc, uint64_t base, uint64_t client_seq,
                                       std::function<void(kenes::v1::TextOp*)> build,
                                       const std::string& client_id = "raw-client") {
  kenes::v1::ClientMessage m;
  m.set_request_id(100 + client_seq);
  auto* s = m.mutable_submit_op();
  s->set_doc_id(doc);
  s->set_base_version(base);
  s->set_client_id(client_id);
  s->set_client_seq(client_seq);
  build(s->mutable_op());
  return m;
}

}  // namespace kenes::testing
