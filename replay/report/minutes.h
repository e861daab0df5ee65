#pragma once

// Meeting minutes and the votes CSV as text, from plain values: the
// renderers are pure, like the report's. The values come from the meeting
// and poll state folded from the log (see README.md, "Not yet": the adapter
// from the polls branch's state is the part still to wire).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "replay/report/report_data.h"

namespace kenes::report {

struct MinutesAttendee {
  std::string name;
  kenes::v1::Role role = kenes::v1::ROLE_UNSPECIFIED;
  kenes::v1::StakeholderGroup group = kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED;
  std::string gender;  // "" not given
  int64_t joined_at_unix_ms = 0;
  std::optional<int64_t> left_at_unix_ms;
};

// One document changed during the meeting: its text at the meeting's start
// and at its end, as a line diff.
struct MinutesEdit {
  std::string doc_id;
  std::string label;  // "R.1 Legal framework" for an indicator draft, else the doc id
  uint64_t from_version = 0;
  uint64_t to_version = 0;
  std::vector<std::string> authors;  // display names
  std::string diff;                  // unified_line_diff(before, after)
};

struct MinutesPoll {
  std::string id;
  std::string question;
  std::string kind;  // "agreement", "single choice", ...
  bool anonymous = false;
  std::string outcome;  // e.g. "passed", "failed: quorum not met", "open"
  uint64_t ballots = 0;
  uint64_t eligible = 0;
  std::vector<std::pair<std::string, std::string>> totals;  // option label -> count or points
  std::vector<std::string> breakdown;  // e.g. "Government: agree 2, disagree 1" (small groups merged)
  // "Name: text" per "agree with reservations" ballot, or the text alone in
  // an anonymous poll (issue 18).
  std::vector<std::string> reservations;
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
  std::vector<std::string> agenda;                             // "R.1 Title"
  std::vector<std::pair<int64_t, std::string>> spotlight;      // when, indicator label
  std::vector<MinutesAttendee> attendance;                     // in join order
  // The board (members, and the chair if she is one) as present (attended,
  // or marked present by the chair), excused (marked so, and did not
  // attend) and absent (issue 18); names, sorted. Empty when nobody is on it.
  std::vector<std::string> board_present, board_excused, board_absent;
  std::vector<MinutesEdit> edits;                              // by document id
  std::vector<MinutesPoll> polls;                              // in creation order
  std::vector<std::string> decisions;                          // status changes, validations
  bool threads_recorded = false;  // false until the log has comment threads
  std::vector<std::string> threads_opened;
  std::vector<std::string> threads_resolved;
};

std::string render_minutes_markdown(const MinutesData& data);
std::string render_minutes_html(const MinutesData& data);

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
// poll_id,poll_question,poll_kind,anonymous,voter,stakeholder_group,gender,cast_at_utc,choices
// then the ballots: named polls in cast order, anonymous polls sorted by
// their choices (the order of casting is not shown).
std::string render_votes_csv(const VotesData& data);

}  // namespace kenes::report
