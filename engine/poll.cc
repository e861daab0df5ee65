#include "engine/poll.h"

#include <algorithm>
#include <utility>

#include "engine/utf8.h"

namespace kenes::engine {
namespace {

// a / b >= r, exactly. a and b are at most 64 bits and r's parts 32, so the
// products fit in 128 bits.
__extension__ typedef unsigned __int128 Wide;
bool share_at_least(uint64_t part, uint64_t whole, Ratio r) {
  return static_cast<Wide>(part) * r.den >= static_cast<Wide>(r.num) * whole;
}

Status malformed(std::string message) { return Status(ErrorCode::kMalformed, std::move(message)); }
Status invalid_state(std::string message) { return Status(ErrorCode::kInvalidState, std::move(message)); }
Status poll_closed(std::string message) { return Status(ErrorCode::kPollClosed, std::move(message)); }

Status check_text(std::string_view what, std::string_view text) {
  if (text.size() > kMaxPollTextBytes) {
    return malformed(std::string(what) + " is " + std::to_string(text.size()) + " bytes; the limit is " +
                     std::to_string(kMaxPollTextBytes));
  }
  if (!is_valid_utf8(text)) return malformed(std::string(what) + " is not valid UTF-8");
  return Status::Ok();
}

std::string ratio_string(Ratio r) { return std::to_string(r.num) + "/" + std::to_string(r.den); }

// Adds one ballot's contribution to per-option vote counts and (for Borda)
// points. The ballot is valid for the definition.
void add_ballot(const PollDefinition& def, size_t n, const Ballot& b, std::vector<uint64_t>& votes,
                std::vector<uint64_t>& points) {
  switch (def.kind) {
    case PollKind::kSingleChoice:
    case PollKind::kAgreement:
    case PollKind::kRanking:
      // Ranking: `votes` are first preferences.
      ++votes[b.choices[0]];
      break;
    case PollKind::kMultipleChoice:
      for (uint32_t c : b.choices) ++votes[c];
      break;
  }
  if (def.kind == PollKind::kRanking && def.ranking_method == RankingMethod::kBorda) {
    for (size_t p = 0; p < b.choices.size(); ++p) points[b.choices[p]] += n - 1 - p;
  }
}

std::string_view group_label(std::string_view raw) { return raw.empty() ? kNotStatedLabel : raw; }

// Groups ballots by label and suppresses small groups (README "Polls"):
//  1. every group of 1 or 2 voters joins the "other" group (which also holds
//     those who registered as "other");
//  2. if "other" then has 1 or 2 voters, the smallest group shown joins it
//     too (ties: the label that sorts last), which always lifts it to 4+;
//  3. if there is no group left to take, fewer than 3 voted at all: the
//     breakdown is withheld.
Breakdown make_breakdown(const PollDefinition& def, size_t n, const std::vector<const Ballot*>& ballots,
                         std::string Ballot::*field) {
  Breakdown out;
  if (ballots.empty()) return out;
  std::map<std::string, std::vector<const Ballot*>, std::less<>> by_label;
  for (const Ballot* b : ballots) by_label[std::string(group_label(b->*field))].push_back(b);

  std::vector<const Ballot*> other;
  std::vector<std::pair<std::string, std::vector<const Ballot*>>> shown;
  for (auto& [label, members] : by_label) {
    if (label == kMergedGroupLabel || members.size() < 3) {
      other.insert(other.end(), members.begin(), members.end());
    } else {
      shown.emplace_back(label, std::move(members));
    }
  }
  if (!other.empty() && other.size() < 3) {
    if (shown.empty()) {
      out.withheld = true;
      return out;
    }
    // Smallest group; among equals the one whose label sorts last (shown is
    // in label order, so scan backwards and keep the first minimum).
    size_t pick = shown.size() - 1;
    for (size_t i = shown.size(); i-- > 0;) {
      if (shown[i].second.size() < shown[pick].second.size()) pick = i;
    }
    other.insert(other.end(), shown[pick].second.begin(), shown[pick].second.end());
    shown.erase(shown.begin() + static_cast<std::ptrdiff_t>(pick));
  }

  bool borda = def.kind == PollKind::kRanking && def.ranking_method == RankingMethod::kBorda;
  auto make_group = [&](std::string label, const std::vector<const Ballot*>& members) {
    GroupResult g;
    g.label = std::move(label);
    g.voters = members.size();
    g.votes.assign(n, 0);
    std::vector<uint64_t> points(n, 0);
    for (const Ballot* b : members) add_ballot(def, n, *b, g.votes, points);
    if (borda) g.points = std::move(points);
    return g;
  };
  for (auto& [label, members] : shown) out.groups.push_back(make_group(label, members));
  if (!other.empty()) out.groups.push_back(make_group(std::string(kMergedGroupLabel), other));
  return out;
}

// Instant-runoff (README "Polls"). Fills rounds, winner and tied.
void run_off(size_t n, const std::vector<const Ballot*>& ballots, PollResults& r) {
  std::vector<bool> continuing(n, true);
  for (;;) {
    RunoffRound round;
    round.votes.assign(n, 0);
    round.continuing = continuing;
    for (const Ballot* b : ballots) {
      auto top = std::find_if(b->choices.begin(), b->choices.end(), [&](uint32_t c) { return continuing[c]; });
      if (top == b->choices.end()) {
        ++round.exhausted_ballots;
      } else {
        ++round.votes[*top];
        ++round.continuing_ballots;
      }
    }
    if (round.continuing_ballots == 0) {
      r.rounds.push_back(std::move(round));
      return;
    }
    size_t leader = n;
    for (size_t i = 0; i < n; ++i) {
      if (continuing[i] && (leader == n || round.votes[i] > round.votes[leader])) leader = i;
    }
    if (round.votes[leader] * 2 > round.continuing_ballots) {
      r.winner = static_cast<uint32_t>(leader);
      // Tied: the last two were separated only by option order.
      if (!r.rounds.empty()) {
        const RunoffRound& before = r.rounds.back();
        size_t before_continuing = static_cast<size_t>(std::count(before.continuing.begin(), before.continuing.end(), true));
        r.tied = before_continuing == 2 && before.tie_break == TieBreak::kOptionOrder;
      }
      r.rounds.push_back(std::move(round));
      return;
    }
    // No majority, so at least two options continue. Eliminate the fewest.
    uint64_t fewest = UINT64_MAX;
    for (size_t i = 0; i < n; ++i) {
      if (continuing[i]) fewest = std::min(fewest, round.votes[i]);
    }
    std::vector<uint32_t> tied;
    for (size_t i = 0; i < n; ++i) {
      if (continuing[i] && round.votes[i] == fewest) tied.push_back(static_cast<uint32_t>(i));
    }
    if (tied.size() > 1) {
      // Back through earlier rounds, latest first, keeping those with the
      // fewest votes there.
      for (size_t k = r.rounds.size(); k-- > 0 && tied.size() > 1;) {
        const std::vector<uint64_t>& earlier = r.rounds[k].votes;
        uint64_t min_there = UINT64_MAX;
        for (uint32_t t : tied) min_there = std::min(min_there, earlier[t]);
        std::erase_if(tied, [&](uint32_t t) { return earlier[t] != min_there; });
      }
      round.tie_break = tied.size() == 1 ? TieBreak::kEarlierRound : TieBreak::kOptionOrder;
    }
    uint32_t out = tied.back();  // the one listed last among those still tied
    round.eliminated = out;
    continuing[out] = false;
    r.rounds.push_back(std::move(round));
  }
}

}  // namespace

std::string_view poll_kind_name(PollKind kind) {
  switch (kind) {
    case PollKind::kSingleChoice: return "single_choice";
    case PollKind::kMultipleChoice: return "multiple_choice";
    case PollKind::kAgreement: return "agreement";
    case PollKind::kRanking: return "ranking";
  }
  return "unknown";
}

std::string_view ranking_method_name(RankingMethod method) {
  switch (method) {
    case RankingMethod::kBorda: return "borda";
    case RankingMethod::kInstantRunoff: return "instant_runoff";
  }
  return "unknown";
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kChair: return "chair";
    case Role::kResearcher: return "researcher";
    case Role::kMember: return "member";
    case Role::kObserver: return "observer";
  }
  return "unknown";
}

const std::vector<std::string>& agreement_labels() {
  static const std::vector<std::string> labels = {"agree", "agree with reservations", "disagree", "abstain"};
  return labels;
}

const std::vector<std::string>& option_labels(const PollDefinition& def) {
  return def.kind == PollKind::kAgreement ? agreement_labels() : def.options;
}

Status validate_poll_definition(const PollDefinition& def) {
  std::string kind(poll_kind_name(def.kind));
  if (def.kind != PollKind::kSingleChoice && def.kind != PollKind::kMultipleChoice &&
      def.kind != PollKind::kAgreement && def.kind != PollKind::kRanking) {
    return malformed("unknown poll kind " + std::to_string(static_cast<int>(def.kind)));
  }
  if (def.kind == PollKind::kRanking && def.ranking_method != RankingMethod::kBorda &&
      def.ranking_method != RankingMethod::kInstantRunoff) {
    return malformed("unknown ranking method " + std::to_string(static_cast<int>(def.ranking_method)));
  }
  if (def.question.empty()) return malformed("a poll needs a question");
  if (Status s = check_text("the question", def.question); !s.ok()) return s;
  if (def.kind == PollKind::kAgreement) {
    if (!def.options.empty()) {
      return malformed("an agreement poll has the four fixed answers; got " + std::to_string(def.options.size()) +
                       " options");
    }
  } else {
    if (def.options.size() < 2) {
      return malformed("a " + kind + " poll needs at least 2 options, got " + std::to_string(def.options.size()));
    }
    if (def.options.size() > kMaxPollOptions) {
      return malformed("a poll has at most " + std::to_string(kMaxPollOptions) + " options, got " +
                       std::to_string(def.options.size()));
    }
    for (size_t i = 0; i < def.options.size(); ++i) {
      const std::string& label = def.options[i];
      if (label.empty()) return malformed("option " + std::to_string(i) + " has no label");
      if (Status s = check_text("option " + std::to_string(i), label); !s.ok()) return s;
      for (size_t j = 0; j < i; ++j) {
        if (def.options[j] == label) {
          return malformed("options " + std::to_string(j) + " and " + std::to_string(i) + " have the same label");
        }
      }
    }
  }
  if (def.max_choices != 0) {
    if (def.kind != PollKind::kMultipleChoice) {
      return malformed("max_choices applies to multiple choice polls only, not " + kind);
    }
    if (def.max_choices > def.options.size()) {
      return malformed("max_choices " + std::to_string(def.max_choices) + " exceeds the " +
                       std::to_string(def.options.size()) + " options");
    }
  }
  if (def.eligible_roles.empty()) return malformed("no role may vote");
  if (def.eligible_roles.bits() >= (1u << 4)) {
    return malformed("eligible roles has unknown bits " + std::to_string(def.eligible_roles.bits()));
  }
  if (def.quorum.den == 0 || def.quorum.num > def.quorum.den) {
    return malformed("quorum " + ratio_string(def.quorum) + " is not a share in [0, 1]");
  }
  if (def.threshold.den == 0 || def.threshold.num == 0 || def.threshold.num > def.threshold.den) {
    return malformed("threshold " + ratio_string(def.threshold) + " is not a share in (0, 1]");
  }
  return Status::Ok();
}

PollResults tally_poll(const PollDefinition& def, const std::vector<const Ballot*>& ballots, uint64_t eligible,
                       bool closed) {
  const std::vector<std::string>& labels = option_labels(def);
  const size_t n = labels.size();
  const bool ranking = def.kind == PollKind::kRanking;
  const bool borda = ranking && def.ranking_method == RankingMethod::kBorda;

  PollResults r;
  r.kind = def.kind;
  r.ranking_method = def.ranking_method;
  r.voters = ballots.size();
  r.eligible = eligible;
  r.closed = closed;
  r.quorum_met = share_at_least(r.voters, eligible, def.quorum);

  std::vector<uint64_t> votes(n, 0), points(n, 0);
  for (const Ballot* b : ballots) add_ballot(def, n, *b, votes, points);
  r.options.resize(n);
  for (size_t i = 0; i < n; ++i) {
    r.options[i].label = labels[i];
    r.options[i].votes = votes[i];
    if (borda) r.options[i].points = points[i];
  }

  switch (def.kind) {
    case PollKind::kAgreement: {
      r.abstentions = votes[kAbstain];
      uint64_t decided = r.voters - r.abstentions;
      r.passed = r.quorum_met && decided > 0 &&
                 share_at_least(votes[kAgree] + votes[kAgreeWithReservations], decided, def.threshold);
      break;
    }
    case PollKind::kSingleChoice:
    case PollKind::kMultipleChoice:
    case PollKind::kRanking: {
      if (ranking && !borda) {
        run_off(n, ballots, r);
      } else if (r.voters > 0) {
        const std::vector<uint64_t>& measure = borda ? points : votes;
        size_t best = 0;
        for (size_t i = 1; i < n; ++i) {
          if (measure[i] > measure[best]) best = i;
        }
        r.winner = static_cast<uint32_t>(best);
        r.tied = std::count(measure.begin(), measure.end(), measure[best]) > 1;
      }
      if (!ranking) {
        for (OptionResult& o : r.options) {
          o.meets_threshold = r.quorum_met && r.voters > 0 && share_at_least(o.votes, r.voters, def.threshold);
        }
      }
      if (def.kind == PollKind::kMultipleChoice) {
        r.passed = std::any_of(r.options.begin(), r.options.end(), [](const OptionResult& o) { return o.meets_threshold; });
      } else if (r.winner && !r.tied && r.quorum_met) {
        uint32_t w = *r.winner;
        if (def.kind == PollKind::kSingleChoice) {
          r.passed = r.options[w].meets_threshold;
        } else if (borda) {
          r.passed = share_at_least(points[w], r.voters * (n - 1), def.threshold);
        } else {
          const RunoffRound& last = r.rounds.back();
          r.passed = share_at_least(last.votes[w], last.continuing_ballots, def.threshold);
        }
      }
      break;
    }
  }

  r.by_group = make_breakdown(def, n, ballots, &Ballot::stakeholder_group);
  r.by_gender = make_breakdown(def, n, ballots, &Ballot::gender);
  return r;
}

// ---------------------------------------------------------------------------

Status Poll::apply(const PollEvent& event) {
  int64_t at = event.at_unix_ms;
  return std::visit(
      [&](const auto& e) -> Status {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, CreatePoll>) {
          return apply_create(e, at);
        } else {
          if (!created_) return invalid_state("the poll has not been created");
          if constexpr (std::is_same_v<E, CastBallot>) return apply_cast(e, at);
          if constexpr (std::is_same_v<E, RetractBallot>) return apply_retract(e, at);
          if constexpr (std::is_same_v<E, ClosePoll>) return apply_close(at);
        }
      },
      event.body);
}

Status Poll::create(const PollDefinition& def, int64_t at_unix_ms) {
  return apply(PollEvent{at_unix_ms, CreatePoll{def}});
}
Status Poll::cast(const CastBallot& ballot, int64_t at_unix_ms) { return apply(PollEvent{at_unix_ms, ballot}); }
Status Poll::retract(std::string_view voter_id, int64_t at_unix_ms) {
  return apply(PollEvent{at_unix_ms, RetractBallot{std::string(voter_id)}});
}
Status Poll::close(int64_t at_unix_ms) { return apply(PollEvent{at_unix_ms, ClosePoll{}}); }

Status Poll::apply_create(const CreatePoll& e, int64_t at) {
  if (created_) return invalid_state("the poll already exists");
  if (Status s = validate_poll_definition(e.definition); !s.ok()) return s;
  if (e.definition.closes_at_unix_ms && *e.definition.closes_at_unix_ms <= at) {
    return malformed("closing time " + std::to_string(*e.definition.closes_at_unix_ms) +
                     " is not after the poll's creation at " + std::to_string(at));
  }
  created_ = true;
  def_ = e.definition;
  return Status::Ok();
}

Status Poll::apply_cast(const CastBallot& e, int64_t at) {
  if (Status s = check_ballot(e, at); !s.ok()) return s;
  // One ballot per voter: a later one replaces the earlier.
  Ballot& b = ballots_[e.voter_id];
  b.voter_id = e.voter_id;
  b.role = e.role;
  b.stakeholder_group = e.stakeholder_group;
  b.gender = e.gender;
  b.choices = e.choices;
  b.cast_at_unix_ms = at;
  return Status::Ok();
}

Status Poll::check_ballot(const CastBallot& e, int64_t at) const {
  if (!created_) return invalid_state("the poll has not been created");
  if (!open_at(at)) return poll_closed("the poll is closed");
  if (e.voter_id.empty()) return malformed("a ballot needs a voter id");
  if (!def_.eligible_roles.contains(e.role)) {
    return Status(ErrorCode::kNotEligible, "the role '" + std::string(role_name(e.role)) + "' may not vote in this poll");
  }
  if (Status s = check_text("the stakeholder group", e.stakeholder_group); !s.ok()) return s;
  if (Status s = check_text("the gender", e.gender); !s.ok()) return s;

  const size_t n = option_labels(def_).size();
  const std::vector<uint32_t>& c = e.choices;
  if (c.empty()) return malformed("a ballot must choose at least one option");
  for (size_t i = 0; i < c.size(); ++i) {
    if (c[i] >= n) {
      return malformed("option " + std::to_string(c[i]) + " is out of range: the poll has " + std::to_string(n) +
                       " options");
    }
    for (size_t j = 0; j < i; ++j) {
      if (c[j] == c[i]) return malformed("option " + std::to_string(c[i]) + " is chosen twice");
    }
  }
  switch (def_.kind) {
    case PollKind::kSingleChoice:
    case PollKind::kAgreement:
      if (c.size() != 1) {
        return malformed("a " + std::string(poll_kind_name(def_.kind)) + " ballot chooses exactly one option, got " +
                         std::to_string(c.size()));
      }
      break;
    case PollKind::kMultipleChoice:
      if (def_.max_choices != 0 && c.size() > def_.max_choices) {
        return malformed("a ballot may choose at most " + std::to_string(def_.max_choices) + " options, got " +
                         std::to_string(c.size()));
      }
      break;
    case PollKind::kRanking:
      break;  // any number of distinct options, in order of preference
  }
  return Status::Ok();
}

Status Poll::apply_retract(const RetractBallot& e, int64_t at) {
  if (!open_at(at)) return poll_closed("the poll is closed");
  auto it = ballots_.find(e.voter_id);
  if (it == ballots_.end()) return invalid_state("'" + e.voter_id + "' has no ballot to retract");
  ballots_.erase(it);
  return Status::Ok();
}

Status Poll::apply_close(int64_t at) {
  if (!open_at(at)) return poll_closed("the poll is already closed");
  closed_by_hand_at_ = at;
  return Status::Ok();
}

bool Poll::open_at(int64_t t) const {
  if (!created_ || closed_by_hand_at_) return false;
  return !def_.closes_at_unix_ms || t < *def_.closes_at_unix_ms;
}

bool Poll::is_open(int64_t now_unix_ms) const { return open_at(now_unix_ms); }

std::optional<int64_t> Poll::closed_at(int64_t now_unix_ms) const {
  if (!created_) return std::nullopt;
  if (closed_by_hand_at_) return closed_by_hand_at_;
  if (!open_at(now_unix_ms)) return def_.closes_at_unix_ms;
  return std::nullopt;
}

const Ballot* Poll::ballot_of(std::string_view voter_id) const {
  auto it = ballots_.find(voter_id);
  return it == ballots_.end() ? nullptr : &it->second;
}

PollResults Poll::results(uint64_t eligible, int64_t now_unix_ms) const {
  std::vector<const Ballot*> ballots;
  ballots.reserve(ballots_.size());
  for (const auto& [id, b] : ballots_) ballots.push_back(&b);
  return tally_poll(def_, ballots, eligible, created_ && !open_at(now_unix_ms));
}

bool Poll::results_visible(int64_t now_unix_ms) const {
  return created_ && (!def_.results_hidden_until_closed || !open_at(now_unix_ms));
}

PollView Poll::view(uint64_t eligible, int64_t now_unix_ms) const {
  PollView v;
  v.open = open_at(now_unix_ms);
  v.voters = ballots_.size();
  v.eligible = eligible;
  v.quorum_met = created_ && share_at_least(v.voters, eligible, def_.quorum);
  if (results_visible(now_unix_ms)) v.results = results(eligible, now_unix_ms);
  return v;
}

std::optional<std::vector<NamedBallot>> Poll::named_ballots(int64_t now_unix_ms) const {
  if (def_.anonymous || !results_visible(now_unix_ms)) return std::nullopt;
  std::vector<NamedBallot> out;
  out.reserve(ballots_.size());
  for (const auto& [id, b] : ballots_) out.push_back(NamedBallot{id, b.choices});
  return out;
}

PollAudit Poll::audit(uint64_t eligible, int64_t now_unix_ms) const {
  PollAudit a;
  a.results = results(eligible, now_unix_ms);
  for (const auto& [id, b] : ballots_) a.ballots.push_back(b);
  a.closed_at_unix_ms = closed_at(now_unix_ms);
  return a;
}

}  // namespace kenes::engine
