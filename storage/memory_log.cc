#include "storage/memory_log.h"

#include <array>
#include <atomic>
#include <map>
#include <mutex>

namespace kenes::storage {
namespace {

using Map = std::map<std::string, std::string, std::less<>>;

// Three ordered maps behind one mutex. Iterators hold no lock and no view:
// each move re-finds its place by key, so they see writes made meanwhile
// (RocksDB's are point-in-time). KvLog never relies on either behaviour
// except where it takes its own locks.
class MemoryStore : public KvStore {
 public:
  Result<std::optional<std::string>> get(Family family, std::string_view key) override {
    std::lock_guard lock(mu_);
    const Map& m = maps_[static_cast<int>(family)];
    auto it = m.find(key);
    if (it == m.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  Status write(KvBatch batch, Durability) override {
    std::lock_guard lock(mu_);
    for (auto& w : batch.writes) {
      Map& m = maps_[static_cast<int>(w.family)];
      switch (w.kind) {
        case KvWrite::Kind::kPut: m[std::move(w.key)] = std::move(w.value); break;
        case KvWrite::Kind::kDelete: m.erase(w.key); break;
        case KvWrite::Kind::kDeleteRange:
          m.erase(m.lower_bound(w.key), m.lower_bound(w.value));
          break;
      }
    }
    return Status();
  }

  std::unique_ptr<KvIterator> iterate(Family family, std::string upper_bound) override;

  bool overwrite(Family family, const std::string& key, std::optional<std::string> value) {
    std::lock_guard lock(mu_);
    Map& m = maps_[static_cast<int>(family)];
    auto it = m.find(key);
    if (it == m.end()) return false;
    if (value) {
      it->second = std::move(*value);
    } else {
      m.erase(it);
    }
    return true;
  }

 private:
  friend class MemoryIterator;
  std::mutex mu_;
  std::array<Map, kFamilyCount> maps_;
};

class MemoryIterator : public KvIterator {
 public:
  MemoryIterator(std::mutex& mu, const Map& map, std::string upper_bound)
      : mu_(mu), map_(map), upper_(std::move(upper_bound)) {}

  void seek(std::string_view key) override {
    std::lock_guard lock(mu_);
    load(map_.lower_bound(key));
  }
  void seek_for_prev(std::string_view key) override {
    std::lock_guard lock(mu_);
    auto it = map_.upper_bound(key);
    if (it == map_.begin()) return invalidate();
    load(std::prev(it));
  }
  bool valid() const override { return valid_; }
  void next() override {
    std::lock_guard lock(mu_);
    load(map_.upper_bound(key_));
  }
  void prev() override {
    std::lock_guard lock(mu_);
    auto it = map_.lower_bound(key_);
    if (it == map_.begin()) return invalidate();
    load(std::prev(it));
  }
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return value_; }
  Status status() const override { return Status(); }

 private:
  void load(Map::const_iterator it) {
    if (it == map_.end() || (!upper_.empty() && it->first >= upper_)) return invalidate();
    valid_ = true;
    key_ = it->first;
    value_ = it->second;
  }
  void invalidate() {
    valid_ = false;
    key_.clear();
    value_.clear();
  }

  std::mutex& mu_;
  const Map& map_;
  std::string upper_;
  bool valid_ = false;
  std::string key_;
  std::string value_;
};

std::unique_ptr<KvIterator> MemoryStore::iterate(Family family, std::string upper_bound) {
  return std::make_unique<MemoryIterator>(mu_, maps_[static_cast<int>(family)], std::move(upper_bound));
}

struct FaultState {
  std::mutex mu;
  Status error;
  int remaining = 0;
};

}  // namespace


MemoryLog::MemoryLog() : KvLog(std::make_unique<MemoryStore>(), KvLogOptions{}) {}

MemoryLog::~MemoryLog() { shut_down(); }

void MemoryLog::fail_next_writes(Status error, int count) {
  auto state = std::make_shared<FaultState>();
  state->error = std::move(error);
  state->remaining = count;
  set_write_fault_for_testing([state]() -> Status {
    std::lock_guard lock(state->mu);
    if (state->remaining <= 0) return Status();
    --state->remaining;
    return state->error;
  });
}

bool MemoryLog::overwrite_record_for_testing(std::string_view consultation, std::uint64_t seq,
                                             std::optional<std::string> frame) {
  auto& memory = static_cast<MemoryStore&>(store());
  return memory.overwrite(Family::kLog, log_key(consultation, seq), std::move(frame));
}

}  // namespace kenes::storage
