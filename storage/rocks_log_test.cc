// RocksLog beyond the shared contract: the data folder, the disk, the format
// marker, read-only views.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include "storage/rocks_log.h"
#include "storage/rocks_log_testing.h"
#include "storage/test_support.h"

namespace kenes::storage {
namespace {

using testing::ChildProcess;
using testing::TempDir;

Entry entry(std::string payload) { return Entry{std::move(payload), std::nullopt}; }

TEST(RocksLogTest, SecondOpenInTheSameProcessIsBusy) {
  TempDir dir;
  auto first = RocksLog::open(dir.sub("log"));
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  auto second = RocksLog::open(dir.sub("log"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kBusy);
  EXPECT_NE(second.status().message().find("already in use"), std::string::npos) << second.status().message();
}

TEST(RocksLogTest, FolderHeldByAnotherProcessIsBusyButReadableThroughAView) {
  TempDir dir;
  ChildProcess writer({KENES_CRASH_CHILD, "--dir", dir.sub("log"), "--threads", "1"});
  ASSERT_TRUE(writer.wait_for_line([](const std::string& l) { return l.rfind("ack", 0) == 0; },
                                   std::chrono::seconds(10)));
  auto opened = RocksLog::open(dir.sub("log"));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kBusy);
  EXPECT_NE(opened.status().message().find("already in use by another process"), std::string::npos)
      << opened.status().message();

  RocksLogOptions view_options;
  view_options.read_only = true;
  auto view = RocksLog::open(dir.sub("log"), view_options);
  ASSERT_TRUE(view.ok()) << view.status().to_string();
  std::uint64_t seen = (*view)->head("crash")->seq;
  EXPECT_GT(seen, 0u);
  EXPECT_EQ((*view)->append("crash", {entry("x")}).status().code(), Code::kNotSupported);
  EXPECT_EQ((*view)->write_snapshots("crash", 1, {}).code(), Code::kNotSupported);
  // The view stands still until it catches up.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ((*view)->head("crash")->seq, seen);
  ASSERT_TRUE((*view)->catch_up().ok());
  EXPECT_GT((*view)->head("crash")->seq, seen);
  VerifyReport report;
  EXPECT_TRUE((*view)->verify("crash", &report).ok());
}

TEST(RocksLogTest, ReadOnlyViewOfAMissingLogIsNotFound) {
  TempDir dir;
  RocksLogOptions options;
  options.read_only = true;
  EXPECT_EQ(RocksLog::open(dir.sub("nothing"), options).status().code(), Code::kNotFound);
  options.read_only = false;
  options.create_if_missing = false;
  EXPECT_EQ(RocksLog::open(dir.sub("nothing"), options).status().code(), Code::kNotFound);
}

// Opens the log as an unprivileged user (root ignores permissions) in a
// child process and reports the status code and message on a pipe.
std::pair<int, std::string> open_as_nobody(const std::string& path) {
  int fds[2];
  if (::pipe(fds) != 0) return {-1, "pipe"};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) std::_Exit(3);
    auto opened = RocksLog::open(path);
    std::string out = std::to_string(static_cast<int>(opened.ok() ? Code::kOk : opened.status().code())) + " " +
                      opened.status().message();
    ssize_t ignored = ::write(fds[1], out.data(), out.size());
    (void)ignored;
    std::_Exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, n);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (out.empty()) return {-1, "child status " + std::to_string(status)};
  auto space = out.find(' ');
  return {std::stoi(out.substr(0, space)), out.substr(space + 1)};
}

TEST(RocksLogTest, ReadOnlyFolderGivesAClearErrorAtOpen) {
  TempDir dir;
  std::string parent = dir.sub("readonly");
  std::filesystem::create_directories(parent);
  ::chmod(dir.path().c_str(), 0755);
  ::chmod(parent.c_str(), 0555);
  auto [code, message] = open_as_nobody(parent + "/log");
  EXPECT_EQ(code, static_cast<int>(Code::kIoError)) << message;
  EXPECT_NE(message.find("Permission denied"), std::string::npos) << message;
  EXPECT_NE(message.find(parent), std::string::npos) << message;

  // An existing log whose folder became read-only.
  std::string existing = dir.sub("existing");
  {
    auto log = RocksLog::open(existing);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->append("c1", {entry("x")}).ok());
  }
  for (const auto& f : std::filesystem::directory_iterator(existing)) ::chmod(f.path().c_str(), 0444);
  ::chmod(existing.c_str(), 0555);
  std::tie(code, message) = open_as_nobody(existing);
  EXPECT_EQ(code, static_cast<int>(Code::kIoError)) << message;
  EXPECT_NE(message.find("Permission denied"), std::string::npos) << message;
  ::chmod(existing.c_str(), 0755);
  ::chmod(parent.c_str(), 0755);
}

// A file system whose write-ahead log files start failing on demand, like a
// disk that filled up or went away.
class FailingWalFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FailingWalFile(std::unique_ptr<rocksdb::FSWritableFile>&& file, std::atomic<bool>* fail)
      : FSWritableFileOwnerWrapper(std::move(file)), fail_(fail) {}
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           rocksdb::IODebugContext* d) override {
    if (*fail_) return rocksdb::IOStatus::NoSpace("injected", "no space left on device");
    return target()->Append(data, o, d);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           const rocksdb::DataVerificationInfo& v, rocksdb::IODebugContext* d) override {
    if (*fail_) return rocksdb::IOStatus::NoSpace("injected", "no space left on device");
    return target()->Append(data, o, v, d);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (*fail_) return rocksdb::IOStatus::IOError("injected", "fsync failed");
    return target()->Sync(o, d);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (*fail_) return rocksdb::IOStatus::IOError("injected", "fsync failed");
    return target()->Fsync(o, d);
  }

 private:
  std::atomic<bool>* fail_;
};

class FailingWalFs : public rocksdb::FileSystemWrapper {
 public:
  FailingWalFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FailingWalFs"; }
  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* d) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, o, result, d);
    if (s.ok() && name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0) {
      *result = std::make_unique<FailingWalFile>(std::move(*result), &fail);
    }
    return s;
  }
  std::atomic<bool> fail{false};
};

TEST(RocksLogTest, DiskErrorIsStickyUnacknowledgedAndLeavesNoPartialBatch) {
  TempDir dir;
  auto fs = std::make_shared<FailingWalFs>();
  auto env = rocksdb::NewCompositeEnv(fs);
  Head before;
  {
    auto log = testing::open_rocks_log_with_env(dir.sub("log"), {}, env.get());
    ASSERT_TRUE(log.ok()) << log.status().to_string();
    ASSERT_TRUE((*log)->append("c1", {entry("a"), entry("b")}).ok());
    before = *(*log)->head("c1");

    fs->fail = true;
    auto failed = (*log)->append("c1", {entry("c"), entry("d"), entry("e")});
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.status().code(), Code::kIoError) << failed.status().to_string();
    EXPECT_EQ((*log)->health().code(), Code::kIoError);
    EXPECT_EQ((*log)->head("c1")->seq, 2u);
    EXPECT_EQ((*log)->read("c1", 1, 10)->size(), 2u);

    fs->fail = false;  // the disk recovers; the log still refuses to guess
    auto refused = (*log)->append("c1", {entry("f")});
    EXPECT_EQ(refused.status().code(), Code::kFailed);
    EXPECT_NE(refused.status().message().find("injected"), std::string::npos) << refused.status().message();
  }
  auto reopened = RocksLog::open(dir.sub("log"));
  ASSERT_TRUE(reopened.ok()) << reopened.status().to_string();
  VerifyReport report;
  ASSERT_TRUE((*reopened)->verify("c1", &report).ok());
  // All or nothing: the unacknowledged batch is either wholly absent or (had
  // its bytes reached the file before the failure) wholly present.
  EXPECT_TRUE(report.head.seq == 2 || report.head.seq == 5) << report.head.seq;
  EXPECT_EQ((*reopened)->read("c1", 1, 10)->front().hash, (*(*reopened)->read("c1", 1, 1)).front().hash);
  auto next = (*reopened)->append("c1", {entry("g")});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->first_seq, report.head.seq + 1);
  (void)before;
}

TEST(RocksLogTest, AfterARefusalBeforeRocksDbWritesResumeAndTheChainGoesOnFromTheDurableHead) {
  TempDir dir;
  auto log = RocksLog::open(dir.sub("log"));
  ASSERT_TRUE(log.ok()) << log.status().to_string();
  ASSERT_TRUE((*log)->append("c1", {entry("a"), entry("b")}).ok());
  EXPECT_TRUE((*log)->resume_writes().ok()) << "healthy: nothing to resume";

  // As the disk-space reserve does: refused before RocksDB sees the batch.
  std::atomic<bool> full{true};
  (*log)->set_write_fault_for_testing([&] {
    return full ? Status(Code::kIoError, "disk nearly full (injected)") : Status();
  });
  EXPECT_EQ((*log)->append("c1", {entry("c")}).status().code(), Code::kIoError);
  EXPECT_EQ((*log)->append("c1", {entry("d")}).status().code(), Code::kFailed);
  EXPECT_FALSE((*log)->health().ok());

  full = false;
  ASSERT_TRUE((*log)->resume_writes().ok());
  EXPECT_TRUE((*log)->health().ok());
  auto next = (*log)->append("c1", {entry("e")});
  ASSERT_TRUE(next.ok()) << next.status().to_string();
  EXPECT_EQ(next->first_seq, 3u) << "the refused appends took no seq";
  auto records = (*log)->read("c1", 1, 10);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ(records->back().payload, "e");
  VerifyReport report;
  EXPECT_TRUE((*log)->verify("c1", &report).ok()) << "the chain must go on from b, not from the refused c or d";
}

TEST(RocksLogTest, AfterAWriteFailedInsideRocksDbOnlyARestartResumes) {
  TempDir dir;
  auto fs = std::make_shared<FailingWalFs>();
  auto env = rocksdb::NewCompositeEnv(fs);
  auto log = testing::open_rocks_log_with_env(dir.sub("log"), {}, env.get());
  ASSERT_TRUE(log.ok()) << log.status().to_string();
  ASSERT_TRUE((*log)->append("c1", {entry("a")}).ok());
  fs->fail = true;
  ASSERT_FALSE((*log)->append("c1", {entry("b")}).ok());
  fs->fail = false;
  Status resumed = (*log)->resume_writes();
  EXPECT_EQ(resumed.code(), Code::kFailed);
  EXPECT_NE(resumed.message().find("restart"), std::string::npos) << resumed.message();
  EXPECT_FALSE((*log)->health().ok());
}

TEST(RocksLogTest, VerifyOnOpenRefusesACorruptLogAndSaysWhere) {
  TempDir dir;
  {
    auto log = RocksLog::open(dir.sub("log"));
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE((*log)->append("c1", {entry("r" + std::to_string(i))}).ok());
  }
  ASSERT_TRUE(testing::write_raw_log_entry(dir.sub("log"), log_key("c1", 3), std::nullopt).ok());
  RocksLogOptions options;
  options.verify_on_open = true;
  auto refused = RocksLog::open(dir.sub("log"), options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kCorruption);
  EXPECT_NE(refused.status().message().find("seq 3 is missing"), std::string::npos) << refused.status().message();
  // Told explicitly (no verification at open), it opens, and verify names the gap.
  auto opened = RocksLog::open(dir.sub("log"));
  ASSERT_TRUE(opened.ok());
  VerifyReport report;
  EXPECT_EQ((*opened)->verify("c1", &report).code(), Code::kCorruption);
  EXPECT_EQ(report.first_break->seq, 3u);
}

TEST(RocksLogTest, DurabilityNoneKeepsRecordsAcrossACleanClose) {
  TempDir dir;
  RocksLogOptions options;
  options.durability = Durability::kNone;
  {
    auto log = RocksLog::open(dir.sub("log"), options);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->append("c1", {entry("a"), entry("b")}).ok());
  }
  auto log = RocksLog::open(dir.sub("log"));
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->head("c1")->seq, 2u);
}

TEST(RocksLogTest, DatabaseStatsNameTheFormatAndTheLastWriter) {
  TempDir dir;
  RocksLogOptions options;
  options.durability = Durability::kWal;
  auto log = RocksLog::open(dir.sub("log"), options);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->append("c1", {entry("a")}).ok());
  auto stats = (*log)->database_stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->format, "kenes-log 1");
  EXPECT_NE(stats->last_open.find("durability=wal"), std::string::npos) << stats->last_open;
  EXPECT_GT(stats->wal_bytes, 0u);
}

TEST(RocksLogTest, DurabilityNamesParse) {
  EXPECT_EQ(parse_durability("fsync"), Durability::kFsync);
  EXPECT_EQ(parse_durability("wal"), Durability::kWal);
  EXPECT_EQ(parse_durability("none"), Durability::kNone);
  EXPECT_EQ(parse_durability("FSYNC"), std::nullopt);
  EXPECT_EQ(durability_name(Durability::kWal), "wal");
}

}  // namespace
}  // namespace kenes::storage
