// kenes-bench engine-trace FILE... [--runs N] [--through rope|sequencer]
//
// Replays editing traces through the engine the way the server handles a
// submit: each patch [pos, del, ins] becomes wire-like components, is turned
// into a TextOp by TextOp::from_components (checks every component, UTF-8
// included, and normalizes), validated against the document and applied to
// the rope. Building the ops is timed; loading and decompressing the file and
// checking the final text are not.
//
// --through sequencer submits each op to a DocumentSequencer instead of
// applying it to a bare rope (adds dedup, the history and the version), as
// the server's room does.
//
// Prints one JSON object per trace on stdout:
//   {"workload":"engine-trace","trace":"automerge-paper","through":"rope","ops":259778,
//    "runs":5,"seconds":<median>,"seconds_min":..,"seconds_max":..,
//    "ops_per_sec":<median>,"ops_per_sec_min":..,"ops_per_sec_max":..,
//    "final_text_matches":true}
// Exit status: 0 if every trace loaded and replayed to its endContent.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "bench_options.h"
#include "editing_trace.h"
#include "engine/document_sequencer.h"
#include "engine/rope.h"
#include "engine/text_op.h"
#include "workloads.h"

namespace kenes::bench {
namespace {

constexpr char kUsage[] =
    "usage: kenes-bench engine-trace FILE... [--runs N] [--through rope|sequencer]\n"
    "  Replays each editing trace (*.json.gz) through the engine: op objects from\n"
    "  the patches, validate, apply to the rope. Prints one JSON object per trace.\n";

struct Run {
  double seconds = 0;
  bool ok = false;
  bool matches = false;
  std::string error;
};

engine::Result<engine::TextOp> op_from_patch(const trace::Patch& p) {
  std::vector<engine::Component> components;
  components.reserve(3);
  if (p.pos > 0) components.emplace_back(engine::Retain{p.pos});
  if (p.del > 0) components.emplace_back(engine::Delete{p.del});
  if (!p.ins.empty()) components.emplace_back(engine::Insert{p.ins, 0});
  return engine::TextOp::from_components(std::move(components));
}

// One timed replay of a whole trace through a DocumentSequencer.
Run replay_sequenced(const trace::EditingTrace& t) {
  Run run;
  engine::DocumentSequencer server{engine::Rope(t.start_content)};
  uint64_t client_seq = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const trace::Txn& txn : t.txns) {
    for (const trace::Patch& p : txn.patches) {
      engine::Result<engine::TextOp> op = op_from_patch(p);
      if (!op.ok()) {
        run.error = "patch " + std::to_string(client_seq) + ": " + op.status().to_string();
        return run;
      }
      auto sequenced = server.submit("trace", ++client_seq, server.version(), std::move(*op));
      if (!sequenced.ok()) {
        run.error = "patch " + std::to_string(client_seq - 1) + ": " + sequenced.status().to_string();
        return run;
      }
    }
  }
  const auto stop = std::chrono::steady_clock::now();
  run.seconds = std::chrono::duration<double>(stop - start).count();
  run.ok = true;
  run.matches = server.text() == t.end_content;
  return run;
}

// One timed replay of a whole trace onto a bare rope.
Run replay(const trace::EditingTrace& t) {
  Run run;
  engine::Rope text(t.start_content);
  size_t index = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const trace::Txn& txn : t.txns) {
    for (const trace::Patch& p : txn.patches) {
      engine::Result<engine::TextOp> op = op_from_patch(p);
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
  std::string through = "rope";
  WorkloadOptions options("engine-trace", kUsage);
  // clang-format off
  options.add()
    ("runs", po::value(&runs)->default_value(runs)->value_name("N"), "timed runs per trace (at least 1); the median is reported")
    ("through", one_of(&through, {"rope", "sequencer"})->value_name("PATH"), "rope: apply to a rope; sequencer: submit to a DocumentSequencer (dedup, history, version) as the server does");
  // clang-format on
  options.positional("file", po::value(&files), "editing traces (*.json.gz)");
  if (auto status = options.parse(argc, argv)) return *status;
  if (runs < 1) return options.fail("--runs must be at least 1");
  if (files.empty()) {
    options.fail("no trace FILE given");
    options.print_usage(stderr);
    return 2;
  }
  const bool through_sequencer = through == "sequencer";

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
      Run run = through_sequencer ? replay_sequenced(t) : replay(t);
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
        "{\"workload\":\"engine-trace\",\"trace\":%s,\"through\":\"%s\",\"ops\":%zu,\"runs\":%d,\"seconds\":%.6f,"
        "\"seconds_min\":%.6f,\"seconds_max\":%.6f,\"ops_per_sec\":%.0f,\"ops_per_sec_min\":%.0f,"
        "\"ops_per_sec_max\":%.0f,\"final_text_matches\":%s}\n",
        json_string(t.name).c_str(), through_sequencer ? "sequencer" : "rope", ops, runs, med, lo, hi, ops / med, ops / hi, ops / lo,
        matches ? "true" : "false");
    std::fflush(stdout);
    all_good = all_good && matches;
  }
  return all_good ? 0 : 1;
}

}  // namespace kenes::bench
