#include "consultation/testing/fold_view.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "consultation/record_audience.h"

namespace kenes::consultation::testing {

namespace json = boost::json;

namespace {

json::array strings(const std::vector<std::string>& v) {
  json::array out;
  for (const auto& s : v) out.emplace_back(s);
  return out;
}

json::array sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return strings(v);
}

template <class Repeated>
json::array strings_of(const Repeated& r) {
  return strings(std::vector<std::string>(r.begin(), r.end()));
}

const char* suggestion_status(SuggestionStatus s) {
  switch (s) {
    case SuggestionStatus::kOpen: return "open";
    case SuggestionStatus::kAccepted: return "accepted";
    case SuggestionStatus::kRejected: return "rejected";
    default: return "none";
  }
}

json::value comment_view(const CommentState& c) {
  const bool gone = c.deleted || c.hidden;
  std::vector<std::string> plus_ones;
  for (const auto& [who, reactions] : c.reactions) {
    if (reactions.count(kenes::v1::REACTION_PLUS_ONE)) plus_ones.push_back(who);
  }
  return json::object{
      {"id", c.id},
      {"author", c.author},
      {"body", gone ? std::string() : c.body},
      {"mentions", gone ? json::array() : strings(c.mentions)},
      {"edits", c.edits},
      {"deleted", c.deleted},
      {"hidden", c.hidden},
      {"hiddenReason", c.hidden ? c.hidden_reason : std::string()},
      {"plusOnes", sorted(plus_ones)},
  };
}

json::value thread_view(const DiscussionState& disc, const ThreadState& t, const std::string& viewer) {
  json::value anchor = nullptr;
  if (t.anchor) {
    anchor = json::object{{"from", t.anchor->from()},
                          {"to", t.anchor->to()},
                          {"attached", t.anchor->attached()},
                          {"changed", t.anchor->changed()}};
  }
  json::value suggestion = nullptr;
  if (t.suggestion != SuggestionStatus::kNone) {
    const bool decided = t.suggestion != SuggestionStatus::kOpen;
    suggestion = json::object{{"text", t.replacement},
                              {"status", suggestion_status(t.suggestion)},
                              {"decidedBy", decided ? t.decided_by : std::string()},
                              {"reason", t.suggestion == SuggestionStatus::kRejected ? t.reject_reason : std::string()}};
  }
  json::array comments;
  for (const auto& id : t.comment_ids) {
    if (const CommentState* c = disc.comment(id)) comments.push_back(comment_view(*c));
  }
  return json::object{
      {"id", t.id},
      {"indicatorId", t.target.indicator_id()},
      {"docId", t.target.doc_id()},
      {"author", t.creator},
      {"createdSeq", t.created_seq},
      {"quote", t.quote},
      {"anchor", anchor},
      {"resolved", t.resolved},
      {"suggestion", suggestion},
      {"comments", comments},
      {"unread", disc.unread_count(viewer, t.id)},
  };
}

json::value poll_view(const PollState& p, const std::string& viewer, int64_t now) {
  const char* phase = !p.opened ? "draft" : p.closed(now) ? "closed" : "open";
  json::value mine = nullptr;
  if (p.opened) {
    if (const engine::Ballot* b = p.poll.ballot_of(viewer)) {
      json::array choices;
      for (uint32_t c : b->choices) choices.emplace_back(c);
      mine = choices;
    }
  }
  return json::object{{"id", p.id},
                      {"phase", phase},
                      {"closedAtClosingTime", p.closed_at_closing_time},
                      {"myChoices", mine},
                      {"validationItem", p.validation_item}};
}

json::object marks_view(const std::map<std::string, kenes::v1::AttendanceMark>& marks) {
  json::object out;
  for (const auto& [who, mark] : marks) out[who] = static_cast<int>(mark);
  return out;
}

template <class Map>
json::object marks_view_of(const Map& marks) {
  std::map<std::string, kenes::v1::AttendanceMark> sorted_marks(marks.begin(), marks.end());
  return marks_view(sorted_marks);
}

bool at_defaults(const IndicatorState& s) {
  return s.status == kenes::v1::INDICATOR_STATUS_NOT_STARTED && s.assignees.empty() && s.sources.empty() &&
         !s.score.has_value() && s.due_date.empty() && s.references.empty() && s.figures.empty();
}

// Evidence (issue 19), every field, in the order added.
template <class References>
json::array references_view(const References& refs) {
  json::array out;
  for (const kenes::v1::Reference& r : refs) {
    out.push_back(json::object{{"id", r.reference_id()},
                               {"authors", strings_of(r.authors())},
                               {"title", r.title()},
                               {"year", r.year()},
                               {"publisher", r.publisher()},
                               {"link", r.link()},
                               {"accessed", r.accessed()}});
  }
  return out;
}

template <class Figures>
json::array figures_view(const Figures& figs) {
  json::array out;
  for (const kenes::v1::Figure& f : figs) {
    json::array rows;
    for (const auto& row : f.breakdown()) rows.push_back(json::array{json::value(row.label()), json::value(row.value())});
    out.push_back(json::object{{"id", f.figure_id()},
                               {"label", f.label()},
                               {"value", f.value()},
                               {"unit", f.unit()},
                               {"year", f.year()},
                               {"sourceReferenceId", f.source_reference_id()},
                               {"sourceText", f.source_text()},
                               {"breakdown", std::move(rows)},
                               {"note", f.note()}});
  }
  return out;
}

}  // namespace

json::value fold_view(const ConsultationState& state, const std::string& viewer, int64_t now_unix_ms) {
  json::object view;
  view["seq"] = state.seq();
  view["title"] = state.created() ? state.created()->title() : std::string();
  view["scope"] = static_cast<int>(state.scope());
  json::array selected;
  for (const auto& id : state.scope_selected()) selected.push_back(json::value(id));
  view["scopeSelected"] = std::move(selected);

  json::array participants;
  for (const auto& [id, p] : state.participants()) {
    participants.push_back(json::object{{"id", id},
                                        {"displayName", p.display_name},
                                        {"role", static_cast<int>(p.role)},
                                        {"stakeholderGroup", static_cast<int>(p.stakeholder_group)},
                                        {"revoked", p.revoked},
                                        {"joined", p.joined},
                                        {"invitedBy", p.invited_by},
                                        {"registrationId", p.registration_id}});
  }
  view["participants"] = participants;
  json::array registrations;
  for (const auto& [id, r] : state.registrations()) {
    registrations.push_back(json::object{{"id", id},
                                         {"role", r.opened.role()},
                                         {"expiresUnixMs", std::to_string(r.opened.expires_unix_ms())},
                                         {"cap", r.opened.cap()},
                                         {"label", r.opened.label()},
                                         {"closed", r.closed},
                                         {"registered", r.registered}});
  }
  view["registrations"] = registrations;
  view["chairIsBoardMember"] = state.chair_is_board_member();

  json::array documents;
  for (const auto& [id, doc] : state.documents()) {
    if (doc.version() == 0 && doc.text().length() == 0) continue;
    documents.push_back(json::object{{"id", id}, {"version", doc.version()}, {"text", doc.text().to_string()}});
  }
  view["documents"] = documents;

  const AssessmentState& a = state.assessment();
  json::array indicators;
  for (const auto& [id, s] : a.indicators()) {
    if (at_defaults(s)) continue;
    const bool validated = s.status == kenes::v1::INDICATOR_STATUS_VALIDATED;
    indicators.push_back(json::object{{"id", id},
                                      {"status", static_cast<int>(s.status)},
                                      {"validatedVersion", validated ? s.validated_version : 0},
                                      {"validatedByPoll", validated ? s.validated_by_poll : std::string()},
                                      {"assignees", strings(s.assignees)},
                                      {"sources", strings(s.sources)},
                                      {"score", s.score ? json::value(*s.score) : json::value(nullptr)},
                                      {"dueDate", s.due_date},
                                      {"references", references_view(s.references)},
                                      {"figures", figures_view(s.figures)}});
  }
  view["indicators"] = indicators;

  json::array polls;
  for (const auto& [id, p] : a.polls()) polls.push_back(poll_view(p, viewer, now_unix_ms));
  view["polls"] = polls;
  json::array sessions;
  for (const auto& v : a.validation_sessions()) {
    sessions.push_back(json::object{{"id", v.id},
                                    {"items", strings(v.items)},
                                    {"statement", v.statement},
                                    {"running", v.running()},
                                    {"currentItem", v.current_item},
                                    {"skipped", strings(std::vector<std::string>(v.skipped.begin(), v.skipped.end()))}});
  }
  view["validationSessions"] = sessions;

  json::array meetings;
  for (const auto& m : a.meetings()) {
    std::vector<std::string> attendees;
    if (m.running()) {
      for (const auto& span : m.attendance) {
        if (!span.left_at_unix_ms && std::find(attendees.begin(), attendees.end(), span.participant_id) == attendees.end()) {
          attendees.push_back(span.participant_id);
        }
      }
    }
    meetings.push_back(json::object{{"id", m.id},
                                    {"title", m.title},
                                    {"agenda", strings(m.agenda)},
                                    {"running", m.running()},
                                    {"spotlight", m.running() ? m.spotlight : std::string()},
                                    {"attendees", sorted(attendees)},
                                    {"marks", marks_view(m.marks)}});
  }
  view["meetings"] = meetings;
  const MeetingState* running = a.running_meeting();
  view["currentMeeting"] = running ? running->id : std::string();

  const DiscussionState& disc = state.discussion();
  view["observersMayComment"] = disc.observers_may_comment();
  json::array threads;
  json::object read_up_to;
  for (const auto& [id, t] : disc.threads()) {
    threads.push_back(thread_view(disc, t, viewer));
    if (uint64_t read = disc.last_read(viewer, id)) read_up_to[id] = read;
  }
  view["threads"] = threads;
  view["readUpTo"] = read_up_to;
  json::array visits;
  if (const auto* v = disc.visits(viewer)) {
    for (const Visit& visit : *v) visits.emplace_back(visit.seen_seq);
  }
  view["visits"] = visits;

  json::object notifications{{"email", ""}, {"period", static_cast<int>(kenes::v1::DIGEST_PERIOD_OFF)}};
  if (const DigestSettings* s = state.digest().settings_of(viewer)) {
    notifications["email"] = s->email;
    notifications["period"] = static_cast<int>(
        s->period == kenes::v1::DIGEST_PERIOD_UNSPECIFIED ? kenes::v1::DIGEST_PERIOD_OFF : s->period);
  }
  view["notifications"] = notifications;
  return view;
}

json::value fold_view_of_join(const kenes::v1::JoinState& join, const std::vector<kenes::v1::DocumentText>& opened,
                              const std::string& viewer, int64_t now_unix_ms) {
  const auto& st = join.state();
  const auto& own = join.own();
  json::object view;
  view["seq"] = st.seq();
  view["title"] = st.created().title();
  bool overridden = st.scope_override() != kenes::v1::SCOPE_UNSPECIFIED;
  kenes::v1::Scope scope = overridden ? st.scope_override() : st.created().scope();
  view["scope"] = static_cast<int>(scope);
  json::array selected;
  if (scope == kenes::v1::SCOPE_CORE_PLUS_SELECTED) {
    for (const auto& id : overridden ? st.scope_override_selected() : st.created().selected_indicator_ids()) {
      selected.push_back(json::value(id));
    }
  }
  view["scopeSelected"] = std::move(selected);
  json::array participants;
  for (const auto& p : st.participants()) {
    participants.push_back(json::object{{"id", p.participant_id()},
                                        {"displayName", p.display_name()},
                                        {"role", p.role()},
                                        {"stakeholderGroup", static_cast<int>(p.stakeholder_group())},
                                        {"revoked", p.revoked()},
                                        {"joined", p.joined()},
                                        {"invitedBy", p.invited_by()},
                                        {"registrationId", p.registration_id()}});
  }
  view["participants"] = participants;
  json::array registrations;
  for (const auto& r : st.registrations()) {
    registrations.push_back(json::object{{"id", r.opened().registration_id()},
                                         {"role", r.opened().role()},
                                         {"expiresUnixMs", std::to_string(r.opened().expires_unix_ms())},
                                         {"cap", r.opened().cap()},
                                         {"label", r.opened().label()},
                                         {"closed", r.closed()},
                                         {"registered", r.registered()}});
  }
  view["registrations"] = registrations;
  view["chairIsBoardMember"] = st.chair_is_board_member();

  json::array documents;
  for (const auto& d : st.documents()) {
    if (d.version() == 0 && d.length() == 0) continue;
    std::string text;
    for (const auto& o : opened) {
      if (o.doc_id() == d.doc_id()) text = o.text();
    }
    documents.push_back(json::object{{"id", d.doc_id()}, {"version", d.version()}, {"text", text}});
  }
  view["documents"] = documents;

  json::array indicators;
  for (const auto& i : st.indicators()) {
    if (i.status() == kenes::v1::INDICATOR_STATUS_NOT_STARTED && i.assignees().empty() && i.sources().empty() &&
        !i.has_score() && i.due_date().empty() && i.references().empty() && i.figures().empty()) {
      continue;
    }
    indicators.push_back(json::object{{"id", i.indicator_id()},
                                      {"status", static_cast<int>(i.status())},
                                      {"validatedVersion", i.validated_version()},
                                      {"validatedByPoll", i.validated_by_poll()},
                                      {"assignees", strings_of(i.assignees())},
                                      {"sources", strings_of(i.sources())},
                                      {"score", i.has_score() ? json::value(i.score()) : json::value(nullptr)},
                                      {"dueDate", i.due_date()},
                                      {"references", references_view(i.references())},
                                      {"figures", figures_view(i.figures())}});
  }
  view["indicators"] = indicators;

  json::array polls;
  for (const auto& p : st.polls()) {
    const bool closed = p.closed_seq() != 0 || (p.opened() && p.closes_at_unix_ms() != 0 && now_unix_ms >= p.closes_at_unix_ms());
    json::value mine = nullptr;
    for (const auto& b : own.ballots()) {
      if (b.poll_id() != p.poll_id()) continue;
      json::array choices;
      for (uint32_t c : b.choices()) choices.emplace_back(c);
      mine = choices;
    }
    polls.push_back(json::object{{"id", p.poll_id()},
                                 {"phase", !p.opened() ? "draft" : closed ? "closed" : "open"},
                                 {"closedAtClosingTime", p.closed_at_closing_time()},
                                 {"myChoices", mine},
                                 {"validationItem", p.validation_item()}});
  }
  view["polls"] = polls;
  json::array sessions;
  for (const auto& v : st.validation_sessions()) {
    sessions.push_back(json::object{{"id", v.started().session_id()},
                                    {"items", strings(std::vector<std::string>(v.started().items().begin(), v.started().items().end()))},
                                    {"statement", v.started().statement()},
                                    {"running", v.running()},
                                    {"currentItem", v.current_item()},
                                    {"skipped", strings(std::vector<std::string>(v.skipped().begin(), v.skipped().end()))}});
  }
  view["validationSessions"] = sessions;

  json::array meetings;
  std::string current;
  for (const auto& m : st.meetings()) {
    if (m.running()) current = m.meeting_id();
    meetings.push_back(json::object{{"id", m.meeting_id()},
                                    {"title", m.title()},
                                    {"agenda", strings_of(m.agenda())},
                                    {"running", m.running()},
                                    {"spotlight", m.spotlight()},
                                    {"attendees", strings_of(m.attendees())},
                                    {"marks", marks_view_of(m.marks())}});
  }
  view["meetings"] = meetings;
  view["currentMeeting"] = current;
  view["observersMayComment"] = st.observers_may_comment();

  std::map<std::string, uint64_t> read;
  for (const auto& r : own.reads()) read[r.thread_id()] = r.up_to_seq();
  json::array threads;
  for (const auto& t : st.threads()) {
    json::value anchor = nullptr;
    if (t.has_anchor()) {
      const kenes::v1::AnchorSnapshot* a = &t.anchor();
      for (const auto& o : opened) {
        for (const auto& oa : o.anchors()) {
          if (oa.thread_id() == t.thread_id()) a = &oa;
        }
      }
      anchor = json::object{{"from", a->from()}, {"to", a->to()}, {"attached", !a->detached()}, {"changed", a->changed()}};
    }
    json::value suggestion = nullptr;
    if (t.has_suggestion()) {
      suggestion = json::object{{"text", t.suggestion().text()},
                                {"status", t.suggestion().status()},
                                {"decidedBy", t.suggestion().decided_by()},
                                {"reason", t.suggestion().reason()}};
    }
    json::array comments;
    uint64_t unread = 0;
    const uint64_t up_to = read.count(t.thread_id()) ? read[t.thread_id()] : 0;
    for (const auto& c : t.comments()) {
      comments.push_back(json::object{{"id", c.comment_id()},
                                      {"author", c.author()},
                                      {"body", c.body()},
                                      {"mentions", strings_of(c.mentions())},
                                      {"edits", c.edits()},
                                      {"deleted", c.deleted()},
                                      {"hidden", c.hidden()},
                                      {"hiddenReason", c.hidden_reason()},
                                      {"plusOnes", strings_of(c.plus_ones())}});
      if (c.seq() > up_to && c.author() != viewer && !c.deleted() && !c.hidden()) ++unread;
    }
    threads.push_back(json::object{{"id", t.thread_id()},
                                   {"indicatorId", t.target().indicator_id()},
                                   {"docId", t.target().doc_id()},
                                   {"author", t.author()},
                                   {"createdSeq", t.created_seq()},
                                   {"quote", t.quote()},
                                   {"anchor", anchor},
                                   {"resolved", t.resolved()},
                                   {"suggestion", suggestion},
                                   {"comments", comments},
                                   {"unread", unread}});
  }
  view["threads"] = threads;
  json::object read_up_to;
  for (const auto& [id, seq] : read) read_up_to[id] = seq;
  view["readUpTo"] = read_up_to;
  json::array visits;
  for (uint64_t v : own.visits()) visits.emplace_back(v);
  view["visits"] = visits;
  view["notifications"] = json::object{
      {"email", own.email()},
      {"period", static_cast<int>(own.period() == kenes::v1::DIGEST_PERIOD_UNSPECIFIED ? kenes::v1::DIGEST_PERIOD_OFF
                                                                                      : own.period())}};
  return view;
}

std::vector<uint64_t> withheld_seqs(const std::vector<kenes::v1::LogRecord>& log, const ConsultationState& state,
                                    const std::string& viewer, int64_t now_unix_ms) {
  std::vector<uint64_t> out;
  for (const auto& rec : log) {
    const std::string only = record_audience(rec, state.assessment(), now_unix_ms);
    if (!only.empty() && only != viewer) out.push_back(rec.seq());
  }
  return out;
}

std::vector<kenes::v1::PollUpdate> poll_updates(const ConsultationState& state, int64_t now_unix_ms) {
  std::vector<kenes::v1::PollUpdate> out;
  for (const auto& [id, p] : state.assessment().polls()) {
    out.push_back(poll_update(p, eligible_voters(p.definition, state.participants()), now_unix_ms));
  }
  return out;
}

}  // namespace kenes::consultation::testing
