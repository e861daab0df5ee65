#pragma once

// Document history (issue 6): any document at any past version, a diff
// between two versions, and blame — answered from the log, which holds every
// sequenced edit, and the "doc/<id>" snapshots, which hold the text at some
// versions.
//
// Two halves with different owners:
//   - an index, per document, of every version: the seq of the TextEdit
//     that made it, its time and author. The room adds to it on its strand as
//     edits become durable (note_edit, cheap); what came before the room
//     started (its head at construction) is read from the log once, lazily,
//     on the first history request — a room that is never asked pays
//     nothing. The index is what turns "version N", "the time T" or "when
//     meeting M started" into a version without scanning the log, and tells
//     the readers which seqs to read.
//   - the readers (at / diff / blame), which may replay up to the whole log
//     of one document: they run off the room's strand and off the I/O
//     threads, on the server's history pool, and only read the log (storage
//     is thread-safe).
//
// Costs: at(N) starts from the latest snapshot at or before N and replays
// only the versions after it (snapshots come every snapshot_every_records
// records). blame and diff replay the document from version 0 (authorship is
// not in the snapshots), reading only the records the index names; diff
// composes the ops after `from` pairwise, O(n log n), never one long fold.
// server/README.md ("Document history") has the measured figures.
//
// Thread-safety: every method may be called from any thread.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"
#include "storage/log.h"

namespace kenes::server {

struct HistoryError {
  kenes::v1::ErrorCode code;
  std::string message;
};

class DocumentHistory {
 public:
  // Records after `base_seq` reach the index through note_edit; those up to
  // it are read from the log on first use.
  DocumentHistory(storage::Log& log, std::string consultation_id, uint64_t base_seq);

  // A durable record (its seq set) with a TextEdit, seq > base_seq, in seq
  // order. Other records are ignored.
  void note_edit(const kenes::v1::LogRecord& rec);

  // The seq of each meeting's MeetingStarted record, resolved by the room
  // (which folds meetings) before the request leaves its strand.
  using MeetingSeqs = std::map<std::string, uint64_t>;

  // Answers GetDocumentAt / GetDocumentDiff / GetDocumentBlame: fills `out`
  // (its document_at / document_diff / document_blame) or returns the error.
  // May take long (a replay); call it off the room's strand.
  std::optional<HistoryError> answer(const kenes::v1::ClientMessage& request, const MeetingSeqs& meetings,
                                     kenes::v1::ServerMessage* out);

  // The document's current version as the index knows it (durable edits).
  // Loads the index if needed. For tests and tools.
  uint64_t latest_version(const std::string& doc_id);

 private:
  struct Version {
    uint64_t seq;
    int64_t time_unix_ms;
    uint32_t author;  // index in authors_
  };

  std::optional<HistoryError> ensure_loaded();
  void add_locked(const std::string& doc_id, uint64_t version, const Version& at,
                  std::map<std::string, std::vector<Version>>& docs);
  uint32_t intern_locked(const std::string& author);
  // Point -> version, under mu_. A null or unset point means the current
  // version.
  std::optional<HistoryError> resolve_locked(const std::vector<Version>& versions, const kenes::v1::HistoryPoint* point,
                                             const MeetingSeqs& meetings, uint64_t* version) const;

  std::optional<HistoryError> answer_at(const kenes::v1::GetDocumentAt& req, const MeetingSeqs& meetings,
                                        kenes::v1::DocumentAt* out);
  std::optional<HistoryError> answer_diff(const kenes::v1::GetDocumentDiff& req, const MeetingSeqs& meetings,
                                          kenes::v1::DocumentDiff* out);
  std::optional<HistoryError> answer_blame(const kenes::v1::GetDocumentBlame& req, const MeetingSeqs& meetings,
                                           kenes::v1::DocumentBlame* out);

  storage::Log& log_;
  const std::string consultation_id_;
  const uint64_t base_seq_;

  std::mutex load_mu_;  // held through the one-time scan; taken before mu_
  bool loaded_ = false;

  mutable std::mutex mu_;
  // Per document, versions 1..latest in order (entry i is version i + 1).
  // Until loaded_, docs_ is empty and live_ holds what note_edit saw: the
  // edits after base_seq_, which go after the scanned ones.
  std::map<std::string, std::vector<Version>> docs_;
  struct LiveEdit {
    std::string doc_id;
    uint64_t version;
    Version at;
  };
  std::vector<LiveEdit> live_;
  std::vector<std::string> authors_;
  std::map<std::string, uint32_t> author_ids_;
};

}  // namespace kenes::server
