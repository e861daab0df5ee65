// kenes-bench engine-trace FILE... [--runs N]
//
// Replays editing traces through the engine the way the server handles a
// submit: each patch [pos, del, ins] becomes wire-like components, is turned
// into a TextOp by TextOp::from_components (checks every component, UTF-8
// included, and normalizes), validated against the document and applied to
// the rope. Building the ops is timed; loading and decompressing the file and
// checking the final text are not.
//
// Prints one JSON object per trace on stdout:
//   {"workload":"engine-trace","trace":"automerge-paper","ops":259778,
//    "runs":5,"seconds":<median>,"seconds_min":..,"seconds_max":..,
//    "ops_per_sec":<median>,"ops_per_sec_min":..,"ops_per_sec_max":..,
//    "final_text_matches":true}
// Exit status: 0 if every trace loaded and replayed to its endContent.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "editing_trace.h"
#include "engine/rope.h"
#include "engine/text_op.h"
#include "workloads.h"

namespace kenes::bench {
namespace {

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: kenes-bench engine-trace FILE... [--runs N]\n"
               "  Replays each editing trace (*.json.gz) through the engine: op objects from\n"
               "  the patches, validate, apply to the rope. Prints one JSON object per trace.\n"
               "  --runs N   timed runs per trace (default 5, at least 1); the median is reported\n");
}

struct Run {
  double seconds = 0;
  bool ok = false;
  bool matches = false;
  std::string error;
};

// One timed replay of a whole trace.
Run replay(const trace::EditingTrace& t) {
  Run run;
  engine::Rope text(t.start_content);
  size_t index = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const trace::Txn& txn : t.txns) {
    for (const trace::Patch& p : txn.patches) {
      std::vector<engine::Component> components;
      components.reserve(3);
      if (p.pos > 0) components.emplace_back(engine::Retain{p.pos});
      if (p.del > 0) components.emplace_back(engine::Delete{p.del});
      if (!p.ins.empty()) components.emplace_back(engine::Insert{p.ins, 0});
      engine::Result<engine::TextOp> op = engine::TextOp::from_components(std::move(components));
      if (!op.ok()) {
        run.error = "patch " + std::to_string(index) + ": " + op.status().to_string();
        return run;
      }
      engine::Status applied = engine::apply(*op, text);
      if (!applied.ok()) {
        run.error = "patch " + std::to_string(index) + ": " + applied.to_string();
        return run;
      }
      ++index;
    }
  }
  const auto stop = std::chrono::steady_clock::now();
  run.seconds = std::chrono::duration<double>(stop - start).count();
  run.ok = true;
  run.matches = text == t.end_content;
  return run;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

}  // namespace

int engine_trace_main(int argc, char** argv) {
  std::vector<std::string> files;
  int runs = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    }
    if (arg == "--runs") {
      if (i + 1 >= argc || std::atoi(argv[i + 1]) < 1) {
        usage(stderr);
        return 2;
      }
      runs = std::atoi(argv[++i]);
    } else if (arg.starts_with("--")) {
      std::fprintf(stderr, "engine-trace: unknown option %s\n", argv[i]);
      usage(stderr);
      return 2;
    } else {
      files.emplace_back(arg);
    }
  }
  if (files.empty()) {
    usage(stderr);
    return 2;
  }

  bool all_good = true;
  for (const std::string& file : files) {
    trace::LoadedTrace loaded = trace::load_trace(file);
    if (!loaded.ok()) {
      std::fprintf(stderr, "engine-trace: %s\n", loaded.error.c_str());
      all_good = false;
      continue;
    }
    const trace::EditingTrace& t = *loaded.trace;
    const size_t ops = t.patch_count();
    std::vector<double> seconds;
    bool matches = true;
    std::string error;
    for (int r = 0; r < runs && error.empty(); ++r) {
      Run run = replay(t);
      if (!run.ok) {
        error = run.error;
        break;
      }
      seconds.push_back(run.seconds);
      matches = matches && run.matches;
    }
    if (!error.empty()) {
      std::fprintf(stderr, "engine-trace: %s: %s\n", t.name.c_str(), error.c_str());
      all_good = false;
      continue;
    }
    const double med = median(seconds);
    const double lo = *std::min_element(seconds.begin(), seconds.end());
    const double hi = *std::max_element(seconds.begin(), seconds.end());
    std::printf(
        "{\"workload\":\"engine-trace\",\"trace\":%s,\"ops\":%zu,\"runs\":%d,\"seconds\":%.6f,"
        "\"seconds_min\":%.6f,\"seconds_max\":%.6f,\"ops_per_sec\":%.0f,\"ops_per_sec_min\":%.0f,"
        "\"ops_per_sec_max\":%.0f,\"final_text_matches\":%s}\n",
        json_string(t.name).c_str(), ops, runs, med, lo, hi, ops / med, ops / hi, ops / lo,
        matches ? "true" : "false");
    std::fflush(stdout);
    all_good = all_good && matches;
  }
  return all_good ? 0 : 1;
}

}  // namespace kenes::bench
