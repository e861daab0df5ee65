#pragma once

// Test-only entry points of RocksLog that need RocksDB types.

#include <rocksdb/env.h>

#include "storage/rocks_log.h"

namespace kenes::storage::testing {

// RocksLog::open with RocksDB running on `env` (e.g. a fault-injecting one).
// The env must outlive the log.
Result<std::unique_ptr<RocksLog>> open_rocks_log_with_env(const std::string& path, RocksLogOptions options,
                                                          rocksdb::Env* env);

// Writes raw bytes at a key of the `log` column family of a closed log
// folder (or deletes the key when value is nullopt), bypassing every check:
// for building corrupt logs.
Status write_raw_log_entry(const std::string& path, const std::string& key,
                           std::optional<std::string> value);

}  // namespace kenes::storage::testing
