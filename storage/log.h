#pragma once

// The consultation log: one append-only, hash-chained sequence of opaque
// records per consultation, plus snapshots (a cache of state derived from the
// log) and the idempotency index. storage/README.md specifies the bytes.
//
// Storage knows bytes and sequence numbers only. The server puts a serialized
// kenes.v1.LogRecord in each payload; storage never looks inside it.
//
// Two implementations pass one conformance suite (log_conformance_test.cc):
// RocksLog (rocks_log.h), the real one, and MemoryLog (memory_log.h), for unit
// tests of the engine and the server.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/format.h"
#include "storage/status.h"

namespace kenes::storage {

// How far an append has to get before it is acknowledged.
enum class Durability {
  // Default. The write-ahead log is fsynced (fdatasync) before the append is
  // acknowledged: survives a process crash and a power loss. Group commit
  // shares one sync among every append waiting.
  kFsync,
  // The write-ahead log is written (into the OS page cache) but not synced:
  // survives a process crash (kill -9), not a power loss or kernel panic.
  kWal,
  // No write-ahead log at all: acknowledged records live in memory until
  // RocksDB flushes them. Loses everything since the last flush on any crash.
  // For tests only.
  kNone,
};

// "fsync", "wal", "none" (the names used by options and config files).
std::optional<Durability> parse_durability(std::string_view name);
std::string_view durability_name(Durability durability);

// The idempotency key a client chose for an op. client_id is 1..65535 bytes
// of anything.
struct ClientKey {
  std::string client_id;
  std::uint64_t client_seq = 0;
};

// One record to append: opaque payload bytes and, for client ops, their key.
struct Entry {
  std::string payload;
  std::optional<ClientKey> key;
};

// What an append assigned: seqs first_seq..last_seq (contiguous), and the hash
// of the last record's frame, which is the consultation's new head. For an
// empty batch first_seq == last_seq + 1 and last_hash is the current head's.
struct Appended {
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  Hash last_hash{};
};

// A record as read back: the payload and its frame fields.
struct StoredRecord {
  std::uint64_t seq = 0;
  Hash prev_hash{};
  Hash hash{};  // SHA-256 of the whole stored frame
  std::string payload;
};

// The same, for the replay visitor: views valid only during the call.
struct RecordView {
  std::uint64_t seq;
  const Hash& prev_hash;
  const Hash& hash;
  std::string_view payload;
};

// A hash as its 32 raw bytes (the wire's prev_hash carries it so).
inline std::string hash_bytes(const Hash& h) { return std::string(reinterpret_cast<const char*>(h.data()), h.size()); }

// The last record of a consultation: seq 0 and the zero hash when it has none.
struct Head {
  std::uint64_t seq = 0;
  Hash hash{};
  bool operator==(const Head&) const = default;
};

// Opaque state bytes for one component of a consultation ("name": a document
// id, or any state component the server chooses) at one version.
struct SnapshotEntry {
  std::string name;
  std::uint64_t version = 0;
  std::string bytes;
  // Older versions of the name are deleted by the same write. Documents keep
  // theirs (history reads the text at a version from the nearest one); state
  // that only the latest version of matters would otherwise pile up, a copy
  // per snapshot set, for as long as the consultation lives.
  bool replaces_older = false;
  bool operator==(const SnapshotEntry&) const = default;
};

// The latest snapshot of every name, all reflecting the state of the
// consultation after record covered_seq. covered_seq 0 and no entries when the
// consultation has no snapshots.
struct SnapshotSet {
  std::uint64_t covered_seq = 0;
  std::vector<SnapshotEntry> entries;  // by key: name length, then name
};

// The first place where a consultation's stored log is not what the format
// promises. `seq` is the first record that cannot be trusted.
struct VerifyBreak {
  enum class Kind {
    kBadKey,         // a key in the consultation's range is not "<id>\0<u64 seq>"
    kGap,            // record `seq` is missing although later ones exist
    kBadFrame,       // record `seq` has a bad format byte or is too short
    kSeqMismatch,    // record `seq`'s frame names another seq
    kChainBreak,     // record `seq` does not hash to what its successor recorded
    kDanglingIndex,  // an idempotency entry points beyond the head
    kSnapshotAhead,  // the snapshot set covers records that do not exist
  };
  Kind kind = Kind::kGap;
  std::uint64_t seq = 0;
  std::string expected;
  std::string found;
  std::string message;  // one sentence naming seq, expected and found
};
std::string_view verify_break_kind_name(VerifyBreak::Kind kind);

struct VerifyReport {
  std::string consultation;
  // Records 1..head.seq are contiguous, well framed and chained: the verified
  // head. Equal to the stored head when there is no break.
  Head head;
  // Every key stored for the consultation, good or bad.
  std::uint64_t stored_records = 0;
  std::optional<VerifyBreak> first_break;
};

// What truncate_after removed; enough for an operator to see exactly what was
// dropped and to keep it (the raw frames).
struct TruncateReport {
  Head kept;  // the new head
  struct Dropped {
    std::uint64_t key_seq;  // the seq in the key (the frame may disagree)
    std::string frame;      // raw stored bytes
  };
  std::vector<Dropped> dropped_records;
  std::uint64_t dropped_index_entries = 0;
  std::uint64_t dropped_snapshot_entries = 0;
  std::string note;  // the repair note stored in the index
};

struct ConsultationStats {
  std::string consultation;
  Head head;
  std::uint64_t records = 0;
  std::uint64_t record_bytes = 0;  // frames, as stored (before compression)
  std::uint64_t client_keys = 0;
  std::uint64_t snapshot_entries = 0;
  std::uint64_t snapshot_bytes = 0;
  std::uint64_t snapshot_covered_seq = 0;
  std::vector<std::string> repair_notes;
};

// Called once per append, on the storage writer thread, after the batch is
// durable per the durability mode (or with the error that stopped it). It must
// not block: the server posts to its strand and returns. It may call
// append_async, but never the blocking append(), which would wait for the
// very thread it runs on.
using AppendCallback = std::function<void(Result<Appended>)>;

// Every method is thread-safe. Consultation ids are checked by every call
// (kInvalidArgument for anything but 1..64 bytes of [A-Za-z0-9._-]).
class Log {
 public:
  virtual ~Log() = default;

  // Appends `entries` to the consultation as one all-or-nothing batch.
  //
  // Seqs and hashes are assigned when the call is made, under a lock, so the
  // order of append_async calls is the order of seqs (calls made from one
  // strand keep their order). `done` runs later — never inside this call —
  // with the assigned range once the whole batch is durable, or with an error
  // and then none of the batch is ever visible:
  //   kInvalidArgument  bad consultation id, empty client id
  //   kAlreadyExists    an entry's client key is already recorded or in flight
  //                     (also two entries of the batch with the same key);
  //                     nothing of the batch is written
  //   kIoError, ...     the write failed: the first such error is sticky, see
  //                     health()
  //   kFailed           an earlier write failed; the message names that error
  //   kNotSupported     a read-only view
  // Appends of all consultations waiting at once share one write and one sync
  // (group commit); `done` callbacks run in seq order.
  virtual void append_async(std::string_view consultation, std::vector<Entry> entries,
                            AppendCallback done) = 0;

  // append_async, waiting for the result. Never call it from an AppendCallback.
  Result<Appended> append(std::string_view consultation, std::vector<Entry> entries);

  // Up to `limit` durable records from from_seq (1 if 0) on, in seq order;
  // empty past the head. kCorruption (naming the seq) if the range is not
  // contiguous, a frame is malformed, or the chain breaks inside the range or
  // at its start (record from_seq is checked against record from_seq - 1).
  virtual Result<std::vector<StoredRecord>> read(std::string_view consultation,
                                                 std::uint64_t from_seq, std::size_t limit) = 0;

  // Visits every durable record from from_seq (1 if 0) to the head, in order,
  // checking contiguity and the chain as read() does — the fast path for
  // rebuilding state. Stops at the first non-ok status `visit` returns and
  // returns it. Records appended during the replay may or may not be visited.
  virtual Status replay(std::string_view consultation, std::uint64_t from_seq,
                        const std::function<Status(const RecordView&)>& visit) = 0;

  // The last durable record (seq 0 + zero hash for an empty or unknown one).
  virtual Result<Head> head(std::string_view consultation) = 0;

  // Every consultation with at least one record, sorted by id.
  virtual Result<std::vector<std::string>> consultations() = 0;

  // The seq recorded for a client key, if a durable record carries it.
  // Appends still in flight are not visible here (durable before visible);
  // appending such a key again is refused with kAlreadyExists.
  virtual Result<std::optional<std::uint64_t>> find_by_client(std::string_view consultation,
                                                              const ClientKey& key) = 0;

  // Writes a snapshot set atomically: every entry and the consultation's
  // covered seq. The caller promises that, together with the latest entries
  // of names not in this set, the entries reflect the state after record
  // covered_seq. kInvalidArgument if covered_seq is beyond the durable head
  // (a snapshot must never be ahead of the log: after a crash it would hold
  // state that the log lost), below the current covered seq, or a name is
  // empty, too long or repeated.
  virtual Status write_snapshots(std::string_view consultation, std::uint64_t covered_seq,
                                 std::vector<SnapshotEntry> entries) = 0;
  // The covered seq and the latest entry (highest version) of every name.
  virtual Result<SnapshotSet> load_latest_snapshots(std::string_view consultation) = 0;
  // The entry of `name` with the highest version <= `version`, if any.
  virtual Result<std::optional<SnapshotEntry>> load_snapshot_at_or_before(
      std::string_view consultation, std::string_view name, std::uint64_t version) = 0;
  // Deletes every snapshot of the consultation (they are only a cache).
  virtual Status drop_snapshots(std::string_view consultation) = 0;

  // Walks the whole consultation: key format, seq contiguity from 1, frame
  // format, the hash chain, then the idempotency index and the snapshot set
  // against the head. Fills `report` (which must not be null) and returns ok,
  // or kCorruption with the first break's message (also in
  // report->first_break), or the IO error that stopped the walk. Nothing is
  // skipped. The head record itself is attested only by an outside copy of
  // the head (exports print it): compare report->head with it.
  virtual Status verify(std::string_view consultation, VerifyReport* report) = 0;

  // Repair primitive: deletes every record of the consultation with a key
  // seq > last_good_seq, the idempotency entries pointing at them and every
  // snapshot of the consultation, and stores a repair note, in one synced
  // write. Returns exactly what was dropped. Waits for appends in flight.
  // Refused (kFailed) after a sticky error: reopen first.
  virtual Result<TruncateReport> truncate_after(std::string_view consultation,
                                                std::uint64_t last_good_seq) = 0;
  // What truncate_after would drop, changing nothing: an operator sees (and
  // can save) the records before they go.
  virtual Result<TruncateReport> plan_truncate_after(std::string_view consultation,
                                                     std::uint64_t last_good_seq) = 0;

  // Counts for operators (walks the consultation's keys).
  virtual Result<ConsultationStats> stats(std::string_view consultation) = 0;

  // ok, or the first write error, after which every append is refused.
  virtual Status health() = 0;

  // After a write error: waits for the appends already queued to be refused,
  // then asks the store to recover (say, the disk had filled up and has room
  // again). On success the sticky error is cleared and appends are taken
  // again, continuing from the durable head: nothing refused was written, so
  // seqs and the hash chain go on from the last durable record. On failure
  // the log stays as it was and the call can be repeated later. ok at once
  // when healthy.
  virtual Status resume_writes() = 0;
};

}  // namespace kenes::storage
