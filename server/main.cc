// kenes-server: see --help, README.md and server/README.md.

#include <malloc.h>
#include <sys/resource.h>

#include <cstdio>

#include "demo_links.h"
#include "logger.h"
#include "options.h"
#include "server.h"
#include "version.h"

namespace {

// Every connection is a file descriptor, and the usual soft limit (1024) is
// far below --max-connections: take the hard limit the operator allows.
void raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kenes::server;
#ifdef __GLIBC__
  // Blocks of 1 MiB and more (snapshot sets and their copies, full
  // assessment snapshot segments, RocksDB's arena blocks) come from mmap
  // and go back to the system when freed. glibc's default raises this
  // threshold each time such a block is freed, up to 32 MiB, after which
  // those blocks come from the heaps and leave holes that are never
  // returned: in a 10-minute soak the server's RSS grew 4.9 MB/min with the
  // default and 1.4 MB/min with this (bench/README.md, soak). Measured
  // again after the snapshot segments: 3.2 MB/min without, 0.55 with, in
  // 10-minute soaks (p99 15.3 and 17.0 ms: no latency cost that one run
  // each can show).
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
  raise_fd_limit();
  ParsedOptions parsed = parse_server_options(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  const ServerOptions& o = *parsed.options;
  set_log_format_json(o.log_format == "json");
  set_min_log_level(o.log_level == "debug"  ? LogLevel::kDebug
                    : o.log_level == "warn" ? LogLevel::kWarn
                    : o.log_level == "error" ? LogLevel::kError
                                             : LogLevel::kInfo);

  Server server(o);
  std::string error = server.open();
  if (!error.empty()) {
    log(LogLevel::kError, "startup_failed", {{"error", error}});
    std::fprintf(stderr, "kenes-server: %s\n", error.c_str());
    // 3: the socket (a restart may find the port free); 1: anything a
    // restart will not change. packaging/kenes-server.service relies on it.
    return server.listen_failed() ? 3 : 1;
  }
  // One line that says what runs, how it is configured and what it found:
  // the first thing to read in an incident, and what monitoring can match.
  std::string heads;
  size_t unverified = 0;
  const auto& loaded = server.loaded_consultations();
  for (size_t i = 0; i < loaded.size(); ++i) {
    if (!loaded[i].verified) ++unverified;
    if (i < 20) heads += (heads.empty() ? "" : ",") + loaded[i].id + "@" + std::to_string(loaded[i].head_seq);
  }
  if (loaded.size() > 20) heads += ",...";
  const std::string data_health = unverified == 0 ? "ok: every log verified"
                                                  : std::to_string(unverified) +
                                                        " consultation(s) do not verify; served read-only up to the break";
  log(unverified == 0 ? LogLevel::kInfo : LogLevel::kWarn, "listening",
      {{"version", kVersion},
       {"url", server.base_url()},
       {"listen", o.listen},
       {"port", static_cast<int>(server.port())},
       {"metrics", o.metrics_listen.empty() ? std::string("/metrics on --listen")
                                            : "/metrics on " + o.metrics_listen.substr(0, o.metrics_listen.rfind(':')) +
                                                  ":" + std::to_string(server.metrics_port()) + " only"},
       {"tls", !o.tls_cert.empty()},
       {"allowed_origins", o.allowed_origins.empty() ? std::string("same host or --public-url") : o.allowed_origins},
       {"data_dir", o.data_dir},
       {"durability", o.durability},
       {"threads", o.threads},
       {"max_connections", o.max_connections},
       {"max_unauthenticated_per_address", o.max_unauthenticated_per_address},
       {"max_message_bytes", o.max_message_bytes},
       {"max_outbound_queue_bytes", o.max_outbound_queue_bytes},
       {"rate_limit", o.rate_limit_messages_per_second},
       {"idle_timeout_seconds", o.idle_timeout_seconds},
       {"web_root", server.context().web_root.string()},
       {"secret_key", server.secret_key_created() ? "created" : "loaded"},
       {"email_digest", o.smtp_host.empty() ? std::string("off (no --smtp-host)")
                                            : "via " + o.smtp_host + ":" + std::to_string(o.smtp_port) +
                                                  ", checked every " + std::to_string(o.digest_check_seconds) + " s"},
       {"consultations", static_cast<uint64_t>(loaded.size())},
       {"log_heads", heads},
       {"data_health", data_health}});
  if (o.demo) {
    // On stdout, one per line, for people and for the end-to-end tests.
    std::printf("\nKenes is running at %s\nOpen these invite links (each in its own browser window or profile):\n",
                server.base_url().c_str());
    for (const auto& link : demo_links(*server.context().signer, server.base_url())) {
      std::printf("  %-11s %s\n", (link.label + ":").c_str(), link.url.c_str());
    }
    std::printf("\nStop with Ctrl-C.\n");
    std::fflush(stdout);
  }
  server.run();
  return 0;
}
