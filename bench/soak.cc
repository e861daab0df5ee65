// kenes-bench soak: a long meeting. C clients in one consultation each type
// R single-character edits per second into one of D documents for S seconds,
// while a chair runs polls back to back (create -> open -> every client votes
// within a few seconds, some changing their vote -> close -> next), mixing
// named and anonymous, single-choice and agreement polls.
//
//   kenes-bench soak [--clients C] [--rate R] [--seconds S] [--docs D]
//                    [--client-threads N] [--vote-spread-ms MS] [--rss-every S]
//                    [--max-rss-slope-bytes-per-min X]
//                    [--max-voluntary-switches-per-s X] [--seed S] [target flags]
//
// What it checks (the exit status is 1 if any fails):
//   errors        no client receives an Error or loses its connection (each
//                 distinct one is printed on stderr);
//   converged     after the typing stops, every client holds the same text at
//                 the same version of every document, nothing unacknowledged;
//   tallies_match every poll's closing result, on every client, equals a
//                 brute-force count of the last ballot each voter cast;
//   log_verified  the server stops cleanly on SIGTERM and storage::RocksLog's
//                 verify() walks the consultation's whole log without a break;
//   RSS slope     with --max-rss-slope-bytes-per-min, the least-squares slope
//                 of the server's VmRSS after warm-up (the first 20 % of the
//                 run, at least 10 s) is at most X. Also reported, not
//                 asserted: the slope of VmRSS less RocksDB's block cache in
//                 use (from /metrics; the memtables are charged to it), which
//                 fills up to its fixed capacity over the first tens of
//                 minutes, and each minute's peak RSS.
//   switches      with --max-voluntary-switches-per-s, the server's voluntary
//                 context switches a second while typing are at most X: its
//                 I/O threads waking each other once per frame sent
//                 (~28,000/s in this workload before a write's completion
//                 stayed on its thread, 2,500-3,000/s since) fails the run.
// Also reported: the server's CPU seconds and the bench's, and its
// involuntary context switches a second (what the shared cores cost it).
// Latency (edit p50/p99/max overall and per minute; poll update p99) is
// reported, never asserted: on a shared machine it measures the machine too.
//
// Edit latency is matched as in `room` (on_submit hook, (client_id,
// client_seq)), but kept in fixed-size histograms rather than sample vectors
// so that a 30-minute run's bench process stays small: 300 clients at 2
// edits/s make ~180,000 receipts a second.

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/text_op.h"
#include "bench_options.h"
#include "kenes_client.h"
#include "server_target.h"
#include "storage/rocks_log.h"
#include "workloads.h"

namespace kenes::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct SoakOptions {
  int clients = 300;
  double rate = 2;
  double seconds = 1800;
  int docs = 4;
  int client_threads = 2;
  int vote_spread_ms = 3000;
  double rss_every = 2;
  double max_rss_slope = -1;  // bytes/min; < 0: not asserted
  double max_voluntary_switches = -1;  // per second; < 0: not asserted
  uint64_t seed = 7;
  TargetOptions target;
};

// Latencies in 0.1 ms buckets up to 5 s, one overflow bucket; percentiles
// are the bucket's upper edge (so at most 0.1 ms pessimistic), max is exact.
class Histogram {
 public:
  static constexpr int kBuckets = 50000;
  static constexpr double kWidthMs = 0.1;
  void add(double ms) {
    int b = static_cast<int>(ms / kWidthMs);
    if (b < 0) b = 0;
    if (b > kBuckets) b = kBuckets;
    ++counts_[b];
    ++n_;
    max_ = std::max(max_, ms);
  }
  void merge(const Histogram& o) {
    for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
    n_ += o.n_;
    max_ = std::max(max_, o.max_);
  }
  uint64_t count() const { return n_; }
  double max() const { return max_; }
  double percentile(double p) const {
    if (n_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(n_)));
    if (rank == 0) rank = 1;
    uint64_t seen = 0;
    for (int b = 0; b <= kBuckets; ++b) {
      seen += counts_[b];
      if (seen >= rank) return b == kBuckets ? max_ : std::min(max_, (b + 1) * kWidthMs);
    }
    return max_;
  }

 private:
  std::vector<uint64_t> counts_ = std::vector<uint64_t>(kBuckets + 1, 0);
  uint64_t n_ = 0;
  double max_ = 0;
};

struct SenderLog {
  std::mutex mu;
  std::vector<Clock::time_point> unsent;
  struct Sent {
    std::vector<Clock::time_point> handed;
    Clock::time_point submitted;
    int receipts = 0;
  };
  std::unordered_map<uint64_t, Sent> sent;
};

struct Ballot {
  Clock::time_point sent_at;
  uint64_t rid = 0;
  uint64_t seq = 0;  // from the Ack
};

struct Member {
  std::shared_ptr<client::KenesClient> client;
  int index = 0;
  int thread = 0;
  bool chair = false;
  std::string doc;
  SenderLog log;
  std::unique_ptr<asio::steady_timer> timer;
  std::unique_ptr<asio::steady_timer> vote_timer;
  std::mt19937_64 rng;
  uint64_t ticks = 0;
  // Poll state of the current poll (touched on the member's thread, or by the
  // main thread through ClientThreads::run while the thread is parked).
  std::string poll_id;
  bool poll_open_seen = false;
  kenes::v1::PollUpdate latest;
  std::vector<std::pair<uint64_t, Clock::time_point>> updates;
  std::vector<Ballot> ballots;
  uint32_t last_choice = 0;
  // Chair only.
  uint64_t pending_rid = 0;
  uint64_t acked_seq = 0;
  std::string created_poll;
};

struct PerThread {
  std::vector<Histogram> minutes;  // by the edit's hand-over minute
};

struct ErrorBook {
  std::mutex mu;
  std::map<std::string, uint64_t> distinct;
  std::atomic<uint64_t> total{0};
  void add(const std::string& what) {
    std::lock_guard lock(mu);
    ++total;
    if (distinct[what]++ == 0) std::fprintf(stderr, "soak: error: %s\n", what.c_str());
  }
};

double slope_per_minute(const std::vector<std::pair<double, double>>& pts) {
  if (pts.size() < 2) return 0;
  double n = static_cast<double>(pts.size()), sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (auto [x, y] : pts) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  double den = n * sxx - sx * sx;
  if (den == 0) return 0;
  return (n * sxy - sx * sy) / den * 60.0;  // x in seconds
}

int run_soak(const SoakOptions& o) {
  std::string err;
  auto target = ServerTarget::start(o.target, &err);
  if (!target) {
    std::fprintf(stderr, "soak: %s\n", err.c_str());
    return 1;
  }
  ClientThreads threads(o.client_threads);
  ErrorBook errors;
  const int n = o.clients + 1;  // index 0 is the chair
  std::vector<std::unique_ptr<Member>> members;
  std::unordered_map<std::string, Member*> by_client_id;
  std::atomic<int> live{0};
  std::vector<PerThread> per_thread(o.client_threads);
  std::atomic<bool> typing{false};
  std::atomic<bool> closing{false};  // the bench closes the clients: not an error
  Clock::time_point window_start, window_end;

  for (int i = 0; i < n; ++i) {
    auto m = std::make_unique<Member>();
    m->index = i;
    m->chair = i == 0;
    m->thread = i % o.client_threads;
    m->doc = "soak/doc-" + std::to_string(i % std::max(1, o.docs));
    m->rng.seed(o.seed * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(i));
    client::ClientOptions co;
    co.host = target->host();
    co.port = target->port();
    co.deflate = target->deflate();
    co.token = m->chair ? target->token(kenes::v1::ROLE_CHAIR, "soak-chair")
                        : target->token(kenes::v1::ROLE_RESEARCHER, "soak-p" + std::to_string(i));
    co.client_id = "soak-" + std::to_string(i);
    co.auto_reconnect = false;
    m->client = std::make_shared<client::KenesClient>(threads.io(m->thread), co);
    by_client_id[co.client_id] = m.get();
    members.push_back(std::move(m));
  }
  const int receivers = n - 1;  // every client but the sender receives an edit
  for (auto& mp : members) {
    Member* m = mp.get();
    PerThread* pt = &per_thread[m->thread];
    m->client->on_live = [&live] { ++live; };
    m->client->on_closed = [&errors, &closing](const std::string& why) {
      if (!closing) errors.add("connection closed: " + why);
    };
    m->client->on_error = [&errors](const kenes::v1::Error& e) {
      errors.add(kenes::v1::ErrorCode_Name(e.code()) + ": " + e.message());
    };
    m->client->on_submit = [m](const std::string&, uint64_t client_seq, uint64_t edits) {
      std::lock_guard lock(m->log.mu);
      auto& sent = m->log.sent[client_seq];
      size_t k = std::min<size_t>(edits, m->log.unsent.size());
      sent.handed.assign(m->log.unsent.begin(), m->log.unsent.begin() + static_cast<long>(k));
      sent.submitted = Clock::now();
      m->log.unsent.erase(m->log.unsent.begin(), m->log.unsent.begin() + static_cast<long>(k));
      // A sender whose receivers all counted an edit erases it below; this
      // bounds what is left if a receipt never comes (it would be an error).
      if (m->log.sent.size() > 1000) {
        auto cutoff = Clock::now() - std::chrono::seconds(120);
        std::erase_if(m->log.sent, [&](const auto& kv) { return kv.second.submitted < cutoff; });
      }
    };
    m->client->on_record = [&, m, pt](const kenes::v1::LogRecord& rec) {
      if (m->chair && rec.has_poll_created()) m->created_poll = rec.poll_created().poll_id();
      if (!rec.has_text_edit()) return;
      auto now = Clock::now();
      auto it = by_client_id.find(rec.client_id());
      if (it == by_client_id.end()) return;
      SenderLog& log = it->second->log;
      std::lock_guard lock(log.mu);
      auto s = log.sent.find(rec.client_seq());
      if (s == log.sent.end()) return;
      for (auto t : s->second.handed) {
        double ms = std::chrono::duration<double, std::milli>(now - t).count();
        auto minute = t < window_start ? 0 : std::chrono::duration_cast<std::chrono::minutes>(t - window_start).count();
        if (pt->minutes.size() <= static_cast<size_t>(minute)) pt->minutes.resize(static_cast<size_t>(minute) + 1);
        pt->minutes[static_cast<size_t>(minute)].add(ms);
      }
      if (++s->second.receipts >= receivers) log.sent.erase(s);
    };
    m->client->on_poll_update = [m](const kenes::v1::PollUpdate& u) {
      if (u.poll_id() != m->poll_id) return;
      m->updates.emplace_back(u.seq(), Clock::now());
      m->latest = u;
      if (u.open()) m->poll_open_seen = true;
    };
    m->client->on_request_ack = [m](uint64_t rid, uint64_t seq) {
      if (m->chair && rid == m->pending_rid) m->acked_seq = seq;
      for (auto& b : m->ballots) {
        if (b.rid == rid) b.seq = seq;
      }
    };
  }

  // Connect in waves (as `room` does) so the presence storm settles.
  const int wave = 100;
  for (int i = 0; i < n; i += wave) {
    for (int j = i; j < std::min(n, i + wave); ++j) {
      Member* m = members[j].get();
      asio::post(threads.io(m->thread), [m] { m->client->connect(); });
    }
    int want = std::min(n, i + wave);
    if (!wait_for([&] { return live >= want; }, 60)) {
      std::fprintf(stderr, "soak: only %d of %d clients got live\n", live.load(), want);
      threads.stop();
      return 1;
    }
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));

  // RSS sampler.
  std::vector<std::pair<double, double>> rss;  // (seconds since start, bytes)
  // RSS less what RocksDB's shared block cache holds (the memtables are
  // charged to it): the server's own memory, whose slope a cache still
  // filling up after warm-up does not hide.
  std::vector<std::pair<double, double>> rss_net;
  std::atomic<bool> sampling{true};
  const auto rss_t0 = Clock::now();
  std::thread sampler([&] {
    while (sampling) {
      uint64_t b = target->rss_bytes();
      std::optional<double> cache = b > 0 ? target->metric("kenes_storage_block_cache_bytes") : std::nullopt;
      double t = std::chrono::duration<double>(Clock::now() - rss_t0).count();
      if (b > 0) rss.emplace_back(t, static_cast<double>(b));
      if (cache) rss_net.emplace_back(t, static_cast<double>(b) - *cache);
      for (int k = 0; k < static_cast<int>(o.rss_every * 10) && sampling; ++k)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  // Typing, on a fixed schedule per client with phases spread evenly.
  const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / o.rate));
  const auto switches_before = target->context_switches();
  const auto switches_t0 = Clock::now();
  window_start = Clock::now() + std::chrono::milliseconds(50);
  window_end = window_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  typing = true;
  std::function<void(Member*, Clock::time_point)> schedule;
  schedule = [&](Member* m, Clock::time_point at) {
    m->timer->expires_at(at);
    m->timer->async_wait([&, m, at](boost::system::error_code ec) {
      if (ec || !typing || Clock::now() >= window_end) return;
      auto& doc = m->client->document(m->doc);
      uint64_t len = doc.text().length();
      engine::TextOp op;
      uint64_t pos = len == 0 ? 0 : m->rng() % (len + 1);
      if (len > 0 && m->rng() % 10 == 0) {
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
        errors.add("local_edit refused: " + s.to_string());
      }
      schedule(m, at + period);
    });
  };
  for (int i = 1; i < n; ++i) {
    Member* m = members[i].get();
    auto phase = std::chrono::duration_cast<Clock::duration>(period * (static_cast<double>(i) / n));
    asio::post(threads.io(m->thread), [&, m, phase] {
      m->timer = std::make_unique<asio::steady_timer>(threads.io(m->thread));
      schedule(m, window_start + phase);
    });
  }

  // The chair's poll loop, on this thread, until too little time is left for
  // one more poll.
  Member* chair = members[0].get();
  std::mt19937_64 rng(o.seed);
  Histogram poll_hist;
  uint64_t polls = 0, votes = 0;
  bool tallies_match = true;
  std::string poll_failure;
  const auto poll_budget = std::chrono::milliseconds(o.vote_spread_ms) * 2 + std::chrono::seconds(10);
  auto chair_request = [&](const std::function<uint64_t()>& send) -> uint64_t {
    threads.run(chair->thread, [&] {
      chair->acked_seq = 0;
      chair->pending_rid = send();
    });
    uint64_t seq = 0;
    wait_for(
        [&] {
          threads.run(chair->thread, [&] { seq = chair->acked_seq; });
          return seq != 0 || errors.total > 0;
        },
        30, 0.01);
    return seq;
  };
  auto every = [&](const std::function<bool(Member&)>& pred) {
    bool ok = true;
    threads.run_all([&](int th) {
      for (auto& m : members) {
        if (m->thread == th && !pred(*m)) ok = false;
      }
    });
    return ok;
  };
  while (Clock::now() + poll_budget < window_end && errors.total == 0) {
    const bool agreement = polls % 2 == 1;
    const bool anonymous = (polls / 2) % 2 == 1;
    kenes::v1::PollDefinition def;
    def.set_kind(agreement ? kenes::v1::POLL_KIND_AGREEMENT : kenes::v1::POLL_KIND_SINGLE_CHOICE);
    def.set_question("Soak poll " + std::to_string(polls + 1));
    const int options = agreement ? 4 : 3;
    if (!agreement) {
      for (int k = 0; k < options; ++k) def.add_options("option " + std::to_string(k + 1));
    }
    def.set_anonymous(anonymous);
    def.add_eligible_roles(kenes::v1::ROLE_RESEARCHER);
    threads.run(chair->thread, [&] { chair->created_poll.clear(); });
    if (chair_request([&] { return chair->client->create_poll(def); }) == 0) {
      poll_failure = "poll " + std::to_string(polls + 1) + " was not created";
      break;
    }
    std::string pid;
    wait_for(
        [&] {
          threads.run(chair->thread, [&] { pid = chair->created_poll; });
          return !pid.empty();
        },
        10, 0.01);
    if (pid.empty()) {
      poll_failure = "the chair never saw poll " + std::to_string(polls + 1) + "'s PollCreated record";
      break;
    }
    threads.run_all([&](int th) {
      for (auto& m : members) {
        if (m->thread != th) continue;
        m->poll_id = pid;
        m->poll_open_seen = false;
        m->latest.Clear();
        m->updates.clear();
        m->ballots.clear();
      }
    });
    if (chair_request([&] { return chair->client->open_poll(pid); }) == 0 ||
        !wait_for([&] { return every([](Member& m) { return m.poll_open_seen; }); }, 30, 0.02)) {
      poll_failure = "poll " + pid + " did not open on every client";
      break;
    }
    // Every voter votes at a random instant within the spread; one in five
    // changes its mind between 0.2 and 1.2 s later (same connection, so the
    // server sees the two ballots in order and the later one counts).
    const auto start = Clock::now() + std::chrono::milliseconds(20);
    uint64_t casts = 0;
    for (int i = 1; i < n; ++i) {
      Member* m = members[i].get();
      auto at = start + std::chrono::milliseconds(rng() % static_cast<uint64_t>(std::max(1, o.vote_spread_ms)));
      std::vector<uint32_t> choices{static_cast<uint32_t>(rng() % options)};
      if (rng() % 5 == 0) {
        choices.push_back(static_cast<uint32_t>(rng() % options));
      }
      casts += choices.size();
      auto later = std::chrono::milliseconds(200 + rng() % 1000);
      asio::post(threads.io(m->thread), [&, m, at, later, choices, pid] {
        m->vote_timer = std::make_unique<asio::steady_timer>(threads.io(m->thread));
        auto cast = std::make_shared<std::function<void(size_t, Clock::time_point)>>();
        *cast = [&, m, choices, pid, later, cast](size_t k, Clock::time_point when) {
          m->vote_timer->expires_at(when);
          m->vote_timer->async_wait([&, m, choices, pid, later, cast, k](boost::system::error_code ec) {
            if (ec) return;
            Ballot b;
            b.sent_at = Clock::now();
            b.rid = m->client->cast_vote(pid, {choices[k]});
            m->ballots.push_back(b);
            m->last_choice = choices[k];
            if (k + 1 < choices.size()) (*cast)(k + 1, Clock::now() + later);
            else *cast = nullptr;  // break the self-reference
          });
        };
        (*cast)(0, at);
      });
    }
    auto all_acked = [&] {
      uint64_t acked = 0;
      threads.run_all([&](int th) {
        for (auto& m : members) {
          if (m->thread != th) continue;
          for (auto& b : m->ballots) acked += b.seq != 0;
        }
      });
      return acked == casts;
    };
    if (!wait_for([&] { return all_acked() || errors.total > 0; }, 60, 0.05) || errors.total > 0) {
      poll_failure = "not every ballot of poll " + pid + " was acknowledged";
      break;
    }
    votes += casts;
    if (chair_request([&] { return chair->client->close_poll(pid); }) == 0 ||
        !wait_for([&] { return every([](Member& m) { return m.latest.closed(); }); }, 30, 0.02)) {
      poll_failure = "poll " + pid + " did not close on every client";
      break;
    }
    // Brute force: the last ballot of each voter.
    std::vector<uint64_t> expected(options, 0);
    threads.run_all([&](int th) {
      for (auto& m : members) {
        if (m->thread == th && !m->chair) ++expected[m->last_choice];
      }
    });
    bool match = every([&](Member& m) {
      const auto& r = m.latest.results();
      if (r.options_size() != options || r.voters() != static_cast<uint64_t>(o.clients)) return false;
      for (int k = 0; k < options; ++k) {
        if (r.options(k).votes() != expected[k]) return false;
      }
      return true;
    });
    if (!match) {
      tallies_match = false;
      std::fprintf(stderr, "soak: poll %s (%s, %s): a client's closing tally differs from the ballots cast\n",
                   pid.c_str(), agreement ? "agreement" : "single choice", anonymous ? "anonymous" : "named");
    }
    // Poll update latency: per (ballot, client), the first update covering it.
    threads.run_all([&](int th) {
      for (auto& rc : members) {
        if (rc->thread != th) continue;
        const auto& ups = rc->updates;
        for (auto& voter : members) {
          for (auto& b : voter->ballots) {  // read-only: every ballot is acked, no timer pending
            auto it = std::lower_bound(ups.begin(), ups.end(), b.seq,
                                       [](const auto& u, uint64_t seq) { return u.first < seq; });
            if (it != ups.end()) poll_hist.add(std::chrono::duration<double, std::milli>(it->second - b.sent_at).count());
          }
        }
        rc->updates.clear();
        rc->updates.shrink_to_fit();
      }
    });
    ++polls;
  }
  // A failed run stops early: a 30-minute soak need not finish typing once
  // its verdict is known.
  while (Clock::now() < window_end && errors.total == 0 && poll_failure.empty())
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  typing = false;

  // Quiescence, then the texts compared (as `room` does).
  auto settled = [&](bool compare_text) {
    std::map<std::string, std::pair<uint64_t, std::string>> seen;
    bool ok = true;
    for (int th = 0; th < threads.size(); ++th) {
      threads.run(th, [&] {
        for (auto& m : members) {
          if (m->thread != th) continue;
          if (m->client->has_unacknowledged()) ok = false;
          for (int d = 0; d < std::max(1, o.docs); ++d) {
            std::string doc_id = "soak/doc-" + std::to_string(d);
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
  bool quiet = wait_for([&] { return settled(false); }, 60, 0.1);
  bool converged = quiet && settled(true);
  sampling = false;
  sampler.join();

  uint64_t edits = 0;
  for (auto& m : members) edits += m->ticks;
  // CPU of the run (connect to quiescence): the server's and the bench's own,
  // since both share the machine's cores.
  const double server_cpu = target->cpu_seconds();
  // Context switches a second from the start of typing to quiescence: what
  // the server's threads cost each other (voluntary: one woke another, or
  // waited) and what the shared cores cost them (involuntary).
  const auto switches_after = target->context_switches();
  const double switch_span = std::max(1e-3, std::chrono::duration<double>(Clock::now() - switches_t0).count());
  const double voluntary_per_s = static_cast<double>(switches_after.first - switches_before.first) / switch_span;
  const double involuntary_per_s = static_cast<double>(switches_after.second - switches_before.second) / switch_span;
  rusage self_usage{};
  ::getrusage(RUSAGE_SELF, &self_usage);
  const double bench_cpu = static_cast<double>(self_usage.ru_utime.tv_sec + self_usage.ru_stime.tv_sec) +
                           static_cast<double>(self_usage.ru_utime.tv_usec + self_usage.ru_stime.tv_usec) / 1e6;
  closing = true;
  for (int th = 0; th < threads.size(); ++th) {
    threads.run(th, [&] {
      for (auto& m : members) {
        if (m->thread != th) continue;
        if (m->timer) m->timer->cancel();
        if (m->vote_timer) m->vote_timer->cancel();
        m->client->close();
      }
    });
  }
  threads.stop();

  // The server stops on SIGTERM, then its log is walked from record 1.
  int exit_status = target->stop();
  bool log_verified = false;
  uint64_t log_head = 0;
  if (exit_status != 0) {
    std::fprintf(stderr, "soak: kenes-server exited with status %d on SIGTERM\n", exit_status);
  } else {
    auto log = storage::RocksLog::open(target->data_dir() + "/log", storage::RocksLogOptions{});
    if (!log.ok()) {
      std::fprintf(stderr, "soak: cannot open the server's log: %s\n", log.status().to_string().c_str());
    } else {
      storage::VerifyReport report;
      auto s = (*log)->verify("demo", &report);
      log_verified = s.ok();
      log_head = report.head.seq;
      if (!s.ok()) std::fprintf(stderr, "soak: the log does not verify: %s\n", s.to_string().c_str());
    }
  }

  // Figures.
  Histogram all;
  std::vector<double> minute_p99;
  size_t minutes = 0;
  for (auto& pt : per_thread) minutes = std::max(minutes, pt.minutes.size());
  for (size_t k = 0; k < minutes; ++k) {
    Histogram h;
    for (auto& pt : per_thread) {
      if (k < pt.minutes.size()) h.merge(pt.minutes[k]);
    }
    all.merge(h);
    minute_p99.push_back(h.percentile(99));
    std::fprintf(stderr, "soak minute %zu: %llu samples, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", k + 1,
                 static_cast<unsigned long long>(h.count()), h.percentile(50), h.percentile(99), h.max());
  }
  const double warmup = std::max(10.0, 0.2 * o.seconds);
  std::vector<std::pair<double, double>> after;
  for (auto& p : rss) {
    if (p.first >= warmup) after.push_back(p);
  }
  double slope = slope_per_minute(after);
  double rss_start = after.empty() ? 0 : after.front().second;
  double rss_end = rss.empty() ? 0 : rss.back().second;
  std::vector<std::pair<double, double>> net_after;
  for (auto& p : rss_net) {
    if (p.first >= warmup) net_after.push_back(p);
  }
  const double net_slope = slope_per_minute(net_after);
  // The highest RSS of each minute, in MB: the sawtooth of memtable flushes
  // shows, and whether its peaks still rise.
  std::string rss_minutes;
  for (size_t i = 0, minute = 0; i < rss.size(); ++minute) {
    double peak = 0;
    for (; i < rss.size() && rss[i].first < 60.0 * static_cast<double>(minute + 1); ++i) peak = std::max(peak, rss[i].second);
    if (peak > 0) {
      char one[32];
      std::snprintf(one, sizeof one, "%s%.1f", rss_minutes.empty() ? "" : ",", peak / 1e6);
      rss_minutes += one;
    }
  }
  std::string minute_list;
  for (double v : minute_p99) minute_list += (minute_list.empty() ? "" : ",") + std::to_string(v).substr(0, 8);
  double worst = minute_p99.empty() ? 0 : *std::max_element(minute_p99.begin(), minute_p99.end());
  const bool slope_ok = o.max_rss_slope < 0 || slope <= o.max_rss_slope;
  const bool switches_ok = o.max_voluntary_switches < 0 || voluntary_per_s <= o.max_voluntary_switches;
  if (!poll_failure.empty()) std::fprintf(stderr, "soak: %s\n", poll_failure.c_str());
  const bool polls_ok = poll_failure.empty() && polls > 0;
  std::printf(
      "{\"workload\":\"soak\",\"clients\":%d,\"rate\":%g,\"seconds\":%g,\"docs\":%d,\"durability\":\"%s\","
      "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"worst_minute_p99_ms\":%.2f,\"minute_p99_ms\":[%s],"
      "\"p99_target_ms\":25,\"p99_within_target\":%s,\"poll_update_p99_ms\":%.2f,\"polls\":%llu,\"votes\":%llu,"
      "\"edits\":%llu,\"latency_samples\":%llu,\"errors\":%llu,\"rss_start_bytes\":%.0f,\"rss_end_bytes\":%.0f,"
      "\"rss_slope_bytes_per_min\":%.0f,\"rss_net_of_rocksdb_cache_slope_bytes_per_min\":%.0f,"
      "\"rss_minute_peak_mb\":[%s],\"rss_samples\":%zu,\"warmup_seconds\":%g,\"max_rss_slope_bytes_per_min\":%.0f,"
      "\"converged\":%s,\"tallies_match\":%s,\"log_verified\":%s,\"log_head_seq\":%llu,\"client_threads\":%d,"
      "\"server_threads\":%d,\"server_cpu_seconds\":%.1f,\"bench_cpu_seconds\":%.1f,"
      "\"server_voluntary_switches_per_s\":%.0f,\"server_involuntary_switches_per_s\":%.0f,"
      "\"note\":\"clients and server share the machine's cores\"}\n",
      o.clients, o.rate, o.seconds, o.docs, o.target.durability.c_str(), all.percentile(50), all.percentile(99),
      all.max(), worst, minute_list.c_str(), all.percentile(99) < 25 ? "true" : "false", poll_hist.percentile(99),
      static_cast<unsigned long long>(polls), static_cast<unsigned long long>(votes),
      static_cast<unsigned long long>(edits), static_cast<unsigned long long>(all.count()),
      static_cast<unsigned long long>(errors.total), rss_start, rss_end, slope, net_slope, rss_minutes.c_str(),
      after.size(), warmup, o.max_rss_slope,
      converged ? "true" : "false", tallies_match && polls_ok ? "true" : "false", log_verified ? "true" : "false",
      static_cast<unsigned long long>(log_head), o.client_threads, o.target.server_threads, server_cpu, bench_cpu,
      voluntary_per_s, involuntary_per_s);
  std::fflush(stdout);
  {
    std::lock_guard lock(errors.mu);
    for (auto& [what, count] : errors.distinct) std::fprintf(stderr, "soak: %llu x %s\n", static_cast<unsigned long long>(count), what.c_str());
  }
  if (!slope_ok) std::fprintf(stderr, "soak: RSS slope %.0f bytes/min exceeds %.0f\n", slope, o.max_rss_slope);
  if (!switches_ok) {
    std::fprintf(stderr, "soak: the server's voluntary context switches, %.0f/s, exceed %.0f/s\n", voluntary_per_s,
                 o.max_voluntary_switches);
  }
  bool ok = errors.total == 0 && converged && tallies_match && polls_ok && log_verified && slope_ok && switches_ok;
  std::fprintf(stderr, "soak: %s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}

constexpr char kUsage[] =
    "usage: kenes-bench soak [--clients C] [--rate R] [--seconds S] [--docs D] [--client-threads N]\n"
    "                        [--vote-spread-ms MS] [--rss-every S] [--max-rss-slope-bytes-per-min X]\n"
    "                        [--max-voluntary-switches-per-s X] [--seed S] [target flags]\n\n"
    "C clients each type R edits/s into one of D documents for S seconds while a chair runs polls\n"
    "back to back (every client votes within MS ms, one in five changes its vote). Reports edit\n"
    "latency (overall and per minute), poll update p99, errors, the server's RSS slope after warm-up,\n"
    "convergence, tallies against a brute-force count and the log's verification after a graceful\n"
    "stop; exits 1 if a check fails.\n";

}  // namespace

int soak_main(int argc, char** argv) {
  SoakOptions o;
  WorkloadOptions options("soak", kUsage);
  // clang-format off
  options.add()
    ("clients", at_least(&o.clients, 2)->value_name("C"), "clients in the consultation")
    ("rate", po::value(&o.rate)->default_value(o.rate)->value_name("R"), "edits per second of each client")
    ("seconds", po::value(&o.seconds)->default_value(o.seconds)->value_name("S"), "length of the run")
    ("docs", at_least(&o.docs, 1)->value_name("D"), "documents the clients type into")
    ("client-threads", at_least(&o.client_threads, 1)->value_name("N"), "I/O threads of the clients")
    ("vote-spread-ms", at_least(&o.vote_spread_ms, 1)->value_name("MS"), "time every client has to vote in each poll")
    ("rss-every", at_least(&o.rss_every, 0.1)->value_name("S"), "seconds between readings of the server's RSS")
    ("max-rss-slope-bytes-per-min", po::value(&o.max_rss_slope)->value_name("X"), "fail if the RSS slope after warm-up is above X (default: not asserted)")
    ("max-voluntary-switches-per-s", po::value(&o.max_voluntary_switches)->value_name("X"), "fail if the server's voluntary context switches per second while typing are above X (default: not asserted)")
    ("seed", po::value(&o.seed)->default_value(o.seed)->value_name("S"), "the clients' random choices");
  // clang-format on
  add_target_options(options, o.target);
  if (auto status = options.parse(argc, argv)) return *status;
  if (!o.target.url.empty()) {
    return options.fail("needs a spawned server (RSS, tokens per role, a graceful stop and the log); drop --url");
  }
  if (o.rate <= 0 || o.seconds <= 0) return options.fail("--rate and --seconds must be positive");
  raise_fd_limit();
  return run_soak(o);
}

}  // namespace kenes::bench
