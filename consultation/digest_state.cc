#include "consultation/digest_state.h"

#include "kenes/v1/snapshot.pb.h"
#include "consultation/protobuf_fields.h"

namespace kenes::consultation {

using kenes::v1::LogRecord;

bool DigestState::handles(const LogRecord& rec) {
  return rec.event_case() == LogRecord::kNotificationSettingsSet || rec.event_case() == LogRecord::kDigestSent;
}

bool DigestState::observes(const LogRecord& rec) {
  switch (rec.event_case()) {
    case LogRecord::kThreadCreated:
    case LogRecord::kCommentAdded:
    case LogRecord::kCommentEdited:
    case LogRecord::kCommentDeleted:
    case LogRecord::kCommentHidden:
      return true;
    default:
      return false;
  }
}

engine::Status DigestState::apply(const LogRecord& rec) {
  LogRecord kept;
  switch (rec.event_case()) {
    case LogRecord::kNotificationSettingsSet: {
      const auto& s = rec.notification_settings_set();
      DigestSettings& d = settings_[rec.author()];
      const bool was_enabled = d.enabled();
      d.email = s.email();
      d.period = s.period();
      if (d.enabled() && !was_enabled) d.enabled_seq = rec.seq();
      kept = rec;
      break;
    }
    case LogRecord::kDigestSent: {
      const auto& s = rec.digest_sent();
      if (s.participant_id().empty()) {
        return engine::Status(engine::ErrorCode::kInvalidState,
                              "record " + std::to_string(rec.seq()) + ": a digest sent to no participant");
      }
      DigestSettings& d = settings_[s.participant_id()];
      d.last_up_to_seq = std::max(d.last_up_to_seq, s.up_to_seq());
      d.last_sent_unix_ms = rec.time_unix_ms();
      d.last_items = s.items();
      kept = rec;
      break;
    }
    case LogRecord::kThreadCreated: {
      const auto& t = rec.thread_created();
      DigestThread& th = threads_[t.thread_id()];
      th.creator = rec.author();
      th.indicator_id = t.target().indicator_id();
      th.doc_id = t.target().doc_id();
      th.created_seq = rec.seq();
      th.first_comment_seq.emplace(rec.author(), rec.seq());
      DigestComment& c = comments_[t.first_comment_id()];
      c.author = rec.author();
      for (const auto& m : t.mentions()) c.first_mentioned_seq.emplace(m, rec.seq());
      kept.set_seq(rec.seq());
      kept.set_author(rec.author());
      auto* k = kept.mutable_thread_created();
      k->set_thread_id(t.thread_id());
      k->set_first_comment_id(t.first_comment_id());
      k->mutable_target()->set_indicator_id(t.target().indicator_id());
      k->mutable_target()->set_doc_id(t.target().doc_id());
      *k->mutable_mentions() = t.mentions();
      break;
    }
    case LogRecord::kCommentAdded: {
      const auto& c = rec.comment_added();
      auto it = threads_.find(c.thread_id());
      if (it != threads_.end()) it->second.first_comment_seq.emplace(rec.author(), rec.seq());
      DigestComment& comment = comments_[c.comment_id()];
      comment.author = rec.author();
      for (const auto& m : c.mentions()) comment.first_mentioned_seq.emplace(m, rec.seq());
      kept.set_seq(rec.seq());
      kept.set_author(rec.author());
      kept.mutable_comment_added()->set_thread_id(c.thread_id());
      kept.mutable_comment_added()->set_comment_id(c.comment_id());
      *kept.mutable_comment_added()->mutable_mentions() = c.mentions();
      break;
    }
    case LogRecord::kCommentEdited: {
      const auto& c = rec.comment_edited();
      DigestComment& comment = comments_[c.comment_id()];
      for (const auto& m : c.mentions()) comment.first_mentioned_seq.emplace(m, rec.seq());
      if (c.mentions().empty()) return engine::Status();  // nothing the digest needs to keep
      kept.set_seq(rec.seq());
      kept.set_author(rec.author());
      kept.mutable_comment_edited()->set_thread_id(c.thread_id());
      kept.mutable_comment_edited()->set_comment_id(c.comment_id());
      *kept.mutable_comment_edited()->mutable_mentions() = c.mentions();
      break;
    }
    case LogRecord::kCommentDeleted:
      comments_[rec.comment_deleted().comment_id()].gone = true;
      kept = rec;
      break;
    case LogRecord::kCommentHidden:
      comments_[rec.comment_hidden().comment_id()].gone = true;
      kept.set_seq(rec.seq());
      kept.mutable_comment_hidden()->set_thread_id(rec.comment_hidden().thread_id());
      kept.mutable_comment_hidden()->set_comment_id(rec.comment_hidden().comment_id());
      break;
    default:
      return engine::Status();
  }
  kept.clear_prev_hash();
  append_bytes_field(records_, kenes::v1::AssessmentSnapshot::kRecordsFieldNumber, kept.SerializeAsString());
  return engine::Status();
}

std::string DigestState::snapshot_bytes() const {
  // The same shape as the assessment's snapshot: a list of records, kept
  // encoded as that message's fields so that a set is one copy.
  return records_;
}

engine::Status DigestState::load_snapshot(const std::string& bytes) {
  kenes::v1::AssessmentSnapshot snap;
  if (!snap.ParseFromString(bytes)) {
    return engine::Status(engine::ErrorCode::kInvalidState, "digest snapshot does not decode");
  }
  DigestState fresh;
  for (const auto& rec : snap.records()) {
    engine::Status s = fresh.apply(rec);
    if (!s.ok()) return s;
  }
  *this = std::move(fresh);
  return engine::Status();
}

const DigestSettings* DigestState::settings_of(const std::string& participant_id) const {
  auto it = settings_.find(participant_id);
  return it == settings_.end() ? nullptr : &it->second;
}

const DigestThread* DigestState::thread(const std::string& thread_id) const {
  auto it = threads_.find(thread_id);
  return it == threads_.end() ? nullptr : &it->second;
}

const DigestComment* DigestState::comment(const std::string& comment_id) const {
  auto it = comments_.find(comment_id);
  return it == comments_.end() ? nullptr : &it->second;
}

}  // namespace kenes::consultation
