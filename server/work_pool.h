#pragma once

// Slow, read-only work off the I/O threads and the rooms' strands (issue
// 17): exports (a fold of the whole log) and document history (a replay of
// one document's log). A fixed number of threads and a bounded number of jobs
// waiting or running; past that, try_post refuses and the caller says "busy"
// at once rather than queueing without limit. Per-participant limits (one
// export, a few history questions) sit on top, in InFlightCounter.

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace kenes::server {

class WorkPool {
 public:
  WorkPool(size_t threads, size_t max_jobs) : pool_(threads), max_jobs_(max_jobs) {}
  ~WorkPool() { pool_.join(); }

  // Runs `job` on a pool thread, or returns false if max_jobs are waiting or
  // running already.
  bool try_post(std::function<void()> job) {
    if (jobs_.fetch_add(1, std::memory_order_relaxed) >= max_jobs_) {
      jobs_.fetch_sub(1, std::memory_order_relaxed);
      return false;
    }
    boost::asio::post(pool_, [this, job = std::move(job)] {
      job();
      jobs_.fetch_sub(1, std::memory_order_relaxed);
    });
    return true;
  }

  size_t jobs() const { return jobs_.load(std::memory_order_relaxed); }
  void join() { pool_.join(); }

 private:
  boost::asio::thread_pool pool_;
  const size_t max_jobs_;
  std::atomic<size_t> jobs_{0};
};

// How many of one kind of job each participant has in flight, capped.
class InFlightCounter {
 public:
  explicit InFlightCounter(size_t max_per_key) : max_(max_per_key) {}
  bool try_start(const std::string& key) {
    std::lock_guard lock(mutex_);
    size_t& n = counts_[key];
    if (n >= max_) return false;
    ++n;
    return true;
  }
  void finish(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = counts_.find(key);
    if (it != counts_.end() && --it->second == 0) counts_.erase(it);
  }
  size_t max() const { return max_; }

 private:
  const size_t max_;
  std::mutex mutex_;
  std::map<std::string, size_t> counts_;
};

}  // namespace kenes::server
