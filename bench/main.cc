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
