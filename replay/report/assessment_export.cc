#include "replay/report/assessment_export.h"

#include <algorithm>

#include "replay/report/edits.h"
#include "replay/report/poll_export.h"

namespace kenes::report {

namespace {

std::string indicator_label(const consultation::ConsultationState& state, const std::string& id) {
  const auto* ind = state.framework_indicator(id);
  return ind ? id + " " + ind->title() : id;
}

std::vector<const consultation::PollState*> polls_in_creation_order(const consultation::ConsultationState& state) {
  std::vector<const consultation::PollState*> polls;
  for (const auto& [id, p] : state.assessment().polls()) polls.push_back(&p);
  std::sort(polls.begin(), polls.end(),
            [](const consultation::PollState* a, const consultation::PollState* b) { return a->created_seq < b->created_seq; });
  return polls;
}

}  // namespace

std::optional<MinutesData> build_minutes_data(storage::Log& log, const consultation::ConsultationState& state, const LogHead& head,
                                              const std::string& meeting_id, std::string* error) {
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
  for (const auto& id : meeting->agenda) d.agenda.push_back(indicator_label(state, id));
  for (const auto& [t, id] : meeting->spotlight_history) {
    d.spotlight.emplace_back(t, id.empty() ? std::string() : indicator_label(state, id));
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
  uint64_t last = meeting->ended_seq ? meeting->ended_seq : head.seq;
  DocumentChanges changes = changes_between(log, state.consultation_id(), meeting->started_seq, last);
  if (!changes.error.empty()) {
    *error = changes.error;
    return std::nullopt;
  }
  d.edits = minutes_edits(changes, state);
  d.decisions = changes.decisions;
  for (const consultation::PollState* p : polls_in_creation_order(state)) {
    if (p->created_seq < meeting->started_seq || p->created_seq > last) continue;
    if (!p->opened) {
      MinutesPoll m;
      m.id = p->id;
      m.question = p->definition.question();
      m.outcome = "created, never opened";
      d.polls.push_back(std::move(m));
      continue;
    }
    uint64_t eligible = p->close_logged ? p->eligible_at_close : consultation::eligible_voters(p->definition, state.participants());
    MinutesPoll m = minutes_poll(p->id, p->poll, eligible, head.time_unix_ms);
    kenes::v1::PollResults shown;
    consultation::add_reservations(*p, &shown);
    for (const auto& r : shown.reservations()) {
      m.reservations.push_back(r.voter().empty() ? r.text() : display_name(state, r.voter()) + ": " + r.text());
    }
    d.polls.push_back(std::move(m));
  }
  // Threads (issue 6): those started and those resolved during the meeting.
  const auto& threads = state.discussion().threads();
  d.threads_recorded = true;
  auto thread_label = [&](const consultation::ThreadState& t) {
    std::string label = t.id + " on " +
                        (t.target.indicator_id().empty() ? t.target.doc_id() : indicator_label(state, t.target.indicator_id()));
    if (!t.quote.empty()) label += ": \u201c" + t.quote.substr(0, 200) + "\u201d";
    label += " (" + display_name(state, t.creator) + ")";
    return label;
  };
  std::vector<const consultation::ThreadState*> ordered;
  for (const auto& [id, t] : threads) ordered.push_back(&t);
  std::sort(ordered.begin(), ordered.end(),
            [](const consultation::ThreadState* a, const consultation::ThreadState* b) { return a->created_seq < b->created_seq; });
  for (const consultation::ThreadState* t : ordered) {
    if (t->created_seq >= meeting->started_seq && t->created_seq <= last) d.threads_opened.push_back(thread_label(*t));
    for (uint64_t s : t->resolved_seqs) {
      if (s >= meeting->started_seq && s <= last) {
        d.threads_resolved.push_back(thread_label(*t));
        break;
      }
    }
  }
  return d;
}

VotesData build_votes_data(const consultation::ConsultationState& state, const LogHead& head) {
  VotesData d;
  d.consultation_id = state.consultation_id();
  d.head = head;
  auto name_of = [&](const std::string& id) { return display_name(state, id); };
  for (const consultation::PollState* p : polls_in_creation_order(state)) {
    if (!p->opened) continue;
    auto rows = vote_rows(p->id, p->poll, head.time_unix_ms, name_of);
    d.rows.insert(d.rows.end(), rows.begin(), rows.end());
  }
  return d;
}

}  // namespace kenes::report
