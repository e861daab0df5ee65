// The roster and a participant's own settings: describing oneself, the
// chair removing someone, the chair's view of the board's balance, and the
// e-mail digest's settings (a private record, proto/README.md "E-mail
// digest").

#include "consultation/display_names.h"
#include "consultation/email_address.h"
#include "consultation/handlers.h"
#include "consultation/permissions.h"
#include "engine/utf8.h"

namespace kenes::consultation::handlers {

using kenes::v1::ClientMessage;
using kenes::v1::LogRecord;

namespace {
constexpr size_t kMaxReasonBytes = 1000;
}  // namespace

Outcome forbidden(const Caller& caller, const std::string& what) {
  return Outcome::refuse(kenes::v1::ERROR_CODE_FORBIDDEN, a_role(caller.role) + " may not " + what);
}

LogRecord authored_by(const Caller& caller) {
  LogRecord rec;
  rec.set_author(caller.participant_id);
  return rec;
}

Outcome update_profile(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& profile = msg.update_profile();
  if (profile.display_name().size() > kMaxDisplayNameBytes || profile.gender().size() > kMaxGenderBytes ||
      !engine::is_valid_utf8(profile.display_name()) || !engine::is_valid_utf8(profile.gender()) ||
      !kenes::v1::StakeholderGroup_IsValid(profile.stakeholder_group())) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                           "display name (200 bytes), gender (100 bytes) must be short UTF-8 text and the "
                           "stakeholder group one of the listed groups");
  }
  if (!profile.display_name().empty()) {
    if (auto holder = name_holder(ctx.state, profile.display_name(), caller.participant_id)) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                             "another participant is called \"" + ctx.state.participant(*holder)->display_name +
                                 "\" (names are compared without case, accents and look-alike letters); add "
                                 "something that tells you apart");
    }
  }
  LogRecord rec = authored_by(caller);
  auto* upd = rec.mutable_profile_updated();
  upd->set_display_name(profile.display_name());
  upd->set_stakeholder_group(profile.stakeholder_group());
  upd->set_gender(profile.gender());
  return Outcome::append(std::move(rec));
}

Outcome revoke_participant(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& revoke = msg.revoke_participant();
  if (!may_revoke_participants(caller.role)) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_FORBIDDEN, "only the chair may remove participants");
  }
  const Participant* target = ctx.state.participant(revoke.participant_id());
  if (!target || revoke.reason().size() > kMaxReasonBytes || !engine::is_valid_utf8(revoke.reason())) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                           "no such participant, or the reason is not short UTF-8 text");
  }
  LogRecord rec = authored_by(caller);
  auto* rev = rec.mutable_participant_revoked();
  rev->set_participant_id(revoke.participant_id());
  rev->set_reason(revoke.reason());
  return Outcome::append(std::move(rec));
}

Outcome get_roster_balance(const RequestContext& ctx, const Caller& caller, const ClientMessage&) {
  if (!may_see_roster_balance(caller.role)) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_FORBIDDEN, "only the chair sees the roster's balance");
  }
  kenes::v1::ServerMessage out;
  *out.mutable_roster_balance() = roster_balance(ctx.state.participants(), ctx.state.chair_is_board_member());
  return Outcome::reply(std::move(out));
}

Outcome set_notification_settings(const RequestContext&, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.set_notification_settings();
  const bool off = r.period() == kenes::v1::DIGEST_PERIOD_OFF;
  if (!kenes::v1::DigestPeriod_IsValid(r.period()) || r.period() == kenes::v1::DIGEST_PERIOD_UNSPECIFIED) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "period must be off, hourly, daily or weekly");
  }
  // Turning the digest off may keep or clear the address; turning it on
  // needs one that is safe in an SMTP command and a mail header.
  if (!(off && r.email().empty()) && !plausible_email_address(r.email())) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                           "the e-mail address must be one plain address like name@example.org (at most 254 bytes)");
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_notification_settings_set();
  e->set_email(r.email());
  e->set_period(r.period());
  return Outcome::append(std::move(rec));
}

}  // namespace kenes::consultation::handlers
