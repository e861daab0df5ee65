// Placeholder: replaced by the real workload before anything lands.
#include <cstdio>
#include "workloads.h"
namespace kenes::bench {
int engine_trace_main(int, char**) { std::fprintf(stderr, "not built yet\n"); return 1; }
}
