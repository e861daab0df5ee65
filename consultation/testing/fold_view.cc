#include "consultation/testing/fold_view.h"

#include <algorithm>
#include <boost/json.hpp>

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
                      {"myChoices", mine}};
}

bool at_defaults(const IndicatorState& s) {
  return s.status == kenes::v1::INDICATOR_STATUS_NOT_STARTED && s.assignees.empty() && s.sources.empty() &&
         !s.score.has_value();
}

}  // namespace

json::value fold_view(const ConsultationState& state, const std::string& viewer, int64_t now_unix_ms) {
  json::object view;
  view["seq"] = state.seq();
  view["title"] = state.created() ? state.created()->title() : std::string();
  view["scope"] = static_cast<int>(state.scope());

  json::array participants;
  for (const auto& [id, p] : state.participants()) {
    participants.push_back(json::object{{"id", id},
                                        {"displayName", p.display_name},
                                        {"role", static_cast<int>(p.role)},
                                        {"stakeholderGroup", static_cast<int>(p.stakeholder_group)},
                                        {"gender", p.gender},
                                        {"revoked", p.revoked}});
  }
  view["participants"] = participants;

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
                                      {"score", s.score ? json::value(*s.score) : json::value(nullptr)}});
  }
  view["indicators"] = indicators;

  json::array polls;
  for (const auto& [id, p] : a.polls()) polls.push_back(poll_view(p, viewer, now_unix_ms));
  view["polls"] = polls;

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
                                    {"attendees", sorted(attendees)}});
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
