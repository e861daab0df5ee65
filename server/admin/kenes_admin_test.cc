// kenes-admin, run as the operator runs it: the real binary on real data
// folders, some of them being written by another process at the same time.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine/text_op.h"
#include "kenes/v1/log.pb.h"
#include "kenes_client.h"
#include "logger.h"
#include "server.h"
#include "storage/rocks_log.h"
#include "storage/rocks_log_testing.h"
#include "storage/test_support.h"

namespace kenes::admin {
namespace {

using storage::testing::ChildProcess;
using storage::testing::TempDir;

struct AdminRun {
  int exit_code;
  std::string output;  // stdout and stderr together
};

AdminRun admin(const std::string& args) {
  std::string command = std::string(KENES_ADMIN) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string record(const std::string& author, std::uint64_t client_seq) {
  kenes::v1::LogRecord r;
  r.set_time_unix_ms(1767225600000);
  r.set_author(author);
  r.set_client_id("client-" + author);
  r.set_client_seq(client_seq);
  r.mutable_text_edit()->set_doc_id("indicator/R.1.1");
  r.mutable_text_edit()->set_version(client_seq);
  return r.SerializeAsString();
}

// A data folder with two consultations of real LogRecords.
class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = storage::RocksLog::open(log_path());
    ASSERT_TRUE(log.ok()) << log.status().to_string();
    for (int i = 1; i <= 12; ++i) {
      ASSERT_TRUE((*log)->append("kz-2026", {storage::Entry{record("aigerim", i), storage::ClientKey{"c1", (std::uint64_t)i}}}).ok());
    }
    auto last = (*log)->append("demo", {storage::Entry{record("chair", 1), std::nullopt}});
    ASSERT_TRUE(last.ok());
    ASSERT_TRUE((*log)->write_snapshots("kz-2026", 10, {{"indicator/R.1.1", 10, "state"}}).ok());
    kz_head_ = *(*log)->head("kz-2026");
  }
  std::string data() const { return dir_.sub("data"); }
  std::string log_path() const { return dir_.sub("data/log"); }

  TempDir dir_;
  storage::Head kz_head_;
};

TEST_F(AdminTest, EveryCommandPrintsItsHelp) {
  AdminRun top = admin("--help");
  EXPECT_EQ(top.exit_code, 0);
  for (const char* c : {"verify", "dump", "backup", "restore", "stats", "repair", "create-consultation", "invite",
                        "check-framework", "export"}) {
    EXPECT_NE(top.output.find(c), std::string::npos) << c;
    AdminRun help = admin(std::string(c) + " --help");
    EXPECT_EQ(help.exit_code, 0) << c;
    EXPECT_NE(help.output.find("usage: kenes-admin " + std::string(c)), std::string::npos) << help.output;
  }
}

TEST_F(AdminTest, UnknownCommandsAndOptionsAreUsageErrors) {
  EXPECT_EQ(admin("frobnicate").exit_code, 2);
  EXPECT_EQ(admin("").exit_code, 2);
  AdminRun bad = admin("verify --no-such-option");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("no-such-option"), std::string::npos) << bad.output;
  EXPECT_EQ(admin("dump --data-dir " + data()).exit_code, 2);  // --consultation is required
}

TEST_F(AdminTest, MissingDataFolderIsAClearError) {
  AdminRun r = admin("verify --data-dir " + dir_.sub("elsewhere"));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("no log in"), std::string::npos) << r.output;
}

TEST_F(AdminTest, VerifyPrintsTheHeadOfEveryConsultation) {
  AdminRun r = admin("verify --data-dir " + data());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("consultation kz-2026: ok: 12 records, head seq 12 sha256 " + storage::to_hex(kz_head_.hash)),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("consultation demo: ok: 1 records"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2 ok, 0 with problems"), std::string::npos) << r.output;

  AdminRun attested = admin("verify --data-dir " + data() + " --consultation kz-2026 --expect-head 12:" +
                       storage::to_hex(kz_head_.hash));
  EXPECT_EQ(attested.exit_code, 0) << attested.output;
  AdminRun wrong = admin("verify --data-dir " + data() + " --consultation kz-2026 --expect-head 11:" +
                    storage::to_hex(kz_head_.hash));
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
}

TEST_F(AdminTest, VerifyReportsRecordsThatDoNotDecode) {
  {
    auto log = storage::RocksLog::open(log_path());
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->append("kz-2026", {storage::Entry{"\xff\xff not protobuf", std::nullopt}}).ok());
  }
  AdminRun r = admin("verify --data-dir " + data() + " --consultation kz-2026");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("seq 13: payload does not decode as kenes.v1.LogRecord"), std::string::npos) << r.output;
}

TEST_F(AdminTest, VerifyNamesTheFirstBreakAndRepairTruncatesOnlyWhenTold) {
  // Replace record 5 with one that has the right frame shape but other bytes.
  storage::Hash prev;
  {
    auto log = storage::RocksLog::open(log_path());
    ASSERT_TRUE(log.ok());
    prev = (*log)->read("kz-2026", 5, 1)->front().prev_hash;
  }
  ASSERT_TRUE(storage::testing::write_raw_log_entry(log_path(), storage::log_key("kz-2026", 5),
                                                    storage::encode_frame(5, prev, record("mallory", 5)))
                  .ok());
  AdminRun v = admin("verify --data-dir " + data());
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find("consultation kz-2026: CORRUPT: chain break at seq 5"), std::string::npos) << v.output;
  EXPECT_NE(v.output.find("records 1..4 verify"), std::string::npos) << v.output;
  EXPECT_NE(v.output.find("consultation demo: ok"), std::string::npos) << v.output;

  AdminRun needs_intent = admin("repair --data-dir " + data() + " --consultation kz-2026");
  EXPECT_EQ(needs_intent.exit_code, 2) << needs_intent.output;
  AdminRun dry = admin("repair --data-dir " + data() + " --consultation kz-2026 --truncate-after-corruption");
  EXPECT_EQ(dry.exit_code, 1) << dry.output;
  EXPECT_NE(dry.output.find("8 records (key seqs 5..12)"), std::string::npos) << dry.output;
  EXPECT_NE(dry.output.find("dry run: nothing changed"), std::string::npos) << dry.output;
  EXPECT_EQ(admin("verify --data-dir " + data() + " --consultation kz-2026").exit_code, 1);

  std::string saved = dir_.sub("dropped.jsonl");
  AdminRun done = admin("repair --data-dir " + data() + " --consultation kz-2026 --truncate-after-corruption --yes --save-dropped " + saved);
  EXPECT_EQ(done.exit_code, 0) << done.output;
  EXPECT_NE(done.output.find("WARNING: removing 8 records"), std::string::npos) << done.output;
  EXPECT_EQ(lines_of(admin("dump --data-dir " + data() + " --consultation kz-2026").output).size(), 4u);
  std::ifstream in(saved);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(boost::json::parse(first).at("key_seq").as_int64(), 5);
  EXPECT_EQ(admin("verify --data-dir " + data()).exit_code, 0);
  AdminRun stats = admin("stats --data-dir " + data());
  EXPECT_NE(stats.output.find("repaired: repair at unix ms"), std::string::npos) << stats.output;
}

TEST_F(AdminTest, DumpPrintsJsonLinesWithTheFrameFields) {
  AdminRun r = admin("dump --data-dir " + data() + " --consultation kz-2026 --from 3 --limit 4");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto lines = lines_of(r.output);
  ASSERT_EQ(lines.size(), 4u);
  std::string prev;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto obj = boost::json::parse(lines[i]).as_object();
    EXPECT_EQ(boost::json::value_to<std::uint64_t>(obj.at("seq")), 3 + i);
    EXPECT_EQ(obj.at("hash").as_string().size(), 64u);
    if (!prev.empty()) {
      EXPECT_EQ(obj.at("prev_hash").as_string(), prev);
    }
    prev = obj.at("hash").as_string().c_str();
    EXPECT_EQ(obj.at("author").as_string(), "aigerim");
    EXPECT_EQ(obj.at("text_edit").at("doc_id").as_string(), "indicator/R.1.1");
  }
  auto last = boost::json::parse(lines_of(admin("dump -d " + data() + " -c kz-2026 --from 12").output).at(0));
  EXPECT_EQ(last.at("hash").as_string(), storage::to_hex(kz_head_.hash));
}

TEST_F(AdminTest, StatsCountRecordsAndSnapshots) {
  AdminRun r = admin("stats --data-dir " + data() + " --json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto obj = boost::json::parse(r.output).as_object();
  EXPECT_EQ(boost::json::value_to<std::uint64_t>(obj.at("records")), 13u);
  EXPECT_EQ(obj.at("format").as_string(), "kenes-log 1");
  auto& list = obj.at("consultations").as_array();
  ASSERT_EQ(list.size(), 2u);
  auto& kz = list[1].as_object();
  EXPECT_EQ(kz.at("consultation").as_string(), "kz-2026");
  EXPECT_EQ(boost::json::value_to<std::uint64_t>(kz.at("client_keys")), 12u);
  EXPECT_EQ(boost::json::value_to<std::uint64_t>(kz.at("snapshot_entries")), 1u);
  EXPECT_EQ(boost::json::value_to<std::uint64_t>(kz.at("snapshot_covered_seq")), 10u);
  AdminRun text = admin("stats --data-dir " + data());
  EXPECT_NE(text.output.find("2 consultations, 13 records"), std::string::npos) << text.output;
}

TEST_F(AdminTest, RestoreRefusesADataFolderThatHasALog) {
  ASSERT_EQ(admin("backup --data-dir " + data() + " --to " + dir_.sub("backup")).exit_code, 0);
  AdminRun r = admin("restore --from " + dir_.sub("backup") + " --data-dir " + data());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("not empty"), std::string::npos) << r.output;
  AdminRun again = admin("backup --data-dir " + data() + " --to " + dir_.sub("backup"));
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("not empty"), std::string::npos) << again.output;
}

TEST(AdminBackupTest, BackupWhileAnotherProcessAppendsRestoresIntoAnEmptyDataFolder) {
  TempDir dir;
  std::string data = dir.sub("data");
  ChildProcess writer({KENES_CRASH_CHILD, "--dir", data + "/log", "--threads", "4"});
  ASSERT_TRUE(writer.wait_for_line([](const std::string& l) { return l.rfind("ack", 0) == 0; },
                                   std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  // The writer holds the folder: a writing command is refused, clearly.
  AdminRun busy = admin("repair --data-dir " + data + " --consultation crash --truncate-after-corruption");
  EXPECT_EQ(busy.exit_code, 3) << busy.output;
  EXPECT_NE(busy.output.find("already in use by another process"), std::string::npos) << busy.output;

  std::size_t before = writer.line_count();
  AdminRun backup = admin("backup --data-dir " + data + " --to " + dir.sub("backup"));
  std::size_t after = writer.line_count();
  EXPECT_EQ(backup.exit_code, 0) << backup.output;
  EXPECT_NE(backup.output.find("crash: head seq"), std::string::npos) << backup.output;
  AdminRun live = admin("verify --data-dir " + data);  // read-only commands work during writes too
  EXPECT_EQ(live.exit_code, 0) << live.output;
  writer.kill_now();
  writer.wait();
  EXPECT_GT(after, before) << "the writer should have kept appending during the backup";

  AdminRun restore = admin("restore --from " + dir.sub("backup") + " --data-dir " + dir.sub("restored"));
  EXPECT_EQ(restore.exit_code, 0) << restore.output;
  AdminRun verify = admin("verify --data-dir " + dir.sub("restored"));
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  // Same head as the backup announced.
  auto head_line = backup.output.substr(backup.output.find("crash: head "));
  std::string head = head_line.substr(std::string("crash: head ").size(), head_line.find('\n') - std::string("crash: head ").size());
  EXPECT_NE(verify.output.find("head " + head), std::string::npos) << verify.output << "\n" << head;
}

// ------------------------------------------------ create-consultation, invite

// The first line of `output` holding an invite link, and the token in it.
std::string link_in(const std::string& output) {
  for (const auto& line : lines_of(output)) {
    if (line.find("/join#token=") != std::string::npos) return line;
  }
  return {};
}
std::string token_in(const std::string& link) {
  auto at = link.find("#token=");
  return at == std::string::npos ? std::string() : link.substr(at + 7);
}

// kenes-server, in this process, on a data folder, until the object goes.
class RunningServer {
 public:
  explicit RunningServer(const std::string& data_dir) {
    server::ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.data_dir = data_dir;
    o.web_root = data_dir + "/web";
    o.threads = 1;
    server::set_min_log_level(server::LogLevel::kError);
    server_ = std::make_unique<server::Server>(o);
    error_ = server_->open();
    if (error_.empty()) thread_ = std::thread([this] { server_->run(); });
  }
  ~RunningServer() {
    if (thread_.joinable()) {
      server_->stop();
      thread_.join();
    }
  }
  const std::string& error() const { return error_; }
  uint16_t port() const { return server_->port(); }

 private:
  std::unique_ptr<server::Server> server_;
  std::string error_;
  std::thread thread_;
};

// What a participant opening an invite link gets: live with a Welcome, and
// (if they try) an acknowledged edit — or the error that stopped them.
struct Visit {
  bool live = false;
  kenes::v1::Welcome welcome;
  bool edit_acknowledged = false;
  std::string error;
};

Visit visit(uint16_t port, const std::string& token, const std::string& consultation, bool edit) {
  boost::asio::io_context io;
  client::ClientOptions o;
  o.port = port;
  o.token = token;
  o.consultation_id = consultation;
  o.auto_reconnect = false;
  auto c = std::make_shared<client::KenesClient>(io, o);
  client::KenesClient* raw = c.get();
  Visit v;
  raw->on_live = [&] {
    v.live = true;
    v.welcome = raw->welcome();
    if (!edit) return io.stop();
    engine::TextOp op;
    op.insert("First words of the draft.");
    if (!raw->local_edit("indicator/R.1", op).ok()) io.stop();
  };
  raw->on_ack = [&](const std::string&, uint64_t, uint64_t) {
    v.edit_acknowledged = true;
    io.stop();
  };
  raw->on_error = [&](const kenes::v1::Error& e) {
    v.error = kenes::v1::ErrorCode_Name(e.code()) + ": " + e.message();
    io.stop();
  };
  raw->on_closed = [&](const std::string& why) {
    if (v.error.empty()) v.error = "closed: " + why;
    io.stop();
  };
  raw->connect();
  io.run_for(std::chrono::seconds(10));
  raw->close();
  return v;
}

constexpr char kSmallFramework[] = R"({"edition": "Test framework 1", "source": "kenes tests",
  "categories": [{"id": "R", "title": "Rights", "themes": [{"id": "R.1", "title": "Policy",
    "questions": [{"id": "R.1.1", "title": "Is there a law?",
      "indicators": [{"id": "R.1.1.a", "title": "A law exists", "core": true, "sources": ["statute"]}]}]}]}]})";

TEST(AdminConsultationTest, CreateConsultationPrintsAChairLinkThatTheStartedServerServes) {
  TempDir dir;
  std::string data = dir.sub("data");
  AdminRun created = admin("create-consultation --data-dir " + data +
                           " --id kz-2026 --title 'Kazakhstan 2026 — ROAM-X' --chair-name 'Aigerim' "
                           "--base-url https://kenes.example.org/");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_NE(created.output.find("created consultation kz-2026"), std::string::npos) << created.output;
  std::string link = link_in(created.output);
  EXPECT_EQ(link.rfind("https://kenes.example.org/join#token=v1.", 0), 0u) << created.output;
  EXPECT_TRUE(std::filesystem::exists(data + "/secret.key"));

  AdminRun verify = admin("verify --data-dir " + data);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("consultation kz-2026: ok: 1 records"), std::string::npos) << verify.output;
  auto first = boost::json::parse(lines_of(admin("dump --data-dir " + data + " --consultation kz-2026").output).at(0));
  EXPECT_EQ(first.at("consultation_created").at("title").as_string(), "Kazakhstan 2026 — ROAM-X") << first;

  RunningServer server(data);
  ASSERT_EQ(server.error(), "");
  Visit chair = visit(server.port(), token_in(link), "kz-2026", /*edit=*/true);
  ASSERT_TRUE(chair.live) << chair.error;
  EXPECT_EQ(chair.welcome.role(), kenes::v1::ROLE_CHAIR);
  EXPECT_EQ(chair.welcome.consultation_id(), "kz-2026");
  EXPECT_EQ(chair.welcome.display_name(), "Aigerim");
  EXPECT_TRUE(chair.edit_acknowledged) << chair.error;
}

TEST(AdminConsultationTest, CreateConsultationRefusesAnExistingIdAndABadFramework) {
  TempDir dir;
  std::string data = dir.sub("data");
  std::ofstream(dir.sub("framework.json")) << kSmallFramework;
  AdminRun with_file = admin("create-consultation -d " + data + " --id small --title Small --framework " +
                             dir.sub("framework.json"));
  ASSERT_EQ(with_file.exit_code, 0) << with_file.output;
  EXPECT_NE(with_file.output.find("framework Test framework 1, 1 categories, 1 themes, 1 questions, 1 indicators (1 "
                                  "core); scope all: 1 indicators"),
            std::string::npos)
      << with_file.output;

  AdminRun again = admin("create-consultation -d " + data + " --id small --title 'Small again'");
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_NE(again.output.find("consultation small already exists"), std::string::npos) << again.output;
  EXPECT_NE(admin("verify -d " + data).output.find("consultation small: ok: 1 records"), std::string::npos);

  std::ofstream(dir.sub("broken.json")) << "{\"edition\": ";
  AdminRun broken = admin("create-consultation -d " + data + " --id other --title Other --framework " +
                          dir.sub("broken.json"));
  EXPECT_EQ(broken.exit_code, 1) << broken.output;
  EXPECT_NE(broken.output.find("broken.json: line 1, column 13: not valid JSON"), std::string::npos) << broken.output;
  EXPECT_NE(broken.output.find("broken.json: 1 error in this JSON file; nothing was loaded"), std::string::npos)
      << broken.output;
  AdminRun missing = admin("create-consultation -d " + data + " --id other --title Other --framework " +
                           dir.sub("nowhere.json"));
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
  EXPECT_EQ(admin("create-consultation -d " + data + " --id 'bad id' --title X").exit_code, 2);
  EXPECT_EQ(admin("create-consultation -d " + data + " --title 'No id'").exit_code, 2);
  EXPECT_EQ(admin("verify -d " + data).output.find("consultation other"), std::string::npos)
      << "a refused create must leave nothing behind";
}

TEST(AdminConsultationTest, CreateConsultationLoadsACsvFrameworkWithCoreScope) {
  TempDir dir;
  std::string data = dir.sub("data");
  AdminRun created = admin("create-consultation -d " + data + " --id core-only --title Core --scope core --framework " +
                           std::string(KENES_SOURCE_DIR) + "/consultation/frameworks/roamx-2019-sample.csv");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_NE(created.output.find("scope core: 8 indicators"), std::string::npos) << created.output;
  auto first = boost::json::parse(lines_of(admin("dump -d " + data + " --consultation core-only").output).at(0));
  EXPECT_EQ(first.at("consultation_created").at("scope").as_string(), "SCOPE_CORE") << first;
  EXPECT_EQ(first.at("consultation_created").at("framework").at("categories").as_array().size(), 6u) << first;

  EXPECT_EQ(admin("create-consultation -d " + data + " --id x --title X --scope some").exit_code, 2);
  std::ofstream(dir.sub("no-core.csv")) << "edition,E\ncategory_id,category_title,theme_id,theme_title,question_id,"
                                           "question_title,indicator_id,indicator_title,core,sources\n"
                                           "R,Rights,R.A,T,R.A.1,Q,R.1,One,no,\n";
  AdminRun no_core = admin("create-consultation -d " + data + " --id x --title X --scope core --framework " +
                           dir.sub("no-core.csv"));
  EXPECT_EQ(no_core.exit_code, 2) << no_core.output;
  EXPECT_NE(no_core.output.find("the framework has no core indicators"), std::string::npos) << no_core.output;
}

TEST(AdminConsultationTest, ABadFrameworkFileCreatesNothingNotEvenTheDataFolder) {
  TempDir dir;
  std::string data = dir.sub("data");
  AdminRun r = admin("create-consultation -d " + data + " --id kz --title KZ --framework " +
                     std::string(KENES_SOURCE_DIR) + "/tests/frameworks/bad/csv_many_problems.csv");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("csv_many_problems.csv: line 6, column indicator_id: duplicate indicator id \"R.1\" "
                          "(first at line 4)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("15 errors in this CSV file; nothing was loaded"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(data));
}

TEST(AdminConsultationTest, CheckFrameworkPrintsCountsOrEveryError) {
  for (const char* sample : {"roamx-2019-sample.json", "roamx-2019-sample.csv"}) {
    AdminRun ok = admin("check-framework " + std::string(KENES_SOURCE_DIR) + "/consultation/frameworks/" + sample);
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    EXPECT_NE(ok.output.find("6 categories, 31 themes, 9 questions, 9 indicators (8 core)"), std::string::npos)
        << ok.output;
    EXPECT_NE(ok.output.find("  R Rights: 6 themes, 3 questions, 3 indicators (3 core)"), std::string::npos)
        << ok.output;
  }
  AdminRun bad = admin("check-framework " + std::string(KENES_SOURCE_DIR) + "/tests/frameworks/bad/json_many_problems.json");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("json_many_problems.json: categories[0].themes[0].questions[0].indicators[1].id: empty id"),
            std::string::npos)
      << bad.output;
  // Its unknown "score" field is kept as an extra value with a warning, not an error (issue 19).
  EXPECT_NE(bad.output.find("18 errors in this JSON file; nothing was loaded"), std::string::npos) << bad.output;
  EXPECT_EQ(admin("check-framework").exit_code, 2);
  EXPECT_EQ(admin("check-framework /nonexistent/framework.json").exit_code, 3);
}

TEST(AdminConsultationTest, CreateConsultationRefusesWhileTheServerHoldsTheFolder) {
  TempDir dir;
  std::string data = dir.sub("data");
  RunningServer server(data);
  ASSERT_EQ(server.error(), "");
  AdminRun r = admin("create-consultation --data-dir " + data + " --id late --title Late");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("in use by another process (is kenes-server running on this folder?)"), std::string::npos)
      << r.output;
  EXPECT_EQ(link_in(r.output), "");
}

TEST(AdminConsultationTest, InviteWorksWhileTheServerRunsAndItsLinkAdmitsThatRole) {
  TempDir dir;
  std::string data = dir.sub("data");
  ASSERT_EQ(admin("create-consultation -d " + data + " --id kz-2026 --title KZ").exit_code, 0);
  RunningServer server(data);
  ASSERT_EQ(server.error(), "");

  AdminRun observer = admin("invite -d " + data + " --consultation kz-2026 --role observer --name 'Әлия Нұрланқызы'");
  ASSERT_EQ(observer.exit_code, 0) << observer.output;
  EXPECT_NE(observer.output.find("(observer, participant observer-"), std::string::npos) << observer.output;
  EXPECT_EQ(link_in(observer.output).rfind("http://127.0.0.1:8080/join#token=", 0), 0u) << observer.output;
  Visit o = visit(server.port(), token_in(link_in(observer.output)), "kz-2026", /*edit=*/false);
  ASSERT_TRUE(o.live) << o.error;
  EXPECT_EQ(o.welcome.role(), kenes::v1::ROLE_OBSERVER);
  EXPECT_EQ(o.welcome.display_name(), "Әлия Нұрланқызы");

  AdminRun researcher = admin("invite -d " + data +
                              " -c kz-2026 --role researcher --name Daniyar --participant daniyar --days 7");
  ASSERT_EQ(researcher.exit_code, 0) << researcher.output;
  Visit r = visit(server.port(), token_in(link_in(researcher.output)), "kz-2026", /*edit=*/true);
  ASSERT_TRUE(r.live) << r.error;
  EXPECT_EQ(r.welcome.participant_id(), "daniyar");
  EXPECT_EQ(r.welcome.role(), kenes::v1::ROLE_RESEARCHER);
  EXPECT_TRUE(r.edit_acknowledged) << r.error;

  // Two links without --participant are two different people.
  AdminRun a = admin("invite -d " + data + " -c kz-2026 --role member --name A");
  AdminRun b = admin("invite -d " + data + " -c kz-2026 --role member --name B");
  Visit va = visit(server.port(), token_in(link_in(a.output)), "kz-2026", false);
  Visit vb = visit(server.port(), token_in(link_in(b.output)), "kz-2026", false);
  ASSERT_TRUE(va.live && vb.live) << va.error << vb.error;
  EXPECT_NE(va.welcome.participant_id(), vb.welcome.participant_id());
}

TEST(AdminConsultationTest, InviteRefusesBadArgumentsAnUnknownConsultationAndAFolderWithoutAKey) {
  TempDir dir;
  std::string data = dir.sub("data");
  AdminRun no_key = admin("invite -d " + data + " -c kz --role member --name X");
  EXPECT_EQ(no_key.exit_code, 3) << no_key.output;
  EXPECT_NE(no_key.output.find("no secret key at"), std::string::npos) << no_key.output;

  ASSERT_EQ(admin("create-consultation -d " + data + " --id kz --title KZ").exit_code, 0);
  AdminRun bad_role = admin("invite -d " + data + " -c kz --role admin --name X");
  EXPECT_EQ(bad_role.exit_code, 2) << bad_role.output;
  EXPECT_NE(bad_role.output.find("--role must be chair, researcher, member or observer"), std::string::npos);
  EXPECT_EQ(admin("invite -d " + data + " -c kz --role member --name ''").exit_code, 2);
  EXPECT_EQ(admin("invite -d " + data + " -c kz --role member --name X --days 0").exit_code, 2);
  EXPECT_EQ(admin("invite -d " + data + " -c kz --role member").exit_code, 2);
  AdminRun unknown = admin("invite -d " + data + " -c elsewhere --role member --name X");
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_NE(unknown.output.find("there is no consultation elsewhere"), std::string::npos) << unknown.output;
  EXPECT_EQ(link_in(unknown.output), "");
}


TEST(AdminExportTest, ExportPrintsTheHeadAndVerifyConfirmsItUntilTheLogDisagrees) {
  TempDir dir;
  std::string data = dir.sub("data");
  ASSERT_EQ(admin("create-consultation -d " + data + " --id kz --title 'KZ <2026>'").exit_code, 0);
  AdminRun exported = admin("export -d " + data + " -c kz -f report.html -o " + dir.sub("report.html"));
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  std::ifstream in(dir.sub("report.html"));
  std::stringstream html;
  html << in.rdbuf();
  EXPECT_NE(html.str().find("<title>KZ &lt;2026&gt;</title>"), std::string::npos) << html.str().substr(0, 400);
  // The command the export prints is the check, and it passes.
  std::string check;
  for (const auto& line : lines_of(exported.output)) {
    if (line.rfind("check it: kenes-admin ", 0) == 0) check = line.substr(std::string("check it: kenes-admin ").size());
  }
  ASSERT_NE(check, "") << exported.output;
  EXPECT_NE(html.str().find(check.substr(check.find("--expect-head"))), std::string::npos);
  AdminRun verified = admin(check + " -d " + data);
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("matches the expected head seq 1"), std::string::npos) << verified.output;
  // A head the log does not hold is reported.
  std::string wrong = check.substr(0, check.size() - 4) + "0000";
  if (wrong == check) wrong = check.substr(0, check.size() - 4) + "1111";
  AdminRun refuted = admin(wrong + " -d " + data);
  EXPECT_EQ(refuted.exit_code, 1) << refuted.output;
  EXPECT_NE(refuted.output.find("not the expected"), std::string::npos) << refuted.output;

  AdminRun md = admin("export -d " + data + " -c kz -f report.md");
  EXPECT_EQ(md.exit_code, 0) << md.output;
  EXPECT_NE(md.output.find("# KZ \\<2026\\>"), std::string::npos) << md.output;
  EXPECT_EQ(admin("export -d " + data + " -c nobody -f report.md").exit_code, 2);
  EXPECT_EQ(admin("export -d " + data + " -c kz -f report.pdf").exit_code, 2);
  AdminRun docx = admin("export -d " + data + " -c kz -f report.docx -o " + dir.sub("r.docx"));
  EXPECT_EQ(docx.exit_code, 0) << docx.output;
  std::ifstream docx_in(dir.sub("r.docx"), std::ios::binary);
  std::string magic(4, '\0');
  docx_in.read(magic.data(), 4);
  EXPECT_EQ(magic, std::string("PK\x03\x04", 4)) << "report.docx is not a ZIP package";
}

TEST(AdminExportTest, LangChoosesTheReportsLanguageAndAnUnknownOneIsRefused) {
  TempDir dir;
  std::string data = dir.sub("data");
  ASSERT_EQ(admin("create-consultation -d " + data + " --id kz --title KZ").exit_code, 0);
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  AdminRun kk = admin("export -d " + data + " -c kz -f report.html --lang kk -o " + dir.sub("kk.html"));
  ASSERT_EQ(kk.exit_code, 0) << kk.output;
  const std::string kk_html = read(dir.sub("kk.html"));
  EXPECT_NE(kk_html.find("<html lang=\"kk\">"), std::string::npos) << kk_html.substr(0, 400);
  EXPECT_NE(kk_html.find("Бағалау есебі"), std::string::npos);
  AdminRun en = admin("export -d " + data + " -c kz -f report.html -o " + dir.sub("en.html"));
  ASSERT_EQ(en.exit_code, 0) << en.output;
  EXPECT_NE(read(dir.sub("en.html")).find("<html lang=\"en\">"), std::string::npos);
  AdminRun ru = admin("export -d " + data + " -c kz -f report.md -l ru");
  EXPECT_EQ(ru.exit_code, 0) << ru.output;
  EXPECT_NE(ru.output.find("Отчёт об оценке"), std::string::npos) << ru.output;
  // The file name the download would carry, so a saved copy can be told apart.
  EXPECT_NE(ru.output.find("kz-seq1-report-ru-publication.md"), std::string::npos) << ru.output;
  AdminRun unknown = admin("export -d " + data + " -c kz -f report.md --lang xx");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("unknown language xx"), std::string::npos) << unknown.output;
}

TEST(AdminExportTest, VariantChoosesThePublicationOrTheWorkingCopyOfTheReportAlone) {
  TempDir dir;
  std::string data = dir.sub("data");
  ASSERT_EQ(admin("create-consultation -d " + data + " --id kz --title KZ").exit_code, 0);
  // Nothing is written yet: the working copy says so, the publication leaves it out.
  AdminRun working = admin("export -d " + data + " -c kz -f report.md --variant working -l kk");
  ASSERT_EQ(working.exit_code, 0) << working.output;
  EXPECT_NE(working.output.find("## Алғысөз\n\n*(әлі жазылмаған)*"), std::string::npos) << working.output;
  EXPECT_NE(working.output.find("kz-seq1-report-kk-working.md"), std::string::npos) << working.output;
  AdminRun published = admin("export -d " + data + " -c kz -f report.md");
  ASSERT_EQ(published.exit_code, 0) << published.output;
  EXPECT_EQ(published.output.find("not written yet"), std::string::npos) << published.output;
  EXPECT_EQ(published.output.find("## Foreword"), std::string::npos) << published.output;
  EXPECT_NE(published.output.find("kz-seq1-report-en-publication.md"), std::string::npos) << published.output;
  EXPECT_EQ(admin("export -d " + data + " -c kz -f report.md --variant PUBLICATION").exit_code, 0);

  // The working copy's head verifies like any export's.
  AdminRun docx = admin("export -d " + data + " -c kz -f report.docx --variant working -o " + dir.sub("w.docx"));
  ASSERT_EQ(docx.exit_code, 0) << docx.output;
  std::string check;
  for (const auto& line : lines_of(docx.output)) {
    if (line.rfind("check it: kenes-admin ", 0) == 0) check = line.substr(std::string("check it: kenes-admin ").size());
  }
  ASSERT_NE(check, "") << docx.output;
  EXPECT_EQ(admin(check + " -d " + data).exit_code, 0);

  AdminRun unknown = admin("export -d " + data + " -c kz -f report.md --variant draft");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("unknown variant draft (use publication or working)"), std::string::npos)
      << unknown.output;
  AdminRun votes = admin("export -d " + data + " -c kz -f votes.csv --variant working");
  EXPECT_EQ(votes.exit_code, 2) << votes.output;
  EXPECT_NE(votes.output.find("--variant is for report.md, report.html and report.docx only, not votes.csv"),
            std::string::npos)
      << votes.output;
}

}  // namespace
}  // namespace kenes::admin
