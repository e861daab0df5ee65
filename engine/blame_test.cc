#include "engine/blame.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/testing/random_edits.h"

#include "engine/testing/printers.h"

namespace kenes::engine {

void PrintTo(const BlameRun& r, std::ostream* os) {
  *os << "{" << r.start << "+" << r.length << " by";
  for (const std::string& a : r.authors) *os << " " << a;
  *os << "}";
}

namespace {

using testing::Alphabet;
using testing::Rng;
using Authors = std::vector<std::string>;

TextOp insert_at(uint64_t pos, std::string_view text) { return TextOp().retain(pos).insert(text); }
TextOp delete_at(uint64_t pos, uint64_t n) { return TextOp().retain(pos).del(n); }

void expect_apply(Blame& blame, const TextOp& op, std::string_view author) {
  Status s = blame.apply(op, author);
  ASSERT_TRUE(s.ok()) << s.to_string();
  Status inv = blame.check_invariants();
  ASSERT_TRUE(inv.ok()) << inv.to_string();
}

TEST(BlameTest, AnEmptyDocumentHasNoRuns) {
  Blame blame;
  EXPECT_TRUE(blame.runs().empty());
  EXPECT_EQ(blame.length(), 0u);
  EXPECT_TRUE(blame.authors_at(0).empty());
}

TEST(BlameTest, InsertedTextBelongsToTheOpsAuthor) {
  Blame blame;
  expect_apply(blame, insert_at(0, "Қазақстан"), "aigul");
  EXPECT_EQ(blame.runs(), (std::vector<BlameRun>{{0, 9, {"aigul"}}}));
}

TEST(BlameTest, TypingNextToOnesOwnTextExtendsTheRun) {
  Blame blame;
  expect_apply(blame, insert_at(0, "ab"), "aigul");
  expect_apply(blame, insert_at(2, "c"), "aigul");
  expect_apply(blame, insert_at(0, "👍🏽"), "aigul");
  EXPECT_EQ(blame.runs(), (std::vector<BlameRun>{{0, 5, {"aigul"}}}));
  EXPECT_EQ(blame.run_count(), 1u);
}

TEST(BlameTest, TypingInsideSomeoneElsesTextSplitsTheirRun) {
  Blame blame;
  expect_apply(blame, insert_at(0, "hello"), "aigul");
  expect_apply(blame, insert_at(2, "漢字"), "bob");
  EXPECT_EQ(blame.runs(), (std::vector<BlameRun>{{0, 2, {"aigul"}}, {2, 2, {"bob"}}, {4, 3, {"aigul"}}}));
}

TEST(BlameTest, DeletingTextRemovesItsRunsAndJoinsNeighboursOfOneAuthor) {
  Blame blame;
  expect_apply(blame, insert_at(0, "hello"), "aigul");
  expect_apply(blame, insert_at(2, "XY"), "bob");
  expect_apply(blame, delete_at(1, 4), "carol");  // "eXYl"
  EXPECT_EQ(blame.runs(), (std::vector<BlameRun>{{0, 3, {"aigul"}}}));
}

TEST(BlameTest, RetypingDeletedTextMakesItTheTypistsText) {
  Blame blame;
  expect_apply(blame, insert_at(0, "word"), "aigul");
  expect_apply(blame, TextOp().insert("word").del(4), "bob");
  EXPECT_EQ(blame.runs(), (std::vector<BlameRun>{{0, 4, {"bob"}}}));
}

TEST(BlameTest, AnAcceptedSuggestionIsAttributedToBothAuthorsInAnyOrder) {
  Blame blame;
  expect_apply(blame, insert_at(0, "old text"), "aigul");
  ASSERT_TRUE(blame.apply(TextOp().insert("new").del(3), Authors{"researcher", "member"}).ok());
  ASSERT_TRUE(blame.apply(insert_at(3, "!"), Authors{"member", "researcher", "member"}).ok());
  EXPECT_EQ(blame.runs(), (std::vector<BlameRun>{{0, 4, {"member", "researcher"}}, {4, 5, {"aigul"}}}));
  EXPECT_EQ(blame.authors_at(0), (Authors{"member", "researcher"}));
  EXPECT_EQ(blame.authors_at(8), (Authors{"aigul"}));
}

TEST(BlameTest, AnOpThatDoesNotFitChangesNothing) {
  Blame blame;
  expect_apply(blame, insert_at(0, "abc"), "aigul");
  EXPECT_EQ(blame.apply(delete_at(2, 2), "bob").code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(blame.runs(), (std::vector<BlameRun>{{0, 3, {"aigul"}}}));
}

TEST(BlameTest, AnOpWithoutAnAuthorIsMalformed) {
  Blame blame;
  EXPECT_EQ(blame.apply(insert_at(0, "a"), "").code(), ErrorCode::kMalformed);
  EXPECT_EQ(blame.apply(insert_at(0, "a"), Authors{}).code(), ErrorCode::kMalformed);
  EXPECT_EQ(blame.apply(insert_at(0, "a"), Authors{"a", ""}).code(), ErrorCode::kMalformed);
  EXPECT_EQ(blame.length(), 0u);
}

// The brute force: one author set per code point.
struct PerCodePoint {
  std::vector<Authors> of;

  void apply(const TextOp& op, Authors authors) {
    std::sort(authors.begin(), authors.end());
    authors.erase(std::unique(authors.begin(), authors.end()), authors.end());
    std::vector<Authors> out;
    size_t at = 0;
    for (const Component& c : op.components()) {
      if (const auto* r = std::get_if<Retain>(&c)) {
        for (uint64_t i = 0; i < r->n; ++i) out.push_back(of[at++]);
      } else if (const auto* ins = std::get_if<Insert>(&c)) {
        for (uint64_t i = 0; i < ins->length; ++i) out.push_back(authors);
      } else {
        at += std::get<Delete>(c).n;
      }
    }
    while (at < of.size()) out.push_back(of[at++]);
    of = std::move(out);
  }

  std::vector<BlameRun> runs() const {
    std::vector<BlameRun> out;
    for (uint64_t i = 0; i < of.size(); ++i) {
      if (!out.empty() && out.back().authors == of[i]) {
        ++out.back().length;
      } else {
        out.push_back(BlameRun{i, 1, of[i]});
      }
    }
    return out;
  }
};

TEST(BlameTest, MatchesAPerCodePointAttributionUnderRandomMultiAuthorOps) {
  const std::vector<Authors> authors = {{"aigul"}, {"bob"}, {"Жанар"}, {"aigul", "bob"}, {"bob", "Жанар"}};
  for (uint64_t seed : testing::test_seeds(300)) {
    for (Alphabet alphabet : testing::all_alphabets()) {
      SCOPED_TRACE(testing::seed_note(seed) + ", alphabet " + std::string(testing::alphabet_name(alphabet)));
      Rng rng(seed * 977 + static_cast<uint64_t>(alphabet));
      Blame blame;
      PerCodePoint model;
      for (int step = 0; step < 80; ++step) {
        const TextOp op = testing::random_op(rng, blame.length(), alphabet);
        const Authors& by = authors[rng.below(authors.size())];
        SCOPED_TRACE("step " + std::to_string(step) + " op " + op.debug_string());
        ASSERT_TRUE(blame.apply(op, by).ok());
        model.apply(op, by);
        ASSERT_EQ(blame.runs(), model.runs());
        ASSERT_EQ(blame.length(), model.of.size());
        Status inv = blame.check_invariants();
        ASSERT_TRUE(inv.ok()) << inv.to_string();
        if (!model.of.empty()) {
          const uint64_t p = rng.below(model.of.size());
          ASSERT_EQ(blame.authors_at(p), model.of[p]);
        }
      }
    }
  }
}

TEST(BlameTest, ALongDocumentTypedInManyPlacesStaysBalancedAndExact) {
  // 20,000 single-character edits by four authors at random places: the
  // tree stays valid and matches the brute force at the end.
  Rng rng(testing::test_seeds(1).front());
  Blame blame;
  std::vector<size_t> model;  // an author index per code point
  const std::vector<std::string> names = {"a", "b", "c", "d"};
  for (int i = 0; i < 20000; ++i) {
    const size_t by = rng.below(names.size());
    const uint64_t length = blame.length();
    if (length > 0 && rng.chance(1, 4)) {
      const uint64_t at = rng.below(length);
      ASSERT_TRUE(blame.apply(delete_at(at, 1), names[by]).ok());
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(at));
    } else {
      const uint64_t at = rng.below(length + 1);
      ASSERT_TRUE(blame.apply(insert_at(at, "ә"), names[by]).ok());
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(at), by);
    }
  }
  Status inv = blame.check_invariants();
  ASSERT_TRUE(inv.ok()) << inv.to_string();
  std::vector<BlameRun> expected;
  for (uint64_t i = 0; i < model.size(); ++i) {
    if (!expected.empty() && expected.back().authors.front() == names[model[i]]) {
      ++expected.back().length;
    } else {
      expected.push_back(BlameRun{i, 1, {names[model[i]]}});
    }
  }
  EXPECT_EQ(blame.runs(), expected);
}

}  // namespace
}  // namespace kenes::engine
