// kenes-bench idle: what an idle connection costs the server.
//
//   kenes-bench idle [--connections N] [--per-consultation K] [--client-threads N]
//                    [--settle-seconds S] [target flags]
//
// N authenticated connections (Hello, Subscribe, then nothing but Beast's
// keep-alive pings). In spawn mode the data folder is prepared before the
// server starts: N / K consultations of K participants each (K default 100,
// a large meeting; 0 puts everyone in the one demo consultation), every
// participant already invited, so that a Hello appends nothing and the
// growth measured is the connections' own: the session, its socket and Beast
// buffers, the room's member and presence entries.
//
// rss_bytes_per_connection = (VmRSS of the server with N connections live -
// VmRSS before the first connection) / N, from /proc/<pid>/status, each read
// after --settle-seconds (default 3) of quiet. Spawn mode only (with --url the
// server's memory is not visible).
//
// Why not all 10,000 in one consultation by default: every join broadcasts a
// presence update to every live member and sends the newcomer the full
// presence list, which is quadratic in the room size (see the bench notes).

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "replay/demo.h"
#include "kenes/v1/log.pb.h"
#include "bench_options.h"
#include "kenes_client.h"
#include "server_target.h"
#include "workloads.h"

namespace kenes::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct IdleOptions {
  int connections = 10000;
  int per_consultation = 100;
  int client_threads = 2;
  double settle_seconds = 3;
  int wave = 500;
  TargetOptions target;
};

std::string consultation_of(const IdleOptions& o, int i) {
  if (o.per_consultation <= 0) return "demo";
  return "idle-" + std::to_string(i / o.per_consultation);
}

// Creates the consultations and invites their participants, as a Room would
// record them (one ParticipantInvited record each).
std::string prepare(const IdleOptions& o, storage::Log& log) {
  if (o.per_consultation <= 0) return {};
  kenes::v1::Framework empty;
  int consultations = (o.connections + o.per_consultation - 1) / o.per_consultation;
  for (int c = 0; c < consultations; ++c) {
    std::string id = "idle-" + std::to_string(c);
    std::string err = replay::append_consultation_created(log, id, "Idle " + id, empty, "bench");
    if (!err.empty()) return err;
    std::vector<storage::Entry> entries;
    for (int i = c * o.per_consultation; i < std::min(o.connections, (c + 1) * o.per_consultation); ++i) {
      kenes::v1::LogRecord rec;
      rec.set_author("bench-idle-" + std::to_string(i));
      auto* inv = rec.mutable_participant_invited();
      inv->set_participant_id("bench-idle-" + std::to_string(i));
      inv->set_display_name("Bench idle " + std::to_string(i));
      inv->set_role(kenes::v1::ROLE_MEMBER);
      entries.push_back(storage::Entry{rec.SerializeAsString(), std::nullopt});
    }
    auto r = log.append(id, std::move(entries));
    if (!r.ok()) return r.status().to_string();
  }
  return {};
}

constexpr char kUsage[] =
    "usage: kenes-bench idle [--connections N] [--per-consultation K] [--client-threads N]\n"
    "                        [--settle-seconds S] [target flags]\n\n"
    "N idle authenticated connections (Hello + Subscribe, then nothing), K per consultation\n"
    "(0: all in the demo consultation). Reports the spawned server's RSS growth per connection\n"
    "(VmRSS from /proc/<pid>/status).\n";

}  // namespace

int idle_main(int argc, char** argv) {
  IdleOptions o;
  WorkloadOptions options("idle", kUsage);
  // clang-format off
  options.add()
    ("connections", at_least(&o.connections, 1)->value_name("N"), "idle authenticated connections")
    ("per-consultation", at_least(&o.per_consultation, 0)->value_name("K"), "participants per consultation (0: all in the demo consultation)")
    ("client-threads", at_least(&o.client_threads, 1)->value_name("N"), "I/O threads of the clients")
    ("settle-seconds", po::value(&o.settle_seconds)->default_value(o.settle_seconds)->value_name("S"), "quiet time before each RSS reading")
    ("wave", at_least(&o.wave, 1)->value_name("N"), "connections opened at once (each wave waits until it is live)");
  // clang-format on
  add_target_options(options, o.target);
  if (auto status = options.parse(argc, argv)) return *status;
  uint64_t fds = raise_fd_limit();
  if (fds < static_cast<uint64_t>(o.connections) + 100) {
    std::fprintf(stderr, "idle: the file descriptor limit (%llu) is below %d connections\n",
                 static_cast<unsigned long long>(fds), o.connections);
    return 1;
  }
  if (!o.target.url.empty()) o.per_consultation = 0;  // only the token's consultation exists for us
  std::string err;
  auto target = ServerTarget::start(o.target, &err, [&](storage::Log& log) { return prepare(o, log); });
  if (!target) {
    std::fprintf(stderr, "idle: %s\n", err.c_str());
    return 1;
  }
  if (!target->spawned()) {
    std::fprintf(stderr, "idle: the server's memory is only visible in spawn mode (drop --url)\n");
    return 2;
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.settle_seconds));
  const uint64_t rss_before = target->rss_bytes();

  ClientThreads threads(o.client_threads);
  std::vector<std::shared_ptr<client::KenesClient>> clients;
  std::atomic<int> live{0}, closed{0};
  for (int i = 0; i < o.connections; ++i) {
    client::ClientOptions co;
    co.host = target->host();
    co.port = target->port();
    co.deflate = target->deflate();
    std::string participant = o.per_consultation > 0 ? "bench-idle-" + std::to_string(i) : "bench-idle";
    co.consultation_id = consultation_of(o, i);
    co.token = target->token(kenes::v1::ROLE_MEMBER, participant, co.consultation_id);
    co.client_id = "idle-" + std::to_string(i);
    co.auto_reconnect = false;
    auto c = std::make_shared<client::KenesClient>(threads.io(i), co);
    c->on_live = [&live] { ++live; };
    c->on_closed = [&closed](const std::string& why) {
      if (++closed <= 3) std::fprintf(stderr, "idle: a connection closed: %s\n", why.c_str());
    };
    clients.push_back(std::move(c));
  }
  auto t0 = Clock::now();
  for (int i = 0; i < o.connections; i += o.wave) {
    int end = std::min(o.connections, i + o.wave);
    for (int j = i; j < end; ++j) {
      auto c = clients[j];
      asio::post(threads.io(j), [c] { c->connect(); });
    }
    if (!wait_for([&] { return live + closed >= end; }, 120, 0.01)) {
      std::fprintf(stderr, "idle: only %d of %d connections got live\n", live.load(), end);
      break;
    }
    if ((end / o.wave) % 4 == 0 || end == o.connections) {
      std::fprintf(stderr, "idle: %d live (%.1f s)\n", live.load(),
                   std::chrono::duration<double>(Clock::now() - t0).count());
    }
  }
  double connect_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::duration<double>(o.settle_seconds));
  const uint64_t rss_after = target->rss_bytes();
  const int n = live.load();
  const int lost = closed.load();
  for (int t = 0; t < threads.size(); ++t) {
    threads.run(t, [&] {
      for (size_t i = t; i < clients.size(); i += threads.size()) clients[i]->close();
    });
  }
  threads.stop();
  if (n == 0 || lost > 0) {
    std::fprintf(stderr, "idle: %d connections live, %d closed\n", n, lost);
    return 1;
  }
  double per = (static_cast<double>(rss_after) - static_cast<double>(rss_before)) / n;
  std::fprintf(stderr, "idle: RSS %.1f MiB before, %.1f MiB with %d connections: %.0f bytes each\n",
               rss_before / 1048576.0, rss_after / 1048576.0, n, per);
  std::printf(
      "{\"workload\":\"idle\",\"connections\":%d,\"per_consultation\":%d,\"rss_bytes_per_connection\":%.0f,"
      "\"rss_before_bytes\":%llu,\"rss_after_bytes\":%llu,\"connect_seconds\":%.2f,\"settle_seconds\":%g,"
      "\"server_threads\":%d}\n",
      n, o.per_consultation, per, static_cast<unsigned long long>(rss_before),
      static_cast<unsigned long long>(rss_after), connect_seconds, o.settle_seconds, o.target.server_threads);
  std::fflush(stdout);
  return 0;
}

}  // namespace kenes::bench
