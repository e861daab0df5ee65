#include "replay/report/minutes_data.h"

#include <algorithm>

#include "replay/report/edits.h"
#include "replay/report/poll_export.h"

namespace kenes::report {

namespace {

// A poll as of the head: its results through the engine's view (hidden
// results stay hidden), what it validates, when it opened and closed, and
// its reservations — named unless the poll is anonymous.
MinutesPoll poll_entry(const consultation::ConsultationState& state, const consultation::PollState& p, int64_t now) {
  if (!p.opened) {
    MinutesPoll m;
    m.id = p.id;
    m.question = p.definition.question();
    m.anonymous = p.definition.anonymous();
    m.state = MinutesPoll::State::kNeverOpened;
    return m;
  }
  uint64_t eligible =
      p.close_logged ? p.eligible_at_close : consultation::eligible_voters(p.definition, state.participants());
  MinutesPoll m = minutes_poll(p.id, p.poll, eligible, now);
  m.opened_at_unix_ms = p.opened_at_unix_ms;
  if (p.close_logged) m.closed_at_unix_ms = p.close_logged_at_unix_ms;
  const std::string& target = p.definition.target_indicator_id();
  if (!target.empty() || !p.validation_item.empty()) {
    m.validates = minutes_subject(state, target.empty() ? p.validation_item : target);
    m.target_version = target.empty() ? 0 : p.definition.target_version();
  }
  kenes::v1::PollResults shown;
  consultation::add_reservations(p, &shown);
  for (const auto& r : shown.reservations()) {
    // add_reservations leaves the voter out of an anonymous poll's.
    m.reservations.push_back({r.voter().empty() ? std::string() : display_name(state, r.voter()), r.text()});
  }
  return m;
}

}  // namespace

std::optional<MinutesData> build_minutes_data(storage::Log& log, const consultation::ConsultationState& state,
                                              const LogHead& head, const std::string& meeting_id, std::string* error) {
  const consultation::MeetingState* meeting = state.assessment().meeting(meeting_id);
  if (!meeting) {
    *error = "no meeting " + meeting_id;
    return std::nullopt;
  }
  MinutesData d;
  d.consultation_id = state.consultation_id();
  d.consultation_title = state.created() ? state.created()->title() : std::string();
  d.meeting_id = meeting->id;
  d.meeting_title = meeting->title;
  d.chair = display_name(state, meeting->started_by);
  d.started_at_unix_ms = meeting->started_at_unix_ms;
  d.ended_at_unix_ms = meeting->ended_at_unix_ms;
  d.head = head;
  for (const auto& id : meeting->agenda) d.agenda.push_back(minutes_subject(state, id));
  for (const auto& [t, id] : meeting->spotlight_history) {
    d.spotlight.emplace_back(t, id.empty() ? std::nullopt : std::optional(minutes_subject(state, id)));
  }
  for (const auto& span : meeting->attendance) {
    MinutesAttendee a;
    a.name = display_name(state, span.participant_id);
    if (const consultation::Participant* p = state.participant(span.participant_id)) {
      a.role = p->role;
      a.group = p->stakeholder_group;
      a.gender = p->gender;
    }
    a.joined_at_unix_ms = span.joined_at_unix_ms;
    a.left_at_unix_ms = span.left_at_unix_ms;
    d.attendance.push_back(std::move(a));
  }
  for (const auto& [id, p] : state.participants()) {
    const bool board = p.role == kenes::v1::ROLE_MEMBER ||
                       (p.role == kenes::v1::ROLE_CHAIR && state.chair_is_board_member());
    if (!board || p.revoked) continue;
    bool attended = false;
    for (const auto& span : meeting->attendance) attended = attended || span.participant_id == id;
    auto mark = meeting->marks.find(id);
    const auto marked = mark == meeting->marks.end() ? kenes::v1::ATTENDANCE_MARK_NONE : mark->second;
    if (attended || marked == kenes::v1::ATTENDANCE_MARK_PRESENT) {
      d.board_present.push_back(display_name(state, id));
    } else if (marked == kenes::v1::ATTENDANCE_MARK_EXCUSED) {
      d.board_excused.push_back(display_name(state, id));
    } else {
      d.board_absent.push_back(display_name(state, id));
    }
  }
  for (auto* names : {&d.board_present, &d.board_excused, &d.board_absent}) std::sort(names->begin(), names->end());

  const uint64_t last = meeting->ended_seq ? meeting->ended_seq : head.seq;
  DocumentChanges changes = changes_between(log, state.consultation_id(), meeting->started_seq, last);
  if (!changes.error.empty()) {
    *error = changes.error;
    return std::nullopt;
  }
  d.edits = minutes_edits(changes, state);
  d.threads = minutes_threads(changes, state);
  d.decisions = std::move(changes.decisions);
  // The polls created, opened or closed during the meeting, in creation order.
  std::vector<const consultation::PollState*> polls;
  for (const auto& id : changes.polls) {
    if (const consultation::PollState* p = state.assessment().poll(id)) polls.push_back(p);
  }
  std::sort(polls.begin(), polls.end(),
            [](const consultation::PollState* a, const consultation::PollState* b) { return a->created_seq < b->created_seq; });
  for (const consultation::PollState* p : polls) d.polls.push_back(poll_entry(state, *p, head.time_unix_ms));
  return d;
}

}  // namespace kenes::report
