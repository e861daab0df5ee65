#include "storage/file_sync.h"

#include <fcntl.h>
#include <unistd.h>

namespace kenes::storage {

Status fsync_path(const std::filesystem::path& p, bool directory) {
  const int fd = ::open(p.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return Status(Code::kIoError, "open " + p.string() + " for fsync failed");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status(Code::kIoError, "fsync " + p.string() + " failed");
  return Status();
}

}  // namespace kenes::storage
