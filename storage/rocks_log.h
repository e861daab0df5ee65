#pragma once

// RocksLog: the Log in one RocksDB database (a folder; by default
// <data-dir>/log). The format of its keys and values is specified in
// storage/README.md.
//
// One process at a time may open a folder for writing: RocksDB's LOCK file
// makes a second open fail with kBusy ("already in use by another process").
// Any number of read-only views (kenes-admin verify, dump, stats, backup) may
// open it at the same time, from other processes, while it is being written.

#include <cstdint>
#include <memory>
#include <string>

#include "storage/backup.h"
#include "storage/kv_log.h"

namespace kenes::storage {

struct RocksLogOptions {
  Durability durability = Durability::kFsync;
  // Open a read-only view: a RocksDB secondary instance, which needs no lock
  // and so works while another process (the server) has the folder open. It
  // sees the log as it was at open; catch_up() moves it forward. Every write
  // is refused with kNotSupported.
  bool read_only = false;
  // Create the folder (and its parents) and an empty log if there is none.
  // Otherwise a missing log is kNotFound. Ignored for read-only views, which
  // never create anything.
  bool create_if_missing = true;
  // Verify every consultation (verify()) before returning, and refuse to open
  // with kCorruption naming the consultation and the first break if one does
  // not. Reads the whole log: about a second per million records.
  bool verify_on_open = false;
  // See KvLogOptions::max_batch_bytes.
  std::size_t max_batch_bytes = 4 << 20;
  // Memtable size of every column family, 0 for the tuned defaults (see
  // rocks_log.cc). Tests set it tiny to make flushes and compactions happen
  // all the time.
  std::size_t memtable_bytes = 0;
  // Refuse every write (kIoError, "disk nearly full") while the file system
  // holding the log has less than this many bytes free; 0: no reserve.
  // RocksDB itself must never meet a full disk: the 7.8 that Debian 12 ships
  // aborts on an assertion when a WAL write fails and is followed by another
  // (RocksDB PR 12448). With a reserve the log stops first, cleanly, and
  // resume_writes() succeeds once space is back above the reserve.
  std::uint64_t min_free_bytes = 0;
};

// What RocksDB holds in memory for all the logs this process opened: they
// share one block cache and one memtable budget (rocks_log.cc), so these are
// bounded whatever the log's size. For /metrics, and for telling the
// server's own memory from RocksDB's in a soak.
struct RocksMemory {
  std::uint64_t block_cache_bytes = 0;  // in use; the memtables' charge included
  std::uint64_t block_cache_capacity = 0;
  std::uint64_t memtable_bytes = 0;
  std::uint64_t memtable_budget = 0;
};
RocksMemory rocks_memory();

// Database-level numbers for operators.
struct DatabaseStats {
  std::string path;
  std::string format;          // the stored format marker, "kenes-log 1"
  std::string last_open;       // who opened it for writing last, and how
  std::uint64_t sst_bytes = 0;       // table files, after compression
  std::uint64_t wal_bytes = 0;       // write-ahead log files on disk
  std::uint64_t memtable_bytes = 0;  // not yet flushed to table files
};

class RocksLog : public KvLog {
 public:
  // Opens (or creates) the log in `path`. Errors:
  //   kBusy        another process (or this one) has the folder open for writing
  //   kNotFound    no log there (read-only, or create_if_missing false)
  //   kIoError     the folder cannot be created, read or written (a read-only
  //                folder, a full disk); the message has the OS's reason
  //   kCorruption  RocksDB's own checks failed, or verify_on_open found a break
  //   kNotSupported the folder holds a log of an unknown format version
  static Result<std::unique_ptr<RocksLog>> open(const std::string& path, RocksLogOptions options = {});

  // Drains queued appends, then closes the database (syncing the WAL in
  // `wal` mode, flushing memtables in `none` mode).
  ~RocksLog() override;

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }

  // Read-only views only: move the view forward to what the writer has
  // written since open (or the last catch_up). No-op for a writable log.
  Status catch_up();

  // Writes a consistent, verified backup of the whole database into
  // target_dir (see backup.h), which must not exist or be empty. Works on a
  // writable log while appends run (a RocksDB snapshot pins the view) and on
  // a read-only view opened while another process writes.
  Result<BackupReport> backup_to(const std::string& target_dir);

  Result<DatabaseStats> database_stats();

  struct Handles;  // RocksDB objects; defined in rocks_log.cc

  // For rocks_log_testing.h.
  RocksLog(std::unique_ptr<KvStore> store, KvLogOptions options, std::string path, Handles* handles);

 private:
  std::string path_;
  bool read_only_;
  Handles* handles_;  // owned by the store
};

}  // namespace kenes::storage
