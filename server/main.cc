// kenes-server: see --help, README.md and server/README.md.

#include <sys/resource.h>

#include <cstdio>

#include "demo.h"
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
    return 1;
  }
  log(LogLevel::kInfo, "listening",
      {{"version", kVersion},
       {"url", server.base_url()},
       {"data_dir", o.data_dir},
       {"durability", o.durability},
       {"threads", o.threads},
       {"web_root", server.context().web_root.string()}});
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
