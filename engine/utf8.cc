#include "engine/utf8.h"

#include <bit>
#include <cstring>
#include <string>

namespace kenes::engine {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ull;

uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Bit 7 set in each byte of `w` that is a continuation byte (10xxxxxx).
uint64_t continuation_mask(uint64_t w) { return w & kHighBits & ~(w << 1); }

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

std::string hex_byte(unsigned char c) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string s = "0x";
  s += kDigits[c >> 4];
  s += kDigits[c & 15];
  return s;
}

Status utf8_error(size_t offset, std::string_view why) {
  std::string msg = "invalid UTF-8 at byte ";
  msg += std::to_string(offset);
  msg += ": ";
  msg += why;
  return Status(ErrorCode::kInvalidUtf8, std::move(msg));
}

}  // namespace

Result<uint64_t> validate_utf8(std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0;
  uint64_t code_points = 0;
  while (i < n) {
    // Fast path: eight ASCII bytes at once.
    if (i + 8 <= n && (load8(bytes.data() + i) & kHighBits) == 0) {
      i += 8;
      code_points += 8;
      continue;
    }
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      ++code_points;
      continue;
    }
    size_t len;
    // The allowed range of the second byte depends on the lead byte: that is
    // where overlongs, surrogates and values above U+10FFFF are excluded.
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else if (is_continuation(c)) {
      return utf8_error(i, "unexpected continuation byte " + hex_byte(c));
    } else if (c == 0xC0 || c == 0xC1) {
      return utf8_error(i, "overlong encoding (lead byte " + hex_byte(c) + ")");
    } else {
      return utf8_error(i, "byte " + hex_byte(c) + " never appears in UTF-8");
    }
    if (i + 1 >= n) return utf8_error(i, "truncated sequence at the end of the text");
    const unsigned char c1 = s[i + 1];
    if (c1 < lo || c1 > hi) {
      if (!is_continuation(c1)) return utf8_error(i, "truncated sequence (byte " + hex_byte(c1) + " follows the lead byte)");
      if (c == 0xE0 || c == 0xF0) return utf8_error(i, "overlong encoding");
      if (c == 0xED) return utf8_error(i, "surrogate code point (U+D800..U+DFFF)");
      return utf8_error(i, "code point above U+10FFFF");
    }
    for (size_t k = 2; k < len; ++k) {
      if (i + k >= n) return utf8_error(i, "truncated sequence at the end of the text");
      if (!is_continuation(s[i + k])) {
        return utf8_error(i, "truncated sequence (byte " + hex_byte(s[i + k]) + " follows)");
      }
    }
    i += len;
    ++code_points;
  }
  return code_points;
}

bool is_valid_utf8(std::string_view bytes) { return validate_utf8(bytes).ok(); }

uint64_t count_code_points(std::string_view valid) {
  const char* p = valid.data();
  const size_t n = valid.size();
  size_t i = 0;
  uint64_t continuation = 0;
  for (; i + 8 <= n; i += 8) continuation += std::popcount(continuation_mask(load8(p + i)));
  for (; i < n; ++i) continuation += is_continuation(static_cast<unsigned char>(p[i]));
  return n - continuation;
}

size_t byte_offset_of_code_point(std::string_view valid, uint64_t n) {
  const char* p = valid.data();
  const size_t size = valid.size();
  size_t i = 0;
  // Skip whole words while the target code point starts beyond them. A word
  // holds 8 - (continuation bytes) code point starts.
  for (; i + 8 <= size; i += 8) {
    const uint64_t starts = 8 - std::popcount(continuation_mask(load8(p + i)));
    if (starts > n) break;
    n -= starts;
  }
  for (; i < size; ++i) {
    if (is_continuation(static_cast<unsigned char>(p[i]))) continue;
    if (n == 0) return i;
    --n;
  }
  return size;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::u32string decode_utf8(std::string_view valid) {
  std::u32string out;
  const auto* s = reinterpret_cast<const unsigned char*>(valid.data());
  const size_t n = valid.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len && i + k < n; ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    out += cp;
    i += len;
  }
  return out;
}

std::string encode_utf8(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t cp : code_points) append_utf8(out, cp);
  return out;
}

}  // namespace kenes::engine
