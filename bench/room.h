#pragma once

// The room workload's measurement (room.cc), shared with the hostile
// workload (hostile.cc), which runs the same room with attackers beside it.

#include <functional>
#include <string>
#include <vector>

#include "server_target.h"

namespace kenes::bench {

struct RoomOptions {
  int clients = 300;
  double rate = 2;
  double seconds = 10;
  int docs = 4;
  int client_threads = 2;
  int runs = 1;
  bool find_max = false;
  std::vector<int> steps{50, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1200, 1600, 2000};
  double limit_ms = 100;
  TargetOptions target;
};

struct RoomResult {
  bool ok = false;
  std::string error;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  double p99_all_ms = 0;  // per edit, the last receiver
  double delivered_per_sec = 0;
  uint64_t edits = 0, samples = 0;
  bool converged = false;
  double connect_seconds = 0;
  // CPU seconds per second of the typing window: the spawned server's, and
  // this process's (the clients).
  double server_cpu = 0, bench_cpu = 0;
  bool deflate_negotiated = false;  // by the first client (--deflate)
  int closed = 0;                   // ordinary clients whose connection closed
};

// Called on the workload's main thread as the typing window opens (every
// client is live) and as it closes, before convergence is checked.
struct RoomHooks {
  std::function<void(ServerTarget&)> typing_started;
  std::function<void(ServerTarget&)> typing_ended;
};

// One run: spawns (or reaches) the server, connects `clients` researchers,
// types for o.seconds, checks convergence. `run_tag` makes client ids unique.
RoomResult run_room(const RoomOptions& o, int clients, const std::string& run_tag, const RoomHooks& hooks);

}  // namespace kenes::bench
