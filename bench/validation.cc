// kenes-bench validation: a workshop validates the core set (issue 18). A
// consultation with the full framework's shape (303 indicators, 109 core) is
// created; V members and the chair connect; the chair starts a validation
// session over the core set and walks it item by item: "next", every member
// votes (spread over --spread-ms), "close".
//
//   kenes-bench validation [--voters V] [--items N] [--spread-ms MS]
//                          [--client-threads N] [--runs N] [target flags]
//
// Two latencies, per item and per client (members and chair):
//   open:    from the chair handing NextValidationItem to the client library
//            to that client receiving the ValidationItemOpened record (the
//            poll is on its screen);
//   outcome: from the chair handing ClosePoll (sent once the last ballot is
//            acknowledged) to that client receiving the closed poll's
//            PollUpdate with its results (the outcome is on its screen).
// N items x (V + 1) clients samples each. outcomes_match: every client's
// final update of every item counts exactly the ballots sent.

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "bench_options.h"
#include "consultation/testing/full_assessment.h"
#include "kenes_client.h"
#include "replay/demo.h"
#include "server_target.h"
#include "workloads.h"

namespace kenes::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
constexpr const char* kConsultation = "validation-bench";

struct ValidationOptions {
  int voters = 300;
  int items = 109;
  int spread_ms = 300;
  int client_threads = 2;
  int runs = 3;
  TargetOptions target;
};

struct ValidationRun {
  bool ok = false;
  std::string error;
  std::vector<double> open_ms, outcome_ms;
  bool outcomes_match = true;
  double seconds = 0;
};

struct Client {
  std::shared_ptr<client::KenesClient> client;
  int thread = 0;
  // poll id -> when its ValidationItemOpened arrived, and when its closed
  // update with results arrived (and how many voters it counted).
  std::map<std::string, Clock::time_point> opened_at;
  std::map<std::string, Clock::time_point> outcome_at;
  std::map<std::string, uint64_t> outcome_voters;
  std::string last_opened_poll;
  uint64_t vote_rid = 0;
  std::unique_ptr<asio::steady_timer> timer;
};

ValidationRun run_validation(const ValidationOptions& o, uint64_t seed) {
  ValidationRun res;
  std::string err;
  auto target = ServerTarget::start(o.target, &err, [](storage::Log& log) {
    return replay::append_consultation_created(log, kConsultation, "Validation bench",
                                               consultation::testing::synthetic_framework(303, 109, 124), "bench",
                                               kenes::v1::SCOPE_CORE);
  });
  if (!target) {
    res.error = err;
    return res;
  }
  ClientThreads threads(o.client_threads);
  std::mt19937_64 rng(seed);
  const int n = o.voters + 1;  // 0 is the chair
  std::vector<std::unique_ptr<Client>> clients;
  std::atomic<int> live{0}, closed{0}, acked{0}, errors{0};
  std::atomic<uint64_t> session_seq{0};
  std::mutex mu;
  std::string session_id, last_error;
  std::vector<std::string> core_items;

  for (int i = 0; i < n; ++i) {
    auto c = std::make_unique<Client>();
    c->thread = i % o.client_threads;
    client::ClientOptions co;
    co.host = target->host();
    co.port = target->port();
    co.deflate = target->deflate();
    co.consultation_id = kConsultation;
    co.token = i == 0 ? target->token(kenes::v1::ROLE_CHAIR, "bench-chair", kConsultation)
                      : target->token(kenes::v1::ROLE_MEMBER, "bench-member-" + std::to_string(i), kConsultation);
    co.auto_reconnect = false;
    co.subscribe_from = kenes::v1::SUBSCRIBE_FROM_STATE;
    c->client = std::make_shared<client::KenesClient>(threads.io(c->thread), co);
    clients.push_back(std::move(c));
  }
  for (auto& cp : clients) {
    Client* c = cp.get();
    c->client->on_live = [&live] { ++live; };
    c->client->on_closed = [&closed](const std::string&) { ++closed; };
    c->client->on_record = [c, &mu, &session_id, &session_seq](const kenes::v1::LogRecord& r) {
      if (r.has_validation_item_opened()) {
        c->opened_at.emplace(r.validation_item_opened().poll_id(), Clock::now());
        c->last_opened_poll = r.validation_item_opened().poll_id();
      } else if (r.has_validation_session_started()) {
        std::lock_guard lock(mu);
        session_id = r.validation_session_started().session_id();
        session_seq = r.seq();
      }
    };
    c->client->on_poll_update = [c](const kenes::v1::PollUpdate& u) {
      if (u.closed() && u.has_results() && !c->outcome_at.count(u.poll_id())) {
        c->outcome_at.emplace(u.poll_id(), Clock::now());
        c->outcome_voters[u.poll_id()] = u.results().voters();
      }
    };
    c->client->on_request_ack = [c, &acked](uint64_t rid, uint64_t) {
      if (rid == c->vote_rid && rid != 0) ++acked;
    };
    c->client->on_error = [&errors, &mu, &last_error](const kenes::v1::Error& e) {
      std::lock_guard lock(mu);
      last_error = e.message();
      ++errors;
    };
  }
  const int wave = 100;
  for (int i = 0; i < n; i += wave) {
    for (int j = i; j < std::min(n, i + wave); ++j) {
      Client* c = clients[j].get();
      asio::post(threads.io(c->thread), [c] { c->client->connect(); });
    }
    const int want = std::min(n, i + wave);
    if (!wait_for([&] { return live >= want || closed > 0; }, 60) || closed > 0) {
      res.error = "only " + std::to_string(live.load()) + " of " + std::to_string(want) + " clients got live";
      threads.stop();
      return res;
    }
  }
  const kenes::v1::Framework framework = consultation::testing::synthetic_framework(303, 109, 124);
  for (const auto& c : framework.categories()) {
    for (const auto& t : c.themes()) {
      for (const auto& q : t.questions()) {
        for (const auto& i : q.indicators()) {
          if (i.core()) core_items.push_back(i.id());
        }
      }
    }
  }
  core_items.resize(std::min<size_t>(core_items.size(), static_cast<size_t>(o.items)));

  Client* chair = clients[0].get();
  kenes::v1::PollDefinition rules;
  rules.add_eligible_roles(kenes::v1::ROLE_MEMBER);
  rules.set_anonymous(true);
  rules.mutable_threshold()->set_num(2);
  rules.mutable_threshold()->set_den(3);
  threads.run(chair->thread, [&] {
    kenes::v1::ClientMessage m;
    auto* s = m.mutable_start_validation_session();
    for (const auto& i : core_items) s->add_items(i);
    *s->mutable_rules() = rules;
    s->set_statement("The assessment of {item} is accurate and complete.");
    chair->client->send_request(std::move(m));
  });
  if (!wait_for([&] { return session_seq.load() != 0 || errors > 0; }, 30) || errors > 0) {
    res.error = "the session did not start: " + last_error;
    threads.stop();
    return res;
  }
  std::string sid;
  {
    std::lock_guard lock(mu);
    sid = session_id;
  }
  std::vector<std::pair<std::string, Clock::time_point>> next_sent, close_sent;  // poll id, when
  std::map<std::string, uint32_t> expected_voters;
  const auto started = Clock::now();
  for (size_t item = 0; item < core_items.size(); ++item) {
    const size_t want_polls = item + 1;
    Clock::time_point t_next;
    threads.run(chair->thread, [&] {
      kenes::v1::ClientMessage m;
      m.mutable_next_validation_item()->set_session_id(sid);
      t_next = Clock::now();
      chair->client->send_request(std::move(m));
    });
    std::string pid;
    if (!wait_for([&] {
          bool ok = true;
          threads.run(chair->thread, [&] {
            ok = chair->opened_at.size() >= want_polls;
            if (ok) pid = chair->last_opened_poll;
          });
          return ok || errors > 0;
        }, 30, 0.002) || errors > 0) {
      res.error = "item " + std::to_string(item + 1) + " did not open: " + last_error;
      threads.stop();
      return res;
    }
    next_sent.emplace_back(pid, t_next);
    // The members vote, spread over the window, mostly agreeing.
    acked = 0;
    const auto start = Clock::now() + std::chrono::milliseconds(5);
    std::vector<int> order(o.voters);
    for (int i = 0; i < o.voters; ++i) order[i] = i + 1;
    std::shuffle(order.begin(), order.end(), rng);
    for (int k = 0; k < o.voters; ++k) {
      Client* c = clients[order[k]].get();
      const uint32_t choice = rng() % 10 < 8 ? 0 : static_cast<uint32_t>(rng() % 4);
      auto at = start + std::chrono::microseconds(static_cast<int64_t>(o.spread_ms) * 1000 * k / o.voters);
      asio::post(threads.io(c->thread), [c, at, pid, choice, &threads] {
        c->timer = std::make_unique<asio::steady_timer>(threads.io(c->thread));
        c->timer->expires_at(at);
        c->timer->async_wait([c, pid, choice](boost::system::error_code ec) {
          if (ec) return;
          c->vote_rid = c->client->cast_vote(pid, {choice});
        });
      });
    }
    if (!wait_for([&] { return acked >= o.voters || errors > 0 || closed > 0; }, 60) || errors > 0 || closed > 0) {
      res.error = "item " + std::to_string(item + 1) + ": " + std::to_string(acked.load()) + " of " +
                  std::to_string(o.voters) + " ballots acknowledged; " + last_error;
      threads.stop();
      return res;
    }
    expected_voters[pid] = static_cast<uint32_t>(o.voters);
    Clock::time_point t_close;
    threads.run(chair->thread, [&] {
      t_close = Clock::now();
      chair->client->close_poll(pid);
    });
    close_sent.emplace_back(pid, t_close);
    auto everyone_has_outcome = [&] {
      bool ok = true;
      threads.run_all([&](int th) {
        for (auto& c : clients) {
          if (c->thread == th && !c->outcome_at.count(pid)) ok = false;
        }
      });
      return ok;
    };
    if (!wait_for(everyone_has_outcome, 30, 0.002)) {
      res.error = "item " + std::to_string(item + 1) + ": not every client saw the outcome";
      threads.stop();
      return res;
    }
  }
  res.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  for (int th = 0; th < threads.size(); ++th) {
    threads.run(th, [&] {
      for (auto& c : clients) {
        if (c->thread == th) c->client->close();
      }
    });
  }
  threads.stop();
  for (auto& c : clients) {
    for (const auto& [pid, t] : next_sent) {
      auto it = c->opened_at.find(pid);
      if (it == c->opened_at.end()) {
        res.outcomes_match = false;
        continue;
      }
      res.open_ms.push_back(std::chrono::duration<double, std::milli>(it->second - t).count());
    }
    for (const auto& [pid, t] : close_sent) {
      auto it = c->outcome_at.find(pid);
      if (it == c->outcome_at.end() || c->outcome_voters[pid] != expected_voters[pid]) {
        res.outcomes_match = false;
        continue;
      }
      res.outcome_ms.push_back(std::chrono::duration<double, std::milli>(it->second - t).count());
    }
  }
  res.ok = true;
  return res;
}

constexpr char kUsage[] =
    "usage: kenes-bench validation [--voters V] [--items N] [--spread-ms MS] [--client-threads N] [--runs N]\n"
    "                              [target flags]\n\n"
    "A validation session over N core items (of a 303-indicator, 109-core framework) with V voting members\n"
    "and the chair connected: per item, the chair's next, every member's ballot spread over MS milliseconds,\n"
    "the chair's close. Latency on every client from the next to the item's poll on screen (open) and from\n"
    "the close to the outcome on screen (outcome): p50/p99/max, median over --runs.\n";

}  // namespace

int validation_main(int argc, char** argv) {
  ValidationOptions o;
  WorkloadOptions options("validation", kUsage);
  // clang-format off
  options.add()
    ("voters", at_least(&o.voters, 1)->value_name("V"), "voting members")
    ("items", within(&o.items, 1, 109)->value_name("N"), "core items to walk (at most 109)")
    ("spread-ms", at_least(&o.spread_ms, 0)->value_name("MS"), "time each item's ballots are spread over")
    ("client-threads", at_least(&o.client_threads, 1)->value_name("N"), "I/O threads of the clients")
    ("runs", at_least(&o.runs, 1)->value_name("N"), "runs; medians are reported");
  // clang-format on
  add_target_options(options, o.target);
  if (auto status = options.parse(argc, argv)) return *status;
  if (!o.target.url.empty()) return options.fail("needs a spawned server (it creates the consultation); drop --url");
  raise_fd_limit();
  std::vector<double> open50, open99, openmax, out50, out99, outmax, seconds;
  bool match = true;
  size_t samples = 0;
  for (int r = 0; r < o.runs; ++r) {
    ValidationRun res = run_validation(o, 7 + static_cast<uint64_t>(r));
    if (!res.ok) {
      std::fprintf(stderr, "validation run %d: %s\n", r + 1, res.error.c_str());
      return 1;
    }
    std::sort(res.open_ms.begin(), res.open_ms.end());
    std::sort(res.outcome_ms.begin(), res.outcome_ms.end());
    open50.push_back(percentile(res.open_ms, 50));
    open99.push_back(percentile(res.open_ms, 99));
    openmax.push_back(res.open_ms.empty() ? 0 : res.open_ms.back());
    out50.push_back(percentile(res.outcome_ms, 50));
    out99.push_back(percentile(res.outcome_ms, 99));
    outmax.push_back(res.outcome_ms.empty() ? 0 : res.outcome_ms.back());
    seconds.push_back(res.seconds);
    match = match && res.outcomes_match;
    samples = res.open_ms.size();
    std::fprintf(stderr,
                 "validation voters=%d items=%d run %d/%d: open p50 %.1f p99 %.1f max %.1f ms; outcome p50 %.1f p99 "
                 "%.1f max %.1f ms; %.1f s; outcomes %s\n",
                 o.voters, o.items, r + 1, o.runs, open50.back(), open99.back(), openmax.back(), out50.back(),
                 out99.back(), outmax.back(), res.seconds, res.outcomes_match ? "match" : "DIFFER");
  }
  std::printf("{\"workload\":\"validation\",\"voters\":%d,\"items\":%d,\"open_p50_ms\":%.2f,\"open_p99_ms\":%.2f,"
              "\"open_max_ms\":%.2f,\"outcome_p50_ms\":%.2f,\"outcome_p99_ms\":%.2f,\"outcome_max_ms\":%.2f,"
              "\"outcomes_match\":%s,\"samples_per_latency\":%zu,\"session_seconds\":%.1f,\"spread_ms\":%d,"
              "\"runs\":%d,\"durability\":\"%s\",\"client_threads\":%d,\"server_threads\":%d,"
              "\"note\":\"median of runs; clients and server share the machine's cores\"}\n",
              o.voters, o.items, median(open50), median(open99), median(openmax), median(out50), median(out99),
              median(outmax), match ? "true" : "false", samples, median(seconds), o.spread_ms, o.runs,
              o.target.durability.c_str(), o.client_threads, o.target.server_threads);
  std::fflush(stdout);
  return match ? 0 : 1;
}

}  // namespace kenes::bench
