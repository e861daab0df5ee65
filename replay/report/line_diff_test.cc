#include "replay/report/line_diff.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

namespace kenes::report {
namespace {

TEST(LineDiffTest, EqualTextsHaveNoDiff) { EXPECT_EQ(unified_line_diff("a\nb\n", "a\nb\n"), ""); }

TEST(LineDiffTest, AChangedLineIsOneHunkWithContext) {
  EXPECT_EQ(unified_line_diff("1\n2\n3\n4\n5\n6\n7\n", "1\n2\n3\nfour\n5\n6\n7\n"),
            "@@ -2,5 +2,5 @@\n 2\n 3\n-4\n+four\n 5\n 6\n");
}

TEST(LineDiffTest, FromAndToEmptyText) {
  EXPECT_EQ(unified_line_diff("", "Қазақ\nтілі\n"), "@@ -0,0 +1,2 @@\n+Қазақ\n+тілі\n");
  EXPECT_EQ(unified_line_diff("x\n", ""), "@@ -1,1 +0,0 @@\n-x\n");
}

TEST(LineDiffTest, DistantChangesAreSeparateHunks) {
  std::string a, b;
  for (int i = 0; i < 20; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 2 || i == 15 ? "changed " : "") + std::to_string(i) + "\n";
  }
  std::string d = unified_line_diff(a, b, 1);
  EXPECT_EQ(d,
            "@@ -2,3 +2,3 @@\n 1\n-2\n+changed 2\n 3\n"
            "@@ -15,3 +15,3 @@\n 14\n-15\n+changed 15\n 16\n");
}

// Applying the diff's - and + lines in order rebuilds both texts.
TEST(LineDiffTest, RandomDiffsRebuildBothSides) {
  const char* fixed = std::getenv("KENES_TEST_SEED");
  uint64_t seed = fixed ? std::strtoull(fixed, nullptr, 10) : std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (KENES_TEST_SEED=" + std::to_string(seed) + " to replay)");
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 200; ++round) {
    std::string a, b;
    int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      std::string line(1, static_cast<char>('a' + rng() % 3));
      a += line + "\n";
      if (rng() % 4 != 0) b += line + "\n";
      if (rng() % 4 == 0) b += std::string(1, static_cast<char>('a' + rng() % 3)) + "\n";
    }
    std::string d = unified_line_diff(a, b, 1000);  // one hunk, the whole texts
    if (a == b) {
      EXPECT_EQ(d, "");
      continue;
    }
    std::string old_side, new_side;
    std::size_t pos = d.find('\n') + 1;
    while (pos < d.size()) {
      std::size_t nl = d.find('\n', pos);
      std::string line = d.substr(pos + 1, nl - pos - 1) + "\n";
      if (d[pos] != '+') old_side += line;
      if (d[pos] != '-') new_side += line;
      pos = nl + 1;
    }
    EXPECT_EQ(old_side, a) << d;
    EXPECT_EQ(new_side, b) << d;
  }
}

TEST(LineDiffTest, ARewriteBeyondTheLimitIsOldOutNewIn) {
  EXPECT_EQ(unified_line_diff("a\nb\n", "c\nd\n", 2, 1), "@@ -1,2 +1,2 @@\n-a\n-b\n+c\n+d\n");
}

}  // namespace
}  // namespace kenes::report
