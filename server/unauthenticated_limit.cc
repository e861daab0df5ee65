#include "unauthenticated_limit.h"

#include <algorithm>

#include "logger.h"
#include "metrics.h"

namespace kenes::server {

namespace ip = boost::asio::ip;

UnauthenticatedLimit::Slot& UnauthenticatedLimit::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    limit_ = std::exchange(other.limit_, nullptr);
    key_ = std::move(other.key_);
  }
  return *this;
}

void UnauthenticatedLimit::Slot::release() {
  if (UnauthenticatedLimit* limit = std::exchange(limit_, nullptr)) limit->release(key_);
}

bool UnauthenticatedLimit::Slot::crowded() const {
  if (!limit_) return false;
  return limit_->count(key_) * 2 >= limit_->settings_.per_address;
}

std::string UnauthenticatedLimit::key_of(const ip::address& peer, bool count_loopback) {
  ip::address a = peer;
  // A dual-stack listener ([::]) sees IPv4 clients as ::ffff:a.b.c.d: they
  // must be counted per IPv4 address, not lumped into ::ffff:0:0/64.
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = ip::make_address_v4(ip::v4_mapped, a.to_v6());
  if (a.is_loopback() && !count_loopback) return {};
  if (a.is_v4()) return a.to_string();
  // One IPv6 host usually has a whole /64 to pick addresses from: keyed by
  // address, it would have 2^64 caps.
  ip::address_v6::bytes_type bytes = a.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), static_cast<unsigned char>(0));
  return ip::address_v6(bytes).to_string() + "/64";
}

std::optional<UnauthenticatedLimit::Slot> UnauthenticatedLimit::try_acquire(const ip::address& peer) {
  if (settings_.per_address == 0) return Slot{};
  std::string key = key_of(peer, settings_.count_loopback);
  if (key.empty()) return Slot{};
  uint64_t suppressed = 0;
  {
    std::lock_guard lock(mutex_);
    uint64_t& n = counts_[key];
    if (n < settings_.per_address) {
      ++n;
      metrics().unauthenticated_connections.fetch_add(1, std::memory_order_relaxed);
      return Slot(this, std::move(key));
    }
    metrics().connections_refused_unauthenticated_total.fetch_add(1, std::memory_order_relaxed);
    const auto now = std::chrono::steady_clock::now();
    log_tokens_ = std::min(5.0, log_tokens_ + std::chrono::duration<double>(now - log_refilled_).count() * 5.0);
    log_refilled_ = now;
    if (log_tokens_ < 1.0) {
      ++log_suppressed_;
      return std::nullopt;
    }
    log_tokens_ -= 1.0;
    suppressed = std::exchange(log_suppressed_, 0);
  }
  // The address is the operator's to act on (a firewall rule); nothing else
  // of the connection is known yet.
  log(LogLevel::kWarn, "unauthenticated_connections_refused",
      {{"address", key},
       {"cap", settings_.per_address},
       {"hint", "--max-unauthenticated-per-address; behind a proxy every client shares its address"},
       {"suppressed_before", suppressed}});
  return std::nullopt;
}

void UnauthenticatedLimit::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(key);
  if (it == counts_.end()) return;  // cannot happen: a Slot exists only for a counted key
  metrics().unauthenticated_connections.fetch_sub(1, std::memory_order_relaxed);
  if (--it->second == 0) counts_.erase(it);
}

uint64_t UnauthenticatedLimit::count(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

size_t UnauthenticatedLimit::addresses() const {
  std::lock_guard lock(mutex_);
  return counts_.size();
}

}  // namespace kenes::server
