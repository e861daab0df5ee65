#include "http_routes.h"

#include <chrono>
#include <vector>

#include "metrics.h"
#include "replay/report/export.h"
#include "storage/format.h"
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

void set_strict_transport_security(http::fields& f, uint64_t max_age_seconds) {
  if (max_age_seconds > 0) f.set("Strict-Transport-Security", "max-age=" + std::to_string(max_age_seconds));
}

StringResponse text_response(const http::request<http::string_body>& req, http::status status, std::string body,
                             const char* content_type) {
  StringResponse res{status, req.version()};
  set_security_headers(res.base());
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

std::string_view path_of(const http::request<http::string_body>& req) {
  std::string_view target(req.target().data(), req.target().size());
  return target.substr(0, target.find('?'));
}

namespace {

StringResponse text(const http::request<http::string_body>& req, http::status status, std::string body,
                    const char* content_type = "text/plain; charset=utf-8") {
  return text_response(req, status, std::move(body), content_type);
}

// Every value of `key` in the request target's query, as sent: no
// percent-decoding, since the values asked for here are plain ASCII codes
// (an encoded one is refused as unknown rather than guessed at).
std::vector<std::string_view> query_values(const http::request<http::string_body>& req, std::string_view key) {
  std::string_view target(req.target().data(), req.target().size());
  std::vector<std::string_view> out;
  auto q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) != key) continue;
    out.push_back(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
  }
  return out;
}

// GET /api/consultations/<id>/export/<name>[?lang=en|ru|kk][&variant=publication|working],
// with the participant's invite token as "Authorization: Bearer <token>" (the
// same token the WebSocket Hello carries). The log decides the role and
// revocation, as for a connection; the token's role counts only for someone
// not yet in the log.
StringResponse handle_export(const http::request<http::string_body>& req, std::string_view path,
                             ServerContext& ctx) {
  std::string_view rest = path.substr(std::string_view("/api/consultations/").size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || rest.substr(slash, 8) != "/export/") {
    return text(req, http::status::not_found, "not found\n");
  }
  std::string id(rest.substr(0, slash));
  std::string name(rest.substr(slash + 8));
  report::ExportOptions options;
  if (auto langs = query_values(req, "lang"); !langs.empty()) {
    if (langs.size() > 1) return text(req, http::status::bad_request, "lang is given more than once\n");
    auto lang = report::parse_lang(langs.front());
    if (!lang) {
      return text(req, http::status::bad_request,
                  "unknown language \"" + std::string(langs.front()) + "\": lang is en, ru or kk\n");
    }
    options.lang = *lang;
  }
  // Only the report has a publication and a working copy; a variant asked of
  // the minutes or the votes is a mistake worth saying, not a parameter to drop.
  if (auto variants = query_values(req, "variant"); !variants.empty()) {
    if (!report::is_report_export(name)) {
      return text(req, http::status::bad_request,
                  "variant is for report.md, report.html and report.docx only, not " + name + "\n");
    }
    if (variants.size() > 1) return text(req, http::status::bad_request, "variant is given more than once\n");
    auto variant = report::parse_variant(variants.front());
    if (!variant) {
      return text(req, http::status::bad_request,
                  "unknown variant \"" + std::string(variants.front()) + "\": variant is publication or working\n");
    }
    options.variant = *variant;
  }

  auto unauthorized = [&](const std::string& why) {
    auto res = text(req, http::status::unauthorized, why + "\n");
    res.set(http::field::www_authenticate, "Bearer realm=\"kenes\"");
    return res;
  };
  std::string_view auth(req[http::field::authorization].data(), req[http::field::authorization].size());
  if (auth.substr(0, 7) != "Bearer " || auth.size() == 7) {
    return unauthorized("an export needs the participant's invite token: Authorization: Bearer <token>");
  }
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  TokenCheck check = ctx.signer->verify(auth.substr(7), now);
  if (!check.claims) return unauthorized("the token is refused: " + check.message);
  if (check.claims->consultation_id != id) {
    return text(req, http::status::forbidden, "this token is for another consultation\n");
  }
  if (!ctx.log) return text(req, http::status::service_unavailable, "not ready: starting\n");

  // What was made at this head, for whom, is kept (ServerContext): a head
  // costs one read, a fold costs up to a snapshot interval of records.
  if (!check.claims->registration_id.empty()) {
    return text(req, http::status::forbidden, "a registration link cannot download exports; register first\n");
  }
  const consultation::Invitation who = invitation_of(*check.claims);
  auto at_head = [&](const std::string& seq, const std::string& hash_hex) { return id + '\0' + seq + '\0' + hash_hex; };
  auto access_key = [&](const std::string& head) {
    return head + '\0' + who.participant_id + '\0' + std::to_string(who.role) + '\0' + who.display_name + '\0' +
           std::to_string(who.link_generation);
  };
  // The language and the variant are part of what was made: "ru-RU" and "ru"
  // are one answer, English and Kazakh never are, nor a publication and a
  // working copy.
  auto made_key = [&](const std::string& head) {
    return head + '\0' + name + '\0' + std::string(report::lang_code(options.lang)) + '\0' +
           std::string(report::variant_name(options.variant));
  };
  std::shared_ptr<const report::ExportAccess> access;
  std::shared_ptr<const report::ExportOutput> made;
  if (auto head = ctx.log->head(id); head.ok() && head.value().seq > 0) {
    const std::string key = at_head(std::to_string(head.value().seq), storage::to_hex(head.value().hash));
    access = ctx.export_access.get(access_key(key));
    if (access) made = ctx.export_outputs.get(made_key(key));
  }
  if (!access || !made) {
    report::LoadedConsultation loaded = report::load_consultation(*ctx.log, id);
    if (!loaded.error.empty()) return text(req, http::status::internal_server_error, loaded.error + "\n");
    if (!loaded.exists) return text(req, http::status::not_found, "no consultation " + id + "\n");
    const std::string key = at_head(std::to_string(loaded.head.seq), loaded.head.hash_hex);
    access = std::make_shared<const report::ExportAccess>(
        report::check_export_access(loaded.state, check.claims->consultation_id, who));
    ctx.export_access.put(access_key(key), access);
    if (*access == report::ExportAccess::kAllowed) {
      made = std::make_shared<const report::ExportOutput>(report::render_export(*ctx.log, loaded, name, options));
      // Only what a later request at this head would get again: not a
      // failure, which may be a passing read error.
      if (made->code == report::ExportOutput::Code::kOk) ctx.export_outputs.put(made_key(key), made);
    }
  }
  switch (*access) {
    case report::ExportAccess::kAllowed: break;
    case report::ExportAccess::kOtherConsultation:
      return text(req, http::status::forbidden, "this token is for another consultation\n");
    case report::ExportAccess::kRevoked:
      return text(req, http::status::forbidden, "this participant's access was revoked\n");
    case report::ExportAccess::kRoleRefused: return text(req, http::status::forbidden, "this role may not export\n");
  }

  const report::ExportOutput& out = *made;
  switch (out.code) {
    case report::ExportOutput::Code::kOk: break;
    case report::ExportOutput::Code::kNotFound: return text(req, http::status::not_found, out.message + "\n");
    case report::ExportOutput::Code::kNotAvailable:
      return text(req, http::status::not_implemented, out.message + "\n");
    case report::ExportOutput::Code::kFailed:
      return text(req, http::status::internal_server_error, out.message + "\n");
  }
  auto res = text(req, http::status::ok, out.body, out.content_type.c_str());
  res.set(http::field::content_disposition, "attachment; filename=\"" + out.file_name + "\"");
  res.set("X-Kenes-Log-Head", std::to_string(out.head.seq) + ":" + out.head.hash_hex);
  if (req.method() == http::verb::head) res.body().clear();  // Content-Length stays that of the body
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
  if (path.rfind("/api/consultations/", 0) == 0) return handle_export(req, path, ctx);
  if (path == "/version") {
    return text(req, http::status::ok, std::string("{\"version\":\"") + kVersion + "\"}\n", "application/json");
  }

  StaticFile file = resolve_static_file(ctx.web_root, target);
  if (file.kind == StaticFile::Kind::kBadRequest) return text(req, http::status::bad_request, "bad path\n");
  if (file.kind == StaticFile::Kind::kNotFound) {
    return text(req, http::status::not_found,
                "not found (is the web app built? it is served from " + ctx.web_root.string() + ")\n");
  }
  file = choose_encoding(ctx.web_root, file, req[http::field::accept_encoding]);
  auto cache = file.immutable ? "public, max-age=31536000, immutable" : "no-cache";
  // Caches must key the precompressed and plain answers apart.
  auto set_encoding = [&file](auto& fields) {
    if (!file.encoding.empty()) fields.set(http::field::content_encoding, file.encoding);
    if (file.vary) fields.set(http::field::vary, "Accept-Encoding");
  };
  if (auto inm = req[http::field::if_none_match]; !inm.empty() && inm == file.etag) {
    StringResponse res{http::status::not_modified, req.version()};
    set_security_headers(res.base());
    res.set(http::field::etag, file.etag);
    res.set(http::field::cache_control, cache);
    if (file.vary) res.set(http::field::vary, "Accept-Encoding");
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
  set_encoding(res.base());
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
