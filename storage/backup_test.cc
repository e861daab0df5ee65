// Backups of a writable log taken in process, and the rules of restore.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "storage/backup.h"
#include "storage/rocks_log.h"
#include "storage/test_support.h"

namespace kenes::storage {
namespace {

using testing::TempDir;

TEST(BackupTest, BackupUnderConcurrentAppendsRestoresToAVerifiableLog) {
  TempDir dir;
  auto log = RocksLog::open(dir.sub("log"));
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->write_snapshots("c0", 0, {}).ok());
  std::atomic<bool> stop{false};
  std::vector<std::thread> appenders;
  for (int t = 0; t < 3; ++t) {
    appenders.emplace_back([&, t] {
      std::string c = "c" + std::to_string(t);
      for (std::uint64_t i = 1; !stop; ++i) {
        auto r = (*log)->append(c, {Entry{"payload " + std::to_string(i), ClientKey{"k", i}}});
        ASSERT_TRUE(r.ok()) << r.status().to_string();
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto backup = (*log)->backup_to(dir.sub("backup"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop = true;
  for (auto& a : appenders) a.join();
  ASSERT_TRUE(backup.ok()) << backup.status().to_string();
  EXPECT_TRUE(backup->problems.empty());
  ASSERT_EQ(backup->heads.size(), 3u);

  auto manifest = read_backup_manifest(dir.sub("backup"));
  ASSERT_TRUE(manifest.ok()) << manifest.status().to_string();
  EXPECT_EQ(manifest->heads, backup->heads);

  auto restored = restore_backup(dir.sub("backup"), dir.sub("restored/log"));
  ASSERT_TRUE(restored.ok()) << restored.status().to_string();
  auto copy = RocksLog::open(dir.sub("restored/log"));
  ASSERT_TRUE(copy.ok());
  for (const auto& [id, head] : backup->heads) {
    VerifyReport report;
    ASSERT_TRUE((*copy)->verify(id, &report).ok());
    EXPECT_EQ(report.head, head);
    // A prefix of the live log.
    EXPECT_EQ((*log)->read(id, head.seq, 1)->at(0).hash, head.hash);
    EXPECT_EQ(*(*copy)->find_by_client(id, ClientKey{"k", head.seq}), std::optional<std::uint64_t>(head.seq));
  }
}

TEST(BackupTest, BackupRefusesATargetThatIsNotEmpty) {
  TempDir dir;
  auto log = RocksLog::open(dir.sub("log"));
  ASSERT_TRUE(log.ok());
  std::filesystem::create_directories(dir.sub("backup"));
  std::ofstream(dir.sub("backup/precious")) << "x";
  EXPECT_EQ((*log)->backup_to(dir.sub("backup")).status().code(), Code::kInvalidArgument);
}

TEST(BackupTest, RestoreNeverOverwritesALog) {
  TempDir dir;
  {
    auto log = RocksLog::open(dir.sub("log"));
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->append("c1", {Entry{"x", std::nullopt}}).ok());
    ASSERT_TRUE((*log)->backup_to(dir.sub("backup")).ok());
  }
  auto refused = restore_backup(dir.sub("backup"), dir.sub("log"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("not empty"), std::string::npos);
  // An empty folder is fine.
  std::filesystem::create_directories(dir.sub("empty/log"));
  EXPECT_TRUE(restore_backup(dir.sub("backup"), dir.sub("empty/log")).ok());
}

TEST(BackupTest, InterruptedBackupWithoutACompleteManifestIsRefused) {
  TempDir dir;
  {
    auto log = RocksLog::open(dir.sub("log"));
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->backup_to(dir.sub("backup")).ok());
  }
  std::string manifest = dir.sub("backup/KENES-BACKUP");
  std::filesystem::resize_file(manifest, std::filesystem::file_size(manifest) - 4);  // cut "end\n"
  EXPECT_EQ(restore_backup(dir.sub("backup"), dir.sub("restored")).status().code(), Code::kCorruption);
  std::filesystem::remove(manifest);
  EXPECT_EQ(restore_backup(dir.sub("backup"), dir.sub("restored")).status().code(), Code::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.sub("restored")));
}

}  // namespace
}  // namespace kenes::storage
