// The real kenes-server binary, killed under load.
//
// kill -9 at a seeded random moment while writers edit, a restart on the same
// folder and port: the clients reconnect, resume and resend, and at the end
// every op any client saw acknowledged is in the log exactly once, every
// client has the server's text, and the log verifies. SIGTERM under load is
// the graceful version: exit 0 within seconds, close code 1001 for everyone,
// nothing acknowledged lost, and a restart serves the same text.
//
// KENES_SERVER_CRASH_TRIALS sets the number of kill -9 trials (default 5);
// KENES_TEST_SEED reproduces a run (trial i uses seed + i). The chaos test
// below kills the server every few seconds for KENES_CHAOS_SECONDS.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "engine/testing/random_edits.h"
#include "replay/recovery.h"
#include "storage/rocks_log.h"
#include "test_harness.h"

namespace kenes::testing {
namespace {

namespace fs = std::filesystem;
using engine::testing::Alphabet;
using engine::testing::Rng;

const std::vector<std::string> kDocs = {"indicator/R.1", "indicator/O.2"};

// What a writer saw acknowledged: the op (client_id, client_seq) became
// `version` of `doc`.
struct AckedOp {
  std::string client_id;
  uint64_t client_seq = 0;
  std::string doc;
  uint64_t version = 0;
};

// kenes-server on a temp data folder and a fixed loopback port, so that a
// restart comes back where the clients look for it.
class RealServer {
 public:
  // `data_dir`: where the data folder goes (default: inside the temp dir).
  explicit RealServer(fs::path data_dir = {}, std::vector<std::string> extra_args = {})
      : port_(free_loopback_port()),
        data_dir_(data_dir.empty() ? dir_.path() / "data" : std::move(data_dir)),
        process_(KENES_SERVER_BINARY, args(extra_args), dir_.path() / "server.log") {}

  bool start(std::string* why) { return process_.start_and_wait_ready(port_, why); }
  uint16_t port() const { return port_; }
  fs::path data_dir() const { return data_dir_; }
  ServerProcess& process() { return process_; }
  std::string token(const std::string& participant, kenes::v1::Role role = kenes::v1::ROLE_RESEARCHER) const {
    return token_for_data_dir(data_dir(), role, participant);
  }
  // SIGTERM and wait: true if it exited with status 0 within `timeout`.
  bool stop_gracefully(std::string* why, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    process_.signal(SIGTERM);
    auto status = process_.wait_exit(timeout);
    if (!status) {
      *why = "still running " + std::to_string(timeout.count()) + " ms after SIGTERM:\n" + process_.log_tail();
      process_.kill9();
      return false;
    }
    if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
      *why = "exited with status " + std::to_string(*status) + ":\n" + process_.log_tail();
      return false;
    }
    return true;
  }

 private:
  std::vector<std::string> args(const std::vector<std::string>& extra) const {
    std::vector<std::string> a = {"--demo",     "--listen",     "127.0.0.1:" + std::to_string(port_),
                                  "--data-dir", data_dir_.string(), "--web-root",
                                  (dir_.path() / "web").string(), "--durability", "fsync",
                                  "--threads",  "2"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }

  TempDir dir_;
  uint16_t port_;
  fs::path data_dir_;
  ServerProcess process_;
};

// Writer clients on one pool, recording every ack and every error.
class Writers {
 public:
  Writers(ClientPool& pool, RealServer& server, int count) : pool_(pool) {
    for (int i = 0; i < count; ++i) {
      // The callbacks go in before connecting: a first on_live that came
      // before them went uncounted (a flaky "every writer went live twice").
      auto c = pool.add(server.port(), server.token("writer-" + std::to_string(i)), "demo", true,
                        [this](client::KenesClient& c) {
                          c.on_ack = [this, id = c.client_id()](const std::string& doc, uint64_t version,
                                                                uint64_t client_seq) {
                            acked_.push_back({id, client_seq, doc, version});
                          };
                          c.on_error = [this](const kenes::v1::Error& e) {
                            errors_.push_back(kenes::v1::ErrorCode_Name(e.code()) + ": " + e.message());
                          };
                          c.on_closed = [this, id = c.client_id()](const std::string& reason) {
                            first_close_.try_emplace(id, reason);
                          };
                          c.on_live = [this] { ++lives_; };
                        });
      clients_.push_back(c);
    }
  }

  // Each writer makes `edits` random edits (any alphabet) on random docs.
  void edit(Rng& rng, int edits = 2) {
    pool_.run([&] {
      for (auto& c : clients_) {
        for (int k = 0; k < edits; ++k) {
          const std::string& doc = kDocs[rng.below(kDocs.size())];
          auto op = engine::testing::random_op(rng, c->document(doc).text().length(), Alphabet::kMixed);
          ASSERT_TRUE(c->local_edit(doc, op).ok());
        }
      }
    });
  }

  bool all_live_and_acknowledged(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    return pool_.wait_until(
        [&] {
          for (const auto& c : clients_) {
            if (c->state() != client::ConnectionState::kLive || c->has_unacknowledged()) return false;
          }
          return true;
        },
        timeout);
  }

  // Once nobody edits: every writer has reached the same version of every
  // document (the last broadcasts have arrived).
  bool caught_up_with_each_other(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    return pool_.wait_until(
        [&] {
          for (const auto& doc : kDocs) {
            for (const auto& c : clients_) {
              if (c->document(doc).version() != clients_[0]->document(doc).version()) return false;
            }
          }
          return true;
        },
        timeout);
  }

  // How many writers have edits not yet acknowledged.
  size_t unacknowledged() {
    size_t n = 0;
    pool_.run([&] {
      for (auto& c : clients_) n += c->has_unacknowledged() ? 1 : 0;
    });
    return n;
  }

  // doc -> (text, version) as each writer sees it.
  std::vector<std::map<std::string, std::pair<std::string, uint64_t>>> documents() {
    std::vector<std::map<std::string, std::pair<std::string, uint64_t>>> out;
    pool_.run([&] {
      for (auto& c : clients_) {
        auto& docs = out.emplace_back();
        for (const auto& doc : kDocs) docs[doc] = {c->document(doc).text().to_string(), c->document(doc).version()};
      }
    });
    return out;
  }

  void close_all() {
    pool_.run([&] {
      for (auto& c : clients_) c->close();
    });
  }

  // Copies, taken on the pool thread.
  std::vector<AckedOp> acked() {
    std::vector<AckedOp> out;
    pool_.run([&] { out = acked_; });
    return out;
  }
  std::vector<std::string> errors() {
    std::vector<std::string> out;
    pool_.run([&] { out = errors_; });
    return out;
  }
  bool all_disconnected() {
    return pool_.wait_until([&] { return first_close_.size() == clients_.size(); });
  }

  // Why each writer's connection first ended (later ones are failed
  // reconnects), by client id.
  std::map<std::string, std::string> first_closes() {
    std::map<std::string, std::string> out;
    pool_.run([&] { out = first_close_; });
    return out;
  }
  int lives() {
    int out = 0;
    pool_.run([&] { out = lives_; });
    return out;
  }
  size_t size() const { return clients_.size(); }

  // Cuts one writer's connection as a network failure would (no close
  // handshake); the client library reconnects and resumes by itself.
  void drop_one(Rng& rng) {
    pool_.run([&] { clients_[rng.below(clients_.size())]->drop_connection(); });
  }

 private:
  ClientPool& pool_;
  std::vector<std::shared_ptr<client::KenesClient>> clients_;
  std::vector<AckedOp> acked_;
  std::vector<std::string> errors_;
  std::map<std::string, std::string> first_close_;
  int lives_ = 0;
};

// With the server stopped: every acknowledged op is in the log under its
// (client_id, client_seq), as the version it was acknowledged as; no key is
// logged twice; the log verifies. Returns the consultation rebuilt from it.
replay::Recovered expect_log_holds_exactly_the_acknowledged_ops(const fs::path& data_dir,
                                                                 const std::vector<AckedOp>& acked) {
  auto opened = storage::RocksLog::open((data_dir / "log").string(), {});
  if (!opened.ok()) {
    ADD_FAILURE() << "cannot open the log: " << opened.status().message();
    return replay::Recovered{consultation::ConsultationState("demo"), {}, 0, false, "log did not open"};
  }
  storage::RocksLog& log = *opened.value();
  for (const auto& a : acked) {
    auto found = log.find_by_client("demo", storage::ClientKey{a.client_id, a.client_seq});
    EXPECT_TRUE(found.ok() && found.value().has_value())
        << "acknowledged op " << a.client_id << "#" << a.client_seq << " (" << a.doc << " v" << a.version
        << ") is not in the log";
    if (!found.ok() || !found.value()) continue;
    auto rec = log.read("demo", *found.value(), 1);
    kenes::v1::LogRecord decoded;
    EXPECT_TRUE(rec.ok() && rec.value().size() == 1 && decoded.ParseFromString(rec.value().front().payload))
        << "seq " << *found.value() << " does not read back";
    EXPECT_EQ(decoded.text_edit().doc_id(), a.doc);
    EXPECT_EQ(decoded.text_edit().version(), a.version) << a.client_id << "#" << a.client_seq;
  }
  std::set<std::pair<std::string, uint64_t>> keys;
  uint64_t edits = 0;
  storage::Status replayed = log.replay("demo", 1, [&](const storage::RecordView& r) {
    kenes::v1::LogRecord decoded;
    if (!decoded.ParseFromArray(r.payload.data(), static_cast<int>(r.payload.size()))) {
      return storage::Status(storage::Code::kCorruption, "seq " + std::to_string(r.seq) + " does not decode");
    }
    if (decoded.has_text_edit()) {
      ++edits;
      bool fresh = keys.emplace(decoded.client_id(), decoded.client_seq()).second;
      EXPECT_TRUE(fresh) << decoded.client_id() << "#" << decoded.client_seq() << " is logged twice (seq " << r.seq
                         << ")";
    }
    return storage::Status();
  });
  EXPECT_TRUE(replayed.ok()) << replayed.message();
  EXPECT_GE(edits, acked.size());
  storage::VerifyReport report;
  EXPECT_TRUE(log.verify("demo", &report).ok()) << (report.first_break ? report.first_break->message : "");
  return replay::recover_consultation(log, "demo");
}

int crash_trials() {
  const char* s = std::getenv("KENES_SERVER_CRASH_TRIALS");
  return s && *s ? std::max(1, std::atoi(s)) : 5;
}

void kill_and_restart_under_load(uint64_t seed) {
  RealServer server;
  std::string why;
  ASSERT_TRUE(server.start(&why)) << why;
  ClientPool pool;
  Writers writers(pool, server, 4);
  ASSERT_TRUE(writers.all_live_and_acknowledged());

  Rng rng(seed);
  const int rounds_before_kill = static_cast<int>(rng.between(5, 80));
  for (int round = 0; round < rounds_before_kill; ++round) {
    writers.edit(rng);
    std::this_thread::sleep_for(std::chrono::microseconds(rng.below(3000)));
  }
  const size_t acked_before_kill = writers.acked().size();
  const size_t waiting_at_kill = writers.unacknowledged();
  server.process().kill9();

  // Typing goes on while the server is down: it piles up in pending.
  for (int round = 0; round < 5; ++round) writers.edit(rng);
  ASSERT_TRUE(server.start(&why)) << "restart: " << why;
  for (int round = 0; round < 30; ++round) {
    writers.edit(rng);
    std::this_thread::sleep_for(std::chrono::microseconds(rng.below(3000)));
  }

  ASSERT_TRUE(writers.all_live_and_acknowledged()) << "the writers did not settle after the restart\n"
                                                   << server.process().log_tail();
  ASSERT_TRUE(writers.caught_up_with_each_other());
  auto seen = writers.documents();
  auto acked = writers.acked();
  auto errors = writers.errors();
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_GE(writers.lives(), 2 * static_cast<int>(writers.size())) << "every writer should have gone live twice";
  EXPECT_GT(acked_before_kill, 0u) << "the kill should land under load";
  std::cout << "  seed " << seed << ": killed after " << rounds_before_kill << " rounds, " << acked_before_kill
            << " acks, " << waiting_at_kill << " writers waiting for an ack; " << acked.size() << " acks in all\n";
  writers.close_all();
  ASSERT_TRUE(server.stop_gracefully(&why)) << why;

  replay::Recovered recovered = expect_log_holds_exactly_the_acknowledged_ops(server.data_dir(), acked);
  ASSERT_EQ(recovered.error, "");
  for (size_t i = 0; i < seen.size(); ++i) {
    for (const auto& doc : kDocs) {
      const auto* d = recovered.state.find_document(doc);
      ASSERT_NE(d, nullptr) << doc;
      EXPECT_EQ(seen[i].at(doc).first, d->text().to_string()) << "writer " << i << " on " << doc;
      EXPECT_EQ(seen[i].at(doc).second, d->version()) << "writer " << i << " on " << doc;
    }
  }
}

TEST(ServerCrashTest, KillNineUnderLoadLosesNoAcknowledgedOpAndClientsConverge) {
  const uint64_t seed = test_seed();
  const int trials = crash_trials();
  std::cout << "seed " << seed << ", " << trials << " trials (rerun with KENES_TEST_SEED=" << seed << ")\n";
  for (int trial = 0; trial < trials; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial) + ", seed " + std::to_string(seed) +
                 " (KENES_TEST_SEED=" + std::to_string(seed) + ")");
    kill_and_restart_under_load(seed + static_cast<uint64_t>(trial));
    if (HasFatalFailure()) return;
  }
}

int chaos_seconds() {
  const char* s = std::getenv("KENES_CHAOS_SECONDS");
  return s && *s ? std::max(1, std::atoi(s)) : 12;
}

// Chaos (issue 8): for KENES_CHAOS_SECONDS (default 12; longer by hand), six
// writers type without pause while the server is killed with SIGKILL every
// 1.5-4 s (seeded) and restarted at once, and writers' connections are cut at
// random moments. At the end: every acknowledged op is in the log exactly
// once, every writer has the server's text, the log verifies, and no writer
// ever saw an error.
TEST(ServerChaosTest, KillNineEveryFewSecondsAndRandomDisconnectsLoseNothingAndConverge) {
  const uint64_t seed = test_seed();
  const int seconds = chaos_seconds();
  std::cout << "seed " << seed << ", " << seconds << " s (rerun with KENES_TEST_SEED=" << seed
            << ", longer with KENES_CHAOS_SECONDS)\n";
  SCOPED_TRACE("seed " + std::to_string(seed));
  RealServer server;
  std::string why;
  ASSERT_TRUE(server.start(&why)) << why;
  ClientPool pool;
  Writers writers(pool, server, 6);
  ASSERT_TRUE(writers.all_live_and_acknowledged());

  Rng rng(seed);
  using Clock = std::chrono::steady_clock;
  auto next_kill_after = [&] { return std::chrono::milliseconds(rng.between(1500, 4000)); };
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  auto next_kill = Clock::now() + next_kill_after();
  int kills = 0, drops = 0;
  while (Clock::now() < deadline) {
    writers.edit(rng, 1);
    std::this_thread::sleep_for(std::chrono::microseconds(rng.below(2000)));
    if (rng.below(40) == 0) {
      writers.drop_one(rng);
      ++drops;
    }
    if (Clock::now() >= next_kill) {
      server.process().kill9();
      ++kills;
      for (int round = 0; round < 3; ++round) writers.edit(rng, 1);  // typing on while it is down
      ASSERT_TRUE(server.start(&why)) << "restart " << kills << ": " << why;
      next_kill = Clock::now() + next_kill_after();
    }
  }

  ASSERT_TRUE(writers.all_live_and_acknowledged()) << "the writers did not settle\n" << server.process().log_tail();
  ASSERT_TRUE(writers.caught_up_with_each_other());
  auto seen = writers.documents();
  auto acked = writers.acked();
  auto errors = writers.errors();
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_GE(kills, 2);
  std::cout << "  " << kills << " kill -9s, " << drops << " dropped connections, " << acked.size()
            << " acknowledged ops\n";
  writers.close_all();
  ASSERT_TRUE(server.stop_gracefully(&why)) << why;

  replay::Recovered recovered = expect_log_holds_exactly_the_acknowledged_ops(server.data_dir(), acked);
  ASSERT_EQ(recovered.error, "");
  for (size_t i = 0; i < seen.size(); ++i) {
    for (const auto& doc : kDocs) {
      const auto* d = recovered.state.find_document(doc);
      ASSERT_NE(d, nullptr) << doc;
      EXPECT_EQ(seen[i].at(doc).first, d->text().to_string()) << "writer " << i << " on " << doc;
      EXPECT_EQ(seen[i].at(doc).second, d->version()) << "writer " << i << " on " << doc;
    }
  }
}

// A small tmpfs of its own, unmounted at the end: a disk that really fills
// up. Mounting needs root (CAP_SYS_ADMIN); `error()` says why when it failed.
class SmallDisk {
 public:
  explicit SmallDisk(const std::string& size) : mount_point_(dir_.path() / "disk") {
    fs::create_directories(mount_point_);
    std::string options = "size=" + size + ",mode=0700";
    if (::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      error_ = std::string("mount -t tmpfs: ") + std::strerror(errno);
    }
  }
  ~SmallDisk() {
    if (error_.empty()) ::umount2(mount_point_.c_str(), MNT_DETACH);
  }
  const std::string& error() const { return error_; }
  fs::path path() const { return mount_point_; }

  // Writes a file until the disk is full. Returns the bytes written.
  uint64_t fill() {
    std::ofstream out(mount_point_ / "filler", std::ios::binary);
    const std::string chunk(64 << 10, 'f');
    uint64_t bytes = 0;
    while (out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) {
      out.flush();
      if (!out) break;
      bytes += chunk.size();
    }
    return bytes;
  }
  void free_filler() { fs::remove(mount_point_ / "filler"); }

 private:
  TempDir dir_;
  fs::path mount_point_;
  std::string error_;
};

// Disk full (issue 8, chaos): the data folder on a small tmpfs that a filler
// file fills up under load. While it is full, submits get STORAGE_FAILURE
// with the reason and /readyz says 503; nothing unacknowledged is ever
// acknowledged later by mistake. Once the filler is deleted the server resumes
// writing by itself (--storage-retry-seconds), the writers reconnect and
// resend, and at the end every acknowledged op is logged exactly once, every
// writer has the server's text and the log verifies.
TEST(ServerDiskFullTest, WritesFailClearlyWhileTheDiskIsFullAndResumeWhenSpaceReturns) {
  SmallDisk disk("96m");
  if (!disk.error().empty()) GTEST_SKIP() << "cannot simulate a full disk here: " << disk.error();
  const uint64_t seed = test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (KENES_TEST_SEED)");
  RealServer server(disk.path() / "data", {"--storage-retry-seconds", "1", "--min-free-disk-mb", "8"});
  std::string why;
  ASSERT_TRUE(server.start(&why)) << why;
  ClientPool pool;
  Writers writers(pool, server, 3);
  ASSERT_TRUE(writers.all_live_and_acknowledged());
  Rng rng(seed);
  for (int round = 0; round < 20; ++round) writers.edit(rng);
  ASSERT_TRUE(writers.all_live_and_acknowledged());
  const size_t acked_before = writers.acked().size();

  const uint64_t filler = disk.fill();
  std::cout << "  filled the disk with " << filler << " bytes\n";
  // Typing goes on; the writes fail and say why.
  auto has_storage_error = [&] {
    for (const auto& e : writers.errors()) {
      if (e.rfind("ERROR_CODE_STORAGE_FAILURE", 0) == 0) return true;
    }
    return false;
  };
  for (int round = 0; round < 2000 && !has_storage_error(); ++round) {
    writers.edit(rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(has_storage_error()) << "no write failed on a full disk\n" << server.process().log_tail();
  EXPECT_EQ(http_get(server.port(), "/readyz").status, 503);
  const size_t acked_while_full = writers.acked().size();
  for (int round = 0; round < 10; ++round) writers.edit(rng);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(writers.acked().size(), acked_while_full) << "an op was acknowledged while the log refused writes";

  disk.free_filler();
  for (int round = 0; round < 20; ++round) {
    writers.edit(rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(writers.all_live_and_acknowledged(std::chrono::seconds(30)))
      << "the writers did not settle once space returned\n"
      << server.process().log_tail();
  ASSERT_TRUE(writers.caught_up_with_each_other());
  EXPECT_EQ(http_get(server.port(), "/readyz").status, 200);
  auto errors = writers.errors();
  for (const auto& e : errors) {
    EXPECT_TRUE(e.rfind("ERROR_CODE_STORAGE_FAILURE", 0) == 0 || e.rfind("ERROR_CODE_SHUTTING_DOWN", 0) == 0) << e;
  }
  auto storage_errors = std::count_if(errors.begin(), errors.end(),
                                      [](const std::string& e) { return e.find("disk nearly full") != std::string::npos; });
  EXPECT_GT(storage_errors, 0) << "the errors should say the disk is full: " << errors.front();
  auto seen = writers.documents();
  auto acked = writers.acked();
  std::cout << "  " << acked_before << " acks before, " << acked.size() << " in all, " << errors.size()
            << " errors while full\n";
  EXPECT_GT(acked.size(), acked_while_full);
  writers.close_all();
  ASSERT_TRUE(server.stop_gracefully(&why)) << why;

  replay::Recovered recovered = expect_log_holds_exactly_the_acknowledged_ops(server.data_dir(), acked);
  ASSERT_EQ(recovered.error, "");
  for (size_t i = 0; i < seen.size(); ++i) {
    for (const auto& doc : kDocs) {
      const auto* d = recovered.state.find_document(doc);
      ASSERT_NE(d, nullptr) << doc;
      EXPECT_EQ(seen[i].at(doc).first, d->text().to_string()) << "writer " << i << " on " << doc;
    }
  }
}

// A bare WebSocket participant on its own thread that reads until the server
// closes, to see the close code (the client library hides it).
class ClosingObserver {
 public:
  ClosingObserver(uint16_t port, const std::string& token) : ws_(io_) {
    namespace asio = boost::asio;
    boost::beast::get_lowest_layer(ws_).connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws_.handshake("127.0.0.1", "/ws");
    ws_.binary(true);
    ws_.read_message_max(64 << 20);
    kenes::v1::ClientMessage hello;
    hello.set_request_id(1);
    hello.mutable_hello()->set_token(token);
    hello.mutable_hello()->set_client_id("observer");
    ws_.write(asio::buffer(hello.SerializeAsString()));
    kenes::v1::ClientMessage sub;
    sub.set_request_id(2);
    sub.mutable_subscribe()->set_consultation_id("demo");
    ws_.write(asio::buffer(sub.SerializeAsString()));
    reader_ = std::thread([this] {
      for (;;) {
        boost::beast::flat_buffer buf;
        boost::beast::error_code ec;
        ws_.read(buf, ec);
        if (ec) {
          closed_by_server_ = ec == boost::beast::websocket::error::closed;
          close_code_ = ws_.reason().code;
          close_reason_ = std::string(ws_.reason().reason.c_str());
          return;
        }
        ++frames_;
      }
    });
  }
  ~ClosingObserver() {
    if (reader_.joinable()) {
      boost::beast::error_code ignored;
      boost::beast::get_lowest_layer(ws_).socket().close(ignored);
      reader_.join();
    }
  }
  // Waits for the reader to end (the server closed or went away).
  void join() { reader_.join(); }
  bool closed_by_server() const { return closed_by_server_; }
  uint16_t close_code() const { return close_code_; }
  const std::string& close_reason() const { return close_reason_; }

 private:
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  std::thread reader_;
  std::atomic<uint64_t> frames_{0};
  bool closed_by_server_ = false;
  uint16_t close_code_ = 0;
  std::string close_reason_;
};

TEST(ServerShutdownTest, SigtermUnderLoadExitsZeroWithGoingAwayAndKeepsEveryAcknowledgedOp) {
  const uint64_t seed = test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (KENES_TEST_SEED=" + std::to_string(seed) + ")");
  RealServer server;
  std::string why;
  ASSERT_TRUE(server.start(&why)) << why;
  ClientPool pool;
  Writers writers(pool, server, 3);
  ASSERT_TRUE(writers.all_live_and_acknowledged());
  ClosingObserver observer(server.port(), server.token("observer", kenes::v1::ROLE_OBSERVER));

  Rng rng(seed);
  const int rounds_before_term = static_cast<int>(rng.between(10, 60));
  for (int round = 0; round < rounds_before_term; ++round) {
    writers.edit(rng);
    std::this_thread::sleep_for(std::chrono::microseconds(rng.below(2000)));
  }
  const auto started = std::chrono::steady_clock::now();
  server.process().signal(SIGTERM);
  // Still typing while the server shuts down: those edits are refused or
  // stay pending, never half-saved.
  for (int round = 0; round < 10; ++round) writers.edit(rng);
  auto status = server.process().wait_exit(std::chrono::seconds(5));
  ASSERT_TRUE(status.has_value()) << "still running 5 s after SIGTERM\n" << server.process().log_tail();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "status " << *status << "\n"
                                                               << server.process().log_tail();
  std::cout << "exited "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
            << " ms after SIGTERM\n";

  observer.join();
  EXPECT_TRUE(observer.closed_by_server()) << "the observer's connection ended without a close frame";
  EXPECT_EQ(observer.close_code(), 1001) << observer.close_reason();
  // The writers were told the same, in the close reason.
  ASSERT_TRUE(writers.all_disconnected());
  for (const auto& [client_id, reason] : writers.first_closes()) {
    EXPECT_NE(reason.find("shutting down"), std::string::npos) << client_id << ": " << reason;
  }
  for (const auto& e : writers.errors()) EXPECT_EQ(e.rfind("ERROR_CODE_SHUTTING_DOWN", 0), 0u) << e;

  // Nothing acknowledged is lost; what is not acknowledged stays with its
  // writer, who is gone for good now.
  writers.close_all();
  auto acked = writers.acked();
  EXPECT_GT(acked.size(), 0u);
  replay::Recovered before = expect_log_holds_exactly_the_acknowledged_ops(server.data_dir(), acked);
  ASSERT_EQ(before.error, "");
  EXPECT_TRUE(before.used_snapshot) << "a clean shutdown writes snapshots";
  EXPECT_EQ(before.replayed_records, 0u) << "after a clean shutdown the snapshots cover the whole log";

  // A restart serves the same text (the observer is known already, so its
  // visit adds no record).
  ASSERT_TRUE(server.start(&why)) << "restart: " << why;
  auto reader = pool.add(server.port(), server.token("observer", kenes::v1::ROLE_OBSERVER), "demo", false);
  ASSERT_TRUE(pool.wait_until([&] { return reader->state() == client::ConnectionState::kLive; }));
  pool.run([&] {
    EXPECT_EQ(reader->last_seq(), before.head.seq);
    for (const auto& doc : kDocs) {
      const auto* d = before.state.find_document(doc);
      ASSERT_NE(d, nullptr) << doc;
      EXPECT_EQ(reader->document(doc).text().to_string(), d->text().to_string()) << doc;
      EXPECT_EQ(reader->document(doc).version(), d->version()) << doc;
    }
  });
  pool.run([&] { reader->close(); });
  ASSERT_TRUE(server.stop_gracefully(&why)) << why;
}

}  // namespace
}  // namespace kenes::testing
