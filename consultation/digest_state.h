#pragma once

// What the e-mail digest needs to know, as a pure function of the log
// (proto/README.md, "E-mail digest"): each participant's settings
// (NotificationSettingsSet, record 77) and their last digest (DigestSent,
// record 78), plus a light index of the threads (records 60-64: who started
// each thread and on what, who commented when, whom each comment mentioned
// first when, which comments are gone).
// ConsultationState owns one and hands it every record after it folded it.
//
// The thread index is the digest's own: it keeps no bodies, only who and
// where, so it stays small and its snapshot is a list of body-less records.
// The threads fold (discussion_state) is the authority on threads; this index
// only reads the same records.
//
// Not thread-safe: owned by a Room, touched on its strand.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/status.h"
#include "kenes/v1/log.pb.h"

namespace kenes::consultation {

struct DigestSettings {
  std::string email;  // "" or OFF: no digest
  kenes::v1::DigestPeriod period = kenes::v1::DIGEST_PERIOD_UNSPECIFIED;
  // The seq of the settings record that (last) turned the digest on: a first
  // digest covers only what came after it, not the consultation's past.
  uint64_t enabled_seq = 0;
  // The latest DigestSent for this participant (0 / 0 if none).
  uint64_t last_up_to_seq = 0;
  int64_t last_sent_unix_ms = 0;
  uint32_t last_items = 0;

  bool enabled() const {
    return !email.empty() && period != kenes::v1::DIGEST_PERIOD_OFF &&
           period != kenes::v1::DIGEST_PERIOD_UNSPECIFIED;
  }
  // Items after this seq are new for the next digest.
  uint64_t covered_seq() const { return std::max(enabled_seq, last_up_to_seq); }
};

struct DigestThread {
  std::string creator;
  std::string indicator_id;
  std::string doc_id;
  uint64_t created_seq = 0;
  // Participant -> the seq of their first comment in the thread (the
  // creator's is created_seq).
  std::map<std::string, uint64_t> first_comment_seq;
};

struct DigestComment {
  std::string author;
  bool gone = false;  // deleted by its author or hidden by the chair
  // Participant -> the seq of the first record (the comment or one of its
  // edits) that mentioned them: an edit that keeps a mention is not news.
  std::map<std::string, uint64_t> first_mentioned_seq;
};

class DigestState {
 public:
  // Records 77 and 78: this state's own.
  static bool handles(const kenes::v1::LogRecord& rec);
  // Records 60-64: read for the thread index (their fold is elsewhere).
  static bool observes(const kenes::v1::LogRecord& rec);

  // Folds a record `handles` or `observes` (others are ignored). A DigestSent
  // without a participant is an error naming the seq; nothing changes then.
  engine::Status apply(const kenes::v1::LogRecord& rec);

  // Snapshot: the records folded so far, bodies stripped; load_snapshot()
  // refolds them (a fresh state only).
  std::string snapshot_bytes() const;
  engine::Status load_snapshot(const std::string& bytes);

  const std::map<std::string, DigestSettings>& settings() const { return settings_; }
  const DigestSettings* settings_of(const std::string& participant_id) const;
  const DigestThread* thread(const std::string& thread_id) const;
  const DigestComment* comment(const std::string& comment_id) const;

 private:
  std::map<std::string, DigestSettings> settings_;
  std::map<std::string, DigestThread> threads_;
  std::map<std::string, DigestComment> comments_;
  // The records folded, bodies stripped, encoded as AssessmentSnapshot.records
  // fields: the snapshot's bytes as they are.
  std::string records_;
};

}  // namespace kenes::consultation
