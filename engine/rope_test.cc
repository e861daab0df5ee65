#include "engine/rope.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/testing/random_edits.h"
#include "engine/utf8.h"

namespace kenes::engine {
namespace {

using testing::Alphabet;
using testing::Rng;

void expect_sound(const Rope& rope) {
  Status s = rope.check_invariants();
  EXPECT_TRUE(s.ok()) << s.to_string();
}

TEST(RopeTest, EmptyRopeHasNoText) {
  Rope rope;
  EXPECT_EQ(rope.length(), 0u);
  EXPECT_EQ(rope.size_bytes(), 0u);
  EXPECT_TRUE(rope.empty());
  EXPECT_EQ(rope.to_string(), "");
  expect_sound(rope);
}

TEST(RopeTest, LengthCountsCodePointsNotBytes) {
  Rope rope("Қазақстан 👍🏽");
  EXPECT_EQ(rope.length(), 12u);
  EXPECT_EQ(rope.size_bytes(), std::string("Қазақстан 👍🏽").size());
}

TEST(RopeTest, InsertsAndErasesAtCodePointPositions) {
  Rope rope("Қазақстан");
  rope.insert(0, "Республика ");
  rope.insert(rope.length(), " 🇰🇿");
  EXPECT_EQ(rope.to_string(), "Республика Қазақстан 🇰🇿");
  rope.erase(0, 11);
  EXPECT_EQ(rope.to_string(), "Қазақстан 🇰🇿");
  rope.erase(10, 1);  // the first regional indicator: code points may split a flag
  EXPECT_EQ(rope.to_string(), "Қазақстан \U0001F1FF");
  expect_sound(rope);
}

TEST(RopeTest, SubstrTakesCodePoints) {
  Rope rope("ab漢字👍cd");
  EXPECT_EQ(rope.substr(2, 3), "漢字👍");
  EXPECT_EQ(rope.substr(4, 100), "👍cd");
  EXPECT_EQ(rope.substr(100, 1), "");
}

TEST(RopeTest, OutOfRangePositionsAreClamped) {
  Rope rope("abc");
  rope.insert(99, "d");
  EXPECT_EQ(rope.to_string(), "abcd");
  rope.erase(2, 99);
  EXPECT_EQ(rope.to_string(), "ab");
  rope.erase(99, 1);
  EXPECT_EQ(rope.to_string(), "ab");
}

TEST(RopeTest, LongTextIsSplitIntoManyLeavesAtCodePointBoundaries) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "Қ漢👍a";
  Rope rope(text);
  EXPECT_EQ(rope.length(), 20000u);
  EXPECT_EQ(rope.to_string(), text);
  EXPECT_GE(rope.height(), 1);
  expect_sound(rope);
  size_t chunks = 0;
  rope.for_each_chunk([&](std::string_view chunk) {
    ++chunks;
    EXPECT_TRUE(is_valid_utf8(chunk));
  });
  EXPECT_GT(chunks, 40u);
}

TEST(RopeTest, ALongInsertInTheMiddleLandsWhole) {
  Rope rope("start end");
  std::string big;
  for (int i = 0; i < 3000; ++i) big += "ғңүұ ";
  rope.insert(6, big);
  EXPECT_EQ(rope.to_string(), "start " + big + "end");
  expect_sound(rope);
  rope.erase(6, 15000);
  EXPECT_EQ(rope.to_string(), "start end");
  expect_sound(rope);
}

TEST(RopeTest, ErasingEverythingLeavesAnEmptyUsableRope) {
  std::string text(100000, 'x');
  Rope rope(text);
  rope.erase(0, rope.length());
  EXPECT_TRUE(rope.empty());
  EXPECT_EQ(rope.height(), 0);
  rope.insert(0, "again");
  EXPECT_EQ(rope.to_string(), "again");
  expect_sound(rope);
}

TEST(RopeTest, ErasingAcrossManyLeavesShrinksTheTree) {
  std::string text(200000, 'x');
  Rope rope(text);
  const int tall = rope.height();
  rope.erase(10, 199980);
  EXPECT_EQ(rope.to_string(), std::string(20, 'x'));
  EXPECT_LT(rope.height(), tall);
  expect_sound(rope);
}

TEST(RopeTest, CopiesAreIndependentAndMovesLeaveAnEmptyRope) {
  Rope a("shared text");
  Rope b = a;
  b.insert(0, "changed ");
  EXPECT_EQ(a.to_string(), "shared text");
  EXPECT_EQ(b.to_string(), "changed shared text");
  Rope c = std::move(b);
  EXPECT_EQ(c.to_string(), "changed shared text");
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): documented state
  b.insert(0, "reused");
  EXPECT_EQ(b.to_string(), "reused");
  a = c;
  EXPECT_EQ(a, c);
  EXPECT_EQ(a, std::string_view("changed shared text"));
}

TEST(RopeTest, TypingOneCharacterAtATimeBuildsABalancedTree) {
  Rope rope;
  std::string expected;
  for (int i = 0; i < 200000; ++i) {
    const char c = static_cast<char>('a' + i % 26);
    rope.insert(rope.length(), std::string_view(&c, 1));
    expected += c;
  }
  EXPECT_EQ(rope.to_string(), expected);
  EXPECT_LE(rope.height(), 4);
  expect_sound(rope);
}

// Random inserts and erases against a std::u32string, one position per code
// point, checking the text and the tree's invariants as it goes.
TEST(RopeTest, RandomEditsMatchAU32StringBruteForce) {
  for (uint64_t seed : testing::test_seeds(20)) {
    SCOPED_TRACE(testing::seed_note(seed));
    Rng rng(seed);
    const Alphabet alphabet = testing::all_alphabets()[seed % testing::all_alphabets().size()];
    std::u32string model = decode_utf8(testing::random_text(rng, rng.below(3000), alphabet));
    Rope rope(encode_utf8(model));
    for (int step = 0; step < 2000; ++step) {
      if (rng.chance(1, 2) || model.empty()) {
        const uint64_t pos = rng.below(model.size() + 1);
        // Mostly typing-sized inserts, sometimes a paste larger than a leaf.
        const size_t units = rng.chance(1, 50) ? rng.between(300, 1500) : rng.between(1, 8);
        const std::string text = testing::random_text(rng, units, alphabet);
        rope.insert(pos, text);
        model.insert(pos, decode_utf8(text));
      } else {
        const uint64_t pos = rng.below(model.size());
        const uint64_t len = rng.chance(1, 30) ? rng.between(1, model.size() - pos) : rng.between(1, std::min<uint64_t>(8, model.size() - pos));
        rope.erase(pos, len);
        model.erase(pos, len);
      }
      ASSERT_EQ(rope.length(), model.size()) << "step " << step;
      if (step % 100 == 0) {
        ASSERT_EQ(rope.to_string(), encode_utf8(model)) << "step " << step;
        ASSERT_TRUE(rope.check_invariants().ok()) << rope.check_invariants().to_string();
        const uint64_t pos = rng.below(model.size() + 1);
        const uint64_t len = rng.below(50);
        ASSERT_EQ(rope.substr(pos, len), encode_utf8(model.substr(pos, len)));
      }
    }
    EXPECT_EQ(rope.to_string(), encode_utf8(model));
    expect_sound(rope);
  }
}

}  // namespace
}  // namespace kenes::engine
