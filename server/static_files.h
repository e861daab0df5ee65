#pragma once

// Maps a request target to a file of the web app, safely.
//
// Rules: the target is percent-decoded once; a path with "..", a backslash, a
// NUL or an encoded slash is refused; the file's canonical path (symlinks
// resolved) must lie inside the web root. A path that names no file and is not
// under /assets/ gets index.html (the single-page app routes on the client:
// /join, /c/<consultation>/i/R.1.1). Missing assets are 404s, so a stale
// bundle fails loudly instead of receiving HTML.
//
// Caching: only a name that carries its content's hash may be cached for a
// year (see is_hashed_asset); anything else, index.html and sw.js above all,
// is revalidated on every use, so that a new build reaches every browser on
// its next visit.

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
  bool immutable = false;  // is_hashed_asset: the name changes when the content does
  // Set by choose_encoding: the Content-Encoding of `path` ("br", "gzip"),
  // empty for the plain file; and whether the answer depends on
  // Accept-Encoding (the file has a precompressed variant), so Vary is due.
  std::string encoding;
  bool vary = false;
};

// `root` must be canonical (std::filesystem::weakly_canonical of --web-root).
StaticFile resolve_static_file(const std::filesystem::path& root, std::string_view target);

std::string_view mime_type_for(std::string_view extension);

// Whether a decoded request path names a content-hashed build output:
// /assets/[...]<stem>-<8 or more lower-case hex digits>.<ext>[.<ext>...], as
// client-web/scripts/bundle.mjs writes them (app-<hash>.js, its .map,
// styles-<hash>.css) and their .br/.gz copies. The hash is the part of the
// file name before its first dot, so "jquery-3.7.1.js" or "app.js" is not
// hashed, and neither is a name with no extension.
bool is_hashed_asset(std::string_view decoded_path);

// The precompressed variant of `file` the client accepts, if any: the build
// writes `<name>.br` and `<name>.gz` next to compressible files
// (client-web/scripts/bundle.mjs). Brotli is preferred to gzip at equal q; a
// coding with q=0 (or missing when there is no "*") is never chosen. A
// variant older than the plain file is stale and ignored, as is one that
// leads out of `root`. The variant keeps the plain file's MIME type and
// cache policy, with an ETag of its own. Anything but a kFile comes back
// unchanged.
StaticFile choose_encoding(const std::filesystem::path& root, const StaticFile& file,
                           std::string_view accept_encoding);

// The q-value `accept_encoding` gives `coding` (0 if it is not acceptable).
// An absent or empty header accepts nothing but the plain file here.
double accepted_quality(std::string_view accept_encoding, std::string_view coding);

}  // namespace kenes::server
