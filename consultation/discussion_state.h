#pragma once

// Threads, comments, suggestions, reads and visits (issue 6) as a pure
// function of the log: records 60-69, the private records 75 and 76, and the
// TextEdits that accept a suggestion (proto/README.md, "Threads, suggestions
// and history"). ConsultationState owns one, hands it those records in log
// order, and moves its anchors through every TextEdit of their document in
// the same order (move_anchors), on the live path as in a replay.
//
// The fold trusts the log, as AssessmentState does: the room checked who may
// do what before it wrote a record. Records the room could not have written
// (a reply to an unknown thread, a range that does not fit its document) are
// errors naming the seq; a few races the room lets through are tolerated in a
// fixed way so that a replay agrees with the live state:
//  - an edit of a comment deleted meanwhile updates the body and is redacted
//    like the rest of that comment.
//
// Redaction: once a comment is deleted or hidden, the seqs of the records that
// carry its body (its ThreadCreated or CommentAdded and every CommentEdited)
// are listed in redacted(); the room sends those records without body and
// mentions. Privacy: records 75-78 belong to one participant
// (record_audience.h decides it from the record).
//
// Not thread-safe: owned by a Room, touched on its strand.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/anchored_range.h"
#include "engine/document_sequencer.h"
#include "engine/status.h"
#include "kenes/v1/log.pb.h"

namespace kenes::consultation {

struct CommentState {
  std::string id;
  std::string thread_id;
  std::string author;
  std::string body;  // the latest
  std::vector<std::string> mentions;
  uint32_t edits = 0;
  bool deleted = false;
  bool hidden = false;
  std::string hidden_reason;
  std::string hidden_by;
  // Who has which reaction on.
  std::map<std::string, std::set<int>> reactions;
  uint64_t created_seq = 0;
  int64_t created_unix_ms = 0;
  // The records that carry a body of this comment (for redaction).
  std::vector<uint64_t> body_seqs;
};

enum class SuggestionStatus { kNone, kOpen, kAccepted, kRejected };

struct ThreadState {
  std::string id;
  kenes::v1::ThreadTarget target;  // as created (range at target.version)
  std::string quote;               // as stamped at creation or the latest re-attachment
  std::string creator;
  uint64_t created_seq = 0;
  uint64_t last_comment_seq = 0;
  // The latest record about the thread (a comment, an edit, a deletion or
  // hiding, resolving, re-attaching, a decision on its suggestion; not a
  // reaction): clients order threads by it.
  uint64_t last_seq = 0;
  // Text threads only. Restored from a snapshot as it was.
  std::optional<engine::AnchoredRange> anchor;
  std::vector<std::string> comment_ids;  // in order, the first one included
  bool resolved = false;
  std::vector<uint64_t> resolved_seqs;  // each ThreadResolved{true} (the minutes list them)
  SuggestionStatus suggestion = SuggestionStatus::kNone;
  std::string replacement;
  uint64_t decided_seq = 0;
  std::string decided_by;
  std::string reject_reason;
};

struct Visit {
  uint64_t seq = 0;       // the Visited record
  uint64_t seen_seq = 0;  // what the participant had seen when it started
};

class DiscussionState {
 public:
  // Records 60-69 and 75-76 (77-78 are private too, but folded elsewhere).
  static bool handles(const kenes::v1::LogRecord& rec);
  static bool is_private(const kenes::v1::LogRecord& rec);

  // Folds one record 60-69 / 75-76. ThreadCreated and ThreadReattached look
  // their document up in `documents` (its version must be the record's).
  engine::Status apply(const kenes::v1::LogRecord& rec,
                       const std::map<std::string, engine::DocumentSequencer>& documents);

  // True if `op` on `doc_id` could detach an anchor, so the caller must keep
  // the text it applies to for move_anchors (copying the text only then).
  bool needs_text_before(const std::string& doc_id, const engine::TextOp& op) const;
  // Moves every anchor on `doc_id` through `op` (sequenced; `before` is the
  // text it applies to). An error means an anchor was beyond the text: a bug.
  engine::Status move_anchors(const std::string& doc_id, const engine::TextOp& op, const engine::Rope& before);
  // After a TextEdit that accepts a suggestion has been applied (`after` is
  // the new text): the suggestion is accepted and its anchor covers the
  // inserted replacement (it stays detached for an accepted deletion).
  engine::Status apply_accepting_edit(const kenes::v1::LogRecord& rec, const engine::Rope& after);

  // Snapshot (see DiscussionSnapshot in snapshot.proto).
  std::string snapshot_bytes() const;
  engine::Status load_snapshot(const std::string& bytes);

  const std::map<std::string, ThreadState>& threads() const { return threads_; }
  // The ids of the threads on a range of `doc_id`'s text (their anchors move
  // with its edits), in creation order; null if none.
  const std::vector<std::string>* threads_of_document(const std::string& doc_id) const {
    auto it = threads_by_doc_.find(doc_id);
    return it == threads_by_doc_.end() ? nullptr : &it->second;
  }
  const ThreadState* thread(const std::string& id) const;
  const CommentState* comment(const std::string& id) const;
  bool observers_may_comment() const { return observers_may_comment_; }
  // The highest thread-<n> / comment-<n> in the log: the next ids are n + 1.
  uint64_t threads_issued() const { return threads_issued_; }
  uint64_t comments_issued() const { return comments_issued_; }

  // Unread tracking: the seq up to which `participant` read `thread_id` (0
  // if never), and the comments by others after it, not deleted or hidden.
  uint64_t last_read(const std::string& participant, const std::string& thread_id) const;
  size_t unread_count(const std::string& participant, const std::string& thread_id) const;
  const std::vector<Visit>* visits(const std::string& participant) const;

  // Records whose comment body must not be sent any more.
  bool redacted(uint64_t seq) const { return redacted_.count(seq) != 0; }

  // Everything folded, in a fixed text form: tests compare live, replayed
  // and restored states with it.
  std::string debug_string() const;

 private:
  engine::Status apply_record(const kenes::v1::LogRecord& rec,
                              const std::map<std::string, engine::DocumentSequencer>* documents);
  void redact_comment(CommentState& c);
  void touch(const std::string& thread_id, uint64_t seq);
  void keep_record(const kenes::v1::LogRecord& rec);

  std::map<std::string, ThreadState> threads_;
  std::map<std::string, CommentState> comments_;
  std::map<std::string, std::vector<std::string>> threads_by_doc_;  // text threads per document
  bool observers_may_comment_ = false;
  uint64_t threads_issued_ = 0;
  uint64_t comments_issued_ = 0;
  std::map<std::string, std::map<std::string, uint64_t>> last_read_;
  std::map<std::string, std::vector<Visit>> visits_;
  std::set<uint64_t> redacted_;
  // Every record folded, encoded as DiscussionSnapshot.records fields.
  std::string records_;
};

}  // namespace kenes::consultation
