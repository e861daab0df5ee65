#include "storage/log.h"

#include <future>

namespace kenes::storage {

std::optional<Durability> parse_durability(std::string_view name) {
  if (name == "fsync") return Durability::kFsync;
  if (name == "wal") return Durability::kWal;
  if (name == "none") return Durability::kNone;
  return std::nullopt;
}

std::string_view durability_name(Durability durability) {
  switch (durability) {
    case Durability::kFsync: return "fsync";
    case Durability::kWal: return "wal";
    case Durability::kNone: return "none";
  }
  return "unknown";
}

std::string_view verify_break_kind_name(VerifyBreak::Kind kind) {
  switch (kind) {
    case VerifyBreak::Kind::kBadKey: return "bad key";
    case VerifyBreak::Kind::kGap: return "gap";
    case VerifyBreak::Kind::kBadFrame: return "bad frame";
    case VerifyBreak::Kind::kSeqMismatch: return "seq mismatch";
    case VerifyBreak::Kind::kChainBreak: return "chain break";
    case VerifyBreak::Kind::kDanglingIndex: return "dangling index entry";
    case VerifyBreak::Kind::kSnapshotAhead: return "snapshot ahead of the log";
  }
  return "unknown";
}

Result<Appended> Log::append(std::string_view consultation, std::vector<Entry> entries) {
  std::promise<Result<Appended>> promise;
  auto future = promise.get_future();
  append_async(consultation, std::move(entries),
               [&promise](Result<Appended> result) { promise.set_value(std::move(result)); });
  return future.get();
}

}  // namespace kenes::storage
