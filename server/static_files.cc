#include "static_files.h"

#include <sys/stat.h>

#include <cstdio>

namespace kenes::server {
namespace {

namespace fs = std::filesystem;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Returns false for malformed escapes and for escapes we refuse outright.
bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      char decoded = static_cast<char>(hi * 16 + lo);
      // An encoded slash or backslash is a classic traversal trick; no file
      // of ours needs one.
      if (decoded == '/' || decoded == '\\' || decoded == '\0') return false;
      out += decoded;
      i += 2;
    } else {
      out += c;
    }
  }
  return true;
}

bool inside(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

StaticFile file_result(const fs::path& path, bool immutable) {
  StaticFile f;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return f;
  f.kind = StaticFile::Kind::kFile;
  f.path = path;
  f.size = static_cast<uint64_t>(st.st_size);
  f.mime = std::string(mime_type_for(path.extension().string()));
  char etag[64];
  std::snprintf(etag, sizeof etag, "\"%llx-%llx\"", static_cast<unsigned long long>(st.st_size),
                static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ull +
                    static_cast<unsigned long long>(st.st_mtim.tv_nsec));
  f.etag = etag;
  f.immutable = immutable;
  return f;
}

}  // namespace

std::string_view mime_type_for(std::string_view ext) {
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".gif") return "image/gif";
  if (ext == ".webp") return "image/webp";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".wasm") return "application/wasm";
  if (ext == ".webmanifest") return "application/manifest+json";
  return "application/octet-stream";
}

StaticFile resolve_static_file(const fs::path& root, std::string_view target) {
  StaticFile bad;
  bad.kind = StaticFile::Kind::kBadRequest;
  // Drop the query and fragment: they never name a file.
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  if (path.empty() || path.front() != '/') return bad;
  std::string decoded;
  if (!percent_decode(path, decoded)) return bad;
  if (decoded.find('\\') != std::string::npos || decoded.find('\0') != std::string::npos) return bad;
  // Refuse any ".." segment rather than normalising it away: a legitimate
  // client never sends one.
  for (size_t start = 0; start <= decoded.size();) {
    size_t end = decoded.find('/', start);
    if (end == std::string::npos) end = decoded.size();
    if (std::string_view(decoded).substr(start, end - start) == "..") return bad;
    start = end + 1;
  }

  const bool is_asset = decoded.rfind("/assets/", 0) == 0;
  fs::path candidate = root / fs::path(decoded).relative_path();
  if (decoded.back() == '/') candidate /= "index.html";
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(candidate, ec);
  if (!ec && inside(root, canonical)) {
    StaticFile f = file_result(canonical, is_asset);
    if (f.kind == StaticFile::Kind::kFile) return f;
  } else if (!ec) {
    // A symlink that leads out of the web root: as good as absent.
    return StaticFile{};
  }
  if (is_asset) return StaticFile{};
  return file_result(root / "index.html", false);
}

}  // namespace kenes::server
