#include "http_session.h"

#include <boost/asio/write.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <type_traits>

#include "http_routes.h"
#include "logger.h"
#include "metrics.h"
#include "metrics_port.h"
#include "websocket_session.h"

namespace kenes::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

template <class Stream>
HttpSession<Stream>::HttpSession(Stream&& stream, ServerContext& ctx, beast::flat_buffer buffer,
                                 UnauthenticatedLimit::Slot slot)
    : stream_(std::move(stream)), ctx_(ctx), buffer_(std::move(buffer)), slot_(std::move(slot)) {}

template <class Stream>
HttpSession<Stream>::~HttpSession() {
  // A WebSocket session took the socket over and counts itself.
  if (!upgraded_) metrics().connections.fetch_sub(1, std::memory_order_relaxed);
}

template <class Stream>
void HttpSession<Stream>::start() {
  auto self = this->shared_from_this();
  asio::dispatch(stream_.get_executor(), [self] {
    if constexpr (kIsTls<Stream>) {
      // The handshake shares the request deadline: a peer that opens a
      // socket and stalls mid-handshake holds a slot no longer than that.
      beast::get_lowest_layer(self->stream_)
          .expires_after(std::chrono::seconds(self->ctx_.options.handshake_timeout_seconds));
      self->stream_.async_handshake(asio::ssl::stream_base::server, self->buffer_.data(),
                                    beast::bind_front_handler(&HttpSession::on_handshake, self));
    } else {
      self->do_read();
    }
  });
}

template <class Stream>
void HttpSession<Stream>::on_handshake(beast::error_code ec, std::size_t used) {
  if (ec) {
    metrics().tls_handshake_failures_total.fetch_add(1, std::memory_order_relaxed);
    log(LogLevel::kDebug, "tls_handshake_failed", {{"error", ec.message()}});
    return;
  }
  buffer_.consume(used);
  do_read();
}

template <class Stream>
void HttpSession<Stream>::do_read() {
  parser_.emplace();
  parser_->body_limit(ctx_.options.max_http_body_bytes);
  parser_->header_limit(16 * 1024);
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(ctx_.options.handshake_timeout_seconds));
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, this->shared_from_this()));
}

template <class Stream>
void HttpSession<Stream>::finish() {
  if constexpr (kIsTls<Stream>) {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    });
  } else {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  }
}

template <class Stream>
void HttpSession<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return finish();
  if (ec) return;
  auto req = parser_->release();
  if (beast::websocket::is_upgrade(req)) {
    std::string_view target(req.target().data(), req.target().size());
    if (target.substr(0, target.find('?')) != "/ws") {
      beast::get_lowest_layer(stream_).close();
      return;
    }
    if (!origin_allowed(ctx_.origins, req[http::field::origin], req[http::field::host])) return refuse_upgrade(req);
    upgraded_ = true;
    beast::get_lowest_layer(stream_).expires_never();
    auto ws = std::make_shared<WebSocketSession<Stream>>(std::move(stream_), ctx_, std::move(slot_));
    ws->start(std::move(req));
    return;
  }
  if (!ctx_.options.metrics_listen.empty() && is_metrics_path(req)) return write_response(metrics_not_here(req));
  if (export_off_thread(req)) return;
  write_response(handle_http_request(req, ctx_));
}

template <class Stream>
bool HttpSession<Stream>::export_off_thread(http::request<http::string_body>& req) {
  std::string_view target(req.target().data(), req.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  if (!ctx_.work_pool || path.rfind("/api/consultations/", 0) != 0 || path.find("/export/") == std::string_view::npos) {
    return false;
  }
  // Who asks: a token that does not verify is refused inline (cheap).
  std::string_view auth(req[http::field::authorization].data(), req[http::field::authorization].size());
  if (auth.substr(0, 7) != "Bearer ") return false;
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  TokenCheck check = ctx_.signer->verify(auth.substr(7), now);
  if (!check.claims) return false;
  const std::string who = check.claims->consultation_id + '\0' + check.claims->participant_id;
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();
  auto refuse = [&](http::status status, std::string body) {
    StringResponse res{status, version};
    set_security_headers(res.base());
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.set(http::field::retry_after, "5");
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    res.prepare_payload();
    write_response(std::move(res));
  };
  if (!ctx_.exports_in_flight.try_start(who)) {
    refuse(http::status::too_many_requests, "RATE_LIMITED: an export of yours is still being made; one at a time\n");
    return true;
  }
  auto shared_req = std::make_shared<http::request<http::string_body>>(std::move(req));
  auto self = this->shared_from_this();
  const bool taken = ctx_.work_pool->try_post([self, shared_req, who] {
    HttpResponse response = handle_http_request(*shared_req, self->ctx_);
    self->ctx_.exports_in_flight.finish(who);
    asio::post(self->stream_.get_executor(),
               [self, response = std::make_shared<HttpResponse>(std::move(response))]() mutable {
                 self->write_response(std::move(*response));
               });
  });
  if (!taken) {
    ctx_.exports_in_flight.finish(who);
    refuse(http::status::service_unavailable, "BUSY: the server is making too many exports; try again shortly\n");
  }
  return true;
}

template <class Stream>
void HttpSession<Stream>::write_response(HttpResponse response) {
  // An export may have taken longer than the read's timeout: the write gets its own.
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
  std::visit(
      [this](auto&& res) {
        using R = std::decay_t<decltype(res)>;
        auto sp = std::make_shared<R>(std::move(res));
        if constexpr (std::is_same_v<Stream, TlsStream>) {
          set_strict_transport_security(sp->base(), ctx_.options.hsts_max_age_seconds);
        }
        // An address with many connections still opening gets no idle
        // keep-alives: its next request opens a connection, which is
        // admitted once the crowd has thinned (unauthenticated_limit.h).
        if (sp->keep_alive() && slot_.crowded()) sp->keep_alive(false);
        bool keep_alive = sp->keep_alive();
        http::async_write(stream_, *sp,
                          [self = this->shared_from_this(), sp, keep_alive](beast::error_code ec, std::size_t n) {
                            self->on_write(keep_alive, ec, n);
                          });
      },
      std::move(response));
}

template <class Stream>
void HttpSession<Stream>::refuse_upgrade(const http::request<http::string_body>& req) {
  metrics().websocket_origin_refused_total.fetch_add(1, std::memory_order_relaxed);
  // Origin and Host only: the target may carry a query, and nothing from the
  // request that could hold a token is logged.
  log(LogLevel::kInfo, "websocket_origin_refused",
      {{"origin", std::string_view(req[http::field::origin]).substr(0, 200)},
       {"host", std::string_view(req[http::field::host]).substr(0, 200)}});
  auto res = std::make_shared<http::response<http::string_body>>(http::status::forbidden, req.version());
  set_security_headers(res->base());
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    set_strict_transport_security(res->base(), ctx_.options.hsts_max_age_seconds);
  }
  res->set(http::field::content_type, "text/plain; charset=utf-8");
  res->set(http::field::cache_control, "no-store");
  res->keep_alive(false);
  res->body() =
      "FORBIDDEN_ORIGIN: pages from " + std::string(req[http::field::origin]) +
      " may not open a connection to this server (the operator can allow it with --allowed-origins)\n";
  res->prepare_payload();
  http::async_write(stream_, *res, [self = this->shared_from_this(), res](beast::error_code ec, std::size_t n) {
    self->on_write(false, ec, n);
  });
}

template <class Stream>
void HttpSession<Stream>::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return;
  if (!keep_alive) return finish();
  do_read();
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

namespace {

class TlsDetector : public std::enable_shared_from_this<TlsDetector> {
 public:
  TlsDetector(asio::ip::tcp::socket&& socket, ServerContext& ctx, UnauthenticatedLimit::Slot slot)
      : stream_(std::move(socket)), ctx_(ctx), slot_(std::move(slot)) {}
  ~TlsDetector() {
    if (!handed_over_) metrics().connections.fetch_sub(1, std::memory_order_relaxed);
  }

  void start() {
    stream_.expires_after(std::chrono::seconds(ctx_.options.handshake_timeout_seconds));
    beast::async_detect_ssl(stream_, buffer_, beast::bind_front_handler(&TlsDetector::on_detect, shared_from_this()));
  }

 private:
  void on_detect(beast::error_code ec, bool is_tls) {
    if (ec) return;
    if (is_tls) {
      handed_over_ = true;
      // The context is the current one (SIGHUP may have swapped it since the
      // accept). The stream need not keep `tls` alive: making it calls
      // SSL_new, which takes a reference on the SSL_CTX, and SSL_free drops
      // it, so the certificate and key a connection started with stay valid
      // for its whole life (WebSocket included) even after a reload has
      // released the asio::ssl::context that owned them. We set no password
      // or verify callback on the context, the only state asio frees with the
      // wrapper itself.
      std::shared_ptr<asio::ssl::context> tls = ctx_.tls.get();
      std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(stream_), *tls), ctx_, std::move(buffer_),
                                               std::move(slot_))
          ->start();
      return;
    }
    // Whatever the peer sent, one readable answer beats a TLS alert it cannot
    // parse: browsers and curl show this text.
    metrics().tls_plaintext_refused_total.fetch_add(1, std::memory_order_relaxed);
    static const std::string kUseHttps =
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n"
        "X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n"
        "Content-Security-Policy: " + std::string(kContentSecurityPolicy) + "\r\nContent-Length: 55\r\n\r\n"
        "This port speaks TLS only: use https:// or wss:// URLs\n";
    asio::async_write(stream_, asio::buffer(kUseHttps), [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  ServerContext& ctx_;
  beast::flat_buffer buffer_;
  UnauthenticatedLimit::Slot slot_;
  bool handed_over_ = false;
};

}  // namespace

void start_tls_detector(asio::ip::tcp::socket&& socket, ServerContext& ctx, UnauthenticatedLimit::Slot slot) {
  std::make_shared<TlsDetector>(std::move(socket), ctx, std::move(slot))->start();
}

}  // namespace kenes::server
