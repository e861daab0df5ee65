#include "replay/report/edit_script.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>

namespace kenes::report {
namespace {

std::vector<std::string_view> items(const std::vector<std::string>& s) { return {s.begin(), s.end()}; }

std::string script(const std::vector<std::string>& a, const std::vector<std::string>& b, std::size_t limit = 100) {
  auto ops = shortest_edit_script(items(a), items(b), limit);
  if (!ops) return "too far";
  std::string out;
  for (EditOp op : *ops) out += static_cast<char>(op);
  return out;
}

TEST(EditScriptTest, EqualSequencesAreAllKept) {
  EXPECT_EQ(script({"a", "b"}, {"a", "b"}), "  ");
  EXPECT_EQ(script({}, {}), "");
}

TEST(EditScriptTest, AChangedItemIsADeletionThenAnInsertion) {
  EXPECT_EQ(script({"1", "2", "3"}, {"1", "two", "3"}), " -+ ");
  EXPECT_EQ(script({}, {"Қазақ", "тілі"}), "++");
  EXPECT_EQ(script({"x"}, {}), "-");
}

TEST(EditScriptTest, BeyondTheLimitThereIsNoScript) {
  EXPECT_EQ(script({"a", "b"}, {"c", "d"}, 3), "too far");
  EXPECT_EQ(script({"a", "b"}, {"c", "d"}, 4), "--++");
  // The common head and tail are free: one change in a long list is within 2.
  std::vector<std::string> a(5000, "same"), b = a;
  b[2500] = "other";
  EXPECT_EQ(script(a, b, 2).substr(2499, 4), " -+ ");
}

// The script applied to `a` gives `b`, and it is as short as the longest
// common subsequence allows (checked against the quadratic LCS table).
TEST(EditScriptTest, RandomScriptsRebuildBothSidesAndAreShortest) {
  const char* fixed = std::getenv("KENES_TEST_SEED");
  uint64_t seed = fixed ? std::strtoull(fixed, nullptr, 10) : std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (KENES_TEST_SEED=" + std::to_string(seed) + " to replay)");
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> a, b;
    int n = static_cast<int>(rng() % 14);
    for (int i = 0; i < n; ++i) {
      std::string item(1, static_cast<char>('a' + rng() % 3));
      a.push_back(item);
      if (rng() % 4 != 0) b.push_back(item);
      if (rng() % 4 == 0) b.push_back(std::string(1, static_cast<char>('a' + rng() % 3)));
    }
    auto ops = shortest_edit_script(items(a), items(b), 1000);
    ASSERT_TRUE(ops);
    std::vector<std::string> old_side, new_side;
    std::size_t ai = 0, bi = 0, edits = 0;
    for (EditOp op : *ops) {
      if (op == EditOp::kKeep) {
        ASSERT_LT(ai, a.size());
        ASSERT_LT(bi, b.size());
        EXPECT_EQ(a[ai], b[bi]);
        old_side.push_back(a[ai++]);
        new_side.push_back(b[bi++]);
      } else if (op == EditOp::kDelete) {
        old_side.push_back(a[ai++]);
        ++edits;
      } else {
        new_side.push_back(b[bi++]);
        ++edits;
      }
    }
    EXPECT_EQ(old_side, a);
    EXPECT_EQ(new_side, b);
    std::vector<std::vector<std::size_t>> lcs(a.size() + 1, std::vector<std::size_t>(b.size() + 1, 0));
    for (std::size_t i = a.size(); i-- > 0;)
      for (std::size_t j = b.size(); j-- > 0;)
        lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    EXPECT_EQ(edits, a.size() + b.size() - 2 * lcs[0][0]);
  }
}

}  // namespace
}  // namespace kenes::report
