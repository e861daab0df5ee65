#include "storage/kv_log.h"

#include <chrono>
#include <limits>
#include <set>
#include <utility>

namespace kenes::storage {
namespace {

constexpr std::uint64_t kMaxSeq = std::numeric_limits<std::uint64_t>::max();
// Bound on KvLog::client_high_ (about 100 bytes each).
constexpr std::size_t kMaxCachedClients = 100000;

// "<consultation>\0\x01<u16 BE len><client_id>": every key of one client.
std::string client_key_prefix(std::string_view consultation, std::string_view client_id) {
  std::string key = client_key(consultation, client_id, 0);
  key.resize(key.size() - 8);
  return key;
}

// Client ids and snapshot names are arbitrary bytes; show them as text when
// they are printable ASCII and as hex otherwise, so messages stay one line.
std::string printable(std::string_view bytes) {
  for (unsigned char c : bytes) {
    if (c < 0x20 || c > 0x7E) return "0x" + to_hex(bytes);
  }
  return "\"" + std::string(bytes) + "\"";
}

std::string describe_key(const ClientKey& key) {
  return "client key (" + printable(key.client_id) + ", " + std::to_string(key.client_seq) + ")";
}

Status check_client_key(const ClientKey& key) {
  if (key.client_id.empty()) return Status(Code::kInvalidArgument, "client id is empty");
  if (key.client_id.size() > kMaxNameSize) {
    return Status(Code::kInvalidArgument, "client id is longer than 65535 bytes");
  }
  return Status();
}

Status refused_after(const Status& sticky) {
  return Status(Code::kFailed, "the log refuses writes since an earlier write failed: " + sticky.to_string());
}

Status corruption(std::string_view consultation, const std::string& message) {
  return Status(Code::kCorruption, "consultation " + std::string(consultation) + ": " + message);
}

std::string encode_u64(std::uint64_t v) {
  std::string out;
  append_u64(out, v);
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

std::uint64_t now_unix_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// Snapshot-set header value: [u8 format][u64 BE covered_seq].
Result<std::uint64_t> parse_snapshot_header(std::string_view consultation, std::string_view value) {
  if (value.size() != 9 || static_cast<std::uint8_t>(value[0]) != kSnapshotFormat) {
    return corruption(consultation, "snapshot set header is malformed (" + std::to_string(value.size()) +
                                        " bytes)");
  }
  return decode_u64(value.data() + 1);
}

}  // namespace

struct KvLog::Pending {
  std::string consultation;
  std::vector<std::pair<std::string, std::string>> records;  // (log key, frame)
  std::vector<std::pair<std::string, std::string>> index;    // (client key, u64 BE seq)
  std::vector<std::string> in_flight;                        // client keys to release
  Result<Appended> result = Status(Code::kFailed, "append not prepared");
  AppendCallback done;
  std::size_t bytes = 0;
};

KvLog::KvLog(std::unique_ptr<KvStore> store, KvLogOptions options)
    : store_(std::move(store)), options_(options) {
  writer_ = std::thread([this] { writer_loop(); });
}

KvLog::~KvLog() { shut_down(); }

void KvLog::shut_down() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void KvLog::set_write_fault_for_testing(std::function<Status()> fault) {
  std::lock_guard lock(mu_);
  write_fault_ = std::move(fault);
}

Status KvLog::health() {
  std::lock_guard lock(mu_);
  return sticky_;
}

Status KvLog::resume_writes() {
  if (options_.read_only) return Status(Code::kNotSupported, "this log is a read-only view");
  std::unique_lock lock(mu_);
  if (sticky_.ok()) return Status();
  idle_cv_.wait(lock, [&] { return queue_.empty() && !writing_; });
  // mu_ stays held: no append is prepared against the old tails meanwhile.
  if (Status s = store_->resume(); !s.ok()) return s;
  // The tails were advanced when refused appends were prepared; reload them
  // from what is stored. Same for the client-key cache.
  tails_.clear();
  client_high_.clear();
  in_flight_keys_.clear();
  sticky_ = Status();
  return Status();
}

Status KvLog::record_write_error(const Status& s) {
  std::lock_guard lock(mu_);
  if (sticky_.ok()) {
    sticky_ = s;
    return s;
  }
  return refused_after(sticky_);
}

// ---------------------------------------------------------------- appending

Result<KvLog::ClientHigh*> KvLog::client_high_locked(std::string_view consultation, std::string_view client_id) {
  std::string prefix = client_key_prefix(consultation, client_id);
  auto it = client_high_.find(prefix);
  if (it != client_high_.end()) return &it->second;
  if (client_high_.size() >= kMaxCachedClients) client_high_.clear();
  ClientHigh high;
  auto index = store_->iterate(Family::kIndex, prefix_end(prefix));
  index->seek_for_prev(client_key(consultation, client_id, kMaxSeq));
  if (index->valid() && starts_with(index->key(), prefix) && index->key().size() == prefix.size() + 8) {
    high.any = true;
    high.max_seq = decode_u64(index->key().data() + prefix.size());
  } else if (!index->status().ok()) {
    return index->status();
  }
  return &client_high_.emplace(std::move(prefix), high).first->second;
}

Result<KvLog::Tail*> KvLog::tail_locked(const std::string& consultation) {
  auto it = tails_.find(consultation);
  if (it != tails_.end()) return &it->second;
  auto head = load_head(consultation);
  if (!head.ok()) return head.status();
  Tail tail;
  tail.next_seq = head->seq + 1;
  tail.last_hash = head->hash;
  tail.durable = *head;
  return &tails_.emplace(consultation, tail).first->second;
}

void KvLog::append_async(std::string_view consultation, std::vector<Entry> entries,
                         AppendCallback done) {
  auto pending = std::make_unique<Pending>();
  pending->done = std::move(done);
  pending->consultation.assign(consultation);
  Status check = check_consultation_id(consultation);
  if (check.ok() && options_.read_only) {
    check = Status(Code::kNotSupported, "this log is a read-only view");
  }
  for (std::size_t i = 0; check.ok() && i < entries.size(); ++i) {
    if (entries[i].key) check = check_client_key(*entries[i].key);
  }

  std::unique_lock lock(mu_);
  if (stopping_) {
    // Appending to a log being destroyed is a caller bug; answer rather than hang.
    lock.unlock();
    if (pending->done) pending->done(Status(Code::kFailed, "the log is closed"));
    return;
  }
  if (check.ok() && !sticky_.ok()) check = refused_after(sticky_);
  Tail* tail = nullptr;
  if (check.ok()) {
    auto found = tail_locked(pending->consultation);
    if (found.ok()) {
      tail = *found;
    } else {
      check = found.status();
    }
  }

  // Refuse a key that is recorded, in flight, or twice in this batch, before
  // any seq is taken: seqs are handed out here, so a refusal later would
  // leave a gap.
  std::vector<std::string> keys(entries.size());
  if (check.ok()) {
    std::set<std::string_view> in_batch;
    for (std::size_t i = 0; check.ok() && i < entries.size(); ++i) {
      if (!entries[i].key) continue;
      keys[i] = client_key(consultation, entries[i].key->client_id, entries[i].key->client_seq);
      if (!in_batch.insert(keys[i]).second || in_flight_keys_.count(keys[i]) != 0) {
        check = Status(Code::kAlreadyExists, describe_key(*entries[i].key) + " is already in flight");
        break;
      }
      // A point lookup under mu_: the index's bloom filters answer the usual
      // miss without reading a data block, so this stays short.
      auto high = client_high_locked(consultation, entries[i].key->client_id);
      if (!high.ok()) {
        check = high.status();
        break;
      }
      if (!(*high)->any || entries[i].key->client_seq > (*high)->max_seq) continue;  // provably new
      auto recorded = store_->get(Family::kIndex, keys[i]);
      if (!recorded.ok()) {
        check = recorded.status();
      } else if (recorded->has_value()) {
        const std::string& v = **recorded;
        check = Status(Code::kAlreadyExists,
                       describe_key(*entries[i].key) + " is already recorded as seq " +
                           (v.size() == 8 ? std::to_string(decode_u64(v.data())) : "(malformed)"));
      }
    }
  }

  if (check.ok()) {
    Appended appended;
    appended.first_seq = tail->next_seq;
    Hash prev = tail->last_hash;
    std::uint64_t seq = tail->next_seq;
    pending->records.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i, ++seq) {
      std::string frame = encode_frame(seq, prev, entries[i].payload);
      prev = sha256(frame);
      pending->bytes += frame.size();
      pending->records.emplace_back(log_key(consultation, seq), std::move(frame));
      if (entries[i].key) {
        ClientHigh& high = client_high_[client_key_prefix(consultation, entries[i].key->client_id)];
        high.max_seq = high.any ? std::max(high.max_seq, entries[i].key->client_seq) : entries[i].key->client_seq;
        high.any = true;
        pending->index.emplace_back(keys[i], encode_u64(seq));
        in_flight_keys_.insert(keys[i]);
        pending->in_flight.push_back(std::move(keys[i]));
      }
    }
    appended.last_seq = seq - 1;
    appended.last_hash = prev;
    tail->next_seq = seq;
    tail->last_hash = prev;
    pending->result = appended;
  } else {
    pending->result = check;
  }
  queue_.push_back(std::move(pending));
  lock.unlock();
  work_cv_.notify_one();
}

void KvLog::writer_loop() {
  for (;;) {
    std::vector<std::unique_ptr<Pending>> batch;
    Status refuse;
    std::function<Status()> fault;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and drained
      std::size_t bytes = 0;
      while (!queue_.empty()) {
        std::size_t next = queue_.front()->bytes;
        if (!batch.empty() && bytes + next > options_.max_batch_bytes) break;
        bytes += next;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      writing_ = true;
      refuse = sticky_;
      fault = write_fault_;
    }

    KvBatch kv;
    for (auto& p : batch) {
      if (!p->result.ok()) continue;
      if (!refuse.ok()) {
        // Prepared before the first failure, taken after it.
        p->result = refused_after(refuse);
        continue;
      }
      for (auto& [key, frame] : p->records) kv.put(Family::kLog, std::move(key), std::move(frame));
      for (auto& [key, seq] : p->index) kv.put(Family::kIndex, std::move(key), std::move(seq));
    }
    Status written;
    if (!kv.empty()) {
      if (fault) written = fault();
      if (written.ok()) written = store_->write(std::move(kv), options_.durability);
    }

    {
      std::lock_guard lock(mu_);
      if (!written.ok() && sticky_.ok()) sticky_ = written;
      for (auto& p : batch) {
        for (const auto& key : p->in_flight) in_flight_keys_.erase(key);
        if (!p->result.ok()) continue;
        if (!written.ok()) {
          p->result = written;
          continue;
        }
        auto tail = tails_.find(p->consultation);
        if (tail != tails_.end() && p->result->last_seq > tail->second.durable.seq) {
          tail->second.durable = Head{p->result->last_seq, p->result->last_hash};
        }
      }
      writing_ = false;
      if (queue_.empty()) idle_cv_.notify_all();
    }
    for (auto& p : batch) {
      if (p->done) p->done(std::move(p->result));
    }
  }
}

// ------------------------------------------------------------------ reading

Result<Head> KvLog::load_head(std::string_view consultation) {
  std::string prefix = consultation_prefix(consultation);
  auto it = store_->iterate(Family::kLog, prefix_end(prefix));
  it->seek_for_prev(log_key(consultation, kMaxSeq));
  if (!it->valid()) {
    if (!it->status().ok()) return it->status();
    return Head{};
  }
  if (!starts_with(it->key(), prefix)) return Head{};
  auto key = parse_log_key(it->key());
  if (!key || key->consultation != consultation) {
    return corruption(consultation, "last key " + to_hex(it->key()) + " is not a log key");
  }
  auto frame = decode_frame(it->value());
  if (!frame.ok()) return frame.status().with_context("consultation " + std::string(consultation) + ": seq " + std::to_string(key->seq));
  if (frame->seq != key->seq) {
    return corruption(consultation, "last record's key says seq " + std::to_string(key->seq) +
                                        " but its frame says " + std::to_string(frame->seq));
  }
  return Head{key->seq, sha256(it->value())};
}

Result<Head> KvLog::head(std::string_view consultation) {
  if (Status s = check_consultation_id(consultation); !s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    auto it = tails_.find(std::string(consultation));
    if (it != tails_.end()) return it->second.durable;
  }
  return load_head(consultation);
}

Status KvLog::walk(std::string_view consultation, std::uint64_t from_seq, std::size_t limit,
                   const std::function<Status(const RecordView&)>& visit) {
  if (Status s = check_consultation_id(consultation); !s.ok()) return s;
  if (from_seq == 0) from_seq = 1;
  if (limit == 0) return Status();

  // The chain is checked from the record before the range, so a reader that
  // starts mid-log (a resuming client, a replay after a snapshot) still
  // notices a replaced record at the start of its range.
  Hash prev{};
  bool anchored = true;
  if (from_seq > 1) {
    auto before = store_->get(Family::kLog, log_key(consultation, from_seq - 1));
    if (!before.ok()) return before.status();
    if (before->has_value()) {
      prev = sha256(**before);
    } else {
      anchored = false;
    }
  }

  std::string prefix = consultation_prefix(consultation);
  auto it = store_->iterate(Family::kLog, prefix_end(prefix));
  it->seek(log_key(consultation, from_seq));
  std::uint64_t expected = from_seq;
  for (std::size_t n = 0; it->valid() && n < limit; it->next(), ++n) {
    auto key = parse_log_key(it->key());
    if (!key || key->consultation != consultation) {
      return corruption(consultation, "key " + to_hex(it->key()) + " after seq " +
                                          std::to_string(expected - 1) + " is not a log key");
    }
    if (!anchored) {
      return corruption(consultation, "seq " + std::to_string(from_seq - 1) +
                                          " is missing although seq " + std::to_string(key->seq) +
                                          " exists");
    }
    if (key->seq != expected) {
      return corruption(consultation, "seq " + std::to_string(expected) +
                                          " is missing: the next stored record is seq " +
                                          std::to_string(key->seq));
    }
    auto frame = decode_frame(it->value());
    if (!frame.ok()) {
      return corruption(consultation, "seq " + std::to_string(expected) + ": " + frame.status().message());
    }
    if (frame->seq != expected) {
      return corruption(consultation, "the key says seq " + std::to_string(expected) +
                                          " but the frame says seq " + std::to_string(frame->seq));
    }
    if (frame->prev_hash != prev) {
      return corruption(consultation,
                        "chain break at seq " + std::to_string(expected) + ": its prev_hash is " +
                            to_hex(frame->prev_hash) + " but seq " + std::to_string(expected - 1) +
                            " hashes to " + to_hex(prev));
    }
    Hash hash = sha256(it->value());
    Status visited = visit(RecordView{expected, frame->prev_hash, hash, frame->payload});
    if (!visited.ok()) return visited;
    prev = hash;
    ++expected;
  }
  return it->status();
}

Result<std::vector<StoredRecord>> KvLog::read(std::string_view consultation, std::uint64_t from_seq,
                                              std::size_t limit) {
  std::vector<StoredRecord> out;
  Status s = walk(consultation, from_seq, limit, [&](const RecordView& r) {
    out.push_back(StoredRecord{r.seq, r.prev_hash, r.hash, std::string(r.payload)});
    return Status();
  });
  if (!s.ok()) return s;
  return out;
}

Status KvLog::replay(std::string_view consultation, std::uint64_t from_seq,
                     const std::function<Status(const RecordView&)>& visit) {
  return walk(consultation, from_seq, std::numeric_limits<std::size_t>::max(), visit);
}

Result<std::vector<std::string>> KvLog::consultations() {
  std::vector<std::string> out;
  auto it = store_->iterate(Family::kLog, {});
  it->seek({});
  while (it->valid()) {
    std::string_view id = key_consultation(it->key());
    if (id.empty() || !check_consultation_id(id).ok()) {
      return Status(Code::kCorruption, "log family holds a key that names no consultation: " +
                                           to_hex(it->key()));
    }
    out.emplace_back(id);
    it->seek(prefix_end(consultation_prefix(out.back())));
  }
  if (!it->status().ok()) return it->status();
  return out;
}

Result<std::optional<std::uint64_t>> KvLog::find_by_client(std::string_view consultation,
                                                           const ClientKey& key) {
  if (Status s = check_consultation_id(consultation); !s.ok()) return s;
  if (Status s = check_client_key(key); !s.ok()) return s;
  {
    // Above every seq this client ever stored or sent: not recorded.
    std::lock_guard lock(mu_);
    auto it = client_high_.find(client_key_prefix(consultation, key.client_id));
    if (it != client_high_.end() && (!it->second.any || key.client_seq > it->second.max_seq)) {
      return std::optional<std::uint64_t>();
    }
  }
  auto value = store_->get(Family::kIndex, client_key(consultation, key.client_id, key.client_seq));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<std::uint64_t>();
  if ((*value)->size() != 8) {
    return corruption(consultation, "index entry for " + describe_key(key) + " is malformed");
  }
  return std::optional<std::uint64_t>(decode_u64((*value)->data()));
}

// ---------------------------------------------------------------- snapshots

Status KvLog::write_snapshots(std::string_view consultation, std::uint64_t covered_seq,
                              std::vector<SnapshotEntry> entries) {
  if (Status s = check_consultation_id(consultation); !s.ok()) return s;
  if (options_.read_only) return Status(Code::kNotSupported, "this log is a read-only view");
  std::set<std::string_view> names;
  for (const auto& e : entries) {
    if (e.name.empty() || e.name.size() > kMaxNameSize) {
      return Status(Code::kInvalidArgument, "snapshot name must be 1..65535 bytes");
    }
    if (!names.insert(e.name).second) {
      return Status(Code::kInvalidArgument, "snapshot name " + printable(e.name) + " appears twice in one set");
    }
  }
  if (Status s = health(); !s.ok()) return refused_after(s);

  std::unique_lock snapshots(snapshots_mu_);
  auto head = this->head(consultation);
  if (!head.ok()) return head.status();
  if (covered_seq > head->seq) {
    return Status(Code::kInvalidArgument,
                  "snapshot set covers seq " + std::to_string(covered_seq) + " but the durable head of " +
                      std::string(consultation) + " is seq " + std::to_string(head->seq));
  }
  auto current = store_->get(Family::kSnapshots, snapshot_header_key(consultation));
  if (!current.ok()) return current.status();
  if (current->has_value()) {
    auto covered = parse_snapshot_header(consultation, **current);
    if (!covered.ok()) return covered.status();
    if (covered_seq < *covered) {
      return Status(Code::kInvalidArgument, "snapshot set covers seq " + std::to_string(covered_seq) +
                                                ", behind the stored set at seq " + std::to_string(*covered));
    }
  }

  KvBatch batch;
  std::string header(1, static_cast<char>(kSnapshotFormat));
  append_u64(header, covered_seq);
  batch.put(Family::kSnapshots, snapshot_header_key(consultation), std::move(header));
  for (auto& e : entries) {
    if (e.replaces_older) {
      batch.delete_range(Family::kSnapshots, snapshot_name_prefix(consultation, e.name),
                         snapshot_key(consultation, e.name, e.version));
    }
    std::string value(1, static_cast<char>(kSnapshotFormat));
    value += e.bytes;
    batch.put(Family::kSnapshots, snapshot_key(consultation, e.name, e.version), std::move(value));
  }
  Status written = store_->write(std::move(batch), options_.durability);
  if (!written.ok()) return record_write_error(written);
  return Status();
}

Result<SnapshotSet> KvLog::load_latest_snapshots(std::string_view consultation) {
  if (Status s = check_consultation_id(consultation); !s.ok()) return s;
  std::shared_lock snapshots(snapshots_mu_);
  std::string prefix = consultation_prefix(consultation);
  auto it = store_->iterate(Family::kSnapshots, prefix_end(prefix));
  it->seek(prefix);
  SnapshotSet set;
  if (!it->valid()) {
    if (!it->status().ok()) return it->status();
    return set;
  }
  if (it->key() != prefix) {
    return corruption(consultation, "snapshot entries exist without a snapshot set header");
  }
  auto covered = parse_snapshot_header(consultation, it->value());
  if (!covered.ok()) return covered.status();
  set.covered_seq = *covered;
  it->next();
  while (it->valid()) {
    auto parsed = parse_snapshot_key_suffix(it->key().substr(prefix.size()));
    if (!parsed) return corruption(consultation, "malformed snapshot key " + to_hex(it->key()));
    std::string name(parsed->name);
    // Versions of one name are adjacent and ascending: the latest is the last
    // key of the name's range.
    it->seek_for_prev(snapshot_key(consultation, name, kMaxSeq));
    if (!it->valid()) break;
    parsed = parse_snapshot_key_suffix(it->key().substr(prefix.size()));
    std::string_view value = it->value();
    if (!parsed || value.empty() || static_cast<std::uint8_t>(value[0]) != kSnapshotFormat) {
      return corruption(consultation, "malformed snapshot of " + printable(name));
    }
    set.entries.push_back(SnapshotEntry{name, parsed->version, std::string(value.substr(1))});
    it->seek(prefix_end(snapshot_name_prefix(consultation, name)));
  }
  if (!it->status().ok()) return it->status();
  return set;
}

Result<std::optional<SnapshotEntry>> KvLog::load_snapshot_at_or_before(std::string_view consultation,
                                                                       std::string_view name,
                                                                       std::uint64_t version) {
  if (Status s = check_consultation_id(consultation); !s.ok()) return s;
  if (name.empty() || name.size() > kMaxNameSize) {
    return Status(Code::kInvalidArgument, "snapshot name must be 1..65535 bytes");
  }
  std::shared_lock snapshots(snapshots_mu_);
  std::string name_prefix = snapshot_name_prefix(consultation, name);
  auto it = store_->iterate(Family::kSnapshots, prefix_end(name_prefix));
  it->seek_for_prev(snapshot_key(consultation, name, version));
  if (!it->valid()) {
    if (!it->status().ok()) return it->status();
    return std::optional<SnapshotEntry>();
  }
  std::string_view key = it->key();
  if (!starts_with(key, name_prefix) || key.size() != name_prefix.size() + 8) {
    return std::optional<SnapshotEntry>();
  }
  std::string_view value = it->value();
  if (value.empty() || static_cast<std::uint8_t>(value[0]) != kSnapshotFormat) {
    return corruption(consultation, "malformed snapshot of " + printable(name));
  }
  return std::optional<SnapshotEntry>(
      SnapshotEntry{std::string(name), decode_u64(key.data() + name_prefix.size()), std::string(value.substr(1))});
}

Status KvLog::drop_snapshots(std::string_view consultation) {
  if (Status s = check_consultation_id(consultation); !s.ok()) return s;
  if (options_.read_only) return Status(Code::kNotSupported, "this log is a read-only view");
  if (Status s = health(); !s.ok()) return refused_after(s);
  std::unique_lock snapshots(snapshots_mu_);
  std::string prefix = consultation_prefix(consultation);
  KvBatch batch;
  batch.delete_range(Family::kSnapshots, prefix, prefix_end(prefix));
  Status written = store_->write(std::move(batch), options_.durability);
  if (!written.ok()) return record_write_error(written);
  return Status();
}

// ------------------------------------------------------- verify and repair

Status KvLog::verify(std::string_view consultation, VerifyReport* report) {
  if (Status s = check_consultation_id(consultation); !s.ok()) return s;
  *report = VerifyReport{};
  report->consultation.assign(consultation);

  std::string prefix = consultation_prefix(consultation);
  auto it = store_->iterate(Family::kLog, prefix_end(prefix));
  it->seek(prefix);

  std::optional<VerifyBreak> brk;
  Head good;         // the last record whose link from its predecessor holds
  Head before_good;  // the record before it
  std::uint64_t expected = 1;
  // Set when the link into record `expected` failed: that record's fields,
  // kept until the next record says which of the two was altered.
  struct Suspect {
    std::uint64_t seq;
    Hash prev_hash;
    Hash hash;
  };
  std::optional<Suspect> suspect;

  auto blame_earlier = [&](const std::string& why) {
    // Record good.seq does not match what its successor recorded for it.
    VerifyBreak b;
    b.kind = VerifyBreak::Kind::kChainBreak;
    b.seq = good.seq;
    b.expected = to_hex(suspect->prev_hash);
    b.found = to_hex(good.hash);
    b.message = "seq " + std::to_string(good.seq) + " hashes to " + b.found + " but seq " +
                std::to_string(suspect->seq) + " recorded its hash as " + b.expected + why;
    brk = b;
    report->head = before_good;
  };

  for (; it->valid(); it->next()) {
    ++report->stored_records;
    if (brk) continue;  // keep counting what is stored
    auto key = parse_log_key(it->key());
    std::optional<DecodedFrame> frame;
    std::optional<Hash> hash;
    if (key && key->consultation == consultation && key->seq == expected + (suspect ? 1 : 0)) {
      auto decoded = decode_frame(it->value());
      if (decoded.ok() && decoded->seq == key->seq) {
        frame = *decoded;
        hash = sha256(it->value());
      }
    }

    if (suspect) {
      // Record suspect->seq did not chain onto good. If this record chains
      // onto the suspect, the suspect's prev_hash is authentic and `good` was
      // altered; otherwise the suspect itself was.
      if (frame && frame->prev_hash == suspect->hash) {
        blame_earlier(", and seq " + std::to_string(key->seq) + " attests seq " +
                      std::to_string(suspect->seq) + ": seq " + std::to_string(good.seq) +
                      " was altered or replaced");
      } else {
        VerifyBreak b;
        b.kind = VerifyBreak::Kind::kChainBreak;
        b.seq = suspect->seq;
        b.expected = to_hex(good.hash);
        b.found = to_hex(suspect->prev_hash);
        b.message = "seq " + std::to_string(suspect->seq) + " has prev_hash " + b.found +
                    " but seq " + std::to_string(good.seq) + " hashes to " + b.expected +
                    ", and the record after it does not chain onto it either: seq " +
                    std::to_string(suspect->seq) + " was altered or replaced";
        brk = b;
        report->head = good;
      }
      continue;
    }

    VerifyBreak b;
    b.seq = expected;
    if (!key || key->consultation != consultation) {
      b.kind = VerifyBreak::Kind::kBadKey;
      b.expected = to_hex(log_key(consultation, expected));
      b.found = to_hex(it->key());
      b.message = "where seq " + std::to_string(expected) + " should be, key " + b.found +
                  " is not \"<consultation>\\0<8-byte seq>\"";
    } else if (key->seq != expected) {
      b.kind = VerifyBreak::Kind::kGap;
      b.expected = "seq " + std::to_string(expected);
      b.found = "seq " + std::to_string(key->seq);
      b.message = "seq " + std::to_string(expected) + " is missing: the next stored record is seq " +
                  std::to_string(key->seq);
    } else if (!frame) {
      auto decoded = decode_frame(it->value());
      if (!decoded.ok()) {
        b.kind = VerifyBreak::Kind::kBadFrame;
        b.expected = "a frame with format byte 1 and at least 41 bytes";
        b.found = std::to_string(it->value().size()) + " bytes" +
                  (it->value().empty() ? "" : ", format byte " +
                                                  std::to_string(static_cast<std::uint8_t>(it->value()[0])));
        b.message = "seq " + std::to_string(expected) + ": " + decoded.status().message();
      } else {
        b.kind = VerifyBreak::Kind::kSeqMismatch;
        b.expected = "seq " + std::to_string(expected);
        b.found = "seq " + std::to_string(decoded->seq);
        b.message = "the key says seq " + std::to_string(expected) + " but the frame says seq " +
                    std::to_string(decoded->seq);
      }
    } else if (frame->prev_hash != good.hash) {
      if (expected == 1) {
        b.kind = VerifyBreak::Kind::kChainBreak;
        b.expected = to_hex(kZeroHash);
        b.found = to_hex(frame->prev_hash);
        b.message = "seq 1 has prev_hash " + b.found + " but the first record's must be all zeros";
      } else {
        suspect = Suspect{expected, frame->prev_hash, *hash};
        continue;
      }
    } else {
      before_good = good;
      good = Head{expected, *hash};
      ++expected;
      continue;
    }
    brk = b;
    report->head = good;
  }
  if (!it->status().ok()) return it->status();
  if (suspect && !brk) {
    // The suspect is the last record: nothing says which of the two changed,
    // so trust neither.
    blame_earlier(" (seq " + std::to_string(suspect->seq) +
                  " is the last record, so either may have been altered)");
  }
  if (!brk) report->head = good;

  if (!brk) {
    // The index and the snapshots must not point past the head: after a
    // crash they were written with the records (same batch) or after them.
    std::string tag_prefix = prefix + static_cast<char>(kIndexTagClientKey);
    auto index = store_->iterate(Family::kIndex, prefix_end(tag_prefix));
    for (index->seek(tag_prefix); index->valid() && !brk; index->next()) {
      std::string_view v = index->value();
      std::uint64_t seq = v.size() == 8 ? decode_u64(v.data()) : 0;
      if (seq == 0 || seq > good.seq) {
        VerifyBreak b;
        b.kind = VerifyBreak::Kind::kDanglingIndex;
        b.seq = seq;
        b.expected = "a seq in 1.." + std::to_string(good.seq);
        b.found = v.size() == 8 ? "seq " + std::to_string(seq) : "a " + std::to_string(v.size()) + "-byte value";
        b.message = "idempotency entry " + to_hex(index->key().substr(prefix.size())) + " points at " +
                    b.found + ", beyond the head seq " + std::to_string(good.seq);
        brk = b;
      }
    }
    if (!index->status().ok()) return index->status();
  }
  if (!brk) {
    auto header = store_->get(Family::kSnapshots, snapshot_header_key(consultation));
    if (!header.ok()) return header.status();
    if (header->has_value()) {
      auto covered = parse_snapshot_header(consultation, **header);
      if (!covered.ok()) return covered.status();
      if (*covered > good.seq) {
        VerifyBreak b;
        b.kind = VerifyBreak::Kind::kSnapshotAhead;
        b.seq = *covered;
        b.expected = "at most seq " + std::to_string(good.seq);
        b.found = "seq " + std::to_string(*covered);
        b.message = "the snapshot set covers seq " + std::to_string(*covered) + " but the head is seq " +
                    std::to_string(good.seq);
        brk = b;
      }
    }
  }

  if (brk) {
    report->first_break = brk;
    return corruption(consultation, brk->message);
  }
  return Status();
}

Status KvLog::plan_truncation(std::string_view consultation, std::uint64_t last_good_seq,
                              TruncateReport& report, KvBatch& batch) {
  std::string prefix = consultation_prefix(consultation);
  auto it = store_->iterate(Family::kLog, prefix_end(prefix));
  for (it->seek(prefix); it->valid(); it->next()) {
    auto key = parse_log_key(it->key());
    if (key && key->consultation == consultation && key->seq <= last_good_seq) {
      report.kept = Head{key->seq, sha256(it->value())};
      continue;
    }
    report.dropped_records.push_back({key ? key->seq : 0, std::string(it->value())});
    batch.del(Family::kLog, std::string(it->key()));
  }
  if (!it->status().ok()) return it->status();

  std::string tag_prefix = prefix + static_cast<char>(kIndexTagClientKey);
  auto index = store_->iterate(Family::kIndex, prefix_end(tag_prefix));
  for (index->seek(tag_prefix); index->valid(); index->next()) {
    std::string_view v = index->value();
    if (v.size() == 8 && decode_u64(v.data()) <= report.kept.seq && decode_u64(v.data()) != 0) continue;
    batch.del(Family::kIndex, std::string(index->key()));
    ++report.dropped_index_entries;
  }
  if (!index->status().ok()) return index->status();

  // Snapshots are a cache and may reflect dropped records: all go.
  auto snaps = store_->iterate(Family::kSnapshots, prefix_end(prefix));
  for (snaps->seek(prefix); snaps->valid(); snaps->next()) {
    if (snaps->key() != prefix) ++report.dropped_snapshot_entries;
  }
  if (!snaps->status().ok()) return snaps->status();
  batch.delete_range(Family::kSnapshots, prefix, prefix_end(prefix));

  std::uint64_t first = 0, last = 0;
  for (const auto& d : report.dropped_records) {
    if (first == 0 || d.key_seq < first) first = d.key_seq;
    last = std::max(last, d.key_seq);
  }
  std::uint64_t now = now_unix_ms();
  report.note = "repair at unix ms " + std::to_string(now) + ": truncated after seq " +
                std::to_string(last_good_seq) + "; dropped " + std::to_string(report.dropped_records.size()) +
                " records" +
                (report.dropped_records.empty()
                     ? std::string()
                     : " (key seqs " + std::to_string(first) + ".." + std::to_string(last) + ")") +
                ", " + std::to_string(report.dropped_index_entries) + " idempotency entries and " +
                std::to_string(report.dropped_snapshot_entries) + " snapshot entries; new head seq " +
                std::to_string(report.kept.seq) + " " + to_hex(report.kept.hash);
  batch.put(Family::kIndex, repair_note_key(consultation, now), report.note);
  return Status();
}

Result<TruncateReport> KvLog::plan_truncate_after(std::string_view consultation, std::uint64_t last_good_seq) {
  if (Status s = check_consultation_id(consultation); !s.ok()) return s;
  TruncateReport report;
  KvBatch batch;
  if (Status s = plan_truncation(consultation, last_good_seq, report, batch); !s.ok()) return s;
  return report;
}

Result<TruncateReport> KvLog::truncate_after(std::string_view consultation, std::uint64_t last_good_seq) {
  if (Status s = check_consultation_id(consultation); !s.ok()) return s;
  if (options_.read_only) return Status(Code::kNotSupported, "this log is a read-only view");

  // Lock order everywhere: snapshots_mu_ before mu_ (write_snapshots reads
  // the head, which takes mu_, while it holds snapshots_mu_).
  std::unique_lock snapshots(snapshots_mu_);
  std::unique_lock lock(mu_);
  if (!sticky_.ok()) return refused_after(sticky_);
  idle_cv_.wait(lock, [&] { return queue_.empty() && !writing_; });
  // mu_ stays held: appends wait until the repair is written.

  TruncateReport report;
  KvBatch batch;
  if (Status s = plan_truncation(consultation, last_good_seq, report, batch); !s.ok()) return s;
  Durability durability = options_.durability == Durability::kNone ? Durability::kNone : Durability::kFsync;
  Status written = store_->write(std::move(batch), durability);
  if (!written.ok()) {
    if (sticky_.ok()) sticky_ = written;
    return written;
  }
  tails_.erase(std::string(consultation));
  client_high_.clear();  // dropped keys may have been the highest
  return report;
}

Result<ConsultationStats> KvLog::stats(std::string_view consultation) {
  if (Status s = check_consultation_id(consultation); !s.ok()) return s;
  ConsultationStats out;
  out.consultation.assign(consultation);
  std::string prefix = consultation_prefix(consultation);

  auto it = store_->iterate(Family::kLog, prefix_end(prefix));
  std::string last_value;
  std::uint64_t last_seq = 0;
  for (it->seek(prefix); it->valid(); it->next()) {
    ++out.records;
    out.record_bytes += it->value().size();
    auto key = parse_log_key(it->key());
    last_seq = key ? key->seq : 0;
    last_value.assign(it->value());
  }
  if (!it->status().ok()) return it->status();
  if (out.records > 0) out.head = Head{last_seq, sha256(last_value)};

  auto index = store_->iterate(Family::kIndex, prefix_end(prefix));
  for (index->seek(prefix); index->valid(); index->next()) {
    std::string_view rest = index->key().substr(prefix.size());
    if (rest.empty()) continue;
    auto tag = static_cast<std::uint8_t>(rest[0]);
    if (tag == kIndexTagClientKey) ++out.client_keys;
    if (tag == kIndexTagRepairNote) out.repair_notes.emplace_back(index->value());
  }
  if (!index->status().ok()) return index->status();

  auto snaps = store_->iterate(Family::kSnapshots, prefix_end(prefix));
  for (snaps->seek(prefix); snaps->valid(); snaps->next()) {
    if (snaps->key() == prefix) {
      auto covered = parse_snapshot_header(consultation, snaps->value());
      if (!covered.ok()) return covered.status();
      out.snapshot_covered_seq = *covered;
      continue;
    }
    ++out.snapshot_entries;
    out.snapshot_bytes += snaps->value().size() > 0 ? snaps->value().size() - 1 : 0;
  }
  if (!snaps->status().ok()) return snaps->status();
  return out;
}

}  // namespace kenes::storage
