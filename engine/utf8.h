#pragma once

// UTF-8 as the engine needs it: positions in Kenes count Unicode code points
// (scalar values), while text is stored and sent as UTF-8 bytes. These
// functions convert between the two and check that untrusted bytes are valid
// UTF-8 before they enter a document.
//
// All functions are pure and thread-safe. The ones taking "valid" text have
// the precondition that it already passed validate_utf8(); on invalid input
// they return some number but never read out of bounds.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace kenes::engine {

// Checks that `bytes` is well-formed UTF-8 as the Unicode standard defines it
// (table 3-7): no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF, no truncated or stray continuation bytes. Returns the number of
// code points, or kInvalidUtf8 naming the first bad byte offset and why.
Result<uint64_t> validate_utf8(std::string_view bytes);

bool is_valid_utf8(std::string_view bytes);

// Number of code points in valid UTF-8 (counts the bytes that are not
// continuation bytes; eight at a time).
uint64_t count_code_points(std::string_view valid);

// Byte offset at which code point number `n` (0-based) starts in valid UTF-8;
// returns valid.size() when n equals (or exceeds) the code point count.
size_t byte_offset_of_code_point(std::string_view valid, uint64_t n);

// Appends the UTF-8 encoding of a Unicode scalar value. Precondition: `cp` is
// at most U+10FFFF and not a surrogate.
void append_utf8(std::string& out, char32_t cp);

// Decodes valid UTF-8 into code points (for tests and brute-force checks).
std::u32string decode_utf8(std::string_view valid);

// Encodes code points as UTF-8 (for tests and brute-force checks).
std::string encode_utf8(std::u32string_view code_points);

}  // namespace kenes::engine
