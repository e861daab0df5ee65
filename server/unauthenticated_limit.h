#pragma once

// A cap per remote address on connections that have not said who they are
// (issue 17, --max-unauthenticated-per-address). Such a connection costs a
// socket and its buffers for up to --handshake-timeout-seconds and needs no
// invite link, so without a cap one machine could hold every slot of
// --max-connections. The per-participant limits (participant_limits.h) take
// over once a connection's Hello names its participant.
//
// A connection holds a Slot from its accept: the HTTP session, then the
// WebSocket session it upgrades to (the slot moves with the socket), until
// that session's Hello is accepted or the connection ends, whichever comes
// first. RAII, so every path (errors, timeouts, refusals, shutdown) gives the
// slot back exactly once.
//
// Thread-safe: connections from one address run on any I/O thread. The map
// holds only addresses with connections counted now (an entry is erased when
// its count reaches zero), so its size is bounded by the open connections.

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace kenes::server {

class UnauthenticatedLimit {
 public:
  struct Settings {
    uint64_t per_address = 256;  // 0: no cap (nothing is counted)
    bool count_loopback = false;
  };
  explicit UnauthenticatedLimit(Settings settings) : settings_(settings) {}
  UnauthenticatedLimit(const UnauthenticatedLimit&) = delete;
  UnauthenticatedLimit& operator=(const UnauthenticatedLimit&) = delete;

  // One connection's place under the cap. Empty (held() false) for an
  // address that is not counted. Move-only; released at most once.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept : limit_(std::exchange(other.limit_, nullptr)), key_(std::move(other.key_)) {}
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }

    // The connection said who it is (or is gone): its place goes back.
    void release();
    bool held() const { return limit_ != nullptr; }
    // Its address holds at least half the cap: an HTTP session then closes
    // after its response rather than idling in keep-alive, so that the
    // connections of page loads already made give their places back.
    bool crowded() const;

   private:
    friend class UnauthenticatedLimit;
    Slot(UnauthenticatedLimit* limit, std::string key) : limit_(limit), key_(std::move(key)) {}
    UnauthenticatedLimit* limit_ = nullptr;
    std::string key_;
  };

  // A place for a new connection from `peer`, or nothing when its address
  // holds the cap already (then the refusal is counted in
  // kenes_connections_refused_unauthenticated_total and logged, a few lines a
  // second at most).
  std::optional<Slot> try_acquire(const boost::asio::ip::address& peer);

  // What `peer` is counted under: the IPv4 address (an IPv4-mapped IPv6 one
  // too), the /64 of an IPv6 one ("2001:db8:1:2::/64"), or "" for a peer not
  // counted (loopback, unless settings.count_loopback).
  static std::string key_of(const boost::asio::ip::address& peer, bool count_loopback);

  // Connections counted now under `key`, and the number of keys (tests).
  uint64_t count(const std::string& key) const;
  size_t addresses() const;

  const Settings& settings() const { return settings_; }

 private:
  void release(const std::string& key);

  const Settings settings_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, uint64_t> counts_;
  // Refusals come in floods: a token bucket of log lines (5 a second), the
  // rest counted and reported on the next line that is written.
  double log_tokens_ = 5;
  std::chrono::steady_clock::time_point log_refilled_{};
  uint64_t log_suppressed_ = 0;
};

}  // namespace kenes::server
