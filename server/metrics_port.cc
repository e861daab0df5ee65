#include "metrics_port.h"

#include <boost/beast/core.hpp>
#include <memory>
#include <optional>

#include "metrics.h"

namespace kenes::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

StringResponse text(const http::request<http::string_body>& req, http::status status, std::string body,
                    const char* content_type = "text/plain; charset=utf-8") {
  return text_response(req, status, std::move(body), content_type);
}

class MetricsSession : public std::enable_shared_from_this<MetricsSession> {
 public:
  MetricsSession(asio::ip::tcp::socket&& socket, ServerContext& ctx) : stream_(std::move(socket)), ctx_(ctx) {}
  ~MetricsSession() { ctx_.metrics_sessions.fetch_sub(1, std::memory_order_relaxed); }

  void do_read() {
    parser_.emplace();
    // A scrape is a GET with a few headers; nothing here needs more.
    parser_->body_limit(1024);
    parser_->header_limit(8 * 1024);
    stream_.expires_after(std::chrono::seconds(ctx_.options.handshake_timeout_seconds));
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec) return;  // closed, timed out or not HTTP: the socket goes with us
    auto res = std::make_shared<StringResponse>(handle_metrics_port_request(parser_->get()));
    stream_.expires_after(std::chrono::seconds(30));
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec) return;
      if (!res->keep_alive()) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        return;
      }
      self->do_read();
    });
  }

  beast::tcp_stream stream_;
  ServerContext& ctx_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

void start_metrics_session(asio::ip::tcp::socket&& socket, ServerContext& ctx) {
  if (ctx.metrics_sessions.fetch_add(1, std::memory_order_relaxed) >= kMaxMetricsSessions) {
    ctx.metrics_sessions.fetch_sub(1, std::memory_order_relaxed);
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  std::make_shared<MetricsSession>(std::move(socket), ctx)->do_read();
}

StringResponse handle_metrics_port_request(const http::request<http::string_body>& req) {
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto res = text(req, http::status::method_not_allowed, "only GET and HEAD are served here\n");
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  const std::string_view path = path_of(req);
  StringResponse res = path == "/metrics"   ? text(req, http::status::ok, metrics().render(),
                                                   "text/plain; version=0.0.4; charset=utf-8")
                       : path == "/healthz" ? text(req, http::status::ok, "ok\n")
                                            : text(req, http::status::not_found,
                                                   "not found: this port serves /metrics and /healthz only\n");
  // Content-Length stays that of the body, as HEAD asks.
  if (req.method() == http::verb::head) res.body().clear();
  return res;
}

bool is_metrics_path(const http::request<http::string_body>& req) { return path_of(req) == "/metrics"; }

StringResponse metrics_not_here(const http::request<http::string_body>& req) {
  // Says no more than any unknown path would: where the figures are is the
  // operator's business.
  return text(req, http::status::not_found, "not found\n");
}

}  // namespace kenes::server
