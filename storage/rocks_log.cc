#include "storage/rocks_log.h"

#include <sys/statvfs.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <system_error>

#include <rocksdb/cache.h>
#include <rocksdb/write_buffer_manager.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "storage/file_sync.h"
#include "storage/rocks_log_testing.h"

namespace fs = std::filesystem;

namespace kenes::storage {
namespace {

// Do not change: stored on disk. Keys of the default column family.
constexpr const char* kFormatKey = "kenes.format";
constexpr const char* kFormatValue = "kenes-log 1";
constexpr const char* kLastOpenKey = "kenes.last_open";

std::uint64_t now_unix_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// The one place rocksdb::Status becomes ours.
Status from_rocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status();
  std::string message(context);
  message += ": ";
  message += s.ToString();
  if (s.IsNotFound()) return Status(Code::kNotFound, std::move(message));
  if (s.IsCorruption()) return Status(Code::kCorruption, std::move(message));
  if (s.IsInvalidArgument()) return Status(Code::kInvalidArgument, std::move(message));
  if (s.IsNotSupported()) return Status(Code::kNotSupported, std::move(message));
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return Status(Code::kBusy, std::move(message));
  return Status(Code::kIoError, std::move(message));
}

Status from_errc(const std::error_code& ec, std::string_view context) {
  return Status(Code::kIoError, std::string(context) + ": " + ec.message());
}

bool is_lock_error(const rocksdb::Status& s) {
  // RocksDB reports a held LOCK as an IO error: "While lock file: <path>/LOCK:
  // Resource temporarily unavailable" (another process) or "lock hold by
  // current process" (this one).
  return s.IsIOError() && s.ToString().find("LOCK") != std::string::npos;
}

rocksdb::CompressionType table_compression() {
  // LZ4 costs little CPU and shrinks text-heavy records well; fall back to
  // none if this RocksDB was built without it.
  auto supported = rocksdb::GetSupportedCompressions();
  bool lz4 = std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end();
  return lz4 ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
}

// One memory budget for every log the process opens: a 64 MiB block cache,
// and memtables (every family's, the ones being flushed included) capped at
// 32 MiB and charged to that same cache, which evicts data blocks to make
// room. Without the cap each family's memtables grow to their own size
// (32 + 16 + 16 + 4 MiB, twice while one flushes) before anything is
// flushed, so the server's memory climbs for many minutes after a start and
// then saws up and down by tens of MiB (bench/README.md, soak).
constexpr std::size_t kBlockCacheBytes = 64 << 20;
constexpr std::size_t kMemtableBudgetBytes = 32 << 20;

std::shared_ptr<rocksdb::Cache> shared_block_cache() {
  static std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  return cache;
}

std::shared_ptr<rocksdb::WriteBufferManager> shared_write_buffer_manager() {
  static std::shared_ptr<rocksdb::WriteBufferManager> manager =
      std::make_shared<rocksdb::WriteBufferManager>(kMemtableBudgetBytes, shared_block_cache());
  return manager;
}

}  // namespace

RocksMemory rocks_memory() {
  RocksMemory m;
  m.block_cache_bytes = shared_block_cache()->GetUsage();
  m.block_cache_capacity = shared_block_cache()->GetCapacity();
  m.memtable_bytes = shared_write_buffer_manager()->memory_usage();
  m.memtable_budget = shared_write_buffer_manager()->buffer_size();
  return m;
}

namespace {

// Options tuned for an append-only log read back sequentially.
rocksdb::DBOptions make_db_options() {
  rocksdb::DBOptions o;
  o.write_buffer_manager = shared_write_buffer_manager();
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  // A batch spans the log and index families; atomic flush keeps every
  // family's flushed state at the same batch boundary, so table files alone
  // (no WAL: durability "none", a backup copy) are always consistent.
  o.atomic_flush = true;
  // Replay the WAL up to the first incomplete record: a kill -9 or power loss
  // can leave a torn tail batch that was never acknowledged.
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // Bound the WAL: once it passes 512 MiB the memtables are flushed and old
  // WAL files deleted, which also bounds replay time at open.
  o.max_total_wal_size = 512ull << 20;
  // Write table files out gradually instead of in one burst at the end, so a
  // flush does not stall the fsyncs of appends behind it.
  o.bytes_per_sync = 1 << 20;
  o.max_background_jobs = 2;
  o.keep_log_file_num = 4;  // RocksDB's own info logs (LOG.old.*)
  o.max_log_file_size = 8 << 20;
  return o;
}

rocksdb::ColumnFamilyOptions make_family_options(std::string_view name, std::size_t memtable_bytes) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = shared_block_cache();
  o.compression = table_compression();
  o.level_compaction_dynamic_level_bytes = true;
  if (name == kLogFamily) {
    // Records arrive in key order per consultation and are read back as
    // ranges: 32 KiB blocks make replay reads sequential. No bloom filter:
    // nothing looks up one record by a key that may be absent, except the
    // chain anchor (a single Get). 32 MiB memtables: large enough for few
    // flushes, small enough that the WAL replayed at open after a crash
    // (at most about one memtable's worth) takes under a second.
    o.write_buffer_size = 32 << 20;
    table.block_size = 32 << 10;
  } else if (name == kIndexFamily) {
    // Every keyed append looks its client key up first, and nearly always
    // misses: a whole-key bloom filter in the tables and in the memtable
    // answers those misses without touching data blocks.
    o.write_buffer_size = 16 << 20;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    o.memtable_whole_key_filtering = true;
    o.memtable_prefix_bloom_size_ratio = 0.05;
  } else if (name == kSnapshotsFamily) {
    o.write_buffer_size = 16 << 20;
    table.block_size = 16 << 10;
  } else {
    o.write_buffer_size = 4 << 20;  // the default family: two small markers
  }
  if (memtable_bytes > 0) o.write_buffer_size = memtable_bytes;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return o;
}

const std::string kFamilyNames[kFamilyCount] = {std::string(kLogFamily), std::string(kSnapshotsFamily),
                                                std::string(kIndexFamily),
                                                rocksdb::kDefaultColumnFamilyName};

// The column families to open: ours and any others the folder has (RocksDB
// requires opening every existing family).
std::vector<rocksdb::ColumnFamilyDescriptor> family_descriptors(const std::vector<std::string>& existing,
                                                               std::size_t memtable_bytes = 0) {
  std::vector<std::string> names(std::begin(kFamilyNames), std::end(kFamilyNames));
  for (const auto& e : existing) {
    if (std::find(names.begin(), names.end(), e) == names.end()) names.push_back(e);
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> out;
  for (const auto& n : names) out.emplace_back(n, make_family_options(n, memtable_bytes));
  return out;
}

bool has_current_file(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::path(path) / "CURRENT", ec);
}

// Empty or absent: the only folders a backup or restore may write into.
Result<bool> is_empty_or_absent(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) {
    if (ec) return from_errc(ec, "checking " + p.string());
    return true;
  }
  if (!fs::is_directory(p, ec)) return false;
  return fs::is_empty(p, ec) && !ec;
}

}  // namespace

// --------------------------------------------------------------- the store

struct RocksLog::Handles {
  rocksdb::DB* db = nullptr;
  rocksdb::ColumnFamilyHandle* families[kFamilyCount] = {};
  std::vector<rocksdb::ColumnFamilyHandle*> all;  // including foreign families
  bool secondary = false;
  std::string secondary_path;  // removed at close
  Durability durability = Durability::kFsync;
  std::string path;             // the log folder, for the free-space check
  std::uint64_t min_free_bytes = 0;
};

namespace {

class RocksIterator : public KvIterator {
 public:
  RocksIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, std::string upper_bound,
                const rocksdb::Snapshot* snapshot)
      : upper_(std::move(upper_bound)) {
    rocksdb::ReadOptions ro;
    if (!upper_.empty()) {
      upper_slice_ = rocksdb::Slice(upper_);
      ro.iterate_upper_bound = &upper_slice_;
    }
    ro.snapshot = snapshot;
    it_.reset(db->NewIterator(ro, family));
  }
  void seek(std::string_view key) override { it_->Seek(rocksdb::Slice(key.data(), key.size())); }
  void seek_for_prev(std::string_view key) override {
    it_->SeekForPrev(rocksdb::Slice(key.data(), key.size()));
  }
  bool valid() const override { return it_->Valid(); }
  void next() override { it_->Next(); }
  void prev() override { it_->Prev(); }
  std::string_view key() const override {
    rocksdb::Slice k = it_->key();
    return {k.data(), k.size()};
  }
  std::string_view value() const override {
    rocksdb::Slice v = it_->value();
    return {v.data(), v.size()};
  }
  Status status() const override { return from_rocks(it_->status(), "reading the log"); }

 private:
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

class RocksStore : public KvStore {
  // Only the log's writer thread writes (and resume() runs while it idles).
  bool rocks_write_failed_ = false;

 public:
  explicit RocksStore(std::unique_ptr<RocksLog::Handles> h) : h_(std::move(h)) {}

  ~RocksStore() override {
    if (!h_->db) return;
    if (!h_->secondary) {
      // A clean close leaves nothing to replay: the next open then takes
      // milliseconds instead of re-reading up to a memtable's worth of WAL
      // (about 3 s per million records here). In `wal` mode the WAL tail is
      // synced first, in case the flush fails.
      if (h_->durability == Durability::kWal) (void)h_->db->FlushWAL(/*sync=*/true);
      (void)h_->db->Flush(rocksdb::FlushOptions(), h_->all);
    }
    for (auto* cf : h_->all) (void)h_->db->DestroyColumnFamilyHandle(cf);
    (void)h_->db->Close();
    delete h_->db;
    h_->db = nullptr;
    if (!h_->secondary_path.empty()) {
      std::error_code ec;
      fs::remove_all(h_->secondary_path, ec);
    }
  }

  Result<std::optional<std::string>> get(Family family, std::string_view key) override {
    std::string value;
    rocksdb::Status s = h_->db->Get(rocksdb::ReadOptions(), cf(family), rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return from_rocks(s, "reading the log");
    return std::optional<std::string>(std::move(value));
  }

  Status resume() override {
    // A write that failed inside RocksDB may have left its bytes in the WAL
    // (they come back at the next open: see RocksLogTest.DiskErrorIsSticky...);
    // continuing past it could give a later record the same seq. Only a
    // restart, which replays the WAL first, is safe then.
    if (rocks_write_failed_) {
      return Status(Code::kFailed, "a write failed inside RocksDB; restart the server to go on safely");
    }
    return check_free_space();
  }

  // kIoError while the disk holding the log has less than the reserve free.
  Status check_free_space() const {
    if (h_->min_free_bytes == 0) return Status();
    struct statvfs fs;
    if (::statvfs(h_->path.c_str(), &fs) != 0) return Status();  // cannot tell: let the write say
    const std::uint64_t free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
    if (free_bytes >= h_->min_free_bytes) return Status();
    return Status(Code::kIoError, "disk nearly full: " + std::to_string(free_bytes >> 20) + " MiB free on the log's disk (" +
                                      h_->path + "), below the reserve of " +
                                      std::to_string(h_->min_free_bytes >> 20) +
                                      " MiB; free some space and writes resume");
  }

  Status write(KvBatch batch, Durability durability) override {
    // Refused before RocksDB sees it: nothing of the batch exists anywhere.
    if (Status space = check_free_space(); !space.ok()) return space;
    rocksdb::WriteBatch wb(batch.bytes + 32 * batch.writes.size());
    for (const auto& w : batch.writes) {
      rocksdb::Status s;
      switch (w.kind) {
        case KvWrite::Kind::kPut: s = wb.Put(cf(w.family), w.key, w.value); break;
        case KvWrite::Kind::kDelete: s = wb.Delete(cf(w.family), w.key); break;
        case KvWrite::Kind::kDeleteRange: s = wb.DeleteRange(cf(w.family), w.key, w.value); break;
      }
      if (!s.ok()) return from_rocks(s, "building a write batch");
    }
    rocksdb::WriteOptions wo;
    wo.sync = durability == Durability::kFsync;
    wo.disableWAL = durability == Durability::kNone;
    rocksdb::Status written = h_->db->Write(wo, &wb);
    if (!written.ok()) rocks_write_failed_ = true;
    return from_rocks(written, "writing the log");
  }

  std::unique_ptr<KvIterator> iterate(Family family, std::string upper_bound) override {
    return std::make_unique<RocksIterator>(h_->db, cf(family), std::move(upper_bound), nullptr);
  }

  RocksLog::Handles* handles() { return h_.get(); }

 private:
  rocksdb::ColumnFamilyHandle* cf(Family f) { return h_->families[static_cast<int>(f)]; }
  std::unique_ptr<RocksLog::Handles> h_;
};

Result<std::vector<std::string>> list_families(const std::string& path, const rocksdb::DBOptions& o) {
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(o, path, &names);
  if (!s.ok()) return from_rocks(s, "listing the column families of " + path);
  return names;
}

// Opens the database itself (primary or secondary) into `h`.
Status open_database(const std::string& path, const RocksLogOptions& options, rocksdb::Env* env,
                     RocksLog::Handles& h) {
  rocksdb::DBOptions db_options = make_db_options();
  if (env) db_options.env = env;
  std::vector<std::string> existing;
  bool exists = has_current_file(path);

  if (options.read_only) {
    if (!exists) return Status(Code::kNotFound, "no log at " + path);
    auto names = list_families(path, db_options);
    if (!names.ok()) return names.status();
    existing = *names;
    // A secondary keeps every table file open (its view must survive the
    // writer compacting them away) and writes its own info log elsewhere.
    db_options.max_open_files = -1;
    std::string tmpl = (fs::temp_directory_path() / "kenes-log-view-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      return Status(Code::kIoError, "cannot create a temporary folder for the read-only view");
    }
    h.secondary = true;
    h.secondary_path = tmpl;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = family_descriptors(existing);
    rocksdb::Status s =
        rocksdb::DB::OpenAsSecondary(db_options, path, h.secondary_path, descriptors, &h.all, &h.db);
    if (!s.ok()) {
      std::error_code ec;
      fs::remove_all(h.secondary_path, ec);
      return from_rocks(s, "opening a read-only view of " + path);
    }
  } else {
    if (!exists) {
      if (!options.create_if_missing) return Status(Code::kNotFound, "no log at " + path);
      std::error_code ec;
      fs::create_directories(path, ec);
      if (ec) return from_errc(ec, "creating the log folder " + path);
    } else {
      auto names = list_families(path, db_options);
      if (!names.ok()) return names.status();
      existing = *names;
    }
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = family_descriptors(existing, options.memtable_bytes);
    rocksdb::Status s = rocksdb::DB::Open(db_options, path, descriptors, &h.all, &h.db);
    if (is_lock_error(s)) {
      return Status(Code::kBusy, "data folder " + path +
                                     " is already in use by another process (RocksDB holds its LOCK "
                                     "file): stop the server, or use a read-only command (" +
                                     s.ToString() + ")");
    }
    if (!s.ok()) return from_rocks(s, "opening the log in " + path);
  }
  for (auto* handle : h.all) {
    for (int i = 0; i < kFamilyCount; ++i) {
      if (handle->GetName() == kFamilyNames[i]) h.families[i] = handle;
    }
  }
  return Status();
}

// Checks (or, for a new log, writes) the format marker, then records who
// opened the log for writing.
Status check_format(RocksLog::Handles& h, Durability durability) {
  rocksdb::ColumnFamilyHandle* meta = h.families[static_cast<int>(Family::kMeta)];
  std::string value;
  rocksdb::Status s = h.db->Get(rocksdb::ReadOptions(), meta, kFormatKey, &value);
  if (s.ok()) {
    if (value != kFormatValue) {
      return Status(Code::kNotSupported, "the log's format is \"" + value + "\"; this build reads \"" +
                                             kFormatValue + "\"");
    }
  } else if (!s.IsNotFound()) {
    return from_rocks(s, "reading the format marker");
  } else {
    // No marker: a new log, or not a Kenes log at all.
    std::unique_ptr<rocksdb::Iterator> it(
        h.db->NewIterator(rocksdb::ReadOptions(), h.families[static_cast<int>(Family::kLog)]));
    it->SeekToFirst();
    if (it->Valid()) return Status(Code::kCorruption, "the folder holds records but no format marker");
    if (h.secondary) return Status();
  }
  if (h.secondary) return Status();
  rocksdb::WriteBatch wb;
  (void)wb.Put(meta, kFormatKey, kFormatValue);
  std::string who = "unix_ms=" + std::to_string(now_unix_ms()) + " pid=" + std::to_string(::getpid()) +
                    " durability=" + std::string(durability_name(durability));
  (void)wb.Put(meta, kLastOpenKey, who);
  rocksdb::WriteOptions wo;
  wo.sync = durability != Durability::kNone;
  wo.disableWAL = durability == Durability::kNone;
  return from_rocks(h.db->Write(wo, &wb), "writing the format marker");
}

Result<std::unique_ptr<RocksLog>> open_impl(const std::string& path, RocksLogOptions options,
                                            rocksdb::Env* env) {
  auto handles = std::make_unique<RocksLog::Handles>();
  handles->durability = options.durability;
  handles->path = path;
  handles->min_free_bytes = options.read_only ? 0 : options.min_free_bytes;
  Status s = open_database(path, options, env, *handles);
  if (!s.ok()) return s;
  RocksLog::Handles* raw = handles.get();
  auto store = std::make_unique<RocksStore>(std::move(handles));
  // From here the store owns the database and closes it on every path.
  for (int i = 0; i < kFamilyCount; ++i) {
    if (!raw->families[i]) return Status(Code::kCorruption, "column family " + kFamilyNames[i] + " is missing");
  }
  s = check_format(*raw, options.durability);
  if (!s.ok()) return s.with_context(path);

  KvLogOptions kv;
  kv.durability = options.durability;
  kv.read_only = options.read_only;
  kv.max_batch_bytes = options.max_batch_bytes;
  auto log = std::make_unique<RocksLog>(std::move(store), kv, path, raw);
  if (options.verify_on_open) {
    auto ids = log->consultations();
    if (!ids.ok()) return ids.status();
    for (const auto& id : *ids) {
      VerifyReport report;
      Status v = log->verify(id, &report);
      if (!v.ok()) {
        return Status(v.code(), "refusing to open " + path + ": " + v.message() +
                                    " (kenes-admin verify shows it; kenes-admin repair can truncate it)");
      }
    }
  }
  return log;
}

}  // namespace

RocksLog::RocksLog(std::unique_ptr<KvStore> store, KvLogOptions options, std::string path, Handles* handles)
    : KvLog(std::move(store), options), path_(std::move(path)), read_only_(options.read_only), handles_(handles) {}

RocksLog::~RocksLog() { shut_down(); }

Result<std::unique_ptr<RocksLog>> RocksLog::open(const std::string& path, RocksLogOptions options) {
  return open_impl(path, options, nullptr);
}

Status RocksLog::catch_up() {
  if (!handles_->secondary) return Status();
  return from_rocks(handles_->db->TryCatchUpWithPrimary(), "catching up with the writer");
}

Result<DatabaseStats> RocksLog::database_stats() {
  DatabaseStats out;
  out.path = path_;
  rocksdb::DB* db = handles_->db;
  rocksdb::ColumnFamilyHandle* meta = handles_->families[static_cast<int>(Family::kMeta)];
  std::string value;
  if (db->Get(rocksdb::ReadOptions(), meta, kFormatKey, &value).ok()) out.format = value;
  if (db->Get(rocksdb::ReadOptions(), meta, kLastOpenKey, &value).ok()) out.last_open = value;
  for (auto* cf : handles_->all) {
    std::uint64_t v = 0;
    if (db->GetIntProperty(cf, "rocksdb.total-sst-files-size", &v)) out.sst_bytes += v;
    if (db->GetIntProperty(cf, "rocksdb.cur-size-all-mem-tables", &v)) out.memtable_bytes += v;
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(path_, ec)) {
    if (entry.path().extension() == ".log" && entry.is_regular_file(ec)) {
      out.wal_bytes += entry.file_size(ec);
    }
  }
  if (ec) return from_errc(ec, "listing " + path_);
  return out;
}

// ------------------------------------------------------------------ backup

namespace {

Status write_manifest(const fs::path& dir, const BackupReport& report) {
  fs::path tmp = dir / (std::string(kBackupManifestName) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "kenes-log-backup 1\n";
    out << "created_unix_ms " << report.created_unix_ms << "\n";
    out << "keys " << report.keys << "\n";
    out << "bytes " << report.bytes << "\n";
    for (const auto& [id, head] : report.heads) {
      out << "head " << id << " " << head.seq << " " << to_hex(head.hash) << "\n";
    }
    out << "end\n";
    out.flush();
    if (!out) return Status(Code::kIoError, "writing " + tmp.string() + " failed");
  }
  if (Status s = fsync_path(tmp, false); !s.ok()) return s;
  std::error_code ec;
  fs::rename(tmp, dir / kBackupManifestName, ec);
  if (ec) return from_errc(ec, "renaming the backup manifest");
  return fsync_path(dir, true);
}

}  // namespace

Result<BackupReport> RocksLog::backup_to(const std::string& target_dir) {
  fs::path target(target_dir);
  auto empty = is_empty_or_absent(target);
  if (!empty.ok()) return empty.status();
  if (!*empty) {
    return Status(Code::kInvalidArgument, "backup target " + target_dir + " exists and is not empty");
  }
  std::error_code ec;
  fs::create_directories(target / kBackupLogFolder, ec);
  if (ec) return from_errc(ec, "creating " + (target / kBackupLogFolder).string());

  BackupReport report;
  report.directory = target_dir;
  report.created_unix_ms = now_unix_ms();

  // The destination: a fresh database with the same families and options.
  std::string dest_path = (target / kBackupLogFolder).string();
  rocksdb::DB* dest = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> dest_families;
  {
    std::vector<std::string> names;
    for (auto* cf : handles_->all) names.push_back(cf->GetName());
    rocksdb::Status s = rocksdb::DB::Open(make_db_options(), dest_path, family_descriptors(names),
                                          &dest_families, &dest);
    if (!s.ok()) return from_rocks(s, "creating the backup database in " + dest_path);
  }
  auto close_dest = [&] {
    for (auto* cf : dest_families) (void)dest->DestroyColumnFamilyHandle(cf);
    (void)dest->Close();
    delete dest;
    dest = nullptr;
  };

  // One point in time for every family: a snapshot on a writable log; a
  // read-only view does not move until catch_up(), so it needs none (and
  // RocksDB's secondaries do not support snapshot iterators).
  rocksdb::DB* db = handles_->db;
  const rocksdb::Snapshot* snapshot = handles_->secondary ? nullptr : db->GetSnapshot();
  Status copied;
  std::map<std::string, Head> heads;
  for (std::size_t i = 0; i < handles_->all.size() && copied.ok(); ++i) {
    rocksdb::ColumnFamilyHandle* from = handles_->all[i];
    rocksdb::ColumnFamilyHandle* to = nullptr;
    for (auto* cf : dest_families) {
      if (cf->GetName() == from->GetName()) to = cf;
    }
    if (!to) {
      copied = Status(Code::kIoError, "the backup database has no family " + from->GetName());
      break;
    }
    bool is_log = from->GetName() == kLogFamily;
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, from));
    rocksdb::WriteBatch wb;
    rocksdb::WriteOptions wo;
    wo.disableWAL = true;  // flushed below; a crash mid-backup leaves no manifest
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      rocksdb::Slice k = it->key(), v = it->value();
      (void)wb.Put(to, k, v);
      ++report.keys;
      report.bytes += k.size() + v.size();
      if (is_log) {
        auto key = parse_log_key(std::string_view(k.data(), k.size()));
        if (key) heads[std::string(key->consultation)] = Head{key->seq, sha256(std::string_view(v.data(), v.size()))};
      }
      if (wb.GetDataSize() > (4u << 20)) {
        copied = from_rocks(dest->Write(wo, &wb), "writing the backup");
        wb.Clear();
        if (!copied.ok()) break;
      }
    }
    if (copied.ok()) copied = from_rocks(it->status(), "reading the log for the backup");
    if (copied.ok() && wb.Count() > 0) copied = from_rocks(dest->Write(wo, &wb), "writing the backup");
  }
  if (snapshot) db->ReleaseSnapshot(snapshot);
  if (copied.ok()) {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    copied = from_rocks(dest->Flush(fo, dest_families), "flushing the backup");
  }
  if (copied.ok()) copied = from_rocks(dest->SyncWAL(), "syncing the backup");
  close_dest();
  if (!copied.ok()) return copied;
  report.heads.assign(heads.begin(), heads.end());

  // Read the copy back through the log itself before calling it a backup.
  {
    RocksLogOptions ro;
    ro.read_only = true;
    auto copy = RocksLog::open(dest_path, ro);
    if (!copy.ok()) return copy.status().with_context("reopening the backup");
    for (const auto& [id, head] : report.heads) {
      VerifyReport vr;
      Status v = (*copy)->verify(id, &vr);
      if (!v.ok()) {
        if (v.code() != Code::kCorruption) return v;
        report.problems.push_back(v.message());
      }
      auto h = (*copy)->head(id);
      if (!h.ok()) return h.status();
      if (!(*h == head)) {
        return Status(Code::kCorruption, "the backup of " + id + " ends at seq " + std::to_string(h->seq) +
                                             " but the copy was taken at seq " + std::to_string(head.seq));
      }
    }
  }
  if (Status s = write_manifest(target, report); !s.ok()) return s;
  return report;
}

// ---------------------------------------------------------------- testing

namespace testing {

Result<std::unique_ptr<RocksLog>> open_rocks_log_with_env(const std::string& path, RocksLogOptions options,
                                                          rocksdb::Env* env) {
  return open_impl(path, options, env);
}

Status write_raw_log_entry(const std::string& path, const std::string& key, std::optional<std::string> value) {
  RocksLog::Handles h;
  RocksLogOptions options;
  options.create_if_missing = false;
  Status s = open_database(path, options, nullptr, h);
  if (!s.ok()) return s;
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::ColumnFamilyHandle* log = h.families[static_cast<int>(Family::kLog)];
  rocksdb::Status r = value ? h.db->Put(wo, log, key, *value) : h.db->Delete(wo, log, key);
  for (auto* cf : h.all) (void)h.db->DestroyColumnFamilyHandle(cf);
  (void)h.db->Close();
  delete h.db;
  return from_rocks(r, "writing a raw log entry");
}

}  // namespace testing
}  // namespace kenes::storage
