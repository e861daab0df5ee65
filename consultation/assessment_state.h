#pragma once

// The assessment's state — indicator status and fields, polls, meetings — as
// a pure function of the log's records 30-59 (proto/README.md, "Indicators,
// polls and meetings"). ConsultationState owns one and hands it those
// records in log order; apply() is the one door.
//
// The fold trusts the log: who may do what is checked by the room before a
// record is written, and what the server stamped into a record (a ballot's
// voter role and group, a close's eligible count, a validated version) is
// taken as written, so that replaying the log — or a snapshot of these
// records — rebuilds exactly the same state whatever the roster became later.
// Two things are tolerated rather than refused, because the room checks them
// against its clock a moment before the record gets its time: a ballot
// stamped at or after its poll's closing time is not counted (noted in
// `late_ballots`), and attendance or spotlight records for a meeting that
// ended meanwhile change nothing.
//
// Record times: the fold uses max(record time, previous record time), so a
// clock stepping back on the server cannot reopen a poll.
//
// Not thread-safe: owned by a Room, touched on its strand.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/poll.h"
#include "engine/status.h"
#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"

namespace kenes::consultation {

struct Participant;

struct IndicatorState {
  kenes::v1::IndicatorStatus status = kenes::v1::INDICATOR_STATUS_NOT_STARTED;
  std::vector<std::string> assignees;
  std::vector<std::string> sources;
  std::optional<uint32_t> score;
  std::string due_date;  // "YYYY-MM-DD", "" when none (issue 20)
  // While (or since) validated: the draft version validated, and the poll
  // that validated it ("" when set by the chair by hand).
  uint64_t validated_version = 0;
  std::string validated_by_poll;
  // The latest validation poll that closed for this indicator, passed or not.
  std::string last_validation_poll;
  uint64_t updated_seq = 0;
  // The record that set `status`: a status change, or the PollClosed of a
  // validation poll that passed.
  uint64_t status_seq = 0;
  int64_t status_at_unix_ms = 0;  // that record's time
  // Evidence (issue 19), each in the order added, ids as stamped.
  std::vector<kenes::v1::Reference> references;
  std::vector<kenes::v1::Figure> figures;
};

struct PollState {
  std::string id;
  kenes::v1::PollDefinition definition;  // as logged
  std::string created_by;
  uint64_t created_seq = 0;
  int64_t created_at_unix_ms = 0;
  bool opened = false;
  int64_t opened_at_unix_ms = 0;
  // When ballots stop counting, fixed at the open: the definition's closing
  // time, moved to just after the open if the open reached it (0: none).
  int64_t closes_at_unix_ms = 0;
  // The engine poll exists from the open on (the engine has no drafts).
  engine::Poll poll;
  // The PollClosed record, once written.
  bool close_logged = false;
  uint64_t closed_seq = 0;
  bool closed_at_closing_time = false;
  int64_t close_logged_at_unix_ms = 0;
  uint64_t eligible_at_close = 0;
  // Ballot records stamped too late to count (see the file comment).
  uint64_t late_ballots = 0;
  // The latest record that changed the poll.
  uint64_t last_seq = 0;
  // Set when the state releases a closed poll's ballots (see
  // AssessmentState::release_closed_ballots): what every PollUpdate of the
  // poll shows from then on, computed as the PollClosed record was folded.
  // `poll` is then empty, and `kept_ballots` holds each voter's counted
  // choices (what a joining voter is shown as their vote: client_state.h),
  // sorted by voter: ~50 bytes a ballot instead of the engine's ~250.
  std::optional<engine::PollView> final_view;
  std::vector<std::pair<std::string, std::vector<uint32_t>>> kept_ballots;
  // The reservations of the counted "agree with reservations" ballots, by
  // voter (issue 18): a voter's later ballot replaces or removes theirs.
  // Kept when the ballots are released: the results show them.
  std::map<std::string, std::string> reservations;
  // Whether it passed, as its PollClosed record was folded.
  bool passed_at_close = false;
  // A validation session's poll (issue 18): the session and the item.
  std::string validation_session;
  std::string validation_item;

  // The voter's counted choices, or null (none, or not counted).
  const std::vector<uint32_t>* ballot_of(const std::string& voter) const;

  // Closed for good: by a PollClosed record, or past its closing time at `now`.
  bool closed(int64_t now_unix_ms) const { return close_logged || (opened && !poll.is_open(now_unix_ms)); }
  bool open(int64_t now_unix_ms) const { return opened && !close_logged && poll.is_open(now_unix_ms); }
};

struct AttendanceSpan {
  std::string participant_id;
  int64_t joined_at_unix_ms = 0;
  std::optional<int64_t> left_at_unix_ms;  // none while attending
  bool left_by_disconnect = false;
};

struct MeetingState {
  std::string id;
  std::string title;
  std::vector<std::string> agenda;
  std::string started_by;
  uint64_t started_seq = 0;
  int64_t started_at_unix_ms = 0;
  std::optional<int64_t> ended_at_unix_ms;
  uint64_t ended_seq = 0;
  std::string spotlight;  // indicator on screen, "" for none
  // Every indicator spotlighted, in order, with when (for minutes).
  std::vector<std::pair<int64_t, std::string>> spotlight_history;
  std::vector<AttendanceSpan> attendance;  // in join order
  // The chair's marks (AttendanceMarked), by participant; NONE erased.
  std::map<std::string, kenes::v1::AttendanceMark> marks;

  bool running() const { return !ended_at_unix_ms.has_value(); }
  bool attending(const std::string& participant_id) const;
};

// A validation session (issue 18): a queue of items the chair walks, one
// agreement poll each (ValidationItemOpened), all on the same rules.
struct ValidationSessionState {
  std::string id;
  std::vector<std::string> items;
  kenes::v1::PollDefinition rules;
  std::string statement;
  std::string started_by;
  uint64_t started_seq = 0;
  int64_t started_at_unix_ms = 0;
  std::optional<int64_t> ended_at_unix_ms;
  // Each item's polls, in order (an item may be put to the vote again).
  std::map<std::string, std::vector<std::string>> polls_of_item;
  // Items skipped and not opened since.
  std::set<std::string> skipped;
  // The item last opened ("" before the first).
  std::string current_item;
  bool running() const { return !ended_at_unix_ms.has_value(); }
};

// Where an item of a session stands.
enum class ItemStatus { kPending, kVoting, kPassed, kNotPassed, kSkipped };

// The latest VoteCast record folded: whether it counted, for the room's
// answer to its voter.
struct BallotRecord {
  uint64_t seq = 0;
  std::string poll_id;
  std::string voter_id;
  bool counted = true;  // false: stamped too late (see the file comment)
};

class AssessmentState {
 public:
  // True for the records this state folds (LogRecord events 30-59).
  static bool handles(const kenes::v1::LogRecord& rec);

  // Folds the next such record (rec.seq set). An error names the seq and
  // leaves the state unchanged.
  engine::Status apply(const kenes::v1::LogRecord& rec);

  // From now on, and for the polls already closed, a poll whose PollClosed
  // record is folded keeps its final PollView and drops its ballots (the
  // engine's copy of each, ~250 bytes a ballot): a live room needs only the
  // final result of a closed poll, and a long consultation casts hundreds
  // of thousands of ballots. States that read closed polls' ballots (the
  // vote exports' replays) leave it off, the default. Either way the
  // PollUpdates, indicator statuses and snapshot records are the same
  // (AssessmentStateTest.ReleasingClosedBallotsChangesNoAnswer).
  void release_closed_ballots();

  // Snapshot. Every record folded so far, with seq and time, encoded as
  // AssessmentSnapshot.records and cut into segments of about
  // segment_bytes() each; loading refolds them. A full segment never changes
  // again: it is written once and then dropped from memory, so a snapshot
  // costs the room (memory, the copy on its strand, the write) about one
  // segment plus what changed, not the consultation's whole history. The
  // last segment is the open one, rewritten by each snapshot set.
  struct Segment {
    uint32_t index = 0;
    std::string bytes;
  };
  // The segments a snapshot set must carry: the full ones not yet written,
  // then the open one (possibly empty). The last entry's index + 1 is the
  // segment count.
  std::vector<Segment> unwritten_segments() const;
  // A set carrying unwritten_segments() up to open segment `open_index` is
  // stored: the full segments below it may be dropped.
  void segments_written(uint32_t open_index);
  // Loads the stored segments in index order, 0 first (which starts afresh).
  // A gap, or a record that does not fold, is an error that leaves the state
  // unusable: the caller then replays the log into a fresh one instead.
  engine::Status load_segment(uint32_t index, const std::string& bytes);
  // Loads a snapshot written as one AssessmentSnapshot of every record (the
  // format before segments, and still the shape of each segment's bytes);
  // everything loaded counts as unwritten.
  engine::Status load_snapshot(const std::string& bytes);
  // Segments fill to about this many bytes (1 MiB; tests make it small).
  void set_segment_bytes(size_t n) { segment_bytes_ = n; }
  size_t segment_bytes() const { return segment_bytes_; }
  // A hash of every record folded so far, as the snapshot encodes them, in
  // order: two states that folded the same records have the same one,
  // whatever was loaded from where and whatever was already written.
  uint64_t records_fingerprint() const { return fingerprint_; }

  kenes::v1::Scope scope_override() const { return scope_; }  // UNSPECIFIED: as created
  // The latest ScopeChanged's selected indicators (CORE_PLUS_SELECTED).
  const std::vector<std::string>& scope_override_selected() const { return scope_selected_; }
  const std::map<std::string, IndicatorState>& indicators() const { return indicators_; }
  const IndicatorState* indicator(const std::string& id) const;
  const std::map<std::string, PollState>& polls() const { return polls_; }
  const PollState* poll(const std::string& id) const;
  const std::vector<MeetingState>& meetings() const { return meetings_; }
  const MeetingState* meeting(const std::string& id) const;
  const MeetingState* running_meeting() const;
  // Validation sessions (issue 18), in start order.
  const std::vector<ValidationSessionState>& validation_sessions() const { return sessions_; }
  const ValidationSessionState* validation_session(const std::string& id) const;
  const ValidationSessionState* running_validation_session() const;
  ItemStatus item_status(const ValidationSessionState& session, const std::string& item) const;
  // The poll of the session now open (opened, no PollClosed yet), or null.
  const PollState* open_validation_poll(const ValidationSessionState& session) const;
  // The numbers the next poll / meeting id would get ("poll-<n>").
  uint64_t polls_created() const { return polls_created_; }
  uint64_t meetings_started() const { return meetings_.size(); }
  // ReferenceAdded and FigureAdded records folded: the next "ref-<n>" and
  // "fig-<n>" are one more (issue 19).
  uint64_t references_added() const { return references_added_; }
  uint64_t figures_added() const { return figures_added_; }
  // The latest VoteCast record folded, if any. (Who may receive a ballot is
  // decided from the record itself: record_audience.h.)
  const std::optional<BallotRecord>& last_ballot() const { return last_ballot_; }
  // The time of the latest record folded (monotonic, see the file comment).
  int64_t last_time_unix_ms() const { return last_time_; }

  // The indicator's draft changed after it was validated: validated, and the
  // draft ("indicator/<id>") is now past the validated version.
  bool changed_since_validation(const std::string& indicator_id, uint64_t draft_version) const;

 private:
  engine::Status apply_poll_event(const kenes::v1::LogRecord& rec, int64_t at);
  engine::Status apply_meeting_event(const kenes::v1::LogRecord& rec, int64_t at);
  engine::Status apply_validation_event(const kenes::v1::LogRecord& rec, int64_t at);
  // PollCreated's and PollOpened's folds (ValidationItemOpened does both).
  engine::Status create_poll(const std::string& id, const kenes::v1::PollDefinition& definition,
                             const kenes::v1::LogRecord& rec, int64_t at);
  engine::Status open_poll(PollState& p, const kenes::v1::LogRecord& rec, int64_t at);
  std::vector<ValidationSessionState> sessions_;

  kenes::v1::Scope scope_ = kenes::v1::SCOPE_UNSPECIFIED;
  std::vector<std::string> scope_selected_;
  std::map<std::string, IndicatorState> indicators_;
  std::map<std::string, PollState> polls_;
  uint64_t polls_created_ = 0;
  uint64_t references_added_ = 0;
  uint64_t figures_added_ = 0;
  std::vector<MeetingState> meetings_;
  std::optional<BallotRecord> last_ballot_;
  void release_ballots(PollState& p);
  bool release_closed_ballots_ = false;
  int64_t last_time_ = 0;
  // The open segment: records folded since the last full one, already
  // encoded as the `records` field of an AssessmentSnapshot (tag, length,
  // bytes), so that a snapshot needs no per-record allocation or encoding.
  std::string open_segment_;
  uint32_t open_index_ = 0;
  // Full segments not yet written, ascending index.
  std::vector<Segment> full_unwritten_;
  size_t segment_bytes_ = size_t{1} << 20;
  // The next stored segment load_segment() accepts.
  uint32_t next_load_index_ = 0;
  uint64_t fingerprint_ = kFingerprintSeed;
  static constexpr uint64_t kFingerprintSeed = 14695981039346656037ull;  // FNV-1a 64
};

// The eligible voters of a poll now: non-revoked participants whose role is
// among the definition's eligible roles.
uint64_t eligible_voters(const kenes::v1::PollDefinition& def, const std::map<std::string, Participant>& roster);

// What every participant may see of a poll at `now`: the PollUpdate message.
// `eligible_now` is used while the poll is open; a closed poll uses the count
// stamped in its PollClosed record.
kenes::v1::PollUpdate poll_update(const PollState& poll, uint64_t eligible_now, int64_t now_unix_ms);
// Issue 20: whether `viewer` (with `role`) must receive `update` without its
// results. Unless the chair chose live results (PollDefinition.live_results),
// a participant who may vote sees an open poll's results only once their own
// ballot counts, so early ballots cannot sway later voters; who may not vote
// sees them as they come. A closed poll's results go to everyone.
bool withhold_results(const PollState& poll, const kenes::v1::PollUpdate& update, const std::string& viewer,
                      int32_t role);
// The poll's reservations (PollResults.reservations), appended to `out`.
void add_reservations(const PollState& poll, kenes::v1::PollResults* out);

// The board's balance (proto RosterBalance): its non-revoked members — and
// the chair if she is one — by stakeholder group x gender, counting people
// invited who have not joined yet; the research team counted apart.
kenes::v1::RosterBalance roster_balance(const std::map<std::string, Participant>& roster, bool chair_is_board_member);

}  // namespace kenes::consultation
