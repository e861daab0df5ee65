#pragma once

// Rebuilding a consultation's state at start-up: the latest snapshot set, then
// the tail of the log replayed through ConsultationState::apply. The tail's
// hash chain is checked as it is read; a break is an error that names the seq
// (the operator decides: kenes-admin verify / repair), never a silent skip.

#include <string>

#include "consultation_state.h"
#include "room.h"
#include "storage/log.h"

namespace kenes::server {

struct Recovered {
  ConsultationState state;
  RoomHead head;
  uint64_t replayed_records = 0;
  bool used_snapshot = false;
  std::string error;  // empty when ok
};

// `use_snapshots` = false replays the whole log (tests compare both ways).
Recovered recover_consultation(storage::Log& log, const std::string& consultation_id, bool use_snapshots = true);

}  // namespace kenes::server
