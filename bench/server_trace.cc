// kenes-bench trace | echo-baseline: an editing trace typed by one writer
// client through the server, one reader client subscribed, timed until the
// reader has the final text.
//
//   kenes-bench trace [--trace FILE] [--runs N] [--chunk N] [target flags]
//   kenes-bench echo-baseline [--trace FILE] [--runs N] [--chunk N]
//
// Each trace patch is one local edit handed to KenesClient::local_edit as fast
// as it accepts them, on the writer's I/O thread, `--chunk` patches at a time
// with a yield to I/O between chunks. The library's own rules apply: one op in
// flight per document, later edits composed into one pending op, so `messages`
// (submits the writer sent) is far below `ops` (patches). The clock starts
// when the first patch is handed over (both clients live, the trace's
// startContent already in the document) and stops when the reader has seen
// the version that holds the writer's last edit.
//
// `trace` spawns a fresh kenes-server per run (or uses --url, with a fresh
// document id per run). `echo-baseline` runs the same clients against an
// in-process bare Beast echo (echo_server.h): the same frames with no
// transform, no log and no durability, the limit `trace` is compared with.

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "bench_options.h"
#include "echo_server.h"
#include "editing_trace.h"
#include "engine/text_op.h"
#include "kenes_client.h"
#include "server_target.h"
#include "workloads.h"

namespace kenes::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

const std::string kDefaultTrace = std::string(kDefaultTracesDir) + "/automerge-paper.json.gz";

struct TraceOptions {
  std::string trace_path = kDefaultTrace;
  int runs = 5;
  size_t chunk = 1000;
  TargetOptions target;
};

struct TraceResult {
  bool ok = false;
  std::string error;
  uint64_t ops = 0;
  uint64_t messages = 0;
  double seconds = 0;
  bool matches = false;
};

engine::TextOp op_from_patch(const trace::Patch& p) {
  engine::TextOp op;
  op.retain(p.pos).del(p.del).insert(p.ins);
  return op;
}

// One replay of `t` from a writer to a reader on two client threads.
TraceResult replay_once(const trace::EditingTrace& t, const std::string& host, uint16_t port,
                        const std::string& writer_token, const std::string& reader_token, const std::string& doc,
                        size_t chunk, const std::string& run_tag) {
  TraceResult res;
  std::vector<const trace::Patch*> patches;
  for (const auto& txn : t.txns)
    for (const auto& p : txn.patches) patches.push_back(&p);
  res.ops = patches.size();

  ClientThreads threads(2);
  client::ClientOptions wo;
  wo.host = host;
  wo.port = port;
  wo.token = writer_token;
  wo.client_id = "trace-writer-" + run_tag;
  wo.auto_reconnect = false;
  client::ClientOptions ro = wo;
  ro.token = reader_token;
  ro.client_id = "trace-reader-" + run_tag;
  auto writer = std::make_shared<client::KenesClient>(threads.io(0), wo);
  auto reader = std::make_shared<client::KenesClient>(threads.io(1), ro);

  std::atomic<int> live{0};
  std::atomic<bool> failed{false};
  std::string failure;
  std::mutex mu;  // guards failure, end, final_version decisions
  auto fail = [&](const std::string& why) {
    std::lock_guard lock(mu);
    if (!failed) failure = why;
    failed = true;
  };
  std::atomic<uint64_t> reader_version{0};
  std::atomic<uint64_t> final_version{0};  // 0 until the writer's last edit is acknowledged
  std::atomic<bool> fed_all{false};
  std::atomic<bool> finished{false};
  Clock::time_point start, end;

  auto maybe_finish = [&] {
    std::lock_guard lock(mu);
    uint64_t f = final_version.load();
    if (!finished && f != 0 && reader_version.load() >= f) {
      end = Clock::now();
      finished = true;
    }
  };

  for (auto* c : {writer.get(), reader.get()}) {
    c->on_live = [&] { ++live; };
    c->on_closed = [&, c](const std::string& why) {
      fail(std::string(c == writer.get() ? "writer" : "reader") + " connection closed: " + why);
    };
    c->on_error = [&](const kenes::v1::Error& e) { fail("server error: " + e.message()); };
  }
  writer->on_ack = [&](const std::string&, uint64_t version, uint64_t) {
    if (fed_all && !writer->has_unacknowledged() && final_version == 0) {
      final_version = version;
      maybe_finish();
    }
  };
  reader->on_remote_edit = [&](const std::string& d, uint64_t version) {
    if (d != doc) return;
    reader_version = version;
    if (final_version != 0) maybe_finish();
  };

  threads.run(0, [&] { writer->connect(); });
  threads.run(1, [&] { reader->connect(); });
  if (!wait_for([&] { return live == 2 || failed; }, 30) || failed) {
    res.error = failed ? failure : "clients did not get live in 30 s";
    threads.run(0, [&] { writer->close(); });
    threads.run(1, [&] { reader->close(); });
    threads.stop();
    return res;
  }

  // The trace's starting text, untimed.
  if (!t.start_content.empty()) {
    threads.run(0, [&] {
      auto s = writer->local_edit(doc, engine::TextOp().insert(t.start_content));
      if (!s.ok()) fail("start content: " + s.message());
    });
    uint64_t target = 0;
    wait_for(
        [&] {
          bool idle = false;
          threads.run(0, [&] {
            idle = !writer->has_unacknowledged();
            target = writer->document(doc).version();
          });
          return (idle && reader_version >= target) || failed;
        },
        30);
  }

  // The timed part: hand every patch to the library, a chunk at a time.
  size_t next = 0;
  std::function<void()> feed = [&] {
    size_t n = 0;
    while (next < patches.size() && n < chunk) {
      auto s = writer->local_edit(doc, op_from_patch(*patches[next]));
      if (!s.ok()) {
        fail("patch " + std::to_string(next) + ": " + s.message());
        return;
      }
      ++next;
      ++n;
    }
    if (next < patches.size()) {
      asio::post(threads.io(0), feed);
    } else {
      fed_all = true;
      if (!writer->has_unacknowledged() && final_version == 0) {
        final_version = writer->document(doc).version();
        maybe_finish();
      }
    }
  };
  // Stop the I/O threads before the locals their handlers refer to go.
  struct StopThreads {
    ClientThreads& t;
    ~StopThreads() { t.stop(); }
  } stop_threads{threads};
  start = Clock::now();
  asio::post(threads.io(0), feed);
  if (!wait_for([&] { return finished || failed; }, 600, 0.001)) {
    res.error = "the reader did not reach the final text in 600 s";
  } else if (failed) {
    res.error = failure;
  }
  std::string writer_text, reader_text;
  threads.run(0, [&] {
    writer_text = writer->document(doc).text().to_string();
    res.messages = writer->submits_sent();
    writer->close();
  });
  threads.run(1, [&] {
    reader_text = reader->document(doc).text().to_string();
    reader->close();
  });
  if (!res.error.empty()) return res;
  // The writer's submits include the untimed start content.
  if (!t.start_content.empty() && res.messages > 0) --res.messages;
  res.seconds = std::chrono::duration<double>(end - start).count();
  res.matches = reader_text == t.end_content && writer_text == t.end_content;
  res.ok = true;
  return res;
}

std::string usage(bool echo) {
  const std::string name = echo ? "echo-baseline" : "trace";
  const std::string through = echo ? "a bare in-process Beast echo (no transform, no log)" : "kenes-server";
  return "usage: kenes-bench " + name + " [--trace FILE] [--runs N] [--chunk N]" + (echo ? "" : " [target flags]") +
         "\n\n"
         "One writer types an editing trace (default automerge-paper) through\n" +
         through +
         ",\n"
         "one reader subscribed; timed until the reader has the final text. Each patch is one\n"
         "local edit handed to the client library; one op in flight, later edits composed.\n";
}

int trace_common_main(int argc, char** argv, bool echo) {
  const char* name = echo ? "echo-baseline" : "trace";
  TraceOptions o;
  WorkloadOptions options(name, usage(echo));
  // clang-format off
  options.add()
    ("trace", po::value(&o.trace_path)->default_value(o.trace_path)->value_name("FILE"), "an editing trace (*.json.gz)")
    ("runs", at_least(&o.runs, 1)->value_name("N"), "runs; the median is reported")
    ("chunk", at_least(&o.chunk, 1)->value_name("N"), "patches handed over per turn of the writer's I/O thread");
  // clang-format on
  if (!echo) add_target_options(options, o.target);
  if (auto status = options.parse(argc, argv)) return *status;
  raise_fd_limit();
  auto loaded = trace::load_trace(o.trace_path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, loaded.error.c_str());
    return 1;
  }
  const auto& t = *loaded.trace;

  std::vector<double> seconds, rates, messages;
  bool all_match = true;
  uint64_t ops = 0;
  std::string durability = echo ? "none" : o.target.durability;
  for (int r = 0; r < o.runs; ++r) {
    TraceResult res;
    std::string tag = std::to_string(::getpid()) + "-" + std::to_string(r);
    if (echo) {
      EchoServer server;
      if (!server.start()) {
        std::fprintf(stderr, "%s: cannot start the echo server\n", name);
        return 1;
      }
      res = replay_once(t, "127.0.0.1", server.port(), "echo", "echo", "bench/trace", o.chunk, tag);
    } else {
      std::string err;
      auto target = ServerTarget::start(o.target, &err);
      if (!target) {
        std::fprintf(stderr, "%s: %s\n", name, err.c_str());
        return 1;
      }
      durability = target->durability();
      std::string doc = target->spawned() ? "bench/trace" : "bench/trace-" + tag;
      res = replay_once(t, target->host(), target->port(), target->token(kenes::v1::ROLE_RESEARCHER, "bench-writer"),
                        target->token(kenes::v1::ROLE_MEMBER, "bench-reader"), doc, o.chunk, tag);
    }
    if (!res.ok) {
      std::fprintf(stderr, "%s run %d: %s\n", name, r + 1, res.error.c_str());
      return 1;
    }
    ops = res.ops;
    all_match = all_match && res.matches;
    seconds.push_back(res.seconds);
    rates.push_back(static_cast<double>(res.ops) / res.seconds);
    messages.push_back(static_cast<double>(res.messages));
    std::fprintf(stderr, "%s %s %s run %d/%d: %.3f s, %.0f ops/s, %llu messages, final text %s\n", name,
                 t.name.c_str(), durability.c_str(), r + 1, o.runs, res.seconds, rates.back(),
                 static_cast<unsigned long long>(res.messages), res.matches ? "matches" : "DIFFERS");
  }
  std::printf(
      "{\"workload\":\"%s\",\"trace\":\"%s\",\"durability\":\"%s\",\"ops\":%llu,\"messages\":%.0f,"
      "\"seconds\":%.4f,\"ops_per_sec\":%.0f,\"final_text_matches\":%s,\"runs\":%d,\"chunk\":%zu,"
      "\"seconds_min\":%.4f,\"seconds_max\":%.4f,\"writers\":1,\"readers\":1%s}\n",
      name, json_escape(t.name).c_str(), durability.c_str(), static_cast<unsigned long long>(ops), median(messages),
      median(seconds), median(rates), all_match ? "true" : "false", o.runs, o.chunk,
      *std::min_element(seconds.begin(), seconds.end()), *std::max_element(seconds.begin(), seconds.end()),
      echo ? ",\"echo_threads\":1" : (",\"server_threads\":" + std::to_string(o.target.server_threads)).c_str());
  std::fflush(stdout);
  return all_match ? 0 : 1;
}

}  // namespace

int trace_main(int argc, char** argv) { return trace_common_main(argc, argv, false); }
int echo_baseline_main(int argc, char** argv) { return trace_common_main(argc, argv, true); }

}  // namespace kenes::bench
