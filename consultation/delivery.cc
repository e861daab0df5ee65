#include "consultation/delivery.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

namespace kenes::consultation {

Delivery delivery_of(const kenes::v1::LogRecord& rec, const ConsultationState& state, int64_t now_unix_ms) {
  Delivery d;
  d.only_participant = record_audience(rec, state.assessment(), now_unix_ms);
  d.ack.set_seq(rec.seq());
  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kTextEdit:
      d.ack.set_version(rec.text_edit().version());
      if (!rec.client_id().empty()) {
        // A submitted edit: the Ack settles its author's op in flight.
        d.ack_replaces_record = true;
        d.ack.set_doc_id(rec.text_edit().doc_id());
        d.ack.set_client_seq(rec.client_seq());
      }
      // An accepted suggestion's edit has no client id: its version, but no
      // doc_id, so that no client takes it for the Ack of its own op.
      break;
    case kenes::v1::LogRecord::kVoteCast: {
      d.poll_changed = rec.vote_cast().poll_id();
      const auto& b = state.assessment().last_ballot();
      if (b && b->seq == rec.seq() && !b->counted) {
        d.refusal = Refusal{kenes::v1::ERROR_CODE_POLL_CLOSED,
                            "the poll closed before your ballot was recorded; it was not counted"};
      }
      break;
    }
    case kenes::v1::LogRecord::kPollCreated:
      d.poll_changed = rec.poll_created().poll_id();
      break;
    case kenes::v1::LogRecord::kPollOpened:
      d.poll_changed = rec.poll_opened().poll_id();
      d.poll_times_changed = true;
      break;
    case kenes::v1::LogRecord::kPollClosed:
      d.poll_changed = rec.poll_closed().poll_id();
      d.poll_times_changed = true;
      break;
    case kenes::v1::LogRecord::kValidationItemOpened:
      d.poll_changed = rec.validation_item_opened().poll_id();
      d.poll_times_changed = true;
      break;
    case kenes::v1::LogRecord::kParticipantRevoked:
      d.revoked_participant = rec.participant_revoked().participant_id();
      break;
    default:
      break;
  }
  return d;
}

namespace {

// Whether the record may carry someone's gender: only the server needs it
// (to count), so no client is sent it (issue 18). A scan of the top-level
// field numbers, without decoding: most records are text edits.
bool may_carry_gender(std::string_view payload) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(payload.data()),
                                            static_cast<int>(payload.size()));
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return false;
    switch (WireFormatLite::GetTagFieldNumber(tag)) {
      case kenes::v1::LogRecord::kParticipantInvitedFieldNumber:
      case kenes::v1::LogRecord::kProfileUpdatedFieldNumber:
      case kenes::v1::LogRecord::kParticipantsImportedFieldNumber:
      case kenes::v1::LogRecord::kVoteCastFieldNumber:
        return true;
      default:
        if (!WireFormatLite::SkipField(&in, tag)) return false;
    }
  }
}

// Clears every gender in `rec`; false if there was none to clear.
bool clear_gender(kenes::v1::LogRecord& rec) {
  bool cleared = false;
  auto clear = [&](std::string* gender) {
    if (gender->empty()) return;
    gender->clear();
    cleared = true;
  };
  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kParticipantInvited: clear(rec.mutable_participant_invited()->mutable_gender()); break;
    case kenes::v1::LogRecord::kProfileUpdated: clear(rec.mutable_profile_updated()->mutable_gender()); break;
    case kenes::v1::LogRecord::kParticipantsImported:
      for (auto& p : *rec.mutable_participants_imported()->mutable_people()) clear(p.mutable_gender());
      break;
    case kenes::v1::LogRecord::kVoteCast: clear(rec.mutable_vote_cast()->mutable_voter_gender()); break;
    default: break;
  }
  return cleared;
}

}  // namespace

std::string outgoing_record(const DiscussionState& discussion, uint64_t seq, std::string record_bytes) {
  if (may_carry_gender(record_bytes)) {
    kenes::v1::LogRecord rec;
    if (rec.ParseFromString(record_bytes) && clear_gender(rec)) return rec.SerializeAsString();
    return record_bytes;
  }
  if (!discussion.redacted(seq)) return record_bytes;
  kenes::v1::LogRecord rec;
  // The room's own bytes, parsed once already when they were appended: a
  // failure here cannot come from a client.
  if (!rec.ParseFromString(record_bytes)) return record_bytes;
  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kThreadCreated:
      rec.mutable_thread_created()->clear_body();
      rec.mutable_thread_created()->clear_mentions();
      break;
    case kenes::v1::LogRecord::kCommentAdded:
      rec.mutable_comment_added()->clear_body();
      rec.mutable_comment_added()->clear_mentions();
      break;
    case kenes::v1::LogRecord::kCommentEdited:
      rec.mutable_comment_edited()->clear_body();
      rec.mutable_comment_edited()->clear_mentions();
      break;
    default:
      return record_bytes;
  }
  return rec.SerializeAsString();
}

}  // namespace kenes::consultation
