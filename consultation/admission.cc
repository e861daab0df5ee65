#include "consultation/admission.h"

#include "consultation/display_names.h"
#include "engine/utf8.h"

namespace kenes::consultation {

namespace {

Admission refused(kenes::v1::ErrorCode code, std::string why) {
  Admission a;
  a.kind = Admission::Kind::kRefused;
  a.refusal_code = code;
  a.refusal = std::move(why);
  return a;
}

// A walk-in registering through a registration link (issue 18).
Admission registering(const ConsultationState& state, const Invitation& invitation, int64_t now_unix_ms,
                      uint32_t in_flight) {
  const Registration* reg = state.registration(invitation.registration_id);
  if (!reg || reg->closed) {
    return refused(kenes::v1::ERROR_CODE_REVOKED, "this registration link was closed by the chair");
  }
  if (reg->opened.expires_unix_ms() <= now_unix_ms) {
    return refused(kenes::v1::ERROR_CODE_TOKEN_EXPIRED, "this registration link has expired");
  }
  if (reg->registered + in_flight >= reg->opened.cap()) {
    return refused(kenes::v1::ERROR_CODE_FORBIDDEN,
                   "this registration link is full (" + std::to_string(reg->opened.cap()) +
                       " people have registered); ask the chair for another");
  }
  const auto& who = invitation.registration;
  if (who.display_name().empty() || who.display_name().size() > kMaxDisplayNameBytes ||
      !engine::is_valid_utf8(who.display_name()) || who.gender().size() > kMaxGenderBytes ||
      !engine::is_valid_utf8(who.gender()) ||
      !kenes::v1::StakeholderGroup_IsValid(who.stakeholder_group()) ||
      who.stakeholder_group() == kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED) {
    return refused(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                   "to register, give your name (up to 200 bytes) and your stakeholder group; gender is optional "
                   "(up to 100 bytes)");
  }
  if (auto holder = name_holder(state, who.display_name(), invitation.participant_id)) {
    return refused(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                   "someone here is already called \"" + state.participant(*holder)->display_name +
                       "\"; add something that tells you apart (a surname, your organisation)");
  }
  Admission a;
  a.kind = Admission::Kind::kFirstVisit;
  a.role = static_cast<kenes::v1::Role>(reg->opened.role());
  kenes::v1::LogRecord rec;
  rec.set_author(invitation.participant_id);
  auto* inv = rec.mutable_participant_invited();
  inv->set_participant_id(invitation.participant_id);
  inv->set_display_name(who.display_name());
  inv->set_role(reg->opened.role());
  inv->set_stakeholder_group(who.stakeholder_group());
  inv->set_gender(who.gender());
  inv->set_registration_id(invitation.registration_id);
  a.first_visit = std::move(rec);
  return a;
}

}  // namespace

Admission admit(const ConsultationState& state, const Invitation& invitation, int64_t now_unix_ms,
                uint32_t registering_now) {
  if (!invitation.registration_id.empty()) return registering(state, invitation, now_unix_ms, registering_now);
  Admission a;
  if (const Participant* known = state.participant(invitation.participant_id)) {
    if (known->revoked) return refused(kenes::v1::ERROR_CODE_REVOKED, "this participant was removed from the consultation");
    if (invitation.link_generation < known->link_generation) {
      return refused(kenes::v1::ERROR_CODE_REVOKED,
                     "this link was replaced by a newer one; use the link the chair sent you last");
    }
    a.role = known->role;
    if (known->joined) {
      a.kind = Admission::Kind::kKnown;
      return a;
    }
    a.kind = Admission::Kind::kFirstVisit;
    kenes::v1::LogRecord rec;
    rec.set_author(invitation.participant_id);
    rec.mutable_participant_joined();
    a.first_visit = std::move(rec);
    return a;
  }
  a.kind = Admission::Kind::kFirstVisit;
  a.role = invitation.role;
  kenes::v1::LogRecord rec;
  rec.set_author(invitation.participant_id);
  auto* inv = rec.mutable_participant_invited();
  inv->set_participant_id(invitation.participant_id);
  // A name someone else already has gets a number: a newcomer cannot be
  // refused at the door for it, nor take another's name (display_names.h).
  inv->set_display_name(free_name(state, invitation.display_name, invitation.participant_id));
  inv->set_role(invitation.role);
  a.first_visit = std::move(rec);
  return a;
}

}  // namespace kenes::consultation
