#pragma once

// Limits per participant, not per connection (issue 17): a member with one
// invite link can open many connections, and a per-connection limit is then
// multiplied by however many it opens. Every connection of one participant
// (consultation, participant id) holds a Lease on the participant's share:
// a count of its open connections, capped, and one pair of token buckets
// (messages and bytes per second) that all of them draw from. A lease is
// taken at Hello, once the token says who it is; before that a connection
// has only its own bucket (websocket_session.h).
//
// Thread-safe: the sessions of one participant run on different I/O threads.
// A participant's share outlives its connections (a reconnect must not
// refill the buckets); the map holds one small entry per participant seen.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "kenes/v1/protocol.pb.h"

namespace kenes::server {

struct ParticipantLimitSettings {
  uint64_t max_connections = 8;
  double messages_per_second = 5000;
  double message_burst = 10000;
  double bytes_per_second = 32 << 10;
  double byte_burst = 256 << 10;
  // Connections admitted (a join costs the room a state or a catch-up):
  // a burst for a person opening many tabs at once, then one every few
  // seconds, more than a flapping Wi-Fi reconnects.
  double admissions_per_second = 1.0 / 3;
  double admission_burst = 20;
};

class ParticipantLimits {
 public:
  explicit ParticipantLimits(ParticipantLimitSettings settings) : settings_(settings) {}

  class Lease;
  // Why a connection was not admitted: the error the session sends (fatal).
  struct Refusal {
    kenes::v1::ErrorCode code = kenes::v1::ERROR_CODE_UNSPECIFIED;
    std::string message;
  };
  // A new connection of this participant: its lease, or null when the
  // participant has max_connections open already (TOO_MANY_CONNECTIONS) or
  // has been admitted too often lately, a client reconnecting in a loop
  // (RATE_LIMITED); *refusal then says which, for the person.
  std::shared_ptr<Lease> admit(const std::string& consultation_id, const std::string& participant_id,
                               Refusal* refusal = nullptr);

  // Open connections of one participant (tests, metrics).
  uint64_t connections_of(const std::string& consultation_id, const std::string& participant_id) const;

  const ParticipantLimitSettings& settings() const { return settings_; }

 private:
  struct Share {
    uint64_t connections = 0;
    double message_tokens = 0;
    double byte_tokens = 0;
    std::chrono::steady_clock::time_point refilled{};
    double admission_tokens = 0;
    std::chrono::steady_clock::time_point admitted{};
  };
  void release(const std::string& key);
  bool take(const std::string& key, uint64_t bytes);

  const ParticipantLimitSettings settings_;
  mutable std::mutex mutex_;
  std::map<std::string, Share> shares_;
};

class ParticipantLimits::Lease {
 public:
  Lease(ParticipantLimits& limits, std::string key) : limits_(limits), key_(std::move(key)) {}
  ~Lease() { limits_.release(key_); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  // One inbound message of `bytes`: false if the participant is over its
  // rate (messages or bytes), shared by all its connections.
  bool take(uint64_t bytes) { return limits_.take(key_, bytes); }

 private:
  ParticipantLimits& limits_;
  const std::string key_;
};

}  // namespace kenes::server
