#pragma once

// Maps a request target to a file of the web app, safely.
//
// Rules: the target is percent-decoded once; a path with "..", a backslash, a
// NUL or an encoded slash is refused; the file's canonical path (symlinks
// resolved) must lie inside the web root. A path that names no file and is not
// under /assets/ gets index.html (the single-page app routes on the client:
// /join, /c/<consultation>/i/R.1.1). Missing assets are 404s, so a stale
// bundle fails loudly instead of receiving HTML.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace kenes::server {

struct StaticFile {
  enum class Kind { kFile, kNotFound, kBadRequest };
  Kind kind = Kind::kNotFound;
  std::filesystem::path path;
  std::string mime;
  std::string etag;  // strong: size + modification time
  uint64_t size = 0;
  bool immutable = false;  // hashed asset names never change content
};

// `root` must be canonical (std::filesystem::weakly_canonical of --web-root).
StaticFile resolve_static_file(const std::filesystem::path& root, std::string_view target);

std::string_view mime_type_for(std::string_view extension);

}  // namespace kenes::server
