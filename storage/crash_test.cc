// Crash safety with real processes: a child appends as fast as it can and is
// killed with SIGKILL at a random moment; the log it leaves must hold every
// acknowledged record, exactly once, in one verifiable chain.
//
// Seeded: the seed is printed; KENES_TEST_SEED=<n> replays a run, and
// KENES_CRASH_TRIALS=<n> runs more trials (default 25).

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <sstream>

#include "storage/crash_payload.h"
#include "storage/rocks_log.h"
#include "storage/test_support.h"

namespace kenes::storage {
namespace {

using testing::ChildProcess;
using testing::CrashKey;
using testing::TempDir;

constexpr int kThreads = 4;
const char* kConsultation = "crash";

std::uint64_t test_seed() {
  if (const char* s = std::getenv("KENES_TEST_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

int trial_count(int fallback) {
  if (const char* s = std::getenv("KENES_CRASH_TRIALS")) return std::max(1, std::atoi(s));
  return fallback;
}

struct Ack {
  int thread;
  std::uint64_t client_seq;
  std::uint64_t seq;
};

// Parses "ack t cs seq" lines; fails the test on an "error" line.
std::vector<Ack> parse_acks(const std::vector<std::string>& lines) {
  std::vector<Ack> acks;
  for (const auto& line : lines) {
    std::istringstream in(line);
    std::string word;
    in >> word;
    if (word == "error") ADD_FAILURE() << "child: " << line;
    if (word != "ack") continue;
    Ack a{};
    in >> a.thread >> a.client_seq >> a.seq;
    acks.push_back(a);
  }
  return acks;
}

// Everything a reopened log must satisfy, given every ack ever received.
void check_log(RocksLog& log, const std::map<CrashKey, std::uint64_t>& acked, std::uint64_t parent_records) {
  VerifyReport report;
  Status verified = log.verify(kConsultation, &report);
  ASSERT_TRUE(verified.ok()) << verified.to_string();
  std::uint64_t head = report.head.seq;

  // Every record once: contiguous from 1 (verify), no client key twice, and
  // the index agrees with the payloads.
  std::map<CrashKey, std::uint64_t> stored;
  std::uint64_t parents = 0, expected_seq = 1;
  Status replayed = log.replay(kConsultation, 1, [&](const RecordView& r) {
    EXPECT_EQ(r.seq, expected_seq++);
    if (r.payload.rfind("parent-", 0) == 0) {
      ++parents;
      return Status();
    }
    auto key = testing::parse_crash_payload(r.payload);
    if (!key) return Status(Code::kCorruption, "seq " + std::to_string(r.seq) + " is not a crash payload");
    if (!stored.emplace(*key, r.seq).second) {
      return Status(Code::kCorruption, "client key " + key->client_id + "/" + std::to_string(key->client_seq) +
                                           " is stored twice, again at seq " + std::to_string(r.seq));
    }
    return Status();
  });
  ASSERT_TRUE(replayed.ok()) << replayed.to_string();
  EXPECT_EQ(expected_seq - 1, head);
  EXPECT_EQ(parents, parent_records);

  for (const auto& [key, seq] : stored) {
    auto found = log.find_by_client(kConsultation, ClientKey{key.client_id, key.client_seq});
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(*found, std::optional<std::uint64_t>(seq)) << key.client_id << "/" << key.client_seq;
  }
  // No acknowledged record lost, and each where its ack said.
  for (const auto& [key, seq] : acked) {
    auto it = stored.find(key);
    ASSERT_NE(it, stored.end()) << "acknowledged " << key.client_id << "/" << key.client_seq << " (seq " << seq
                                << ") is missing after the crash";
    ASSERT_EQ(it->second, seq);
  }
}

void run_crash_trials(Durability durability, int trials, std::uint64_t seed) {
  TempDir dir;
  std::string path = dir.sub("log");
  std::mt19937_64 rng(seed);
  std::map<CrashKey, std::uint64_t> acked;
  std::vector<std::uint64_t> next_seq(kThreads, 1);
  std::uint64_t parent_records = 0;
  std::size_t total_acks = 0;

  for (int trial = 0; trial < trials; ++trial) {
    std::string resume;
    for (int t = 0; t < kThreads; ++t) resume += (t ? "," : "") + std::to_string(next_seq[t]);
    auto delay = std::chrono::milliseconds(rng() % 200);
    {
      // Odd trials run with 64 KiB memtables, so kills also land in flushes
      // and compactions.
      ChildProcess child({KENES_CRASH_CHILD, "--dir", path, "--durability", std::string(durability_name(durability)),
                          "--threads", std::to_string(kThreads), "--resume", resume, "--memtable-bytes",
                          trial % 2 ? "65536" : "0"});
      // Every fourth trial counts from the start, to land some kills inside
      // RocksDB's open and WAL replay; the others count from "ready", so a
      // slow machine still kills mid-append.
      if (trial % 4 != 0) {
        child.wait_for_line([](const std::string& l) { return l == "ready" || l.rfind("error", 0) == 0; },
                            std::chrono::seconds(30));
      }
      std::this_thread::sleep_for(delay);
      child.kill_now();
      int status = child.wait();
      ASSERT_TRUE(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
          << "child ended by itself with status " << status;
      for (const Ack& a : parse_acks(child.lines())) {
        CrashKey key{testing::crash_client_id(a.thread), a.client_seq};
        auto [it, fresh] = acked.emplace(key, a.seq);
        ASSERT_EQ(it->second, a.seq) << "a key was acknowledged at two seqs";
        next_seq[a.thread] = std::max(next_seq[a.thread], a.client_seq + 1);
        total_acks += fresh ? 1 : 0;
      }
    }

    RocksLogOptions options;
    options.durability = durability;
    auto log = RocksLog::open(path, options);
    ASSERT_TRUE(log.ok()) << "trial " << trial << ": " << log.status().to_string();
    check_log(**log, acked, parent_records);
    if (::testing::Test::HasFatalFailure()) {
      ADD_FAILURE() << "trial " << trial << " of seed " << seed;
      return;
    }
    // Appending goes on from the recovered head.
    Head before = *(*log)->head(kConsultation);
    auto appended = (*log)->append(kConsultation, {Entry{"parent-" + std::to_string(trial), std::nullopt}});
    ASSERT_TRUE(appended.ok()) << appended.status().to_string();
    EXPECT_EQ(appended->first_seq, before.seq + 1);
    ++parent_records;
    VerifyReport report;
    ASSERT_TRUE((*log)->verify(kConsultation, &report).ok());
  }
  std::printf("crash trials: %d, %s, %zu acknowledged records, seed %llu\n", trials,
              std::string(durability_name(durability)).c_str(), total_acks,
              static_cast<unsigned long long>(seed));
  EXPECT_GT(total_acks, 0u);
}

TEST(CrashTest, KillNineNeverLosesOrDuplicatesAnAcknowledgedRecordWithFsync) {
  std::uint64_t seed = test_seed();
  std::printf("KENES_TEST_SEED=%llu\n", static_cast<unsigned long long>(seed));
  run_crash_trials(Durability::kFsync, trial_count(25), seed);
}

TEST(CrashTest, KillNineNeverLosesOrDuplicatesAnAcknowledgedRecordWithWal) {
  std::uint64_t seed = test_seed();
  std::printf("KENES_TEST_SEED=%llu\n", static_cast<unsigned long long>(seed));
  run_crash_trials(Durability::kWal, std::max(3, trial_count(25) / 8), seed);
}

// A backup taken from a read-only view while another process appends is a
// consistent prefix of the log, and restores to a verifiable log.
TEST(CrashTest, BackupTakenWhileAnotherProcessAppendsRestoresToAVerifiablePrefix) {
  TempDir dir;
  std::string path = dir.sub("log");
  ChildProcess child({KENES_CRASH_CHILD, "--dir", path, "--threads", "4"});
  ASSERT_TRUE(child.wait_for_line([](const std::string& l) { return l == "ready"; }, std::chrono::seconds(10)));
  // Let a few thousand records land first.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (child.line_count() < 2000 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::size_t acked_before_backup = parse_acks(child.lines()).size();
  ASSERT_GT(acked_before_backup, 100u);

  RocksLogOptions view_options;
  view_options.read_only = true;
  auto view = RocksLog::open(path, view_options);
  ASSERT_TRUE(view.ok()) << view.status().to_string();
  auto backup = (*view)->backup_to(dir.sub("backup"));
  ASSERT_TRUE(backup.ok()) << backup.status().to_string();
  view->reset();
  std::size_t acked_during = parse_acks(child.lines()).size();
  child.kill_now();
  child.wait();
  EXPECT_GT(acked_during, acked_before_backup) << "the writer should have kept going during the backup";
  ASSERT_EQ(backup->heads.size(), 1u);
  EXPECT_TRUE(backup->problems.empty());
  Head backed_up = backup->heads[0].second;
  EXPECT_GE(backed_up.seq, acked_before_backup);

  auto restored = restore_backup(dir.sub("backup"), dir.sub("restored/log"));
  ASSERT_TRUE(restored.ok()) << restored.status().to_string();
  auto copy = RocksLog::open(dir.sub("restored/log"));
  ASSERT_TRUE(copy.ok()) << copy.status().to_string();
  VerifyReport report;
  ASSERT_TRUE((*copy)->verify(kConsultation, &report).ok());
  EXPECT_EQ(report.head, backed_up);

  // The backup is a prefix of what the writer wrote: same hash at its head.
  auto original = RocksLog::open(path);
  ASSERT_TRUE(original.ok());
  auto same = (*original)->read(kConsultation, backed_up.seq, 1);
  ASSERT_TRUE(same.ok());
  ASSERT_EQ(same->size(), 1u);
  EXPECT_EQ(same->at(0).hash, backed_up.hash);
  // And its index came along: every record's key finds its seq.
  Status keys = (*copy)->replay(kConsultation, 1, [&](const RecordView& r) {
    auto key = testing::parse_crash_payload(r.payload);
    if (!key) return Status(Code::kCorruption, "not a crash payload");
    auto found = (*copy)->find_by_client(kConsultation, ClientKey{key->client_id, key->client_seq});
    if (!found.ok() || *found != std::optional<std::uint64_t>(r.seq)) {
      return Status(Code::kCorruption, "index of seq " + std::to_string(r.seq) + " missing in the backup");
    }
    return Status();
  });
  EXPECT_TRUE(keys.ok()) << keys.to_string();
  // Appending to the restored log goes on from the backed-up head.
  auto next = (*copy)->append(kConsultation, {Entry{"after restore", std::nullopt}});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->first_seq, backed_up.seq + 1);
}

}  // namespace
}  // namespace kenes::storage
