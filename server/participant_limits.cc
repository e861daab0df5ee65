#include "participant_limits.h"

#include <algorithm>

namespace kenes::server {
namespace {

std::string key_of(const std::string& consultation_id, const std::string& participant_id) {
  // Ids never hold a NUL (they are validated at token and request level).
  return consultation_id + '\0' + participant_id;
}

}  // namespace

std::shared_ptr<ParticipantLimits::Lease> ParticipantLimits::admit(const std::string& consultation_id,
                                                                   const std::string& participant_id,
                                                                   Refusal* refusal) {
  std::string key = key_of(consultation_id, participant_id);
  {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    auto [it, fresh] = shares_.try_emplace(key);
    Share& s = it->second;
    if (fresh) {
      s.message_tokens = settings_.message_burst;
      s.byte_tokens = settings_.byte_burst;
      s.refilled = now;
      s.admission_tokens = settings_.admission_burst;
      s.admitted = now;
    }
    if (s.connections >= settings_.max_connections) {
      if (refusal) {
        *refusal = {kenes::v1::ERROR_CODE_TOO_MANY_CONNECTIONS,
                    "you have " + std::to_string(settings_.max_connections) +
                        " connections open already (other tabs or devices); close one and try again"};
      }
      return nullptr;
    }
    // Refused connections do not count: only a join costs the room.
    const double elapsed = std::chrono::duration<double>(now - s.admitted).count();
    s.admitted = now;
    s.admission_tokens =
        std::min(settings_.admission_burst, s.admission_tokens + elapsed * settings_.admissions_per_second);
    if (s.admission_tokens < 1.0) {
      if (refusal) {
        const double wait = (1.0 - s.admission_tokens) / settings_.admissions_per_second;
        *refusal = {kenes::v1::ERROR_CODE_RATE_LIMITED,
                    "you reconnected too often; try again in " + std::to_string(static_cast<int>(wait) + 1) + " s"};
      }
      return nullptr;
    }
    s.admission_tokens -= 1.0;
    ++s.connections;
  }
  return std::make_shared<Lease>(*this, std::move(key));
}

uint64_t ParticipantLimits::connections_of(const std::string& consultation_id,
                                           const std::string& participant_id) const {
  std::lock_guard lock(mutex_);
  auto it = shares_.find(key_of(consultation_id, participant_id));
  return it == shares_.end() ? 0 : it->second.connections;
}

void ParticipantLimits::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = shares_.find(key);
  // The share stays when the last connection goes: a participant must not
  // refill its buckets by reconnecting. There is one per participant who
  // ever connected since the start, a few hundred per consultation.
  if (it != shares_.end() && it->second.connections > 0) --it->second.connections;
}

bool ParticipantLimits::take(const std::string& key, uint64_t bytes) {
  std::lock_guard lock(mutex_);
  auto it = shares_.find(key);
  if (it == shares_.end()) return true;
  Share& s = it->second;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - s.refilled).count();
  s.refilled = now;
  s.message_tokens = std::min(settings_.message_burst, s.message_tokens + elapsed * settings_.messages_per_second);
  s.byte_tokens = std::min(settings_.byte_burst, s.byte_tokens + elapsed * settings_.bytes_per_second);
  const double b = static_cast<double>(bytes);
  // A message larger than the whole burst (a long paste, a framework import:
  // up to --max-message-bytes) passes when the bucket is full and leaves it
  // in debt, so the burst can stay small (what one participant can make the
  // room carry at once) without refusing the largest message outright.
  if (s.message_tokens < 1.0 || s.byte_tokens < std::min(b, settings_.byte_burst)) return false;
  s.message_tokens -= 1.0;
  s.byte_tokens -= b;
  return true;
}

}  // namespace kenes::server
