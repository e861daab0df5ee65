// The room's indicator, poll and meeting requests (proto/README.md,
// "Indicators, polls and meetings"): permission and argument checks, the
// record each request becomes, and what goes to whom once it is durable —
// including keeping anonymous ballots away from every other participant.
// Runs on the room's strand like the rest of Room.

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <chrono>

#include "assessment_convert.h"
#include "engine/utf8.h"
#include "logger.h"
#include "metrics.h"
#include "permissions.h"
#include "proto_convert.h"
#include "record_audience.h"
#include "room.h"
#include "token.h"
#include "wire_frames.h"

namespace kenes::server {

namespace asio = boost::asio;
using kenes::v1::ClientMessage;
using kenes::v1::ErrorCode;

namespace {

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr size_t kMaxListEntries = 100;
constexpr size_t kMaxSourceBytes = 2000;
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

}  // namespace

void Room::assessment_request(std::string connection_id, ClientMessage msg) {
  asio::post(strand_, [self = shared_from_this(), connection_id = std::move(connection_id), msg = std::move(msg)] {
    self->do_assessment_request(connection_id, msg);
  });
}

void Room::append_assessment(kenes::v1::LogRecord rec, const std::string& connection_id, uint64_t request_id) {
  PendingAppend pending;
  pending.connection_id = connection_id;
  pending.request_id = request_id;
  append(std::move(rec), std::move(pending), std::nullopt);
}

void Room::do_assessment_request(const std::string& connection_id, const ClientMessage& msg) {
  Member* m = member(connection_id);
  if (!m) return;
  const uint64_t rid = msg.request_id();
  auto refuse = [&](ErrorCode code, const std::string& message) { send_error(m, rid, code, message); };
  const auto& assessment = state_.assessment();
  const int64_t now = std::max(wall_clock_ms(), assessment.last_time_unix_ms());

  // A read-only request first: it needs no writable log.
  if (msg.kind_case() == ClientMessage::kGetRosterBalance) {
    if (m->state == MemberState::kAdmitting) return refuse(kenes::v1::ERROR_CODE_NOT_AUTHENTICATED, "wait for Welcome");
    if (!may_see_roster_balance(m->role)) {
      return refuse(kenes::v1::ERROR_CODE_FORBIDDEN, "only the chair sees the roster's balance");
    }
    kenes::v1::ServerMessage out;
    out.set_request_id(rid);
    *out.mutable_roster_balance() = roster_balance(state_.participants());
    flush_outbox();
    m->conn->send(encode_frame(out));
    return;
  }
  if (!accepts_changes_from(m, rid)) return;

  auto forbidden = [&](const std::string& what) {
    refuse(kenes::v1::ERROR_CODE_FORBIDDEN,
           "a " + std::string(role_name(m->role)) + " may not " + what);
  };
  auto need_indicator = [&](const std::string& id) {
    if (state_.framework_indicator(id)) return true;
    refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no indicator '" + id.substr(0, 128) + "' in the consultation's framework");
    return false;
  };

  kenes::v1::LogRecord rec;
  rec.set_author(m->participant_id);

  switch (msg.kind_case()) {
    // ------------------------------------------------------------ indicators
    case ClientMessage::kSetIndicatorStatus: {
      const auto& r = msg.set_indicator_status();
      if (!kenes::v1::IndicatorStatus_IsValid(r.status()) || r.status() == kenes::v1::INDICATOR_STATUS_UNSPECIFIED) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "status must be one of the listed statuses");
      }
      if (!may_set_indicator_status(m->role, r.status())) {
        return refuse(kenes::v1::ERROR_CODE_STATUS_NOT_ALLOWED,
                      "a " + std::string(role_name(m->role)) + " may not set an indicator to '" +
                          status_name(r.status()) + "'" +
                          (m->role == kenes::v1::ROLE_RESEARCHER ? " (only a passing validation poll validates)" : ""));
      }
      if (!need_indicator(r.indicator_id())) return;
      const IndicatorState* ind = assessment.indicator(r.indicator_id());
      auto current = ind ? ind->status : kenes::v1::INDICATOR_STATUS_NOT_STARTED;
      if (current == r.status()) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "the indicator is already '" + status_name(current) + "'");
      }
      auto* e = rec.mutable_indicator_status_changed();
      e->set_indicator_id(r.indicator_id());
      e->set_status(r.status());
      if (r.status() == kenes::v1::INDICATOR_STATUS_VALIDATED) {
        e->set_text_version(state_.draft_version(r.indicator_id()));
      }
      break;
    }
    case ClientMessage::kSetIndicatorAssignees: {
      const auto& r = msg.set_indicator_assignees();
      if (!may_assign_indicators(m->role)) return forbidden("assign indicators");
      if (!need_indicator(r.indicator_id())) return;
      if (static_cast<size_t>(r.participant_ids_size()) > kMaxListEntries) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "at most 100 assignees");
      }
      std::set<std::string> seen;
      for (const auto& id : r.participant_ids()) {
        const Participant* p = state_.participant(id);
        if (!p || p->revoked) {
          return refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no participant '" + id.substr(0, 128) + "'");
        }
        if (!seen.insert(id).second) {
          return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "'" + id + "' is listed twice");
        }
      }
      auto* e = rec.mutable_indicator_assignees_set();
      e->set_indicator_id(r.indicator_id());
      *e->mutable_participant_ids() = r.participant_ids();
      break;
    }
    case ClientMessage::kSetIndicatorSources: {
      const auto& r = msg.set_indicator_sources();
      if (!may_edit_indicator_fields(m->role)) return forbidden("change an indicator's sources");
      if (!need_indicator(r.indicator_id())) return;
      if (static_cast<size_t>(r.sources_size()) > kMaxListEntries) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "at most 100 sources");
      }
      for (const auto& src : r.sources()) {
        if (!short_text(src, kMaxSourceBytes)) {
          return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "each source must be 1-2000 bytes of UTF-8");
        }
      }
      auto* e = rec.mutable_indicator_sources_set();
      e->set_indicator_id(r.indicator_id());
      *e->mutable_sources() = r.sources();
      break;
    }
    case ClientMessage::kSetIndicatorScore: {
      const auto& r = msg.set_indicator_score();
      if (!may_edit_indicator_fields(m->role)) return forbidden("score an indicator");
      if (!need_indicator(r.indicator_id())) return;
      if (r.has_score() && r.score() > kMaxScore) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a score is 0 to 100, got " + std::to_string(r.score()));
      }
      auto* e = rec.mutable_indicator_score_set();
      e->set_indicator_id(r.indicator_id());
      if (r.has_score()) e->set_score(r.score());
      break;
    }
    case ClientMessage::kSetScope: {
      const auto& r = msg.set_scope();
      if (!may_run_consultation(m->role)) return forbidden("change the assessment's scope");
      if (r.scope() != kenes::v1::SCOPE_ALL && r.scope() != kenes::v1::SCOPE_CORE) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "scope must be ALL or CORE");
      }
      rec.mutable_scope_changed()->set_scope(r.scope());
      break;
    }

    // ----------------------------------------------------------------- polls
    case ClientMessage::kCreatePoll: {
      const auto& def = msg.create_poll().definition();
      if (!may_run_consultation(m->role)) return forbidden("create polls");
      auto checked = poll_definition_from_proto(def);
      if (!checked.ok()) return refuse(kenes::v1::ERROR_CODE_INVALID_POLL, checked.status().message());
      if (checked->closes_at_unix_ms && *checked->closes_at_unix_ms <= now) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_POLL, "the closing time has already passed");
      }
      if (!def.target_indicator_id().empty()) {
        if (!need_indicator(def.target_indicator_id())) return;
        uint64_t draft = state_.draft_version(def.target_indicator_id());
        if (def.target_version() > draft) {
          return refuse(kenes::v1::ERROR_CODE_INVALID_POLL, "target_version " + std::to_string(def.target_version()) +
                                                                " is ahead of the draft (version " +
                                                                std::to_string(draft) + ")");
        }
      } else if (def.target_version() != 0) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_POLL, "target_version without a target indicator");
      }
      poll_ids_issued_ = std::max(poll_ids_issued_, assessment.polls_created()) + 1;
      auto* e = rec.mutable_poll_created();
      e->set_poll_id("poll-" + std::to_string(poll_ids_issued_));
      *e->mutable_definition() = def;
      break;
    }
    case ClientMessage::kOpenPoll:
    case ClientMessage::kClosePoll: {
      const bool opening = msg.kind_case() == ClientMessage::kOpenPoll;
      const std::string& id = opening ? msg.open_poll().poll_id() : msg.close_poll().poll_id();
      if (!may_run_consultation(m->role)) return forbidden(opening ? "open polls" : "close polls");
      const PollState* p = assessment.poll(id);
      if (!p) return refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no poll '" + id.substr(0, 128) + "'");
      if (poll_changes_in_flight_.count(id)) {
        return refuse(kenes::v1::ERROR_CODE_POLL_NOT_OPEN, "the poll is being opened or closed; try again");
      }
      if (opening) {
        if (p->opened) {
          return refuse(p->closed(now) ? kenes::v1::ERROR_CODE_POLL_CLOSED : kenes::v1::ERROR_CODE_POLL_NOT_OPEN,
                        p->closed(now) ? "the poll has closed" : "the poll is already open");
        }
        if (p->definition.closes_at_unix_ms() != 0 && p->definition.closes_at_unix_ms() <= now) {
          return refuse(kenes::v1::ERROR_CODE_INVALID_POLL, "the poll's closing time has passed");
        }
        rec.mutable_poll_opened()->set_poll_id(id);
      } else {
        if (!p->opened) return refuse(kenes::v1::ERROR_CODE_POLL_NOT_OPEN, "the poll was never opened");
        if (p->close_logged) return refuse(kenes::v1::ERROR_CODE_POLL_CLOSED, "the poll is already closed");
        auto* e = rec.mutable_poll_closed();
        e->set_poll_id(id);
        e->set_eligible(eligible_voters(p->definition, state_.participants()));
      }
      poll_changes_in_flight_.insert(id);
      break;
    }
    case ClientMessage::kCastVote: {
      const auto& r = msg.cast_vote();
      const PollState* p = assessment.poll(r.poll_id());
      if (!p) return refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "no poll '" + r.poll_id().substr(0, 128) + "'");
      if (!p->opened) return refuse(kenes::v1::ERROR_CODE_POLL_NOT_OPEN, "the poll is not open yet");
      if (p->close_logged) return refuse(kenes::v1::ERROR_CODE_POLL_CLOSED, "the poll is closed");
      auto role = engine_role(m->role);
      if (!role) return refuse(kenes::v1::ERROR_CODE_NOT_ELIGIBLE, "no role may vote without a role");
      const Participant* who = state_.participant(m->participant_id);
      engine::CastBallot ballot;
      ballot.voter_id = m->participant_id;
      ballot.role = *role;
      if (who) {
        ballot.stakeholder_group = stakeholder_group_label(who->stakeholder_group);
        ballot.gender = who->gender;
      }
      ballot.choices.assign(r.choices().begin(), r.choices().end());
      engine::Status s = p->poll.check_ballot(ballot, now);
      if (!s.ok()) {
        ErrorCode code = s.code() == engine::ErrorCode::kMalformed ? kenes::v1::ERROR_CODE_INVALID_BALLOT
                                                                   : wire_error_code(s.code());
        return refuse(code, s.message());
      }
      auto* e = rec.mutable_vote_cast();
      e->set_poll_id(r.poll_id());
      *e->mutable_choices() = r.choices();
      e->set_voter_role(m->role);
      if (who) {
        e->set_voter_stakeholder_group(who->stakeholder_group);
        e->set_voter_gender(who->gender);
      }
      break;
    }

    // -------------------------------------------------------------- meetings
    case ClientMessage::kStartMeeting: {
      const auto& r = msg.start_meeting();
      if (!may_run_consultation(m->role)) return forbidden("start meetings");
      if (meeting_change_in_flight_) {
        return refuse(kenes::v1::ERROR_CODE_MEETING_STATE, "a meeting is being started or ended; try again");
      }
      if (const MeetingState* running = assessment.running_meeting()) {
        return refuse(kenes::v1::ERROR_CODE_MEETING_STATE, "meeting '" + running->id + "' is running");
      }
      if (r.title().size() > kMaxTitleBytes || !engine::is_valid_utf8(r.title())) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "the title must be at most 200 bytes of UTF-8");
      }
      if (static_cast<size_t>(r.agenda_indicator_ids_size()) > kMaxAgendaEntries) {
        return refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "at most 500 agenda entries");
      }
      for (const auto& id : r.agenda_indicator_ids()) {
        if (!need_indicator(id)) return;
      }
      meeting_ids_issued_ = std::max<uint64_t>(meeting_ids_issued_, assessment.meetings_started()) + 1;
      auto* e = rec.mutable_meeting_started();
      e->set_meeting_id("meeting-" + std::to_string(meeting_ids_issued_));
      e->set_title(r.title());
      *e->mutable_agenda_indicator_ids() = r.agenda_indicator_ids();
      meeting_change_in_flight_ = true;
      break;
    }
    case ClientMessage::kEndMeeting:
    case ClientMessage::kSetSpotlight: {
      const bool ending = msg.kind_case() == ClientMessage::kEndMeeting;
      const std::string& id = ending ? msg.end_meeting().meeting_id() : msg.set_spotlight().meeting_id();
      if (!may_run_consultation(m->role)) return forbidden(ending ? "end meetings" : "set the spotlight");
      const MeetingState* running = assessment.running_meeting();
      if (meeting_change_in_flight_ || !running || running->id != id) {
        return refuse(kenes::v1::ERROR_CODE_MEETING_STATE, "meeting '" + id.substr(0, 128) + "' is not running");
      }
      if (ending) {
        rec.mutable_meeting_ended()->set_meeting_id(id);
        meeting_change_in_flight_ = true;
      } else {
        const std::string& ind = msg.set_spotlight().indicator_id();
        if (!ind.empty() && !need_indicator(ind)) return;
        auto* e = rec.mutable_spotlight_set();
        e->set_meeting_id(id);
        e->set_indicator_id(ind);
      }
      break;
    }
    case ClientMessage::kJoinMeeting:
    case ClientMessage::kLeaveMeeting: {
      const bool joining = msg.kind_case() == ClientMessage::kJoinMeeting;
      const std::string& id = joining ? msg.join_meeting().meeting_id() : msg.leave_meeting().meeting_id();
      const MeetingState* running = assessment.running_meeting();
      if (meeting_change_in_flight_ || !running || running->id != id) {
        return refuse(kenes::v1::ERROR_CODE_MEETING_STATE, "meeting '" + id.substr(0, 128) + "' is not running");
      }
      if (running->attending(m->participant_id) == joining) {
        return refuse(kenes::v1::ERROR_CODE_MEETING_STATE,
                      joining ? "you already attend this meeting" : "you do not attend this meeting");
      }
      auto* e = rec.mutable_attendance_changed();
      e->set_meeting_id(id);
      e->set_present(joining);
      break;
    }
    default:
      return refuse(kenes::v1::ERROR_CODE_UNKNOWN_MESSAGE, "unknown message kind");
  }
  append_assessment(std::move(rec), connection_id, rid);
}

// ------------------------------------------------------------- delivery

std::string Room::record_audience(const kenes::v1::LogRecord& rec) const {
  return server::record_audience(rec, state_.assessment(), wall_clock_ms());
}

bool Room::payload_meant_for(const Member& m, std::string_view payload) {
  if (!may_have_one_recipient(payload)) return true;
  // A reused message: catch-up decodes a batch of ballots in a row.
  catch_up_decoded_.Clear();
  if (!catch_up_decoded_.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return false;
  const std::string only = record_audience(catch_up_decoded_);
  return only.empty() || only == m.participant_id;
}

void Room::deliver_assessment_record(const kenes::v1::LogRecord& rec, const std::string& record_bytes,
                                     const PendingAppend& pending) {
  const uint64_t seq = rec.seq();
  Member* requester = member(pending.connection_id);
  kenes::v1::ServerMessage ack;
  ack.set_request_id(pending.request_id);
  ack.mutable_ack()->set_seq(seq);
  bool refused_late = false;
  if (rec.has_vote_cast()) {
    // A ballot goes only to those allowed to see it. It still waits in the
    // outbox with the records of the same group commit, restricted to its
    // voter when others may not see it: a burst of ballots then costs one
    // frame per member per flush, not one per ballot (bench/README.md, soak).
    OutboxEntry& entry = queue_record(record_bytes, {});
    entry.only_participant = record_audience(rec);
    const std::optional<BallotRecord> b = state_.assessment().last_ballot();
    refused_late = b && b->seq == seq && !b->counted;
    schedule_poll_update(rec.vote_cast().poll_id());
    if (requester && refused_late) {
      send_error(requester, pending.request_id, kenes::v1::ERROR_CODE_POLL_CLOSED,
                 "the poll closed before your ballot was recorded; it was not counted");
    } else if (requester) {
      entry.direct.emplace_back(pending.connection_id, encode_frame(ack));
    }
  } else {
    // Everyone gets the record, the requester too, then its Ack.
    OutboxEntry& entry = queue_record(record_bytes, {});
    if (requester) entry.direct.emplace_back(pending.connection_id, encode_frame(ack));
  }
  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kPollCreated:
      schedule_poll_update(rec.poll_created().poll_id());
      break;
    case kenes::v1::LogRecord::kPollOpened:
      poll_changes_in_flight_.erase(rec.poll_opened().poll_id());
      schedule_poll_update(rec.poll_opened().poll_id());
      arm_poll_timer();
      break;
    case kenes::v1::LogRecord::kPollClosed:
      poll_changes_in_flight_.erase(rec.poll_closed().poll_id());
      schedule_poll_update(rec.poll_closed().poll_id());
      arm_poll_timer();
      break;
    case kenes::v1::LogRecord::kMeetingStarted:
    case kenes::v1::LogRecord::kMeetingEnded:
      meeting_change_in_flight_ = false;
      break;
    default:
      break;
  }
}

void Room::schedule_poll_update(const std::string& poll_id) {
  dirty_polls_.insert(poll_id);
  if (poll_flush_posted_) return;
  poll_flush_posted_ = true;
  const auto due = last_poll_flush_ + options_.poll_update_interval;
  if (std::chrono::steady_clock::now() >= due) {
    // Posted, not run now: ballots made durable by the same group commit are
    // already queued on the strand, and one update then covers them all.
    asio::post(strand_, [self = shared_from_this()] { self->flush_poll_updates(); });
    return;
  }
  if (!poll_flush_timer_) poll_flush_timer_ = std::make_unique<asio::steady_timer>(strand_);
  poll_flush_timer_->expires_at(due);
  poll_flush_timer_->async_wait(asio::bind_executor(strand_, [self = shared_from_this()](boost::system::error_code) {
    self->flush_poll_updates();
  }));
}

void Room::flush_poll_updates() {
  poll_flush_posted_ = false;
  last_poll_flush_ = std::chrono::steady_clock::now();
  const int64_t now = wall_clock_ms();
  for (const auto& id : dirty_polls_) {
    const PollState* p = state_.assessment().poll(id);
    if (!p) continue;
    kenes::v1::ServerMessage msg;
    *msg.mutable_poll_update() =
        poll_update(*p, eligible_voters(p->definition, state_.participants()), now);
    broadcast(encode_frame(msg), {});
  }
  dirty_polls_.clear();
}

void Room::send_poll_updates(Member& m) {
  const int64_t now = wall_clock_ms();
  for (const auto& [id, p] : state_.assessment().polls()) {
    kenes::v1::ServerMessage msg;
    *msg.mutable_poll_update() = poll_update(p, eligible_voters(p.definition, state_.participants()), now);
    m.conn->send(encode_frame(msg));
  }
}

// ---------------------------------------------------------- closing time

void Room::arm_poll_timer() {
  std::optional<int64_t> next;
  for (const auto& [id, p] : state_.assessment().polls()) {
    if (!p.opened || p.close_logged || poll_changes_in_flight_.count(id)) continue;
    int64_t at = p.definition.closes_at_unix_ms();
    if (at != 0 && (!next || at < *next)) next = at;
  }
  if (!next) {
    if (poll_timer_) poll_timer_->cancel();
    return;
  }
  if (!poll_timer_) poll_timer_ = std::make_unique<asio::steady_timer>(strand_);
  int64_t delay = std::max<int64_t>(0, *next - wall_clock_ms());
  poll_timer_->expires_after(std::chrono::milliseconds(delay));
  std::weak_ptr<Room> weak = shared_from_this();
  poll_timer_->async_wait(asio::bind_executor(strand_, [weak](boost::system::error_code ec) {
    if (ec) return;  // re-armed or cancelled
    if (auto self = weak.lock()) self->on_poll_timer();
  }));
}

void Room::on_poll_timer() {
  if (shutting_down_ || failure_) return;
  const int64_t now = wall_clock_ms();
  for (const auto& [id, p] : state_.assessment().polls()) {
    if (!p.opened || p.close_logged || poll_changes_in_flight_.count(id)) continue;
    int64_t at = p.definition.closes_at_unix_ms();
    if (at == 0 || at > now) continue;
    kenes::v1::LogRecord rec;  // no author: the server closes it
    auto* e = rec.mutable_poll_closed();
    e->set_poll_id(id);
    e->set_at_closing_time(true);
    e->set_eligible(eligible_voters(p.definition, state_.participants()));
    poll_changes_in_flight_.insert(id);
    append_assessment(std::move(rec), {}, 0);
  }
  arm_poll_timer();  // the next poll's time (or a steady clock that ran early)
}

// ------------------------------------------------------------ attendance

void Room::note_departure(const std::string& participant_id) {
  if (shutting_down_ || failure_ || meeting_change_in_flight_) return;
  const MeetingState* running = state_.assessment().running_meeting();
  if (!running || !running->attending(participant_id)) return;
  for (const auto& [cid, mem] : members_) {
    if (mem.participant_id == participant_id) return;  // still connected elsewhere
  }
  kenes::v1::LogRecord rec;
  rec.set_author(participant_id);
  auto* e = rec.mutable_attendance_changed();
  e->set_meeting_id(running->id);
  e->set_present(false);
  e->set_by_disconnect(true);
  append_assessment(std::move(rec), {}, 0);
}

}  // namespace kenes::server
