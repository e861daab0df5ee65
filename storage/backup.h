#pragma once

// Backups of the log folder, and restoring one into an empty folder.
//
// A backup is a folder:
//   <dir>/log/          a complete RocksDB log folder (the format of README.md)
//   <dir>/KENES-BACKUP  the manifest (text, one fact a line), written last:
//                         kenes-log-backup 1
//                         created_unix_ms <ms>
//                         keys <number of key-value pairs copied>
//                         bytes <their bytes>
//                         head <consultation> <seq> <64 hex digits>   (one per consultation)
//                         end
// A folder without a manifest ending in "end" is an interrupted backup and
// is refused by restore.
//
// Backups are taken by RocksLog::backup_to (rocks_log.h): a logical,
// point-in-time copy of every column family, taken from a RocksDB snapshot
// (in the server's own process) or from a read-only view that another
// process opened (kenes-admin backup, while the server runs).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "storage/log.h"
#include "storage/status.h"

namespace kenes::storage {

inline constexpr const char* kBackupManifestName = "KENES-BACKUP";
inline constexpr const char* kBackupLogFolder = "log";

struct BackupReport {
  std::string directory;
  std::uint64_t created_unix_ms = 0;
  std::uint64_t keys = 0;
  std::uint64_t bytes = 0;
  // The head of every consultation in the backup, sorted by id.
  std::vector<std::pair<std::string, Head>> heads;
  // Consultations whose copy does not verify (the message of verify()). A
  // backup of a damaged log is still written — it may be all there is — but
  // says so here.
  std::vector<std::string> problems;
};

// Reads and checks <dir>/KENES-BACKUP. kNotFound if there is none,
// kCorruption if it is incomplete or malformed.
Result<BackupReport> read_backup_manifest(const std::string& backup_dir);

// Copies the backup in backup_dir into log_path, which must not exist or be an
// empty folder (kInvalidArgument otherwise: restore never overwrites a log).
// The copy is made in a sibling staging folder, opened and verified against
// the manifest's heads, synced, and only then renamed to log_path, so an
// interrupted restore leaves no half log behind. Returns the manifest, with
// `problems` filled if a consultation does not verify (the restore is then
// refused: kCorruption).
Result<BackupReport> restore_backup(const std::string& backup_dir, const std::string& log_path);

}  // namespace kenes::storage
