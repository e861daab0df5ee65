#include "consultation/client_state.h"

#include <algorithm>

namespace kenes::consultation {

namespace {

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

}  // namespace

kenes::v1::ClientState client_state(const ConsultationState& state) {
  kenes::v1::ClientState out;
  out.set_seq(state.seq());
  const AssessmentState& a = state.assessment();
  out.set_assessment_time_unix_ms(a.last_time_unix_ms());
  if (state.created()) *out.mutable_created() = *state.created();
  out.set_scope_override(a.scope_override());
  for (const auto& [id, p] : state.participants()) {
    auto* cp = out.add_participants();
    cp->set_participant_id(id);
    cp->set_display_name(p.display_name);
    cp->set_role(p.role);
    cp->set_stakeholder_group(p.stakeholder_group);
    cp->set_gender(p.gender);
    cp->set_revoked(p.revoked);
    cp->set_profiled(p.profiled);
  }
  for (const auto& [id, doc] : state.documents()) {
    auto* d = out.add_documents();
    d->set_doc_id(id);
    d->set_version(doc.version());
    d->set_length(doc.text().length());
    if (const std::vector<EditRun>* runs = state.edit_runs(id)) {
      for (const auto& r : *runs) {
        auto* run = d->add_runs();
        run->set_author(r.author);
        run->set_first_seq(r.first_seq);
        run->set_last_seq(r.last_seq);
        run->set_edits(r.edits);
        run->set_day(r.day);
      }
    }
  }
  for (const auto& [id, s] : a.indicators()) {
    auto* ind = out.add_indicators();
    ind->set_indicator_id(id);
    ind->set_status(s.status);
    ind->set_status_seq(s.status_seq);
    if (s.status == kenes::v1::INDICATOR_STATUS_VALIDATED) {
      ind->set_validated_version(s.validated_version);
      ind->set_validated_by_poll(s.validated_by_poll);
    }
    for (const auto& x : s.assignees) ind->add_assignees(x);
    for (const auto& x : s.sources) ind->add_sources(x);
    if (s.score) {
      ind->set_has_score(true);
      ind->set_score(*s.score);
    }
  }
  for (const auto& [id, p] : a.polls()) {
    auto* cp = out.add_polls();
    cp->set_poll_id(id);
    *cp->mutable_definition() = p.definition;
    cp->set_created_seq(p.created_seq);
    cp->set_opened(p.opened);
    cp->set_closes_at_unix_ms(p.closes_at_unix_ms);
    cp->set_closed_seq(p.closed_seq);
    cp->set_closed_at_closing_time(p.closed_at_closing_time);
  }
  for (const auto& m : a.meetings()) {
    auto* cm = out.add_meetings();
    cm->set_meeting_id(m.id);
    cm->set_title(m.title);
    for (const auto& x : m.agenda) cm->add_agenda(x);
    cm->set_started_seq(m.started_seq);
    cm->set_running(m.running());
    if (m.running()) {
      cm->set_spotlight(m.spotlight);
      std::vector<std::string> attending;
      for (const auto& span : m.attendance) {
        if (!span.left_at_unix_ms) attending.push_back(span.participant_id);
      }
      std::sort(attending.begin(), attending.end());
      attending.erase(std::unique(attending.begin(), attending.end()), attending.end());
      for (auto& x : attending) cm->add_attendees(std::move(x));
    }
  }
  const DiscussionState& disc = state.discussion();
  out.set_observers_may_comment(disc.observers_may_comment());
  for (const auto& [id, t] : disc.threads()) put_thread(disc, t, out.add_threads());
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
  for (const auto& [id, t] : state.discussion().threads()) {
    if (t.anchor && t.target.doc_id() == doc_id) put_anchor(id, *t.anchor, out.add_anchors());
  }
  return out;
}

}  // namespace kenes::consultation
