// kenes-bench threads: what comment threads cost the server (issue 6).
//
//   kenes-bench threads [--participants 300] [--threads 2000] [--replies 10]
//                       [--indicators 100] [--prefill 1000] [--trace FILE]
//                       [--runs 3] [--chunk 1000] [--seed S] [target flags]
//
// One run spawns a fresh kenes-server (demo consultation) and, through the
// protocol only:
//   1. connects `participants` clients (so each is a known participant);
//   2. fills the drafts of the framework's first `indicators` indicators with
//      `prefill` code points each of real text (consecutive slices of the
//      trace's final text);
//   3. WITH threads only: `threads` threads spread evenly over those
//      indicators (thread k on indicator k mod N), each anchored on a random
//      range of 5..40 code points of the draft, by participant k mod P; then
//      `replies` replies to each, by random participants;
//   4. types the editing trace (default automerge-paper) into the first
//      indicator's draft, BEFORE its prefilled text, so every op moves every
//      anchor of that draft; timed as `kenes-bench trace` is: from the first
//      patch handed to the writer's client library until a reader has the
//      version holding the last edit. That gives ops/s with and without
//      anchors; runs alternate without / with, each on a fresh server.
//   5. catch-up (WITH threads): a participant who saw nothing of the above
//      connects and subscribes from 0 ("1 day of unread history": every
//      record of steps 1-4, `unread_records` of them), timed from connect to
//      catch-up done; then it drops its connection and reconnects with
//      nothing new to read (0 unread), timed from the drop to catch-up done.
//
// Prints two JSON objects (one per unread case), each with the keys the
// issue names: workload "threads", ops_per_sec_with_anchors,
// ops_per_sec_without_anchors, catch_up_ms, plus the workload's figures.
// Medians over --runs. Exit status 0 if every run converged.

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "replay/demo.h"
#include "editing_trace.h"
#include "engine/text_op.h"
#include "engine/utf8.h"
#include "bench_options.h"
#include "kenes_client.h"
#include "server_target.h"
#include "workloads.h"

namespace kenes::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

const std::string kDefaultTrace = std::string(kDefaultTracesDir) + "/automerge-paper.json.gz";

struct ThreadsOptions {
  int participants = 300;
  int threads = 2000;
  int replies = 10;
  int indicators = 100;
  uint64_t prefill = 1000;
  std::string trace_path = kDefaultTrace;
  int runs = 3;
  size_t chunk = 1000;
  uint64_t seed = 0;
  TargetOptions target;
};

struct RunResult {
  bool ok = false;
  std::string error;
  double trace_seconds = 0;
  double ops_per_sec = 0;
  double setup_seconds = 0;
  double catch_up_all_ms = 0;
  double catch_up_none_ms = 0;
  uint64_t unread_records = 0;
  bool text_matches = false;
};

// The bench's clients, one per participant, spread over a few I/O threads.
struct Fleet {
  explicit Fleet(int io_threads) : threads(io_threads) {}
  ClientThreads threads;
  std::vector<std::shared_ptr<client::KenesClient>> clients;
  std::atomic<int> live{0};
  std::atomic<uint64_t> acks{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::string failure;

  void fail(const std::string& why) {
    std::lock_guard lock(mu);
    if (!failed) failure = why;
    failed = true;
  }
  // Runs fn(client) on client i's thread and waits.
  void on(int i, const std::function<void(client::KenesClient&)>& fn) {
    threads.run(i, [&] { fn(*clients[i]); });
  }
  ~Fleet() {
    for (size_t i = 0; i < clients.size(); ++i) threads.run(static_cast<int>(i), [&] { clients[i]->close(); });
    threads.stop();
  }
};

// Cuts `text` into `n` slices of `len` code points each (wrapping around).
std::vector<std::string> slices_of(const std::string& text, int n, uint64_t len) {
  std::u32string cps = engine::decode_utf8(text);
  std::vector<std::string> out;
  if (cps.empty()) cps = U"Kenes ";
  size_t at = 0;
  for (int i = 0; i < n; ++i) {
    std::u32string s;
    while (s.size() < len) {
      s.push_back(cps[at]);
      at = (at + 1) % cps.size();
    }
    out.push_back(engine::encode_utf8(s));
  }
  return out;
}

constexpr char kConsultation[] = "threads";

// The shipped sample framework has 9 indicators; this one has as many as
// asked for, in the ROAM-X shape (category > theme > question > indicator),
// so that threads spread over 100 indicators as the issue's workload says.
kenes::v1::Framework bench_framework(int indicators) {
  kenes::v1::Framework f;
  f.set_edition("Threads bench framework");
  const char* categories[] = {"R", "O", "A", "M", "X"};
  int made = 0;
  for (int c = 0; made < indicators; ++c) {
    auto* cat = f.add_categories();
    cat->set_id(categories[c % 5] + std::string(c >= 5 ? std::to_string(c / 5) : ""));
    cat->set_title("Category " + cat->id());
    for (int t = 1; t <= 4 && made < indicators; ++t) {
      auto* theme = cat->add_themes();
      theme->set_id(cat->id() + "." + std::to_string(t));
      theme->set_title("Theme " + theme->id());
      auto* q = theme->add_questions();
      q->set_id(theme->id() + ".Q");
      q->set_title("Question " + q->id());
      for (int i = 1; i <= 5 && made < indicators; ++i, ++made) {
        auto* ind = q->add_indicators();
        ind->set_id(theme->id() + "." + std::to_string(i));
        ind->set_title("Indicator " + ind->id());
      }
    }
  }
  return f;
}

engine::TextOp op_from_patch(const trace::Patch& p) {
  engine::TextOp op;
  op.retain(p.pos).del(p.del).insert(p.ins);
  return op;
}

RunResult run_once(const ThreadsOptions& o, const trace::EditingTrace& t, bool with_threads, uint64_t seed) {
  RunResult res;
  std::string err;
  auto target = ServerTarget::start(o.target, &err, [&](storage::Log& log) {
    return replay::append_consultation_created(log, kConsultation, "Threads bench", bench_framework(o.indicators),
                                               "bench");
  });
  if (!target) {
    res.error = err;
    return res;
  }
  std::mt19937_64 rng(seed);
  const auto setup_start = Clock::now();

  // 1. Everyone connects. Participant 0 types the trace, 1 fills the drafts
  // (both researchers), 2 reads; the rest are members.
  auto fleet = std::make_unique<Fleet>(4);
  std::mutex ids_mu;
  std::vector<std::string> indicator_ids;
  std::vector<std::string> thread_ids;
  std::atomic<uint64_t> reader_version{0};
  std::string trace_doc;
  for (int i = 0; i < o.participants; ++i) {
    client::ClientOptions co;
    co.host = target->host();
    co.port = target->port();
    co.deflate = target->deflate();
    co.auto_reconnect = false;
    co.client_id = "threads-bench-" + std::to_string(i);
    auto role = i < 2 ? kenes::v1::ROLE_RESEARCHER : kenes::v1::ROLE_MEMBER;
    co.token = target->token(role, "p-" + std::to_string(i), kConsultation);
    auto c = std::make_shared<client::KenesClient>(fleet->threads.io(i), co);
    Fleet* f = fleet.get();
    c->on_live = [f] { ++f->live; };
    c->on_closed = [f, i](const std::string& why) { f->fail("client " + std::to_string(i) + " closed: " + why); };
    c->on_error = [f, i](const kenes::v1::Error& e) {
      f->fail("client " + std::to_string(i) + ": error " + std::to_string(e.code()) + ": " + e.message());
    };
    c->on_request_ack = [f](uint64_t, uint64_t) { ++f->acks; };
    if (i == 0) {
      c->on_record = [&](const kenes::v1::LogRecord& rec) {
        std::lock_guard lock(ids_mu);
        if (rec.has_consultation_created()) {
          for (const auto& cat : rec.consultation_created().framework().categories())
            for (const auto& th : cat.themes())
              for (const auto& q : th.questions())
                for (const auto& ind : q.indicators()) indicator_ids.push_back(ind.id());
        } else if (rec.has_thread_created()) {
          thread_ids.push_back(rec.thread_created().thread_id());
        }
      };
    }
    fleet->clients.push_back(std::move(c));
  }
  const int wave = 100;
  for (int i = 0; i < o.participants; i += wave) {
    int want = std::min(o.participants, i + wave);
    for (int j = i; j < want; ++j) asio::post(fleet->threads.io(j), [c = fleet->clients[j]] { c->connect(); });
    if (!wait_for([&] { return fleet->live >= want || fleet->failed; }, 60) || fleet->failed) {
      res.error = fleet->failed ? fleet->failure : "participants did not get live in 60 s";
      return res;
    }
  }
  {
    std::lock_guard lock(ids_mu);
    if (static_cast<int>(indicator_ids.size()) < o.indicators) {
      res.error = "the demo framework has " + std::to_string(indicator_ids.size()) + " indicators, fewer than --indicators";
      return res;
    }
    indicator_ids.resize(o.indicators);
  }
  trace_doc = "indicator/" + indicator_ids[0];
  // Set only now, on the reader's thread: trace_doc is fixed from here on.
  fleet->on(2, [&](client::KenesClient& c) {
    c.on_remote_edit = [&](const std::string& d, uint64_t version) {
      if (d == trace_doc) reader_version = version;
    };
  });

  // 2. Fill the drafts.
  auto texts = slices_of(t.end_content, o.indicators, o.prefill);
  fleet->on(1, [&](client::KenesClient& c) {
    for (int k = 0; k < o.indicators; ++k) {
      auto s = c.local_edit("indicator/" + indicator_ids[k], engine::TextOp().insert(texts[k]));
      if (!s.ok()) fleet->fail("prefill: " + s.message());
    }
  });
  auto drafts_settled = [&] {
    bool idle = false;
    fleet->on(1, [&](client::KenesClient& c) { idle = !c.has_unacknowledged(); });
    return (idle && reader_version >= 1) || fleet->failed;
  };
  if (!wait_for(drafts_settled, 60) || fleet->failed) {
    res.error = fleet->failed ? fleet->failure : "the drafts were not filled in 60 s";
    return res;
  }

  // 3. Threads, then replies, each from its author's connection.
  if (with_threads) {
    std::vector<std::vector<kenes::v1::ClientMessage>> per_client(o.participants);
    for (int k = 0; k < o.threads; ++k) {
      kenes::v1::ClientMessage m;
      auto* ct = m.mutable_create_thread();
      auto* target_msg = ct->mutable_target();
      target_msg->set_indicator_id(indicator_ids[k % o.indicators]);
      target_msg->set_doc_id("indicator/" + indicator_ids[k % o.indicators]);
      uint64_t len = 5 + rng() % 36;
      uint64_t from = rng() % (o.prefill - len);
      target_msg->mutable_range()->set_anchor(from);
      target_msg->mutable_range()->set_head(from + len);
      target_msg->set_version(1);
      ct->set_body("Comment " + std::to_string(k) + ": is this passage supported by the sources?");
      per_client[k % o.participants].push_back(std::move(m));
    }
    auto send_all = [&](uint64_t expected) {
      fleet->acks = 0;
      for (int i = 0; i < o.participants; ++i) {
        if (per_client[i].empty()) continue;
        asio::post(fleet->threads.io(i), [c = fleet->clients[i], msgs = std::move(per_client[i])]() mutable {
          for (auto& m : msgs) c->send_request(std::move(m));
        });
      }
      per_client.assign(o.participants, {});
      return wait_for([&] { return fleet->acks >= expected || fleet->failed; }, 300) && !fleet->failed;
    };
    if (!send_all(o.threads)) {
      res.error = fleet->failed ? fleet->failure : "threads were not all acknowledged in 300 s";
      return res;
    }
    std::vector<std::string> ids;
    wait_for(
        [&] {
          std::lock_guard lock(ids_mu);
          return static_cast<int>(thread_ids.size()) >= o.threads;
        },
        30);
    {
      std::lock_guard lock(ids_mu);
      ids = thread_ids;
    }
    if (static_cast<int>(ids.size()) < o.threads) {
      res.error = "saw " + std::to_string(ids.size()) + " ThreadCreated records of " + std::to_string(o.threads);
      return res;
    }
    for (int k = 0; k < o.threads; ++k) {
      for (int r = 0; r < o.replies; ++r) {
        kenes::v1::ClientMessage m;
        m.mutable_add_comment()->set_thread_id(ids[k]);
        m.mutable_add_comment()->set_body("Reply " + std::to_string(r) + " to thread " + ids[k] + ".");
        per_client[rng() % o.participants].push_back(std::move(m));
      }
    }
    if (!send_all(static_cast<uint64_t>(o.threads) * o.replies)) {
      res.error = fleet->failed ? fleet->failure : "replies were not all acknowledged in 300 s";
      return res;
    }
  }
  res.setup_seconds = std::chrono::duration<double>(Clock::now() - setup_start).count();

  // 4. The trace, typed before the first draft's prefilled text.
  std::vector<const trace::Patch*> patches;
  for (const auto& txn : t.txns)
    for (const auto& p : txn.patches) patches.push_back(&p);
  std::atomic<uint64_t> final_version{0};
  std::atomic<bool> fed_all{false};
  fleet->on(0, [&](client::KenesClient& c) {
    c.on_ack = [&](const std::string& d, uint64_t version, uint64_t) {
      if (d == trace_doc && fed_all && !c.has_unacknowledged() && final_version == 0) final_version = version;
    };
  });
  size_t next = 0;
  std::function<void()> feed = [&] {
    auto& c = *fleet->clients[0];
    size_t n = 0;
    while (next < patches.size() && n < o.chunk) {
      auto s = c.local_edit(trace_doc, op_from_patch(*patches[next]));
      if (!s.ok()) {
        fleet->fail("patch " + std::to_string(next) + ": " + s.message());
        return;
      }
      ++next;
      ++n;
    }
    if (next < patches.size()) {
      asio::post(fleet->threads.io(0), feed);
    } else {
      fed_all = true;
      if (!c.has_unacknowledged() && final_version == 0) final_version = c.document(trace_doc).version();
    }
  };
  const auto trace_start = Clock::now();
  asio::post(fleet->threads.io(0), feed);
  Clock::time_point trace_end;
  if (!wait_for(
          [&] {
            if (fleet->failed) return true;
            uint64_t f = final_version.load();
            if (f != 0 && reader_version >= f) {
              trace_end = Clock::now();
              return true;
            }
            return false;
          },
          600, 0.0005) ||
      fleet->failed) {
    res.error = fleet->failed ? fleet->failure : "the reader did not reach the trace's last edit in 600 s";
    return res;
  }
  res.trace_seconds = std::chrono::duration<double>(trace_end - trace_start).count();
  res.ops_per_sec = static_cast<double>(patches.size()) / res.trace_seconds;
  std::string writer_text, reader_text;
  fleet->on(0, [&](client::KenesClient& c) { writer_text = c.document(trace_doc).text().to_string(); });
  fleet->on(2, [&](client::KenesClient& c) { reader_text = c.document(trace_doc).text().to_string(); });
  res.text_matches = writer_text == t.end_content + texts[0] && reader_text == writer_text;

  // 5. Catch-up of a participant who saw none of it, then of one who saw all.
  if (with_threads) {
    ClientThreads late_thread(1);
    client::ClientOptions co;
    co.host = target->host();
    co.port = target->port();
    co.deflate = target->deflate();
    co.token = target->token(kenes::v1::ROLE_MEMBER, "p-late", kConsultation);
    co.client_id = "threads-bench-late";
    co.auto_reconnect = true;
    co.reconnect_min = std::chrono::milliseconds(1);
    co.reconnect_max = std::chrono::milliseconds(1);
    auto late = std::make_shared<client::KenesClient>(late_thread.io(0), co);
    std::atomic<int> lives{0};
    std::atomic<uint64_t> records{0};
    late->on_live = [&] { ++lives; };
    late->on_record = [&](const kenes::v1::LogRecord&) { ++records; };
    const auto c0 = Clock::now();
    late_thread.run(0, [&] { late->connect(); });
    bool ok = wait_for([&] { return lives >= 1; }, 300, 0.0005);
    const auto c1 = Clock::now();
    res.unread_records = records;
    late_thread.run(0, [&] { late->drop_connection(); });
    ok = ok && wait_for([&] { return lives >= 2; }, 60, 0.0005);
    const auto c2 = Clock::now();
    late_thread.run(0, [&] { late->close(); });
    late_thread.stop();
    if (!ok) {
      res.error = "the late participant did not catch up";
      return res;
    }
    res.catch_up_all_ms = std::chrono::duration<double, std::milli>(c1 - c0).count();
    res.catch_up_none_ms = std::chrono::duration<double, std::milli>(c2 - c1).count();
  }
  res.ok = true;
  return res;
}

constexpr char kUsage[] =
    "usage: kenes-bench threads [--participants N] [--threads N] [--replies N] [--indicators N]\n"
    "                           [--prefill N] [--trace FILE] [--runs N] [--chunk N] [--seed S] [target flags]\n\n"
    "Trace ops/s through the server with and without comment threads anchored on the\n"
    "edited draft, and a late participant's catch-up time (see bench/threads.cc).\n";

}  // namespace

int threads_main(int argc, char** argv) {
  ThreadsOptions o;
  o.seed = std::random_device{}();
  WorkloadOptions options("threads", kUsage);
  // clang-format off
  options.add()
    ("participants", at_least(&o.participants, 3)->value_name("N"), "connected participants")
    ("threads", at_least(&o.threads, 0)->value_name("N"), "threads, spread over the indicators")
    ("replies", at_least(&o.replies, 0)->value_name("N"), "replies per thread")
    ("indicators", at_least(&o.indicators, 1)->value_name("N"), "indicators whose drafts get text and threads")
    ("prefill", at_least<uint64_t>(&o.prefill, 64)->value_name("N"), "code points of text per draft before threads")
    ("trace", po::value(&o.trace_path)->default_value(o.trace_path)->value_name("FILE"), "the editing trace typed into the first draft")
    ("runs", at_least(&o.runs, 1)->value_name("N"), "runs of each case, alternating; medians are reported")
    ("chunk", at_least(&o.chunk, 1)->value_name("N"), "patches handed to the writer per turn of its I/O thread")
    ("seed", po::value(&o.seed)->value_name("S"), "anchors' and replies' random choices (default: random, printed)");
  // clang-format on
  add_target_options(options, o.target);
  if (auto status = options.parse(argc, argv)) return *status;
  if (!o.target.url.empty()) return options.fail("needs a fresh server per run; --url is not supported");
  raise_fd_limit();
  auto loaded = trace::load_trace(o.trace_path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "threads: %s\n", loaded.error.c_str());
    return 1;
  }
  const auto& t = *loaded.trace;
  std::fprintf(stderr, "threads: seed %llu\n", static_cast<unsigned long long>(o.seed));

  std::vector<double> with_rate, without_rate, all_ms, none_ms, setup_s;
  uint64_t unread = 0;
  bool all_match = true;
  for (int r = 0; r < o.runs; ++r) {
    for (bool with_threads : {false, true}) {
      RunResult res = run_once(o, t, with_threads, o.seed + static_cast<uint64_t>(r));
      if (!res.ok) {
        std::fprintf(stderr, "threads run %d (%s threads): %s (seed %llu)\n", r + 1, with_threads ? "with" : "without",
                     res.error.c_str(), static_cast<unsigned long long>(o.seed));
        return 1;
      }
      all_match = all_match && res.text_matches;
      (with_threads ? with_rate : without_rate).push_back(res.ops_per_sec);
      if (with_threads) {
        all_ms.push_back(res.catch_up_all_ms);
        none_ms.push_back(res.catch_up_none_ms);
        setup_s.push_back(res.setup_seconds);
        unread = res.unread_records;
      }
      std::fprintf(stderr,
                   "threads run %d/%d %s threads: trace %.3f s = %.0f ops/s, setup %.1f s%s, text %s\n", r + 1,
                   o.runs, with_threads ? "with" : "without", res.trace_seconds, res.ops_per_sec, res.setup_seconds,
                   with_threads ? (", catch-up " + std::to_string(res.catch_up_all_ms) + " ms (" +
                                   std::to_string(res.unread_records) + " records) / " +
                                   std::to_string(res.catch_up_none_ms) + " ms (none)")
                                      .c_str()
                                : "",
                   res.text_matches ? "matches" : "DIFFERS");
    }
  }
  const double with_ops = median(with_rate), without_ops = median(without_rate);
  const double cost = without_ops > 0 ? 1.0 - with_ops / without_ops : 0;
  size_t ops = 0;
  for (const auto& txn : t.txns) ops += txn.patches.size();
  for (int unread_case = 0; unread_case < 2; ++unread_case) {
    std::printf(
        "{\"workload\":\"threads\",\"unread\":\"%s\",\"catch_up_ms\":%.1f,\"unread_records\":%llu,"
        "\"ops_per_sec_with_anchors\":%.0f,\"ops_per_sec_without_anchors\":%.0f,\"anchor_cost\":%.3f,"
        "\"participants\":%d,\"threads\":%d,\"replies_per_thread\":%d,\"indicators\":%d,\"prefill\":%llu,"
        "\"anchors_on_trace_doc\":%d,\"trace\":\"%s\",\"ops\":%zu,\"durability\":\"%s\",\"runs\":%d,"
        "\"setup_seconds\":%.1f,\"final_text_matches\":%s,\"seed\":%llu}\n",
        unread_case == 0 ? "none" : "day", unread_case == 0 ? median(none_ms) : median(all_ms),
        static_cast<unsigned long long>(unread_case == 0 ? 0 : unread), with_ops, without_ops, cost, o.participants,
        o.threads, o.replies, o.indicators, static_cast<unsigned long long>(o.prefill),
        (o.threads + o.indicators - 1) / o.indicators, json_escape(t.name).c_str(), ops,
        o.target.durability.c_str(), o.runs, median(setup_s), all_match ? "true" : "false",
        static_cast<unsigned long long>(o.seed));
  }
  std::fflush(stdout);
  return all_match ? 0 : 1;
}

}  // namespace kenes::bench
