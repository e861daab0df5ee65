#include "replay/report/passage_diff.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <set>

#include "engine/utf8.h"

namespace kenes::report {
namespace {

using K = PassageSegment::Kind;

// A side as the minutes print it, with [-deleted-] and {+inserted+} for
// ~~ ~~ and ** **: the spaces a changed segment starts or ends with go
// outside its marks, as the renderers put them.
std::string show(const std::vector<PassageSegment>& side) {
  std::string out;
  for (std::size_t i = 0; i < side.size(); ++i) {
    const PassageSegment& s = side[i];
    if (s.kind == K::kElided) {
      out += (i == 0 ? "… " : i + 1 == side.size() ? " …" : " … ");
      continue;
    }
    if (s.kind == K::kSame) {
      out += s.text;
      continue;
    }
    std::size_t b = s.text.find_first_not_of(' '), e = s.text.find_last_not_of(' ');
    if (b == std::string::npos) {
      out += s.text;
      continue;
    }
    const char* open = s.kind == K::kDeleted ? "[-" : "{+";
    const char* close = s.kind == K::kDeleted ? "-]" : "+}";
    out += s.text.substr(0, b) + open + s.text.substr(b, e - b + 1) + close + s.text.substr(e + 1);
  }
  return out;
}

std::string show(const Passage& p) {
  switch (p.kind) {
    case Passage::Kind::kAdded: return "added: " + show(p.after);
    case Passage::Kind::kRemoved: return "removed: " + show(p.before);
    default: return "before: " + show(p.before) + " | after: " + show(p.after);
  }
}

std::vector<std::string> shown(const PassageDiff& d) {
  std::vector<std::string> out;
  for (const Passage& p : d.passages) out.push_back(std::to_string(p.unchanged_before) + " same, " + show(p));
  return out;
}

TEST(PassageDiffTest, EqualTextsHaveNoPassage) {
  PassageDiff d = passage_diff("# Findings\n\nThe law.\n", "# Findings\n\nThe law.\n");
  EXPECT_TRUE(d.passages.empty());
  EXPECT_FALSE(d.layout_only);
  EXPECT_EQ(d.unchanged_after, 2u);
}

TEST(PassageDiffTest, AnInsertedWordIsMarkedAfterAndTheBeforeIsPlain) {
  PassageDiff d = passage_diff("# Findings\n\nThe law protects speech.\n", "# Findings\n\nThe law protects online speech.\n");
  EXPECT_EQ(shown(d), std::vector<std::string>{
                          "1 same, before: The law protects speech. | after: The law protects {+online+} speech."});
}

TEST(PassageDiffTest, KazakhAndRussianWordsAreComparedWhole) {
  PassageDiff d = passage_diff("Заң сөз бостандығын қорғайды.\nСуд решает.\n",
                               "Заң баспасөз бостандығын толық қорғайды.\nСуд решает быстро.\n");
  EXPECT_EQ(shown(d), (std::vector<std::string>{
                          "0 same, before: Заң [-сөз-] бостандығын қорғайды. | after: Заң {+баспасөз+} бостандығын "
                          "{+толық+} қорғайды.",
                          "0 same, before: Суд [-решает.-] | after: Суд {+решает быстро.+}",
                      }));
}

TEST(PassageDiffTest, AChangedMarkIsShownWithTheWordItIsOn) {
  // "law~~,~~**;**" would be hard to read, and Markdown would not take ~~
  // between a letter and a comma as a mark.
  PassageDiff d = passage_diff("Courts, media and law, all.\n", "Courts, media and law; all.\n");
  EXPECT_EQ(shown(d), std::vector<std::string>{"0 same, before: Courts, media and [-law,-] all. | after: Courts, "
                                               "media and {+law;+} all."});
}

TEST(PassageDiffTest, ChangesSeparatedOnlyBySpacesAreOne) {
  PassageDiff d = passage_diff("We met on one two three days.\n", "We met on four five six days.\n");
  EXPECT_EQ(shown(d), std::vector<std::string>{
                          "0 same, before: We met on [-one two three-] days. | after: We met on {+four five six+} days."});
}

TEST(PassageDiffTest, EmojiWithModifiersJoinersAndFlagsAreNeverSplit) {
  // 👍🏽 (thumbs up, skin tone), 👩‍👩‍👧 (a ZWJ family), 🇰🇿 (a flag: two
  // regional indicators), ✍️ (with a variation selector).
  PassageDiff d = passage_diff("Vote 👍🏽 from 👩‍👩‍👧 in 🇰🇿 ✍️ ok\n", "Vote 👍🏿 from 👩‍👩‍👦 in 🇷🇺 ✍️ ok\n");
  ASSERT_EQ(d.passages.size(), 1u);
  EXPECT_EQ(show(d.passages[0].before), "Vote [-👍🏽-] from [-👩‍👩‍👧-] in [-🇰🇿-] ✍️ ok");
  EXPECT_EQ(show(d.passages[0].after), "Vote {+👍🏿+} from {+👩‍👩‍👦+} in {+🇷🇺+} ✍️ ok");
  // Glued to a word, an emoji is still a token of its own.
  d = passage_diff("Done👍 now\n", "Done👎 now\n");
  ASSERT_EQ(d.passages.size(), 1u);
  EXPECT_EQ(show(d.passages[0].before), "[-Done👍-] now");
}

TEST(PassageDiffTest, AddedAndRemovedParagraphsAreSaidAsSuchAndUnchangedOnesCounted) {
  PassageDiff d = passage_diff("Alpha one.\n\nBeta two.\n\nGamma three.\n\nDelta four.\n",
                               "Alpha one.\n\nGamma three!\n\nEpsilon five.\n\nDelta four.\n");
  EXPECT_EQ(shown(d), (std::vector<std::string>{
                          "1 same, removed: [-Beta two.-]",
                          "0 same, before: Gamma [-three.-] | after: Gamma {+three!+}",
                          "0 same, added: {+Epsilon five.+}",
                      }));
  EXPECT_EQ(d.unchanged_after, 1u);
  // Nothing in common: removed and added, not "changed".
  d = passage_diff("Status quo: agreed.\n", "Update: pending.\n");
  EXPECT_EQ(shown(d), (std::vector<std::string>{"0 same, removed: [-Status quo: agreed.-]",
                                                 "0 same, added: {+Update: pending.+}"}));
  // From and to nothing.
  EXPECT_EQ(shown(passage_diff("", "Қазақ тілі\n")), std::vector<std::string>{"0 same, added: {+Қазақ тілі+}"});
  EXPECT_EQ(shown(passage_diff("Old\n", "")), std::vector<std::string>{"0 same, removed: [-Old-]"});
}

TEST(PassageDiffTest, LongUnchangedStretchesAreElided) {
  std::string head, tail;
  for (int i = 1; i <= 30; ++i) head += "h" + std::to_string(i) + " ";
  for (int i = 1; i <= 30; ++i) tail += " t" + std::to_string(i);
  PassageDiff d = passage_diff(head + "old" + tail + "\n", head + "new" + tail + "\n");
  ASSERT_EQ(d.passages.size(), 1u);
  EXPECT_EQ(show(d.passages[0].before), "… h23 h24 h25 h26 h27 h28 h29 h30 [-old-] t1 t2 t3 t4 t5 t6 t7 t8 …");
  // Two changes far apart keep context on both sides of the gap.
  d = passage_diff(head + "old" + tail + " old2\n", head + "new" + tail + " new2\n", {.context_tokens = 2});
  ASSERT_EQ(d.passages.size(), 1u);
  EXPECT_EQ(show(d.passages[0].after), "… h29 h30 {+new+} t1 t2 … t29 t30 {+new2+}");
  // A short stretch is kept: leaving out a word or two saves nothing.
  d = passage_diff("a b c d e\n", "a b c d f\n", {.context_tokens = 2});
  EXPECT_EQ(show(d.passages[0].before), "a b c d [-e-]");
}

TEST(PassageDiffTest, SpacesAloneChangedShowTheWordNextToThem) {
  PassageDiff d = passage_diff("Alpha beta.\n", "Alpha  beta.\n");
  ASSERT_EQ(d.passages.size(), 1u);
  EXPECT_EQ(show(d.passages[0].before), "[-Alpha-] beta.");
  EXPECT_EQ(show(d.passages[0].after), "{+Alpha+}  beta.");
}

TEST(PassageDiffTest, BlankLinesAndTrailingSpacesAreLayoutOnly) {
  PassageDiff d = passage_diff("A.\n\nB.\n", "A.  \nB.\r\n");
  EXPECT_TRUE(d.passages.empty());
  EXPECT_TRUE(d.layout_only);
}

TEST(PassageDiffTest, BeyondTheLimitsTheTextsAreComparedWhole) {
  // No alignment, but paragraphs are still paired by their words.
  PassageDiff d = passage_diff("Same.\nOne two.\nThree.\n", "Same.\nOne two!\nFour.\n", {.max_paragraph_edits = 1});
  EXPECT_EQ(shown(d), (std::vector<std::string>{"1 same, before: One [-two.-] | after: One {+two!+}",
                                                 "0 same, removed: [-Three.-]", "0 same, added: {+Four.+}"}));
  d = passage_diff("a b c d\n", "a x c y\n", {.max_token_edits = 1});
  EXPECT_EQ(shown(d), std::vector<std::string>{"0 same, before: [-a b c d-] | after: {+a x c y+}"});
}

TEST(PassageDiffTest, InvalidUtf8IsComparedByteByByteAndKept) {
  PassageDiff d = passage_diff("bad \xff\xfe byte\n", "bad \xff byte\n");
  ASSERT_EQ(d.passages.size(), 1u);
  EXPECT_EQ(show(d.passages[0].before), "bad [-\xff\xfe-] byte");
  EXPECT_EQ(show(d.passages[0].after), "bad {+\xff+} byte");
}

// Random texts from words in three scripts, emoji sequences and marks:
// with elision off, each side of each passage is exactly its paragraph;
// with it on, every segment is valid UTF-8 and starts and ends on a unit
// (no code point or emoji is ever split), and every change's marks touch a
// space, an elision or the end of the line.
TEST(PassageDiffTest, RandomEditsRebuildEveryParagraphAndNeverSplitAUnit) {
  const char* fixed = std::getenv("KENES_TEST_SEED");
  uint64_t seed = fixed ? std::strtoull(fixed, nullptr, 10) : std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (KENES_TEST_SEED=" + std::to_string(seed) + " to replay)");
  std::mt19937_64 rng(seed);
  const std::vector<std::string> units = {"law", "Заң", "сөз", "қорғайды", "право", "ёлка", "2026", ",", ".", ";",
                                          "«", "»", "—", "👍🏽", "👩‍👩‍👧", "🇰🇿", "✍️", "e\u0301t\u00e9", "日本"};
  struct Paragraph {
    std::string text;
    std::set<std::size_t> boundaries;  // byte offsets between units
  };
  auto make = [&](std::size_t n) {
    Paragraph p;
    p.boundaries.insert(0);
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0 && rng() % 3 != 0) {
        p.text += rng() % 5 == 0 ? "  " : " ";
        p.boundaries.insert(p.text.size());
      }
      p.text += units[rng() % units.size()];
      p.boundaries.insert(p.text.size());
    }
    return p;
  };
  for (int round = 0; round < 300; ++round) {
    std::vector<Paragraph> before, after;
    const int n = static_cast<int>(rng() % 5);
    for (int i = 0; i < n; ++i) {
      Paragraph p = make(1 + rng() % 12);
      before.push_back(p);
      switch (rng() % 4) {
        case 0: after.push_back(p); break;  // kept
        case 1: break;                      // removed
        case 2: after.push_back(make(1 + rng() % 12)); break;
        default: {  // a unit inserted between two
          Paragraph q;
          std::size_t at = *std::next(p.boundaries.begin(), static_cast<long>(rng() % p.boundaries.size()));
          const std::string& unit = units[rng() % units.size()];
          q.text = p.text.substr(0, at) + unit + p.text.substr(at);
          for (std::size_t x : p.boundaries) {
            if (x <= at) q.boundaries.insert(x);
            if (x >= at) q.boundaries.insert(x + unit.size());
          }
          after.push_back(q);
        }
      }
    }
    std::string a, b;
    for (const auto& p : before) a += p.text + "\n\n";
    for (const auto& p : after) b += p.text + "\n";
    auto paragraph_of = [](const std::vector<Paragraph>& ps, const std::string& text) -> const Paragraph* {
      for (const auto& p : ps) {
        if (p.text == text) return &p;
      }
      return nullptr;
    };
    // Elision off: the sides are the paragraphs, whole.
    PassageDiff whole = passage_diff(a, b, {.context_tokens = 1000});
    std::size_t unchanged = whole.unchanged_after, changed = 0, removed = 0, added = 0;
    for (const Passage& p : whole.passages) {
      unchanged += p.unchanged_before;
      std::string old_text, new_text;
      for (const auto& s : p.before) old_text += s.text;
      for (const auto& s : p.after) new_text += s.text;
      if (p.kind != Passage::Kind::kAdded) {
        EXPECT_NE(paragraph_of(before, old_text), nullptr) << old_text;
      }
      if (p.kind != Passage::Kind::kRemoved) {
        EXPECT_NE(paragraph_of(after, new_text), nullptr) << new_text;
      }
      (p.kind == Passage::Kind::kChanged ? changed : p.kind == Passage::Kind::kAdded ? added : removed)++;
    }
    EXPECT_EQ(unchanged + changed + removed, before.size()) << a << "---\n" << b;
    EXPECT_EQ(unchanged + changed + added, after.size()) << a << "---\n" << b;

    // Elision on: every segment whole units, valid, and the marks placed
    // where Markdown takes them.
    PassageDiff cut = passage_diff(a, b, {.context_tokens = 1});
    for (const Passage& p : cut.passages) {
      for (const auto* side : {&p.before, &p.after}) {
        for (std::size_t i = 0; i < side->size(); ++i) {
          const PassageSegment& s = (*side)[i];
          if (s.kind == K::kElided) {
            EXPECT_TRUE(s.text.empty());
            continue;
          }
          EXPECT_FALSE(s.text.empty());
          EXPECT_TRUE(engine::is_valid_utf8(s.text)) << s.text;
          if (i > 0 && (*side)[i - 1].kind != K::kElided && s.kind != K::kSame) {
            char prev = (*side)[i - 1].text.back();
            EXPECT_TRUE(prev == ' ' || s.text.front() == ' ') << show(*side);
          }
          if (i + 1 < side->size() && (*side)[i + 1].kind != K::kElided && s.kind != K::kSame) {
            char next = (*side)[i + 1].text.front();
            EXPECT_TRUE(next == ' ' || s.text.back() == ' ') << show(*side);
          }
        }
      }
    }
    // Without elision, each segment boundary falls between two units.
    for (const Passage& p : whole.passages) {
      for (const auto* side : {&p.before, &p.after}) {
        std::string text;
        for (const auto& s : *side) text += s.text;
        const Paragraph* para = paragraph_of(side == &p.before ? before : after, text);
        if (!para) continue;
        std::size_t offset = 0;
        for (const auto& s : *side) {
          offset += s.text.size();
          EXPECT_TRUE(para->boundaries.count(offset)) << "a segment ends inside a unit: " << show(*side);
        }
      }
    }
  }
}

}  // namespace
}  // namespace kenes::report
