#pragma once

// KvLog: the whole Log contract over a KvStore. RocksLog and MemoryLog are
// KvLogs; they only choose the store.
//
// Group commit. append_async validates, assigns seqs and chains hashes under
// mu_, then queues the prepared batch. One writer thread takes every batch
// waiting (up to max_batch_bytes), writes them as ONE KvBatch — one RocksDB
// WriteBatch, one sync — and only then runs their callbacks. While it syncs,
// new appends queue up behind it and share the next sync, so the number of
// syncs per second stays near 1 / fsync latency while the records per sync
// grow with the number of appenders.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "storage/kv_store.h"
#include "storage/log.h"

namespace kenes::storage {

struct KvLogOptions {
  Durability durability = Durability::kFsync;
  // A view that refuses every write (kNotSupported) and starts no writer.
  bool read_only = false;
  // One group-commit write carries at most about this many bytes (a single
  // larger append still goes alone), to bound the latency of the appends
  // queued behind it.
  std::size_t max_batch_bytes = 4 << 20;
};

class KvLog : public Log {
 public:
  KvLog(std::unique_ptr<KvStore> store, KvLogOptions options);
  // Drains: every append already queued is written and its callback run.
  ~KvLog() override;

  KvLog(const KvLog&) = delete;
  KvLog& operator=(const KvLog&) = delete;

  void append_async(std::string_view consultation, std::vector<Entry> entries,
                    AppendCallback done) override;
  Result<std::vector<StoredRecord>> read(std::string_view consultation, std::uint64_t from_seq,
                                         std::size_t limit) override;
  Status replay(std::string_view consultation, std::uint64_t from_seq,
                const std::function<Status(const RecordView&)>& visit) override;
  Result<Head> head(std::string_view consultation) override;
  Result<std::vector<std::string>> consultations() override;
  Result<std::optional<std::uint64_t>> find_by_client(std::string_view consultation,
                                                      const ClientKey& key) override;
  Status write_snapshots(std::string_view consultation, std::uint64_t covered_seq,
                         std::vector<SnapshotEntry> entries) override;
  Result<SnapshotSet> load_latest_snapshots(std::string_view consultation) override;
  Result<std::optional<SnapshotEntry>> load_snapshot_at_or_before(std::string_view consultation,
                                                                  std::string_view name,
                                                                  std::uint64_t version) override;
  Status drop_snapshots(std::string_view consultation) override;
  Status verify(std::string_view consultation, VerifyReport* report) override;
  Result<TruncateReport> truncate_after(std::string_view consultation,
                                        std::uint64_t last_good_seq) override;
  Result<TruncateReport> plan_truncate_after(std::string_view consultation,
                                             std::uint64_t last_good_seq) override;
  Result<ConsultationStats> stats(std::string_view consultation) override;
  Status health() override;
  Status resume_writes() override;

  Durability durability() const { return options_.durability; }

  // Test hook: called on the writer thread before every log write; a non-ok
  // status is treated exactly like a failed write (it becomes the sticky
  // error). Set it before appending; pass nullptr to remove it.
  void set_write_fault_for_testing(std::function<Status()> fault);

 protected:
  KvStore& store() { return *store_; }
  // Stops the writer after draining the queue. Idempotent. Subclasses call it
  // first thing in their destructor, before the store goes away.
  void shut_down();

 private:
  struct Pending;
  struct Tail {
    std::uint64_t next_seq = 1;  // the seq the next enqueued record gets
    Hash last_hash{};            // the hash of the last enqueued record
    Head durable;                // the last record known written
  };

  void writer_loop();
  // Finds or loads the consultation's tail. Requires mu_.
  Result<Tail*> tail_locked(const std::string& consultation);
  Result<Head> load_head(std::string_view consultation);
  Status record_write_error(const Status& s);  // returns the status to report
  // Computes what truncating after last_good_seq drops, into `report`, and
  // the deletions into `batch`.
  Status plan_truncation(std::string_view consultation, std::uint64_t last_good_seq, TruncateReport& report,
                         KvBatch& batch);

  // Walks records from from_seq, checking contiguity, frames and the chain;
  // `anchor` checks record from_seq against record from_seq - 1.
  Status walk(std::string_view consultation, std::uint64_t from_seq, std::size_t limit,
              const std::function<Status(const RecordView&)>& visit);

  std::unique_ptr<KvStore> store_;
  const KvLogOptions options_;

  std::mutex mu_;
  std::condition_variable work_cv_;  // the writer waits for work
  std::condition_variable idle_cv_;  // exclusive operations wait for quiet
  std::deque<std::unique_ptr<Pending>> queue_;
  bool writing_ = false;
  bool stopping_ = false;
  std::unordered_map<std::string, Tail> tails_;
  std::unordered_set<std::string> in_flight_keys_;  // encoded client keys

  // The highest client seq stored or in flight per (consultation, client id),
  // loaded on first use with one index seek. Clients number their ops upwards,
  // so almost every new key is above it and provably absent: no index lookup.
  // A cache: cleared by truncate_after, and when it grows past a bound.
  struct ClientHigh {
    bool any = false;  // false: the client has no key at all
    std::uint64_t max_seq = 0;
  };
  std::unordered_map<std::string, ClientHigh> client_high_;  // key: client_prefix()
  Result<ClientHigh*> client_high_locked(std::string_view consultation, std::string_view client_id);
  Status sticky_;
  std::function<Status()> write_fault_;
  std::thread writer_;

  // Serialises snapshot writers against loaders so a loaded set is never half
  // of one write (the memory store's iterators are not point-in-time views).
  // Taken before mu_ when both are needed.
  std::shared_mutex snapshots_mu_;
};

}  // namespace kenes::storage
