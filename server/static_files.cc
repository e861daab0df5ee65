#include "static_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

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

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "q=0.5" of one Accept-Encoding element's parameters; 1 when absent, 0 when
// unreadable (a client that wrote it wrong did not mean "prefer this").
double quality_of(std::string_view params) {
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view param = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || trim(param.substr(1)).empty() ||
        trim(param.substr(1)).front() != '=') {
      continue;
    }
    std::string value(trim(trim(param.substr(1)).substr(1)));
    char* end = nullptr;
    double q = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || !(q >= 0) || q > 1) return 0;
    return q;
  }
  return 1;
}

struct Variant {
  const char* coding;  // Content-Encoding
  const char* suffix;  // next to the plain file
};
// In order of preference at equal q: brotli is the smaller.
constexpr Variant kVariants[] = {{"br", ".br"}, {"gzip", ".gz"}};

}  // namespace

double accepted_quality(std::string_view header, std::string_view coding) {
  double star = -1, named = -1;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view element = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    size_t semi = element.find(';');
    std::string_view name = trim(element.substr(0, semi));
    std::string_view params = semi == std::string_view::npos ? std::string_view{} : element.substr(semi + 1);
    // RFC 9110: x-gzip is gzip.
    if (equals_ignoring_case(name, coding) || (coding == "gzip" && equals_ignoring_case(name, "x-gzip"))) {
      named = std::max(named, quality_of(params));
    } else if (name == "*") {
      star = quality_of(params);
    }
  }
  if (named >= 0) return named;
  return star >= 0 ? star : 0;
}

StaticFile choose_encoding(const fs::path& root, const StaticFile& file, std::string_view accept_encoding) {
  if (file.kind != StaticFile::Kind::kFile) return file;
  struct stat plain {};
  if (::stat(file.path.c_str(), &plain) != 0) return file;
  StaticFile best = file;
  double best_q = 0;
  for (const Variant& v : kVariants) {
    fs::path path = file.path;
    path += v.suffix;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    // Stale: the plain file was replaced after the build compressed it.
    if (st.st_mtim.tv_sec < plain.st_mtim.tv_sec ||
        (st.st_mtim.tv_sec == plain.st_mtim.tv_sec && st.st_mtim.tv_nsec < plain.st_mtim.tv_nsec)) {
      continue;
    }
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (ec || !inside(root, canonical)) continue;
    best.vary = true;
    const double q = accepted_quality(accept_encoding, v.coding);
    if (q <= best_q) continue;
    StaticFile variant = file_result(canonical, file.immutable);
    if (variant.kind != StaticFile::Kind::kFile) continue;
    best_q = q;
    best.path = variant.path;
    best.size = variant.size;
    // Strong ETags name one representation: the variant's own, marked with
    // its coding so that it can never equal another variant's.
    best.etag = variant.etag.substr(0, variant.etag.size() - 1) + "-" + v.coding + "\"";
    best.encoding = v.coding;
  }
  return best;
}

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

bool is_hashed_asset(std::string_view path) {
  constexpr std::string_view kAssets = "/assets/";
  constexpr size_t kMinHashDigits = 8;
  if (path.substr(0, kAssets.size()) != kAssets) return false;
  std::string_view name = path.substr(path.rfind('/') + 1);
  const size_t dot = name.find('.');
  // An extension is required: without one the type would be sniffed from
  // nothing, and no build output lacks one.
  if (dot == std::string_view::npos || dot + 1 == name.size()) return false;
  std::string_view stem = name.substr(0, dot);
  const size_t dash = stem.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return false;
  std::string_view hash = stem.substr(dash + 1);
  if (hash.size() < kMinHashDigits) return false;
  return std::all_of(hash.begin(), hash.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
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
    StaticFile f = file_result(canonical, is_hashed_asset(decoded));
    if (f.kind == StaticFile::Kind::kFile) return f;
  } else if (!ec) {
    // A symlink that leads out of the web root: as good as absent.
    return StaticFile{};
  }
  if (is_asset) return StaticFile{};
  return file_result(root / "index.html", false);
}

}  // namespace kenes::server
