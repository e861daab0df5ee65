#pragma once

// One TCP connection speaking HTTP/1.1: serves the web app, the operator
// endpoints, and hands WebSocket upgrades on /ws to a WebSocketSession.
// `Stream` is PlainStream or TlsStream (streams.h); with TLS the session
// first completes the handshake, with a deadline.

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "http_routes.h"
#include "server_context.h"
#include "streams.h"

namespace kenes::server {

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  // `buffer` holds bytes already read from the socket (the TLS detector's).
  // `slot` is the connection's place under --max-unauthenticated-per-address:
  // held while it serves HTTP, handed to the WebSocket session on upgrade.
  HttpSession(Stream&& stream, ServerContext& ctx, boost::beast::flat_buffer buffer = {},
              UnauthenticatedLimit::Slot slot = {});
  ~HttpSession();
  void start();

 private:
  void on_handshake(boost::beast::error_code ec, std::size_t used);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void write_response(HttpResponse response);
  // An export runs on the work pool, one per participant at a time (issue 17);
  // true if the request was taken that way (answered later or refused now).
  bool export_off_thread(boost::beast::http::request<boost::beast::http::string_body>& req);
  void finish();
  // Answers 403 to an upgrade whose Origin is not allowed, and logs it.
  void refuse_upgrade(const boost::beast::http::request<boost::beast::http::string_body>& req);  // close our side cleanly (TLS close_notify, then FIN)

  Stream stream_;
  ServerContext& ctx_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  bool upgraded_ = false;
  UnauthenticatedLimit::Slot slot_;
};

// Runs on each accepted socket when TLS is on: peeks at the first bytes. A
// TLS ClientHello goes on to an HttpSession<TlsStream>; anything else (a
// plain-text request on the TLS port) gets one plain HTTP 400 saying to use
// https://, and the socket is closed.
void start_tls_detector(boost::asio::ip::tcp::socket&& socket, ServerContext& ctx, UnauthenticatedLimit::Slot slot);

}  // namespace kenes::server
