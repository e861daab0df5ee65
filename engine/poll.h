#pragma once

// Polls: the definition, the state folded from the log's poll events, and the
// tally. Pure: the caller hands in every time ("now", the record's time) and
// the number of eligible voters; nothing here reads a clock or a roster.
// engine/README.md, "Polls", states every rule in prose: what passes, how
// ties are broken, how small groups are suppressed, who sees what when.
//
// Anonymity is enforced by types. `PollResults` — the only thing a
// participant-facing path should need — has no field that can hold a voter
// id. Voter ids appear only in `NamedBallot` (produced for named polls alone)
// and in `PollAudit` (the operator's view of every ballot, named or not).
//
// Thread-safety: plain values; a Poll is not synchronised (one room, one
// strand applies its log).

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/status.h"

namespace kenes::engine {

enum class PollKind : uint8_t {
  kSingleChoice,    // exactly one option
  kMultipleChoice,  // one or more distinct options, at most max_choices
  kAgreement,       // a validation statement: one of the four AgreementChoice
  kRanking,         // one or more distinct options in order of preference
};
std::string_view poll_kind_name(PollKind kind);

enum class RankingMethod : uint8_t {
  kBorda,          // points by position; unranked options score 0
  kInstantRunoff,  // rounds of eliminating the option with fewest first preferences
};
std::string_view ranking_method_name(RankingMethod method);

// The four answers of an agreement poll, as option indices. Do not change the
// numbers: they are what a stored CastBallot of an agreement poll holds.
enum AgreementChoice : uint32_t {
  kAgree = 0,
  kAgreeWithReservations = 1,
  kDisagree = 2,
  kAbstain = 3,
};
// The agreement poll's option labels, in index order: "agree",
// "agree with reservations", "disagree", "abstain". Keys, not UI text: the
// client translates them.
const std::vector<std::string>& agreement_labels();

// Consultation roles, as far as polls care. (The operator is not a
// participant and never votes.)
enum class Role : uint8_t { kChair, kResearcher, kMember, kObserver };
std::string_view role_name(Role role);

// A set of roles, e.g. who may vote. Do not change the bit values: the log
// stores them.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= bit(r);
  }
  static constexpr RoleSet from_bits(uint8_t bits) { RoleSet s; s.bits_ = bits; return s; }
  constexpr uint8_t bits() const { return bits_; }
  constexpr bool contains(Role r) const { return (bits_ & bit(r)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  friend constexpr bool operator==(RoleSet, RoleSet) = default;

 private:
  static constexpr uint8_t bit(Role r) { return static_cast<uint8_t>(1u << static_cast<uint8_t>(r)); }
  uint8_t bits_ = 0;
};

// A share as an exact fraction, num/den. Thresholds and quorums compare by
// cross-multiplying integers, so "two thirds" ({2, 3}) is met by exactly 2
// votes of 3 — no floating-point rounding at the boundary.
struct Ratio {
  uint32_t num = 0;
  uint32_t den = 1;
  friend bool operator==(const Ratio&, const Ratio&) = default;
};

// The most options a poll may have, and the longest question or label (in
// bytes): bounds on what one create event can make the tally do and keep.
inline constexpr size_t kMaxPollOptions = 100;
inline constexpr size_t kMaxPollTextBytes = 4096;

struct PollDefinition {
  PollKind kind = PollKind::kSingleChoice;
  // The question, or for an agreement poll the validation statement.
  // Non-empty UTF-8.
  std::string question;
  // Option labels (non-empty, distinct UTF-8), 2 to kMaxPollOptions. Empty
  // for an agreement poll: the engine supplies agreement_labels().
  std::vector<std::string> options;
  // Multiple choice only: the most options one ballot may choose; 0 means
  // no limit. Must be 0 for the other kinds.
  uint32_t max_choices = 0;
  // Ranking only (ignored otherwise).
  RankingMethod ranking_method = RankingMethod::kBorda;
  // Anonymous: participants (the chair included) never see who voted what.
  bool anonymous = false;
  // Results hidden from everyone (the chair included) until the poll closes;
  // otherwise live.
  bool results_hidden_until_closed = false;
  // Who may vote. Not empty.
  RoleSet eligible_roles = {Role::kMember};
  // Share of eligible voters that must cast a ballot (abstentions count).
  // 0 <= num <= den.
  Ratio quorum = {0, 1};
  // Share needed to pass (see README "Polls"). 0 < num <= den.
  Ratio threshold = {1, 2};
  // When set, the poll is closed for any event at or after this time.
  // Must be later than the create event's time.
  std::optional<int64_t> closes_at_unix_ms;

  friend bool operator==(const PollDefinition&, const PollDefinition&) = default;
};

// OK, or kMalformed naming the first problem ("a single choice poll needs at
// least 2 options, got 1").
Status validate_poll_definition(const PollDefinition& def);

// The labels a poll's options have: def.options, or agreement_labels().
const std::vector<std::string>& option_labels(const PollDefinition& def);

// ---------------------------------------------------------------------------
// Events: one log record each, applied in log order by Poll::apply.

struct CreatePoll {
  PollDefinition definition;
};

// A ballot; a later one from the same voter replaces it while the poll is
// open. Group and gender are the voter's registration at the time of casting
// (free strings from the roster; "" means not stated).
struct CastBallot {
  std::string voter_id;
  Role role = Role::kMember;
  std::string stakeholder_group;
  std::string gender;
  // Option indices: one for single choice and agreement; distinct for
  // multiple choice; distinct and in order of preference for ranking.
  std::vector<uint32_t> choices;
};

struct RetractBallot {
  std::string voter_id;
};

// A manual close (the server checks that the sender is the chair).
struct ClosePoll {};

struct PollEvent {
  // The log record's time. The poll counts as closed for any event at or
  // after its closing time. The log's times must not decrease (the server
  // stamps a record with the later of its clock and the previous record's
  // time): the poll keeps no clock of its own, so an event stamped before an
  // earlier one would be judged by its own time.
  int64_t at_unix_ms = 0;
  std::variant<CreatePoll, CastBallot, RetractBallot, ClosePoll> body;
};

// A ballot as the poll keeps it.
struct Ballot {
  std::string voter_id;
  Role role = Role::kMember;
  std::string stakeholder_group;
  std::string gender;
  std::vector<uint32_t> choices;
  int64_t cast_at_unix_ms = 0;
  friend bool operator==(const Ballot&, const Ballot&) = default;
};

// ---------------------------------------------------------------------------
// Results. Nothing below PollResults can hold a voter id.

// The label small groups are merged under, and the label of an empty
// ("not stated") group or gender.
inline constexpr std::string_view kMergedGroupLabel = "other";
inline constexpr std::string_view kNotStatedLabel = "not stated";

struct GroupResult {
  std::string label;
  uint64_t voters = 0;
  // Per option, as PollResults::options[i].votes and .points.
  std::vector<uint64_t> votes;
  std::vector<uint64_t> points;  // Borda only; empty otherwise
  friend bool operator==(const GroupResult&, const GroupResult&) = default;
};

// Voters by stakeholder group (or by gender). Every group shown has at least
// 3 voters; smaller ones are merged into "other" (README "Polls"). When fewer
// than 3 voters voted at all, `withheld` is set and `groups` is empty.
struct Breakdown {
  std::vector<GroupResult> groups;  // by label, "other" last
  bool withheld = false;
  friend bool operator==(const Breakdown&, const Breakdown&) = default;
};

struct OptionResult {
  std::string label;
  // Single choice, agreement: ballots choosing it. Multiple choice: ballots
  // that include it. Ranking: ballots ranking it first.
  uint64_t votes = 0;
  // Borda only: the option's points; 0 otherwise.
  uint64_t points = 0;
  // Single and multiple choice: quorum met and votes / voters >= threshold.
  bool meets_threshold = false;
  friend bool operator==(const OptionResult&, const OptionResult&) = default;
};

// How an instant-runoff round chose whom to eliminate among options tied
// for the fewest votes.
enum class TieBreak : uint8_t {
  kNone,          // no tie
  kEarlierRound,  // the tied option with fewer votes in the latest earlier round where they differ
  kOptionOrder,   // tied in every round: the one listed last is eliminated
};

struct RunoffRound {
  // Per option: the continuing ballots whose highest continuing preference it
  // is; 0 for options already eliminated.
  std::vector<uint64_t> votes;
  std::vector<bool> continuing;
  uint64_t continuing_ballots = 0;
  uint64_t exhausted_ballots = 0;  // all of their ranked options eliminated
  // The option eliminated after this round; none in the last round.
  std::optional<uint32_t> eliminated;
  TieBreak tie_break = TieBreak::kNone;
  friend bool operator==(const RunoffRound&, const RunoffRound&) = default;
};

// The participant-facing results of a poll. No voter ids, by construction.
struct PollResults {
  PollKind kind = PollKind::kSingleChoice;
  RankingMethod ranking_method = RankingMethod::kBorda;
  std::vector<OptionResult> options;
  uint64_t voters = 0;          // ballots counted (abstentions included)
  uint64_t eligible = 0;        // as given by the caller
  uint64_t abstentions = 0;     // agreement only
  bool quorum_met = false;
  // The leading option (none for agreement polls and when nobody voted);
  // `tied` when it leads only by option order (or, for instant-runoff, the
  // final pair was separated only by option order). A tied poll never passes.
  std::optional<uint32_t> winner;
  bool tied = false;
  bool passed = false;          // provisional while the poll is open
  bool closed = false;
  std::vector<RunoffRound> rounds;  // instant-runoff only
  Breakdown by_group;
  Breakdown by_gender;
  friend bool operator==(const PollResults&, const PollResults&) = default;
};

// The tally itself, a pure function of the definition and the ballots (in
// any order). `def` must be valid and every ballot valid for it.
PollResults tally_poll(const PollDefinition& def, const std::vector<const Ballot*>& ballots, uint64_t eligible,
                       bool closed);

// What any participant may see of a poll at a time: turnout always, results
// only when they are visible.
struct PollView {
  bool open = false;
  uint64_t voters = 0;
  uint64_t eligible = 0;
  bool quorum_met = false;
  std::optional<PollResults> results;  // none while hidden until closed
  friend bool operator==(const PollView&, const PollView&) = default;
};

// Who voted what, for a named poll only.
struct NamedBallot {
  std::string voter_id;
  std::vector<uint32_t> choices;
  friend bool operator==(const NamedBallot&, const NamedBallot&) = default;
};

// Everything, voter ids included, whatever the poll's settings: for the
// operator and for audits, never for participants of an anonymous poll.
struct PollAudit {
  PollResults results;
  std::vector<Ballot> ballots;  // by voter id
  std::optional<int64_t> closed_at_unix_ms;
  friend bool operator==(const PollAudit&, const PollAudit&) = default;
};

// ---------------------------------------------------------------------------

// One poll's state, folded from its events in log order. Starts empty (not
// created); the first event must be CreatePoll. An event that is refused
// returns an error and leaves the state exactly as it was, so the server can
// apply first and log only what was accepted, and a replay of the log
// rebuilds the same state.
class Poll {
 public:
  Poll() = default;

  // The one door. Errors:
  //  - kMalformed: an invalid definition; an empty voter id; a ballot that does
  //    not fit the kind (option out of range, duplicates, too many or no
  //    choices, more than one choice for single choice or agreement);
  //  - kInvalidState: an event before CreatePoll, a second CreatePoll;
  //    retracting a ballot that does not exist;
  //  - kPollClosed: a ballot, retraction or close when the poll is closed;
  //  - kNotEligible: a voter whose role may not vote.
  Status apply(const PollEvent& event);

  // Shorthands that build the event and apply it.
  Status create(const PollDefinition& def, int64_t at_unix_ms);
  Status cast(const CastBallot& ballot, int64_t at_unix_ms);
  Status retract(std::string_view voter_id, int64_t at_unix_ms);
  Status close(int64_t at_unix_ms);

  // What cast(ballot, at) would return, without casting: the server checks a
  // ballot before logging it.
  Status check_ballot(const CastBallot& ballot, int64_t at_unix_ms) const;

  bool created() const { return created_; }
  const PollDefinition& definition() const { return def_; }
  // Created, not closed by hand, and `now` is before the closing time.
  bool is_open(int64_t now_unix_ms) const;
  // When the poll closed (by hand, or its closing time), if it has by `now`.
  std::optional<int64_t> closed_at(int64_t now_unix_ms) const;

  uint64_t voter_count() const { return ballots_.size(); }
  // The voter's current ballot, or null. For showing voters their own vote.
  const Ballot* ballot_of(std::string_view voter_id) const;

  // The tally now, whatever the visibility settings. For the server's own
  // decisions (a passed validation poll moves its indicator) and exports.
  PollResults results(uint64_t eligible, int64_t now_unix_ms) const;

  // What participants see: results respect "hidden until closed" — hidden
  // from every role, the chair included, so the whole room gets one and the
  // same message. The same for every viewer, so it takes no viewer.
  PollView view(uint64_t eligible, int64_t now_unix_ms) const;

  // Who voted what, visible on the same terms as the results; none for an
  // anonymous poll, ever.
  std::optional<std::vector<NamedBallot>> named_ballots(int64_t now_unix_ms) const;

  // The operator's and auditor's view: all ballots with voter ids.
  PollAudit audit(uint64_t eligible, int64_t now_unix_ms) const;

 private:
  bool open_at(int64_t t) const;
  bool results_visible(int64_t now_unix_ms) const;

  Status apply_create(const CreatePoll& e, int64_t at);
  Status apply_cast(const CastBallot& e, int64_t at);
  Status apply_retract(const RetractBallot& e, int64_t at);
  Status apply_close(int64_t at);

  bool created_ = false;
  PollDefinition def_;
  std::optional<int64_t> closed_by_hand_at_;
  std::map<std::string, Ballot, std::less<>> ballots_;
};

}  // namespace kenes::engine
