#include "replay/report/poll_export.h"

#include <algorithm>

#include "consultation/assessment_convert.h"
#include "replay/report/report_data.h"

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

// A breakdown's group as the minutes name it in each language: the engine
// labels groups as assessment_convert.h's stakeholder_group_label does.
MinutesPollGroup minutes_group(const engine::GroupResult& g, bool stakeholder, bool borda) {
  MinutesPollGroup out;
  out.label = g.label;
  out.voters = g.voters;
  out.values = borda && !g.points.empty() ? g.points : g.votes;
  if (g.label == engine::kMergedGroupLabel) {
    out.kind = MinutesPollGroup::Kind::kMerged;
  } else if (g.label == engine::kNotStatedLabel) {
    out.kind = MinutesPollGroup::Kind::kNotStated;
  } else if (stakeholder) {
    for (auto group : stakeholder_groups()) {
      if (consultation::stakeholder_group_label(group) == g.label) {
        out.kind = MinutesPollGroup::Kind::kStakeholderGroup;
        out.group = group;
      }
    }
  }
  return out;
}

}  // namespace

MinutesPoll minutes_poll(const std::string& poll_id, const engine::Poll& poll, uint64_t eligible,
                         int64_t now_unix_ms) {
  const engine::PollDefinition& def = poll.definition();
  MinutesPoll m;
  m.id = poll_id;
  m.question = def.question;
  switch (def.kind) {
    case engine::PollKind::kSingleChoice: m.kind = MinutesPoll::Kind::kSingleChoice; break;
    case engine::PollKind::kMultipleChoice: m.kind = MinutesPoll::Kind::kMultipleChoice; break;
    case engine::PollKind::kAgreement: m.kind = MinutesPoll::Kind::kAgreement; break;
    case engine::PollKind::kRanking:
      m.kind = def.ranking_method == engine::RankingMethod::kBorda ? MinutesPoll::Kind::kRankingBorda
                                                                   : MinutesPoll::Kind::kRankingRunoff;
      break;
  }
  m.anonymous = def.anonymous;
  engine::PollView view = poll.view(eligible, now_unix_ms);
  m.state = view.open ? MinutesPoll::State::kOpen : MinutesPoll::State::kClosed;
  if (auto closed = poll.closed_at(now_unix_ms)) m.closed_at_unix_ms = *closed;
  m.ballots = view.voters;
  m.eligible = view.eligible;
  m.quorum_met = view.quorum_met;
  if (!view.results) return m;  // hidden until it closes
  const engine::PollResults& r = *view.results;
  const bool borda = m.kind == MinutesPoll::Kind::kRankingBorda;
  m.results_shown = true;
  m.passed = r.passed;
  m.quorum_met = r.quorum_met;
  m.tied = r.tied;
  if (r.winner && *r.winner < r.options.size()) m.winner = *r.winner;
  for (const auto& o : r.options) m.options.push_back({o.label, o.votes, o.points});
  m.breakdown_withheld = r.by_group.withheld;
  if (!m.breakdown_withheld) {
    for (const auto& g : r.by_group.groups) m.by_group.push_back(minutes_group(g, true, borda));
    for (const auto& g : r.by_gender.groups) m.by_gender.push_back(minutes_group(g, false, borda));
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
