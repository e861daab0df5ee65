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
                                                                   const std::string& participant_id) {
  std::string key = key_of(consultation_id, participant_id);
  {
    std::lock_guard lock(mutex_);
    auto [it, fresh] = shares_.try_emplace(key);
    Share& s = it->second;
    if (fresh) {
      s.message_tokens = settings_.message_burst;
      s.byte_tokens = settings_.byte_burst;
      s.refilled = std::chrono::steady_clock::now();
    }
    if (s.connections >= settings_.max_connections) return nullptr;
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
  if (s.message_tokens < 1.0 || s.byte_tokens < b) return false;
  s.message_tokens -= 1.0;
  s.byte_tokens -= b;
  return true;
}

}  // namespace kenes::server
