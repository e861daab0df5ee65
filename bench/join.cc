// kenes-bench join: what opening a full-size consultation costs (issue 16).
//
//   kenes-bench join [--dir PATH] [--runs N] [--typists T] [--storm-clients J]
//                    [--storm-seconds S] [--day-records N] [--no-full-catch-up]
//                    [target flags]
//
// Against the full-size consultation of make-assessment (written into
// --dir if it is not there yet; the spawned server works on a copy):
//
//   fresh join, old way   one client subscribes from the log (every record,
//                         every keystroke folded): bytes and seconds until
//                         live. Measured once (it takes minutes).
//   fresh join, by state  a client subscribes from the state: bytes and
//                         seconds until live and the poll figures are in
//                         (the overview's state is complete), then until the
//                         first draft it opens has its text. Median of --runs.
//   reload after a day    a client that has the state of --day-records ago
//                         subscribes with SUBSCRIBE_FROM_EITHER: it gets
//                         those records; bytes against the records' own size.
//   join storm            T typists (researchers, each with one of 5 drafts
//                         open) type 2 edits/s; after 5 s J fresh clients
//                         join by state, spread over S seconds. The typists'
//                         latency (edit handed to the client library ->
//                         receipt by every other typist) before, during and
//                         for 5 s after the storm (the room's size alone),
//                         each joiner's seconds to live, the server's and
//                         the clients' CPU seconds and the bytes the joiners
//                         received; how long the room's strand was held to
//                         build a state (server metrics: max, mean, builds
//                         over 5 ms).
//
// One JSON line per measurement. The clients share the machine's cores with
// the server.

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <sys/resource.h>
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
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kConsultation[] = "assessment";

struct JoinOptions {
  std::string dir = (fs::temp_directory_path() / "kenes-bench-full-assessment").string();
  uint64_t records_per_draft = 10'000;
  int runs = 5;
  int typists = 50;
  double typist_rate = 2;
  int storm_clients = 300;
  double storm_seconds = 10;
  uint64_t day_records = 10'000;
  bool full_catch_up = true;
  int client_threads = 2;
  std::string traces = kDefaultTracesDir;
  TargetOptions target;
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU seconds of this process (every client thread), user and system.
double own_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// One fresh client: seconds and bytes until live, until the poll figures are
// in, and until the first draft it opens has its text (state joins only).
struct FreshJoin {
  bool ok = false;
  std::string error;
  double live_seconds = 0, complete_seconds = 0, draft_seconds = 0;
  uint64_t live_bytes = 0, complete_bytes = 0, draft_bytes = 0;
  // The same on the wire (TCP payload: compressed with --deflate).
  uint64_t live_wire = 0, complete_wire = 0, draft_wire = 0;
  bool deflate = false;  // negotiated
  uint64_t head_seq = 0;
  size_t polls = 0;
  std::string draft;                // the first draft with text, in framework order
  std::vector<std::string> drafts;  // the first five
};

FreshJoin fresh_join(ServerTarget& target, ClientThreads& threads, kenes::v1::SubscribeFrom from,
                     const std::string& participant, size_t expected_polls) {
  FreshJoin out;
  client::ClientOptions co;
  co.host = target.host();
  co.port = target.port();
  co.deflate = target.deflate();
  co.token = target.token(kenes::v1::ROLE_MEMBER, participant, kConsultation);
  co.auto_reconnect = false;
  co.subscribe_from = from;
  auto client = std::make_shared<client::KenesClient>(threads.io(0), co);
  std::atomic<bool> live{false}, closed{false}, opened{false};
  client->on_live = [&] { live = true; };
  client->on_closed = [&](const std::string& why) {
    out.error = why;
    closed = true;
  };
  client->on_document_opened = [&](const std::string&, uint64_t) { opened = true; };
  const auto t0 = Clock::now();
  threads.run(0, [&] { client->connect(); });
  if (!wait_for([&] { return live || closed; }, 1800) || closed) {
    if (out.error.empty()) out.error = "never went live";
    threads.run(0, [&] { client->close(); });
    return out;
  }
  out.live_seconds = seconds_since(t0);
  threads.run(0, [&] {
    out.live_bytes = client->bytes_received();
    out.live_wire = client->wire_bytes_received();
    out.deflate = client->deflate_negotiated();
  });
  // The go-live frames that follow (presence, one PollUpdate per poll)
  // complete the overview's state.
  if (expected_polls == 0) {
    threads.run(0, [&] { expected_polls = static_cast<size_t>(client->join_state().state().polls_size()); });
  }
  wait_for(
      [&] {
        size_t n = 0;
        threads.run(0, [&] { n = client->polls().size(); });
        return n >= expected_polls;
      },
      60, 0.001);
  out.complete_seconds = seconds_since(t0);
  threads.run(0, [&] {
    out.complete_bytes = client->bytes_received();
    out.complete_wire = client->wire_bytes_received();
    out.polls = client->polls().size();
    out.head_seq = client->last_seq();
  });
  if (from == kenes::v1::SUBSCRIBE_FROM_STATE) {
    // The first draft with text, in framework order: what a person opens first.
    threads.run(0, [&] {
      const auto& state = client->join_state().state();
      for (const auto& cat : state.created().framework().categories()) {
        for (const auto& theme : cat.themes()) {
          for (const auto& q : theme.questions()) {
            for (const auto& i : q.indicators()) {
              for (const auto& d : state.documents()) {
                if (d.doc_id() == "indicator/" + i.id() && d.length() > 0 && out.drafts.size() < 5) {
                  out.drafts.push_back(d.doc_id());
                }
              }
            }
          }
        }
      }
    });
    if (out.drafts.empty()) {
      out.error = "no draft has text";
      threads.run(0, [&] { client->close(); });
      return out;
    }
    out.draft = out.drafts.front();
    const uint64_t before = out.complete_bytes;
    const auto t1 = Clock::now();
    threads.run(0, [&] { client->open_document(out.draft); });
    if (!wait_for([&] { return opened || closed; }, 60) || closed) {
      out.error = "the draft never opened";
      threads.run(0, [&] { client->close(); });
      return out;
    }
    out.draft_seconds = seconds_since(t1);
    threads.run(0, [&] {
      out.draft_bytes = client->bytes_received() - before;
      out.draft_wire = client->wire_bytes_received() - out.complete_wire;
    });
  }
  threads.run(0, [&] { client->close(); });
  out.ok = true;
  return out;
}

// A returning client that has the state of `after` subscribes with
// SUBSCRIBE_FROM_EITHER: the frames until its catch-up is done, and what the
// records in them weigh alone. A raw WebSocket: nothing is folded.
struct Reload {
  bool ok = false;
  std::string error;
  bool got_state = false;
  uint64_t records = 0, record_bytes = 0, bytes = 0;
  double seconds = 0;
};

Reload reload_after(ServerTarget& target, const std::string& participant, uint64_t after) {
  Reload out;
  try {
    asio::io_context io;
    boost::beast::websocket::stream<boost::beast::tcp_stream> ws(io);
    boost::beast::get_lowest_layer(ws).connect({asio::ip::make_address(target.host()), target.port()});
    ws.handshake(target.host() + ":" + std::to_string(target.port()), "/ws");
    ws.read_message_max(64 << 20);
    ws.binary(true);
    auto send = [&](const kenes::v1::ClientMessage& m) { ws.write(asio::buffer(m.SerializeAsString())); };
    auto next = [&] {
      boost::beast::flat_buffer buf;
      ws.read(buf);
      out.bytes += buf.size();
      kenes::v1::ServerMessage m;
      m.ParseFromArray(buf.cdata().data(), static_cast<int>(buf.size()));
      return m;
    };
    kenes::v1::ClientMessage hello;
    hello.mutable_hello()->set_token(target.token(kenes::v1::ROLE_MEMBER, participant, kConsultation));
    hello.mutable_hello()->set_client_id("bench-reload");
    send(hello);
    while (!next().has_welcome()) {
    }
    out.bytes = 0;
    const auto t0 = Clock::now();
    kenes::v1::ClientMessage sub;
    sub.mutable_subscribe()->set_consultation_id(kConsultation);
    sub.mutable_subscribe()->set_after_seq(after);
    sub.mutable_subscribe()->set_from(kenes::v1::SUBSCRIBE_FROM_EITHER);
    send(sub);
    for (;;) {
      kenes::v1::ServerMessage m = next();
      if (m.has_join_state()) out.got_state = true;
      if (!m.has_catch_up()) continue;
      for (const auto& r : m.catch_up().records()) {
        ++out.records;
        out.record_bytes += r.ByteSizeLong();
      }
      if (m.catch_up().done()) break;
    }
    out.seconds = seconds_since(t0);
    ws.close(boost::beast::websocket::close_code::normal);
    out.ok = true;
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

// ------------------------------------------------------------- the storm

struct Typist {
  std::shared_ptr<client::KenesClient> client;
  int thread = 0;
  std::string doc;
  std::mutex mu;
  std::vector<Clock::time_point> unsent;
  std::unordered_map<uint64_t, std::vector<Clock::time_point>> sent;  // client_seq -> hand-overs
  std::unique_ptr<asio::steady_timer> timer;
  std::mt19937_64 rng;
};

struct Storm {
  bool ok = false;
  std::string error;
  double before_p50 = 0, before_p99 = 0, during_p50 = 0, during_p99 = 0, during_max = 0;
  // The same room once everyone has joined: what the room's size costs,
  // without joins.
  double after_p50 = 0, after_p99 = 0;
  double join_p50 = 0, join_p99 = 0, join_max = 0;
  int joined = 0;
  uint64_t joiner_bytes = 0, joiner_wire_bytes = 0;
  double server_cpu_seconds = 0;
  double clients_cpu_seconds = 0;  // this process: typists and joiners
  double storm_wall_seconds = 0;
  double build_max_ms = 0;
  double build_mean_ms = 0;
  double build_cpu_mean_ms = 0;
  double builds_over_5ms = 0;
  double serve_mean_ms = 0;  // one join on the strand, the build included
  double serves_over_5ms = 0;
  double states_built = 0;
};

Storm storm(const JoinOptions& o, ServerTarget& target, const std::vector<std::string>& drafts) {
  Storm res;
  ClientThreads threads(o.client_threads);
  std::vector<std::unique_ptr<Typist>> typists;
  std::unordered_map<std::string, Typist*> by_client_id;
  std::atomic<int> ready{0}, closed{0};
  std::string last_close;
  std::mutex close_mu;
  // Latency samples per thread, tagged with the moment the edit was handed over.
  struct Sample {
    Clock::time_point handed;
    double ms;
  };
  std::vector<std::vector<Sample>> samples(static_cast<size_t>(o.client_threads));
  for (int i = 0; i < o.typists; ++i) {
    auto t = std::make_unique<Typist>();
    t->thread = i % o.client_threads;
    t->doc = drafts[static_cast<size_t>(i) % drafts.size()];
    t->rng.seed(0x7e5700ULL + static_cast<uint64_t>(i));
    client::ClientOptions co;
    co.host = target.host();
    co.port = target.port();
    co.deflate = target.deflate();
    co.token = target.token(kenes::v1::ROLE_RESEARCHER, "typist-" + std::to_string(i), kConsultation);
    co.client_id = "typist-" + std::to_string(i);
    co.auto_reconnect = false;
    co.subscribe_from = kenes::v1::SUBSCRIBE_FROM_STATE;
    t->client = std::make_shared<client::KenesClient>(threads.io(t->thread), co);
    by_client_id[co.client_id] = t.get();
    typists.push_back(std::move(t));
  }
  for (auto& tp : typists) {
    Typist* t = tp.get();
    auto* mine = &samples[static_cast<size_t>(t->thread)];
    t->client->on_live = [t] { t->client->open_document(t->doc); };
    t->client->on_document_opened = [&ready](const std::string&, uint64_t) { ++ready; };
    t->client->on_closed = [&](const std::string& why) {
      ++closed;
      std::lock_guard lock(close_mu);
      last_close = why;
    };
    t->client->on_submit = [t](const std::string&, uint64_t client_seq, uint64_t edits) {
      std::lock_guard lock(t->mu);
      const size_t n = std::min<size_t>(edits, t->unsent.size());
      t->sent[client_seq].assign(t->unsent.begin(), t->unsent.begin() + static_cast<long>(n));
      t->unsent.erase(t->unsent.begin(), t->unsent.begin() + static_cast<long>(n));
    };
    t->client->on_record = [&, mine](const kenes::v1::LogRecord& rec) {
      if (!rec.has_text_edit()) return;
      auto it = by_client_id.find(rec.client_id());
      if (it == by_client_id.end()) return;
      const auto now = Clock::now();
      std::lock_guard lock(it->second->mu);
      auto s = it->second->sent.find(rec.client_seq());
      if (s == it->second->sent.end()) return;
      for (auto h : s->second) mine->push_back({h, std::chrono::duration<double, std::milli>(now - h).count()});
    };
  }
  for (auto& t : typists) asio::post(threads.io(t->thread), [c = t->client] { c->connect(); });
  if (!wait_for([&] { return ready >= o.typists || closed > 0; }, 300) || closed > 0) {
    res.error = "typists did not get ready (" + std::to_string(ready.load()) + "): " + last_close;
    threads.stop();
    return res;
  }
  // Typing on a fixed schedule, phases spread evenly.
  const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / o.typist_rate));
  std::atomic<bool> typing{true};
  std::function<void(Typist*, Clock::time_point)> schedule = [&](Typist* t, Clock::time_point at) {
    t->timer->expires_at(at);
    t->timer->async_wait([&, t, at](boost::system::error_code ec) {
      if (ec || !typing) return;
      const uint64_t len = t->client->document(t->doc).text().length();
      engine::TextOp op;
      const char c[2] = {static_cast<char>('a' + t->rng() % 26), 0};
      op.retain(len == 0 ? 0 : t->rng() % (len + 1)).insert(c, 1);
      {
        std::lock_guard lock(t->mu);
        t->unsent.push_back(Clock::now());
      }
      if (!t->client->local_edit(t->doc, op).ok()) {
        std::lock_guard lock(t->mu);
        t->unsent.pop_back();
      }
      schedule(t, at + period);
    });
  };
  const auto typing_start = Clock::now() + std::chrono::milliseconds(50);
  for (int i = 0; i < o.typists; ++i) {
    Typist* t = typists[static_cast<size_t>(i)].get();
    const auto phase = std::chrono::duration_cast<Clock::duration>(period * (static_cast<double>(i) / o.typists));
    asio::post(threads.io(t->thread), [&, t, phase] {
      t->timer = std::make_unique<asio::steady_timer>(threads.io(t->thread));
      schedule(t, typing_start + phase);
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(5));

  // The storm: fresh participants join by state, spread evenly.
  const auto storm_start = Clock::now();
  const double cpu_before = target.cpu_seconds();
  const double own_cpu_before = own_cpu_seconds();
  ClientThreads joiner_threads(o.client_threads);
  std::vector<std::shared_ptr<client::KenesClient>> joiners;
  std::vector<double> join_seconds(static_cast<size_t>(o.storm_clients), -1);
  std::atomic<int> joined{0};
  for (int j = 0; j < o.storm_clients; ++j) {
    client::ClientOptions co;
    co.host = target.host();
    co.port = target.port();
    co.deflate = target.deflate();
    co.token = target.token(kenes::v1::ROLE_MEMBER, "workshop-" + std::to_string(j), kConsultation);
    co.auto_reconnect = false;
    co.subscribe_from = kenes::v1::SUBSCRIBE_FROM_STATE;
    auto c = std::make_shared<client::KenesClient>(joiner_threads.io(j), co);
    joiners.push_back(c);
  }
  for (int j = 0; j < o.storm_clients; ++j) {
    std::this_thread::sleep_until(storm_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                                    o.storm_seconds * j / std::max(1, o.storm_clients))));
    const auto started = Clock::now();
    auto c = joiners[static_cast<size_t>(j)];
    asio::post(joiner_threads.io(j), [&, c, j, started] {
      c->on_live = [&, j, started] {
        join_seconds[static_cast<size_t>(j)] = seconds_since(started);
        ++joined;
      };
      c->connect();
    });
  }
  wait_for([&] { return joined >= o.storm_clients; }, 120);
  const auto storm_end = Clock::now();
  res.server_cpu_seconds = target.cpu_seconds() - cpu_before;
  res.clients_cpu_seconds = own_cpu_seconds() - own_cpu_before;
  res.storm_wall_seconds = seconds_since(storm_start);
  std::this_thread::sleep_for(std::chrono::seconds(5));
  const auto after_end = Clock::now();
  typing = false;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  std::vector<double> before, during, after;
  for (auto& per : samples) {
    for (const auto& s : per) {
      if (s.handed < storm_start) before.push_back(s.ms);
      else if (s.handed <= storm_end) during.push_back(s.ms);
      // The last second's edits may not have reached everyone yet.
      else if (s.handed + std::chrono::seconds(1) < after_end) after.push_back(s.ms);
    }
  }
  res.after_p50 = percentile(after, 50);
  res.after_p99 = percentile(after, 99);
  res.before_p50 = percentile(before, 50);
  res.before_p99 = percentile(before, 99);
  res.during_p50 = percentile(during, 50);
  res.during_p99 = percentile(during, 99);
  res.during_max = during.empty() ? 0 : during.back();
  std::vector<double> js;
  for (double s : join_seconds) {
    if (s >= 0) js.push_back(s);
  }
  res.joined = static_cast<int>(js.size());
  res.join_p50 = percentile(js, 50);
  res.join_p99 = percentile(js, 99);
  res.join_max = js.empty() ? 0 : js.back();
  for (int th = 0; th < joiner_threads.size(); ++th) {
    joiner_threads.run(th, [&] {
      for (int j = th; j < o.storm_clients; j += joiner_threads.size()) {
        res.joiner_bytes += joiners[static_cast<size_t>(j)]->bytes_received();
        res.joiner_wire_bytes += joiners[static_cast<size_t>(j)]->wire_bytes_received();
        joiners[static_cast<size_t>(j)]->close();
      }
    });
  }
  for (int th = 0; th < threads.size(); ++th) {
    threads.run(th, [&] {
      for (auto& t : typists) {
        if (t->thread != th) continue;
        if (t->timer) t->timer->cancel();
        t->client->close();
      }
    });
  }
  joiner_threads.stop();
  threads.stop();
  res.build_max_ms = target.metric("kenes_join_state_build_max_microseconds").value_or(-1000) / 1000.0;
  res.states_built = target.metric("kenes_join_states_built_total").value_or(-1);
  const double builds = target.metric("kenes_join_state_build_seconds_count").value_or(0);
  if (builds > 0) {
    res.build_mean_ms = target.metric("kenes_join_state_build_seconds_sum").value_or(0) * 1000 / builds;
    res.builds_over_5ms = builds - target.metric("kenes_join_state_build_seconds_bucket{le=\"0.005\"}").value_or(builds);
    res.build_cpu_mean_ms = target.metric("kenes_join_state_build_cpu_microseconds_total").value_or(0) / 1000 / builds;
  }
  const double serves = target.metric("kenes_join_serve_seconds_count").value_or(0);
  if (serves > 0) {
    res.serve_mean_ms = target.metric("kenes_join_serve_seconds_sum").value_or(0) * 1000 / serves;
    res.serves_over_5ms = serves - target.metric("kenes_join_serve_seconds_bucket{le=\"0.005\"}").value_or(serves);
  }
  res.ok = closed == 0;
  if (!res.ok) res.error = "a typist closed: " + last_close;
  return res;
}

constexpr char kUsage[] =
    "usage: kenes-bench join [--dir PATH] [--runs N] [--typists T] [--storm-clients J] [--storm-seconds S]\n"
    "                        [--day-records N] [--no-full-catch-up] [target flags]\n\n"
    "What opening a full-size consultation (make-assessment) costs: a fresh join from the log and\n"
    "by state (bytes, seconds to the overview and to the first draft), a reload after a day, and\n"
    "J clients joining within S seconds while T typists type (their p99, the server's CPU).\n";

}  // namespace

int join_main(int argc, char** argv) {
  JoinOptions o;
  WorkloadOptions options("join", kUsage);
  // clang-format off
  options.add()
    ("dir", po::value(&o.dir)->default_value(o.dir)->value_name("PATH"), "the full-size consultation's data folder (written if missing; the server works on a copy)")
    ("records-per-draft", at_least<uint64_t>(&o.records_per_draft, 1)->value_name("N"), "typing records per draft, on average (make-assessment)")
    ("runs", at_least(&o.runs, 1)->value_name("N"), "fresh joins by state; medians are reported")
    ("typists", at_least(&o.typists, 1)->value_name("T"), "typists during the storm")
    ("typist-rate", po::value(&o.typist_rate)->default_value(o.typist_rate)->value_name("R"), "edits per second of each typist")
    ("storm-clients", at_least(&o.storm_clients, 0)->value_name("J"), "fresh clients joining in the storm")
    ("storm-seconds", po::value(&o.storm_seconds)->default_value(o.storm_seconds)->value_name("S"), "the storm's length")
    ("day-records", at_least<uint64_t>(&o.day_records, 1)->value_name("N"), "records a returning client missed")
    ("no-full-catch-up", po::bool_switch()->notifier([&o](bool off) { if (off) o.full_catch_up = false; }), "skip the old full catch-up (minutes)")
    ("client-threads", at_least(&o.client_threads, 1)->value_name("N"), "I/O threads of the clients")
    ("traces", po::value(&o.traces)->default_value(o.traces)->value_name("DIR"), "the editing traces (*.json.gz)");
  // clang-format on
  add_target_options(options, o.target);
  if (auto status = options.parse(argc, argv)) return *status;
  if (!o.target.url.empty()) return options.fail("join spawns its own server on the full-size consultation: drop --url");

  consultation::testing::FullAssessmentOptions fa;
  fa.records_per_draft = o.records_per_draft;
  FullAssessmentBuild built = ensure_full_assessment(o.dir, o.traces, fa);
  if (!built.error.empty()) return options.fail(built.error);
  o.target.seed_data_dir = o.dir;
  raise_fd_limit();
  std::string err;
  auto target = ServerTarget::start(o.target, &err);
  if (!target) return options.fail(err);
  ClientThreads threads(1);

  // By state first: it names the poll count the old way must reach too.
  std::vector<double> live_s, complete_s, draft_s, live_b, complete_b, draft_b, live_w, complete_w, draft_w;
  FreshJoin last;
  for (int r = 0; r < o.runs; ++r) {
    FreshJoin j = fresh_join(*target, threads, kenes::v1::SUBSCRIBE_FROM_STATE, "fresh-" + std::to_string(r), 0);
    if (!j.ok) return options.fail("join by state: " + j.error);
    live_s.push_back(j.live_seconds);
    complete_s.push_back(j.complete_seconds);
    draft_s.push_back(j.draft_seconds);
    live_b.push_back(static_cast<double>(j.live_bytes));
    complete_b.push_back(static_cast<double>(j.complete_bytes));
    draft_b.push_back(static_cast<double>(j.draft_bytes));
    live_w.push_back(static_cast<double>(j.live_wire));
    complete_w.push_back(static_cast<double>(j.complete_wire));
    draft_w.push_back(static_cast<double>(j.draft_wire));
    last = j;
  }
  std::printf(
      "{\"workload\":\"join\",\"measure\":\"fresh_by_state\",\"consultation_records\":%llu,\"runs\":%d,"
      "\"bytes_to_live\":%.0f,\"bytes_to_overview\":%.0f,\"seconds_to_live\":%.3f,\"seconds_to_overview\":%.3f,"
      "\"first_draft\":\"%s\",\"draft_bytes\":%.0f,\"seconds_to_draft\":%.3f,\"polls\":%zu,"
      "\"deflate\":%s,\"wire_bytes_to_live\":%.0f,\"wire_bytes_to_overview\":%.0f,\"draft_wire_bytes\":%.0f,"
      "\"target_bytes\":1000000,\"note\":\"medians; the C++ client library on loopback; fsync durability\"}\n",
      static_cast<unsigned long long>(last.head_seq), o.runs, median(live_b), median(complete_b), median(live_s),
      median(complete_s), last.draft.c_str(), median(draft_b), median(draft_s), last.polls,
      last.deflate ? "true" : "false", median(live_w), median(complete_w), median(draft_w));
  std::fflush(stdout);

  // A reload after a day: an existing member who has the state of day_records ago.
  const uint64_t after = last.head_seq > o.day_records ? last.head_seq - o.day_records : 0;
  Reload reload = reload_after(*target, "member-1", after);
  if (!reload.ok) return options.fail("reload: " + reload.error);
  std::printf(
      "{\"workload\":\"join\",\"measure\":\"reload_after_a_day\",\"missed_records\":%llu,\"got_state\":%s,"
      "\"records\":%llu,\"records_bytes\":%llu,\"bytes\":%llu,\"bytes_per_record_byte\":%.3f,\"seconds\":%.3f,"
      "\"target_ratio\":2}\n",
      static_cast<unsigned long long>(last.head_seq - after), reload.got_state ? "true" : "false",
      static_cast<unsigned long long>(reload.records), static_cast<unsigned long long>(reload.record_bytes),
      static_cast<unsigned long long>(reload.bytes),
      reload.record_bytes ? static_cast<double>(reload.bytes) / static_cast<double>(reload.record_bytes) : 0.0,
      reload.seconds);
  std::fflush(stdout);

  // The storm: the typists share the first five drafts, as a meeting's
  // working groups would.
  if (o.storm_clients > 0) {
    Storm s = storm(o, *target, last.drafts);
    if (!s.ok) return options.fail("storm: " + s.error);
    std::printf(
        "{\"workload\":\"join\",\"measure\":\"join_storm\",\"typists\":%d,\"typist_rate\":%g,\"joiners\":%d,"
        "\"storm_seconds\":%g,\"joined\":%d,\"typists_p50_ms_before\":%.2f,\"typists_p99_ms_before\":%.2f,"
        "\"typists_p50_ms\":%.2f,\"typists_p99_ms\":%.2f,\"typists_max_ms\":%.2f,\"join_p50_s\":%.3f,"
        "\"typists_p50_ms_after\":%.2f,\"typists_p99_ms_after\":%.2f,"
        "\"join_p99_s\":%.3f,\"join_max_s\":%.3f,\"joiner_bytes\":%llu,\"joiner_wire_bytes\":%llu,"
        "\"storm_wall_seconds\":%.2f,"
        "\"server_cpu_seconds\":%.2f,\"clients_cpu_seconds\":%.2f,\"state_build_max_ms\":%.2f,"
        "\"state_build_mean_ms\":%.3f,\"state_build_cpu_mean_ms\":%.3f,\"state_builds_over_5ms\":%.0f,"
        "\"states_built\":%.0f,\"join_serve_mean_ms\":%.3f,\"join_serves_over_5ms\":%.0f,"
        "\"target_p99_ms\":50,\"target_build_ms\":5}\n",
        o.typists, o.typist_rate, o.storm_clients, o.storm_seconds, s.joined, s.before_p50, s.before_p99, s.during_p50,
        s.during_p99, s.during_max, s.join_p50, s.after_p50, s.after_p99, s.join_p99, s.join_max,
        static_cast<unsigned long long>(s.joiner_bytes),
        static_cast<unsigned long long>(s.joiner_wire_bytes), s.storm_wall_seconds, s.server_cpu_seconds,
        s.clients_cpu_seconds, s.build_max_ms, s.build_mean_ms, s.build_cpu_mean_ms, s.builds_over_5ms, s.states_built,
        s.serve_mean_ms, s.serves_over_5ms);
    std::fflush(stdout);
  }

  if (o.full_catch_up) {
    FreshJoin old = fresh_join(*target, threads, kenes::v1::SUBSCRIBE_FROM_LOG, "old-way", last.polls);
    if (!old.ok) return options.fail("full catch-up: " + old.error);
    std::printf(
        "{\"workload\":\"join\",\"measure\":\"fresh_full_catch_up\",\"consultation_records\":%llu,"
        "\"bytes_to_live\":%llu,\"bytes_to_overview\":%llu,\"seconds_to_live\":%.3f,\"seconds_to_overview\":%.3f,"
        "\"note\":\"the way every client joined before issue 16: every record, folded\"}\n",
        static_cast<unsigned long long>(old.head_seq), static_cast<unsigned long long>(old.live_bytes),
        static_cast<unsigned long long>(old.complete_bytes), old.live_seconds, old.complete_seconds);
  }
  threads.stop();
  return 0;
}

}  // namespace kenes::bench
