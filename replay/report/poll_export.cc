#include "replay/report/poll_export.h"

#include <algorithm>

namespace kenes::report {

namespace {

std::string choices_text(const engine::PollDefinition& def, const std::vector<uint32_t>& choices) {
  const auto& labels = engine::option_labels(def);
  std::string sep = def.kind == engine::PollKind::kRanking ? " > " : "; ";
  std::string out;
  for (uint32_t c : choices) {
    if (!out.empty()) out += sep;
    out += c < labels.size() ? labels[c] : "option " + std::to_string(c);
  }
  return out;
}

std::string group_line(const char* what, const engine::GroupResult& g, const std::vector<std::string>& labels,
                       bool borda) {
  // The merged bucket (engine::kMergedGroupLabel) is named for what it is,
  // never "other", which is also a stakeholder group (issue 18).
  const std::string label = g.label == engine::kMergedGroupLabel ? std::string("groups under 3 voters") : g.label;
  std::string line = std::string(what) + " " + label + " (" + std::to_string(g.voters) + "):";
  bool any = false;
  for (std::size_t i = 0; i < labels.size() && i < g.votes.size(); ++i) {
    uint64_t value = borda && i < g.points.size() ? g.points[i] : g.votes[i];
    if (value == 0) continue;
    line += (any ? ", " : " ") + labels[i] + " " + std::to_string(value);
    any = true;
  }
  return any ? line : line + " none";
}

}  // namespace

MinutesPoll minutes_poll(const std::string& poll_id, const engine::Poll& poll, uint64_t eligible,
                         int64_t now_unix_ms) {
  const engine::PollDefinition& def = poll.definition();
  MinutesPoll m;
  m.id = poll_id;
  m.question = def.question;
  m.kind = std::string(engine::poll_kind_name(def.kind));
  if (def.kind == engine::PollKind::kRanking) m.kind += ", " + std::string(engine::ranking_method_name(def.ranking_method));
  m.anonymous = def.anonymous;
  engine::PollView view = poll.view(eligible, now_unix_ms);
  m.ballots = view.voters;
  m.eligible = view.eligible;
  if (!view.results) {
    m.outcome = view.open ? "open; results hidden until it closes" : "closed; results hidden";
    return m;
  }
  const engine::PollResults& r = *view.results;
  bool borda = def.kind == engine::PollKind::kRanking && def.ranking_method == engine::RankingMethod::kBorda;
  std::vector<std::string> labels;
  for (const auto& o : r.options) {
    labels.push_back(o.label);
    m.totals.emplace_back(o.label, borda ? std::to_string(o.points) + " points (" + std::to_string(o.votes) + " first)"
                                         : std::to_string(o.votes));
  }
  std::string outcome = r.closed ? (r.passed ? "passed" : "did not pass") : (r.passed ? "passing so far (open)" : "not passing so far (open)");
  if (!r.quorum_met) outcome += "; quorum not met";
  if (r.tied) outcome += "; tied";
  if (r.winner && *r.winner < labels.size()) outcome += "; leading: " + labels[*r.winner];
  m.outcome = outcome;
  if (r.by_group.withheld) {
    m.breakdown.push_back("Breakdowns withheld: fewer than 3 voters.");
  } else {
    for (const auto& g : r.by_group.groups) m.breakdown.push_back(group_line("Group", g, labels, borda));
    for (const auto& g : r.by_gender.groups) m.breakdown.push_back(group_line("Gender", g, labels, borda));
  }
  return m;
}

std::vector<VoteRow> vote_rows(const std::string& poll_id, const engine::Poll& poll, int64_t now_unix_ms,
                               const std::function<std::string(const std::string&)>& name_of) {
  std::vector<VoteRow> rows;
  if (!poll.created() || !poll.closed_at(now_unix_ms)) return rows;
  const engine::PollDefinition& def = poll.definition();
  VoteRow base;
  base.poll_id = poll_id;
  base.question = def.question;
  base.kind = std::string(engine::poll_kind_name(def.kind));
  base.anonymous = def.anonymous;
  // The audit view holds every ballot; for an anonymous poll only the
  // choices leave it.
  engine::PollAudit audit = poll.audit(0, now_unix_ms);
  for (const auto& b : audit.ballots) {
    VoteRow row = base;
    row.choices = choices_text(def, b.choices);
    if (!def.anonymous) {
      row.voter = name_of(b.voter_id);
      row.group = b.stakeholder_group;
      row.gender = b.gender;
      row.cast_at_unix_ms = b.cast_at_unix_ms;
    }
    rows.push_back(std::move(row));
  }
  // Named: in cast order. Anonymous: by choice — the audit's order is by
  // voter id, which must not show through.
  std::stable_sort(rows.begin(), rows.end(), [&](const VoteRow& a, const VoteRow& b) {
    return def.anonymous ? a.choices < b.choices : a.cast_at_unix_ms < b.cast_at_unix_ms;
  });
  return rows;
}

}  // namespace kenes::report
