#include "consultation/assessment_convert.h"

namespace kenes::consultation {

namespace {
engine::Status malformed(std::string message) { return engine::Status(engine::ErrorCode::kMalformed, std::move(message)); }
}  // namespace

std::optional<engine::Role> engine_role(int32_t role) {
  switch (role) {
    case kenes::v1::ROLE_CHAIR: return engine::Role::kChair;
    case kenes::v1::ROLE_RESEARCHER: return engine::Role::kResearcher;
    case kenes::v1::ROLE_MEMBER: return engine::Role::kMember;
    case kenes::v1::ROLE_OBSERVER: return engine::Role::kObserver;
    default: return std::nullopt;
  }
}

std::string stakeholder_group_label(kenes::v1::StakeholderGroup group) {
  switch (group) {
    case kenes::v1::STAKEHOLDER_GROUP_GOVERNMENT: return "government";
    case kenes::v1::STAKEHOLDER_GROUP_ACADEMIA: return "academia";
    case kenes::v1::STAKEHOLDER_GROUP_TECHNICAL_COMMUNITY: return "technical community";
    case kenes::v1::STAKEHOLDER_GROUP_PRIVATE_SECTOR: return "private sector";
    case kenes::v1::STAKEHOLDER_GROUP_MEDIA: return "media";
    case kenes::v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY: return "civil society";
    case kenes::v1::STAKEHOLDER_GROUP_USERS: return "users";
    case kenes::v1::STAKEHOLDER_GROUP_UN_INTERGOVERNMENTAL: return "un / intergovernmental";
    case kenes::v1::STAKEHOLDER_GROUP_NATIONAL_IGF: return "national igf";
    // Not "other": that is the engine's key for the merged groups under 3
    // voters, and the real group "Other" is a group like any (issue 18: the
    // two were shown under one name).
    case kenes::v1::STAKEHOLDER_GROUP_OTHER: return "other stakeholders";
    default: return "";
  }
}

engine::Result<engine::PollDefinition> poll_definition_from_proto(const kenes::v1::PollDefinition& in) {
  engine::PollDefinition def;
  switch (in.kind()) {
    case kenes::v1::POLL_KIND_SINGLE_CHOICE: def.kind = engine::PollKind::kSingleChoice; break;
    case kenes::v1::POLL_KIND_MULTIPLE_CHOICE: def.kind = engine::PollKind::kMultipleChoice; break;
    case kenes::v1::POLL_KIND_AGREEMENT: def.kind = engine::PollKind::kAgreement; break;
    case kenes::v1::POLL_KIND_RANKING: def.kind = engine::PollKind::kRanking; break;
    default: return malformed("the poll kind must be single choice, multiple choice, agreement or ranking");
  }
  def.question = in.question();
  if (static_cast<size_t>(in.options_size()) > engine::kMaxPollOptions) {
    return malformed("a poll has at most " + std::to_string(engine::kMaxPollOptions) + " options, got " +
                     std::to_string(in.options_size()));
  }
  def.options.assign(in.options().begin(), in.options().end());
  def.max_choices = in.max_choices();
  switch (in.ranking_method()) {
    case kenes::v1::RANKING_METHOD_UNSPECIFIED:
    case kenes::v1::RANKING_METHOD_BORDA: def.ranking_method = engine::RankingMethod::kBorda; break;
    case kenes::v1::RANKING_METHOD_INSTANT_RUNOFF: def.ranking_method = engine::RankingMethod::kInstantRunoff; break;
    default: return malformed("unknown ranking method " + std::to_string(in.ranking_method()));
  }
  def.anonymous = in.anonymous();
  def.results_hidden_until_closed = in.results_hidden_until_closed();
  if (in.live_results() && in.results_hidden_until_closed()) {
    return malformed("a poll's results cannot be both live for everyone and hidden until it closes");
  }
  def.eligible_roles = engine::RoleSet{};
  uint8_t bits = 0;
  for (int32_t r : in.eligible_roles()) {
    auto role = engine_role(r);
    if (!role) return malformed("eligible role " + std::to_string(r) + " is not a participant role");
    bits |= engine::RoleSet{*role}.bits();
  }
  def.eligible_roles = engine::RoleSet::from_bits(bits);
  if (in.has_quorum()) {
    if (in.quorum().den() == 0) return malformed("the quorum's denominator is 0");
    def.quorum = {in.quorum().num(), in.quorum().den()};
  }
  if (in.has_threshold()) {
    if (in.threshold().den() == 0) return malformed("the threshold's denominator is 0");
    def.threshold = {in.threshold().num(), in.threshold().den()};
  }
  if (in.closes_at_unix_ms() < 0) return malformed("the closing time is negative");
  if (in.closes_at_unix_ms() != 0) def.closes_at_unix_ms = in.closes_at_unix_ms();
  if (!in.target_indicator_id().empty() && def.kind != engine::PollKind::kAgreement) {
    return malformed("only an agreement poll may validate an indicator");
  }
  engine::Status s = engine::validate_poll_definition(def);
  if (!s.ok()) return s;
  return def;
}

namespace {
void breakdown_to_proto(const engine::Breakdown& b, kenes::v1::Breakdown* out) {
  out->set_withheld(b.withheld);
  for (const auto& g : b.groups) {
    auto* pg = out->add_groups();
    pg->set_label(g.label);
    pg->set_voters(g.voters);
    for (uint64_t v : g.votes) pg->add_votes(v);
    for (uint64_t p : g.points) pg->add_points(p);
  }
}
}  // namespace

void poll_results_to_proto(const engine::PollResults& r, kenes::v1::PollResults* out) {
  for (const auto& o : r.options) {
    auto* po = out->add_options();
    po->set_label(o.label);
    po->set_votes(o.votes);
    po->set_points(o.points);
    po->set_meets_threshold(o.meets_threshold);
  }
  out->set_voters(r.voters);
  out->set_eligible(r.eligible);
  out->set_abstentions(r.abstentions);
  out->set_quorum_met(r.quorum_met);
  out->set_winner(r.winner ? static_cast<int32_t>(*r.winner) : -1);
  out->set_tied(r.tied);
  out->set_passed(r.passed);
  out->set_closed(r.closed);
  for (const auto& round : r.rounds) {
    auto* pr = out->add_rounds();
    for (uint64_t v : round.votes) pr->add_votes(v);
    for (bool c : round.continuing) pr->add_continuing(c);
    pr->set_continuing_ballots(round.continuing_ballots);
    pr->set_exhausted_ballots(round.exhausted_ballots);
    pr->set_eliminated(round.eliminated ? static_cast<int32_t>(*round.eliminated) : -1);
  }
  breakdown_to_proto(r.by_group, out->mutable_by_group());
  breakdown_to_proto(r.by_gender, out->mutable_by_gender());
}

}  // namespace kenes::consultation
