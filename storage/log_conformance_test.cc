// One suite, run against every Log implementation: what the server and the
// engine may rely on, whichever log they are given.

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "storage/memory_log.h"
#include "storage/rocks_log.h"
#include "storage/rocks_log_testing.h"
#include "storage/test_support.h"

namespace kenes::storage {
namespace {

// How each implementation is made, reopened and damaged.
struct MemoryImpl {
  std::unique_ptr<KvLog> open() { return std::make_unique<MemoryLog>(); }
  void reopen(std::unique_ptr<KvLog>&) {}  // memory has no "again"
  void overwrite(std::unique_ptr<KvLog>& log, std::string_view c, std::uint64_t seq,
                 std::optional<std::string> frame) {
    ASSERT_TRUE(static_cast<MemoryLog&>(*log).overwrite_record_for_testing(c, seq, std::move(frame)));
  }
};

struct RocksImpl {
  testing::TempDir dir;
  std::string path() const { return dir.sub("log"); }
  std::unique_ptr<KvLog> open() {
    auto log = RocksLog::open(path());
    EXPECT_TRUE(log.ok()) << log.status().to_string();
    return log.ok() ? std::move(*log) : nullptr;
  }
  void reopen(std::unique_ptr<KvLog>& log) {
    log.reset();
    log = open();
  }
  void overwrite(std::unique_ptr<KvLog>& log, std::string_view c, std::uint64_t seq,
                 std::optional<std::string> frame) {
    log.reset();
    Status s = testing::write_raw_log_entry(path(), log_key(c, seq), std::move(frame));
    ASSERT_TRUE(s.ok()) << s.to_string();
    log = open();
  }
};

template <typename Impl>
class LogConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = impl_.open();
    ASSERT_NE(log_, nullptr);
  }

  Log& log() { return *log_; }

  static Entry entry(std::string payload) { return Entry{std::move(payload), std::nullopt}; }
  static Entry keyed(std::string payload, std::string client, std::uint64_t seq) {
    return Entry{std::move(payload), ClientKey{std::move(client), seq}};
  }

  Appended must_append(std::string_view c, std::vector<Entry> entries) {
    auto r = log().append(c, std::move(entries));
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? *r : Appended{};
  }
  void append_n(std::string_view c, int n, const std::string& tag = "r") {
    for (int i = 0; i < n; ++i) must_append(c, {entry(tag + std::to_string(i))});
  }
  std::vector<StoredRecord> must_read(std::string_view c, std::uint64_t from = 1, std::size_t limit = 1 << 20) {
    auto r = log().read(c, from, limit);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? *r : std::vector<StoredRecord>{};
  }
  Head must_head(std::string_view c) {
    auto h = log().head(c);
    EXPECT_TRUE(h.ok()) << h.status().to_string();
    return h.ok() ? *h : Head{};
  }
  void expect_verifies(std::string_view c) {
    VerifyReport report;
    Status s = log().verify(c, &report);
    EXPECT_TRUE(s.ok()) << s.to_string();
    EXPECT_FALSE(report.first_break.has_value());
  }

  Impl impl_;
  std::unique_ptr<KvLog> log_;
};

using Implementations = ::testing::Types<MemoryImpl, RocksImpl>;
class ImplNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, MemoryImpl> ? "MemoryLog" : "RocksLog";
  }
};
TYPED_TEST_SUITE(LogConformance, Implementations, ImplNames);

// ------------------------------------------------------------ append / read

TYPED_TEST(LogConformance, AppendAssignsContiguousSeqsFromOne) {
  Appended a = this->must_append("c1", {this->entry("a"), this->entry("b")});
  Appended b = this->must_append("c1", {this->entry("c")});
  EXPECT_EQ(a.first_seq, 1u);
  EXPECT_EQ(a.last_seq, 2u);
  EXPECT_EQ(b.first_seq, 3u);
  EXPECT_EQ(b.last_seq, 3u);
}

TYPED_TEST(LogConformance, ReadReturnsPayloadsChainedBySha256OfTheirFrames) {
  this->must_append("c1", {this->entry("alpha"), this->entry("beta"), this->entry("gamma")});
  auto records = this->must_read("c1");
  ASSERT_EQ(records.size(), 3u);
  Hash prev = kZeroHash;
  const char* payloads[] = {"alpha", "beta", "gamma"};
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].seq, i + 1);
    EXPECT_EQ(records[i].payload, payloads[i]);
    EXPECT_EQ(records[i].prev_hash, prev);
    EXPECT_EQ(records[i].hash, sha256(encode_frame(i + 1, prev, payloads[i])));
    prev = records[i].hash;
  }
}

TYPED_TEST(LogConformance, AppendReportsTheHashOfItsLastRecordAsTheNewHead) {
  Appended a = this->must_append("c1", {this->entry("x"), this->entry("y")});
  Head head = this->must_head("c1");
  EXPECT_EQ(head.seq, 2u);
  EXPECT_EQ(head.hash, a.last_hash);
  EXPECT_EQ(head.hash, this->must_read("c1", 2).at(0).hash);
}

TYPED_TEST(LogConformance, HeadOfAnUnknownConsultationIsSeqZeroAndTheZeroHash) {
  Head head = this->must_head("nobody");
  EXPECT_EQ(head.seq, 0u);
  EXPECT_EQ(head.hash, kZeroHash);
  EXPECT_TRUE(this->must_read("nobody").empty());
}

TYPED_TEST(LogConformance, ConsultationsHaveIndependentSeqsAndAreListedInOrder) {
  this->must_append("b-2", {this->entry("1")});
  this->must_append("a.1", {this->entry("1"), this->entry("2")});
  Appended b = this->must_append("b-2", {this->entry("2")});
  EXPECT_EQ(b.first_seq, 2u);
  auto ids = this->log().consultations();
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<std::string>{"a.1", "b-2"}));
}

TYPED_TEST(LogConformance, ConsultationWhoseIdPrefixesAnotherStaysSeparate) {
  this->must_append("a", {this->entry("short")});
  this->must_append("ab", {this->entry("long1"), this->entry("long2")});
  EXPECT_EQ(this->must_head("a").seq, 1u);
  EXPECT_EQ(this->must_read("a").size(), 1u);
  EXPECT_EQ(this->must_read("ab").size(), 2u);
  this->expect_verifies("a");
  this->expect_verifies("ab");
}

TYPED_TEST(LogConformance, ReadFromTheMiddleHonoursTheLimit) {
  this->append_n("c1", 10);
  auto records = this->must_read("c1", 4, 3);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].seq, 4u);
  EXPECT_EQ(records[2].seq, 6u);
  EXPECT_EQ(records[0].payload, "r3");
  EXPECT_TRUE(this->must_read("c1", 11).empty());
  EXPECT_TRUE(this->must_read("c1", 1, 0).empty());
  EXPECT_EQ(this->must_read("c1", 0, 1).at(0).seq, 1u);  // from 0 means from the start
}

TYPED_TEST(LogConformance, EmptyBatchAppendsNothingAndReportsTheHead) {
  Appended first = this->must_append("c1", {});
  EXPECT_EQ(first.first_seq, 1u);
  EXPECT_EQ(first.last_seq, 0u);
  EXPECT_EQ(first.last_hash, kZeroHash);
  Appended one = this->must_append("c1", {this->entry("x")});
  Appended empty = this->must_append("c1", {});
  EXPECT_EQ(empty.first_seq, 2u);
  EXPECT_EQ(empty.last_seq, 1u);
  EXPECT_EQ(empty.last_hash, one.last_hash);
  EXPECT_EQ(this->must_head("c1").seq, 1u);
}

TYPED_TEST(LogConformance, PayloadsAreOpaqueBytes) {
  std::string binary("\0\xff\x01zero\0", 8);
  this->must_append("c1", {this->entry(binary), this->entry("")});
  auto records = this->must_read("c1");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].payload, binary);
  EXPECT_EQ(records[1].payload, "");
}

TYPED_TEST(LogConformance, InvalidConsultationIdsAreRefusedEverywhere) {
  const std::string bad[] = {"", std::string(65, 'a'), "a/b", "a b", std::string("a\0b", 3), "кеңес", "a:b"};
  for (const auto& id : bad) {
    auto appended = this->log().append(id, {this->entry("x")});
    ASSERT_FALSE(appended.ok()) << id;
    EXPECT_EQ(appended.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(this->log().read(id, 1, 10).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(this->log().head(id).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(this->log().find_by_client(id, ClientKey{"k", 1}).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(this->log().write_snapshots(id, 0, {}).code(), Code::kInvalidArgument);
    VerifyReport report;
    EXPECT_EQ(this->log().verify(id, &report).code(), Code::kInvalidArgument);
  }
  EXPECT_TRUE(this->log().append(std::string(64, 'Z'), {this->entry("x")}).ok());
  EXPECT_TRUE(this->log().append("A-z_0.9", {this->entry("x")}).ok());
}

TYPED_TEST(LogConformance, CallbacksRunInSeqOrderOffTheCallersThread) {
  std::mutex mu;
  std::vector<std::uint64_t> seen;
  std::atomic<int> off_thread{0};
  const auto caller = std::this_thread::get_id();
  std::promise<void> all_done;
  constexpr int kAppends = 50;
  for (int i = 0; i < kAppends; ++i) {
    this->log().append_async("c1", {this->entry("p" + std::to_string(i))}, [&](Result<Appended> r) {
      ASSERT_TRUE(r.ok());
      if (std::this_thread::get_id() != caller) ++off_thread;
      bool last = false;
      {
        std::lock_guard lock(mu);
        seen.push_back(r->first_seq);
        last = seen.size() == kAppends;
      }
      // After the lock is released: the test returns as soon as this is set,
      // and `mu` dies with it (unlocking it afterwards crashed under load).
      if (last) all_done.set_value();
    });
  }
  all_done.get_future().wait();
  std::vector<std::uint64_t> expected(kAppends);
  for (int i = 0; i < kAppends; ++i) expected[i] = i + 1;
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(off_thread.load(), kAppends);
}

// ------------------------------------------------------------ idempotency

TYPED_TEST(LogConformance, ClientKeyFindsTheSeqItWasRecordedAt) {
  this->must_append("c1", {this->entry("no key")});
  this->must_append("c1", {this->keyed("a", "client-1", 7), this->keyed("b", "client-2", 7)});
  auto found = this->log().find_by_client("c1", ClientKey{"client-2", 7});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, std::optional<std::uint64_t>(3));
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{"client-1", 7}), std::optional<std::uint64_t>(2));
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{"client-1", 8}), std::nullopt);
  EXPECT_EQ(*this->log().find_by_client("other", ClientKey{"client-1", 7}), std::nullopt);
}

TYPED_TEST(LogConformance, ClientIdsThatPrefixEachOtherAreDistinctKeys) {
  this->must_append("c1", {this->keyed("a", "ab", 1), this->keyed("b", "a", 1), this->keyed("c", std::string("a\0", 2), 1)});
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{"ab", 1}), std::optional<std::uint64_t>(1));
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{"a", 1}), std::optional<std::uint64_t>(2));
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{std::string("a\0", 2), 1}), std::optional<std::uint64_t>(3));
}

TYPED_TEST(LogConformance, ResubmittedClientKeyIsRefusedAndNothingOfItsBatchIsWritten) {
  this->must_append("c1", {this->keyed("op", "client-1", 1)});
  auto again = this->log().append("c1", {this->entry("fresh"), this->keyed("op", "client-1", 1)});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
  EXPECT_NE(again.status().message().find("seq 1"), std::string::npos) << again.status().message();
  EXPECT_EQ(this->must_head("c1").seq, 1u);
  EXPECT_EQ(this->must_append("c1", {this->entry("next")}).first_seq, 2u);
}

TYPED_TEST(LogConformance, SameClientKeyTwiceInOneBatchIsRefused) {
  auto r = this->log().append("c1", {this->keyed("a", "k", 1), this->keyed("b", "k", 1)});
  EXPECT_EQ(r.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(this->must_head("c1").seq, 0u);
}

TYPED_TEST(LogConformance, ClientKeyInFlightIsRefusedUntilItIsDurable) {
  // Two async appends of the same key back to back: the second must not
  // slip in while the first is still being written.
  std::promise<Result<Appended>> first, second;
  this->log().append_async("c1", {this->keyed("a", "k", 5)}, [&](Result<Appended> r) { first.set_value(std::move(r)); });
  this->log().append_async("c1", {this->keyed("a", "k", 5)}, [&](Result<Appended> r) { second.set_value(std::move(r)); });
  EXPECT_TRUE(first.get_future().get().ok());
  EXPECT_EQ(second.get_future().get().status().code(), Code::kAlreadyExists);
  EXPECT_EQ(this->must_head("c1").seq, 1u);
}

TYPED_TEST(LogConformance, EmptyClientIdIsRefused) {
  EXPECT_EQ(this->log().append("c1", {this->keyed("a", "", 1)}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(this->log().find_by_client("c1", ClientKey{"", 1}).status().code(), Code::kInvalidArgument);
}

TYPED_TEST(LogConformance, ClientKeysSurviveReopening) {
  this->must_append("c1", {this->keyed("a", "k", 1), this->keyed("b", "k", 2)});
  this->impl_.reopen(this->log_);
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{"k", 2}), std::optional<std::uint64_t>(2));
  EXPECT_EQ(this->log().append("c1", {this->keyed("b", "k", 2)}).status().code(), Code::kAlreadyExists);
  EXPECT_EQ(this->must_append("c1", {this->keyed("c", "k", 3)}).first_seq, 3u);
  this->expect_verifies("c1");
}

// ------------------------------------------------------------ concurrency

TYPED_TEST(LogConformance, ManyConcurrentAppendersOnOneConsultationGetContiguousSeqs) {
  constexpr int kThreads = 8, kPerThread = 150;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::map<std::uint64_t, std::string> assigned;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string payload = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto r = this->log().append("room", {this->keyed(payload, "client-" + std::to_string(t), i)});
        ASSERT_TRUE(r.ok()) << r.status().to_string();
        std::lock_guard lock(mu);
        ASSERT_TRUE(assigned.emplace(r->first_seq, payload).second);
      }
    });
  }
  for (auto& th : threads) th.join();
  auto records = this->must_read("room");
  ASSERT_EQ(records.size(), static_cast<std::size_t>(kThreads * kPerThread));
  for (const auto& r : records) EXPECT_EQ(assigned.at(r.seq), r.payload);
  this->expect_verifies("room");
}

TYPED_TEST(LogConformance, ConcurrentAppendersOnSeveralConsultationsEachGetTheirOwnChain) {
  constexpr int kThreads = 6, kPerThread = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string c = "c" + std::to_string(t % 3);
      for (int i = 0; i < kPerThread; ++i) {
        // Batches of 1..3, async and sync mixed.
        std::vector<Entry> batch;
        for (int j = 0; j <= i % 3; ++j) batch.push_back(this->entry("x"));
        if (i % 2 == 0) {
          ASSERT_TRUE(this->log().append(c, std::move(batch)).ok());
        } else {
          std::promise<void> done;
          this->log().append_async(c, std::move(batch), [&](Result<Appended> r) {
            EXPECT_TRUE(r.ok());
            done.set_value();
          });
          done.get_future().wait();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  // Per thread: 100 appends of 1,2,3,1,2,3... records = 33*6 + 1 = 199.
  for (int c = 0; c < 3; ++c) {
    std::string id = "c" + std::to_string(c);
    EXPECT_EQ(this->must_head(id).seq, 2u * 199u);
    this->expect_verifies(id);
  }
}

// ------------------------------------------------------------ replay

TYPED_TEST(LogConformance, ReplayVisitsEveryRecordInOrderAndStopsWhenAsked) {
  this->append_n("c1", 20);
  std::vector<std::uint64_t> seqs;
  Status s = this->log().replay("c1", 5, [&](const RecordView& r) {
    seqs.push_back(r.seq);
    EXPECT_EQ(r.payload, "r" + std::to_string(r.seq - 1));
    return Status();
  });
  EXPECT_TRUE(s.ok());
  ASSERT_EQ(seqs.size(), 16u);
  EXPECT_EQ(seqs.front(), 5u);
  EXPECT_EQ(seqs.back(), 20u);

  int visited = 0;
  s = this->log().replay("c1", 1, [&](const RecordView& r) {
    ++visited;
    return r.seq == 3 ? Status(Code::kNotFound, "enough") : Status();
  });
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(visited, 3);
}

// ------------------------------------------------------------ snapshots

TYPED_TEST(LogConformance, LatestSnapshotsAreTheNewestVersionOfEveryName) {
  this->append_n("c1", 10);
  ASSERT_TRUE(this->log().write_snapshots("c1", 4, {{"doc/a", 2, "A2"}, {"doc/b", 1, "B1"}}).ok());
  ASSERT_TRUE(this->log().write_snapshots("c1", 9, {{"doc/a", 5, "A5"}}).ok());
  auto set = this->log().load_latest_snapshots("c1");
  ASSERT_TRUE(set.ok()) << set.status().to_string();
  EXPECT_EQ(set->covered_seq, 9u);
  ASSERT_EQ(set->entries.size(), 2u);
  EXPECT_EQ(set->entries[0], (SnapshotEntry{"doc/a", 5, "A5"}));
  EXPECT_EQ(set->entries[1], (SnapshotEntry{"doc/b", 1, "B1"}));
}

TYPED_TEST(LogConformance, SnapshotAtOrBeforeFindsTheVersionForHistory) {
  this->append_n("c1", 3);
  ASSERT_TRUE(this->log().write_snapshots("c1", 1, {{"d", 10, "v10"}, {"d2", 1, "x"}}).ok());
  ASSERT_TRUE(this->log().write_snapshots("c1", 3, {{"d", 20, "v20"}}).ok());
  auto at = [&](std::uint64_t v) { return this->log().load_snapshot_at_or_before("c1", "d", v); };
  EXPECT_EQ(*at(9), std::nullopt);
  EXPECT_EQ(at(10)->value().bytes, "v10");
  EXPECT_EQ(at(19)->value().version, 10u);
  EXPECT_EQ(at(20)->value().bytes, "v20");
  EXPECT_EQ(at(~0ull)->value().version, 20u);
  EXPECT_EQ(*this->log().load_snapshot_at_or_before("c1", "d3", 100), std::nullopt);
  EXPECT_EQ(*this->log().load_snapshot_at_or_before("c2", "d", 100), std::nullopt);
}

TYPED_TEST(LogConformance, AnEntryThatReplacesOlderVersionsDeletesThemAndOnlyThem) {
  this->append_n("c1", 9);
  ASSERT_TRUE(this->log().write_snapshots("c1", 1, {{"state", 1, "s1"}, {"doc/a", 1, "a1"}, {"state2", 1, "t1"}}).ok());
  ASSERT_TRUE(this->log().write_snapshots("c1", 4, {{"state", 4, "s4"}, {"doc/a", 4, "a4"}}).ok());
  SnapshotEntry replacing{"state", 9, "s9"};
  replacing.replaces_older = true;
  ASSERT_TRUE(this->log().write_snapshots("c1", 9, {replacing, {"doc/a", 9, "a9"}}).ok());
  auto at = [&](std::string_view name, std::uint64_t v) { return this->log().load_snapshot_at_or_before("c1", name, v); };
  EXPECT_EQ(*at("state", 8), std::nullopt);  // versions 1 and 4 are gone
  EXPECT_EQ(at("state", 9)->value().bytes, "s9");
  EXPECT_EQ(at("doc/a", 1)->value().bytes, "a1");  // a name without the flag keeps its history
  EXPECT_EQ(at("doc/a", 5)->value().bytes, "a4");
  EXPECT_EQ(at("state2", 9)->value().bytes, "t1");  // another name, even one the range key sorts near
  auto set = this->log().load_latest_snapshots("c1");
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->entries.size(), 3u);
  EXPECT_EQ(set->entries[1].bytes, "s9");
}

TYPED_TEST(LogConformance, NoSnapshotsMeansCoveredSeqZero) {
  auto set = this->log().load_latest_snapshots("c1");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->covered_seq, 0u);
  EXPECT_TRUE(set->entries.empty());
}

TYPED_TEST(LogConformance, SnapshotAheadOfTheDurableHeadIsRefused) {
  this->append_n("c1", 3);
  Status s = this->log().write_snapshots("c1", 4, {{"d", 1, "x"}});
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(this->log().load_latest_snapshots("c1")->covered_seq, 0u);
}

TYPED_TEST(LogConformance, SnapshotSetMayNotGoBackInTime) {
  this->append_n("c1", 5);
  ASSERT_TRUE(this->log().write_snapshots("c1", 5, {{"d", 1, "x"}}).ok());
  EXPECT_EQ(this->log().write_snapshots("c1", 4, {{"d", 2, "y"}}).code(), Code::kInvalidArgument);
  EXPECT_TRUE(this->log().write_snapshots("c1", 5, {{"e", 1, "z"}}).ok());
}

TYPED_TEST(LogConformance, SnapshotNamesMustBeNonEmptyAndUniqueInASet) {
  this->append_n("c1", 1);
  EXPECT_EQ(this->log().write_snapshots("c1", 1, {{"", 1, "x"}}).code(), Code::kInvalidArgument);
  EXPECT_EQ(this->log().write_snapshots("c1", 1, {{"d", 1, "x"}, {"d", 2, "y"}}).code(), Code::kInvalidArgument);
}

TYPED_TEST(LogConformance, DroppedSnapshotsAreGoneAndCanBeWrittenAgain) {
  this->append_n("c1", 2);
  this->append_n("c2", 2);
  ASSERT_TRUE(this->log().write_snapshots("c1", 2, {{"d", 1, "x"}}).ok());
  ASSERT_TRUE(this->log().write_snapshots("c2", 2, {{"d", 1, "y"}}).ok());
  ASSERT_TRUE(this->log().drop_snapshots("c1").ok());
  EXPECT_EQ(this->log().load_latest_snapshots("c1")->covered_seq, 0u);
  EXPECT_TRUE(this->log().load_latest_snapshots("c1")->entries.empty());
  EXPECT_EQ(this->log().load_latest_snapshots("c2")->entries.size(), 1u);
  ASSERT_TRUE(this->log().write_snapshots("c1", 1, {{"d", 1, "again"}}).ok());
}

// A toy state machine over plain bytes: a record "name:text" appends text to
// the named component. State = the component texts. Snapshots hold them.
using ToyState = std::map<std::string, std::string>;

Status apply_toy(ToyState& state, std::string_view payload) {
  auto colon = payload.find(':');
  if (colon == std::string_view::npos) return Status(Code::kCorruption, "toy record without a name");
  state[std::string(payload.substr(0, colon))] += payload.substr(colon + 1);
  return Status();
}

TYPED_TEST(LogConformance, SnapshotPlusTailReplayEqualsFullReplayForRandomLogs) {
  std::mt19937_64 rng(20260101);
  for (int round = 0; round < 4; ++round) {
    std::string c = "toy" + std::to_string(round);
    ToyState live;                              // the "server" state
    std::map<std::string, std::uint64_t> version;  // per name, bumped on change
    std::set<std::string> changed;
    int records = 50 + static_cast<int>(rng() % 150);
    for (int i = 0; i < records; ++i) {
      std::string name = "doc" + std::to_string(rng() % 5);
      std::string text(1 + rng() % 4, static_cast<char>('a' + rng() % 26));
      auto r = this->log().append(c, {this->entry(name + ":" + text)});
      ASSERT_TRUE(r.ok());
      ASSERT_TRUE(apply_toy(live, name + ":" + text).ok());
      ++version[name];
      changed.insert(name);
      if (rng() % 17 == 0) {
        // Snapshot only what changed since the last set: unchanged names keep
        // their older entries, which still reflect the state at covered_seq.
        std::vector<SnapshotEntry> set;
        for (const auto& n : changed) set.push_back({n, version[n], live[n]});
        changed.clear();
        ASSERT_TRUE(this->log().write_snapshots(c, r->last_seq, std::move(set)).ok());
      }
    }

    auto full_replay = [&] {
      ToyState s;
      EXPECT_TRUE(this->log().replay(c, 1, [&](const RecordView& r) { return apply_toy(s, r.payload); }).ok());
      return s;
    };
    auto snapshot_replay = [&] {
      ToyState s;
      auto set = this->log().load_latest_snapshots(c);
      EXPECT_TRUE(set.ok());
      for (const auto& e : set->entries) s[e.name] = e.bytes;
      EXPECT_TRUE(this->log()
                      .replay(c, set->covered_seq + 1, [&](const RecordView& r) { return apply_toy(s, r.payload); })
                      .ok());
      return s;
    };
    EXPECT_EQ(full_replay(), live);
    EXPECT_EQ(snapshot_replay(), live);
    ASSERT_TRUE(this->log().drop_snapshots(c).ok());
    EXPECT_EQ(snapshot_replay(), live);
  }
}

// ------------------------------------------------------------ sticky error

TYPED_TEST(LogConformance, FirstWriteErrorIsStickyAndNothingIsAcknowledged) {
  this->must_append("c1", {this->keyed("ok", "k", 1)});
  int calls = 0;
  this->log_->set_write_fault_for_testing([&calls]() -> Status {
    return ++calls == 1 ? Status(Code::kIoError, "injected: no space left on device") : Status();
  });
  auto failed = this->log().append("c1", {this->keyed("lost", "k", 2)});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Code::kIoError);
  EXPECT_NE(failed.status().message().find("no space left"), std::string::npos);

  // Even though the store would now accept writes, the log does not guess.
  auto refused = this->log().append("c1", {this->entry("later")});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kFailed);
  EXPECT_NE(refused.status().message().find("no space left"), std::string::npos) << refused.status().message();
  EXPECT_EQ(this->log().append("other", {this->entry("x")}).status().code(), Code::kFailed);
  EXPECT_EQ(this->log().health().code(), Code::kIoError);
  EXPECT_EQ(this->log().write_snapshots("c1", 1, {{"d", 1, "x"}}).code(), Code::kFailed);
  EXPECT_EQ(calls, 1);

  // Nothing of the failed batch is visible; reads still work.
  EXPECT_EQ(this->must_head("c1").seq, 1u);
  EXPECT_EQ(this->must_read("c1").size(), 1u);
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{"k", 2}), std::nullopt);
}

TYPED_TEST(LogConformance, AppendsQueuedBehindAFailedWriteFailToo) {
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::atomic<int> calls{0};
  this->log_->set_write_fault_for_testing([&]() -> Status {
    if (++calls == 1) {
      gate.wait();  // hold the writer so the next appends queue up
      return Status(Code::kIoError, "injected");
    }
    return Status();
  });
  std::vector<std::future<Result<Appended>>> results;
  std::vector<std::shared_ptr<std::promise<Result<Appended>>>> promises;
  for (int i = 0; i < 5; ++i) {
    auto p = std::make_shared<std::promise<Result<Appended>>>();
    results.push_back(p->get_future());
    this->log().append_async("c1", {this->entry("x")}, [p](Result<Appended> r) { p->set_value(std::move(r)); });
    promises.push_back(p);
    if (i == 0) {
      while (calls.load() == 0) std::this_thread::yield();
    }
  }
  release.set_value();
  EXPECT_EQ(results[0].get().status().code(), Code::kIoError);
  for (int i = 1; i < 5; ++i) EXPECT_EQ(results[i].get().status().code(), Code::kFailed);
  EXPECT_EQ(this->must_head("c1").seq, 0u);
}

// ------------------------------------------------------------ verify / repair

TYPED_TEST(LogConformance, VerifyReportsTheHeadOfAnIntactLog) {
  Appended a = this->must_append("c1", {this->entry("a"), this->entry("b"), this->entry("c")});
  VerifyReport report;
  ASSERT_TRUE(this->log().verify("c1", &report).ok());
  EXPECT_EQ(report.head, (Head{3, a.last_hash}));
  EXPECT_EQ(report.stored_records, 3u);
  ASSERT_TRUE(this->log().verify("empty", &report).ok());
  EXPECT_EQ(report.head, Head{});
}

TYPED_TEST(LogConformance, VerifyNamesARecordWhosePayloadWasAltered) {
  this->append_n("c1", 10);
  auto r5 = this->must_read("c1", 5, 1).at(0);
  std::string altered = encode_frame(5, r5.prev_hash, "r4 but altered");
  this->impl_.overwrite(this->log_, "c1", 5, altered);
  VerifyReport report;
  Status s = this->log().verify("c1", &report);
  EXPECT_EQ(s.code(), Code::kCorruption);
  ASSERT_TRUE(report.first_break.has_value());
  EXPECT_EQ(report.first_break->kind, VerifyBreak::Kind::kChainBreak);
  EXPECT_EQ(report.first_break->seq, 5u) << report.first_break->message;
  EXPECT_EQ(report.head.seq, 4u);
  EXPECT_EQ(report.stored_records, 10u);
  EXPECT_NE(s.message().find("seq 5"), std::string::npos) << s.message();
  // Readers refuse to hand out the broken chain.
  EXPECT_EQ(this->log().read("c1", 1, 100).status().code(), Code::kCorruption);
  EXPECT_TRUE(this->log().read("c1", 1, 4).ok());
}

TYPED_TEST(LogConformance, VerifyNamesARecordWhosePrevHashWasAltered) {
  this->append_n("c1", 10);
  auto r6 = this->must_read("c1", 6, 1).at(0);
  Hash wrong = r6.prev_hash;
  wrong[0] ^= 0x01;
  this->impl_.overwrite(this->log_, "c1", 6, encode_frame(6, wrong, r6.payload));
  VerifyReport report;
  EXPECT_EQ(this->log().verify("c1", &report).code(), Code::kCorruption);
  ASSERT_TRUE(report.first_break.has_value());
  EXPECT_EQ(report.first_break->seq, 6u) << report.first_break->message;
  EXPECT_EQ(report.first_break->found, to_hex(wrong));
  EXPECT_EQ(report.head.seq, 5u);
}

TYPED_TEST(LogConformance, VerifyNamesAGapInTheSequence) {
  this->append_n("c1", 8);
  this->impl_.overwrite(this->log_, "c1", 4, std::nullopt);
  VerifyReport report;
  Status s = this->log().verify("c1", &report);
  EXPECT_EQ(s.code(), Code::kCorruption);
  ASSERT_TRUE(report.first_break.has_value());
  EXPECT_EQ(report.first_break->kind, VerifyBreak::Kind::kGap);
  EXPECT_EQ(report.first_break->seq, 4u);
  EXPECT_EQ(report.first_break->found, "seq 5");
  EXPECT_EQ(report.head.seq, 3u);
  EXPECT_EQ(this->log().read("c1", 2, 10).status().code(), Code::kCorruption);
  EXPECT_EQ(this->log().read("c1", 5, 10).status().code(), Code::kCorruption);  // anchor missing
}

TYPED_TEST(LogConformance, VerifyNamesABadFrameFormatAndAFrameWithTheWrongSeq) {
  this->append_n("c1", 5);
  auto r3 = this->must_read("c1", 3, 1).at(0);
  std::string bad = encode_frame(3, r3.prev_hash, r3.payload);
  bad[0] = 9;
  this->impl_.overwrite(this->log_, "c1", 3, bad);
  VerifyReport report;
  EXPECT_EQ(this->log().verify("c1", &report).code(), Code::kCorruption);
  EXPECT_EQ(report.first_break->kind, VerifyBreak::Kind::kBadFrame);
  EXPECT_EQ(report.first_break->seq, 3u);

  this->impl_.overwrite(this->log_, "c1", 3, encode_frame(33, r3.prev_hash, r3.payload));
  EXPECT_EQ(this->log().verify("c1", &report).code(), Code::kCorruption);
  EXPECT_EQ(report.first_break->kind, VerifyBreak::Kind::kSeqMismatch);
  EXPECT_EQ(report.first_break->seq, 3u);
}

TYPED_TEST(LogConformance, AlteredLastRecordIsBlamedOnTheEarliestPossibleRecord) {
  this->append_n("c1", 4);
  auto r4 = this->must_read("c1", 4, 1).at(0);
  Hash wrong = r4.prev_hash;
  wrong[31] ^= 0x80;
  this->impl_.overwrite(this->log_, "c1", 4, encode_frame(4, wrong, r4.payload));
  VerifyReport report;
  EXPECT_EQ(this->log().verify("c1", &report).code(), Code::kCorruption);
  EXPECT_EQ(report.first_break->seq, 3u) << report.first_break->message;
  EXPECT_EQ(report.head.seq, 2u);
}

TYPED_TEST(LogConformance, TruncateAfterDropsTheTailWithItsKeysAndSnapshots) {
  for (int i = 1; i <= 6; ++i) this->must_append("c1", {this->keyed("r" + std::to_string(i), "k", i)});
  this->must_append("c2", {this->keyed("other", "k", 4)});
  ASSERT_TRUE(this->log().write_snapshots("c1", 5, {{"d", 1, "x"}}).ok());
  auto plan = this->log().plan_truncate_after("c1", 3);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->dropped_records.size(), 3u);
  EXPECT_EQ(this->must_head("c1").seq, 6u);  // a plan changes nothing
  auto r = this->log().truncate_after("c1", 3);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->kept.seq, 3u);
  ASSERT_EQ(r->dropped_records.size(), 3u);
  EXPECT_EQ(r->dropped_records[0].key_seq, 4u);
  EXPECT_EQ(decode_frame(r->dropped_records[0].frame)->payload, "r4");
  EXPECT_EQ(r->dropped_index_entries, 3u);
  EXPECT_EQ(r->dropped_snapshot_entries, 1u);
  EXPECT_NE(r->note.find("truncated after seq 3"), std::string::npos) << r->note;

  EXPECT_EQ(this->must_head("c1"), r->kept);
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{"k", 4}), std::nullopt);
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{"k", 3}), std::optional<std::uint64_t>(3));
  EXPECT_EQ(*this->log().find_by_client("c2", ClientKey{"k", 4}), std::optional<std::uint64_t>(1));
  EXPECT_EQ(this->log().load_latest_snapshots("c1")->covered_seq, 0u);
  // Appending goes on from the kept head, and a dropped key may come again.
  EXPECT_EQ(this->must_append("c1", {this->keyed("r4 again", "k", 4)}).first_seq, 4u);
  this->expect_verifies("c1");
  auto stats = this->log().stats("c1");
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(stats->repair_notes.size(), 1u);
  EXPECT_EQ(stats->repair_notes[0], r->note);
}

TYPED_TEST(LogConformance, RepairAfterCorruptionLeavesAVerifiableLog) {
  this->append_n("c1", 10);
  auto r7 = this->must_read("c1", 7, 1).at(0);
  this->impl_.overwrite(this->log_, "c1", 7, encode_frame(7, r7.prev_hash, "tampered"));
  VerifyReport report;
  ASSERT_EQ(this->log().verify("c1", &report).code(), Code::kCorruption);
  auto r = this->log().truncate_after("c1", report.head.seq);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dropped_records.size(), 4u);  // 7..10
  this->expect_verifies("c1");
  EXPECT_EQ(this->must_append("c1", {this->entry("new")}).first_seq, 7u);
  this->expect_verifies("c1");
}

TYPED_TEST(LogConformance, StatsCountRecordsKeysAndSnapshots) {
  this->must_append("c1", {this->keyed("abc", "k", 1), this->entry("de")});
  ASSERT_TRUE(this->log().write_snapshots("c1", 2, {{"d", 1, "xyz"}, {"e", 1, "q"}}).ok());
  auto stats = this->log().stats("c1");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->records, 2u);
  EXPECT_EQ(stats->record_bytes, 2 * kFrameHeaderSize + 5);
  EXPECT_EQ(stats->client_keys, 1u);
  EXPECT_EQ(stats->snapshot_entries, 2u);
  EXPECT_EQ(stats->snapshot_bytes, 4u);
  EXPECT_EQ(stats->snapshot_covered_seq, 2u);
  EXPECT_EQ(stats->head, this->must_head("c1"));
}

}  // namespace
}  // namespace kenes::storage

namespace kenes::storage {
namespace {

TYPED_TEST(LogConformance, SnapshotWritesAppendsAndRepairsRunTogetherWithoutDeadlock) {
  this->append_n("c1", 5);
  std::atomic<bool> stop{false};
  std::thread snapshotter([&] {
    for (std::uint64_t v = 1; !stop; ++v) {
      auto head = this->log().head("c1");
      if (head.ok()) (void)this->log().write_snapshots("c1", head->seq, {{"d", v, "x"}});
    }
  });
  std::thread appender([&] {
    while (!stop) (void)this->log().append("c1", {this->entry("y")});
  });
  for (int i = 0; i < 20; ++i) {
    auto head = this->log().head("c1");
    ASSERT_TRUE(head.ok());
    ASSERT_TRUE(this->log().truncate_after("c1", head->seq > 2 ? head->seq - 2 : 0).ok());
  }
  stop = true;
  snapshotter.join();
  appender.join();
  this->expect_verifies("c1");
}

}  // namespace
}  // namespace kenes::storage

namespace kenes::storage {
namespace {

TYPED_TEST(LogConformance, ClientSeqsOutOfOrderAreStillCheckedExactly) {
  for (std::uint64_t cs : {1, 2, 3, 4, 5}) this->must_append("c1", {this->keyed("op", "k", cs)});
  EXPECT_EQ(this->log().append("c1", {this->keyed("op", "k", 3)}).status().code(), Code::kAlreadyExists);
  this->must_append("c1", {this->keyed("op", "k", 10)});
  Appended seven = this->must_append("c1", {this->keyed("op", "k", 7)});  // a gap filled later is new
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{"k", 7}), std::optional<std::uint64_t>(seven.first_seq));
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{"k", 8}), std::nullopt);
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{"k", 11}), std::nullopt);
  // Dropping the highest key by a repair lets it come again.
  ASSERT_TRUE(this->log().truncate_after("c1", 5).ok());
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{"k", 10}), std::nullopt);
  EXPECT_EQ(this->must_append("c1", {this->keyed("op", "k", 10)}).first_seq, 6u);
  this->impl_.reopen(this->log_);
  EXPECT_EQ(this->log().append("c1", {this->keyed("op", "k", 1)}).status().code(), Code::kAlreadyExists);
  EXPECT_EQ(*this->log().find_by_client("c1", ClientKey{"k", 10}), std::optional<std::uint64_t>(6));
}

}  // namespace
}  // namespace kenes::storage
