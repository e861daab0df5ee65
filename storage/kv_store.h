#pragma once

// The ordered key-value store under the log: RocksDB column families in
// RocksLog, std::maps in MemoryLog. Everything the log means (keys, frames,
// the chain, group commit) lives above this interface, in KvLog, so both
// implementations share one logic and differ only in where bytes are kept.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/log.h"
#include "storage/status.h"

namespace kenes::storage {

// The column families. kMeta is RocksDB's "default" family (format marker).
enum class Family { kLog = 0, kSnapshots = 1, kIndex = 2, kMeta = 3 };
inline constexpr int kFamilyCount = 4;

struct KvWrite {
  enum class Kind { kPut, kDelete, kDeleteRange };
  Family family;
  Kind kind;
  std::string key;    // the begin key for kDeleteRange
  std::string value;  // the (exclusive) end key for kDeleteRange
};

// An all-or-nothing group of writes.
struct KvBatch {
  std::vector<KvWrite> writes;
  std::size_t bytes = 0;

  void put(Family f, std::string key, std::string value) {
    bytes += key.size() + value.size();
    writes.push_back({f, KvWrite::Kind::kPut, std::move(key), std::move(value)});
  }
  void del(Family f, std::string key) {
    bytes += key.size();
    writes.push_back({f, KvWrite::Kind::kDelete, std::move(key), {}});
  }
  void delete_range(Family f, std::string begin, std::string end) {
    bytes += begin.size() + end.size();
    writes.push_back({f, KvWrite::Kind::kDeleteRange, std::move(begin), std::move(end)});
  }
  bool empty() const { return writes.empty(); }
};

// A cursor over one family. Not thread-safe; use one per thread.
class KvIterator {
 public:
  virtual ~KvIterator() = default;
  virtual void seek(std::string_view key) = 0;           // first key >= key
  virtual void seek_for_prev(std::string_view key) = 0;  // last key <= key
  virtual bool valid() const = 0;
  virtual void next() = 0;
  virtual void prev() = 0;
  // Valid until the next move.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // The error that made the iterator invalid, if any (ok at a plain end).
  virtual Status status() const = 0;
};

class KvStore {
 public:
  virtual ~KvStore() = default;
  virtual Result<std::optional<std::string>> get(Family family, std::string_view key) = 0;
  // Applies the batch atomically, as durable as `durability` says.
  virtual Status write(KvBatch batch, Durability durability) = 0;
  // After a failed write: brings the store back to accepting writes if the
  // cause has gone (RocksDB: DB::Resume, which flushes the memtables so that a
  // WAL cut short by the failure is no longer needed). The default has
  // nothing to recover.
  virtual Status resume() { return Status(); }
  // Keys >= upper_bound are never visited when upper_bound is not empty.
  virtual std::unique_ptr<KvIterator> iterate(Family family, std::string upper_bound) = 0;
};

}  // namespace kenes::storage
