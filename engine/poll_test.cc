#include "engine/poll.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "engine/testing/printers.h"
#include "engine/testing/random_edits.h"

namespace kenes::engine {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;  // creation time of every poll below

PollDefinition single_choice(std::vector<std::string> options = {"A", "B", "C"}) {
  PollDefinition d;
  d.kind = PollKind::kSingleChoice;
  d.question = "Which source?";
  d.options = std::move(options);
  return d;
}

PollDefinition agreement(Ratio threshold = {1, 2}, Ratio quorum = {0, 1}) {
  PollDefinition d;
  d.kind = PollKind::kAgreement;
  d.question = "Indicator R.1.1 is validated as drafted.";
  d.threshold = threshold;
  d.quorum = quorum;
  return d;
}

PollDefinition ranking(RankingMethod method, std::vector<std::string> options = {"A", "B", "C", "D"}) {
  PollDefinition d;
  d.kind = PollKind::kRanking;
  d.question = "Order the recommendations";
  d.options = std::move(options);
  d.ranking_method = method;
  return d;
}

CastBallot vote(std::string voter, std::vector<uint32_t> choices, std::string group = "academia",
                std::string gender = "female", Role role = Role::kMember) {
  return CastBallot{std::move(voter), role, std::move(group), std::move(gender), std::move(choices)};
}

// "v7". (Not "v" + std::to_string(7): GCC 12 warns falsely about it.)
std::string id(std::string_view prefix, uint64_t n) {
  std::string out(prefix);
  out += std::to_string(n);
  return out;
}

Poll created(const PollDefinition& def) {
  Poll p;
  Status s = p.create(def, kT0);
  EXPECT_TRUE(s.ok()) << s.to_string();
  return p;
}

// Casts and expects success.
void cast_ok(Poll& p, const CastBallot& b, int64_t at = kT0 + 1) {
  Status s = p.cast(b, at);
  ASSERT_TRUE(s.ok()) << b.voter_id << ": " << s.to_string();
}

uint64_t sum(const std::vector<uint64_t>& v) {
  uint64_t t = 0;
  for (uint64_t x : v) t += x;
  return t;
}

std::vector<uint64_t> votes_of(const PollResults& r) {
  std::vector<uint64_t> v;
  for (const OptionResult& o : r.options) v.push_back(o.votes);
  return v;
}

std::vector<uint64_t> points_of(const PollResults& r) {
  std::vector<uint64_t> v;
  for (const OptionResult& o : r.options) v.push_back(o.points);
  return v;
}

// label → voters, for compact expectations.
std::map<std::string, uint64_t> sizes(const Breakdown& b) {
  std::map<std::string, uint64_t> m;
  for (const GroupResult& g : b.groups) m[g.label] = g.voters;
  return m;
}

// ---------------------------------------------------------------------------
// Definitions

TEST(PollDefinitionTest, SingleChoiceWithOneOptionIsRefused) {
  Status s = validate_poll_definition(single_choice({"only"}));
  EXPECT_EQ(s.code(), ErrorCode::kMalformed);
  EXPECT_EQ(s.message(), "a single_choice poll needs at least 2 options, got 1");
}

TEST(PollDefinitionTest, ThresholdMustBeAShareAboveZeroAndAtMostOne) {
  PollDefinition d = agreement();
  d.threshold = {0, 1};
  EXPECT_EQ(validate_poll_definition(d).message(), "threshold 0/1 is not a share in (0, 1]");
  d.threshold = {3, 2};
  EXPECT_EQ(validate_poll_definition(d).code(), ErrorCode::kMalformed);
  d.threshold = {1, 0};
  EXPECT_EQ(validate_poll_definition(d).code(), ErrorCode::kMalformed);
  d.threshold = {1, 1};
  EXPECT_TRUE(validate_poll_definition(d).ok());
}

TEST(PollDefinitionTest, QuorumMustBeAShareFromZeroToOne) {
  PollDefinition d = agreement();
  d.quorum = {0, 1};
  EXPECT_TRUE(validate_poll_definition(d).ok());
  d.quorum = {1, 1};
  EXPECT_TRUE(validate_poll_definition(d).ok());
  d.quorum = {5, 4};
  EXPECT_EQ(validate_poll_definition(d).message(), "quorum 5/4 is not a share in [0, 1]");
}

TEST(PollDefinitionTest, AgreementPollHasItsOwnFourAnswers) {
  PollDefinition d = agreement();
  EXPECT_TRUE(validate_poll_definition(d).ok());
  EXPECT_EQ(option_labels(d), (std::vector<std::string>{"agree", "agree with reservations", "disagree", "abstain"}));
  d.options = {"yes", "no"};
  EXPECT_EQ(validate_poll_definition(d).message(), "an agreement poll has the four fixed answers; got 2 options");
}

TEST(PollDefinitionTest, MaxChoicesIsForMultipleChoiceAndNotAboveTheOptionCount) {
  PollDefinition d = single_choice();
  d.max_choices = 2;
  EXPECT_EQ(validate_poll_definition(d).message(), "max_choices applies to multiple choice polls only, not single_choice");
  d.kind = PollKind::kMultipleChoice;
  EXPECT_TRUE(validate_poll_definition(d).ok());
  d.max_choices = 4;
  EXPECT_EQ(validate_poll_definition(d).message(), "max_choices 4 exceeds the 3 options");
}

TEST(PollDefinitionTest, EmptyDuplicateOrInvalidLabelsAreRefused) {
  EXPECT_EQ(validate_poll_definition(single_choice({"Иә", "Жоқ", "Иә"})).message(),
            "options 0 and 2 have the same label");
  EXPECT_EQ(validate_poll_definition(single_choice({"A", ""})).message(), "option 1 has no label");
  EXPECT_EQ(validate_poll_definition(single_choice({"A", "\xC0\xAF"})).message(), "option 1 is not valid UTF-8");
  PollDefinition d = agreement();
  d.question = "";
  EXPECT_EQ(validate_poll_definition(d).message(), "a poll needs a question");
}

TEST(PollDefinitionTest, NoEligibleRoleIsRefused) {
  PollDefinition d = agreement();
  d.eligible_roles = {};
  EXPECT_EQ(validate_poll_definition(d).message(), "no role may vote");
}

TEST(PollDefinitionTest, ClosingTimeMustBeAfterCreation) {
  PollDefinition d = agreement();
  d.closes_at_unix_ms = kT0;
  Poll p;
  Status s = p.create(d, kT0);
  EXPECT_EQ(s.code(), ErrorCode::kMalformed);
  EXPECT_FALSE(p.created());
  d.closes_at_unix_ms = kT0 + 1;
  EXPECT_TRUE(p.create(d, kT0).ok());
}

TEST(PollStateTest, EventsBeforeCreationAndASecondCreationAreRefused) {
  Poll p;
  EXPECT_EQ(p.cast(vote("ana", {0}), kT0), Status(ErrorCode::kInvalidState, "the poll has not been created"));
  EXPECT_EQ(p.close(kT0).code(), ErrorCode::kInvalidState);
  ASSERT_TRUE(p.create(agreement(), kT0).ok());
  EXPECT_EQ(p.create(single_choice(), kT0), Status(ErrorCode::kInvalidState, "the poll already exists"));
  EXPECT_EQ(p.definition(), agreement());
}

// ---------------------------------------------------------------------------
// Ballots

TEST(PollBallotTest, InvalidBallotsAreRefusedWithAReasonAndLeaveTheStateUnchanged) {
  PollDefinition multi = single_choice({"A", "B", "C", "D"});
  multi.kind = PollKind::kMultipleChoice;
  multi.max_choices = 2;
  PollDefinition rank = ranking(RankingMethod::kInstantRunoff);
  PollDefinition single = single_choice();
  single.eligible_roles = {Role::kMember, Role::kResearcher};
  const int64_t t = kT0 + 10;

  struct Case {
    std::string name;
    PollDefinition def;
    CastBallot cast;  // applied unless retract_voter is set
    std::string retract_voter;
    Status expected;
  };
  auto malformed = [](std::string m) { return Status(ErrorCode::kMalformed, std::move(m)); };
  auto invalid_state = [](std::string m) { return Status(ErrorCode::kInvalidState, std::move(m)); };
  auto not_eligible = [](std::string m) { return Status(ErrorCode::kNotEligible, std::move(m)); };
  std::vector<Case> cases;
  cases.push_back({"out of range", single, vote("ana", {3}), "",
                   malformed("option 3 is out of range: the poll has 3 options")});
  cases.push_back({"two choices", single, vote("ana", {0, 1}), "",
                   malformed("a single_choice ballot chooses exactly one option, got 2")});
  cases.push_back({"no choice", single, vote("ana", {}), "", malformed("a ballot must choose at least one option")});
  cases.push_back({"no voter", single, vote("", {0}), "", malformed("a ballot needs a voter id")});
  cases.push_back({"observer", single, vote("ana", {0}, "media", "", Role::kObserver), "",
                   not_eligible("the role 'observer' may not vote in this poll")});
  cases.push_back({"chair", single, vote("ana", {0}, "media", "", Role::kChair), "",
                   not_eligible("the role 'chair' may not vote in this poll")});
  cases.push_back({"bad group", single, vote("ana", {0}, "\xFF"), "",
                   malformed("the stakeholder group is not valid UTF-8")});
  cases.push_back({"too many", multi, vote("ana", {0, 1, 2}), "",
                   malformed("a ballot may choose at most 2 options, got 3")});
  cases.push_back({"duplicate", multi, vote("ana", {1, 1}), "", malformed("option 1 is chosen twice")});
  cases.push_back({"duplicate in ranking", rank, vote("ana", {2, 0, 2}), "", malformed("option 2 is chosen twice")});
  cases.push_back({"ranking out of range", rank, vote("ana", {0, 4}), "",
                   malformed("option 4 is out of range: the poll has 4 options")});
  cases.push_back({"agreement out of range", agreement(), vote("ana", {4}), "",
                   malformed("option 4 is out of range: the poll has 4 options")});
  cases.push_back({"retract nothing", agreement(), {}, "carl", invalid_state("'carl' has no ballot to retract")});

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Poll p = created(c.def);
    cast_ok(p, vote("bob", {0}));
    cast_ok(p, vote("ana", {1}));
    PollAudit before = p.audit(10, t);
    if (c.retract_voter.empty()) {
      EXPECT_EQ(p.check_ballot(c.cast, t), c.expected);
    }
    Status s = c.retract_voter.empty() ? p.cast(c.cast, t) : p.retract(c.retract_voter, t);
    EXPECT_EQ(s, c.expected);
    EXPECT_EQ(p.audit(10, t), before);
    EXPECT_TRUE(p.is_open(t));
  }
}

TEST(PollBallotTest, ClosedPollRefusesBallotsRetractionsAndASecondClose) {
  Poll p = created(agreement());
  cast_ok(p, vote("ana", {kAgree}));
  ASSERT_TRUE(p.close(kT0 + 5).ok());
  PollAudit before = p.audit(3, kT0 + 6);
  EXPECT_EQ(p.cast(vote("bob", {kDisagree}), kT0 + 6), Status(ErrorCode::kPollClosed, "the poll is closed"));
  EXPECT_EQ(p.cast(vote("ana", {kDisagree}), kT0 + 6).code(), ErrorCode::kPollClosed);
  EXPECT_EQ(p.retract("ana", kT0 + 6), Status(ErrorCode::kPollClosed, "the poll is closed"));
  EXPECT_EQ(p.close(kT0 + 7), Status(ErrorCode::kPollClosed, "the poll is already closed"));
  EXPECT_EQ(p.audit(3, kT0 + 6), before);
  EXPECT_EQ(p.closed_at(kT0 + 100), kT0 + 5);
}

TEST(PollBallotTest, AnEventAtTheClosingTimeFindsThePollClosed) {
  PollDefinition d = agreement();
  d.closes_at_unix_ms = kT0 + 1000;
  Poll p = created(d);
  cast_ok(p, vote("ana", {kAgree}), kT0 + 999);
  EXPECT_TRUE(p.is_open(kT0 + 999));
  EXPECT_FALSE(p.is_open(kT0 + 1000));
  EXPECT_EQ(p.cast(vote("bob", {kAgree}), kT0 + 1000).code(), ErrorCode::kPollClosed);
  EXPECT_EQ(p.check_ballot(vote("bob", {kAgree}), kT0 + 1000).code(), ErrorCode::kPollClosed);
  EXPECT_TRUE(p.check_ballot(vote("bob", {kAgree}), kT0 + 999).ok());
  EXPECT_EQ(p.voter_count(), 1u);  // checking casts nothing
  EXPECT_EQ(p.close(kT0 + 2000), Status(ErrorCode::kPollClosed, "the poll is already closed"));
  EXPECT_EQ(p.closed_at(kT0 + 1000), kT0 + 1000);
  EXPECT_EQ(p.closed_at(kT0 + 999), std::nullopt);
  EXPECT_EQ(p.voter_count(), 1u);
}

TEST(PollBallotTest, ALaterBallotReplacesTheEarlierOne) {
  Poll p = created(single_choice());
  cast_ok(p, vote("ana", {0}, "academia", "female"));
  cast_ok(p, vote("ana", {2}, "government", "female"), kT0 + 2);
  ASSERT_NE(p.ballot_of("ana"), nullptr);
  EXPECT_EQ(p.ballot_of("ana")->choices, std::vector<uint32_t>{2});
  EXPECT_EQ(p.ballot_of("ana")->stakeholder_group, "government");
  EXPECT_EQ(p.ballot_of("ana")->cast_at_unix_ms, kT0 + 2);
  PollResults r = p.results(5, kT0 + 3);
  EXPECT_EQ(r.voters, 1u);
  EXPECT_EQ(votes_of(r), (std::vector<uint64_t>{0, 0, 1}));
}

TEST(PollBallotTest, RetractingRemovesTheBallotAndAllowsVotingAgain) {
  Poll p = created(single_choice());
  cast_ok(p, vote("ana", {0}));
  ASSERT_TRUE(p.retract("ana", kT0 + 2).ok());
  EXPECT_EQ(p.ballot_of("ana"), nullptr);
  EXPECT_EQ(p.results(5, kT0 + 2).voters, 0u);
  cast_ok(p, vote("ana", {1}), kT0 + 3);
  EXPECT_EQ(votes_of(p.results(5, kT0 + 3)), (std::vector<uint64_t>{0, 1, 0}));
}

TEST(PollBallotTest, ManyReplacedBallotsLeaveOneBallotPerParticipant) {
  for (uint64_t seed : testing::test_seeds(20)) {
    SCOPED_TRACE(testing::seed_note(seed));
    testing::Rng rng(seed);
    Poll p = created(single_choice({"A", "B", "C", "D", "E"}));
    std::map<std::string, uint32_t> last;  // voter → last choice
    for (int i = 0; i < 2000; ++i) {
      std::string voter = id("v", rng.below(30));
      uint32_t choice = static_cast<uint32_t>(rng.below(5));
      cast_ok(p, vote(voter, {choice}), kT0 + 1 + i);
      last[voter] = choice;
    }
    PollResults r = p.results(30, kT0 + 5000);
    EXPECT_EQ(r.voters, last.size());
    EXPECT_EQ(p.voter_count(), last.size());
    EXPECT_EQ(sum(votes_of(r)), last.size());
    std::vector<uint64_t> expected(5, 0);
    for (const auto& [voter, choice] : last) {
      ++expected[choice];
      ASSERT_NE(p.ballot_of(voter), nullptr);
      EXPECT_EQ(p.ballot_of(voter)->choices, std::vector<uint32_t>{choice});
    }
    EXPECT_EQ(votes_of(r), expected);
  }
}

// ---------------------------------------------------------------------------
// Quorum and threshold

// 3 agree-ish of `decided`, with `abstain` abstentions, eligible 10.
PollResults agreement_result(Ratio threshold, Ratio quorum, uint32_t agree, uint32_t reservations, uint32_t disagree,
                             uint32_t abstain, uint64_t eligible = 10) {
  Poll p = created(agreement(threshold, quorum));
  int i = 0;
  auto add = [&](uint32_t count, uint32_t choice) {
    for (uint32_t k = 0; k < count; ++k) cast_ok(p, vote(id("v", i++), {choice}));
  };
  add(agree, kAgree);
  add(reservations, kAgreeWithReservations);
  add(disagree, kDisagree);
  add(abstain, kAbstain);
  return p.results(eligible, kT0 + 10);
}

TEST(PollThresholdTest, AgreementPassesExactlyAtTheThreshold) {
  // Two thirds, exactly: 1 agree + 1 with reservations of 3 decided.
  PollResults r = agreement_result({2, 3}, {0, 1}, 1, 1, 1, 0);
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(votes_of(r), (std::vector<uint64_t>{1, 1, 1, 0}));
  EXPECT_EQ(r.winner, std::nullopt);
}

TEST(PollThresholdTest, AgreementOneVoteBelowTheThresholdFails) {
  // 5 of 8 = 0.625 < 2/3.
  EXPECT_FALSE(agreement_result({2, 3}, {0, 1}, 3, 2, 3, 0).passed);
  // 6 of 9 = 2/3.
  EXPECT_TRUE(agreement_result({2, 3}, {0, 1}, 3, 3, 3, 0).passed);
}

TEST(PollThresholdTest, AbstentionsCountForQuorumButNotForTheThreshold) {
  // 10 eligible, quorum 1/2: 2 agree + 3 abstain = 5 voters, quorum met;
  // 2 of 2 decided agree.
  PollResults r = agreement_result({1, 1}, {1, 2}, 2, 0, 0, 3);
  EXPECT_TRUE(r.quorum_met);
  EXPECT_EQ(r.abstentions, 3u);
  EXPECT_EQ(r.voters, 5u);
  EXPECT_TRUE(r.passed);
}

TEST(PollThresholdTest, QuorumIsMetExactlyAtItsShareAndNotOneVoterShort) {
  PollResults at = agreement_result({1, 2}, {3, 5}, 6, 0, 0, 0, 10);
  EXPECT_TRUE(at.quorum_met);
  EXPECT_TRUE(at.passed);
  PollResults short_one = agreement_result({1, 2}, {3, 5}, 5, 0, 0, 0, 10);
  EXPECT_FALSE(short_one.quorum_met);
  EXPECT_FALSE(short_one.passed);
}

TEST(PollThresholdTest, AllAbstainingNeverPasses) {
  PollResults r = agreement_result({1, 100}, {0, 1}, 0, 0, 0, 4);
  EXPECT_TRUE(r.quorum_met);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.abstentions, 4u);
}

TEST(PollThresholdTest, ZeroVotesNeverPassEvenWithoutAQuorum) {
  PollResults r = agreement_result({1, 100}, {0, 1}, 0, 0, 0, 0, 0);
  EXPECT_TRUE(r.quorum_met);
  EXPECT_FALSE(r.passed);
  Poll p = created(single_choice());
  PollResults s = p.results(0, kT0 + 1);
  EXPECT_EQ(s.voters, 0u);
  EXPECT_FALSE(s.passed);
  EXPECT_EQ(s.winner, std::nullopt);
  EXPECT_FALSE(s.by_group.withheld);
  EXPECT_TRUE(s.by_group.groups.empty());
}

TEST(PollThresholdTest, SingleChoicePassesWhenTheUniqueLeaderReachesTheThreshold) {
  PollDefinition d = single_choice();
  d.threshold = {1, 2};
  Poll p = created(d);
  cast_ok(p, vote("a", {1}));
  cast_ok(p, vote("b", {1}));
  cast_ok(p, vote("c", {0}));
  cast_ok(p, vote("d", {2}));
  PollResults r = p.results(4, kT0 + 2);
  EXPECT_EQ(r.winner, 1u);
  EXPECT_FALSE(r.tied);
  EXPECT_TRUE(r.options[1].meets_threshold);  // 2 of 4 = 1/2
  EXPECT_FALSE(r.options[0].meets_threshold);
  EXPECT_TRUE(r.passed);
}

TEST(PollThresholdTest, SingleChoiceTieAtTheTopGoesToTheEarlierOptionButDoesNotPass) {
  Poll p = created(single_choice());
  cast_ok(p, vote("a", {2}));
  cast_ok(p, vote("b", {1}));
  PollResults r = p.results(2, kT0 + 2);
  EXPECT_EQ(r.winner, 1u);
  EXPECT_TRUE(r.tied);
  EXPECT_TRUE(r.options[1].meets_threshold);
  EXPECT_TRUE(r.options[2].meets_threshold);
  EXPECT_FALSE(r.passed);
}

TEST(PollThresholdTest, MultipleChoicePassesWhenAnyOptionReachesTheThreshold) {
  PollDefinition d = single_choice({"A", "B", "C"});
  d.kind = PollKind::kMultipleChoice;
  d.threshold = {3, 4};
  Poll p = created(d);
  cast_ok(p, vote("a", {0, 1}));
  cast_ok(p, vote("b", {1, 2}));
  cast_ok(p, vote("c", {1}));
  cast_ok(p, vote("d", {0, 1, 2}));
  PollResults r = p.results(4, kT0 + 2);
  EXPECT_EQ(votes_of(r), (std::vector<uint64_t>{2, 4, 2}));
  EXPECT_TRUE(r.options[1].meets_threshold);
  EXPECT_FALSE(r.options[0].meets_threshold);
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.winner, 1u);
}

// ---------------------------------------------------------------------------
// Ranking

TEST(PollRankingTest, BordaGivesPointsByPositionAndNothingToUnrankedOptions) {
  Poll p = created(ranking(RankingMethod::kBorda));  // 4 options: 3, 2, 1, 0 points
  cast_ok(p, vote("a", {0, 1, 2, 3}));
  cast_ok(p, vote("b", {2, 0}));
  cast_ok(p, vote("c", {3}));
  PollResults r = p.results(3, kT0 + 2);
  EXPECT_EQ(points_of(r), (std::vector<uint64_t>{3 + 2, 2, 1 + 3, 3}));
  EXPECT_EQ(votes_of(r), (std::vector<uint64_t>{1, 0, 1, 1}));  // first preferences
  EXPECT_EQ(r.winner, 0u);
  EXPECT_FALSE(r.tied);
  // 5 of the 9 points the winner could have had (3 voters × 3) ≥ 1/2.
  EXPECT_TRUE(r.passed);
  EXPECT_TRUE(r.rounds.empty());
}

TEST(PollRankingTest, BordaTieGoesToTheEarlierOptionAndDoesNotPass) {
  Poll p = created(ranking(RankingMethod::kBorda, {"A", "B"}));
  cast_ok(p, vote("a", {1, 0}));
  cast_ok(p, vote("b", {0, 1}));
  PollResults r = p.results(2, kT0 + 2);
  EXPECT_EQ(points_of(r), (std::vector<uint64_t>{1, 1}));
  EXPECT_EQ(r.winner, 0u);
  EXPECT_TRUE(r.tied);
  EXPECT_FALSE(r.passed);
}

TEST(PollRankingTest, InstantRunoffTransfersTheEliminatedOptionsBallots) {
  Poll p = created(ranking(RankingMethod::kInstantRunoff, {"A", "B", "C"}));
  // A 4, B 3, C 2 → C out, its ballots go to B → B 5 of 9.
  for (int i = 0; i < 4; ++i) cast_ok(p, vote(id("a", i), {0, 1}));
  for (int i = 0; i < 3; ++i) cast_ok(p, vote(id("b", i), {1}));
  for (int i = 0; i < 2; ++i) cast_ok(p, vote(id("c", i), {2, 1, 0}));
  PollResults r = p.results(9, kT0 + 2);
  ASSERT_EQ(r.rounds.size(), 2u);
  EXPECT_EQ(r.rounds[0].votes, (std::vector<uint64_t>{4, 3, 2}));
  EXPECT_EQ(r.rounds[0].eliminated, 2u);
  EXPECT_EQ(r.rounds[0].tie_break, TieBreak::kNone);
  EXPECT_EQ(r.rounds[1].votes, (std::vector<uint64_t>{4, 5, 0}));
  EXPECT_EQ(r.rounds[1].continuing, (std::vector<bool>{true, true, false}));
  EXPECT_EQ(r.rounds[1].eliminated, std::nullopt);
  EXPECT_EQ(r.winner, 1u);
  EXPECT_FALSE(r.tied);
  EXPECT_TRUE(r.passed);
}

TEST(PollRankingTest, InstantRunoffExhaustedBallotsLeaveTheCount) {
  Poll p = created(ranking(RankingMethod::kInstantRunoff, {"A", "B", "C"}));
  // A 3, B 2, C 2 (ranking only C). C and B tie for fewest with no earlier
  // round: C, listed last, goes; its ballots are exhausted. A then has 3 of
  // the 5 continuing ballots: a majority of those, though not of all 7.
  for (int i = 0; i < 3; ++i) cast_ok(p, vote(id("a", i), {0}));
  for (int i = 0; i < 2; ++i) cast_ok(p, vote(id("b", i), {1}));
  for (int i = 0; i < 2; ++i) cast_ok(p, vote(id("c", i), {2}));
  PollResults r = p.results(7, kT0 + 2);
  ASSERT_EQ(r.rounds.size(), 2u);
  EXPECT_EQ(r.rounds[0].eliminated, 2u);
  EXPECT_EQ(r.rounds[0].tie_break, TieBreak::kOptionOrder);
  EXPECT_EQ(r.rounds[1].exhausted_ballots, 2u);
  EXPECT_EQ(r.rounds[1].continuing_ballots, 5u);
  EXPECT_EQ(r.winner, 0u);
  EXPECT_FALSE(r.tied);  // the order decided a third place, not the winner
  EXPECT_TRUE(r.passed);
}

TEST(PollRankingTest, InstantRunoffTieForFewestIsBrokenByTheLatestEarlierRoundWhereTheyDiffer) {
  Poll p = created(ranking(RankingMethod::kInstantRunoff, {"A", "B", "C", "D"}));
  // Round 1: A 5, B 4, C 3, D 1 (13). D out → its ballot goes to C.
  // Round 2: A 5, B 4, C 4. B and C tie; in round 1 C had fewer → C out.
  int i = 0;
  auto add = [&](int count, std::vector<uint32_t> choices) {
    for (int k = 0; k < count; ++k) cast_ok(p, vote(id("v", i++), choices));
  };
  add(5, {0});
  add(4, {1, 0});
  add(3, {2, 1});
  add(1, {3, 2});
  PollResults r = p.results(13, kT0 + 2);
  ASSERT_EQ(r.rounds.size(), 3u);
  EXPECT_EQ(r.rounds[0].eliminated, 3u);
  EXPECT_EQ(r.rounds[1].votes, (std::vector<uint64_t>{5, 4, 4, 0}));
  EXPECT_EQ(r.rounds[1].eliminated, 2u);
  EXPECT_EQ(r.rounds[1].tie_break, TieBreak::kEarlierRound);
  // C's own 3 ballots go to B; the one that came from D is exhausted.
  EXPECT_EQ(r.rounds[2].votes, (std::vector<uint64_t>{5, 7, 0, 0}));
  EXPECT_EQ(r.rounds[2].exhausted_ballots, 1u);
  EXPECT_EQ(r.winner, 1u);
  EXPECT_FALSE(r.tied);
}

TEST(PollRankingTest, InstantRunoffFinalPairTiedInEveryRoundIsDecidedByOrderAndDoesNotPass) {
  Poll p = created(ranking(RankingMethod::kInstantRunoff, {"A", "B", "C"}));
  cast_ok(p, vote("a1", {0}));
  cast_ok(p, vote("a2", {0}));
  cast_ok(p, vote("b1", {1}));
  cast_ok(p, vote("b2", {1}));
  PollResults r = p.results(4, kT0 + 2);
  // Round 1: C (0 votes) out; round 2: A 2, B 2, tied throughout → B out.
  ASSERT_EQ(r.rounds.size(), 3u);
  EXPECT_EQ(r.rounds[0].eliminated, 2u);
  EXPECT_EQ(r.rounds[1].eliminated, 1u);
  EXPECT_EQ(r.rounds[1].tie_break, TieBreak::kOptionOrder);
  EXPECT_EQ(r.winner, 0u);
  EXPECT_TRUE(r.tied);
  EXPECT_FALSE(r.passed);
}

TEST(PollRankingTest, InstantRunoffWithoutBallotsHasOneEmptyRoundAndNoWinner) {
  Poll p = created(ranking(RankingMethod::kInstantRunoff));
  PollResults r = p.results(4, kT0 + 2);
  ASSERT_EQ(r.rounds.size(), 1u);
  EXPECT_EQ(r.rounds[0].continuing_ballots, 0u);
  EXPECT_EQ(r.winner, std::nullopt);
  EXPECT_FALSE(r.passed);
}

// ---------------------------------------------------------------------------
// Breakdown: no group of 1 or 2 voters is ever shown

struct Voter {
  std::string group;
  std::string gender;
};

PollResults results_with(const std::vector<Voter>& voters, PollDefinition def = agreement()) {
  Poll p = created(def);
  for (size_t i = 0; i < voters.size(); ++i) {
    cast_ok(p, vote(id("v", i), {static_cast<uint32_t>(i % 3)}, voters[i].group, voters[i].gender));
  }
  return p.results(voters.size(), kT0 + 2);
}

void expect_sums_right(const PollResults& r, const Breakdown& b) {
  if (b.withheld) {
    EXPECT_TRUE(b.groups.empty());
    EXPECT_LT(r.voters, 3u);
    return;
  }
  uint64_t voters = 0;
  std::vector<uint64_t> votes(r.options.size(), 0);
  for (const GroupResult& g : b.groups) {
    EXPECT_GE(g.voters, 3u) << g.label;
    voters += g.voters;
    for (size_t i = 0; i < votes.size(); ++i) votes[i] += g.votes[i];
  }
  EXPECT_EQ(voters, r.voters);
  EXPECT_EQ(votes, votes_of(r));
}

TEST(PollBreakdownTest, AGroupOfThreeIsShown) {
  PollResults r = results_with({{"academia", "f"}, {"academia", "f"}, {"academia", "m"}, {"media", "m"},
                                {"media", "m"}, {"media", "f"}});
  EXPECT_EQ(sizes(r.by_group), (std::map<std::string, uint64_t>{{"academia", 3}, {"media", 3}}));
  EXPECT_EQ(sizes(r.by_gender), (std::map<std::string, uint64_t>{{"f", 3}, {"m", 3}}));
  EXPECT_EQ(r.by_group.groups[0].votes, (std::vector<uint64_t>{1, 1, 1, 0}));
  expect_sums_right(r, r.by_group);
}

TEST(PollBreakdownTest, GroupsOfOneAndTwoAreMergedIntoOther) {
  PollResults r = results_with({{"academia", "f"}, {"academia", "f"}, {"academia", "f"}, {"media", "f"},
                                {"government", "m"}, {"government", "m"}});
  EXPECT_EQ(sizes(r.by_group), (std::map<std::string, uint64_t>{{"academia", 3}, {"other", 3}}));
  EXPECT_EQ(r.by_group.groups.back().label, "other");
  // Gender: m has 2 → "other" with 2, so the smallest shown group (f, 4) joins it.
  EXPECT_EQ(sizes(r.by_gender), (std::map<std::string, uint64_t>{{"other", 6}}));
  expect_sums_right(r, r.by_group);
  expect_sums_right(r, r.by_gender);
}

TEST(PollBreakdownTest, OtherWithOneOrTwoVotersTakesInTheSmallestShownGroup) {
  // academia 4, civil society 3, users 3, media 1: media alone would be
  // "other" with 1, so the smallest shown group joins it — civil society and
  // users both have 3; "users" sorts last and goes.
  std::vector<Voter> v;
  for (int i = 0; i < 4; ++i) v.push_back({"academia", ""});
  for (int i = 0; i < 3; ++i) v.push_back({"civil society", ""});
  for (int i = 0; i < 3; ++i) v.push_back({"users", ""});
  v.push_back({"media", ""});
  PollResults r = results_with(v);
  EXPECT_EQ(sizes(r.by_group),
            (std::map<std::string, uint64_t>{{"academia", 4}, {"civil society", 3}, {"other", 4}}));
  // Nobody stated a gender: one group of 11, shown as "not stated".
  EXPECT_EQ(sizes(r.by_gender), (std::map<std::string, uint64_t>{{"not stated", 11}}));
  expect_sums_right(r, r.by_group);
}

TEST(PollBreakdownTest, VotersRegisteredAsOtherShareTheMergedGroup) {
  PollResults r = results_with({{"other", ""}, {"media", ""}, {"media", ""}, {"academia", ""}, {"academia", ""},
                                {"academia", ""}});
  EXPECT_EQ(sizes(r.by_group), (std::map<std::string, uint64_t>{{"academia", 3}, {"other", 3}}));
  // A registered "other" of 1 alone is not shown either.
  PollResults alone = results_with({{"other", ""}, {"academia", ""}, {"academia", ""}, {"academia", ""}});
  EXPECT_EQ(sizes(alone.by_group), (std::map<std::string, uint64_t>{{"other", 4}}));
}

TEST(PollBreakdownTest, FewerThanThreeVotersWithholdTheBreakdown) {
  for (size_t n : {1u, 2u}) {
    SCOPED_TRACE(n);
    std::vector<Voter> v(n, Voter{"academia", "female"});
    PollResults r = results_with(v);
    EXPECT_TRUE(r.by_group.withheld);
    EXPECT_TRUE(r.by_group.groups.empty());
    EXPECT_TRUE(r.by_gender.withheld);
    EXPECT_EQ(r.voters, n);  // the totals are still there
    EXPECT_EQ(sum(votes_of(r)), n);
  }
  PollResults three = results_with({{"academia", "f"}, {"media", "m"}, {"users", ""}});
  EXPECT_FALSE(three.by_group.withheld);
  EXPECT_EQ(sizes(three.by_group), (std::map<std::string, uint64_t>{{"other", 3}}));
}

TEST(PollBreakdownTest, BordaBreakdownCarriesPointsPerGroup) {
  PollDefinition d = ranking(RankingMethod::kBorda, {"A", "B"});
  Poll p = created(d);
  for (int i = 0; i < 3; ++i) cast_ok(p, vote(id("x", i), {0, 1}, "academia"));
  for (int i = 0; i < 3; ++i) cast_ok(p, vote(id("y", i), {1}, "media"));
  PollResults r = p.results(6, kT0 + 2);
  ASSERT_EQ(r.by_group.groups.size(), 2u);
  EXPECT_EQ(r.by_group.groups[0].points, (std::vector<uint64_t>{3, 0}));
  EXPECT_EQ(r.by_group.groups[1].points, (std::vector<uint64_t>{0, 3}));
}

// ---------------------------------------------------------------------------
// Who sees what

TEST(PollVisibilityTest, HiddenResultsAreHiddenFromEveryoneUntilTheChairCloses) {
  PollDefinition d = agreement();
  d.results_hidden_until_closed = true;
  Poll p = created(d);
  cast_ok(p, vote("ana", {kAgree}));
  cast_ok(p, vote("bob", {kDisagree}));
  PollView open = p.view(5, kT0 + 2);
  EXPECT_TRUE(open.open);
  EXPECT_EQ(open.voters, 2u);  // turnout is visible, choices are not
  EXPECT_EQ(open.results, std::nullopt);
  EXPECT_EQ(p.named_ballots(kT0 + 2), std::nullopt);
  ASSERT_TRUE(p.close(kT0 + 3).ok());
  PollView closed = p.view(5, kT0 + 3);
  EXPECT_FALSE(closed.open);
  ASSERT_TRUE(closed.results.has_value());
  EXPECT_TRUE(closed.results->closed);
  EXPECT_EQ(votes_of(*closed.results), (std::vector<uint64_t>{1, 0, 1, 0}));
  ASSERT_TRUE(p.named_ballots(kT0 + 3).has_value());
  EXPECT_EQ(p.named_ballots(kT0 + 3)->size(), 2u);
}

TEST(PollVisibilityTest, HiddenResultsAppearAtTheClosingTimeWithoutACloseEvent) {
  PollDefinition d = agreement();
  d.results_hidden_until_closed = true;
  d.closes_at_unix_ms = kT0 + 100;
  Poll p = created(d);
  cast_ok(p, vote("ana", {kAgree}));
  EXPECT_EQ(p.view(5, kT0 + 99).results, std::nullopt);
  PollView after = p.view(5, kT0 + 100);
  EXPECT_FALSE(after.open);
  ASSERT_TRUE(after.results.has_value());
  EXPECT_TRUE(after.results->closed);
}

TEST(PollVisibilityTest, LiveResultsAreVisibleWhileOpenAndMarkedProvisional) {
  Poll p = created(agreement());
  cast_ok(p, vote("ana", {kAgree}));
  PollView v = p.view(1, kT0 + 2);
  ASSERT_TRUE(v.results.has_value());
  EXPECT_FALSE(v.results->closed);
  EXPECT_TRUE(v.results->passed);
}

TEST(PollVisibilityTest, AnAnonymousPollNeverNamesItsVoters) {
  PollDefinition d = agreement();
  d.anonymous = true;
  Poll p = created(d);
  cast_ok(p, vote("ana", {kAgree}));
  ASSERT_TRUE(p.close(kT0 + 2).ok());
  EXPECT_EQ(p.named_ballots(kT0 + 2), std::nullopt);
  // PollView / PollResults have no field that could hold a voter id; the
  // audit view, for the operator, does.
  PollAudit audit = p.audit(1, kT0 + 2);
  ASSERT_EQ(audit.ballots.size(), 1u);
  EXPECT_EQ(audit.ballots[0].voter_id, "ana");
  EXPECT_EQ(audit.closed_at_unix_ms, kT0 + 2);
}

TEST(PollVisibilityTest, ANamedPollShowsWhoVotedWhatInVoterIdOrder) {
  Poll p = created(single_choice());
  cast_ok(p, vote("zhanar", {2}));
  cast_ok(p, vote("aigerim", {0}));
  std::optional<std::vector<NamedBallot>> named = p.named_ballots(kT0 + 2);
  ASSERT_TRUE(named.has_value());
  EXPECT_EQ(*named, (std::vector<NamedBallot>{{"aigerim", {0}}, {"zhanar", {2}}}));
}

// ---------------------------------------------------------------------------
// The tally against a brute-force count on seeded random ballots

const std::vector<std::string> kGroups = {"academia", "government", "media", "civil society", "other", ""};
const std::vector<std::string> kGenders = {"female", "male", "", "non-binary"};

// Written without looking at poll.cc: the most direct reading of the rules
// in engine/README.md.
struct BruteForce {
  const PollDefinition& def;
  std::vector<Ballot> ballots;
  uint64_t eligible;

  size_t n() const { return option_labels(def).size(); }
  static bool at_least(uint64_t part, uint64_t whole, Ratio r) { return part * r.den >= uint64_t{r.num} * whole; }

  std::vector<uint64_t> votes(const std::vector<Ballot>& bs) const {
    std::vector<uint64_t> out(n(), 0);
    for (size_t i = 0; i < n(); ++i) {
      for (const Ballot& b : bs) {
        bool counts = def.kind == PollKind::kMultipleChoice
                          ? std::find(b.choices.begin(), b.choices.end(), i) != b.choices.end()
                          : b.choices.front() == i;
        if (counts) ++out[i];
      }
    }
    return out;
  }

  std::vector<uint64_t> points(const std::vector<Ballot>& bs) const {
    std::vector<uint64_t> out(n(), 0);
    for (size_t i = 0; i < n(); ++i) {
      for (const Ballot& b : bs) {
        auto at = std::find(b.choices.begin(), b.choices.end(), i);
        if (at != b.choices.end()) out[i] += n() - 1 - static_cast<size_t>(at - b.choices.begin());
      }
    }
    return out;
  }

  // Leader by measure, ties to the earlier option; tied if another equals it.
  static std::pair<uint32_t, bool> leader(const std::vector<uint64_t>& m) {
    std::vector<uint32_t> order(m.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return m[a] > m[b]; });
    return {order[0], m[order[1]] == m[order[0]]};
  }

  // Instant-runoff: the rounds' vote vectors, the eliminated, the winner, tied.
  struct Irv {
    std::vector<std::vector<uint64_t>> rounds;
    std::vector<uint32_t> eliminated;
    std::optional<uint32_t> winner;
    bool tied = false;
    uint64_t winner_votes = 0, continuing = 0;
  };
  Irv runoff() const {
    Irv out;
    std::set<uint32_t> gone;
    std::vector<bool> order_decided;
    while (true) {
      std::vector<uint64_t> count(n(), 0);
      uint64_t total = 0;
      for (const Ballot& b : ballots) {
        for (uint32_t c : b.choices) {
          if (!gone.count(c)) {
            ++count[c];
            ++total;
            break;
          }
        }
      }
      out.rounds.push_back(count);
      if (total == 0) return out;
      for (uint32_t i = 0; i < n(); ++i) {
        if (!gone.count(i) && 2 * count[i] > total) {
          out.winner = i;
          out.winner_votes = count[i];
          out.continuing = total;
          // Tied: the previous round had exactly two continuing options
          // and option order eliminated one of them.
          out.tied = !order_decided.empty() && order_decided.back() && n() - gone.size() + 1 == 2;
          return out;
        }
      }
      // Candidates: continuing options with the fewest votes, filtered back
      // through the rounds (this one included, which changes nothing).
      std::vector<uint32_t> cand;
      for (uint32_t i = 0; i < n(); ++i) {
        if (!gone.count(i)) cand.push_back(i);
      }
      for (size_t k = out.rounds.size(); k-- > 0 && cand.size() > 1;) {
        uint64_t low = UINT64_MAX;
        for (uint32_t c : cand) low = std::min(low, out.rounds[k][c]);
        std::vector<uint32_t> keep;
        for (uint32_t c : cand) {
          if (out.rounds[k][c] == low) keep.push_back(c);
        }
        cand = keep;
      }
      order_decided.push_back(cand.size() > 1);
      uint32_t out_option = *std::max_element(cand.begin(), cand.end());
      gone.insert(out_option);
      out.eliminated.push_back(out_option);
    }
  }

  // Group sizes after suppression, or nullopt when withheld.
  std::optional<std::map<std::string, uint64_t>> breakdown(std::string Ballot::*field) const {
    std::map<std::string, uint64_t> count;
    for (const Ballot& b : ballots) count[(b.*field).empty() ? "not stated" : b.*field]++;
    std::map<std::string, uint64_t> shown;
    uint64_t other = 0;
    for (const auto& [label, c] : count) {
      if (label == "other" || c < 3) {
        other += c;
      } else {
        shown[label] = c;
      }
    }
    if (other == 1 || other == 2) {
      if (shown.empty()) return std::nullopt;
      auto smallest = shown.begin();
      for (auto it = shown.begin(); it != shown.end(); ++it) {
        if (it->second <= smallest->second) smallest = it;  // ties: the later label
      }
      other += smallest->second;
      shown.erase(smallest);
    }
    if (other > 0) shown["other"] = other;
    return shown;
  }
};

CastBallot random_ballot(testing::Rng& rng, const PollDefinition& def, const std::string& voter) {
  size_t n = option_labels(def).size();
  std::vector<uint32_t> all(n);
  for (uint32_t i = 0; i < n; ++i) all[i] = i;
  for (size_t i = n; i > 1; --i) std::swap(all[i - 1], all[rng.below(i)]);  // shuffle
  size_t k = 1;
  if (def.kind == PollKind::kMultipleChoice) k = rng.between(1, def.max_choices ? def.max_choices : n);
  if (def.kind == PollKind::kRanking) k = rng.between(1, n);
  all.resize(k);
  return vote(voter, all, kGroups[rng.below(kGroups.size())], kGenders[rng.below(kGenders.size())]);
}

// A ballot that is wrong for the poll in one of several ways.
CastBallot invalid_ballot(testing::Rng& rng, const PollDefinition& def, const std::string& voter) {
  CastBallot b = random_ballot(rng, def, voter);
  size_t n = option_labels(def).size();
  switch (rng.below(4)) {
    case 0: b.choices.push_back(static_cast<uint32_t>(n + rng.below(3))); break;
    case 1: b.choices.push_back(b.choices.front()); break;
    case 2: b.choices.clear(); break;
    default: b.role = Role::kObserver; break;
  }
  return b;
}

PollDefinition random_definition(testing::Rng& rng) {
  PollDefinition d;
  d.kind = static_cast<PollKind>(rng.below(4));
  d.question = "Вопрос?";
  if (d.kind != PollKind::kAgreement) {
    size_t n = rng.between(2, 6);
    for (size_t i = 0; i < n; ++i) d.options.push_back(id("option ", i));
  }
  if (d.kind == PollKind::kMultipleChoice && rng.chance(1, 2)) d.max_choices = static_cast<uint32_t>(rng.between(1, d.options.size()));
  d.ranking_method = rng.chance(1, 2) ? RankingMethod::kBorda : RankingMethod::kInstantRunoff;
  uint32_t den = static_cast<uint32_t>(rng.between(1, 10));
  d.threshold = {static_cast<uint32_t>(rng.between(1, den)), den};
  uint32_t qden = static_cast<uint32_t>(rng.between(1, 10));
  d.quorum = {static_cast<uint32_t>(rng.below(qden + 1)), qden};
  d.eligible_roles = {Role::kMember, Role::kResearcher, Role::kChair};
  return d;
}

TEST(PollTallyTest, EveryKindMatchesABruteForceTallyOnRandomBallots) {
  for (uint64_t seed : testing::test_seeds(600)) {
    testing::Rng rng(seed);
    PollDefinition def = random_definition(rng);
    SCOPED_TRACE(testing::seed_note(seed) + ", " + std::string(poll_kind_name(def.kind)) + " " +
                 std::string(ranking_method_name(def.ranking_method)));
    Poll poll = created(def);
    size_t population = rng.between(0, 25);
    std::map<std::string, Ballot> model;  // the last accepted ballot per voter
    size_t events = rng.between(0, 80);
    for (size_t e = 0; e < events && population > 0; ++e) {
      std::string voter = id("voter-", rng.below(population));
      int64_t at = kT0 + 1 + static_cast<int64_t>(e);
      uint64_t what = rng.below(10);
      if (what < 7) {
        CastBallot b = random_ballot(rng, def, voter);
        ASSERT_TRUE(poll.cast(b, at).ok());
        model[voter] = Ballot{voter, b.role, b.stakeholder_group, b.gender, b.choices, at};
      } else if (what < 8) {
        ASSERT_FALSE(poll.cast(invalid_ballot(rng, def, voter), at).ok());
      } else {
        Status s = poll.retract(voter, at);
        EXPECT_EQ(s.ok(), model.erase(voter) == 1) << s.to_string();
      }
    }
    BruteForce bf{def, {}, population + rng.below(5)};
    for (const auto& [voter, b] : model) bf.ballots.push_back(b);
    const uint64_t voters = bf.ballots.size();
    PollResults r = poll.results(bf.eligible, kT0 + 1000);

    ASSERT_EQ(r.voters, voters);
    std::vector<Ballot> audit = poll.audit(bf.eligible, kT0 + 1000).ballots;
    EXPECT_EQ(audit, bf.ballots);
    std::vector<uint64_t> votes = bf.votes(bf.ballots);
    EXPECT_EQ(votes_of(r), votes);
    bool quorum = BruteForce::at_least(voters, bf.eligible, def.quorum);
    EXPECT_EQ(r.quorum_met, quorum);

    bool passed = false;
    std::optional<uint32_t> winner;
    bool tied = false;
    switch (def.kind) {
      case PollKind::kAgreement: {
        uint64_t decided = voters - votes[kAbstain];
        passed = quorum && decided > 0 && BruteForce::at_least(votes[kAgree] + votes[kAgreeWithReservations], decided, def.threshold);
        EXPECT_EQ(r.abstentions, votes[kAbstain]);
        break;
      }
      case PollKind::kSingleChoice:
      case PollKind::kMultipleChoice: {
        if (voters > 0) std::tie(winner, tied) = BruteForce::leader(votes);
        for (size_t i = 0; i < votes.size(); ++i) {
          bool meets = quorum && voters > 0 && BruteForce::at_least(votes[i], voters, def.threshold);
          EXPECT_EQ(r.options[i].meets_threshold, meets) << "option " << i;
          if (def.kind == PollKind::kMultipleChoice) passed = passed || meets;
        }
        if (def.kind == PollKind::kSingleChoice) {
          passed = quorum && winner && !tied && BruteForce::at_least(votes[*winner], voters, def.threshold);
        }
        break;
      }
      case PollKind::kRanking:
        if (def.ranking_method == RankingMethod::kBorda) {
          std::vector<uint64_t> points = bf.points(bf.ballots);
          EXPECT_EQ(points_of(r), points);
          if (voters > 0) std::tie(winner, tied) = BruteForce::leader(points);
          passed = quorum && winner && !tied &&
                   BruteForce::at_least(points[*winner], voters * (bf.n() - 1), def.threshold);
        } else {
          BruteForce::Irv irv = bf.runoff();
          ASSERT_EQ(r.rounds.size(), irv.rounds.size());
          for (size_t k = 0; k < irv.rounds.size(); ++k) {
            EXPECT_EQ(r.rounds[k].votes, irv.rounds[k]) << "round " << k;
            if (k < irv.eliminated.size()) {
              EXPECT_EQ(r.rounds[k].eliminated, irv.eliminated[k]) << "round " << k;
            }
            EXPECT_EQ(r.rounds[k].continuing_ballots + r.rounds[k].exhausted_ballots, voters);
          }
          winner = irv.winner;
          tied = irv.tied;
          passed = quorum && winner && !tied && BruteForce::at_least(irv.winner_votes, irv.continuing, def.threshold);
        }
        break;
    }
    EXPECT_EQ(r.winner, winner);
    EXPECT_EQ(r.tied, tied);
    EXPECT_EQ(r.passed, passed);

    for (auto field : {&Ballot::stakeholder_group, &Ballot::gender}) {
      const Breakdown& b = field == &Ballot::gender ? r.by_gender : r.by_group;
      std::optional<std::map<std::string, uint64_t>> expected = bf.breakdown(field);
      if (!expected) {
        EXPECT_TRUE(b.withheld);
      } else {
        EXPECT_EQ(sizes(b), *expected);
      }
      expect_sums_right(r, b);
      // Each group's totals are the brute-force totals of its members.
      for (const GroupResult& g : b.groups) {
        std::vector<Ballot> members;
        std::set<std::string> shown_labels;
        for (const GroupResult& other : b.groups) shown_labels.insert(other.label);
        for (const Ballot& ballot : bf.ballots) {
          std::string label = (ballot.*field).empty() ? "not stated" : ballot.*field;
          bool in_other = !shown_labels.count(label) || label == "other";
          if (label == g.label || (g.label == "other" && in_other)) members.push_back(ballot);
        }
        EXPECT_EQ(g.votes, bf.votes(members)) << g.label;
        if (def.kind == PollKind::kRanking && def.ranking_method == RankingMethod::kBorda) {
          EXPECT_EQ(g.points, bf.points(members)) << g.label;
        }
      }
    }
  }
}

}  // namespace
}  // namespace kenes::engine
