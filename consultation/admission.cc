#include "consultation/admission.h"

#include "consultation/display_names.h"

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
  // A name someone else already has gets a number: a newcomer cannot be
  // refused at the door for it, nor take another's name (display_names.h).
  inv->set_display_name(free_name(state, invitation.display_name, invitation.participant_id));
  inv->set_role(invitation.role);
  a.invited = std::move(rec);
  return a;
}

}  // namespace kenes::consultation
