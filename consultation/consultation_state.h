#pragma once

// The state of one consultation as a pure function of its log: fold the
// records in sequence order with apply(). Snapshots are a cache of this state
// at a sequence number; replaying the whole log must give the same result.
//
// Not thread-safe: a Room owns one and touches it only on its strand.

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "consultation/assessment_state.h"
#include "consultation/discussion_state.h"
#include "consultation/digest_state.h"
#include "engine/document_sequencer.h"
#include "engine/status.h"
#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"
#include "kenes/v1/snapshot.pb.h"

namespace kenes::consultation {

struct Participant {
  std::string id;
  std::string display_name;
  kenes::v1::Role role = kenes::v1::ROLE_UNSPECIFIED;
  kenes::v1::StakeholderGroup stakeholder_group = kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED;
  std::string gender;
  bool revoked = false;
  std::string revoke_reason;
  // A ProfileUpdated record of theirs exists, or whoever invited them gave
  // their stakeholder group: they are not asked to describe themself.
  bool profiled = false;
  // Issue 18. They have connected at least once (someone the chair invited
  // from the app has not until their ParticipantJoined).
  bool joined = false;
  std::string invited_by;       // the chair who invited them; "" if they came on their own link
  std::string registration_id;  // the registration link a walk-in used
  uint32_t link_generation = 0; // links of an older generation are refused
};

// A registration link (issue 18) and how many have used it.
struct Registration {
  kenes::v1::RegistrationOpened opened;
  bool closed = false;
  uint32_t registered = 0;
};

// A run of consecutive edits of one document by one author within one UTC
// day (the "Edit runs" below).
struct EditRun {
  std::string author;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  uint64_t edits = 0;
  int64_t day = 0;  // UTC days since the epoch
};

// A named piece of state for storage's snapshot set.
struct NamedSnapshot {
  std::string name;
  uint64_t version = 0;
  std::string bytes;
  // Storage may delete the name's older versions (storage::SnapshotEntry):
  // all but the documents, whose versions history reads.
  bool replaces_older = false;
};

class ConsultationState {
 public:
  explicit ConsultationState(std::string consultation_id);

  // Folds the next record. rec.seq must be seq() + 1; a record that does not
  // apply (an op that does not fit its document, a version out of order) is an
  // error naming the seq, and the state is unchanged.
  engine::Status apply(const kenes::v1::LogRecord& rec);

  // A record the state already holds is durable: a text edit the room
  // applied through submit_op (transform and apply happen before the append,
  // acknowledgement after), or a record folded as it was built
  // (apply_early). Advances seq(); for a submitted edit, also counts it in
  // its document's edit runs (the sequencer applied it before it had a seq).
  void note_durable(const kenes::v1::LogRecord& rec);

  // The room's live submit: DocumentSequencer::submit on `doc_id`, then the
  // document's thread anchors move through the sequenced op exactly as
  // apply() moves them for the logged TextEdit (so live and replayed anchors
  // agree). Errors as submit's; nothing changes then.
  engine::Result<engine::DocumentSequencer::Sequenced> submit_op(const std::string& doc_id,
                                                                 std::string_view client_id, uint64_t client_seq,
                                                                 uint64_t base_version, engine::TextOp op,
                                                                 uint64_t declared_span);

  // Folds a discussion record (DiscussionState::handles, or a TextEdit that
  // accepts a suggestion) as the room builds it on its strand, before it is
  // durable, like a text edit: anchors then move through later edits in log
  // order, and later requests see it. rec.seq is the seq the log will give
  // it. Does not advance seq(); note_durable() does once it is durable.
  engine::Status apply_early(const kenes::v1::LogRecord& rec);

  // Loads the entries of one stored set written from snapshots(), in any
  // order, then finish_loading_snapshots() checks the set is whole. Call
  // before any apply(). An error leaves the state unusable: replay the log
  // into a fresh one instead.
  engine::Status load_snapshot(const std::string& name, std::string bytes);
  engine::Status finish_loading_snapshots();
  void set_seq(uint64_t seq) { seq_ = seq; }

  // A snapshot set: the consultation metadata, the assessment's manifest and
  // unwritten segments (AssessmentState::unwritten_segments), the discussion,
  // the digest, and every document changed since the last call with
  // `only_changed` (all documents otherwise).
  std::vector<NamedSnapshot> snapshots(bool only_changed);
  // The set was stored: the assessment's full segments in it leave memory.
  void snapshot_written(const std::vector<std::string>& names);
  // The set was not stored: its documents count as changed again, so that
  // the next set, which will claim a later seq, carries them (the log would
  // otherwise pair their older snapshots with it). The unwritten segments
  // stay unwritten.
  void snapshot_not_written(const std::vector<std::string>& names);

  uint64_t seq() const { return seq_; }
  const std::string& consultation_id() const { return consultation_id_; }
  const std::optional<kenes::v1::ConsultationCreated>& created() const { return created_; }
  const std::map<std::string, Participant>& participants() const { return participants_; }
  const Participant* participant(const std::string& id) const;
  // Registration links by id (issue 18).
  const std::map<std::string, Registration>& registrations() const { return registrations_; }
  const Registration* registration(const std::string& id) const;
  // Whether the chair counts in the board's balance (BoardSettingsSet).
  bool chair_is_board_member() const { return chair_is_board_member_; }

  // The document, created empty at version 0 on first use.
  engine::DocumentSequencer& document(const std::string& doc_id);
  const engine::DocumentSequencer* find_document(const std::string& doc_id) const;
  const std::map<std::string, engine::DocumentSequencer>& documents() const { return documents_; }
  void mark_changed(const std::string& doc_id) { changed_docs_[doc_id] = true; }

  // Indicators, polls and meetings (records 30-59).
  const AssessmentState& assessment() const { return assessment_; }
  // A live room's state keeps only the final result of a closed poll
  // (AssessmentState::release_closed_ballots); exports keep the ballots.
  void release_closed_ballots() { assessment_.release_closed_ballots(); }
  void set_assessment_segment_bytes(size_t n) { assessment_.set_segment_bytes(n); }
  // Threads, comments, suggestions, reads and visits (records 60-69, 75, 76).
  const DiscussionState& discussion() const { return discussion_; }
  // E-mail digest settings, last digests and its thread index (77-78).
  const DigestState& digest() const { return digest_; }
  // The scope in force: the latest ScopeChanged, else the one created with.
  kenes::v1::Scope scope() const;
  // With CORE_PLUS_SELECTED, the selected indicators of the same record
  // (framework order); otherwise empty.
  const std::vector<std::string>& scope_selected() const;
  // Whether the scope in force covers the indicator: every one (ALL, and
  // UNSPECIFIED, which no valid log has), the core ones (CORE), or those and
  // the selected (CORE_PLUS_SELECTED). Exports and the client's inScope
  // decide alike.
  bool in_scope(const kenes::v1::Indicator& indicator) const;
  // The framework indicator with this id, or null.
  const kenes::v1::Indicator* framework_indicator(const std::string& id) const;
  // The version of the draft "indicator/<id>" (0 if never edited).
  uint64_t draft_version(const std::string& indicator_id) const;

  // Edit runs: who edited each document when, without the edits. Each edit
  // extends its document's last run if it has the same author and UTC day,
  // and starts a new one otherwise. Typing makes long runs (a sitting), so a
  // document keeps a few runs per working day, not one entry per keystroke;
  // "what changed since your last visit" counts runs (client_state.h).
  const std::vector<EditRun>* edit_runs(const std::string& doc_id) const;

 private:
  void index_framework();
  // A TextEdit (from the log or an accepted suggestion): anchors, text,
  // then the suggestion it accepts, if any.
  engine::Status apply_text_edit(const kenes::v1::LogRecord& rec);
  engine::Status apply_discussion(const kenes::v1::LogRecord& rec);

  std::string consultation_id_;
  uint64_t seq_ = 0;
  std::optional<kenes::v1::ConsultationCreated> created_;
  std::map<std::string, Participant> participants_;
  std::map<std::string, Registration> registrations_;
  bool chair_is_board_member_ = false;
  void apply_invited(const kenes::v1::ParticipantInvited& inv, const std::string& author);
  std::map<std::string, engine::DocumentSequencer> documents_;
  std::map<std::string, std::vector<EditRun>> edit_runs_;
  void add_edit_run(const kenes::v1::LogRecord& rec);
  std::map<std::string, bool> changed_docs_;
  // While loading a set: the assessment manifest's segment count (0: none
  // seen) and the segments, folded in order once the set is in.
  uint32_t loading_segment_count_ = 0;
  std::map<uint32_t, std::string> loading_segments_;
  AssessmentState assessment_;
  DiscussionState discussion_;
  DigestState digest_;
  // A copy, not pointers into created_: the state is moved around.
  std::map<std::string, kenes::v1::Indicator> framework_index_;
  std::vector<std::string> created_selected_;  // created_'s selected_indicator_ids
};

}  // namespace kenes::consultation
