#include "auth/secret_key.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kenes::server {
namespace {
constexpr size_t kKeyBytes = 32;

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}
}  // namespace

SecretKeyResult load_or_create_secret_key(const std::string& path) {
  SecretKeyResult r;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    std::string key(kKeyBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kKeyBytes) != 1) {
      r.error = "cannot generate random bytes for the secret key";
      return r;
    }
    // O_EXCL: if two processes race on a fresh folder, exactly one key wins.
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      r.error = errno_text("cannot create secret key", path);
      return r;
    }
    bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      ::unlink(path.c_str());
      r.error = errno_text("cannot write secret key", path);
      return r;
    }
    r.key = std::move(key);
    r.created = true;
    return r;
  }
  if (fd < 0) {
    r.error = errno_text("cannot open secret key", path);
    return r;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    r.error = errno_text("cannot stat secret key", path);
    ::close(fd);
    return r;
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    r.error = "secret key " + path + " is readable by group or others; run: chmod 600 " + path;
    return r;
  }
  // One byte more than a key, so that a longer file is noticed.
  char buf[kKeyBytes + 1];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n != static_cast<ssize_t>(kKeyBytes)) {
    r.error = "secret key " + path + " must hold exactly 32 bytes";
    return r;
  }
  r.key.assign(buf, kKeyBytes);
  return r;
}

}  // namespace kenes::server
