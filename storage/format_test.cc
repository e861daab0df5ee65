// The bytes of storage/README.md, pinned: if one of these fails, the on-disk
// format changed, and every stored log would stop verifying.

#include <gtest/gtest.h>

#include "storage/format.h"

namespace kenes::storage {
namespace {

TEST(FormatTest, LogKeyIsIdThenNulThenBigEndianSeq) {
  EXPECT_EQ(log_key("c1", 0x0102), std::string("c1\0\0\0\0\0\0\0\x01\x02", 11));
  std::string key = log_key("abc", 258);
  auto parsed = parse_log_key(key);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->consultation, "abc");
  EXPECT_EQ(parsed->seq, 258u);
  EXPECT_FALSE(parse_log_key("abc").has_value());
}

TEST(FormatTest, LogKeysSortInSeqOrder) {
  for (std::uint64_t s : {1ull, 255ull, 256ull, 65535ull, 1ull << 40}) {
    EXPECT_LT(log_key("c", s), log_key("c", s + 1)) << s;
  }
  // Every key of "a" sorts before every key of "a.b" and "ab".
  EXPECT_LT(log_key("a", ~0ull), log_key("a.b", 0));
  EXPECT_LT(log_key("a", ~0ull), log_key("ab", 0));
}

TEST(FormatTest, FrameIsFormatSeqPrevHashPayload) {
  Hash prev{};
  prev[0] = 0xAB;
  prev[31] = 0xCD;
  std::string frame = encode_frame(7, prev, "hi");
  ASSERT_EQ(frame.size(), 41u + 2u);
  EXPECT_EQ(frame[0], '\x01');
  EXPECT_EQ(frame.substr(1, 8), std::string("\0\0\0\0\0\0\0\x07", 8));
  EXPECT_EQ(static_cast<unsigned char>(frame[9]), 0xABu);
  EXPECT_EQ(static_cast<unsigned char>(frame[40]), 0xCDu);
  EXPECT_EQ(frame.substr(41), "hi");
  auto decoded = decode_frame(frame);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->seq, 7u);
  EXPECT_EQ(decoded->prev_hash, prev);
  EXPECT_EQ(decoded->payload, "hi");
}

TEST(FormatTest, HashOfTheFirstRecordIsSha256OfItsFrame) {
  // Pinned value: SHA-256 of 01 0000000000000001 <32 zero bytes> "hello".
  // Recompute with: printf '\x01\0\0\0\0\0\0\0\x01%32s' | tr ' ' '\0' | { cat; printf hello; } | sha256sum
  std::string frame = encode_frame(1, kZeroHash, "hello");
  EXPECT_EQ(to_hex(sha256(frame)), to_hex(sha256(std::string("\x01\0\0\0\0\0\0\0\x01", 9) +
                                                  std::string(32, '\0') + "hello")));
  EXPECT_EQ(to_hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(FormatTest, ShortOrUnknownFramesAreCorruption) {
  EXPECT_EQ(decode_frame(std::string(40, '\x01')).status().code(), Code::kCorruption);
  std::string frame = encode_frame(1, kZeroHash, "");
  frame[0] = 2;
  EXPECT_EQ(decode_frame(frame).status().code(), Code::kCorruption);
}

TEST(FormatTest, ConsultationIdsAreOneTo64SafeBytes) {
  EXPECT_TRUE(check_consultation_id("kz-2026.roam_x").ok());
  EXPECT_TRUE(check_consultation_id(std::string(64, 'x')).ok());
  EXPECT_FALSE(check_consultation_id("").ok());
  EXPECT_FALSE(check_consultation_id(std::string(65, 'x')).ok());
  EXPECT_FALSE(check_consultation_id("a/b").ok());
  EXPECT_FALSE(check_consultation_id(std::string("a\0", 2)).ok());
}

TEST(FormatTest, ClientAndSnapshotKeysCarryLengthsSoPrefixesDoNotCollide) {
  EXPECT_EQ(client_key("c", "ab", 1), std::string("c\0\x01\0\x02" "ab\0\0\0\0\0\0\0\x01", 15));
  EXPECT_NE(client_key("c", "a", 0x6200000000000000ull).substr(0, 6), client_key("c", "ab", 1).substr(0, 6));
  EXPECT_EQ(snapshot_key("c", "d", 2), std::string("c\0\0\x01" "d\0\0\0\0\0\0\0\x02", 13));
  std::string key = snapshot_key("c", "doc/1", 9);
  auto parsed = parse_snapshot_key_suffix(std::string_view(key).substr(2));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->name, "doc/1");
  EXPECT_EQ(parsed->version, 9u);
  EXPECT_EQ(snapshot_header_key("c"), std::string("c\0", 2));
}

TEST(FormatTest, HexRoundTrips) {
  Hash h = sha256("x");
  EXPECT_EQ(hash_from_hex(to_hex(h)), h);
  EXPECT_FALSE(hash_from_hex("zz").has_value());
}

}  // namespace
}  // namespace kenes::storage
