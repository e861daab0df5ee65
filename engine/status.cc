#include "engine/status.h"

namespace kenes::engine {

std::string_view error_code_name(ErrorCode code) {
  // Do not change: these names appear in test vectors shared with the
  // TypeScript port.
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kMalformed: return "malformed";
    case ErrorCode::kInvalidUtf8: return "invalid_utf8";
    case ErrorCode::kDoesNotFit: return "does_not_fit";
    case ErrorCode::kVersionFromFuture: return "version_from_future";
    case ErrorCode::kVersionTooOld: return "version_too_old";
    case ErrorCode::kStaleClientSeq: return "stale_client_seq";
    case ErrorCode::kInvalidState: return "invalid_state";
    case ErrorCode::kPollClosed: return "poll_closed";
    case ErrorCode::kNotEligible: return "not_eligible";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string out(error_code_name(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace kenes::engine
