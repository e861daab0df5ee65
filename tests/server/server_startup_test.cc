// Start-up on a damaged log, presence, and configuration from the environment.

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>

#include "options.h"
#include "storage/format.h"
#include "storage/rocks_log.h"
#include "storage/rocks_log_testing.h"
#include "test_harness.h"
#include "version.h"

namespace kenes::testing {
namespace {

// Runs the demo server once (it writes the demo consultation's first records)
// and stops it, leaving the log in `data_dir`.
void make_demo_log(const std::filesystem::path& data_dir) {
  TestServer server([&](server::ServerOptions& o) { o.data_dir = data_dir.string(); });
  server.stop();
}

TEST(ServerStartupTest, AServerRefusesToStartOnALogWhoseChainIsBrokenAndNamesTheRecord) {
  TempDir dir;
  auto data = dir.path() / "data";
  make_demo_log(data);
  ASSERT_TRUE(storage::testing::write_raw_log_entry((data / "log").string(), storage::log_key("demo", 3),
                                                    std::string("\x01not a frame at all, but long enough to parse "
                                                                "as one: 0123456789abcdef0123456789"))
                  .ok());
  server::ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.data_dir = data.string();
  server::Server s(o);
  std::string error = s.open();
  EXPECT_NE(error.find("demo"), std::string::npos) << error;
  EXPECT_NE(error.find("allow-corrupt-log"), std::string::npos) << error;
  EXPECT_NE(error.find("seq 3"), std::string::npos) << "the damaged record is not named: " << error;
}

TEST(ServerStartupTest, WithAllowCorruptLogTheVerifiedPrefixIsServedReadOnly) {
  TempDir dir;
  auto data = dir.path() / "data";
  make_demo_log(data);
  ASSERT_TRUE(storage::testing::write_raw_log_entry((data / "log").string(), storage::log_key("demo", 5), std::nullopt)
                  .ok());
  // Record 6 (the seeded draft) now follows a gap.
  TestServer server([&](server::ServerOptions& o) {
    o.data_dir = data.string();
    o.allow_corrupt_log = true;
    o.demo = false;
  });
  ClientPool pool;
  auto c = pool.add(server.port(), server.token(kenes::v1::ROLE_CHAIR, "demo-chair"), "demo", false);
  std::vector<kenes::v1::Error> errors;
  pool.run([&] { c->on_error = [&](const kenes::v1::Error& e) { errors.push_back(e); }; });
  ASSERT_TRUE(pool.wait_until([&] { return c->state() == client::ConnectionState::kLive; }));
  pool.run([&] {
    engine::TextOp op;
    op.insert("x");
    ASSERT_TRUE(c->local_edit("indicator/new", op).ok());
  });
  ASSERT_TRUE(pool.wait_until([&] { return !errors.empty(); }));
  EXPECT_EQ(errors[0].code(), kenes::v1::ERROR_CODE_STORAGE_FAILURE);
}

TEST(ServerPresenceTest, ACursorMoveReachesTheOthersAndALeaveIsAnnounced) {
  TestServer server;
  ClientPool pool;
  auto a = pool.add(server.port(), server.token(kenes::v1::ROLE_RESEARCHER, "anna"));
  auto b = pool.add(server.port(), server.token(kenes::v1::ROLE_MEMBER, "bolat"));
  std::vector<kenes::v1::Presence> seen_by_b;
  pool.run([&] {
    b->on_message = [&](const kenes::v1::ServerMessage& m) {
      if (m.has_presence()) seen_by_b.push_back(m.presence());
    };
  });
  ASSERT_TRUE(pool.wait_until([&] {
    return a->state() == client::ConnectionState::kLive && b->state() == client::ConnectionState::kLive;
  }));
  std::string a_connection;
  pool.run([&] {
    a_connection = a->welcome().connection_id();
    kenes::v1::ClientMessage m;
    auto* p = m.mutable_presence();
    p->set_doc_id("indicator/R.1");
    auto* sel = p->add_selections();
    sel->set_anchor(3);
    sel->set_head(9);
    p->set_typing(true);
    a->send_message(m);
  });
  ASSERT_TRUE(pool.wait_until([&] {
    for (const auto& p : seen_by_b) {
      for (const auto& e : p.participants()) {
        if (e.connection_id() == a_connection && e.doc_id() == "indicator/R.1" && e.selections_size() == 1 &&
            e.selections(0).head() == 9 && e.typing()) {
          return true;
        }
      }
    }
    return false;
  })) << "b never saw a's cursor";
  pool.run([&] { a->close(); });
  ASSERT_TRUE(pool.wait_until([&] {
    for (const auto& p : seen_by_b) {
      for (const auto& id : p.left_connection_ids()) {
        if (id == a_connection) return true;
      }
    }
    return false;
  })) << "b was not told that a left";
}

TEST(ServerOptionsTest, EveryFlagCanComeFromTheEnvironmentAndTheCommandLineWins) {
  ::setenv("KENES_THREADS", "3", 1);
  ::setenv("KENES_DURABILITY", "wal", 1);
  ::setenv("KENES_SNAPSHOT_EVERY", "77", 1);
  std::vector<std::string> args = {"kenes-server", "--durability", "none"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  auto parsed = server::parse_server_options(static_cast<int>(argv.size()), argv.data());
  ::unsetenv("KENES_THREADS");
  ::unsetenv("KENES_DURABILITY");
  ::unsetenv("KENES_SNAPSHOT_EVERY");
  ASSERT_TRUE(parsed.options);
  EXPECT_EQ(parsed.options->threads, 3);
  EXPECT_EQ(parsed.options->snapshot_every_records, 77u);
  EXPECT_EQ(parsed.options->durability, "none");
}

TEST(ServerOptionsTest, ANonsenseValueIsRefusedWithAMessage) {
  std::vector<std::string> args = {"kenes-server", "--durability", "sometimes"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  auto parsed = server::parse_server_options(static_cast<int>(argv.size()), argv.data());
  EXPECT_FALSE(parsed.options);
  EXPECT_EQ(parsed.exit_code, 2);
}

// Regression: --listen 127.0.0.1:70000 bound port 4464 (70000 mod 65536),
// and "8080x" bound 8080.
TEST(ServerOptionsTest, AListenPortOutsideZeroTo65535OrWithJunkIsRefused) {
  std::string error;
  for (const char* bad : {"127.0.0.1:70000", "127.0.0.1:65536", "127.0.0.1:8080x", "127.0.0.1:", "127.0.0.1:-1",
                          "localhost:8080", "8080", "[::1]:99999"}) {
    EXPECT_FALSE(server::parse_listen(bad, &error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  auto v4 = server::parse_listen("0.0.0.0:65535", &error);
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->port, 65535);
  EXPECT_EQ(v4->host, "0.0.0.0");
  auto v6 = server::parse_listen("[::1]:0", &error);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->address, "::1");
  EXPECT_EQ(v6->host, "[::1]");
  EXPECT_EQ(v6->port, 0);

  std::vector<std::string> args = {"kenes-server", "--listen", "127.0.0.1:70000"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  auto parsed = server::parse_server_options(static_cast<int>(argv.size()), argv.data());
  EXPECT_FALSE(parsed.options);
  EXPECT_EQ(parsed.exit_code, 2);
}

}  // namespace
}  // namespace kenes::testing

namespace kenes::testing {
namespace {

// The first line an operator reads: version, configuration and what the data
// folder holds, as one JSON object with a stable event name.
TEST(ServerStartupLineTest, TheListeningLineCarriesVersionConfigAndDataHealth) {
  TempDir dir;
  const uint16_t port = free_loopback_port();
  const std::filesystem::path log_path = dir.path() / "server.log";
  ServerProcess p(KENES_SERVER_BINARY,
                  {"--listen", "127.0.0.1:" + std::to_string(port), "--data-dir", (dir.path() / "data").string(),
                   "--durability", "wal", "--threads", "3", "--max-connections", "777", "--demo"},
                  log_path);
  std::string why;
  ASSERT_TRUE(p.start_and_wait_ready(port, &why)) << why;
  HttpReply version = http_get(port, "/version");
  p.signal(SIGTERM);
  ASSERT_TRUE(p.wait_exit(std::chrono::seconds(20)));

  std::ifstream in(log_path);
  std::optional<boost::json::object> listening;
  std::string raw;
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"event\":\"listening\"") == std::string::npos) continue;
    listening = boost::json::parse(line).as_object();
    raw = line;
  }
  ASSERT_TRUE(listening) << p.log_tail();
  auto& l = *listening;
  auto str = [&](const char* k) { return l.contains(k) ? boost::json::value_to<std::string>(l.at(k)) : "<missing>"; };
  EXPECT_EQ(str("version"), server::kVersion);
  EXPECT_NE(version.body.find(server::kVersion), std::string::npos) << version.body;
  EXPECT_EQ(str("listen"), "127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(str("url"), "http://127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(str("durability"), "wal");
  EXPECT_EQ(str("data_dir"), (dir.path() / "data").string());
  EXPECT_EQ(l.at("threads").as_int64(), 3);
  EXPECT_EQ(l.at("tls").as_bool(), false);
  EXPECT_EQ(l.at("max_connections").to_number<uint64_t>(), 777u);
  EXPECT_TRUE(l.contains("max_message_bytes"));
  // A number as written, not std::to_string's "5000.000000".
  EXPECT_NE(raw.find("\"rate_limit\":5000,"), std::string::npos) << raw;
  EXPECT_EQ(l.at("consultations").to_number<uint64_t>(), 1u);
  EXPECT_EQ(str("log_heads").rfind("demo@", 0), 0u) << str("log_heads");
  EXPECT_EQ(str("data_health").rfind("ok", 0), 0u) << str("data_health");
  EXPECT_EQ(str("secret_key"), "created");
}

// A port still held (by the previous instance, say) is worth retrying, a bad
// configuration is not: the exit status tells systemd which
// (packaging/kenes-server.service, RestartPreventExitStatus=1 2).
TEST(ServerStartupLineTest, ABusyPortExitsWithThreeAndABadDataFolderWithOne) {
  TempDir dir;
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor holder(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const uint16_t busy = holder.local_endpoint().port();
  ServerProcess p(KENES_SERVER_BINARY,
                  {"--listen", "127.0.0.1:" + std::to_string(busy), "--data-dir", (dir.path() / "data").string()},
                  dir.path() / "busy.log");
  std::string why;
  EXPECT_FALSE(p.start_and_wait_ready(free_loopback_port(), &why, std::chrono::seconds(10)));
  auto status = p.wait_exit(std::chrono::seconds(10));
  ASSERT_TRUE(status);
  EXPECT_EQ(WEXITSTATUS(*status), 3) << p.log_tail();
  EXPECT_NE(p.log_tail().find("cannot listen on"), std::string::npos) << p.log_tail();

  // A data folder that is a file: exit 1, whatever the port.
  { std::ofstream(dir.path() / "not-a-folder") << "x"; }
  const uint16_t port = free_loopback_port();
  ServerProcess bad(KENES_SERVER_BINARY,
                    {"--listen", "127.0.0.1:" + std::to_string(port), "--data-dir",
                     (dir.path() / "not-a-folder").string()},
                    dir.path() / "bad.log");
  EXPECT_FALSE(bad.start_and_wait_ready(port, &why, std::chrono::seconds(10)));
  status = bad.wait_exit(std::chrono::seconds(10));
  ASSERT_TRUE(status);
  EXPECT_EQ(WEXITSTATUS(*status), 1) << bad.log_tail();
}

TEST(ServerStartupLineTest, VersionFlagPrintsTheVersion) {
  TempDir dir;
  ServerProcess p(KENES_SERVER_BINARY, {"--version"}, dir.path() / "out.log");
  std::string why;
  EXPECT_FALSE(p.start_and_wait_ready(free_loopback_port(), &why, std::chrono::seconds(5)));
  auto status = p.wait_exit(std::chrono::seconds(5));
  ASSERT_TRUE(status);
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  EXPECT_NE(p.log_tail().find(std::string("kenes-server ") + server::kVersion), std::string::npos) << p.log_tail();
}

}  // namespace
}  // namespace kenes::testing
