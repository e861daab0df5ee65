// kenes-bench saturate: W writers on one document of one consultation, each
// typing trace-like edits as fast as its client library takes them, one
// reader subscribed.
//
//   kenes-bench saturate [--writers W] [--seconds S] [--max-pending N]
//                        [--chunk N] [--client-threads N] [--runs N] [target flags]
//
// Trace-like edits: one character typed at the writer's cursor, a backspace
// one time in ten, and one time in fifty the cursor jumps elsewhere (the
// others' edits move text under it; it is only clamped to the length).
// The client library composes what arrives while an op is in flight; a writer
// hands over edits until --max-pending (default 1000) are composed and waiting,
// then waits for the next ack — a typist faster than the network, but with a
// bounded buffer, so that every message stays far below the server's size
// limit.
//
// The writers are machines, not people: each sends far more than a person's
// byte budget (issue 17: 32 KiB/s per participant), so a spawned server gets
// --rate-limit-bytes and its burst raised to 1 GiB, unless --server-args says
// otherwise. What is measured is the server's throughput, not the limit.
//
// ops_per_sec counts edits in submits that were acknowledged during the S
// seconds; messages_per_sec the acknowledged submits (all writers). converged:
// after the writers stop, the writers' and the reader's texts are equal.

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_options.h"
#include "engine/text_op.h"
#include "kenes_client.h"
#include "server_target.h"
#include "workloads.h"

namespace kenes::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr char kDoc[] = "bench/saturate";

struct SaturateOptions {
  int writers = 4;
  double seconds = 10;
  uint64_t max_pending = 1000;
  size_t chunk = 200;
  int client_threads = 2;
  int runs = 3;
  TargetOptions target;
};

struct SaturateResult {
  bool ok = false;
  std::string error;
  double ops_per_sec = 0, messages_per_sec = 0, handed_per_sec = 0;
  bool converged = false;
  uint64_t final_version = 0, final_length = 0;
};

struct Writer {
  std::shared_ptr<client::KenesClient> client;
  int thread = 0;
  std::mt19937_64 rng;
  uint64_t cursor = 0;
  bool waiting_for_ack = false;
  std::unordered_map<uint64_t, uint64_t> edits_by_seq;
  uint64_t handed_in_window = 0, acked_edits = 0, acked_messages = 0;
};

SaturateResult run_saturate(const SaturateOptions& o, const std::string& tag) {
  SaturateResult res;
  std::string err;
  TargetOptions target_options = o.target;
  bool limits_given = false;
  for (const auto& a : target_options.server_args) limits_given = limits_given || a.rfind("--rate-limit-bytes", 0) == 0;
  if (!limits_given) {
    for (const char* a : {"--rate-limit-bytes", "1073741824", "--rate-limit-bytes-burst", "1073741824"}) {
      target_options.server_args.emplace_back(a);
    }
  }
  auto target = ServerTarget::start(target_options, &err);
  if (!target) {
    res.error = err;
    return res;
  }
  ClientThreads threads(o.client_threads);
  std::vector<std::unique_ptr<Writer>> writers;
  std::atomic<int> live{0}, closed{0};
  std::atomic<bool> running{false};
  Clock::time_point window_start, window_end;

  for (int w = 0; w < o.writers; ++w) {
    auto wr = std::make_unique<Writer>();
    wr->thread = w % o.client_threads;
    wr->rng.seed(0xbeef00ULL + static_cast<uint64_t>(w));
    client::ClientOptions co;
    co.host = target->host();
    co.port = target->port();
    co.deflate = target->deflate();
    co.token = target->token(kenes::v1::ROLE_RESEARCHER, "bench-writer-" + std::to_string(w));
    co.client_id = "sat-" + tag + "-w" + std::to_string(w);
    co.auto_reconnect = false;
    wr->client = std::make_shared<client::KenesClient>(threads.io(wr->thread), co);
    writers.push_back(std::move(wr));
  }
  client::ClientOptions ro;
  ro.host = target->host();
  ro.port = target->port();
  ro.deflate = target->deflate();
  ro.token = target->token(kenes::v1::ROLE_MEMBER, "bench-reader");
  ro.client_id = "sat-" + tag + "-reader";
  ro.auto_reconnect = false;
  const int reader_thread = o.writers % o.client_threads;
  auto reader = std::make_shared<client::KenesClient>(threads.io(reader_thread), ro);

  std::function<void(Writer*)> feed;
  feed = [&](Writer* w) {
    if (!running) return;
    auto& c = *w->client;
    size_t n = 0;
    while (n < o.chunk) {
      const auto& doc = c.document(kDoc);
      if (doc.pending_count() >= o.max_pending) {
        w->waiting_for_ack = true;  // on_ack feeds again
        return;
      }
      uint64_t len = doc.text().length();
      w->cursor = std::min(w->cursor, len);
      uint64_t r = w->rng() % 50;
      if (r == 0) w->cursor = len == 0 ? 0 : w->rng() % (len + 1);
      engine::TextOp op;
      if (r < 5 && w->cursor > 0) {  // backspace
        op.retain(w->cursor - 1).del(1);
        --w->cursor;
      } else {
        char ch[1] = {static_cast<char>('a' + w->rng() % 26)};
        op.retain(w->cursor).insert(std::string_view(ch, 1), 1);
        ++w->cursor;
      }
      if (!c.local_edit(kDoc, op).ok()) return;
      ++n;
      auto now = Clock::now();
      if (now >= window_start && now < window_end) ++w->handed_in_window;
      if (now >= window_end) return;
    }
    asio::post(threads.io(w->thread), [&, w] { feed(w); });
  };

  for (auto& wp : writers) {
    Writer* w = wp.get();
    w->client->on_live = [&] { ++live; };
    w->client->on_closed = [&](const std::string& why) {
      ++closed;
      std::fprintf(stderr, "saturate: a writer closed: %s\n", why.c_str());
    };
    w->client->on_submit = [w](const std::string&, uint64_t client_seq, uint64_t edits) {
      w->edits_by_seq[client_seq] = edits;
    };
    w->client->on_ack = [&, w](const std::string&, uint64_t, uint64_t client_seq) {
      auto now = Clock::now();
      auto it = w->edits_by_seq.find(client_seq);
      if (it != w->edits_by_seq.end()) {
        if (now >= window_start && now < window_end) {
          w->acked_edits += it->second;
          ++w->acked_messages;
        }
        w->edits_by_seq.erase(it);
      }
      if (w->waiting_for_ack) {
        w->waiting_for_ack = false;
        asio::post(threads.io(w->thread), [&, w] { feed(w); });
      }
    };
  }
  reader->on_live = [&] { ++live; };
  reader->on_closed = [&](const std::string& why) {
    ++closed;
    std::fprintf(stderr, "saturate: the reader closed: %s\n", why.c_str());
  };

  for (auto& wp : writers) {
    Writer* w = wp.get();
    asio::post(threads.io(w->thread), [w] { w->client->connect(); });
  }
  asio::post(threads.io(reader_thread), [&] { reader->connect(); });
  if (!wait_for([&] { return live == o.writers + 1 || closed > 0; }, 60) || closed > 0) {
    res.error = "the clients did not all get live";
    threads.stop();
    return res;
  }

  window_start = Clock::now();
  window_end = window_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  running = true;
  for (auto& wp : writers) {
    Writer* w = wp.get();
    asio::post(threads.io(w->thread), [&, w] { feed(w); });
  }
  std::this_thread::sleep_until(window_end);
  running = false;

  auto settled = [&](bool compare_text) {
    bool ok = true;
    std::optional<std::pair<uint64_t, std::string>> seen;
    auto check = [&](client::KenesClient& c) {
      if (c.has_unacknowledged()) ok = false;
      const auto& doc = c.document(kDoc);
      std::string text = compare_text ? doc.text().to_string() : std::string();
      if (!seen) seen.emplace(doc.version(), text);
      else if (seen->first != doc.version() || seen->second != text) ok = false;
    };
    for (auto& wp : writers) threads.run(wp->thread, [&] { check(*wp->client); });
    threads.run(reader_thread, [&] {
      check(*reader);
      res.final_version = reader->document(kDoc).version();
      res.final_length = reader->document(kDoc).text().length();
    });
    return ok;
  };
  bool quiet = wait_for([&] { return closed > 0 || settled(false); }, 120, 0.05);
  res.converged = quiet && closed == 0 && settled(true);

  uint64_t acked_edits = 0, acked_messages = 0, handed = 0;
  for (auto& wp : writers) {
    threads.run(wp->thread, [&] {
      acked_edits += wp->acked_edits;
      acked_messages += wp->acked_messages;
      handed += wp->handed_in_window;
      wp->client->close();
    });
  }
  threads.run(reader_thread, [&] { reader->close(); });
  threads.stop();
  res.ops_per_sec = static_cast<double>(acked_edits) / o.seconds;
  res.messages_per_sec = static_cast<double>(acked_messages) / o.seconds;
  res.handed_per_sec = static_cast<double>(handed) / o.seconds;
  res.ok = true;
  return res;
}

constexpr char kUsage[] =
    "usage: kenes-bench saturate [--writers W] [--seconds S] [--max-pending N] [--chunk N]\n"
    "                            [--client-threads N] [--runs N] [target flags]\n\n"
    "W writers on one document type trace-like edits as fast as the client library takes them\n"
    "(at most --max-pending composed and waiting) for S seconds, one reader subscribed.\n"
    "Acknowledged edits/s, acknowledged messages/s, convergence; median of --runs.\n";

}  // namespace

int saturate_main(int argc, char** argv) {
  SaturateOptions o;
  WorkloadOptions options("saturate", kUsage);
  // clang-format off
  options.add()
    ("writers", at_least(&o.writers, 1)->value_name("W"), "writers on the document")
    ("seconds", po::value(&o.seconds)->default_value(o.seconds)->value_name("S"), "writing time of each run")
    ("max-pending", at_least(&o.max_pending, 1)->value_name("N"), "edits a writer lets wait composed before it waits for an ack")
    ("chunk", at_least(&o.chunk, 1)->value_name("N"), "edits handed over per turn of a writer's I/O thread")
    ("client-threads", at_least(&o.client_threads, 1)->value_name("N"), "I/O threads of the clients")
    ("runs", at_least(&o.runs, 1)->value_name("N"), "runs; medians are reported");
  // clang-format on
  add_target_options(options, o.target);
  if (auto status = options.parse(argc, argv)) return *status;
  raise_fd_limit();
  std::vector<double> ops, msgs, handed;
  bool converged = true;
  for (int r = 0; r < o.runs; ++r) {
    auto res = run_saturate(o, std::to_string(::getpid()) + "-" + std::to_string(r));
    if (!res.ok) {
      std::fprintf(stderr, "saturate run %d: %s\n", r + 1, res.error.c_str());
      return 1;
    }
    std::fprintf(stderr,
                 "saturate writers=%d run %d/%d: %.0f acked edits/s, %.0f messages/s (handed %.0f/s), converged %s "
                 "(final version %llu, %llu chars)\n",
                 o.writers, r + 1, o.runs, res.ops_per_sec, res.messages_per_sec, res.handed_per_sec,
                 res.converged ? "yes" : "NO", static_cast<unsigned long long>(res.final_version),
                 static_cast<unsigned long long>(res.final_length));
    ops.push_back(res.ops_per_sec);
    msgs.push_back(res.messages_per_sec);
    handed.push_back(res.handed_per_sec);
    converged = converged && res.converged;
  }
  std::printf(
      "{\"workload\":\"saturate\",\"writers\":%d,\"readers\":1,\"seconds\":%g,\"durability\":\"%s\","
      "\"ops_per_sec\":%.0f,\"messages_per_sec\":%.0f,\"handed_per_sec\":%.0f,\"converged\":%s,"
      "\"max_pending\":%llu,\"chunk\":%zu,\"runs\":%d,\"client_threads\":%d,\"server_threads\":%d}\n",
      o.writers, o.seconds, o.target.url.empty() ? o.target.durability.c_str() : "(server's own)", median(ops),
      median(msgs), median(handed), converged ? "true" : "false", static_cast<unsigned long long>(o.max_pending),
      o.chunk, o.runs, o.client_threads, o.target.server_threads);
  std::fflush(stdout);
  return converged ? 0 : 1;
}

}  // namespace kenes::bench
