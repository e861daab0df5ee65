#pragma once

// MemoryLog: the Log in memory, for unit tests of the engine and the server.
// Same contract, same frames and hashes, same group-commit writer thread as
// RocksLog (both are KvLogs); only the bytes live in std::maps and vanish with
// the object. Durability is meaningless here and ignored.

#include <memory>

#include "storage/kv_log.h"

namespace kenes::storage {

class MemoryLog : public KvLog {
 public:
  MemoryLog();
  ~MemoryLog() override;

  // Test hook: the next `count` log writes fail with `error` (which then
  // becomes the sticky error, as a real write failure would).
  void fail_next_writes(Status error, int count = 1);

  // Test hook: replaces the stored frame of record `seq` with `frame`
  // (bypassing every check), or removes it when `frame` is nullopt, to build
  // corrupt logs. Returns false if there was nothing to replace.
  bool overwrite_record_for_testing(std::string_view consultation, std::uint64_t seq,
                                    std::optional<std::string> frame);
};

}  // namespace kenes::storage
