// The roster in the app (issue 18): the chair invites people one by one or
// from a CSV file, mints their links, re-issues a lost one, opens and closes
// registration links for a workshop's walk-ins, and says whether she counts
// in the board's balance.
//
// Links are never logged. The log says who was invited and at which link
// generation; GetInviteLinks answers with the claims of a link and the room,
// which holds the server's secret, signs them (server/room.cc). So a handler
// stays a pure function, and a log copied to another server mints no links.

#include <cctype>
#include <map>

#include "consultation/csv.h"
#include "consultation/display_names.h"
#include "consultation/email_address.h"
#include "consultation/handlers.h"
#include "consultation/permissions.h"
#include "consultation/stakeholder_groups.h"
#include "engine/utf8.h"

namespace kenes::consultation::handlers {

using kenes::v1::ClientMessage;
using kenes::v1::LogRecord;

namespace {

constexpr size_t kMaxLabelBytes = 200;
constexpr size_t kMaxImportRows = 2000;
constexpr size_t kMaxReportedProblems = 200;
constexpr uint32_t kMaxLinksPerAnswer = 2000;
constexpr uint32_t kDefaultLinkDays = 30;
constexpr uint32_t kMaxLinkDays = 3650;
constexpr uint32_t kMaxRegistrationCap = 10000;
constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int64_t kMaxRegistrationMs = 366 * kDayMs;

Outcome invalid(std::string message) {
  return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, std::move(message));
}

bool valid_new_id(const std::string& id) {
  if (id.size() < 8 || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The roles the chair may give from the app. A second chair is an operator's
// decision (kenes-admin invite), not one chair's.
bool invitable_role(int role) {
  return role == kenes::v1::ROLE_RESEARCHER || role == kenes::v1::ROLE_MEMBER || role == kenes::v1::ROLE_OBSERVER;
}

// What is wrong with one person's name, group and gender, or "".
std::string person_problem(const RequestContext& ctx, const std::string& id, const std::string& name,
                           int group, const std::string& gender) {
  if (name.empty() || name.size() > kMaxDisplayNameBytes || !engine::is_valid_utf8(name)) {
    return "the name must be 1-200 bytes of UTF-8 text";
  }
  if (gender.size() > kMaxGenderBytes || !engine::is_valid_utf8(gender)) {
    return "the gender must be at most 100 bytes of UTF-8 text";
  }
  if (!kenes::v1::StakeholderGroup_IsValid(group)) return "unknown stakeholder group";
  if (group == kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED && !gender.empty()) {
    // A gender alone would mark the person as described and they would never
    // be asked for their group.
    return "give the stakeholder group with the gender, or leave both to the person";
  }
  if (auto holder = name_holder(ctx.state, name, id)) {
    return "another participant is called \"" + ctx.state.participant(*holder)->display_name +
           "\"; add something that tells them apart";
  }
  return "";
}

kenes::v1::ParticipantInvited invited(const std::string& id, const std::string& name, int role, int group,
                                      const std::string& gender) {
  kenes::v1::ParticipantInvited inv;
  inv.set_participant_id(id);
  inv.set_display_name(name);
  inv.set_role(role);
  inv.set_stakeholder_group(static_cast<kenes::v1::StakeholderGroup>(group));
  inv.set_gender(gender);
  return inv;
}

std::string trimmed_field(const std::vector<std::string>& fields, int column) {
  if (column < 0 || static_cast<size_t>(column) >= fields.size()) return "";
  const std::string& f = fields[column];
  const size_t b = f.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return f.substr(b, f.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

Outcome invite_participant(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.invite_participant();
  if (!may_manage_roster(caller.role)) return forbidden(caller, "invite participants");
  if (!valid_new_id(r.participant_id())) {
    return invalid("the participant id must be 8-64 characters of A-Z a-z 0-9 _ - (the client makes one up)");
  }
  if (ctx.state.participant(r.participant_id())) return invalid("there is already a participant with this id");
  if (!invitable_role(r.role())) return invalid("invite a researcher, a member or an observer");
  std::string problem = person_problem(ctx, r.participant_id(), r.display_name(), r.stakeholder_group(), r.gender());
  if (!problem.empty()) return invalid(problem);
  LogRecord rec = authored_by(caller);
  *rec.mutable_participant_invited() =
      invited(r.participant_id(), r.display_name(), r.role(), r.stakeholder_group(), r.gender());
  return Outcome::append(std::move(rec));
}

Outcome import_participants(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.import_participants();
  if (!may_manage_roster(caller.role)) return forbidden(caller, "invite participants");
  if (!valid_new_id(r.id_prefix() + "-1") || r.id_prefix().size() > 40) {
    return invalid("the id prefix must be 6-40 characters of A-Z a-z 0-9 _ - (the client makes one up)");
  }
  if (!engine::is_valid_utf8(r.csv())) return invalid("the file is not UTF-8 text; save it as CSV UTF-8");
  std::vector<CsvError> csv_errors;
  std::vector<CsvRow> rows = read_csv(r.csv(), csv_errors);
  std::vector<std::string> problems;
  auto problem = [&](size_t line, const std::string& what) {
    if (problems.size() < kMaxReportedProblems) problems.push_back("line " + std::to_string(line) + ": " + what);
  };
  for (const auto& e : csv_errors) problem(e.line, e.message);
  if (rows.empty()) return invalid("the file has no rows; the first row names the columns: name, role, email, group, gender");

  // The header: which column is which, in any order and case.
  int name_col = -1, role_col = -1, email_col = -1, group_col = -1, gender_col = -1;
  for (size_t i = 0; i < rows[0].fields.size(); ++i) {
    std::string h = trimmed_field(rows[0].fields, static_cast<int>(i));
    for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    int* col = h == "name" ? &name_col
               : h == "role" ? &role_col
               : (h == "email" || h == "e-mail") ? &email_col
               : (h == "group" || h == "stakeholder group" || h == "stakeholder_group") ? &group_col
               : h == "gender" ? &gender_col
                               : nullptr;
    if (!col) {
      problem(rows[0].line, "unknown column \"" + h + "\" (the columns are name, role, email, group, gender)");
    } else if (*col >= 0) {
      problem(rows[0].line, "the column \"" + h + "\" is named twice");
    } else {
      *col = static_cast<int>(i);
    }
  }
  if (name_col < 0 || role_col < 0) problem(rows[0].line, "the header must name at least the columns name and role");
  if (rows.size() - 1 > kMaxImportRows) {
    return invalid("at most " + std::to_string(kMaxImportRows) + " people per file; split it");
  }

  LogRecord rec = authored_by(caller);
  auto* out = rec.mutable_participants_imported();
  std::map<std::string, size_t> skeletons;  // a name within the file -> its line
  for (size_t i = 1; i < rows.size() && name_col >= 0 && role_col >= 0; ++i) {
    const CsvRow& row = rows[i];
    const std::string name = trimmed_field(row.fields, name_col);
    const std::string role_text = trimmed_field(row.fields, role_col);
    const std::string email = trimmed_field(row.fields, email_col);
    const std::string group_text = trimmed_field(row.fields, group_col);
    const std::string gender = trimmed_field(row.fields, gender_col);
    const std::string id = r.id_prefix() + "-" + std::to_string(i);
    std::optional<kenes::v1::Role> role = role_from_name(role_text);
    if (!role || !invitable_role(*role)) {
      problem(row.line, "the role must be researcher, member or observer, not \"" + role_text + "\"");
    }
    std::optional<kenes::v1::StakeholderGroup> group =
        group_text.empty() ? std::optional(kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED) : stakeholder_group_from_text(group_text);
    if (!group) problem(row.line, "unknown stakeholder group \"" + group_text + "\" (" + stakeholder_group_choices() + ")");
    if (!email.empty() && !plausible_email_address(email)) problem(row.line, "\"" + email + "\" is not an e-mail address");
    if (ctx.state.participant(id)) problem(row.line, "this file was imported already (its ids are taken)");
    std::string p = person_problem(ctx, id, name, group.value_or(kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED), gender);
    if (!p.empty()) problem(row.line, p);
    if (!name.empty() && engine::is_valid_utf8(name)) {
      auto [it, fresh] = skeletons.emplace(name_skeleton(name), row.line);
      if (!fresh) problem(row.line, "the same name as line " + std::to_string(it->second));
    }
    *out->add_people() = invited(id, name, role.value_or(kenes::v1::ROLE_UNSPECIFIED),
                                 group.value_or(kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED), gender);
  }
  if (!problems.empty()) {
    std::string message = "nothing was imported; correct the file and import it again:";
    for (const auto& p : problems) message += "\n" + p;
    return invalid(std::move(message));
  }
  if (out->people_size() == 0) return invalid("the file names nobody (only a header row)");
  return Outcome::append(std::move(rec));
}

Outcome get_invite_links(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.get_invite_links();
  if (!may_manage_roster(caller.role)) return forbidden(caller, "see invite links");
  const uint32_t days = r.days() == 0 ? kDefaultLinkDays : r.days();
  if (days > kMaxLinkDays) return invalid("a link is valid for 1-3650 days");
  if (static_cast<uint32_t>(r.participant_ids_size()) > kMaxLinksPerAnswer) {
    return invalid("at most " + std::to_string(kMaxLinksPerAnswer) + " links at once");
  }
  kenes::v1::ServerMessage answer;
  auto* links = answer.mutable_invite_links();
  for (const auto& id : r.participant_ids()) {
    const Participant* p = ctx.state.participant(id);
    if (!p) return invalid("no participant " + id);
    if (p->revoked) return invalid(p->display_name + " was removed; a link would not let them in");
    auto* link = links->add_links();
    link->set_participant_id(id);
    link->set_display_name(p->display_name);
    link->set_role(p->role);
    link->set_expires_unix_ms(ctx.now_unix_ms + int64_t{days} * kDayMs);
  }
  if (!r.registration_id().empty()) {
    const Registration* reg = ctx.state.registration(r.registration_id());
    if (!reg) return invalid("no registration link " + r.registration_id());
    if (reg->closed || reg->opened.expires_unix_ms() <= ctx.now_unix_ms) {
      return invalid("this registration link is closed");
    }
    auto* link = links->add_links();
    link->set_registration_id(r.registration_id());
    link->set_display_name(reg->opened.label());
    link->set_role(static_cast<kenes::v1::Role>(reg->opened.role()));
    link->set_expires_unix_ms(reg->opened.expires_unix_ms());
  }
  return Outcome::reply(std::move(answer));
}

Outcome email_invite_link(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.email_invite_link();
  if (!may_manage_roster(caller.role)) return forbidden(caller, "send invite links");
  if (!plausible_email_address(r.email())) {
    return invalid("the e-mail address must be one plain address like name@example.org (at most 254 bytes)");
  }
  ClientMessage ask;
  ask.mutable_get_invite_links()->add_participant_ids(r.participant_id());
  ask.mutable_get_invite_links()->set_days(r.days());
  // The same link GetInviteLinks gives (who may, expiry, a removed person
  // refused); the room signs it and mails it.
  Outcome out = get_invite_links(ctx, caller, ask);
  if (out.answer) out.answer->mutable_invite_links()->mutable_links(0)->set_mailed_to(r.email());
  return out;
}

Outcome reissue_invite_link(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.reissue_invite_link();
  if (!may_manage_roster(caller.role)) return forbidden(caller, "re-issue invite links");
  const Participant* p = ctx.state.participant(r.participant_id());
  if (!p) return invalid("no participant " + r.participant_id());
  if (p->revoked) return invalid(p->display_name + " was removed; invite them again under a new name instead");
  LogRecord rec = authored_by(caller);
  auto* re = rec.mutable_invite_link_reissued();
  re->set_participant_id(r.participant_id());
  re->set_generation(p->link_generation + 1);
  return Outcome::append(std::move(rec));
}

Outcome open_registration(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.open_registration();
  if (!may_manage_roster(caller.role)) return forbidden(caller, "open registration links");
  if (!valid_new_id(r.registration_id())) {
    return invalid("the registration id must be 8-64 characters of A-Z a-z 0-9 _ - (the client makes one up)");
  }
  if (ctx.state.registration(r.registration_id())) return invalid("there is already a registration link with this id");
  if (!invitable_role(r.role())) return invalid("a registration link admits researchers, members or observers");
  if (r.expires_unix_ms() <= ctx.now_unix_ms || r.expires_unix_ms() > ctx.now_unix_ms + kMaxRegistrationMs) {
    return invalid("a registration link expires in the future, within a year");
  }
  if (r.cap() < 1 || r.cap() > kMaxRegistrationCap) return invalid("a registration link admits 1-10000 people");
  if (r.label().size() > kMaxLabelBytes || !engine::is_valid_utf8(r.label())) {
    return invalid("the label must be at most 200 bytes of UTF-8 text");
  }
  LogRecord rec = authored_by(caller);
  auto* o = rec.mutable_registration_opened();
  o->set_registration_id(r.registration_id());
  o->set_role(r.role());
  o->set_expires_unix_ms(r.expires_unix_ms());
  o->set_cap(r.cap());
  o->set_label(r.label());
  return Outcome::append(std::move(rec));
}

Outcome close_registration(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.close_registration();
  if (!may_manage_roster(caller.role)) return forbidden(caller, "close registration links");
  const Registration* reg = ctx.state.registration(r.registration_id());
  if (!reg) return invalid("no registration link " + r.registration_id());
  if (reg->closed) return invalid("this registration link is already closed");
  LogRecord rec = authored_by(caller);
  rec.mutable_registration_closed()->set_registration_id(r.registration_id());
  return Outcome::append(std::move(rec));
}

Outcome set_board_settings(const RequestContext&, const Caller& caller, const ClientMessage& msg) {
  if (!may_manage_roster(caller.role)) return forbidden(caller, "change who counts in the board");
  LogRecord rec = authored_by(caller);
  rec.mutable_board_settings_set()->set_chair_is_board_member(msg.set_board_settings().chair_is_board_member());
  return Outcome::append(std::move(rec));
}

}  // namespace kenes::consultation::handlers
