#pragma once

// The server secret that signs invite tokens. It lives in the data folder as
// `secret.key` (32 random bytes, mode 0600) and is created on first start.
// Losing it invalidates every invite link; copying it lets anyone mint links,
// so backups of the data folder must be kept as carefully as the key itself.

#include <string>

namespace kenes::server {

struct SecretKeyResult {
  std::string key;    // 32 bytes when ok
  std::string error;  // empty when ok
  bool created = false;
};

// Reads `path`, or creates it with fresh random bytes if it does not exist.
// Refuses a file of the wrong size, or one readable by group or others.
SecretKeyResult load_or_create_secret_key(const std::string& path);

}  // namespace kenes::server
