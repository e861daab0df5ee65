// kenes-bench poll: a live vote in a meeting. V voters (members) and the chair
// are connected to one consultation; the chair opens an anonymous
// single-choice poll with live results, and every voter casts one ballot at
// an instant spread evenly over one second (--spread-ms).
//
//   kenes-bench poll [--voters V] [--options K] [--spread-ms MS]
//                    [--client-threads N] [--runs N] [--seed S] [target flags]
//
// Latency is measured per (ballot, receiving client), every client including
// the voter and the chair: from the moment the voter's CastVote is handed to
// the client library to the moment that client receives the first PollUpdate
// whose figures include the ballot (PollUpdate.seq >= the ballot's record seq,
// which the voter's Ack names). V ballots x (V + 1) clients samples.
//
// tally_matches: once every ballot is acknowledged, every client's latest
// PollUpdate counts V voters and, per option, exactly what a brute-force
// count of the ballots sent gives.
//
// The clients share the machine with the server (--client-threads I/O
// threads, default 2).

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "bench_options.h"
#include "kenes_client.h"
#include "server_target.h"
#include "workloads.h"

namespace kenes::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct PollBenchOptions {
  int voters = 300;
  int options = 4;
  int spread_ms = 1000;
  int client_threads = 2;
  int runs = 3;
  uint64_t seed = 42;
  TargetOptions target;
};

struct PollRun {
  bool ok = false;
  std::string error;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  uint64_t samples = 0;
  bool tally_matches = false;
  double voting_seconds = 0;  // first ballot sent to last ballot acknowledged
};

struct Client {
  std::shared_ptr<client::KenesClient> client;
  int thread = 0;
  // PollUpdates for the poll: (seq, receive time), in arrival order.
  std::vector<std::pair<uint64_t, Clock::time_point>> updates;
  kenes::v1::PollUpdate latest;
  bool open_seen = false;
  // Voters only.
  uint32_t choice = 0;
  Clock::time_point sent_at;
  uint64_t ballot_seq = 0;
  uint64_t vote_rid = 0;
  std::string error;
  std::unique_ptr<asio::steady_timer> timer;
};

PollRun run_poll(const PollBenchOptions& o, uint64_t seed) {
  PollRun res;
  std::string err;
  auto target = ServerTarget::start(o.target, &err);
  if (!target) {
    res.error = err;
    return res;
  }
  ClientThreads threads(o.client_threads);
  std::mt19937_64 rng(seed);
  const int n = o.voters + 1;  // index 0 is the chair
  std::vector<std::unique_ptr<Client>> clients;
  std::atomic<int> live{0}, closed{0}, acked{0}, errors{0};
  std::atomic<uint64_t> created_seq{0};
  std::string poll_id;
  std::mutex poll_id_mu;

  for (int i = 0; i < n; ++i) {
    auto c = std::make_unique<Client>();
    c->thread = i % o.client_threads;
    c->choice = static_cast<uint32_t>(rng() % static_cast<uint64_t>(o.options));
    client::ClientOptions co;
    co.host = target->host();
    co.port = target->port();
    co.deflate = target->deflate();
    co.token = i == 0 ? target->token(kenes::v1::ROLE_CHAIR, "bench-chair")
                      : target->token(kenes::v1::ROLE_MEMBER, "bench-voter-" + std::to_string(i));
    co.auto_reconnect = false;
    c->client = std::make_shared<client::KenesClient>(threads.io(c->thread), co);
    clients.push_back(std::move(c));
  }
  for (auto& cp : clients) {
    Client* c = cp.get();
    c->client->on_live = [&live] { ++live; };
    c->client->on_closed = [&closed](const std::string&) { ++closed; };
    c->client->on_poll_update = [c](const kenes::v1::PollUpdate& u) {
      c->updates.emplace_back(u.seq(), Clock::now());
      c->latest = u;
      if (u.open()) c->open_seen = true;
    };
    c->client->on_request_ack = [c, &acked](uint64_t rid, uint64_t seq) {
      if (rid == c->vote_rid && c->vote_rid != 0) {
        c->ballot_seq = seq;
        ++acked;
      }
    };
    c->client->on_error = [c, &errors](const kenes::v1::Error& e) {
      c->error = e.message();
      ++errors;
    };
  }
  clients[0]->client->on_record = [&](const kenes::v1::LogRecord& r) {
    if (r.has_poll_created()) {
      std::lock_guard lock(poll_id_mu);
      poll_id = r.poll_created().poll_id();
      created_seq = r.seq();
    }
  };

  res.error = connect_in_waves(
      n, [&](int j) { asio::post(threads.io(clients[j]->thread), [c = clients[j].get()] { c->client->connect(); }); },
      live, closed);
  if (!res.error.empty()) {
    threads.stop();
    return res;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the joiners' presence settles

  // The chair creates and opens the poll.
  kenes::v1::PollDefinition def;
  def.set_kind(kenes::v1::POLL_KIND_SINGLE_CHOICE);
  def.set_question("Which priority first?");
  for (int k = 0; k < o.options; ++k) def.add_options("option " + std::to_string(k + 1));
  def.set_anonymous(true);
  def.add_eligible_roles(kenes::v1::ROLE_MEMBER);
  Client* chair = clients[0].get();
  threads.run(chair->thread, [&] { chair->client->create_poll(def); });
  if (!wait_for([&] { return created_seq.load() != 0; }, 30)) {
    res.error = "the poll was not created: " + chair->error;
    threads.stop();
    return res;
  }
  std::string pid;
  {
    std::lock_guard lock(poll_id_mu);
    pid = poll_id;
  }
  threads.run(chair->thread, [&] { chair->client->open_poll(pid); });
  auto all_open = [&] {
    bool ok = true;
    threads.run_all([&](int th) {
      for (auto& c : clients) {
        if (c->thread == th && !c->open_seen) ok = false;
      }
    });
    return ok;
  };
  if (!wait_for(all_open, 30, 0.02)) {
    res.error = "not every client saw the poll open";
    threads.stop();
    return res;
  }
  // Forget the updates before voting: latency counts only ballot updates.
  threads.run_all([&](int th) {
    for (auto& c : clients) {
      if (c->thread == th) c->updates.clear();
    }
  });

  // Every voter votes once at its instant within the spread, shuffled.
  std::vector<int> order(o.voters);
  for (int i = 0; i < o.voters; ++i) order[i] = i + 1;
  std::shuffle(order.begin(), order.end(), rng);
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  for (int k = 0; k < o.voters; ++k) {
    Client* c = clients[order[k]].get();
    auto at = start + std::chrono::microseconds(static_cast<int64_t>(o.spread_ms) * 1000 * k / o.voters);
    asio::post(threads.io(c->thread), [c, at, pid, &threads] {
      c->timer = std::make_unique<asio::steady_timer>(threads.io(c->thread));
      c->timer->expires_at(at);
      c->timer->async_wait([c, pid](boost::system::error_code ec) {
        if (ec) return;
        c->sent_at = Clock::now();
        c->vote_rid = c->client->cast_vote(pid, {c->choice});
      });
    });
  }
  if (!wait_for([&] { return acked >= o.voters || errors > 0 || closed > 0; }, 60)) {
    res.error = "only " + std::to_string(acked.load()) + " of " + std::to_string(o.voters) + " ballots acknowledged";
    threads.stop();
    return res;
  }
  if (errors > 0 || closed > 0) {
    res.error = "a client failed or closed while voting";
    threads.stop();
    return res;
  }
  Clock::time_point last_ack = Clock::now();
  res.voting_seconds = std::chrono::duration<double>(last_ack - start).count();

  // Every client has the full count.
  auto all_counted = [&] {
    bool ok = true;
    threads.run_all([&](int th) {
      for (auto& c : clients) {
        if (c->thread == th && c->latest.voters() != static_cast<uint64_t>(o.voters)) ok = false;
      }
    });
    return ok;
  };
  bool counted = wait_for(all_counted, 30, 0.02);

  // Brute force.
  std::vector<uint64_t> expected(o.options, 0);
  for (int i = 1; i < n; ++i) ++expected[clients[i]->choice];
  bool matches = counted;
  std::vector<double> samples;
  samples.reserve(static_cast<size_t>(o.voters) * n);
  threads.run_all([&](int th) {
    for (auto& c : clients) {
      if (c->thread != th) continue;
      const auto& r = c->latest.results();
      if (r.options_size() != o.options || r.voters() != static_cast<uint64_t>(o.voters)) matches = false;
      for (int k = 0; k < r.options_size() && k < o.options; ++k) {
        if (r.options(k).votes() != expected[k]) matches = false;
      }
    }
  });
  for (int th = 0; th < threads.size(); ++th) {
    threads.run(th, [&] {
      for (auto& c : clients) {
        if (c->thread == th) c->client->close();
      }
    });
  }
  threads.stop();  // from here on the clients' fields are ours alone
  // Latencies: for each ballot and each client, the first update covering it.
  // Updates arrive in seq order on each connection.
  for (auto& rc : clients) {
    const auto& ups = rc->updates;
    for (int i = 1; i < n; ++i) {
      const Client& voter = *clients[i];
      auto it = std::lower_bound(ups.begin(), ups.end(), voter.ballot_seq,
                                 [](const auto& u, uint64_t seq) { return u.first < seq; });
      if (it == ups.end()) {
        matches = false;  // never saw a result with this ballot
        continue;
      }
      samples.push_back(std::chrono::duration<double, std::milli>(it->second - voter.sent_at).count());
    }
  }
  res.samples = samples.size();
  res.p50_ms = percentile(samples, 50);
  res.p99_ms = percentile(samples, 99);
  res.max_ms = samples.empty() ? 0 : samples.back();
  res.tally_matches = matches && res.samples == static_cast<uint64_t>(o.voters) * n;
  res.ok = true;
  return res;
}

constexpr char kUsage[] =
    "usage: kenes-bench poll [--voters V] [--options K] [--spread-ms MS] [--client-threads N] [--runs N]\n"
    "                        [--seed S] [target flags]\n\n"
    "V voters each cast one ballot in an anonymous live single-choice poll of K options, spread\n"
    "evenly over MS milliseconds. Latency from handing a ballot to the client library to the first\n"
    "PollUpdate counting it, on every client (voters and chair): p50/p99/max, the median over\n"
    "--runs; tally_matches: every client's final result equals the brute-force count.\n";

}  // namespace

int poll_main(int argc, char** argv) {
  PollBenchOptions o;
  WorkloadOptions options("poll", kUsage);
  // clang-format off
  options.add()
    ("voters", at_least(&o.voters, 1)->value_name("V"), "voters, each casting one ballot")
    ("options", within(&o.options, 2, 100)->value_name("K"), "choices of the poll (2 to 100)")
    ("spread-ms", at_least(&o.spread_ms, 0)->value_name("MS"), "time the ballots are spread over")
    ("client-threads", at_least(&o.client_threads, 1)->value_name("N"), "I/O threads of the clients")
    ("runs", at_least(&o.runs, 1)->value_name("N"), "runs (run r uses seed S + r); medians are reported")
    ("seed", po::value(&o.seed)->default_value(o.seed)->value_name("S"), "the voters' random choices");
  // clang-format on
  add_target_options(options, o.target);
  if (auto status = options.parse(argc, argv)) return *status;
  if (!o.target.url.empty()) {
    return options.fail("needs a spawned server (tokens for a chair and V distinct voters); drop --url");
  }
  raise_fd_limit();
  std::vector<double> p50, p99, mx;
  bool matches = true;
  uint64_t samples = 0;
  for (int r = 0; r < o.runs; ++r) {
    PollRun res = run_poll(o, o.seed + static_cast<uint64_t>(r));
    if (!res.ok) {
      std::fprintf(stderr, "poll run %d: %s\n", r + 1, res.error.c_str());
      return 1;
    }
    std::fprintf(stderr, "poll voters=%d run %d/%d: p50 %.2f ms, p99 %.2f ms, max %.2f ms, tally %s, voting %.2f s\n",
                 o.voters, r + 1, o.runs, res.p50_ms, res.p99_ms, res.max_ms, res.tally_matches ? "matches" : "DIFFERS",
                 res.voting_seconds);
    p50.push_back(res.p50_ms);
    p99.push_back(res.p99_ms);
    mx.push_back(res.max_ms);
    matches = matches && res.tally_matches;
    samples = res.samples;
  }
  std::printf("{\"workload\":\"poll\",\"voters\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"tally_matches\":%s,"
              "\"max_ms\":%.2f,\"options\":%d,\"spread_ms\":%d,\"latency_samples\":%llu,\"runs\":%d,"
              "\"durability\":\"%s\",\"client_threads\":%d,\"server_threads\":%d,"
              "\"note\":\"median of runs; clients and server share the machine's cores\"}\n",
              o.voters, median(p50), median(p99), matches ? "true" : "false", median(mx), o.options, o.spread_ms,
              static_cast<unsigned long long>(samples), o.runs, o.target.durability.c_str(), o.client_threads,
              o.target.server_threads);
  std::fflush(stdout);
  return matches ? 0 : 1;
}

}  // namespace kenes::bench
