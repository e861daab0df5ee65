#pragma once

// Rebuilding a consultation's state from its log, as the server does at
// start-up and every export does: the latest snapshot set, then the tail of
// the log replayed through ConsultationState::apply. The tail's hash chain is
// checked as it is read; a break is an error that names the seq (the operator
// decides: kenes-admin verify / repair), never a silent skip.

#include <string>

#include "consultation/consultation_state.h"
#include "storage/log.h"

namespace kenes::replay {

struct Recovered {
  consultation::ConsultationState state;
  // The last record folded and its hash: where the chain continues.
  storage::Head head;
  uint64_t replayed_records = 0;
  bool used_snapshot = false;
  std::string error;  // empty when ok
};

// `use_snapshots` = false replays the whole log (tests compare both ways).
Recovered recover_consultation(storage::Log& log, const std::string& consultation_id, bool use_snapshots = true);

}  // namespace kenes::replay
