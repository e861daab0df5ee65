#pragma once

// The HTTP side of the server: static files of the web app and the operator
// endpoints (/healthz, /readyz, /metrics, /version). Pure request -> response,
// no socket, so it is testable without a network.

#include <boost/beast/http.hpp>
#include <variant>

#include "server_context.h"

namespace kenes::server {

using StringResponse = boost::beast::http::response<boost::beast::http::string_body>;
using FileResponse = boost::beast::http::response<boost::beast::http::file_body>;
using HttpResponse = std::variant<StringResponse, FileResponse>;

HttpResponse handle_http_request(const boost::beast::http::request<boost::beast::http::string_body>& req,
                                 ServerContext& ctx);

// Headers every HTTP response carries (STYLE: security at the edge):
// Content-Security-Policy (kContentSecurityPolicy), X-Content-Type-Options,
// X-Frame-Options, Referrer-Policy. Responses written as raw text (the 503 of
// the connection limit) spell the same headers out.
extern const char kContentSecurityPolicy[];
void set_security_headers(boost::beast::http::fields& fields);
// Strict-Transport-Security, on responses sent over native TLS only (a
// browser ignores it over plain HTTP, and behind a TLS proxy the proxy sets
// it): --hsts-max-age-seconds (0: none), no includeSubDomains (other hosts of
// the domain are not ours to decide). docs/operations.md, "TLS".
void set_strict_transport_security(boost::beast::http::fields& fields, uint64_t max_age_seconds);

// A plain answer with the security headers, never cached, keeping the
// request's keep-alive: what every operator endpoint and error sends.
StringResponse text_response(const boost::beast::http::request<boost::beast::http::string_body>& req,
                             boost::beast::http::status status, std::string body,
                             const char* content_type = "text/plain; charset=utf-8");

// The request's path: its target without the query.
std::string_view path_of(const boost::beast::http::request<boost::beast::http::string_body>& req);

}  // namespace kenes::server
