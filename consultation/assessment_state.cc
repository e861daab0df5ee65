#include "consultation/assessment_state.h"

#include <algorithm>

#include "consultation/assessment_convert.h"
#include "consultation/consultation_state.h"
#include "kenes/v1/snapshot.pb.h"
#include "consultation/protobuf_fields.h"

namespace kenes::consultation {

namespace {

engine::Status fail(uint64_t seq, const std::string& what) {
  return engine::Status(engine::ErrorCode::kInvalidState, "record " + std::to_string(seq) + ": " + what);
}

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

bool MeetingState::attending(const std::string& participant_id) const {
  for (const auto& span : attendance) {
    if (span.participant_id == participant_id && !span.left_at_unix_ms) return true;
  }
  return false;
}

bool AssessmentState::handles(const kenes::v1::LogRecord& rec) {
  int n = static_cast<int>(rec.event_case());
  return n >= 30 && n <= 59;
}

const IndicatorState* AssessmentState::indicator(const std::string& id) const {
  auto it = indicators_.find(id);
  return it == indicators_.end() ? nullptr : &it->second;
}

const PollState* AssessmentState::poll(const std::string& id) const {
  auto it = polls_.find(id);
  return it == polls_.end() ? nullptr : &it->second;
}

const MeetingState* AssessmentState::meeting(const std::string& id) const {
  for (const auto& m : meetings_) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

const MeetingState* AssessmentState::running_meeting() const {
  if (meetings_.empty() || !meetings_.back().running()) return nullptr;
  return &meetings_.back();
}

bool AssessmentState::changed_since_validation(const std::string& indicator_id, uint64_t draft_version) const {
  const IndicatorState* ind = indicator(indicator_id);
  return ind && ind->status == kenes::v1::INDICATOR_STATUS_VALIDATED && draft_version > ind->validated_version;
}

engine::Status AssessmentState::apply(const kenes::v1::LogRecord& rec) {
  if (!handles(rec)) return fail(rec.seq(), "not an indicator, poll or meeting record");
  const int64_t at = std::max(rec.time_unix_ms(), last_time_);
  engine::Status s;
  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kIndicatorStatusChanged: {
      const auto& e = rec.indicator_status_changed();
      IndicatorState& ind = indicators_[e.indicator_id()];
      ind.status = e.status() == kenes::v1::INDICATOR_STATUS_UNSPECIFIED ? kenes::v1::INDICATOR_STATUS_NOT_STARTED
                                                                          : e.status();
      if (ind.status == kenes::v1::INDICATOR_STATUS_VALIDATED) {
        ind.validated_version = e.text_version();
        ind.validated_by_poll.clear();
      }
      ind.updated_seq = rec.seq();
      ind.status_seq = rec.seq();
      ind.status_at_unix_ms = rec.time_unix_ms();
      break;
    }
    case kenes::v1::LogRecord::kIndicatorAssigneesSet: {
      const auto& e = rec.indicator_assignees_set();
      IndicatorState& ind = indicators_[e.indicator_id()];
      ind.assignees.assign(e.participant_ids().begin(), e.participant_ids().end());
      ind.updated_seq = rec.seq();
      break;
    }
    case kenes::v1::LogRecord::kIndicatorSourcesSet: {
      const auto& e = rec.indicator_sources_set();
      IndicatorState& ind = indicators_[e.indicator_id()];
      ind.sources.assign(e.sources().begin(), e.sources().end());
      ind.updated_seq = rec.seq();
      break;
    }
    case kenes::v1::LogRecord::kIndicatorScoreSet: {
      const auto& e = rec.indicator_score_set();
      IndicatorState& ind = indicators_[e.indicator_id()];
      if (e.has_score()) {
        ind.score = e.score();
      } else {
        ind.score.reset();
      }
      ind.updated_seq = rec.seq();
      break;
    }
    case kenes::v1::LogRecord::kIndicatorDueDateSet: {
      const auto& e = rec.indicator_due_date_set();
      IndicatorState& ind = indicators_[e.indicator_id()];
      ind.due_date = e.due_date();
      ind.updated_seq = rec.seq();
      break;
    }
    // Evidence (issue 19). An edit or removal of one no longer there (its
    // removal was in flight when the request was checked) changes nothing.
    case kenes::v1::LogRecord::kReferenceAdded: {
      const auto& e = rec.reference_added();
      IndicatorState& ind = indicators_[e.indicator_id()];
      ind.references.push_back(e.reference());
      ++references_added_;
      ind.updated_seq = rec.seq();
      break;
    }
    case kenes::v1::LogRecord::kReferenceEdited: {
      const auto& e = rec.reference_edited();
      IndicatorState& ind = indicators_[e.indicator_id()];
      for (auto& r : ind.references) {
        if (r.reference_id() == e.reference().reference_id()) r = e.reference();
      }
      ind.updated_seq = rec.seq();
      break;
    }
    case kenes::v1::LogRecord::kReferenceRemoved: {
      const auto& e = rec.reference_removed();
      IndicatorState& ind = indicators_[e.indicator_id()];
      std::erase_if(ind.references, [&](const auto& r) { return r.reference_id() == e.reference_id(); });
      ind.updated_seq = rec.seq();
      break;
    }
    case kenes::v1::LogRecord::kFigureAdded: {
      const auto& e = rec.figure_added();
      IndicatorState& ind = indicators_[e.indicator_id()];
      ind.figures.push_back(e.figure());
      ++figures_added_;
      ind.updated_seq = rec.seq();
      break;
    }
    case kenes::v1::LogRecord::kFigureEdited: {
      const auto& e = rec.figure_edited();
      IndicatorState& ind = indicators_[e.indicator_id()];
      for (auto& f : ind.figures) {
        if (f.figure_id() == e.figure().figure_id()) f = e.figure();
      }
      ind.updated_seq = rec.seq();
      break;
    }
    case kenes::v1::LogRecord::kFigureRemoved: {
      const auto& e = rec.figure_removed();
      IndicatorState& ind = indicators_[e.indicator_id()];
      std::erase_if(ind.figures, [&](const auto& f) { return f.figure_id() == e.figure_id(); });
      ind.updated_seq = rec.seq();
      break;
    }
    case kenes::v1::LogRecord::kScopeChanged:
      scope_ = rec.scope_changed().scope();
      scope_selected_.assign(rec.scope_changed().selected_indicator_ids().begin(),
                             rec.scope_changed().selected_indicator_ids().end());
      break;
    case kenes::v1::LogRecord::kPollCreated:
    case kenes::v1::LogRecord::kPollOpened:
    case kenes::v1::LogRecord::kVoteCast:
    case kenes::v1::LogRecord::kPollClosed:
      s = apply_poll_event(rec, at);
      break;
    case kenes::v1::LogRecord::kValidationSessionStarted:
    case kenes::v1::LogRecord::kValidationItemOpened:
    case kenes::v1::LogRecord::kValidationItemSkipped:
    case kenes::v1::LogRecord::kValidationSessionEnded:
      s = apply_validation_event(rec, at);
      break;
    default:
      s = apply_meeting_event(rec, at);
      break;
  }
  if (!s.ok()) return s;
  last_time_ = at;
  // Without prev_hash: the live path folds records as broadcast (with it),
  // a replay as read (without); the snapshot must not depend on which.
  kenes::v1::LogRecord kept = rec;
  kept.clear_prev_hash();
  const std::string bytes = kept.SerializeAsString();
  const size_t start = open_segment_.size();
  append_bytes_field(open_segment_, kenes::v1::AssessmentSnapshot::kRecordsFieldNumber, bytes);
  for (size_t i = start; i < open_segment_.size(); ++i) {
    fingerprint_ = (fingerprint_ ^ static_cast<unsigned char>(open_segment_[i])) * 1099511628211ull;
  }
  if (open_segment_.size() >= segment_bytes_) {
    full_unwritten_.push_back(Segment{open_index_, std::move(open_segment_)});
    open_segment_ = std::string();
    ++open_index_;
  }
  return engine::Status();
}

engine::Status AssessmentState::create_poll(const std::string& id, const kenes::v1::PollDefinition& definition,
                                            const kenes::v1::LogRecord& rec, int64_t at) {
  if (polls_.count(id)) return fail(rec.seq(), "poll " + id + " already exists");
  auto def = poll_definition_from_proto(definition);
  if (!def.ok()) return fail(rec.seq(), "poll " + id + ": " + def.status().message());
  PollState& p = polls_[id];
  p.id = id;
  p.definition = definition;
  p.created_by = rec.author();
  p.created_seq = rec.seq();
  p.created_at_unix_ms = at;
  p.last_seq = rec.seq();
  ++polls_created_;
  return engine::Status();
}

engine::Status AssessmentState::open_poll(PollState& p, const kenes::v1::LogRecord& rec, int64_t at) {
  if (p.opened) return fail(rec.seq(), "poll " + p.id + " was already opened");
  auto def = poll_definition_from_proto(p.definition);
  if (!def.ok()) return fail(rec.seq(), def.status().message());
  engine::PollDefinition d = std::move(def).value();
  // The room checked the closing time against its clock just before this
  // record got its time; if that moment crossed the closing time, the
  // poll opens already closed rather than breaking the fold.
  if (d.closes_at_unix_ms && *d.closes_at_unix_ms <= at) d.closes_at_unix_ms = at + 1;
  engine::Status s = p.poll.create(d, at);
  if (!s.ok()) return fail(rec.seq(), "poll " + p.id + ": " + s.message());
  p.opened = true;
  p.opened_at_unix_ms = at;
  p.closes_at_unix_ms = d.closes_at_unix_ms.value_or(0);
  p.last_seq = rec.seq();
  return engine::Status();
}

engine::Status AssessmentState::apply_validation_event(const kenes::v1::LogRecord& rec, int64_t at) {
  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kValidationSessionStarted: {
      const auto& e = rec.validation_session_started();
      if (running_validation_session()) return fail(rec.seq(), "a validation session is already running");
      if (validation_session(e.session_id())) return fail(rec.seq(), "session " + e.session_id() + " already exists");
      ValidationSessionState v;
      v.id = e.session_id();
      v.items.assign(e.items().begin(), e.items().end());
      v.rules = e.rules();
      v.statement = e.statement();
      v.started_by = rec.author();
      v.started_seq = rec.seq();
      v.started_at_unix_ms = at;
      sessions_.push_back(std::move(v));
      return engine::Status();
    }
    case kenes::v1::LogRecord::kValidationItemOpened: {
      const auto& e = rec.validation_item_opened();
      const ValidationSessionState* running = running_validation_session();
      if (!running || running->id != e.session_id()) return fail(rec.seq(), "session " + e.session_id() + " is not running");
      if (engine::Status s = create_poll(e.poll_id(), e.definition(), rec, at); !s.ok()) return s;
      PollState& p = polls_[e.poll_id()];
      if (engine::Status s = open_poll(p, rec, at); !s.ok()) {
        polls_.erase(e.poll_id());
        --polls_created_;
        return s;
      }
      p.validation_session = e.session_id();
      p.validation_item = e.item();
      ValidationSessionState& v = sessions_.back();
      v.polls_of_item[e.item()].push_back(e.poll_id());
      v.skipped.erase(e.item());
      v.current_item = e.item();
      // The item goes on screen while a meeting runs, as SetSpotlight would.
      if (!meetings_.empty() && meetings_.back().running()) {
        meetings_.back().spotlight = e.item();
        meetings_.back().spotlight_history.emplace_back(at, e.item());
      }
      return engine::Status();
    }
    case kenes::v1::LogRecord::kValidationItemSkipped: {
      const auto& e = rec.validation_item_skipped();
      const ValidationSessionState* running = running_validation_session();
      if (!running || running->id != e.session_id()) return fail(rec.seq(), "session " + e.session_id() + " is not running");
      sessions_.back().skipped.insert(e.item());
      return engine::Status();
    }
    case kenes::v1::LogRecord::kValidationSessionEnded: {
      const ValidationSessionState* running = running_validation_session();
      if (!running || running->id != rec.validation_session_ended().session_id()) {
        return fail(rec.seq(), "session " + rec.validation_session_ended().session_id() + " is not running");
      }
      sessions_.back().ended_at_unix_ms = at;
      return engine::Status();
    }
    default:
      return fail(rec.seq(), "not a validation session record");
  }
}

const ValidationSessionState* AssessmentState::validation_session(const std::string& id) const {
  for (const auto& v : sessions_) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

const ValidationSessionState* AssessmentState::running_validation_session() const {
  return !sessions_.empty() && sessions_.back().running() ? &sessions_.back() : nullptr;
}

ItemStatus AssessmentState::item_status(const ValidationSessionState& session, const std::string& item) const {
  auto it = session.polls_of_item.find(item);
  if (it != session.polls_of_item.end() && !it->second.empty()) {
    const PollState* p = poll(it->second.back());
    if (p && !p->close_logged) return ItemStatus::kVoting;
    if (p) return p->passed_at_close ? ItemStatus::kPassed : ItemStatus::kNotPassed;
  }
  return session.skipped.count(item) ? ItemStatus::kSkipped : ItemStatus::kPending;
}

const PollState* AssessmentState::open_validation_poll(const ValidationSessionState& session) const {
  if (session.current_item.empty()) return nullptr;
  auto it = session.polls_of_item.find(session.current_item);
  if (it == session.polls_of_item.end() || it->second.empty()) return nullptr;
  const PollState* p = poll(it->second.back());
  return p && !p->close_logged ? p : nullptr;
}

engine::Status AssessmentState::apply_poll_event(const kenes::v1::LogRecord& rec, int64_t at) {
  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kPollCreated:
      return create_poll(rec.poll_created().poll_id(), rec.poll_created().definition(), rec, at);
    case kenes::v1::LogRecord::kPollOpened: {
      auto it = polls_.find(rec.poll_opened().poll_id());
      if (it == polls_.end()) return fail(rec.seq(), "no poll " + rec.poll_opened().poll_id());
      return open_poll(it->second, rec, at);
    }
    case kenes::v1::LogRecord::kVoteCast: {
      const auto& e = rec.vote_cast();
      auto it = polls_.find(e.poll_id());
      if (it == polls_.end()) return fail(rec.seq(), "no poll " + e.poll_id());
      PollState& p = it->second;
      if (!p.opened) return fail(rec.seq(), "poll " + p.id + " is not open");
      auto role = engine_role(e.voter_role());
      if (!role) return fail(rec.seq(), "the ballot's voter role is not a participant role");
      if (p.close_logged) {
        ++p.late_ballots;
        last_ballot_ = BallotRecord{rec.seq(), e.poll_id(), rec.author(), false};
        p.last_seq = rec.seq();
        return engine::Status();
      }
      engine::CastBallot b;
      b.voter_id = rec.author();
      b.role = *role;
      b.stakeholder_group = stakeholder_group_label(e.voter_stakeholder_group());
      b.gender = e.voter_gender();
      b.choices.assign(e.choices().begin(), e.choices().end());
      engine::Status s = p.poll.cast(b, at);
      const bool late = s.code() == engine::ErrorCode::kPollClosed;
      if (!s.ok() && !late) return fail(rec.seq(), "poll " + p.id + ": " + s.message());
      if (late) {
        ++p.late_ballots;
      } else if (!e.reservation().empty()) {
        p.reservations[rec.author()] = e.reservation();
      } else {
        p.reservations.erase(rec.author());
      }
      last_ballot_ = BallotRecord{rec.seq(), e.poll_id(), rec.author(), !late};
      p.last_seq = rec.seq();
      return engine::Status();
    }
    case kenes::v1::LogRecord::kPollClosed: {
      const auto& e = rec.poll_closed();
      auto it = polls_.find(e.poll_id());
      if (it == polls_.end()) return fail(rec.seq(), "no poll " + e.poll_id());
      PollState& p = it->second;
      if (!p.opened) return fail(rec.seq(), "poll " + p.id + " was never opened");
      if (p.close_logged) return fail(rec.seq(), "poll " + p.id + " was already closed");
      // Past its closing time the engine already counts it closed; the
      // record then only fixes the eligible count and the outcome.
      if (p.poll.is_open(at)) {
        engine::Status s = p.poll.close(at);
        if (!s.ok()) return fail(rec.seq(), "poll " + p.id + ": " + s.message());
      }
      p.close_logged = true;
      p.closed_seq = rec.seq();
      p.closed_at_closing_time = e.at_closing_time();
      p.close_logged_at_unix_ms = at;
      p.eligible_at_close = e.eligible();
      p.last_seq = rec.seq();
      p.passed_at_close = p.poll.results(e.eligible(), at).passed;
      const std::string& target = p.definition.target_indicator_id();
      if (!target.empty()) {
        IndicatorState& ind = indicators_[target];
        ind.last_validation_poll = p.id;
        if (p.passed_at_close) {
          ind.status = kenes::v1::INDICATOR_STATUS_VALIDATED;
          ind.validated_version = p.definition.target_version();
          ind.validated_by_poll = p.id;
          ind.status_seq = rec.seq();
          ind.status_at_unix_ms = rec.time_unix_ms();
        }
        ind.updated_seq = rec.seq();
      }
      if (release_closed_ballots_) release_ballots(p);
      return engine::Status();
    }
    default:
      return fail(rec.seq(), "not a poll record");
  }
}

engine::Status AssessmentState::apply_meeting_event(const kenes::v1::LogRecord& rec, int64_t at) {
  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kMeetingStarted: {
      const auto& e = rec.meeting_started();
      if (running_meeting()) return fail(rec.seq(), "a meeting is already running");
      if (meeting(e.meeting_id())) return fail(rec.seq(), "meeting " + e.meeting_id() + " already exists");
      MeetingState m;
      m.id = e.meeting_id();
      m.title = e.title();
      m.agenda.assign(e.agenda_indicator_ids().begin(), e.agenda_indicator_ids().end());
      m.started_by = rec.author();
      m.started_seq = rec.seq();
      m.started_at_unix_ms = at;
      // Whoever starts a meeting is in it (issue 18: the chair was missing
      // from her own minutes until she also pressed "Join the meeting").
      // Leaving, by request or by closing the last tab, is recorded as for
      // anyone.
      if (!rec.author().empty()) m.attendance.push_back(AttendanceSpan{rec.author(), at, std::nullopt, false});
      meetings_.push_back(std::move(m));
      return engine::Status();
    }
    case kenes::v1::LogRecord::kMeetingEnded: {
      const MeetingState* running = running_meeting();
      if (!running || running->id != rec.meeting_ended().meeting_id()) {
        return fail(rec.seq(), "meeting " + rec.meeting_ended().meeting_id() + " is not running");
      }
      MeetingState& m = meetings_.back();
      m.ended_at_unix_ms = at;
      m.ended_seq = rec.seq();
      for (auto& span : m.attendance) {
        if (!span.left_at_unix_ms) span.left_at_unix_ms = at;
      }
      return engine::Status();
    }
    case kenes::v1::LogRecord::kSpotlightSet: {
      const auto& e = rec.spotlight_set();
      const MeetingState* running = running_meeting();
      if (!running || running->id != e.meeting_id()) return engine::Status();  // ended meanwhile
      MeetingState& m = meetings_.back();
      m.spotlight = e.indicator_id();
      m.spotlight_history.emplace_back(at, e.indicator_id());
      return engine::Status();
    }
    case kenes::v1::LogRecord::kAttendanceChanged: {
      const auto& e = rec.attendance_changed();
      const MeetingState* running = running_meeting();
      if (!running || running->id != e.meeting_id()) return engine::Status();  // ended meanwhile
      MeetingState& m = meetings_.back();
      if (e.present()) {
        if (!m.attending(rec.author())) m.attendance.push_back(AttendanceSpan{rec.author(), at, std::nullopt, false});
      } else {
        for (auto& span : m.attendance) {
          if (span.participant_id == rec.author() && !span.left_at_unix_ms) {
            span.left_at_unix_ms = at;
            span.left_by_disconnect = e.by_disconnect();
          }
        }
      }
      return engine::Status();
    }
    case kenes::v1::LogRecord::kAttendanceMarked: {
      const auto& e = rec.attendance_marked();
      for (auto& m : meetings_) {
        if (m.id != e.meeting_id()) continue;
        if (e.mark() == kenes::v1::ATTENDANCE_MARK_NONE) {
          m.marks.erase(e.participant_id());
        } else {
          m.marks[e.participant_id()] = e.mark();
        }
      }
      return engine::Status();
    }
    default:
      // A record number in our range that this server does not know: refuse,
      // as ConsultationState does for any unknown record.
      return fail(rec.seq(), "unknown event kind " + std::to_string(rec.event_case()));
  }
}

void AssessmentState::release_ballots(PollState& p) {
  if (p.final_view || !p.close_logged) return;
  // Closed by its record, the poll's view no longer depends on the time
  // (poll_update never asks about a moment before the close) or on the
  // roster (the eligible count is the one stamped in the record).
  p.final_view = p.poll.view(p.eligible_at_close, p.close_logged_at_unix_ms);
  for (const auto& b : p.poll.audit(p.eligible_at_close, p.close_logged_at_unix_ms).ballots) {
    p.kept_ballots.emplace_back(b.voter_id, b.choices);
  }
  std::sort(p.kept_ballots.begin(), p.kept_ballots.end());
  p.kept_ballots.shrink_to_fit();
  p.poll = engine::Poll();
}

const std::vector<uint32_t>* PollState::ballot_of(const std::string& voter) const {
  if (final_view) {
    auto it = std::lower_bound(kept_ballots.begin(), kept_ballots.end(), voter,
                               [](const auto& kept, const std::string& v) { return kept.first < v; });
    return it != kept_ballots.end() && it->first == voter ? &it->second : nullptr;
  }
  if (!opened) return nullptr;
  const engine::Ballot* b = poll.ballot_of(voter);
  return b ? &b->choices : nullptr;
}

void AssessmentState::release_closed_ballots() {
  release_closed_ballots_ = true;
  for (auto& [id, p] : polls_) release_ballots(p);
}

std::vector<AssessmentState::Segment> AssessmentState::unwritten_segments() const {
  std::vector<Segment> out = full_unwritten_;
  out.push_back(Segment{open_index_, open_segment_});
  return out;
}

void AssessmentState::segments_written(uint32_t open_index) {
  auto it = full_unwritten_.begin();
  while (it != full_unwritten_.end() && it->index < open_index) ++it;
  full_unwritten_.erase(full_unwritten_.begin(), it);
}

engine::Status AssessmentState::load_snapshot(const std::string& bytes) {
  kenes::v1::AssessmentSnapshot snap;
  if (!snap.ParseFromString(bytes)) {
    return engine::Status(engine::ErrorCode::kInvalidState, "assessment snapshot does not decode");
  }
  AssessmentState fresh;
  fresh.release_closed_ballots_ = release_closed_ballots_;
  fresh.segment_bytes_ = segment_bytes_;
  for (const auto& rec : snap.records()) {
    engine::Status s = fresh.apply(rec);
    if (!s.ok()) return s;
  }
  *this = std::move(fresh);
  return engine::Status();
}

engine::Status AssessmentState::load_segment(uint32_t index, const std::string& bytes) {
  if (index != next_load_index_ && index != 0) {
    return engine::Status(engine::ErrorCode::kInvalidState, "assessment snapshot segment " +
                                                                std::to_string(next_load_index_) + " is missing");
  }
  kenes::v1::AssessmentSnapshot snap;
  if (!snap.ParseFromString(bytes)) {
    return engine::Status(engine::ErrorCode::kInvalidState,
                          "assessment snapshot segment " + std::to_string(index) + " does not decode");
  }
  AssessmentState next;
  if (index != 0) next = std::move(*this);
  next.release_closed_ballots_ = release_closed_ballots_;
  next.segment_bytes_ = segment_bytes_;
  next.open_segment_.clear();
  for (const auto& rec : snap.records()) {
    engine::Status s = next.apply(rec);
    if (!s.ok()) return engine::Status(s.code(), "assessment snapshot segment " + std::to_string(index) + ": " + s.message());
  }
  // This segment is stored as it is; the ones before it were full and are
  // stored too. Whatever the refold cut on the way is dropped: the stored
  // bytes, not a new cut, are what the next set must extend.
  next.full_unwritten_.clear();
  next.open_segment_ = bytes;
  next.open_index_ = index;
  next.next_load_index_ = index + 1;
  *this = std::move(next);
  return engine::Status();
}

uint64_t eligible_voters(const kenes::v1::PollDefinition& def, const std::map<std::string, Participant>& roster) {
  uint64_t n = 0;
  for (const auto& [id, p] : roster) {
    if (p.revoked) continue;
    for (int32_t r : def.eligible_roles()) {
      if (r == p.role) {
        ++n;
        break;
      }
    }
  }
  return n;
}

bool withhold_results(const PollState& p, const kenes::v1::PollUpdate& update, const std::string& viewer,
                      int32_t role) {
  if (!update.has_results() || update.closed() || p.definition.live_results()) return false;
  const auto& roles = p.definition.eligible_roles();
  if (std::find(roles.begin(), roles.end(), role) == roles.end()) return false;
  return p.ballot_of(viewer) == nullptr;
}

void add_reservations(const PollState& p, kenes::v1::PollResults* out) {
  if (p.definition.anonymous()) {
    std::vector<std::string> texts;
    for (const auto& [voter, text] : p.reservations) texts.push_back(text);
    std::sort(texts.begin(), texts.end());
    for (auto& text : texts) out->add_reservations()->set_text(std::move(text));
    return;
  }
  for (const auto& [voter, text] : p.reservations) {
    auto* r = out->add_reservations();
    r->set_voter(voter);
    r->set_text(text);
  }
}

kenes::v1::PollUpdate poll_update(const PollState& p, uint64_t eligible_now, int64_t now_unix_ms) {
  kenes::v1::PollUpdate u;
  u.set_poll_id(p.id);
  u.set_seq(p.last_seq);
  if (!p.opened) {
    u.set_eligible(eligible_now);
    return u;
  }
  const int64_t now = p.close_logged ? std::max(now_unix_ms, p.close_logged_at_unix_ms) : now_unix_ms;
  const uint64_t eligible = p.close_logged ? p.eligible_at_close : eligible_now;
  engine::PollView view = p.final_view ? *p.final_view : p.poll.view(eligible, now);
  u.set_open(view.open);
  u.set_closed(p.closed(now));
  u.set_voters(view.voters);
  u.set_eligible(view.eligible);
  u.set_quorum_met(view.quorum_met);
  if (view.results) {
    poll_results_to_proto(*view.results, u.mutable_results());
    add_reservations(p, u.mutable_results());
  }
  return u;
}

namespace {

// At least 3 people in every cell shown (issue 18): cells under 3 are summed
// into one merged cell; a merged cell of 1 or 2 takes in the smallest shown
// cell; with nothing left to show, nothing is shown.
constexpr uint64_t kMinCounted = 3;

std::vector<kenes::v1::RosterBalance::Cell> k_anonymous(std::vector<kenes::v1::RosterBalance::Cell> cells) {
  std::vector<kenes::v1::RosterBalance::Cell> shown;
  uint64_t merged = 0;
  for (auto& c : cells) {
    if (c.participants() < kMinCounted) {
      merged += c.participants();
    } else {
      shown.push_back(std::move(c));
    }
  }
  if (merged > 0 && merged < kMinCounted) {
    if (shown.empty()) return {};
    auto smallest = std::min_element(shown.begin(), shown.end(),
                                     [](const auto& a, const auto& b) { return a.participants() < b.participants(); });
    merged += smallest->participants();
    shown.erase(smallest);
  }
  if (merged > 0) {
    kenes::v1::RosterBalance::Cell m;
    m.set_merged(true);
    m.set_participants(merged);
    shown.push_back(std::move(m));
  }
  return shown;
}

}  // namespace

kenes::v1::RosterBalance roster_balance(const std::map<std::string, Participant>& roster, bool chair_is_board_member) {
  std::map<int, uint64_t> groups;
  std::map<std::string, uint64_t> genders;
  kenes::v1::RosterBalance out;
  out.set_chair_is_board_member(chair_is_board_member);
  for (const auto& [id, p] : roster) {
    if (p.revoked) continue;
    (*out.mutable_by_role())[p.role] += 1;
    const bool board = p.role == kenes::v1::ROLE_MEMBER || (p.role == kenes::v1::ROLE_CHAIR && chair_is_board_member);
    if (!board) {
      if (p.role == kenes::v1::ROLE_RESEARCHER || p.role == kenes::v1::ROLE_CHAIR) {
        out.set_research_team(out.research_team() + 1);
      }
      continue;
    }
    ++groups[p.stakeholder_group];
    ++genders[trimmed(p.gender)];
    out.set_total(out.total() + 1);
    if (!p.joined) out.set_invited(out.invited() + 1);
  }
  std::vector<kenes::v1::RosterBalance::Cell> by_group, by_gender;
  for (const auto& [g, n] : groups) {
    auto& c = by_group.emplace_back();
    c.set_stakeholder_group(static_cast<kenes::v1::StakeholderGroup>(g));
    c.set_participants(n);
  }
  for (const auto& [g, n] : genders) {
    auto& c = by_gender.emplace_back();
    c.set_gender(g);
    c.set_participants(n);
  }
  for (auto& c : k_anonymous(std::move(by_group))) *out.add_by_group() = std::move(c);
  for (auto& c : k_anonymous(std::move(by_gender))) *out.add_by_gender() = std::move(c);
  return out;
}

}  // namespace kenes::consultation
