// kenes-bench room: a meeting room. C clients in one consultation, each typing
// R single-character edits per second for S seconds into one of D documents.
//
//   kenes-bench room [--clients C] [--rate R] [--seconds S] [--docs D]
//                    [--client-threads N] [--runs N] [--find-max [--steps LIST]]
//                    [target flags]
//
// Latency is measured per (edit, receiving client): from the moment the edit
// is handed to KenesClient::local_edit to the moment another client receives
// the broadcast record that carries it. Receivers recognise records by
// (client_id, client_seq); the writer's on_submit hook says which edits went
// into which client_seq (at 2 edits/s there is almost never more than one).
// Every client receives every record of the consultation, so the server sends
// C * (C - 1) * R frames per second: delivered_per_sec counts receipts.
//
// The bench process shares the machine with the server: the clients run on
// --client-threads I/O threads (default 2), and on a 2-core machine the
// figures include that contention.
//
// converged: after the typing stops, every client's text of every document is
// the same (and nothing is left unacknowledged) within 60 s.
//
// --find-max runs C = 50, 100, 150, ... 300, 400, ... (--steps) until p99 >= 100 ms or a
// run fails to converge, and reports the largest C with p99 < 100 ms.

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_options.h"
#include "engine/text_op.h"
#include "room.h"
#include "kenes_client.h"
#include "server_target.h"
#include "workloads.h"

namespace kenes::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// What one sender remembers for its receivers: client_seq -> hand-over times.
struct SenderLog {
  std::mutex mu;
  std::vector<Clock::time_point> unsent;  // handed over, not yet in a submit
  struct Sent {
    std::vector<Clock::time_point> handed;
    double max_ms = 0;
    int receipts = 0;
  };
  std::unordered_map<uint64_t, Sent> sent;
};

struct Member {
  std::shared_ptr<client::KenesClient> client;
  int thread = 0;
  std::string doc;
  SenderLog log;
  std::unique_ptr<asio::steady_timer> timer;
  std::mt19937_64 rng;
  uint64_t ticks = 0;
};

}  // namespace

RoomResult run_room(const RoomOptions& o, int clients, const std::string& run_tag, const RoomHooks& hooks) {
  RoomResult res;
  std::string err;
  auto target = ServerTarget::start(o.target, &err);
  if (!target) {
    res.error = err;
    return res;
  }
  ClientThreads threads(o.client_threads);
  std::vector<std::unique_ptr<Member>> members;
  std::unordered_map<std::string, Member*> by_client_id;
  std::atomic<int> live{0};
  std::atomic<int> closed{0};
  std::string last_close;
  std::mutex close_mu;

  struct PerThread {
    std::vector<double> samples_ms;
    uint64_t receipts_in_window = 0;
  };
  std::vector<PerThread> per_thread(o.client_threads);
  std::atomic<bool> typing{false};
  Clock::time_point window_start, window_end;

  for (int i = 0; i < clients; ++i) {
    auto m = std::make_unique<Member>();
    m->thread = i % o.client_threads;
    m->doc = "room/doc-" + std::to_string(i % std::max(1, o.docs));
    m->rng.seed(0x5eed0000ULL + static_cast<uint64_t>(i));
    client::ClientOptions co;
    co.host = target->host();
    co.port = target->port();
    co.deflate = target->deflate();
    co.token = target->token(kenes::v1::ROLE_RESEARCHER, "bench-p" + std::to_string(i));
    co.client_id = "room-" + run_tag + "-" + std::to_string(i);
    co.auto_reconnect = false;
    m->client = std::make_shared<client::KenesClient>(threads.io(m->thread), co);
    by_client_id[co.client_id] = m.get();
    members.push_back(std::move(m));
  }
  // Callbacks (the maps are read-only from here on).
  for (auto& mp : members) {
    Member* m = mp.get();
    PerThread* pt = &per_thread[m->thread];
    m->client->on_live = [&live] { ++live; };
    m->client->on_closed = [&, m](const std::string& why) {
      ++closed;
      std::lock_guard lock(close_mu);
      last_close = m->client->client_id() + ": " + why;
    };
    m->client->on_submit = [m](const std::string&, uint64_t client_seq, uint64_t edits) {
      std::lock_guard lock(m->log.mu);
      auto& sent = m->log.sent[client_seq];
      size_t n = std::min<size_t>(edits, m->log.unsent.size());
      sent.handed.assign(m->log.unsent.begin(), m->log.unsent.begin() + static_cast<long>(n));
      m->log.unsent.erase(m->log.unsent.begin(), m->log.unsent.begin() + static_cast<long>(n));
    };
    m->client->on_record = [&, pt](const kenes::v1::LogRecord& rec) {
      if (!rec.has_text_edit()) return;
      auto now = Clock::now();
      auto it = by_client_id.find(rec.client_id());
      if (it == by_client_id.end()) return;
      if (now >= window_start && now <= window_end) ++pt->receipts_in_window;
      SenderLog& log = it->second->log;
      std::lock_guard lock(log.mu);
      auto s = log.sent.find(rec.client_seq());
      if (s == log.sent.end()) return;
      ++s->second.receipts;
      for (auto t : s->second.handed) {
        double ms = std::chrono::duration<double, std::milli>(now - t).count();
        pt->samples_ms.push_back(ms);
        s->second.max_ms = std::max(s->second.max_ms, ms);
      }
    };
  }

  // Connect in waves so that the accept queue and the presence storm of a
  // few hundred joins settle before the measurement.
  auto t0 = Clock::now();
  const int wave = 100;
  for (int i = 0; i < clients; i += wave) {
    for (int j = i; j < std::min(clients, i + wave); ++j) {
      Member* m = members[j].get();
      asio::post(threads.io(m->thread), [m] { m->client->connect(); });
    }
    int want = std::min(clients, i + wave);
    if (!wait_for([&] { return live >= want || closed > 0; }, 60)) {
      res.error = "only " + std::to_string(live.load()) + " of " + std::to_string(want) + " clients got live";
      threads.stop();
      return res;
    }
    if (closed > 0) {
      res.error = "a client closed while connecting: " + last_close;
      threads.stop();
      return res;
    }
  }
  res.connect_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::seconds(1));  // presence of the last joiners settles

  // Typing: each client on a fixed schedule (no drift), phases spread evenly.
  const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / o.rate));
  window_start = Clock::now() + std::chrono::milliseconds(50);
  window_end = window_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  typing = true;
  const double server_cpu0 = target->cpu_seconds(), bench_cpu0 = process_cpu_seconds();
  std::function<void(Member*, Clock::time_point)> schedule;
  schedule = [&](Member* m, Clock::time_point at) {
    m->timer->expires_at(at);
    m->timer->async_wait([&, m, at](boost::system::error_code ec) {
      if (ec || !typing) return;
      if (Clock::now() >= window_end) return;
      auto& doc = m->client->document(m->doc);
      uint64_t len = doc.text().length();
      engine::TextOp op;
      bool backspace = len > 0 && (m->rng() % 10 == 0);
      uint64_t pos = len == 0 ? 0 : m->rng() % (len + 1);
      if (backspace) {
        if (pos == 0) pos = 1;
        op.retain(pos - 1).del(1);
      } else {
        char c[2] = {static_cast<char>('a' + m->rng() % 26), 0};
        op.retain(pos).insert(c, 1);
      }
      {
        std::lock_guard lock(m->log.mu);
        m->log.unsent.push_back(Clock::now());
      }
      ++m->ticks;
      auto s = m->client->local_edit(m->doc, op);
      if (!s.ok()) {
        std::lock_guard lock(m->log.mu);
        m->log.unsent.pop_back();
        --m->ticks;
      }
      schedule(m, at + period);
    });
  };
  for (int i = 0; i < clients; ++i) {
    Member* m = members[i].get();
    auto phase = std::chrono::duration_cast<Clock::duration>(period * (static_cast<double>(i) / clients));
    asio::post(threads.io(m->thread), [&, m, phase] {
      m->timer = std::make_unique<asio::steady_timer>(threads.io(m->thread));
      schedule(m, window_start + phase);
    });
  }
  if (hooks.typing_started) hooks.typing_started(*target);
  std::this_thread::sleep_until(window_end);
  typing = false;
  res.server_cpu = (target->cpu_seconds() - server_cpu0) / o.seconds;
  res.bench_cpu = (process_cpu_seconds() - bench_cpu0) / o.seconds;
  if (hooks.typing_ended) hooks.typing_ended(*target);
  threads.run(members.front()->thread, [&] { res.deflate_negotiated = members.front()->client->deflate_negotiated(); });

  // Quiescence: nothing unacknowledged, every client at the same version of
  // every document, then the texts compared.
  auto settled = [&](bool compare_text) {
    std::map<std::string, std::pair<uint64_t, std::string>> seen;  // doc -> (version, text)
    bool ok = true;
    for (int th = 0; th < threads.size(); ++th) {
      threads.run(th, [&] {
        for (auto& m : members) {
          if (m->thread != th) continue;
          if (m->client->has_unacknowledged()) ok = false;
          for (int d = 0; d < std::max(1, o.docs); ++d) {
            std::string doc_id = "room/doc-" + std::to_string(d);
            const auto& doc = m->client->document(doc_id);
            std::string text = compare_text ? doc.text().to_string() : std::string();
            auto [it, inserted] = seen.try_emplace(doc_id, doc.version(), text);
            if (!inserted && (it->second.first != doc.version() || it->second.second != text)) ok = false;
          }
        }
      });
    }
    return ok;
  };
  bool quiet = wait_for([&] { return closed > 0 || settled(false); }, 60, 0.1);
  res.converged = quiet && closed == 0 && settled(true);
  res.closed = closed.load();
  if (closed > 0) {
    std::lock_guard lock(close_mu);
    std::fprintf(stderr, "room: %d clients closed, last: %s\n", closed.load(), last_close.c_str());
  }

  std::vector<double> samples, per_edit_max;
  uint64_t receipts = 0;
  for (auto& pt : per_thread) {
    samples.insert(samples.end(), pt.samples_ms.begin(), pt.samples_ms.end());
    receipts += pt.receipts_in_window;
  }
  for (auto& m : members) {
    res.edits += m->ticks;
    for (auto& [seq, s] : m->log.sent) {
      if (s.receipts == clients - 1) per_edit_max.push_back(s.max_ms);
    }
  }
  for (int th = 0; th < threads.size(); ++th) {
    threads.run(th, [&] {
      for (auto& m : members) {
        if (m->thread != th) continue;
        if (m->timer) m->timer->cancel();
        m->client->close();
      }
    });
  }
  threads.stop();
  res.samples = samples.size();
  res.p50_ms = percentile(samples, 50);
  res.p99_ms = percentile(samples, 99);
  res.max_ms = samples.empty() ? 0 : samples.back();
  res.p99_all_ms = percentile(per_edit_max, 99);
  res.delivered_per_sec = static_cast<double>(receipts) / o.seconds;
  res.ok = true;
  return res;
}

namespace {

constexpr char kUsage[] =
    "usage: kenes-bench room [--clients C] [--rate R] [--seconds S] [--docs D] [--client-threads N]\n"
    "                        [--runs N] [--find-max [--steps 300,400,...] [--limit-ms 100]] [target flags]\n\n"
    "C clients in one consultation, each typing R edits/s for S seconds into one of D documents.\n"
    "Latency from handing an edit to the client library to its receipt by every other client:\n"
    "p50/p99/max; delivered receipts/s; convergence.\n"
    "--find-max: the largest C (from --steps) with p99 < --limit-ms.\n";

void print_result(const RoomOptions& o, int clients, const std::vector<RoomResult>& runs, const std::string& durability) {
  std::vector<double> p50, p99, mx, p99all, delivered, connect, server_cpu, bench_cpu;
  bool deflate = !runs.empty();
  bool converged = true;
  uint64_t edits = 0, samples = 0;
  for (const auto& r : runs) {
    p50.push_back(r.p50_ms);
    p99.push_back(r.p99_ms);
    mx.push_back(r.max_ms);
    p99all.push_back(r.p99_all_ms);
    delivered.push_back(r.delivered_per_sec);
    connect.push_back(r.connect_seconds);
    server_cpu.push_back(r.server_cpu);
    bench_cpu.push_back(r.bench_cpu);
    deflate = deflate && r.deflate_negotiated;
    converged = converged && r.converged;
    edits = r.edits;
    samples = r.samples;
  }
  std::printf(
      "{\"workload\":\"room\",\"clients\":%d,\"rate\":%g,\"seconds\":%g,\"docs\":%d,\"durability\":\"%s\","
      "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"p99_last_receiver_ms\":%.2f,\"delivered_per_sec\":%.0f,"
      "\"converged\":%s,\"edits\":%llu,\"latency_samples\":%llu,\"connect_seconds\":%.2f,\"runs\":%d,"
      "\"client_threads\":%d,\"server_threads\":%d,\"deflate\":%s,\"server_cpu_per_sec\":%.3f,"
      "\"bench_cpu_per_sec\":%.3f,\"note\":\"clients and server share the machine's cores\"}\n",
      clients, o.rate, o.seconds, o.docs, durability.c_str(), median(p50), median(p99), median(mx), median(p99all),
      median(delivered), converged ? "true" : "false", static_cast<unsigned long long>(edits),
      static_cast<unsigned long long>(samples), median(connect), static_cast<int>(runs.size()), o.client_threads,
      o.target.server_threads, deflate ? "true" : "false", median(server_cpu), median(bench_cpu));
  std::fflush(stdout);
}

}  // namespace

int room_main(int argc, char** argv) {
  RoomOptions o;
  WorkloadOptions options("room", kUsage);
  const auto steps = [&o](const std::string& list) {
    o.steps.clear();
    size_t start = 0;
    while (start < list.size()) {
      size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      o.steps.push_back(std::stoi(list.substr(start, comma - start)));
      start = comma + 1;
    }
  };
  std::string default_steps;
  for (int step : o.steps) {
    if (!default_steps.empty()) default_steps += ',';
    default_steps += std::to_string(step);
  }
  // clang-format off
  options.add()
    ("clients", at_least(&o.clients, 2)->value_name("C"), "clients in the consultation")
    ("rate", po::value(&o.rate)->default_value(o.rate)->value_name("R"), "edits per second of each client")
    ("seconds", po::value(&o.seconds)->default_value(o.seconds)->value_name("S"), "typing time of each run")
    ("docs", at_least(&o.docs, 1)->value_name("D"), "documents the clients type into")
    ("client-threads", at_least(&o.client_threads, 1)->value_name("N"), "I/O threads of the clients")
    ("runs", at_least(&o.runs, 1)->value_name("N"), "runs per client count; medians are reported")
    ("find-max", po::bool_switch(&o.find_max), "find the largest C from --steps with p99 < --limit-ms")
    ("steps", converted_by(steps, default_steps)->value_name("LIST"), "comma-separated client counts tried by --find-max, in order")
    ("limit-ms", po::value(&o.limit_ms)->default_value(o.limit_ms)->value_name("MS"), "the p99 bound of --find-max");
  // clang-format on
  add_target_options(options, o.target);
  if (auto status = options.parse(argc, argv)) return *status;
  if (o.rate <= 0 || o.seconds <= 0) return options.fail("--rate and --seconds must be positive");
  raise_fd_limit();
  std::vector<int> sizes = o.find_max ? o.steps : std::vector<int>{o.clients};
  int best = 0;
  for (int clients : sizes) {
    std::vector<RoomResult> runs;
    for (int r = 0; r < o.runs; ++r) {
      std::string tag = std::to_string(::getpid()) + "-" + std::to_string(clients) + "-" + std::to_string(r);
      RoomResult res = run_room(o, clients, tag, {});
      if (!res.ok) {
        std::fprintf(stderr, "room clients=%d run %d: %s\n", clients, r + 1, res.error.c_str());
        if (!o.find_max) return 1;
        break;
      }
      std::fprintf(stderr,
                   "room clients=%d rate=%g run %d/%d: p50 %.2f ms, p99 %.2f ms, max %.2f ms, %.0f receipts/s, "
                   "converged %s (connect %.1f s)\n",
                   clients, o.rate, r + 1, o.runs, res.p50_ms, res.p99_ms, res.max_ms, res.delivered_per_sec,
                   res.converged ? "yes" : "NO", res.connect_seconds);
      runs.push_back(res);
    }
    if (runs.empty()) break;
    print_result(o, clients, runs, o.target.url.empty() ? o.target.durability : "(server's own)");
    std::vector<double> p99;
    bool converged = true;
    for (auto& r : runs) {
      p99.push_back(r.p99_ms);
      converged = converged && r.converged;
    }
    if (!o.find_max) return converged ? 0 : 1;
    if (median(p99) >= o.limit_ms || !converged) break;
    best = clients;
  }
  std::printf("{\"workload\":\"room-find-max\",\"rate\":%g,\"seconds\":%g,\"docs\":%d,\"limit_p99_ms\":%g,"
              "\"max_clients\":%d,\"client_threads\":%d,\"server_threads\":%d}\n",
              o.rate, o.seconds, o.docs, o.limit_ms, best, o.client_threads, o.target.server_threads);
  std::fflush(stdout);
  return 0;
}

}  // namespace kenes::bench
