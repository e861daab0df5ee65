#include "consultation/in_flight.h"

#include <algorithm>

namespace kenes::consultation {

uint64_t InFlight::next_poll_number(const AssessmentState& assessment) const {
  return std::max(poll_ids_issued_, assessment.polls_created()) + 1;
}

uint64_t InFlight::next_meeting_number(const AssessmentState& assessment) const {
  return std::max<uint64_t>(meeting_ids_issued_, assessment.meetings_started()) + 1;
}

uint64_t InFlight::next_session_number(const AssessmentState& assessment) const {
  return std::max<uint64_t>(session_ids_issued_, assessment.validation_sessions().size()) + 1;
}

uint64_t InFlight::next_reference_number(const AssessmentState& assessment) const {
  return std::max(reference_ids_issued_, assessment.references_added()) + 1;
}

uint64_t InFlight::next_figure_number(const AssessmentState& assessment) const {
  return std::max(figure_ids_issued_, assessment.figures_added()) + 1;
}

void InFlight::built(const kenes::v1::LogRecord& rec, const AssessmentState& assessment) {
  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kPollCreated:
      poll_ids_issued_ = next_poll_number(assessment);
      break;
    case kenes::v1::LogRecord::kPollOpened:
      poll_changes_.insert(rec.poll_opened().poll_id());
      break;
    case kenes::v1::LogRecord::kPollClosed:
      poll_changes_.insert(rec.poll_closed().poll_id());
      break;
    case kenes::v1::LogRecord::kMeetingStarted:
      meeting_ids_issued_ = next_meeting_number(assessment);
      ++meeting_changes_;
      break;
    case kenes::v1::LogRecord::kMeetingEnded:
      ++meeting_changes_;
      break;
    case kenes::v1::LogRecord::kValidationSessionStarted:
      session_ids_issued_ = next_session_number(assessment);
      ++session_changes_;
      break;
    case kenes::v1::LogRecord::kValidationItemOpened:
      // A poll created and opened at once.
      poll_ids_issued_ = next_poll_number(assessment);
      poll_changes_.insert(rec.validation_item_opened().poll_id());
      ++session_changes_;
      break;
    case kenes::v1::LogRecord::kValidationItemSkipped:
    case kenes::v1::LogRecord::kValidationSessionEnded:
      ++session_changes_;
      break;
    case kenes::v1::LogRecord::kReferenceAdded:
      reference_ids_issued_ = next_reference_number(assessment);
      break;
    case kenes::v1::LogRecord::kFigureAdded:
      figure_ids_issued_ = next_figure_number(assessment);
      break;
    default:
      break;
  }
}

void InFlight::durable(const kenes::v1::LogRecord& rec) {
  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kPollOpened:
      poll_changes_.erase(rec.poll_opened().poll_id());
      break;
    case kenes::v1::LogRecord::kPollClosed:
      poll_changes_.erase(rec.poll_closed().poll_id());
      break;
    case kenes::v1::LogRecord::kMeetingStarted:
    case kenes::v1::LogRecord::kMeetingEnded:
      if (meeting_changes_ > 0) --meeting_changes_;
      break;
    case kenes::v1::LogRecord::kValidationItemOpened:
      poll_changes_.erase(rec.validation_item_opened().poll_id());
      if (session_changes_ > 0) --session_changes_;
      break;
    case kenes::v1::LogRecord::kValidationSessionStarted:
    case kenes::v1::LogRecord::kValidationItemSkipped:
    case kenes::v1::LogRecord::kValidationSessionEnded:
      if (session_changes_ > 0) --session_changes_;
      break;
    default:
      break;
  }
}

}  // namespace kenes::consultation
