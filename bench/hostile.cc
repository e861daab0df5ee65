// kenes-bench hostile: the room's round trip for C ordinary clients while one
// member floods comments and another loops exports (issue 17), and the same
// room without them, measured alternately in the same run.
//
//   kenes-bench hostile [--clients C] [--rate R] [--seconds S] [--docs D]
//                       [--flood-connections K] [--flood-rate F] [--comment-bytes B]
//                       [--export-loops L] [--export NAME] [--runs N] [target flags]
//
// The room is the `room` workload exactly (room.cc: C researchers typing R
// edits/s, latency from one client's hand-over to each other client's
// receipt). Each run measures it twice on a fresh server: quiet, then
// attacked. The attack starts as the typing does and stops with it:
//   - the flooding member opens K connections (default 8, the server's
//     per-participant maximum) and sends AddComment of B bytes (default 16
//     KiB, the largest comment) at F comments/s in all (default 1,000: 16
//     MB/s), into one thread it created; it never writes faster than its
//     socket drains (at most 32 frames queued per connection), ignores
//     every refusal, and reconnects at once when it is closed for flooding;
//   - the exporting member runs L loops (default 4) of GET
//     /api/consultations/demo/export/NAME (default report.html) with its
//     invite token, each starting the next export as soon as the last is
//     answered; after a refusal (429/503) a loop waits 10 ms before asking
//     again, so that the bench's own CPU (it shares the machine with the
//     server) does not become the attack;
//   - a prober GETs /healthz every 100 ms, and samples the server's RSS.
// Reported: the room's p50/p99 quiet and attacked (medians over runs),
// ordinary clients disconnected (must be 0), comments taken and refused,
// exports made and refused, /healthz p99, the server's peak RSS.

#include <algorithm>
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_options.h"
#include "kenes_client.h"
#include "room.h"
#include "server_target.h"
#include "workloads.h"

namespace kenes::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct HostileOptions {
  RoomOptions room;
  int flood_connections = 8;
  double flood_rate = 1000;
  int comment_bytes = 16 * 1024;
  int export_loops = 4;
  std::string export_name = "report.html";
};

struct AttackStats {
  uint64_t comments_sent = 0, comments_taken = 0, refusals = 0;
  uint64_t exports_made = 0, exports_refused = 0, exports_failed = 0;
  double export_p50_ms = 0;
  double healthz_p99_ms = 0, healthz_max_ms = 0;
  uint64_t peak_rss_bytes = 0;
  int flood_connections_live = 0;
  int flooder_closed = 0;
  std::string flooder_close_reason;  // the last one
};

// One GET: its status and how long it took to the last byte.
std::pair<int, double> timed_get(const std::string& host, uint16_t port, const std::string& target,
                                 const std::string& bearer) {
  const auto t0 = Clock::now();
  const int status = http_get(host, port, target, bearer).status;
  return {status, std::chrono::duration<double, std::milli>(Clock::now() - t0).count()};
}

class Attack {
 public:
  Attack(const HostileOptions& o, ServerTarget& target, const std::string& tag)
      : o_(o), target_(target), threads_(1), body_(static_cast<size_t>(o.comment_bytes), 'x') {
    for (int i = 0; i < o.flood_connections; ++i) {
      client::ClientOptions co;
      co.host = target.host();
      co.port = target.port();
      co.token = target.token(kenes::v1::ROLE_MEMBER, "flooding-member");
      co.client_id = "flood-" + tag + "-" + std::to_string(i);
      // Closed for flooding, it comes straight back (the client's own
      // backoff, 50 ms to 2 s), as a hostile participant would.
      co.auto_reconnect = true;
      co.reconnect_max = std::chrono::milliseconds(200);
      auto c = std::make_shared<client::KenesClient>(threads_.io(0), co);
      c->on_live = [this] { ++live_; };
      c->on_closed = [this](const std::string& why) {
        ++flooder_closed_;
        std::lock_guard lock(mu_);
        close_reason_ = why;
      };
      c->on_request_ack = [this](uint64_t, uint64_t) { ++taken_; };
      c->on_error = [this](const kenes::v1::Error& e) {
        if (e.code() == kenes::v1::ERROR_CODE_RATE_LIMITED) ++refusals_;
      };
      c->on_record = [this](const kenes::v1::LogRecord& rec) {
        if (rec.has_thread_created() && rec.author() == "flooding-member" && !have_thread_) {
          thread_ = rec.thread_created().thread_id();
          have_thread_ = true;
        }
      };
      flooders_.push_back(std::move(c));
      timers_.push_back(std::make_unique<asio::steady_timer>(threads_.io(0)));
    }
  }

  void start() {
    running_ = true;
    const Clock::time_point began = Clock::now();
    // The flood: connect, create the thread, then comment on a fixed
    // schedule (every 5 ms, the share of F due by then).
    if (!flooders_.empty()) {
      threads_.run(0, [&] {
        for (auto& c : flooders_) c->connect();
      });
      wait_for([&] { return live_ >= static_cast<int>(flooders_.size()) || flooder_closed_ > 0; }, 10);
      threads_.run(0, [&] {
        kenes::v1::ThreadTarget t;
        t.set_indicator_id("R.1");
        flooders_.front()->create_thread(t, "A thread to flood");
      });
      wait_for([&] { return have_thread_.load(); }, 10);
      for (size_t i = 0; i < flooders_.size(); ++i) {
        asio::post(threads_.io(0), [this, i, began] { tick(i, began); });
      }
    }
    for (int i = 0; i < o_.export_loops; ++i) {
      loops_.emplace_back([this] { export_loop(); });
    }
    prober_ = std::thread([this] { probe(); });
  }

  AttackStats stop() {
    running_ = false;
    for (auto& t : loops_) t.join();
    prober_.join();
    AttackStats s;
    threads_.run(0, [&] {
      for (auto& t : timers_) t->cancel();
      for (auto& c : flooders_) c->close();
    });
    threads_.stop();
    s.comments_sent = sent_;
    s.comments_taken = taken_ > 0 ? taken_ - 1 : 0;  // the thread's own Ack is not a comment
    s.refusals = refusals_;
    s.flood_connections_live = live_;
    s.flooder_closed = flooder_closed_;
    std::lock_guard lock(mu_);
    s.exports_made = exports_made_;
    s.exports_refused = exports_refused_;
    s.exports_failed = exports_failed_;
    s.export_p50_ms = percentile(export_ms_, 50);
    s.healthz_p99_ms = percentile(healthz_ms_, 99);
    s.healthz_max_ms = healthz_ms_.empty() ? 0 : healthz_ms_.back();
    s.peak_rss_bytes = peak_rss_;
    s.flooder_close_reason = close_reason_;
    return s;
  }

 private:
  void tick(size_t i, Clock::time_point began) {
    if (!running_) return;
    auto& c = flooders_[i];
    const double elapsed = std::chrono::duration<double>(Clock::now() - began).count();
    const auto due = static_cast<uint64_t>(elapsed * o_.flood_rate / static_cast<double>(flooders_.size()));
    auto& mine = sent_by_[i];
    while (mine < due && c->state() == client::ConnectionState::kLive && c->frames_queued() < 32) {
      c->add_comment(thread_, body_);
      ++mine;
      ++sent_;
    }
    // Behind schedule because the socket is full: the debt is dropped, as a
    // sender that cannot send does not send later at twice the rate.
    if (mine < due) mine = due;
    timers_[i]->expires_after(std::chrono::milliseconds(5));
    timers_[i]->async_wait([this, i, began](boost::system::error_code ec) {
      if (!ec) tick(i, began);
    });
  }

  void export_loop() {
    const std::string token = target_.token(kenes::v1::ROLE_MEMBER, "exporting-member");
    const std::string path = "/api/consultations/demo/export/" + o_.export_name;
    while (running_) {
      auto [status, ms] = timed_get(target_.host(), target_.port(), path, token);
      {
        std::lock_guard lock(mu_);
        if (status == 200) {
          ++exports_made_;
          export_ms_.push_back(ms);
        } else if (status == 429 || status == 503) {
          ++exports_refused_;
        } else {
          ++exports_failed_;
        }
      }
      if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void probe() {
    while (running_) {
      auto [status, ms] = timed_get(target_.host(), target_.port(), "/healthz", "");
      const uint64_t rss = target_.rss_bytes();
      {
        std::lock_guard lock(mu_);
        healthz_ms_.push_back(status == 200 ? ms : 1e6);
        peak_rss_ = std::max(peak_rss_, rss);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  const HostileOptions& o_;
  ServerTarget& target_;
  ClientThreads threads_;
  const std::string body_;
  std::vector<std::shared_ptr<client::KenesClient>> flooders_;
  std::vector<std::unique_ptr<asio::steady_timer>> timers_;
  std::map<size_t, uint64_t> sent_by_;  // on the flood thread only
  std::string thread_;  // written once on the flood thread, then have_thread_
  std::atomic<bool> have_thread_{false};
  std::atomic<bool> running_{false};
  std::atomic<int> live_{0}, flooder_closed_{0};
  std::atomic<uint64_t> sent_{0}, taken_{0}, refusals_{0};
  std::vector<std::thread> loops_;
  std::thread prober_;
  std::mutex mu_;
  uint64_t exports_made_ = 0, exports_refused_ = 0, exports_failed_ = 0;
  std::vector<double> export_ms_, healthz_ms_;
  uint64_t peak_rss_ = 0;
  std::string close_reason_;
};

constexpr char kUsage[] =
    "usage: kenes-bench hostile [--clients C] [--rate R] [--seconds S] [--docs D] [--flood-connections K]\n"
    "                           [--flood-rate F] [--comment-bytes B] [--export-loops L] [--export NAME]\n"
    "                           [--runs N] [target flags]\n\n"
    "The room workload (C clients typing R edits/s) measured quiet and then while one member floods\n"
    "comments (K connections, F comments/s of B bytes) and another loops exports (L loops of NAME),\n"
    "alternately, on a fresh server each time. Reports both p99s, disconnections, what the attackers got.\n";

}  // namespace

int hostile_main(int argc, char** argv) {
  HostileOptions o;
  RoomOptions& r = o.room;
  r.runs = 3;
  WorkloadOptions options("hostile", kUsage);
  // clang-format off
  options.add()
    ("clients", at_least(&r.clients, 2)->value_name("C"), "ordinary clients in the consultation")
    ("rate", po::value(&r.rate)->default_value(r.rate)->value_name("R"), "edits per second of each ordinary client")
    ("seconds", po::value(&r.seconds)->default_value(r.seconds)->value_name("S"), "typing (and attack) time of each run")
    ("docs", at_least(&r.docs, 1)->value_name("D"), "documents the ordinary clients type into")
    ("client-threads", at_least(&r.client_threads, 1)->value_name("N"), "I/O threads of the ordinary clients")
    ("runs", at_least(&r.runs, 1)->value_name("N"), "pairs of runs (quiet, attacked); medians are reported")
    ("flood-connections", at_least(&o.flood_connections, 0)->value_name("K"), "connections of the flooding member (0: no flood)")
    ("flood-rate", po::value(&o.flood_rate)->default_value(o.flood_rate)->value_name("F"), "comments per second the flooder tries to send, in all")
    ("comment-bytes", at_least(&o.comment_bytes, 1)->value_name("B"), "bytes of each flooded comment (the server takes up to 16384)")
    ("export-loops", at_least(&o.export_loops, 0)->value_name("L"), "concurrent export loops of the exporting member (0: none)")
    ("export", po::value(&o.export_name)->default_value(o.export_name)->value_name("NAME"), "the export the loops ask for");
  // clang-format on
  add_target_options(options, r.target);
  if (auto status = options.parse(argc, argv)) return *status;
  if (r.rate <= 0 || r.seconds <= 0 || o.flood_rate < 0) return options.fail("--rate and --seconds must be positive");
  if (!r.target.url.empty()) return options.fail("hostile spawns its own servers (a fresh one per run); no --url");
  raise_fd_limit();

  std::vector<double> quiet_p50, quiet_p99, attacked_p50, attacked_p99, healthz_p99, export_p50, rss, server_cpu;
  std::vector<double> taken_per_sec, made;
  int closed = 0;
  bool converged = true;
  AttackStats last;
  for (int run = 0; run < r.runs; ++run) {
    for (bool attacked : {false, true}) {
      std::unique_ptr<Attack> attack;
      RoomHooks hooks;
      const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(run) + (attacked ? "-a" : "-q");
      AttackStats stats;
      if (attacked) {
        hooks.typing_started = [&](ServerTarget& target) {
          attack = std::make_unique<Attack>(o, target, tag);
          attack->start();
        };
        hooks.typing_ended = [&](ServerTarget&) { stats = attack->stop(); };
      }
      RoomResult res = run_room(r, r.clients, tag, hooks);
      if (!res.ok) {
        std::fprintf(stderr, "hostile run %d (%s): %s\n", run + 1, attacked ? "attacked" : "quiet", res.error.c_str());
        return 1;
      }
      converged = converged && res.converged;
      closed += res.closed;
      std::fprintf(stderr, "hostile run %d/%d %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms, converged %s, closed %d",
                   run + 1, r.runs, attacked ? "attacked" : "quiet   ", res.p50_ms, res.p99_ms, res.max_ms,
                   res.converged ? "yes" : "NO", res.closed);
      if (attacked) {
        std::fprintf(stderr,
                     "; flood: %llu sent, %llu taken, %llu refusals, %d/%d live, %d closed (%s); exports: %llu made "
                     "(p50 %.0f ms), %llu refused, %llu failed; /healthz p99 %.1f ms; peak RSS %.0f MB",
                     static_cast<unsigned long long>(stats.comments_sent),
                     static_cast<unsigned long long>(stats.comments_taken),
                     static_cast<unsigned long long>(stats.refusals), stats.flood_connections_live,
                     o.flood_connections, stats.flooder_closed, stats.flooder_close_reason.c_str(), static_cast<unsigned long long>(stats.exports_made),
                     stats.export_p50_ms, static_cast<unsigned long long>(stats.exports_refused),
                     static_cast<unsigned long long>(stats.exports_failed), stats.healthz_p99_ms,
                     static_cast<double>(stats.peak_rss_bytes) / 1e6);
        attacked_p50.push_back(res.p50_ms);
        attacked_p99.push_back(res.p99_ms);
        healthz_p99.push_back(stats.healthz_p99_ms);
        export_p50.push_back(stats.export_p50_ms);
        rss.push_back(static_cast<double>(stats.peak_rss_bytes) / 1e6);
        taken_per_sec.push_back(static_cast<double>(stats.comments_taken) / r.seconds);
        made.push_back(static_cast<double>(stats.exports_made));
        server_cpu.push_back(res.server_cpu);
        last = stats;
      } else {
        quiet_p50.push_back(res.p50_ms);
        quiet_p99.push_back(res.p99_ms);
      }
      std::fprintf(stderr, "\n");
    }
  }
  std::printf(
      "{\"workload\":\"hostile\",\"clients\":%d,\"rate\":%g,\"seconds\":%g,\"docs\":%d,\"durability\":\"%s\","
      "\"flood_connections\":%d,\"flood_rate\":%g,\"comment_bytes\":%d,\"export_loops\":%d,\"export\":\"%s\","
      "\"quiet_p50_ms\":%.2f,\"quiet_p99_ms\":%.2f,\"attacked_p50_ms\":%.2f,\"attacked_p99_ms\":%.2f,"
      "\"ordinary_clients_closed\":%d,\"converged\":%s,\"comments_taken_per_sec\":%.1f,\"exports_made\":%.0f,"
      "\"export_p50_ms\":%.1f,\"healthz_p99_ms\":%.1f,\"peak_rss_mb\":%.0f,\"server_cpu_per_sec_attacked\":%.3f,"
      "\"runs\":%d,\"server_threads\":%d,\"note\":\"medians over runs; clients, attackers and server share the "
      "machine's cores\"}\n",
      r.clients, r.rate, r.seconds, r.docs, r.target.durability.c_str(), o.flood_connections, o.flood_rate,
      o.comment_bytes, o.export_loops, json_escape(o.export_name).c_str(), median(quiet_p50), median(quiet_p99),
      median(attacked_p50), median(attacked_p99), closed, converged ? "true" : "false", median(taken_per_sec),
      median(made), median(export_p50), median(healthz_p99), median(rss), median(server_cpu), r.runs,
      r.target.server_threads);
  std::fflush(stdout);
  return converged && closed == 0 ? 0 : 1;
}

}  // namespace kenes::bench
