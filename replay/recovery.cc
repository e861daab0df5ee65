#include "replay/recovery.h"

namespace kenes::replay {

Recovered recover_consultation(storage::Log& log, const std::string& consultation_id, bool use_snapshots) {
  Recovered r{consultation::ConsultationState(consultation_id), storage::Head{}, 0, false, {}};
  uint64_t from = 1;
  if (use_snapshots) {
    auto snaps = log.load_latest_snapshots(consultation_id);
    if (snaps.ok() && snaps.value().covered_seq > 0) {
      consultation::ConsultationState candidate(consultation_id);
      bool good = true;
      for (auto& e : snaps.value().entries) {
        if (!candidate.load_snapshot(e.name, std::move(e.bytes)).ok()) {
          good = false;
          break;
        }
      }
      if (good) good = candidate.finish_loading_snapshots().ok();
      // A snapshot that does not load is only a lost cache: replay instead.
      if (good) {
        candidate.set_seq(snaps.value().covered_seq);
        r.state = std::move(candidate);
        r.used_snapshot = true;
        from = snaps.value().covered_seq + 1;
      }
    }
  }
  storage::Hash expected_prev{};  // the zero hash before the first record
  if (from > 1) {
    auto prev = log.read(consultation_id, from - 1, 1);
    if (!prev.ok() || prev.value().empty()) {
      r.error = "cannot read record " + std::to_string(from - 1) + " under the snapshot";
      return r;
    }
    expected_prev = prev.value().front().hash;
  }
  std::string error;
  // replay() checks contiguity and the chain inside the range; the first
  // record is checked against the one under the snapshot here.
  kenes::v1::LogRecord decoded;
  storage::Status st = log.replay(consultation_id, from, [&](const storage::RecordView& rec) -> storage::Status {
    if (rec.prev_hash != expected_prev) {
      error = "hash chain broken at seq " + std::to_string(rec.seq) + ": prev_hash does not match record " +
              std::to_string(rec.seq - 1);
      return storage::Status(storage::Code::kCorruption, error);
    }
    decoded.Clear();
    if (!decoded.ParseFromArray(rec.payload.data(), static_cast<int>(rec.payload.size()))) {
      error = "record " + std::to_string(rec.seq) + " does not decode as kenes.v1.LogRecord";
      return storage::Status(storage::Code::kCorruption, error);
    }
    decoded.set_seq(rec.seq);
    engine::Status s = r.state.apply(decoded);
    if (!s.ok()) {
      error = s.message();
      return storage::Status(storage::Code::kCorruption, error);
    }
    expected_prev = rec.hash;
    ++r.replayed_records;
    return storage::Status();
  });
  if (!st.ok() && error.empty()) error = st.message();
  if (!error.empty()) {
    r.error = error;
    return r;
  }
  r.head.seq = r.state.seq();
  r.head.hash = expected_prev;
  return r;
}

}  // namespace kenes::replay
