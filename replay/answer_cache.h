#pragma once

// A bounded cache of answers already made (issue 17): a participant who asks
// the same history question or export again and again, or a room where many
// ask the same one, pays for it once. The caller chooses a key that names
// everything the answer is made of, so a hit is always the right answer;
// nothing here expires by time.
//
// Bounded by the bytes of the values it holds, least recently used out
// first. An answer larger than a quarter of the budget is not kept: one huge
// answer must not push out all the others (and is rarely asked twice).
//
// Thread-safe: one mutex, held only to look up, insert or evict, never while
// an answer is being made.

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace kenes::replay {

template <typename Value>
class AnswerCache {
 public:
  // `size_of` says how many bytes a value holds.
  using SizeOf = size_t (*)(const Value&);

  AnswerCache(size_t max_bytes, SizeOf size_of) : max_bytes_(max_bytes), size_of_(size_of) {}

  std::shared_ptr<const Value> get(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) {
      ++misses_;
      return nullptr;
    }
    order_.splice(order_.begin(), order_, it->second);
    ++hits_;
    return it->second->value;
  }

  void put(const std::string& key, std::shared_ptr<const Value> value) {
    const size_t bytes = size_of_(*value) + key.size();
    if (bytes > max_bytes_ / 4) return;
    std::lock_guard lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) erase_locked(it->second);
    order_.push_front(Entry{key, std::move(value), bytes});
    index_[key] = order_.begin();
    bytes_ += bytes;
    while (bytes_ > max_bytes_ && !order_.empty()) erase_locked(std::prev(order_.end()));
  }

  void clear() {
    std::lock_guard lock(mu_);
    index_.clear();
    order_.clear();
    bytes_ = 0;
  }

  size_t bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
  }
  size_t hits() const {
    std::lock_guard lock(mu_);
    return hits_;
  }
  size_t misses() const {
    std::lock_guard lock(mu_);
    return misses_;
  }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const Value> value;
    size_t bytes;
  };
  using Iterator = typename std::list<Entry>::iterator;

  void erase_locked(Iterator it) {
    bytes_ -= it->bytes;
    index_.erase(it->key);
    order_.erase(it);
  }

  const size_t max_bytes_;
  const SizeOf size_of_;
  mutable std::mutex mu_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, Iterator> index_;
  size_t bytes_ = 0;
  size_t hits_ = 0;
  size_t misses_ = 0;
};

}  // namespace kenes::replay
