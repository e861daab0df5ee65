#pragma once

// Document history (issue 6): any document at any past version, a diff
// between two versions, and blame — answered from the log, which holds every
// sequenced edit, and the "doc/<id>" snapshots, which hold the text at some
// versions.
//
// Two halves with different owners:
//   - an index, per document, of every version: the seq of the TextEdit
//     that made it, its time and author. It is a cache, built from the log
//     on the first history question (one scan) and kept up to date after
//     that by the room on its strand as edits become durable (note_edit,
//     cheap). A room that is never asked pays nothing: before the first
//     question, and again once nobody has asked for kIdleUnload, the room
//     does not even decode its records for it, and the index holds no
//     memory (it costs ~24 bytes an edit while loaded, and a long meeting
//     makes tens of thousands of edits an hour). The index is what turns
//     "version N", "the time T" or "when meeting M started" into a version
//     without scanning the log, and tells the readers which seqs to read.
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

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"
#include "replay/answer_cache.h"
#include "storage/log.h"

namespace kenes::replay {

struct HistoryError {
  kenes::v1::ErrorCode code;
  std::string message;
};

class DocumentHistory {
 public:
  // How long the index stays in memory after the last history question.
  static constexpr std::chrono::minutes kIdleUnload{15};
  // The most bytes of answers kept per consultation.
  static constexpr size_t kAnswerCacheBytes = 16 << 20;

  DocumentHistory(storage::Log& log, std::string consultation_id,
                  std::chrono::steady_clock::duration idle_unload = kIdleUnload);

  // Whether note_edit wants the room's durable edits now: false while the
  // index is not in memory, so the room need not decode its records for it.
  // An edit skipped while this is false is durable, so the next load's scan
  // of the log finds it.
  bool wants_edits() const { return state_.load(std::memory_order_acquire) != State::kCold; }

  // A durable record (its seq set) with a TextEdit, in seq order. Other
  // records are ignored. Also where an idle index is dropped (the room's
  // strand calls it often; the history pool only when asked).
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

  // Questions answered from kept answers, for metrics and tests.
  size_t answer_cache_hits() const { return answers_.hits(); }

 private:
  struct Version {
    uint64_t seq;
    int64_t time_unix_ms;
    uint32_t author;  // index in authors_
  };

  // Loads the index if it is not in memory. Called with an Answering held,
  // so that an idle unload cannot empty it under the caller.
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

  // Keeps the index in memory while a question is answered.
  class Answering;

  // Answers by what they are made of: the kind, the document and the
  // resolved version(s). The text, diff and blame at version v never change
  // as the log grows, so a kept answer stays right; only DocumentAt's
  // latest_version is set afresh on a hit.
  static std::string answer_key(char kind, const std::string& doc_id, uint64_t a, uint64_t b);
  void keep(const std::string& key, const std::function<void(kenes::v1::ServerMessage&)>& fill);

  storage::Log& log_;
  const std::string consultation_id_;
  const std::chrono::steady_clock::duration idle_unload_;

  // kCold: nothing in memory, note_edit ignores edits. kLoading: a scan of
  // the log is running; note_edit keeps what it sees in live_, which goes
  // after the scanned edits (duplicates, by seq, are dropped). kLoaded:
  // note_edit adds to docs_.
  enum class State { kCold, kLoading, kLoaded };
  std::atomic<State> state_{State::kCold};

  std::mutex load_mu_;  // held through the one-time scan; taken before mu_

  mutable std::mutex mu_;
  // Per document, versions 1..latest in order (entry i is version i + 1).
  std::map<std::string, std::vector<Version>> docs_;
  struct LiveEdit {
    std::string doc_id;
    uint64_t version;
    Version at;
  };
  std::vector<LiveEdit> live_;
  std::vector<std::string> authors_;
  std::map<std::string, uint32_t> author_ids_;
  int answering_ = 0;  // questions in progress (under mu_)
  // Answers already made (issue 17): a participant asking the same question
  // in a loop, or a room asking the same one, costs one replay. Emptied
  // with the index when nobody has asked for a while.
  AnswerCache<kenes::v1::ServerMessage> answers_{
      kAnswerCacheBytes, [](const kenes::v1::ServerMessage& m) { return m.ByteSizeLong(); }};
  std::chrono::steady_clock::time_point last_question_;
};

}  // namespace kenes::replay
