#include "http_session.h"

#include <boost/beast/websocket.hpp>

#include "http_routes.h"
#include "metrics.h"
#include "websocket_session.h"

namespace kenes::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

HttpSession::HttpSession(asio::ip::tcp::socket&& socket, ServerContext& ctx)
    : stream_(std::move(socket)), ctx_(ctx) {}

HttpSession::~HttpSession() {
  // A WebSocket session took the socket over and counts itself.
  if (!upgraded_) metrics().connections.fetch_sub(1, std::memory_order_relaxed);
}

void HttpSession::start() {
  asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->body_limit(ctx_.options.max_http_body_bytes);
  parser_->header_limit(16 * 1024);
  stream_.expires_after(std::chrono::seconds(ctx_.options.handshake_timeout_seconds));
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) {
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    return;
  }
  if (ec) return;
  auto req = parser_->release();
  if (beast::websocket::is_upgrade(req)) {
    std::string_view target(req.target().data(), req.target().size());
    if (target.substr(0, target.find('?')) != "/ws") {
      stream_.close();
      return;
    }
    upgraded_ = true;
    auto ws = std::make_shared<WebSocketSession>(std::move(stream_), ctx_);
    ws->start(std::move(req));
    return;
  }
  HttpResponse response = handle_http_request(req, ctx_);
  std::visit(
      [this](auto&& res) {
        using R = std::decay_t<decltype(res)>;
        auto sp = std::make_shared<R>(std::move(res));
        bool keep_alive = sp->keep_alive();
        http::async_write(stream_, *sp,
                          [self = shared_from_this(), sp, keep_alive](beast::error_code ec, std::size_t n) {
                            self->on_write(keep_alive, ec, n);
                          });
      },
      std::move(response));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return;
  if (!keep_alive) {
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    return;
  }
  buffer_.consume(buffer_.size());
  do_read();
}

}  // namespace kenes::server
