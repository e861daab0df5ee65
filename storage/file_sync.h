#pragma once

// Making a file or a folder entry durable: fsync on a path. A new file is
// durable only once its folder's entry is synced too (POSIX), so the backup
// files, their manifest and a restore's folder are synced both ways.

#include <filesystem>

#include "storage/status.h"

namespace kenes::storage {

// fsync of the file or folder at `p` (`directory`: open it as a folder).
// An error names the path.
Status fsync_path(const std::filesystem::path& p, bool directory);

}  // namespace kenes::storage
