#include "consultation/record_audience.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

namespace kenes::consultation {

std::string record_audience(const kenes::v1::LogRecord& rec, const AssessmentState& assessment,
                            int64_t now_unix_ms) {
  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kThreadsRead:
    case kenes::v1::LogRecord::kVisited:
    case kenes::v1::LogRecord::kNotificationSettingsSet:
      return rec.author();
    case kenes::v1::LogRecord::kDigestSent:
      return rec.digest_sent().participant_id();
    case kenes::v1::LogRecord::kVoteCast: {
      const PollState* p = assessment.poll(rec.vote_cast().poll_id());
      if (!p || p->definition.anonymous()) return rec.author();
      // A named poll's ballots show who chose what: not before its results
      // reach everyone — at the close, unless the chair chose live results
      // (an open poll's results otherwise wait for each voter's own ballot,
      // and a record cannot be held back per reader until then).
      if (!p->closed(now_unix_ms) && (p->definition.results_hidden_until_closed() || !p->definition.live_results())) {
        return rec.author();
      }
      return {};
    }
    default:
      return {};
  }
}

bool may_have_one_recipient(std::string_view record_payload) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(record_payload.data()),
                                            static_cast<int>(record_payload.size()));
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return !in.ConsumedEntireMessage();
    switch (WireFormatLite::GetTagFieldNumber(tag)) {
      case kenes::v1::LogRecord::kVoteCastFieldNumber:
      case kenes::v1::LogRecord::kThreadsReadFieldNumber:
      case kenes::v1::LogRecord::kVisitedFieldNumber:
      case kenes::v1::LogRecord::kNotificationSettingsSetFieldNumber:
      case kenes::v1::LogRecord::kDigestSentFieldNumber:
        return true;
      default:
        if (!WireFormatLite::SkipField(&in, tag)) return true;
    }
  }
}

bool payload_meant_for(std::string_view payload, const std::string& participant_id, const AssessmentState& assessment,
                       int64_t now_unix_ms, kenes::v1::LogRecord& scratch) {
  if (!may_have_one_recipient(payload)) return true;
  scratch.Clear();
  if (!scratch.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return false;
  const std::string only = record_audience(scratch, assessment, now_unix_ms);
  return only.empty() || only == participant_id;
}

}  // namespace kenes::consultation
