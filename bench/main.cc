// kenes-bench: the benchmark tool. `kenes-bench WORKLOAD [options]`; each
// workload documents its options with --help.

#include <cstdio>
#include <cstring>
#include <string_view>

#include "workloads.h"

namespace {

struct Workload {
  const char* name;
  int (*main)(int, char**);
  const char* summary;
};

constexpr Workload kWorkloads[] = {
    {"engine-trace", kenes::bench::engine_trace_main,
     "replay editing traces through the engine (op objects, validate, apply)"},
    {"log-append", kenes::bench::log_append_main,
     "append small records to the RocksDB log with 1..N concurrent appenders"},
    {"log-recover", kenes::bench::log_recover_main,
     "open a log of 1M edit records across 100 documents and rebuild the state (snapshots + tail)"},
    {"trace", kenes::bench::trace_main,
     "an editing trace typed by one client through kenes-server, one reader, until the reader has it"},
    {"echo-baseline", kenes::bench::echo_baseline_main,
     "the trace workload's frames through a bare Beast echo (the physical limit for `trace`)"},
    {"room", kenes::bench::room_main, "C clients typing R ops/s each in one consultation: latency to every other client"},
    {"hostile", kenes::bench::hostile_main,
     "the room's latency quiet, then while one member floods comments and another loops exports"},
    {"saturate", kenes::bench::saturate_main, "W writers on one document as fast as the client library takes edits"},
    {"idle", kenes::bench::idle_main, "N idle authenticated connections: server RSS per connection"},
    {"poll", kenes::bench::poll_main, "V voters vote within a second in a live anonymous poll: latency to every client's result"},
    {"validation", kenes::bench::validation_main,
     "a validation session over the 109 core items with V voters: next -> poll on every screen, close -> outcome"},
    {"soak", kenes::bench::soak_main,
     "C clients typing and voting for S seconds: RSS slope, errors, latency per minute, tallies, log verify"},
    {"threads", kenes::bench::threads_main,
     "trace ops/s with and without 2,000 anchored threads; a late participant's catch-up time"},
    {"join", kenes::bench::join_main,
     "a full-size consultation: fresh join from the log and by state, a reload after a day, a join storm"},
    {"make-assessment", kenes::bench::make_assessment_main,
     "write a full-size consultation (303 drafts typed keystroke by keystroke, 3M+ records) into a data folder"},
};

void usage(std::FILE* out) {
  std::fprintf(out, "usage: kenes-bench WORKLOAD [options]   (WORKLOAD --help for its options)\n\n");
  for (const auto& w : kWorkloads) std::fprintf(out, "  %-14s %s\n", w.name, w.summary);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(stdout);
    return 0;
  }
  for (const auto& w : kWorkloads) {
    if (name == w.name) return w.main(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "kenes-bench: unknown workload '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
