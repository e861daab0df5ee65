#include "http_routes.h"

#include "metrics.h"
#include "static_files.h"
#include "version.h"

namespace kenes::server {

namespace http = boost::beast::http;

// The web app is one HTML page plus hashed assets from this server: nothing
// inline, nothing from elsewhere. 'self' in connect-src covers ws:// and wss://
// to the same host (CSP Level 3, in every current browser). style-src needs
// 'unsafe-inline' because the editor (CodeMirror) injects its theme as
// <style> elements at run time; scripts stay 'self' only, which is what stops
// an injected script. frame-ancestors (with X-Frame-Options for old browsers)
// forbids framing (clickjacking a chair's revoke button).
const char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

void set_security_headers(http::fields& f) {
  f.set(http::field::server, std::string("kenes/") + kVersion);
  f.set("X-Content-Type-Options", "nosniff");
  // Invite links carry the token in the fragment, which browsers never send
  // as a referrer; no-referrer also hides consultation paths from other sites.
  f.set("Referrer-Policy", "no-referrer");
  f.set("X-Frame-Options", "DENY");
  f.set("Content-Security-Policy", kContentSecurityPolicy);
}

namespace {

StringResponse text(const http::request<http::string_body>& req, http::status status, std::string body,
                    const char* content_type = "text/plain; charset=utf-8") {
  StringResponse res{status, req.version()};
  set_security_headers(res.base());
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace

HttpResponse handle_http_request(const http::request<http::string_body>& req, ServerContext& ctx) {
  metrics().http_requests_total.fetch_add(1, std::memory_order_relaxed);
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto res = text(req, http::status::method_not_allowed, "only GET and HEAD are served here\n");
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  std::string_view target(req.target().data(), req.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  if (path == "/healthz") return text(req, http::status::ok, "ok\n");
  if (path == "/readyz") {
    if (!ctx.ready.load() || ctx.stopping.load()) {
      return text(req, http::status::service_unavailable, "not ready: starting or stopping\n");
    }
    for (const auto& room : ctx.rooms.all()) {
      if (!room->healthy()) {
        return text(req, http::status::service_unavailable,
                    "not ready: consultation " + room->consultation_id() + " cannot write its log\n");
      }
    }
    return text(req, http::status::ok, "ready\n");
  }
  if (path == "/metrics") {
    return text(req, http::status::ok, metrics().render(), "text/plain; version=0.0.4; charset=utf-8");
  }
  if (path == "/version") {
    return text(req, http::status::ok, std::string("{\"version\":\"") + kVersion + "\"}\n", "application/json");
  }

  StaticFile file = resolve_static_file(ctx.web_root, target);
  if (file.kind == StaticFile::Kind::kBadRequest) return text(req, http::status::bad_request, "bad path\n");
  if (file.kind == StaticFile::Kind::kNotFound) {
    return text(req, http::status::not_found,
                "not found (is the web app built? it is served from " + ctx.web_root.string() + ")\n");
  }
  auto cache = file.immutable ? "public, max-age=31536000, immutable" : "no-cache";
  if (auto inm = req[http::field::if_none_match]; !inm.empty() && inm == file.etag) {
    StringResponse res{http::status::not_modified, req.version()};
    set_security_headers(res.base());
    res.set(http::field::etag, file.etag);
    res.set(http::field::cache_control, cache);
    res.keep_alive(req.keep_alive());
    return res;
  }
  http::file_body::value_type body;
  boost::beast::error_code ec;
  body.open(file.path.c_str(), boost::beast::file_mode::scan, ec);
  if (ec) return text(req, http::status::not_found, "not found\n");
  FileResponse res{std::piecewise_construct, std::make_tuple(std::move(body)),
                   std::make_tuple(http::status::ok, req.version())};
  set_security_headers(res.base());
  res.set(http::field::content_type, file.mime);
  res.set(http::field::etag, file.etag);
  res.set(http::field::cache_control, cache);
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  if (req.method() == http::verb::head) {
    // Keep the Content-Length of the file, send no body.
    StringResponse head{http::status::ok, req.version()};
    head.base() = res.base();
    head.keep_alive(req.keep_alive());
    return head;
  }
  return res;
}

}  // namespace kenes::server
