#include "consultation/admission.h"

namespace kenes::consultation {

Admission admit(const ConsultationState& state, const Invitation& invitation) {
  Admission a;
  if (const Participant* known = state.participant(invitation.participant_id)) {
    a.kind = known->revoked ? Admission::Kind::kRevoked : Admission::Kind::kKnown;
    a.role = known->role;
    return a;
  }
  a.kind = Admission::Kind::kNewcomer;
  a.role = invitation.role;
  kenes::v1::LogRecord rec;
  rec.set_author(invitation.participant_id);
  auto* inv = rec.mutable_participant_invited();
  inv->set_participant_id(invitation.participant_id);
  inv->set_display_name(invitation.display_name);
  inv->set_role(invitation.role);
  a.invited = std::move(rec);
  return a;
}

}  // namespace kenes::consultation
