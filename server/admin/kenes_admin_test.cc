// kenes-admin, run as the operator runs it: the real binary on real data
// folders, some of them being written by another process at the same time.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kenes/v1/log.pb.h"
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
  for (const char* c : {"verify", "dump", "backup", "restore", "stats", "repair"}) {
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
    if (!prev.empty()) EXPECT_EQ(obj.at("prev_hash").as_string(), prev);
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

}  // namespace
}  // namespace kenes::admin
