// Indicators, polls and meetings (proto/README.md, "Indicators, polls and
// meetings"): who may, what is wrong, and the record each request becomes.
// What the server knows at the time is stamped into the record (a ballot's
// voter role, group and gender; a close's eligible count; the draft version
// a manual `validated` refers to), so the fold never consults anything but
// the log.

#include <algorithm>
#include <set>

#include "consultation/assessment_convert.h"
#include "consultation/handlers.h"
#include "consultation/permissions.h"
#include "consultation/proto_convert.h"
#include "engine/utf8.h"

namespace kenes::consultation::handlers {

using kenes::v1::ClientMessage;
using kenes::v1::ErrorCode;
using kenes::v1::LogRecord;

namespace {

constexpr size_t kMaxListEntries = 100;
constexpr size_t kMaxSourceBytes = 2000;
constexpr size_t kMaxReservationBytes = 2000;
constexpr size_t kMaxTitleBytes = 200;
constexpr size_t kMaxAgendaEntries = 500;
constexpr uint32_t kMaxScore = 100;

bool short_text(const std::string& s, size_t max_bytes) {
  return !s.empty() && s.size() <= max_bytes && engine::is_valid_utf8(s);
}

std::string status_name(kenes::v1::IndicatorStatus s) {
  switch (s) {
    case kenes::v1::INDICATOR_STATUS_NOT_STARTED: return "not started";
    case kenes::v1::INDICATOR_STATUS_DRAFTING: return "drafting";
    case kenes::v1::INDICATOR_STATUS_IN_REVIEW: return "in review";
    case kenes::v1::INDICATOR_STATUS_VALIDATED: return "validated";
    case kenes::v1::INDICATOR_STATUS_NEEDS_REVISION: return "needs revision";
    default: return "unknown";
  }
}

// The running meeting if it is `id` and no start or end is in flight.
const MeetingState* running_meeting(const RequestContext& ctx, const std::string& id) {
  const MeetingState* running = ctx.state.assessment().running_meeting();
  if (ctx.in_flight.meeting_changing() || !running || running->id != id) return nullptr;
  return running;
}

Outcome meeting_not_running(const std::string& id) {
  return Outcome::refuse(kenes::v1::ERROR_CODE_MEETING_STATE, "meeting '" + id.substr(0, 128) + "' is not running");
}

Outcome open_or_close_poll(const RequestContext& ctx, const Caller& caller, const std::string& id, bool opening) {
  if (!may_run_consultation(caller.role)) return forbidden(caller, opening ? "open polls" : "close polls");
  const PollState* p = ctx.state.assessment().poll(id);
  if (!p) return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no poll '" + id.substr(0, 128) + "'");
  if (ctx.in_flight.poll_changing(id)) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_POLL_NOT_OPEN, "the poll is being opened or closed; try again");
  }
  const int64_t now = ctx.now_unix_ms;
  LogRecord rec = authored_by(caller);
  if (opening) {
    if (p->opened) {
      return p->closed(now) ? Outcome::refuse(kenes::v1::ERROR_CODE_POLL_CLOSED, "the poll has closed")
                            : Outcome::refuse(kenes::v1::ERROR_CODE_POLL_NOT_OPEN, "the poll is already open");
    }
    if (p->definition.closes_at_unix_ms() != 0 && p->definition.closes_at_unix_ms() <= now) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_POLL, "the poll's closing time has passed");
    }
    rec.mutable_poll_opened()->set_poll_id(id);
  } else {
    if (!p->opened) return Outcome::refuse(kenes::v1::ERROR_CODE_POLL_NOT_OPEN, "the poll was never opened");
    if (p->close_logged) return Outcome::refuse(kenes::v1::ERROR_CODE_POLL_CLOSED, "the poll is already closed");
    auto* e = rec.mutable_poll_closed();
    e->set_poll_id(id);
    e->set_eligible(eligible_voters(p->definition, ctx.state.participants()));
  }
  return Outcome::append(std::move(rec));
}

Outcome join_or_leave_meeting(const RequestContext& ctx, const Caller& caller, const std::string& id, bool joining) {
  const MeetingState* running = running_meeting(ctx, id);
  if (!running) return meeting_not_running(id);
  if (running->attending(caller.participant_id) == joining) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_MEETING_STATE,
                           joining ? "you already attend this meeting" : "you do not attend this meeting");
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_attendance_changed();
  e->set_meeting_id(id);
  e->set_present(joining);
  return Outcome::append(std::move(rec));
}

}  // namespace

// ------------------------------------------------------------- indicators

Outcome set_indicator_status(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.set_indicator_status();
  if (!kenes::v1::IndicatorStatus_IsValid(r.status()) || r.status() == kenes::v1::INDICATOR_STATUS_UNSPECIFIED) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "status must be one of the listed statuses");
  }
  if (!may_set_indicator_status(caller.role, r.status())) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_STATUS_NOT_ALLOWED,
                           a_role(caller.role) + " may not set an indicator to '" +
                               status_name(r.status()) + "'" +
                               (caller.role == kenes::v1::ROLE_RESEARCHER
                                    ? " (only a passing validation poll validates)"
                                    : ""));
  }
  if (auto missing = missing_indicator(ctx.state, r.indicator_id())) return *missing;
  const IndicatorState* ind = ctx.state.assessment().indicator(r.indicator_id());
  const auto current = ind ? ind->status : kenes::v1::INDICATOR_STATUS_NOT_STARTED;
  if (current == r.status()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                           "the indicator is already '" + status_name(current) + "'");
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_indicator_status_changed();
  e->set_indicator_id(r.indicator_id());
  e->set_status(r.status());
  if (r.status() == kenes::v1::INDICATOR_STATUS_VALIDATED) {
    e->set_text_version(ctx.state.draft_version(r.indicator_id()));
  }
  return Outcome::append(std::move(rec));
}

Outcome set_indicator_assignees(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.set_indicator_assignees();
  if (!may_assign_indicators(caller.role)) return forbidden(caller, "assign indicators");
  if (auto missing = missing_indicator(ctx.state, r.indicator_id())) return *missing;
  if (static_cast<size_t>(r.participant_ids_size()) > kMaxListEntries) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "at most 100 assignees");
  }
  std::set<std::string> seen;
  for (const auto& id : r.participant_ids()) {
    const Participant* p = ctx.state.participant(id);
    if (!p || p->revoked) return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no participant '" + id.substr(0, 128) + "'");
    if (!seen.insert(id).second) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "'" + id + "' is listed twice");
    }
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_indicator_assignees_set();
  e->set_indicator_id(r.indicator_id());
  *e->mutable_participant_ids() = r.participant_ids();
  return Outcome::append(std::move(rec));
}

// In a range a consultation can mean.
bool civil_date(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  const int y = std::stoi(d.substr(0, 4));
  const int m = std::stoi(d.substr(5, 2));
  const int day = std::stoi(d.substr(8, 2));
  if (y < 2000 || y > 2199 || m < 1 || m > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return day <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::optional<Outcome> missing_indicator(const ConsultationState& state, const std::string& id) {
  if (state.framework_indicator(id)) return std::nullopt;
  return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND,
                         "no indicator '" + id.substr(0, 128) + "' in the consultation's framework");
}

Outcome set_indicator_due_date(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.set_indicator_due_date();
  if (!may_assign_indicators(caller.role)) return forbidden(caller, "set when an indicator is due");
  if (auto missing = missing_indicator(ctx.state, r.indicator_id())) return *missing;
  if (!r.due_date().empty() && !civil_date(r.due_date())) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                           "a due date is a calendar date YYYY-MM-DD between 2000 and 2199, got '" +
                               r.due_date().substr(0, 32) + "'");
  }
  const IndicatorState* now = ctx.state.assessment().indicator(r.indicator_id());
  if ((now ? now->due_date : std::string()) == r.due_date()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                           r.due_date().empty() ? "the indicator has no due date" : "the indicator is already due then");
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_indicator_due_date_set();
  e->set_indicator_id(r.indicator_id());
  e->set_due_date(r.due_date());
  return Outcome::append(std::move(rec));
}

Outcome set_indicator_sources(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.set_indicator_sources();
  if (!may_edit_indicator_fields(caller.role)) return forbidden(caller, "change an indicator's sources");
  if (auto missing = missing_indicator(ctx.state, r.indicator_id())) return *missing;
  if (static_cast<size_t>(r.sources_size()) > kMaxListEntries) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "at most 100 sources");
  }
  for (const auto& src : r.sources()) {
    if (!short_text(src, kMaxSourceBytes)) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "each source must be 1-2000 bytes of UTF-8");
    }
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_indicator_sources_set();
  e->set_indicator_id(r.indicator_id());
  *e->mutable_sources() = r.sources();
  return Outcome::append(std::move(rec));
}

Outcome set_indicator_score(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.set_indicator_score();
  if (!may_edit_indicator_fields(caller.role)) return forbidden(caller, "score an indicator");
  if (auto missing = missing_indicator(ctx.state, r.indicator_id())) return *missing;
  if (r.has_score() && r.score() > kMaxScore) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                           "a score is 0 to 100, got " + std::to_string(r.score()));
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_indicator_score_set();
  e->set_indicator_id(r.indicator_id());
  if (r.has_score()) e->set_score(r.score());
  return Outcome::append(std::move(rec));
}

Outcome set_scope(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.set_scope();
  if (!may_run_consultation(caller.role)) return forbidden(caller, "change the assessment's scope");
  auto invalid = [](std::string message) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, std::move(message));
  };
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_scope_changed();
  e->set_scope(r.scope());
  switch (r.scope()) {
    case kenes::v1::SCOPE_ALL:
    case kenes::v1::SCOPE_CORE:
      if (!r.selected_indicator_ids().empty()) {
        return invalid("indicators are selected only with the scope CORE_PLUS_SELECTED");
      }
      break;
    case kenes::v1::SCOPE_CORE_PLUS_SELECTED: {
      if (r.selected_indicator_ids().empty()) {
        return invalid("select at least one indicator besides the core ones (or choose the scope CORE)");
      }
      std::set<std::string> selected;
      for (const auto& id : r.selected_indicator_ids()) {
        if (auto missing = missing_indicator(ctx.state, id)) return *missing;
        if (ctx.state.framework_indicator(id)->core()) {
          return invalid("'" + id + "' is a core indicator: the core ones are in this scope already");
        }
        if (!selected.insert(id).second) return invalid("'" + id + "' is selected twice");
      }
      // In framework order, whatever order the chair ticked them in: one
      // selection has one record. (Every id was found: there is a framework.)
      for (const auto& c : ctx.state.created()->framework().categories()) {
        for (const auto& t : c.themes()) {
          for (const auto& q : t.questions()) {
            for (const auto& i : q.indicators()) {
              if (selected.count(i.id())) e->add_selected_indicator_ids(i.id());
            }
          }
        }
      }
      break;
    }
    default:
      return invalid("scope must be ALL, CORE or CORE_PLUS_SELECTED");
  }
  return Outcome::append(std::move(rec));
}

// ------------------------------------------------------------------ polls

Outcome create_poll(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& def = msg.create_poll().definition();
  if (!may_run_consultation(caller.role)) return forbidden(caller, "create polls");
  auto checked = poll_definition_from_proto(def);
  if (!checked.ok()) return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_POLL, checked.status().message());
  if (checked->closes_at_unix_ms && *checked->closes_at_unix_ms <= ctx.now_unix_ms) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_POLL, "the closing time has already passed");
  }
  if (!def.target_indicator_id().empty()) {
    if (auto missing = missing_indicator(ctx.state, def.target_indicator_id())) return *missing;
    const uint64_t draft = ctx.state.draft_version(def.target_indicator_id());
    if (def.target_version() > draft) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_POLL,
                             "target_version " + std::to_string(def.target_version()) +
                                 " is ahead of the draft (version " + std::to_string(draft) + ")");
    }
  } else if (def.target_version() != 0) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_POLL, "target_version without a target indicator");
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_poll_created();
  e->set_poll_id("poll-" + std::to_string(ctx.in_flight.next_poll_number(ctx.state.assessment())));
  *e->mutable_definition() = def;
  return Outcome::append(std::move(rec));
}

Outcome open_poll(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  return open_or_close_poll(ctx, caller, msg.open_poll().poll_id(), true);
}

Outcome close_poll(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  return open_or_close_poll(ctx, caller, msg.close_poll().poll_id(), false);
}

Outcome cast_vote(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.cast_vote();
  const PollState* p = ctx.state.assessment().poll(r.poll_id());
  if (!p) return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no poll '" + r.poll_id().substr(0, 128) + "'");
  if (!p->opened) return Outcome::refuse(kenes::v1::ERROR_CODE_POLL_NOT_OPEN, "the poll is not open yet");
  if (p->close_logged) return Outcome::refuse(kenes::v1::ERROR_CODE_POLL_CLOSED, "the poll is closed");
  const auto role = engine_role(caller.role);
  if (!role) return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_ELIGIBLE, "no role may vote without a role");
  const Participant* who = ctx.state.participant(caller.participant_id);
  engine::CastBallot ballot;
  ballot.voter_id = caller.participant_id;
  ballot.role = *role;
  if (who) {
    ballot.stakeholder_group = stakeholder_group_label(who->stakeholder_group);
    ballot.gender = who->gender;
  }
  ballot.choices.assign(r.choices().begin(), r.choices().end());
  const bool with_reservations = p->definition.kind() == kenes::v1::POLL_KIND_AGREEMENT && r.choices_size() == 1 &&
                                 r.choices(0) == engine::kAgreeWithReservations;
  if (!with_reservations && !r.reservation().empty()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_BALLOT,
                           "a reservation goes only with \"agree with reservations\" on an agreement poll");
  }
  if (r.reservation().size() > kMaxReservationBytes || !engine::is_valid_utf8(r.reservation())) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_BALLOT, "a reservation is at most 2000 bytes of UTF-8 text");
  }
  engine::Status s = p->poll.check_ballot(ballot, ctx.now_unix_ms);
  if (!s.ok()) {
    const ErrorCode code = s.code() == engine::ErrorCode::kMalformed ? kenes::v1::ERROR_CODE_INVALID_BALLOT
                                                                     : wire_error_code(s.code());
    return Outcome::refuse(code, s.message());
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_vote_cast();
  e->set_poll_id(r.poll_id());
  *e->mutable_choices() = r.choices();
  e->set_voter_role(caller.role);
  e->set_reservation(r.reservation());
  if (who) {
    e->set_voter_stakeholder_group(who->stakeholder_group);
    e->set_voter_gender(who->gender);
  }
  return Outcome::append(std::move(rec));
}

// --------------------------------------------------------------- meetings

Outcome mark_attendance(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.mark_attendance();
  if (!may_run_consultation(caller.role)) return forbidden(caller, "mark attendance");
  if (!ctx.state.assessment().meeting(r.meeting_id())) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no meeting '" + r.meeting_id().substr(0, 128) + "'");
  }
  const Participant* p = ctx.state.participant(r.participant_id());
  if (!p || p->revoked) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no participant '" + r.participant_id().substr(0, 128) + "'");
  }
  if (!kenes::v1::AttendanceMark_IsValid(r.mark())) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "the mark is present, excused or none");
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_attendance_marked();
  e->set_meeting_id(r.meeting_id());
  e->set_participant_id(r.participant_id());
  e->set_mark(r.mark());
  return Outcome::append(std::move(rec));
}

Outcome start_meeting(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.start_meeting();
  if (!may_run_consultation(caller.role)) return forbidden(caller, "start meetings");
  if (ctx.in_flight.meeting_changing()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_MEETING_STATE, "a meeting is being started or ended; try again");
  }
  if (const MeetingState* running = ctx.state.assessment().running_meeting()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_MEETING_STATE, "meeting '" + running->id + "' is running");
  }
  if (r.title().size() > kMaxTitleBytes || !engine::is_valid_utf8(r.title())) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "the title must be at most 200 bytes of UTF-8");
  }
  if (static_cast<size_t>(r.agenda_indicator_ids_size()) > kMaxAgendaEntries) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "at most 500 agenda entries");
  }
  for (const auto& id : r.agenda_indicator_ids()) {
    if (auto missing = missing_indicator(ctx.state, id)) return *missing;
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_meeting_started();
  e->set_meeting_id("meeting-" + std::to_string(ctx.in_flight.next_meeting_number(ctx.state.assessment())));
  e->set_title(r.title());
  *e->mutable_agenda_indicator_ids() = r.agenda_indicator_ids();
  return Outcome::append(std::move(rec));
}

Outcome end_meeting(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const std::string& id = msg.end_meeting().meeting_id();
  if (!may_run_consultation(caller.role)) return forbidden(caller, "end meetings");
  if (!running_meeting(ctx, id)) return meeting_not_running(id);
  LogRecord rec = authored_by(caller);
  rec.mutable_meeting_ended()->set_meeting_id(id);
  return Outcome::append(std::move(rec));
}

Outcome set_spotlight(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.set_spotlight();
  if (!may_run_consultation(caller.role)) return forbidden(caller, "set the spotlight");
  if (!running_meeting(ctx, r.meeting_id())) return meeting_not_running(r.meeting_id());
  if (!r.indicator_id().empty()) {
    if (auto missing = missing_indicator(ctx.state, r.indicator_id())) return *missing;
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_spotlight_set();
  e->set_meeting_id(r.meeting_id());
  e->set_indicator_id(r.indicator_id());
  return Outcome::append(std::move(rec));
}

Outcome join_meeting(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  return join_or_leave_meeting(ctx, caller, msg.join_meeting().meeting_id(), true);
}

Outcome leave_meeting(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  return join_or_leave_meeting(ctx, caller, msg.leave_meeting().meeting_id(), false);
}

}  // namespace kenes::consultation::handlers
