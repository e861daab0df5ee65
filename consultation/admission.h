#pragma once

// Who someone presenting a valid invitation is to this consultation. The log
// is the authority on roles: the invitation only introduces a newcomer, whose
// first visit becomes a ParticipantInvited record; a revoked participant is
// refused however valid their link still is.

#include <optional>
#include <string>

#include "consultation/consultation_state.h"
#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"

namespace kenes::consultation {

// What an invitation claims (the server's signed token carries these).
struct Invitation {
  std::string participant_id;
  std::string display_name;
  kenes::v1::Role role = kenes::v1::ROLE_UNSPECIFIED;
};

struct Admission {
  enum class Kind { kKnown, kNewcomer, kRevoked };
  Kind kind = Kind::kRevoked;
  // The role they act with: the log's for someone known, the invitation's
  // for a newcomer.
  kenes::v1::Role role = kenes::v1::ROLE_UNSPECIFIED;
  // kNewcomer: the ParticipantInvited record to append before welcoming them.
  std::optional<kenes::v1::LogRecord> invited;
};

Admission admit(const ConsultationState& state, const Invitation& invitation);

}  // namespace kenes::consultation
