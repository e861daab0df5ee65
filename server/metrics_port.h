#pragma once

// --metrics-listen: /metrics (and /healthz, for the probe that watches the
// scraper's target) on an address of their own, so that an operator can keep
// the figures on 127.0.0.1 or an internal network while the public port
// answers /metrics with 404. Plain HTTP even when the public port speaks
// TLS: the address is meant to be one only the operator's machines reach.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

#include "http_routes.h"
#include "server_context.h"

namespace kenes::server {

// Serves one connection accepted on --metrics-listen: requests one at a time
// (keep-alive, as Prometheus scrapes), each read within
// --handshake-timeout-seconds. Past kMaxMetricsSessions open at once, the
// socket is closed at once: nothing there is worth many connections.
constexpr int kMaxMetricsSessions = 16;
void start_metrics_session(boost::asio::ip::tcp::socket&& socket, ServerContext& ctx);

// The answer on the metrics port: /metrics, /healthz, 404 for anything else.
StringResponse handle_metrics_port_request(const boost::beast::http::request<boost::beast::http::string_body>& req);

// True for a request of /metrics (any query); the public port answers it
// with metrics_not_here() when --metrics-listen is set.
bool is_metrics_path(const boost::beast::http::request<boost::beast::http::string_body>& req);
StringResponse metrics_not_here(const boost::beast::http::request<boost::beast::http::string_body>& req);

}  // namespace kenes::server
