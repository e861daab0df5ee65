#include "options.h"

#include <boost/asio/ip/address.hpp>
#include <boost/program_options.hpp>
#include <cctype>
#include <iostream>

#include "consultation/email_address.h"
#include "origin_check.h"
#include "version.h"

namespace po = boost::program_options;

namespace kenes::server {

ParsedOptions parse_server_options(int argc, char** argv) {
  ServerOptions o;
  std::string ws_deflate = o.ws_deflate ? "on" : "off";
  po::options_description desc(
      "kenes-server: the Kenes consultation server.\n"
      "Every flag can also be set as an environment variable: --web-root is KENES_WEB_ROOT.\n\n"
      "Options");
  // clang-format off
  desc.add_options()
    ("help", "print this help and exit")
    ("version", "print the version and exit")
    ("listen", po::value(&o.listen)->default_value(o.listen), "address:port for HTTP and WebSocket (port 0: any free port)")
    ("metrics-listen", po::value(&o.metrics_listen), "address:port serving /metrics (and /healthz) alone, plain HTTP, e.g. 127.0.0.1:9090; the public port then answers /metrics with 404. Default: /metrics on --listen")
    ("data-dir", po::value(&o.data_dir)->default_value(o.data_dir), "data folder: the log, snapshots and the secret key")
    ("web-root", po::value(&o.web_root)->default_value(o.web_root), "folder with the built web app")
    ("public-url", po::value(&o.public_url), "base of printed links (default http://<listen>)")
    ("tls-cert", po::value(&o.tls_cert), "PEM certificate chain: serve https:// and wss:// only (needs --tls-key)")
    ("tls-key", po::value(&o.tls_key), "PEM private key of --tls-cert")
    ("hsts-max-age-seconds", po::value(&o.hsts_max_age_seconds)->default_value(o.hsts_max_age_seconds), "with --tls-cert: Strict-Transport-Security max-age on every response (one year); 0: no header")
    ("allowed-origins", po::value(&o.allowed_origins), "comma list of origins (https://host[:port]) whose pages may open a WebSocket, or *; default: the request's own Host and --public-url. Requests without Origin (non-browser tools) always pass")
    ("threads", po::value(&o.threads)->default_value(o.threads), "I/O threads")
    ("durability", po::value(&o.durability)->default_value(o.durability), "fsync (default: survives power loss) | wal (survives a process crash) | none (tests only)")
    ("max-message-bytes", po::value(&o.max_message_bytes)->default_value(o.max_message_bytes), "largest inbound WebSocket message")
    ("max-outbound-queue-bytes", po::value(&o.max_outbound_queue_bytes)->default_value(o.max_outbound_queue_bytes), "per-connection send queue; a reader further behind is closed")
    ("max-connections", po::value(&o.max_connections)->default_value(o.max_connections), "open connections at once")
    ("rate-limit", po::value(&o.rate_limit_messages_per_second)->default_value(o.rate_limit_messages_per_second), "messages per second per connection (token bucket)")
    ("rate-limit-burst", po::value(&o.rate_limit_burst)->default_value(o.rate_limit_burst), "token bucket size")
    ("max-connections-per-participant", po::value(&o.max_connections_per_participant)->default_value(o.max_connections_per_participant), "connections one participant may hold open at once (tabs, devices)")
    ("rate-limit-bytes", po::value(&o.rate_limit_bytes_per_second)->default_value(o.rate_limit_bytes_per_second), "inbound bytes per second per participant (token bucket)")
    ("rate-limit-bytes-burst", po::value(&o.rate_limit_bytes_burst)->default_value(o.rate_limit_bytes_burst), "inbound bytes token bucket size")
    ("rate-limit-records", po::value(&o.rate_limit_records_per_second)->default_value(o.rate_limit_records_per_second), "records per second a participant's requests may add (comments, reactions, polls; not text edits)")
    ("rate-limit-records-burst", po::value(&o.rate_limit_records_burst)->default_value(o.rate_limit_records_burst), "their token bucket size")
    ("idle-timeout-seconds", po::value(&o.idle_timeout_seconds)->default_value(o.idle_timeout_seconds), "close a connection silent for this long (pings keep live ones open)")
    ("max-unauthenticated-per-address", po::value(&o.max_unauthenticated_per_address)->default_value(o.max_unauthenticated_per_address), "connections one address may hold open before saying Hello (HTTP and WebSocket; IPv6 per /64; loopback, e.g. a proxy on this machine, not counted); more get 503. 0: no cap")
    ("handshake-timeout-seconds", po::value(&o.handshake_timeout_seconds)->default_value(o.handshake_timeout_seconds), "time allowed for an HTTP request, the upgrade and Hello")
    ("ws-deflate", po::value(&ws_deflate)->default_value(ws_deflate), "on | off: permessage-deflate on the WebSocket when the client offers it (browsers do)")
    ("ws-deflate-level", po::value(&o.ws_deflate_level)->default_value(o.ws_deflate_level), "its compression level, 1 (fastest) - 9 (smallest)")
    ("ws-deflate-window-bits", po::value(&o.ws_deflate_window_bits)->default_value(o.ws_deflate_window_bits), "its window, 2^N bytes, 9-15: memory per connection against ratio")
    ("ws-deflate-mem-level", po::value(&o.ws_deflate_mem_level)->default_value(o.ws_deflate_mem_level), "its zlib memLevel, 1-9: memory per connection against speed")
    ("ws-deflate-min-bytes", po::value(&o.ws_deflate_min_bytes)->default_value(o.ws_deflate_min_bytes), "frames smaller than this are sent uncompressed")
    ("snapshot-every", po::value(&o.snapshot_every_records)->default_value(o.snapshot_every_records), "write document snapshots every N records")
    ("catch-up-max-records", po::value(&o.catch_up_max_records)->default_value(o.catch_up_max_records), "a returning client at most N records behind catches up from the log; further behind, it gets the state")
    ("join-state-max-age-ms", po::value(&o.join_state_max_age_ms)->default_value(o.join_state_max_age_ms), "a client joining by state may get one made up to this long ago for another joiner, and the records since; 0: always a state made at the log's head")
    ("min-free-disk-mb", po::value(&o.min_free_disk_mb)->default_value(o.min_free_disk_mb), "refuse log writes (STORAGE_FAILURE, disk nearly full) while the data folder's disk has less free; they resume once it has more again. 0: no reserve")
    ("storage-retry-seconds", po::value(&o.storage_retry_seconds)->default_value(o.storage_retry_seconds), "after a log write failed (disk full...), try to resume writing this often; 0: only a restart does")
    ("allow-corrupt-log", po::bool_switch(&o.allow_corrupt_log), "start even if the log fails verification (serves what verifies; see kenes-admin repair)")
    ("smtp-host", po::value(&o.smtp_host), "SMTP server for the e-mail digest (plain SMTP, no STARTTLS/AUTH: use a local relay); none: no digests")
    ("smtp-port", po::value(&o.smtp_port)->default_value(o.smtp_port), "its port")
    ("smtp-from", po::value(&o.smtp_from), "From address of digests (default kenes@<smtp host>)")
    ("digest-check-seconds", po::value(&o.digest_check_seconds)->default_value(o.digest_check_seconds), "how often each consultation looks for digests due")
    ("log-format", po::value(&o.log_format)->default_value(o.log_format), "json (one object per line) | text")
    ("log-level", po::value(&o.log_level)->default_value(o.log_level), "debug | info | warn | error")
    ("demo", po::bool_switch(&o.demo), "on an empty data folder, create a demo consultation and print invite links");
  // clang-format on
  // Test-only settings: parsed, never shown in --help.
  po::options_description hidden;
  hidden.add_options()("digest-period-scale", po::value(&o.digest_period_scale)->default_value(o.digest_period_scale),
                       "tests only: multiply every digest period by this");
  po::options_description all;
  all.add(desc).add(hidden);

  ParsedOptions result;
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, all), vm);
    // KENES_WEB_ROOT -> web-root, only for names that are flags.
    po::store(po::parse_environment(all,
                                    [&all](const std::string& env) -> std::string {
                                      if (env.rfind("KENES_", 0) != 0) return "";
                                      std::string name;
                                      for (char c : env.substr(6)) {
                                        name += c == '_' ? '-' : static_cast<char>(std::tolower(c));
                                      }
                                      return all.find_nothrow(name, false) ? name : "";
                                    }),
              vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "kenes-server: " << e.what() << "\n(see --help)\n";
    result.exit_code = 2;
    return result;
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return result;
  }
  if (vm.count("version")) {
    std::cout << "kenes-server " << kVersion << "\n";
    return result;
  }
  auto bad = [&](const std::string& msg) {
    std::cerr << "kenes-server: " << msg << "\n";
    result.exit_code = 2;
    return result;
  };
  if (std::string error; !parse_listen(o.listen, &error)) return bad(error);
  if (std::string error; !o.metrics_listen.empty()) {
    const auto metrics_at = parse_listen(o.metrics_listen, &error, "--metrics-listen");
    if (!metrics_at) return bad(error);
    const auto public_at = parse_listen(o.listen, &error);
    if (metrics_at->port != 0 && metrics_at->port == public_at->port && metrics_at->address == public_at->address) {
      return bad("--metrics-listen must be another address or port than --listen (leave it out to serve /metrics there)");
    }
  }
  if (o.durability != "fsync" && o.durability != "wal" && o.durability != "none") {
    return bad("--durability must be fsync, wal or none");
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) return bad("--tls-cert and --tls-key go together: give both or neither");
  if (std::vector<std::string> origins; !parse_allowed_origins(o.allowed_origins, origins).empty()) {
    return bad(parse_allowed_origins(o.allowed_origins, origins));
  }
  if (o.log_format != "json" && o.log_format != "text") return bad("--log-format must be json or text");
  if (o.log_level != "debug" && o.log_level != "info" && o.log_level != "warn" && o.log_level != "error") {
    return bad("--log-level must be debug, info, warn or error");
  }
  if (o.threads < 1 || o.threads > 256) return bad("--threads must be between 1 and 256");
  if (o.max_message_bytes < 1024) return bad("--max-message-bytes must be at least 1024");
  if (o.max_outbound_queue_bytes < 4 * o.max_message_bytes) {
    return bad("--max-outbound-queue-bytes must be at least 4 x --max-message-bytes (a catch-up batch plus live "
               "traffic must fit)");
  }
  if (o.rate_limit_messages_per_second <= 0 || o.rate_limit_burst < 1) return bad("--rate-limit and --rate-limit-burst must be positive");
  if (o.max_connections_per_participant < 1) return bad("--max-connections-per-participant must be at least 1");
  if (o.rate_limit_records_per_second <= 0 || o.rate_limit_records_burst < 1) {
    return bad("--rate-limit-records and --rate-limit-records-burst must be positive");
  }
  if (o.rate_limit_bytes_per_second <= 0 || o.rate_limit_bytes_burst < 1024) {
    return bad("--rate-limit-bytes must be positive and --rate-limit-bytes-burst at least 1024");
  }
  if (ws_deflate != "on" && ws_deflate != "off") return bad("--ws-deflate must be on or off");
  o.ws_deflate = ws_deflate == "on";
  if (o.ws_deflate_level < 1 || o.ws_deflate_level > 9) return bad("--ws-deflate-level must be between 1 and 9");
  // Beast refuses 8 (a zlib bug makes it 9 anyway).
  if (o.ws_deflate_window_bits < 9 || o.ws_deflate_window_bits > 15) {
    return bad("--ws-deflate-window-bits must be between 9 and 15");
  }
  if (o.ws_deflate_mem_level < 1 || o.ws_deflate_mem_level > 9) {
    return bad("--ws-deflate-mem-level must be between 1 and 9");
  }
  if (o.snapshot_every_records < 1) return bad("--snapshot-every must be at least 1");
  if (o.digest_check_seconds < 1) return bad("--digest-check-seconds must be at least 1");
  if (!(o.digest_period_scale > 0)) return bad("--digest-period-scale must be positive");
  if (!o.smtp_host.empty()) {
    if (o.smtp_from.empty()) o.smtp_from = "kenes@" + o.smtp_host;
    if (!consultation::plausible_email_address(o.smtp_from)) {
      return bad("--smtp-from must be one plain address like kenes@example.org");
    }
  }
  result.options = o;
  return result;
}

std::optional<ListenAddress> parse_listen(const std::string& text, std::string* error, const char* flag) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    *error = std::string(flag) + " must be host:port, e.g. 127.0.0.1:8080 or [::1]:8080 (got '" + text + "')";
    return std::nullopt;
  }
  ListenAddress out;
  out.host = text.substr(0, colon);
  out.address = out.host;
  if (out.address.size() >= 2 && out.address.front() == '[' && out.address.back() == ']') {
    out.address = out.address.substr(1, out.address.size() - 2);
  }
  boost::system::error_code ec;
  boost::asio::ip::make_address(out.address, ec);
  if (ec) {
    *error = std::string(flag) + ": '" + out.host + "' is not an IP address (give one, e.g. 127.0.0.1 or 0.0.0.0)";
    return std::nullopt;
  }
  const std::string port = text.substr(colon + 1);
  uint32_t value = 0;
  bool digits = !port.empty() && port.size() <= 5;
  for (char c : port) {
    digits = digits && c >= '0' && c <= '9';
    if (digits) value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (!digits || value > 65535) {
    *error = std::string(flag) + ": the port must be a number from 0 to 65535 (got '" + port + "')";
    return std::nullopt;
  }
  out.port = static_cast<uint16_t>(value);
  return out;
}

}  // namespace kenes::server
