#pragma once

// What changed in the documents between two points of a log — the "edits
// made" of minutes (a meeting runs from one record to another). The log is
// replayed from its first record through ConsultationState, exactly as the
// server folds it, so a draft's text at any seq is the log's.

#include <cstdint>
#include <string>
#include <vector>

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
};

struct DocumentChanges {
  std::vector<DocumentChange> changes;  // by document id
  // Decisions recorded in the range, in log order: status changes and the
  // outcome of validation polls that closed ("R.1: validated at draft
  // version 2 (poll-1 passed)").
  std::vector<std::string> decisions;
  std::string error;                    // empty when ok
};

// Every document edited by a record in (after_seq, through_seq], with its
// text before and after that range. through_seq past the head means the head.
DocumentChanges changes_between(storage::Log& log, const std::string& consultation_id, uint64_t after_seq,
                                uint64_t through_seq);

// The changes as MinutesEdit values: labels "R.1 Title" for indicator drafts
// of `framework`, display names for authors (from `state`'s roster), diffs.
std::vector<MinutesEdit> minutes_edits(const DocumentChanges& changes, const consultation::ConsultationState& state);

}  // namespace kenes::report
