#pragma once

namespace kenes::server {
// Bumped by hand on a release; the log format has its own version (storage/README.md).
inline constexpr const char* kVersion = "0.1.0";
}  // namespace kenes::server
