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
  // The link's generation (InviteLinkReissued); links minted before issue 18
  // carry none and are generation 0.
  uint32_t link_generation = 0;
  // A registration link's token (issue 18): `participant_id` is then a fresh
  // id the server made up for the person registering, `registration` what
  // they said about themself, and `role` is the registration's.
  std::string registration_id;
  kenes::v1::Registration registration;
};

// A personal link's claims: generation 0, no registration.
inline Invitation personal_invitation(std::string participant_id, std::string display_name, kenes::v1::Role role) {
  Invitation inv;
  inv.participant_id = std::move(participant_id);
  inv.display_name = std::move(display_name);
  inv.role = role;
  return inv;
}

struct Admission {
  // kRefused: `refusal` says why (revoked, a replaced link, a registration
  // that is closed, full or expired, a registration without a name).
  enum class Kind { kKnown, kFirstVisit, kRefused };
  Kind kind = Kind::kRefused;
  // The role they act with: the log's for someone known, the invitation's
  // (or the registration's) for a newcomer.
  kenes::v1::Role role = kenes::v1::ROLE_UNSPECIFIED;
  // kFirstVisit: the record to append before welcoming them — their
  // ParticipantInvited if the log does not know them yet, or their
  // ParticipantJoined if the chair invited them from the app.
  std::optional<kenes::v1::LogRecord> first_visit;
  kenes::v1::ErrorCode refusal_code = kenes::v1::ERROR_CODE_UNSPECIFIED;
  std::string refusal;
};

// `now_unix_ms` judges a registration's expiry; `registering` is how many
// registrations through the same link are already on their way to the log
// (not yet folded), so that a full link is full however fast people come.
Admission admit(const ConsultationState& state, const Invitation& invitation, int64_t now_unix_ms = 0,
                uint32_t registering = 0);

}  // namespace kenes::consultation
