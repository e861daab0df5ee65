#include "consultation/client_state.h"

#include <algorithm>
#include <type_traits>

#include "consultation/protobuf_fields.h"

namespace kenes::consultation {

namespace {

// Field numbers of kenes.v1.ClientState (state.proto); do not change: the wire.
constexpr uint32_t kSeqField = 1;
constexpr uint32_t kAssessmentTimeField = 2;
constexpr uint32_t kCreatedField = 3;
constexpr uint32_t kScopeOverrideField = 4;
constexpr uint32_t kParticipantsField = 5;
constexpr uint32_t kDocumentsField = 6;
constexpr uint32_t kIndicatorsField = 7;
constexpr uint32_t kPollsField = 8;
constexpr uint32_t kMeetingsField = 9;
constexpr uint32_t kObserversMayCommentField = 10;
constexpr uint32_t kThreadsField = 11;
constexpr uint32_t kRegistrationsField = 12;
constexpr uint32_t kChairIsBoardMemberField = 13;
constexpr uint32_t kValidationSessionsField = 14;
constexpr uint32_t kScopeOverrideSelectedField = 15;

const char* suggestion_status(SuggestionStatus s) {
  switch (s) {
    case SuggestionStatus::kOpen: return "open";
    case SuggestionStatus::kAccepted: return "accepted";
    case SuggestionStatus::kRejected: return "rejected";
    default: return "";
  }
}

void put_anchor(const std::string& thread_id, const engine::AnchoredRange& a, kenes::v1::AnchorSnapshot* out) {
  out->set_thread_id(thread_id);
  out->set_from(a.from());
  out->set_to(a.to());
  out->set_changed(a.changed());
  if (const auto& q = a.detached_quote()) {
    out->set_detached(true);
    out->set_quote_text(q->text);
    out->set_quote_before(q->before);
    out->set_quote_after(q->after);
  }
}

void put_comment(const CommentState& c, kenes::v1::ClientComment* out) {
  // What catch-up would give: a deleted or hidden comment's records are
  // redacted (outgoing_record), so its text never reaches a client.
  const bool gone = c.deleted || c.hidden;
  out->set_comment_id(c.id);
  out->set_author(c.author);
  out->set_seq(c.created_seq);
  out->set_time_unix_ms(c.created_unix_ms);
  if (!gone) {
    out->set_body(c.body);
    for (const auto& m : c.mentions) out->add_mentions(m);
  }
  out->set_edits(c.edits);
  out->set_deleted(c.deleted);
  out->set_hidden(c.hidden);
  if (c.hidden) out->set_hidden_reason(c.hidden_reason);
  for (const auto& [who, reactions] : c.reactions) {
    if (reactions.count(kenes::v1::REACTION_PLUS_ONE)) out->add_plus_ones(who);  // a std::map: sorted
  }
}

void put_participant(const std::string& id, const Participant& p, kenes::v1::ClientParticipant* out) {
  out->set_participant_id(id);
  out->set_display_name(p.display_name);
  out->set_role(p.role);
  out->set_stakeholder_group(p.stakeholder_group);
  // Never a gender: only the server counts genders (issue 18; delivery.h).
  out->set_revoked(p.revoked);
  out->set_profiled(p.profiled);
  out->set_joined(p.joined);
  out->set_invited_by(p.invited_by);
  out->set_registration_id(p.registration_id);
}

void put_registration(const Registration& r, kenes::v1::ClientRegistration* out) {
  *out->mutable_opened() = r.opened;
  out->set_closed(r.closed);
  out->set_registered(r.registered);
}

void put_document(const ConsultationState& state, const std::string& id, const engine::DocumentSequencer& doc,
                  kenes::v1::ClientDocument* out) {
  out->set_doc_id(id);
  out->set_version(doc.version());
  out->set_length(doc.text().length());
  if (const std::vector<EditRun>* runs = state.edit_runs(id)) {
    for (const auto& r : *runs) {
      auto* run = out->add_runs();
      run->set_author(r.author);
      run->set_first_seq(r.first_seq);
      run->set_last_seq(r.last_seq);
      run->set_edits(r.edits);
      run->set_day(r.day);
    }
  }
}

void put_indicator(const std::string& id, const IndicatorState& s, kenes::v1::ClientIndicator* out) {
  out->set_indicator_id(id);
  out->set_status(s.status);
  out->set_status_seq(s.status_seq);
  out->set_status_at_unix_ms(s.status_at_unix_ms);
  if (s.status == kenes::v1::INDICATOR_STATUS_VALIDATED) {
    out->set_validated_version(s.validated_version);
    out->set_validated_by_poll(s.validated_by_poll);
  }
  for (const auto& x : s.assignees) out->add_assignees(x);
  for (const auto& x : s.sources) out->add_sources(x);
  for (const auto& r : s.references) *out->add_references() = r;
  for (const auto& f : s.figures) *out->add_figures() = f;
  if (s.score) {
    out->set_has_score(true);
    out->set_score(*s.score);
  }
  out->set_due_date(s.due_date);
}

void put_poll(const std::string& id, const PollState& p, kenes::v1::ClientPoll* out) {
  out->set_poll_id(id);
  *out->mutable_definition() = p.definition;
  out->set_created_seq(p.created_seq);
  out->set_opened(p.opened);
  out->set_closes_at_unix_ms(p.closes_at_unix_ms);
  out->set_closed_seq(p.closed_seq);
  out->set_closed_at_closing_time(p.closed_at_closing_time);
  out->set_validation_session_id(p.validation_session);
  out->set_validation_item(p.validation_item);
  out->set_created_at_unix_ms(p.created_at_unix_ms);
  if (p.close_logged) out->set_closed_at_unix_ms(p.close_logged_at_unix_ms);
}

void put_validation_session(const ValidationSessionState& v, kenes::v1::ClientValidationSession* out) {
  auto* s = out->mutable_started();
  s->set_session_id(v.id);
  for (const auto& item : v.items) s->add_items(item);
  *s->mutable_rules() = v.rules;
  s->set_statement(v.statement);
  out->set_started_seq(v.started_seq);
  out->set_running(v.running());
  out->set_current_item(v.current_item);
  for (const auto& item : v.skipped) out->add_skipped(item);  // a std::set: sorted
}

void put_meeting(const MeetingState& m, kenes::v1::ClientMeeting* out) {
  out->set_meeting_id(m.id);
  out->set_title(m.title);
  for (const auto& x : m.agenda) out->add_agenda(x);
  out->set_started_seq(m.started_seq);
  out->set_running(m.running());
  out->set_started_at_unix_ms(m.started_at_unix_ms);
  if (m.ended_at_unix_ms) {
    out->set_ended_seq(m.ended_seq);
    out->set_ended_at_unix_ms(*m.ended_at_unix_ms);
  }
  for (const auto& [who, mark] : m.marks) (*out->mutable_marks())[who] = mark;
  if (!m.running()) return;
  out->set_spotlight(m.spotlight);
  std::vector<std::string> attending;
  for (const auto& span : m.attendance) {
    if (!span.left_at_unix_ms) attending.push_back(span.participant_id);
  }
  std::sort(attending.begin(), attending.end());
  attending.erase(std::unique(attending.begin(), attending.end()), attending.end());
  for (auto& x : attending) out->add_attendees(std::move(x));
}

void put_thread(const DiscussionState& disc, const ThreadState& t, kenes::v1::ClientThread* out) {
  out->set_thread_id(t.id);
  *out->mutable_target() = t.target;
  out->set_author(t.creator);
  out->set_created_seq(t.created_seq);
  out->set_quote(t.quote);
  if (t.anchor) put_anchor(t.id, *t.anchor, out->mutable_anchor());
  out->set_resolved(t.resolved);
  if (t.suggestion != SuggestionStatus::kNone) {
    auto* s = out->mutable_suggestion();
    s->set_text(t.replacement);
    s->set_status(suggestion_status(t.suggestion));
    if (t.suggestion != SuggestionStatus::kOpen) {
      s->set_decided_by(t.decided_by);
      s->set_decided_seq(t.decided_seq);
    }
    if (t.suggestion == SuggestionStatus::kRejected) s->set_reason(t.reject_reason);
  }
  out->set_last_seq(t.last_seq);
  for (const auto& id : t.comment_ids) {
    if (const CommentState* c = disc.comment(id)) put_comment(*c, out->add_comments());
  }
}

// One entry of a repeated message field, as it stands in the encoded parent.
template <class Message>
std::string as_field(uint32_t field, const Message& m) {
  std::string out;
  append_bytes_field(out, field, m.SerializeAsString());
  return out;
}

void put_varint_field(std::string& out, uint32_t field, uint64_t v) {
  if (v == 0) return;  // proto3: a zero scalar is not on the wire
  put_tag(out, field, kWireVarint);
  put_varint(out, v);
}

// Re-encodes the dirty entries of `source` (all with `all`) and appends
// every entry, in id order, to `out`. `encoded` and `source` are walked
// side by side (both are ordered by id): a full-size state has thousands of
// entries, and a lookup per entry (cache misses all the way down a tree)
// cost more than everything else of a build.
template <class Map, class Encode>
void append_pieces(std::string& out, const Map& source, bool all, std::map<std::string, std::string>& encoded,
                   std::set<std::string>& dirty, Encode encode) {
  static_assert(std::is_same_v<typename Map::key_compare, std::less<std::string>>, "walked beside `encoded`");
  if (all) encoded.clear();
  for (const std::string& id : dirty) {
    auto it = source.find(id);
    if (it == source.end()) encoded.erase(id);
    else encoded.insert_or_assign(id, encode(it->first, it->second));
  }
  dirty.clear();
  auto enc = encoded.begin();
  for (const auto& [id, value] : source) {
    while (enc != encoded.end() && enc->first < id) enc = encoded.erase(enc);  // gone from the state
    if (enc == encoded.end() || enc->first != id) enc = encoded.emplace_hint(enc, id, encode(id, value));
    out += enc->second;
    ++enc;
  }
  encoded.erase(enc, encoded.end());
}

}  // namespace

kenes::v1::ClientState client_state(const ConsultationState& state) {
  kenes::v1::ClientState out;
  out.set_seq(state.seq());
  const AssessmentState& a = state.assessment();
  out.set_assessment_time_unix_ms(a.last_time_unix_ms());
  if (state.created()) *out.mutable_created() = *state.created();
  out.set_scope_override(a.scope_override());
  for (const auto& id : a.scope_override_selected()) out.add_scope_override_selected(id);
  for (const auto& [id, p] : state.participants()) put_participant(id, p, out.add_participants());
  for (const auto& [id, doc] : state.documents()) put_document(state, id, doc, out.add_documents());
  for (const auto& [id, s] : a.indicators()) put_indicator(id, s, out.add_indicators());
  for (const auto& [id, p] : a.polls()) put_poll(id, p, out.add_polls());
  for (const auto& m : a.meetings()) put_meeting(m, out.add_meetings());
  const DiscussionState& disc = state.discussion();
  out.set_observers_may_comment(disc.observers_may_comment());
  for (const auto& [id, t] : disc.threads()) put_thread(disc, t, out.add_threads());
  for (const auto& [id, r] : state.registrations()) put_registration(r, out.add_registrations());
  out.set_chair_is_board_member(state.chair_is_board_member());
  for (const auto& v : a.validation_sessions()) put_validation_session(v, out.add_validation_sessions());
  return out;
}

void ClientStateEncoder::touched(const kenes::v1::LogRecord& rec, const ConsultationState& state) {
  using R = kenes::v1::LogRecord;
  auto thread = [&](const std::string& id) { threads_.dirty.insert(id); };
  // Broader than own_state reads (a comment or an edit changes none of it):
  // a kind added later that does is then covered without a change here.
  if (!rec.author().empty() && rec.event_case() != R::kParticipantInvited &&
      rec.event_case() != R::kParticipantJoined) {
    own_changed_[rec.author()] = rec.seq();
  }
  if (rec.has_digest_sent()) own_changed_[rec.digest_sent().participant_id()] = rec.seq();
  switch (rec.event_case()) {
    case R::kConsultationCreated: all_ = true; break;
    case R::kParticipantInvited: participants_.dirty.insert(rec.participant_invited().participant_id()); break;
    case R::kParticipantRevoked: participants_.dirty.insert(rec.participant_revoked().participant_id()); break;
    case R::kProfileUpdated: participants_.dirty.insert(rec.author()); break;
    case R::kParticipantsImported:
      for (const auto& inv : rec.participants_imported().people()) participants_.dirty.insert(inv.participant_id());
      break;
    case R::kParticipantJoined: participants_.dirty.insert(rec.author()); break;
    case R::kInviteLinkReissued: participants_.dirty.insert(rec.invite_link_reissued().participant_id()); break;
    case R::kTextEdit: {
      // The document, and every anchor on its text moved.
      const std::string& doc = rec.text_edit().doc_id();
      documents_.dirty.insert(doc);
      if (const auto* on = state.discussion().threads_of_document(doc)) threads_.dirty.insert(on->begin(), on->end());
      if (!rec.text_edit().accepts_suggestion_of_thread().empty()) thread(rec.text_edit().accepts_suggestion_of_thread());
      break;
    }
    case R::kIndicatorStatusChanged: indicators_.dirty.insert(rec.indicator_status_changed().indicator_id()); break;
    case R::kIndicatorAssigneesSet: indicators_.dirty.insert(rec.indicator_assignees_set().indicator_id()); break;
    case R::kIndicatorSourcesSet: indicators_.dirty.insert(rec.indicator_sources_set().indicator_id()); break;
    case R::kIndicatorScoreSet: indicators_.dirty.insert(rec.indicator_score_set().indicator_id()); break;
    case R::kIndicatorDueDateSet: indicators_.dirty.insert(rec.indicator_due_date_set().indicator_id()); break;
    case R::kReferenceAdded: indicators_.dirty.insert(rec.reference_added().indicator_id()); break;
    case R::kReferenceEdited: indicators_.dirty.insert(rec.reference_edited().indicator_id()); break;
    case R::kReferenceRemoved: indicators_.dirty.insert(rec.reference_removed().indicator_id()); break;
    case R::kFigureAdded: indicators_.dirty.insert(rec.figure_added().indicator_id()); break;
    case R::kFigureEdited: indicators_.dirty.insert(rec.figure_edited().indicator_id()); break;
    case R::kFigureRemoved: indicators_.dirty.insert(rec.figure_removed().indicator_id()); break;
    case R::kPollCreated: polls_.dirty.insert(rec.poll_created().poll_id()); break;
    case R::kPollOpened: polls_.dirty.insert(rec.poll_opened().poll_id()); break;
    case R::kValidationItemOpened: polls_.dirty.insert(rec.validation_item_opened().poll_id()); break;
    case R::kPollClosed: {
      polls_.dirty.insert(rec.poll_closed().poll_id());
      // A validation poll's close may validate its indicator.
      if (const PollState* p = state.assessment().poll(rec.poll_closed().poll_id())) {
        if (!p->definition.target_indicator_id().empty()) indicators_.dirty.insert(p->definition.target_indicator_id());
      }
      break;
    }
    case R::kThreadCreated: thread(rec.thread_created().thread_id()); break;
    case R::kCommentAdded: thread(rec.comment_added().thread_id()); break;
    case R::kCommentEdited: thread(rec.comment_edited().thread_id()); break;
    case R::kCommentDeleted: thread(rec.comment_deleted().thread_id()); break;
    case R::kCommentHidden: thread(rec.comment_hidden().thread_id()); break;
    case R::kThreadResolved: thread(rec.thread_resolved().thread_id()); break;
    case R::kThreadReattached: thread(rec.thread_reattached().thread_id()); break;
    case R::kReactionSet: thread(rec.reaction_set().thread_id()); break;
    case R::kSuggestionRejected: thread(rec.suggestion_rejected().thread_id()); break;
    default:
      // Ballots (private or not in the shared state), meetings and the scope
      // (re-encoded every time), reads, visits, digest records (own state).
      break;
  }
}

uint64_t ClientStateEncoder::own_changed_at(const std::string& participant) const {
  auto it = own_changed_.find(participant);
  return it == own_changed_.end() ? 0 : it->second;
}

std::string ClientStateEncoder::encode(const ConsultationState& state) {
  const AssessmentState& a = state.assessment();
  const DiscussionState& disc = state.discussion();
  if (all_ || created_.empty()) {
    created_.clear();
    if (state.created()) append_bytes_field(created_, kCreatedField, state.created()->SerializeAsString());
  }
  std::string out;
  out.reserve(created_.size() + 1024 + (documents_.encoded.size() + threads_.encoded.size()) * 512);
  put_varint_field(out, kSeqField, state.seq());
  put_varint_field(out, kAssessmentTimeField, static_cast<uint64_t>(a.last_time_unix_ms()));
  out += created_;
  put_varint_field(out, kScopeOverrideField, static_cast<uint64_t>(a.scope_override()));
  append_pieces(out, state.participants(), all_, participants_.encoded, participants_.dirty,
                [](const std::string& id, const Participant& p) {
                  kenes::v1::ClientParticipant m;
                  put_participant(id, p, &m);
                  return as_field(kParticipantsField, m);
                });
  append_pieces(out, state.documents(), all_, documents_.encoded, documents_.dirty,
                [&](const std::string& id, const engine::DocumentSequencer& doc) {
                  kenes::v1::ClientDocument m;
                  put_document(state, id, doc, &m);
                  return as_field(kDocumentsField, m);
                });
  append_pieces(out, a.indicators(), all_, indicators_.encoded, indicators_.dirty,
                [](const std::string& id, const IndicatorState& s) {
                  kenes::v1::ClientIndicator m;
                  put_indicator(id, s, &m);
                  return as_field(kIndicatorsField, m);
                });
  append_pieces(out, a.polls(), all_, polls_.encoded, polls_.dirty, [](const std::string& id, const PollState& p) {
    kenes::v1::ClientPoll m;
    put_poll(id, p, &m);
    return as_field(kPollsField, m);
  });
  // Meetings: a few, each with its attendance; cheaper to encode each time
  // than to track which an attendance record changed.
  for (const auto& meeting : a.meetings()) {
    kenes::v1::ClientMeeting m;
    put_meeting(meeting, &m);
    out += as_field(kMeetingsField, m);
  }
  put_varint_field(out, kObserversMayCommentField, disc.observers_may_comment() ? 1 : 0);
  append_pieces(out, disc.threads(), all_, threads_.encoded, threads_.dirty,
                [&](const std::string&, const ThreadState& t) {
                  kenes::v1::ClientThread m;
                  put_thread(disc, t, &m);
                  return as_field(kThreadsField, m);
                });
  // Registration links: a handful, re-encoded each time (a registration
  // changes its count).
  for (const auto& [id, r] : state.registrations()) {
    kenes::v1::ClientRegistration m;
    put_registration(r, &m);
    out += as_field(kRegistrationsField, m);
  }
  if (state.chair_is_board_member()) put_varint_field(out, kChairIsBoardMemberField, 1);
  // Validation sessions: a few, re-encoded each time (each item changes one).
  for (const auto& v : a.validation_sessions()) {
    kenes::v1::ClientValidationSession m;
    put_validation_session(v, &m);
    out += as_field(kValidationSessionsField, m);
  }
  for (const auto& id : a.scope_override_selected()) append_bytes_field(out, kScopeOverrideSelectedField, id);
  all_ = false;
  return out;
}

kenes::v1::ClientOwnState own_state(const ConsultationState& state, const std::string& participant_id) {
  kenes::v1::ClientOwnState out;
  const DiscussionState& disc = state.discussion();
  for (const auto& [id, t] : disc.threads()) {
    if (uint64_t read = disc.last_read(participant_id, id)) {
      auto* r = out.add_reads();
      r->set_thread_id(id);
      r->set_up_to_seq(read);
    }
  }
  if (const auto* visits = disc.visits(participant_id)) {
    for (const Visit& v : *visits) out.add_visits(v.seen_seq);
  }
  if (const DigestSettings* d = state.digest().settings_of(participant_id)) {
    out.set_email(d->email);
    out.set_period(d->period);
    out.set_last_digest_unix_ms(d->last_sent_unix_ms);
    out.set_last_digest_items(d->last_items);
  }
  for (const auto& [id, p] : state.assessment().polls()) {
    if (const std::vector<uint32_t>* choices = p.ballot_of(participant_id)) {
      auto* b = out.add_ballots();
      b->set_poll_id(id);
      for (uint32_t c : *choices) b->add_choices(c);
    }
  }
  return out;
}

kenes::v1::DocumentText document_text(const ConsultationState& state, const std::string& doc_id) {
  kenes::v1::DocumentText out;
  out.set_doc_id(doc_id);
  if (const engine::DocumentSequencer* doc = state.find_document(doc_id)) {
    out.set_version(doc->version());
    out.set_text(doc->text().to_string());
  }
  if (const auto* ids = state.discussion().threads_of_document(doc_id)) {
    for (const auto& id : *ids) {
      const ThreadState* t = state.discussion().thread(id);
      if (t && t->anchor) put_anchor(id, *t->anchor, out.add_anchors());
    }
  }
  return out;
}

}  // namespace kenes::consultation
