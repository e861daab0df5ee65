#pragma once

// What happened between two points of a log — for the minutes of a meeting,
// which runs from one record to another: the documents edited (with their
// text before and after), the threads that moved, the decisions recorded and
// the polls touched. The log is replayed from its first record through
// ConsultationState, exactly as the server folds it, so a draft's text or a
// comment's words at any seq are the log's.

#include <cstdint>
#include <string>
#include <vector>

#include "consultation/consultation_state.h"
#include "replay/report/minutes.h"
#include "storage/log.h"

namespace kenes::report {

struct DocumentChange {
  std::string doc_id;
  uint64_t from_version = 0;  // the version after record `after_seq`
  uint64_t to_version = 0;    // the version after record `through_seq`
  std::string before;
  std::string after;
  std::vector<std::string> authors;  // participant ids, in order of first edit
  int64_t first_edit_unix_ms = 0;
  int64_t last_edit_unix_ms = 0;
};

// A thread that moved in the range: its moments there, and the thread and
// its comments as they stood at the range's end.
struct ThreadActivity {
  struct Moment {
    MinutesThreadEntry::Kind kind = MinutesThreadEntry::Kind::kComment;
    std::string author;  // participant id
    int64_t at_unix_ms = 0;
    std::string comment_id;  // kComment
    std::string reason;      // kSuggestionRejected
  };
  consultation::ThreadState thread;
  std::vector<consultation::CommentState> comments;  // in order, the first one included
  bool created_in_range = false;
  std::vector<Moment> moments;  // in log order
};

struct DocumentChanges {
  std::vector<DocumentChange> changes;  // by document id
  // Decisions recorded in the range, in log order: status changes, the
  // outcome of validation polls that closed, the steps of validation
  // sessions. Names are display names, as of the range's end.
  std::vector<MinutesDecision> decisions;
  std::vector<ThreadActivity> threads;  // by their first moment in the range
  // Polls created, opened or closed in the range, by first such record.
  std::vector<std::string> polls;
  std::string error;  // empty when ok
};

// Everything in (after_seq, through_seq], with the documents' texts before
// and after that range. through_seq past the head means the head.
DocumentChanges changes_between(storage::Log& log, const std::string& consultation_id, uint64_t after_seq,
                                uint64_t through_seq);

// What `id` is, for a label in any language (MinutesSubject): an indicator
// id or its draft "indicator/<id>", a recommendation draft
// "recommendation/<category>/<group>", or anything else by its id.
MinutesSubject minutes_subject(const consultation::ConsultationState& state, const std::string& id);

// The changes as MinutesEdit values: subjects from `state`'s framework,
// display names for authors (from `state`'s roster), the passages that
// changed (passage_diff.h). Documents whose text came back to where it was
// are left out.
std::vector<MinutesEdit> minutes_edits(const DocumentChanges& changes, const consultation::ConsultationState& state);

// The threads as MinutesThread values. `state` (the export's, at the head)
// gives the names and says which comments were deleted or hidden since:
// those are never printed, whenever it happened.
std::vector<MinutesThread> minutes_threads(const DocumentChanges& changes, const consultation::ConsultationState& state);

}  // namespace kenes::report
