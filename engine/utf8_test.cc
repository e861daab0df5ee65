#include "engine/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace kenes::engine {
namespace {

std::string bytes(std::initializer_list<int> list) {
  std::string s;
  for (int b : list) s += static_cast<char>(b);
  return s;
}

// A second, deliberately naive validator to check the real one against:
// decode by bit pattern, then reject by value.
bool reference_valid(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) { len = 1; cp = c; }
    else if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len]) return false;            // overlong
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;     // surrogate
    if (cp > 0x10FFFF) return false;
    i += len;
  }
  return true;
}

TEST(Utf8Test, AcceptsAsciiCyrillicCjkAndEmoji) {
  EXPECT_EQ(*validate_utf8(""), 0u);
  EXPECT_EQ(*validate_utf8("hello"), 5u);
  EXPECT_EQ(*validate_utf8("Қазақстан"), 9u);
  EXPECT_EQ(*validate_utf8("ғңүұһәі"), 7u);
  EXPECT_EQ(*validate_utf8("漢字"), 2u);
  EXPECT_EQ(*validate_utf8("👍"), 1u);
  EXPECT_EQ(*validate_utf8("👍🏽"), 2u);
  EXPECT_EQ(*validate_utf8("👨\u200D👩\u200D👧\u200D👦"), 7u);
  EXPECT_EQ(*validate_utf8("e\u0301"), 2u);
  EXPECT_EQ(*validate_utf8(bytes({0xF4, 0x8F, 0xBF, 0xBF})), 1u);  // U+10FFFF, the last scalar value
}

TEST(Utf8Test, RejectsOverlongEncodings) {
  for (const std::string& s : {bytes({0xC0, 0x80}), bytes({0xC1, 0xBF}), bytes({0xE0, 0x80, 0x80}),
                               bytes({0xE0, 0x9F, 0xBF}), bytes({0xF0, 0x80, 0x80, 0x80}),
                               bytes({0xF0, 0x8F, 0xBF, 0xBF})}) {
    Result<uint64_t> r = validate_utf8(s);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidUtf8);
    EXPECT_NE(r.status().message().find("overlong"), std::string::npos) << r.status().message();
  }
}

TEST(Utf8Test, RejectsSurrogates) {
  Result<uint64_t> r = validate_utf8(bytes({0xED, 0xA0, 0x80}));  // U+D800
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("surrogate"), std::string::npos);
  EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xBF, 0xBF})));  // U+DFFF
  EXPECT_TRUE(is_valid_utf8(bytes({0xED, 0x9F, 0xBF})));   // U+D7FF
}

TEST(Utf8Test, RejectsCodePointsAboveU10FFFF) {
  Result<uint64_t> r = validate_utf8(bytes({0xF4, 0x90, 0x80, 0x80}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("above U+10FFFF"), std::string::npos);
  EXPECT_FALSE(is_valid_utf8(bytes({0xF5, 0x80, 0x80, 0x80})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xFF})));
}

TEST(Utf8Test, RejectsTruncatedSequencesAndStrayContinuationBytes) {
  EXPECT_FALSE(is_valid_utf8(bytes({0xD0})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xE6, 0xBC})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x9F, 0x91})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xE6, 0x41, 0x41})));
  EXPECT_FALSE(is_valid_utf8(bytes({0x80})));
  EXPECT_FALSE(is_valid_utf8("ab" + bytes({0xBF}) + "cd"));
}

TEST(Utf8Test, ErrorNamesTheByteOffsetPastTheAsciiFastPath) {
  // Twelve ASCII bytes go through the eight-at-a-time path first.
  Result<uint64_t> r = validate_utf8("abcdefghijkl" + bytes({0xC0, 0xAF}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "invalid UTF-8 at byte 12: overlong encoding (lead byte 0xC0)");
}

TEST(Utf8Test, AgreesWithANaiveValidatorOnEveryTwoByteString) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const std::string s = bytes({a, b});
      ASSERT_EQ(is_valid_utf8(s), reference_valid(s)) << std::hex << a << " " << b;
    }
  }
}

TEST(Utf8Test, AgreesWithANaiveValidatorOnEveryThreeByteStringWithAMultibyteLead) {
  for (int a = 0xC0; a < 256; ++a) {
    for (int b = 0x70; b < 0xD0; ++b) {
      for (int c = 0x70; c < 0xD0; ++c) {
        const std::string s = bytes({a, b, c});
        ASSERT_EQ(is_valid_utf8(s), reference_valid(s)) << std::hex << a << " " << b << " " << c;
      }
    }
  }
}

TEST(Utf8Test, AgreesWithANaiveValidatorOnFourByteLeads) {
  for (int a = 0xF0; a < 0xF8; ++a) {
    for (int b = 0x70; b < 0xD0; ++b) {
      const std::string s = bytes({a, b, 0x80, 0x80});
      ASSERT_EQ(is_valid_utf8(s), reference_valid(s)) << std::hex << a << " " << b;
    }
  }
}

TEST(Utf8Test, CountsCodePointsInLongMixedText) {
  std::string text;
  for (int i = 0; i < 37; ++i) text += "ab Қазақстан 漢字 👍🏽 ";
  EXPECT_EQ(count_code_points(text), 37u * 19u);
  EXPECT_EQ(count_code_points(text), *validate_utf8(text));
}

TEST(Utf8Test, FindsTheByteOffsetOfEveryCodePoint) {
  const std::string text = "abcdefghij Қазақстан 漢字 👍🏽 e\u0301 xyz 0123456789";
  const std::u32string cps = decode_utf8(text);
  size_t expected = 0;
  for (size_t n = 0; n <= cps.size(); ++n) {
    ASSERT_EQ(byte_offset_of_code_point(text, n), expected) << "code point " << n;
    if (n < cps.size()) expected += encode_utf8(cps.substr(n, 1)).size();
  }
  EXPECT_EQ(byte_offset_of_code_point(text, cps.size() + 10), text.size());
}

TEST(Utf8Test, DecodeAndEncodeRoundTrip) {
  const std::string text = "Привет, Қазақстан! 漢字 👨\u200D👩\u200D👧\u200D👦 🇰🇿 \U0010FFFF";
  EXPECT_EQ(encode_utf8(decode_utf8(text)), text);
  EXPECT_EQ(decode_utf8("Қ👍"), std::u32string(U"Қ👍"));
}

}  // namespace
}  // namespace kenes::engine
