#pragma once

// Meeting minutes and the votes CSV as text, from plain values: the
// renderers are pure, like the report's. minutes_data.h fills MinutesData
// from the log; VotesData comes from assessment_export.h.
//
// The minutes are for people to read (issue 19): what changed in each draft
// as before/after passages with the changed words marked, each thread with
// its quoted passage and its comments, polls and decisions as sentences —
// in English, Russian or Kazakh (minutes_words.h). What people wrote (names,
// titles, drafts, comments) goes out as written.
//
// Privacy (issue 18): no one's stakeholder group or gender beside their
// name — those appear only as counts of at least 3 people; an anonymous
// poll's reservations carry no name.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "replay/report/i18n.h"
#include "replay/report/passage_diff.h"
#include "replay/report/report_data.h"

namespace kenes::report {

struct MinutesAttendee {
  std::string name;
  kenes::v1::Role role = kenes::v1::ROLE_UNSPECIFIED;
  kenes::v1::StakeholderGroup group = kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED;  // counted, never printed by the name
  std::string gender;  // "" not given; counted, never printed by the name
  int64_t joined_at_unix_ms = 0;
  std::optional<int64_t> left_at_unix_ms;
};

// What a document or a validation item is, so that each language can name
// it: an indicator ("R.1" and its title), a recommendation draft (its
// category and group), or anything else by its id.
struct MinutesSubject {
  std::string id;     // the indicator id, or the document id
  std::string title;  // an indicator's title; "" otherwise
  bool recommendation = false;
  std::string category;  // a recommendation's category id
  kenes::v1::StakeholderGroup group = kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED;
};

// One document changed during the meeting: what changed between its text at
// the meeting's start and at its end.
struct MinutesEdit {
  std::string doc_id;
  MinutesSubject subject;
  uint64_t from_version = 0;
  uint64_t to_version = 0;
  std::vector<std::string> authors;  // display names, in order of first edit
  int64_t first_edit_unix_ms = 0;
  int64_t last_edit_unix_ms = 0;
  PassageDiff changes;
};

// A thread's moment during the meeting (or its opening comment, whenever it
// was made).
struct MinutesThreadEntry {
  enum class Kind {
    kComment,
    kEarlierReplies,  // `count` replies made before the meeting, not shown
    kResolved,
    kReopened,
    kSuggestionAccepted,
    kSuggestionRejected,  // `text`: the reason, "" if none given
  };
  Kind kind = Kind::kComment;
  std::string by;  // display name
  int64_t at_unix_ms = 0;
  std::string text;  // a comment's words as they stood at the meeting's end; "" when removed
  enum class Removed { kNo, kDeleted, kHidden } removed = Removed::kNo;  // as of the export: never printed then
  std::string hidden_reason;
  std::size_t count = 0;
};

// A thread started, answered, resolved, reopened or decided during the meeting.
struct MinutesThread {
  std::string id;
  MinutesSubject subject;  // the indicator, or the document it is on
  std::string quote;       // the passage it is anchored to; "" for the indicator as a whole
  bool started_in_meeting = true;
  int64_t started_at_unix_ms = 0;
  // A suggestion: who proposed it and when, the proposed text ("" proposes
  // deleting the passage), and whether it was still open when the meeting
  // ended.
  bool suggestion = false;
  std::string suggested_by;
  int64_t suggested_at_unix_ms = 0;
  std::string replacement;
  bool suggestion_open_at_end = false;
  // The opening comment first (none when a suggestion came without words),
  // then in log order.
  std::vector<MinutesThreadEntry> entries;
};

struct MinutesPollOption {
  std::string label;  // as the poll's author wrote it; an agreement poll's by index (agreement_labels)
  uint64_t votes = 0;
  uint64_t points = 0;  // Borda only
};

// One group's line of a poll's breakdown.
struct MinutesPollGroup {
  enum class Kind {
    kStakeholderGroup,  // `group`
    kAsWritten,         // `label`: a gender as the voters wrote it
    kNotStated,
    kMerged,  // the groups under 3 voters, summed
  };
  Kind kind = Kind::kAsWritten;
  kenes::v1::StakeholderGroup group = kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED;
  std::string label;
  uint64_t voters = 0;
  std::vector<uint64_t> values;  // per option: votes, or points for Borda
};

struct MinutesReservation {
  std::string name;  // "" in an anonymous poll
  std::string text;
};

struct MinutesPoll {
  std::string id;
  std::string question;
  enum class Kind { kSingleChoice, kMultipleChoice, kAgreement, kRankingBorda, kRankingRunoff };
  Kind kind = Kind::kSingleChoice;
  bool anonymous = false;
  // A validation poll: what it validates, at which draft version (0: an
  // item without versions, such as a recommendation in a validation session).
  std::optional<MinutesSubject> validates;
  uint64_t target_version = 0;
  enum class State { kNeverOpened, kOpen, kClosed };  // as of the export
  State state = State::kNeverOpened;
  int64_t opened_at_unix_ms = 0;
  int64_t closed_at_unix_ms = 0;
  uint64_t ballots = 0;
  uint64_t eligible = 0;
  // False while the results are hidden until the poll closes: then only
  // the turnout is known.
  bool results_shown = false;
  bool passed = false;  // provisional while open
  bool quorum_met = false;
  bool tied = false;
  std::optional<std::size_t> winner;  // an index into options
  std::vector<MinutesPollOption> options;
  bool breakdown_withheld = false;  // fewer than 3 voters
  std::vector<MinutesPollGroup> by_group, by_gender;
  std::vector<MinutesReservation> reservations;
};

// A decision recorded during the meeting, in log order.
struct MinutesDecision {
  enum class Kind {
    kStatusChanged,        // `subject` moved to `status` by `by` (`version` when validated by hand)
    kValidatedByPoll,      // `poll` passed: `subject` validated at `version` (0: an item without versions)
    kNotValidated,         // `poll` closed without passing
    kSessionStarted,       // validation session `session` with `items`, started by `by`
    kItemOpened,           // `subject` put to the vote in `poll`
    kItemSkipped,          // `subject`
    kSessionEnded,         // `session`
  };
  Kind kind = Kind::kStatusChanged;
  int64_t at_unix_ms = 0;
  MinutesSubject subject;
  std::string by;  // display name
  kenes::v1::IndicatorStatus status = kenes::v1::INDICATOR_STATUS_UNSPECIFIED;
  uint64_t version = 0;
  std::string poll;
  std::string session;
  std::vector<MinutesSubject> items;
};

struct MinutesData {
  std::string consultation_id;
  std::string consultation_title;
  std::string meeting_id;
  std::string meeting_title;
  std::string chair;  // who started it
  int64_t started_at_unix_ms = 0;
  std::optional<int64_t> ended_at_unix_ms;  // none: still running at the head
  LogHead head;
  std::vector<MinutesSubject> agenda;
  std::vector<std::pair<int64_t, std::optional<MinutesSubject>>> spotlight;  // when, what (none: nothing)
  std::vector<MinutesAttendee> attendance;                                   // in join order
  // The board (members, and the chair if she is one) as present (attended,
  // or marked present by the chair), excused (marked so, and did not
  // attend) and absent (issue 18); names, sorted. Empty when nobody is on it.
  std::vector<std::string> board_present, board_excused, board_absent;
  std::vector<MinutesEdit> edits;          // by document id
  std::vector<MinutesThread> threads;      // by their first moment in the meeting
  std::vector<MinutesPoll> polls;          // in creation order
  std::vector<MinutesDecision> decisions;  // in log order
};

std::string render_minutes_markdown(const MinutesData& data, Lang lang = Lang::kEn);
std::string render_minutes_html(const MinutesData& data, Lang lang = Lang::kEn);

// The votes CSV: one row per counted ballot of a closed poll.
struct VoteRow {
  std::string poll_id;
  std::string question;
  std::string kind;
  bool anonymous = false;
  // Named polls only; for anonymous polls these stay empty (see the README:
  // a group or a time next to a ballot can name its voter).
  std::string voter;
  std::string group;
  std::string gender;
  int64_t cast_at_unix_ms = 0;
  // The choices as labels: "a; b" for multiple choice, "a > b > c" for a ranking.
  std::string choices;
};

struct VotesData {
  std::string consultation_id;
  LogHead head;
  std::vector<VoteRow> rows;
};

// RFC 4180, LF line ends. First the rows "consultation,<id>" and
// "log_head,<seq>:<hash>", then the header
// poll_id,poll_question,poll_kind,anonymous,voter,cast_at_utc,choices
// then the ballots: named polls in cast order, anonymous polls sorted by
// their choices (the order of casting is not shown). English whatever the
// export's language: it is for spreadsheets and scripts, and its column
// names and values are keys, not sentences.
std::string render_votes_csv(const VotesData& data);

}  // namespace kenes::report
