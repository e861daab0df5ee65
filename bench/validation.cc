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

// One run's clients and what they report, shared by the bench thread and the
// clients' I/O threads: the counters are atomic, the strings under `mu`, and
// each Client's fields are touched only on its own I/O thread (through
// threads.run) until the threads stop.
struct Fleet {
  explicit Fleet(int client_threads) : threads(client_threads) {}
  ClientThreads threads;
  std::vector<std::unique_ptr<Client>> clients;  // 0 is the chair
  std::atomic<int> live{0}, closed{0}, acked{0}, errors{0};
  std::atomic<uint64_t> session_seq{0};
  std::mutex mu;
  std::string session_id, last_error;

  std::string error() {
    std::lock_guard lock(mu);
    return last_error;
  }
};

// The chair and V members, each recording when items open and outcomes
// arrive, not yet connected.
std::unique_ptr<Fleet> make_fleet(const ValidationOptions& o, const ServerTarget& target) {
  auto f = std::make_unique<Fleet>(o.client_threads);
  for (int i = 0; i < o.voters + 1; ++i) {
    auto c = std::make_unique<Client>();
    c->thread = i % o.client_threads;
    client::ClientOptions co;
    co.host = target.host();
    co.port = target.port();
    co.deflate = target.deflate();
    co.consultation_id = kConsultation;
    co.token = i == 0 ? target.token(kenes::v1::ROLE_CHAIR, "bench-chair", kConsultation)
                      : target.token(kenes::v1::ROLE_MEMBER, "bench-member-" + std::to_string(i), kConsultation);
    co.auto_reconnect = false;
    co.subscribe_from = kenes::v1::SUBSCRIBE_FROM_STATE;
    c->client = std::make_shared<client::KenesClient>(f->threads.io(c->thread), co);
    Client* raw = c.get();
    Fleet* fleet = f.get();
    c->client->on_live = [fleet] { ++fleet->live; };
    c->client->on_closed = [fleet](const std::string&) { ++fleet->closed; };
    c->client->on_record = [raw, fleet](const kenes::v1::LogRecord& r) {
      if (r.has_validation_item_opened()) {
        raw->opened_at.emplace(r.validation_item_opened().poll_id(), Clock::now());
        raw->last_opened_poll = r.validation_item_opened().poll_id();
      } else if (r.has_validation_session_started()) {
        std::lock_guard lock(fleet->mu);
        fleet->session_id = r.validation_session_started().session_id();
        fleet->session_seq = r.seq();
      }
    };
    c->client->on_poll_update = [raw](const kenes::v1::PollUpdate& u) {
      if (u.closed() && u.has_results() && !raw->outcome_at.count(u.poll_id())) {
        raw->outcome_at.emplace(u.poll_id(), Clock::now());
        raw->outcome_voters[u.poll_id()] = u.results().voters();
      }
    };
    c->client->on_request_ack = [raw, fleet](uint64_t rid, uint64_t) {
      if (rid == raw->vote_rid && rid != 0) ++fleet->acked;
    };
    c->client->on_error = [fleet](const kenes::v1::Error& e) {
      std::lock_guard lock(fleet->mu);
      fleet->last_error = e.message();
      ++fleet->errors;
    };
    f->clients.push_back(std::move(c));
  }
  return f;
}

// The first `n` core indicators of the synthetic framework, in its order.
std::vector<std::string> core_items(int n) {
  std::vector<std::string> out;
  const kenes::v1::Framework framework = consultation::testing::synthetic_framework(303, 109, 124);
  for (const auto& c : framework.categories()) {
    for (const auto& t : c.themes()) {
      for (const auto& q : t.questions()) {
        for (const auto& i : q.indicators()) {
          if (i.core()) out.push_back(i.id());
        }
      }
    }
  }
  out.resize(std::min<size_t>(out.size(), static_cast<size_t>(n)));
  return out;
}

// The chair starts a session over `items`: its id, or "" (error in *why).
std::string start_session(Fleet& f, const std::vector<std::string>& items, std::string* why) {
  Client* chair = f.clients[0].get();
  f.threads.run(chair->thread, [&] {
    kenes::v1::ClientMessage m;
    auto* s = m.mutable_start_validation_session();
    for (const auto& i : items) s->add_items(i);
    s->mutable_rules()->add_eligible_roles(kenes::v1::ROLE_MEMBER);
    s->mutable_rules()->set_anonymous(true);
    s->mutable_rules()->mutable_threshold()->set_num(2);
    s->mutable_rules()->mutable_threshold()->set_den(3);
    s->set_statement("The assessment of {item} is accurate and complete.");
    chair->client->send_request(std::move(m));
  });
  if (!wait_for([&] { return f.session_seq.load() != 0 || f.errors > 0; }, 30) || f.errors > 0) {
    *why = "the session did not start: " + f.error();
    return "";
  }
  std::lock_guard lock(f.mu);
  return f.session_id;
}

// One item as the chair and the board live it, with when the chair's next
// and close were handed to the library.
struct Step {
  std::string poll_id;
  Clock::time_point next_sent, close_sent;
};

// The chair's next; every member votes (spread over the window, mostly
// agreeing) once the poll is open for the chair; the chair's close once
// every ballot is acknowledged; done when every client has the outcome.
// "" or what went wrong.
std::string walk_item(Fleet& f, const ValidationOptions& o, const std::string& sid, size_t item, std::mt19937_64& rng,
                      Step* step) {
  Client* chair = f.clients[0].get();
  const std::string which = "item " + std::to_string(item + 1);
  f.threads.run(chair->thread, [&] {
    kenes::v1::ClientMessage m;
    m.mutable_next_validation_item()->set_session_id(sid);
    step->next_sent = Clock::now();
    chair->client->send_request(std::move(m));
  });
  if (!wait_for([&] {
        bool ok = true;
        f.threads.run(chair->thread, [&] {
          ok = chair->opened_at.size() >= item + 1;
          if (ok) step->poll_id = chair->last_opened_poll;
        });
        return ok || f.errors > 0;
      }, 30, 0.002) || f.errors > 0) {
    return which + " did not open: " + f.error();
  }
  const std::string pid = step->poll_id;
  f.acked = 0;
  const auto start = Clock::now() + std::chrono::milliseconds(5);
  std::vector<int> order(o.voters);
  for (int i = 0; i < o.voters; ++i) order[i] = i + 1;
  std::shuffle(order.begin(), order.end(), rng);
  for (int k = 0; k < o.voters; ++k) {
    Client* c = f.clients[order[k]].get();
    const uint32_t choice = rng() % 10 < 8 ? 0 : static_cast<uint32_t>(rng() % 4);
    auto at = start + std::chrono::microseconds(static_cast<int64_t>(o.spread_ms) * 1000 * k / o.voters);
    asio::post(f.threads.io(c->thread), [c, at, pid, choice, &f] {
      c->timer = std::make_unique<asio::steady_timer>(f.threads.io(c->thread));
      c->timer->expires_at(at);
      c->timer->async_wait([c, pid, choice](boost::system::error_code ec) {
        if (ec) return;
        c->vote_rid = c->client->cast_vote(pid, {choice});
      });
    });
  }
  if (!wait_for([&] { return f.acked >= o.voters || f.errors > 0 || f.closed > 0; }, 60) || f.errors > 0 ||
      f.closed > 0) {
    return which + ": " + std::to_string(f.acked.load()) + " of " + std::to_string(o.voters) +
           " ballots acknowledged; " + f.error();
  }
  f.threads.run(chair->thread, [&] {
    step->close_sent = Clock::now();
    chair->client->close_poll(pid);
  });
  auto everyone_has_outcome = [&] {
    bool ok = true;
    f.threads.run_all([&](int th) {
      for (auto& c : f.clients) {
        if (c->thread == th && !c->outcome_at.count(pid)) ok = false;
      }
    });
    return ok;
  };
  if (!wait_for(everyone_has_outcome, 30, 0.002)) return which + ": not every client saw the outcome";
  return "";
}

// Per step and client, the open and outcome latencies; outcomes_match stays
// true only if every client saw every item open and its outcome count all
// `voters` ballots. After the client threads have stopped.
void collect(const Fleet& f, const std::vector<Step>& steps, int voters, ValidationRun& res) {
  for (const auto& c : f.clients) {
    for (const Step& s : steps) {
      auto opened = c->opened_at.find(s.poll_id);
      auto outcome = c->outcome_at.find(s.poll_id);
      auto counted = c->outcome_voters.find(s.poll_id);
      if (opened == c->opened_at.end()) {
        res.outcomes_match = false;
      } else {
        res.open_ms.push_back(std::chrono::duration<double, std::milli>(opened->second - s.next_sent).count());
      }
      if (outcome == c->outcome_at.end() || counted == c->outcome_voters.end() ||
          counted->second != static_cast<uint64_t>(voters)) {
        res.outcomes_match = false;
      } else {
        res.outcome_ms.push_back(std::chrono::duration<double, std::milli>(outcome->second - s.close_sent).count());
      }
    }
  }
}

ValidationRun run_validation(const ValidationOptions& o, uint64_t seed) {
  ValidationRun res;
  auto target = ServerTarget::start(o.target, &res.error, [](storage::Log& log) {
    return replay::append_consultation_created(log, kConsultation, "Validation bench",
                                               consultation::testing::synthetic_framework(303, 109, 124), "bench",
                                               kenes::v1::SCOPE_CORE);
  });
  if (!target) return res;
  std::unique_ptr<Fleet> f = make_fleet(o, *target);
  std::mt19937_64 rng(seed);
  auto fail = [&](std::string why) {
    res.error = std::move(why);
    f->threads.stop();
    return res;
  };
  std::string why = connect_in_waves(
      o.voters + 1,
      [&](int j) { asio::post(f->threads.io(f->clients[j]->thread), [c = f->clients[j].get()] { c->client->connect(); }); },
      f->live, f->closed);
  if (!why.empty()) return fail(why);
  const std::string sid = start_session(*f, core_items(o.items), &why);
  if (sid.empty()) return fail(why);
  std::vector<Step> steps;
  const auto started = Clock::now();
  for (size_t item = 0; item < static_cast<size_t>(o.items); ++item) {
    Step step;
    why = walk_item(*f, o, sid, item, rng, &step);
    if (!why.empty()) return fail(why);
    steps.push_back(std::move(step));
  }
  res.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  for (int th = 0; th < f->threads.size(); ++th) {
    f->threads.run(th, [&] {
      for (auto& c : f->clients) {
        if (c->thread == th) c->client->close();
      }
    });
  }
  f->threads.stop();  // from here on the clients' fields are ours alone
  collect(*f, steps, o.voters, res);
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
