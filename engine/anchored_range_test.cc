#include "engine/anchored_range.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/document_sequencer.h"
#include "engine/testing/random_edits.h"
#include "engine/utf8.h"

#include "engine/testing/printers.h"

namespace kenes::engine {
namespace {

using testing::Alphabet;
using testing::Rng;

TextOp insert_at(uint64_t pos, std::string_view text) { return TextOp().retain(pos).insert(text); }
TextOp delete_at(uint64_t pos, uint64_t n) { return TextOp().retain(pos).del(n); }

AnchoredRange anchor_on(Range range, const Rope& text) {
  Result<AnchoredRange> a = AnchoredRange::create(range, text);
  EXPECT_TRUE(a.ok()) << a.status().to_string();
  return std::move(a).value();
}

// Applies `op` to `text`, moving `anchor` first (it needs the text before).
void edit(Rope& text, AnchoredRange& anchor, const TextOp& op) {
  ASSERT_TRUE(anchor.update(op, text).ok());
  ASSERT_TRUE(apply(op, text).ok());
}

std::string anchored_text(const AnchoredRange& a, const Rope& text) { return text.substr(a.from(), a.to() - a.from()); }

TEST(AnchoredRangeTest, StartsAttachedAndUnchangedOnTheGivenWords) {
  Rope text("Қазақстан жаңа заң");
  AnchoredRange a = anchor_on(Range{10, 14}, text);
  EXPECT_TRUE(a.attached());
  EXPECT_FALSE(a.changed());
  EXPECT_EQ(anchored_text(a, text), "жаңа");
  EXPECT_FALSE(a.detached_quote().has_value());
}

TEST(AnchoredRangeTest, ABackwardsSelectionAnchorsTheSameText) {
  Rope text("abcdef");
  AnchoredRange a = anchor_on(Range{4, 1}, text);
  EXPECT_EQ(a.range(), (Range{1, 4}));
}

TEST(AnchoredRangeTest, AnEmptyRangeIsRefused) {
  Rope text("abc");
  EXPECT_EQ(AnchoredRange::create(Range{1, 1}, text).status().code(), ErrorCode::kMalformed);
}

TEST(AnchoredRangeTest, ARangePastTheEndDoesNotFit) {
  Rope text("abc");
  Result<AnchoredRange> a = AnchoredRange::create(Range{1, 4}, text);
  EXPECT_EQ(a.status().code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(a.status().message(), "range [1, 4) reaches past the document's 3 code points");
}

TEST(AnchoredRangeTest, TextTypedAtEitherEdgeStaysOutsideAndChangesNothing) {
  Rope text("say hello now");
  AnchoredRange a = anchor_on(Range{4, 9}, text);
  edit(text, a, insert_at(4, "«"));
  edit(text, a, insert_at(10, "»"));
  EXPECT_EQ(text.to_string(), "say «hello» now");
  EXPECT_EQ(anchored_text(a, text), "hello");
  EXPECT_FALSE(a.changed());
}

TEST(AnchoredRangeTest, EditsElsewhereMoveTheRangeWithoutChangingIt) {
  Rope text("one two three");
  AnchoredRange a = anchor_on(Range{4, 7}, text);
  edit(text, a, TextOp().del(4).insert("👍🏽 "));
  edit(text, a, TextOp().retain(6).del(1).insert("!"));
  EXPECT_EQ(text.to_string(), "👍🏽 two!three");
  EXPECT_EQ(anchored_text(a, text), "two");
  EXPECT_FALSE(a.changed());
}

TEST(AnchoredRangeTest, TextTypedStrictlyInsideGrowsTheRangeAndMarksItChanged) {
  Rope text("a big dog");
  AnchoredRange a = anchor_on(Range{2, 9}, text);
  edit(text, a, insert_at(5, " black"));
  EXPECT_EQ(anchored_text(a, text), "big black dog");
  EXPECT_TRUE(a.changed());
}

TEST(AnchoredRangeTest, DeletingPartOfTheTextShrinksTheRangeAndMarksItChanged) {
  Rope text("the quick brown fox");
  AnchoredRange a = anchor_on(Range{4, 15}, text);
  edit(text, a, delete_at(2, 8));  // "e quick "
  EXPECT_EQ(text.to_string(), "thbrown fox");
  EXPECT_EQ(anchored_text(a, text), "brown");
  EXPECT_TRUE(a.attached());
  EXPECT_TRUE(a.changed());
}

TEST(AnchoredRangeTest, DeletingAllOfTheTextDetachesItKeepingTheQuoteAndItsSurroundings) {
  Rope text("Бірінші абзац. Маңызды сөйлем. Соңғы абзац.");
  AnchoredRange a = anchor_on(Range{15, 30}, text);
  ASSERT_EQ(anchored_text(a, text), "Маңызды сөйлем.");
  edit(text, a, TextOp().retain(14).del(17).insert(" Жаңа."));
  EXPECT_FALSE(a.attached());
  EXPECT_TRUE(a.changed());
  ASSERT_TRUE(a.detached_quote().has_value());
  EXPECT_EQ(a.detached_quote()->text, "Маңызды сөйлем.");
  EXPECT_EQ(a.detached_quote()->before, "Бірінші абзац. ");
  EXPECT_EQ(a.detached_quote()->after, " Соңғы абзац.");
  // Detached, it sits where the text was (after the text typed in its place).
  EXPECT_EQ(a.from(), a.to());
  EXPECT_EQ(a.from(), 20u);
}

TEST(AnchoredRangeTest, TheContextIsAtMost32CodePointsOnEachSide) {
  const std::string before(40, 'x');
  const std::string after(40, 'y');
  Rope text(before + "漢字" + after);
  AnchoredRange a = anchor_on(Range{40, 42}, text);
  edit(text, a, delete_at(30, 20));
  ASSERT_FALSE(a.attached());
  EXPECT_EQ(a.detached_quote()->before, std::string(32, 'x'));
  EXPECT_EQ(a.detached_quote()->after, std::string(32, 'y'));
  EXPECT_EQ(a.detached_quote()->text, "漢字");
}

TEST(AnchoredRangeTest, ADetachedAnchorFollowsTheTextAsAPointThatStaysBeforeInsertions) {
  Rope text("abcdef");
  AnchoredRange a = anchor_on(Range{2, 4}, text);
  edit(text, a, delete_at(2, 2));
  ASSERT_EQ(a.from(), 2u);
  edit(text, a, insert_at(2, "ZZ"));
  EXPECT_EQ(a.range(), (Range{2, 2}));
  edit(text, a, insert_at(0, "→"));
  EXPECT_EQ(a.range(), (Range{3, 3}));
  EXPECT_EQ(a.detached_quote()->text, "cd");  // the quote stays as it was
}

TEST(AnchoredRangeTest, ReattachingDropsTheQuoteAndFollowsTheNewRange) {
  Rope text("keep this text");
  AnchoredRange a = anchor_on(Range{5, 9}, text);
  edit(text, a, delete_at(5, 5));
  ASSERT_FALSE(a.attached());
  ASSERT_TRUE(a.reattach(Range{5, 9}, text).ok());
  EXPECT_TRUE(a.attached());
  EXPECT_FALSE(a.detached_quote().has_value());
  EXPECT_TRUE(a.changed());  // sticky: the detaching delete was a change
  EXPECT_EQ(anchored_text(a, text), "text");
  edit(text, a, insert_at(0, "and "));
  EXPECT_EQ(anchored_text(a, text), "text");
}

TEST(AnchoredRangeTest, ReattachingIsValidatedAgainstTheDocumentAndAFailureChangesNothing) {
  Rope text("abc");
  AnchoredRange a = anchor_on(Range{0, 2}, text);
  edit(text, a, delete_at(0, 2));
  EXPECT_EQ(a.reattach(Range{0, 5}, text).code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(a.reattach(Range{1, 1}, text).code(), ErrorCode::kMalformed);
  EXPECT_FALSE(a.attached());
  EXPECT_EQ(a.detached_quote()->text, "ab");
}

TEST(AnchoredRangeTest, LocateQuotePrefersTheOccurrenceWhoseSurroundingsMatch) {
  Rope text("Алма ағашы. Алма ағашы гүлдеді. Алма.");
  // Anchor the second "Алма" (code points 12..16), then delete it.
  AnchoredRange a = anchor_on(Range{12, 16}, text);
  edit(text, a, delete_at(12, 4));
  ASSERT_FALSE(a.attached());
  // Of the two left, the first has more of the remembered context around it
  // (" ағашы" after it).
  EXPECT_EQ(a.locate_quote(text), (Range{0, 4}));
  // Typed back in its place, it has all of the context on both sides.
  edit(text, a, insert_at(12, "Алма"));
  std::optional<Range> found = a.locate_quote(text);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, (Range{12, 16}));
  ASSERT_TRUE(a.reattach(*found, text).ok());
  EXPECT_EQ(anchored_text(a, text), "Алма");
}

TEST(AnchoredRangeTest, LocateQuoteOnAnAttachedAnchorFindsNothing) {
  Rope text("abcabc");
  AnchoredRange a = anchor_on(Range{0, 3}, text);
  EXPECT_EQ(a.locate_quote(text), std::nullopt);
}

TEST(AnchoredRangeTest, AnOpThatDoesNotFitChangesNothing) {
  Rope text("abc");
  AnchoredRange a = anchor_on(Range{1, 2}, text);
  EXPECT_EQ(a.update(delete_at(2, 5), text).code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(a.range(), (Range{1, 2}));
  EXPECT_FALSE(a.changed());
}

TEST(AnchoredRangeTest, TheWrongTextIsAnInvalidState) {
  Rope text("abcdef");
  AnchoredRange a = anchor_on(Range{3, 6}, text);
  EXPECT_EQ(a.update(insert_at(0, "x"), Rope("ab")).code(), ErrorCode::kInvalidState);
  EXPECT_EQ(a.range(), (Range{3, 6}));
}

// The brute-force model: one flag per code point of the document, true for
// the anchored ones, followed through each op component by component. Text
// inserted with an anchored code point on both sides of the insertion point
// (in the text before the op) is anchored.
struct MarkModel {
  std::vector<bool> marks;
  bool changed = false;

  void apply(const TextOp& op) {
    std::vector<bool> out;
    size_t at = 0;
    auto marked_before = [&](size_t p) {
      for (size_t i = 0; i < p && i < marks.size(); ++i) {
        if (marks[i]) return true;
      }
      return false;
    };
    auto marked_from = [&](size_t p) {
      for (size_t i = p; i < marks.size(); ++i) {
        if (marks[i]) return true;
      }
      return false;
    };
    for (const Component& c : op.components()) {
      if (const auto* r = std::get_if<Retain>(&c)) {
        for (uint64_t i = 0; i < r->n; ++i) out.push_back(marks[at++]);
      } else if (const auto* ins = std::get_if<Insert>(&c)) {
        const bool inside = marked_before(at) && marked_from(at);
        if (inside) changed = true;
        for (uint64_t i = 0; i < ins->length; ++i) out.push_back(inside);
      } else {
        for (uint64_t i = 0; i < std::get<Delete>(c).n; ++i) {
          if (marks[at++]) changed = true;
        }
      }
    }
    while (at < marks.size()) out.push_back(marks[at++]);
    marks = std::move(out);
  }

  // [first marked, last marked + 1), or nullopt when nothing is marked;
  // fails the test if the marks are not contiguous.
  std::optional<Range> span() const {
    std::optional<Range> r;
    for (uint64_t i = 0; i < marks.size(); ++i) {
      if (!marks[i]) continue;
      if (!r.has_value()) {
        r = Range{i, i + 1};
      } else {
        EXPECT_EQ(r->head, i) << "anchored code points are not contiguous";
        r->head = i + 1;
      }
    }
    return r;
  }
};

TEST(AnchoredRangeTest, AnchorsMoveWithTheirCodePointsUnderRandomConcurrentOps) {
  for (uint64_t seed : testing::test_seeds(300)) {
    for (Alphabet alphabet : testing::all_alphabets()) {
      SCOPED_TRACE(testing::seed_note(seed) + ", alphabet " + std::string(testing::alphabet_name(alphabet)));
      Rng rng(seed * 131 + static_cast<uint64_t>(alphabet));
      // Several clients edit concurrently, each on a recent version; the
      // sequencer rebases their ops, and anchors follow the sequenced ops.
      std::vector<Rope> versions{Rope(testing::random_text(rng, rng.between(8, 40), alphabet))};
      DocumentSequencer sequencer(versions.back());
      struct Tracked {
        AnchoredRange anchor;
        MarkModel model;
        bool detached_seen = false;
      };
      std::vector<Tracked> tracked;
      auto add_anchor = [&](const Rope& text) {
        if (text.length() < 1) return;
        const uint64_t from = rng.below(text.length());
        const uint64_t to = rng.between(from + 1, text.length());
        MarkModel m;
        m.marks.assign(text.length(), false);
        for (uint64_t i = from; i < to; ++i) m.marks[i] = true;
        tracked.push_back(Tracked{anchor_on(Range{from, to}, text), std::move(m)});
      };
      for (int i = 0; i < 4; ++i) add_anchor(versions.back());
      for (uint64_t step = 0; step < 40; ++step) {
        const uint64_t lag = std::min<uint64_t>(rng.below(4), versions.size() - 1);
        const uint64_t base = versions.size() - 1 - lag;
        TextOp op = testing::random_op(rng, versions[base].length(), alphabet);
        Result<DocumentSequencer::Sequenced> seq =
            sequencer.submit("client" + std::to_string(rng.below(3)), step + 1, base, std::move(op));
        ASSERT_TRUE(seq.ok()) << seq.status().to_string();
        const Rope& before = versions.back();
        SCOPED_TRACE("step " + std::to_string(step) + " op " + seq->op.debug_string() + " on " + before.to_string());
        for (Tracked& t : tracked) {
          const std::optional<Range> was = t.model.span();
          ASSERT_TRUE(t.anchor.update(seq->op, before).ok());
          t.model.apply(seq->op);
          const std::optional<Range> now = t.model.span();
          EXPECT_EQ(t.anchor.changed(), t.model.changed);
          if (now.has_value()) {
            ASSERT_TRUE(t.anchor.attached());
            EXPECT_EQ(t.anchor.range(), *now);
          } else if (was.has_value()) {
            // Detached by this op: quote and context from the text before it.
            ASSERT_FALSE(t.anchor.attached());
            const DetachedQuote& q = *t.anchor.detached_quote();
            EXPECT_EQ(q.text, before.substr(was->anchor, was->head - was->anchor));
            const uint64_t context = std::min<uint64_t>(was->anchor, AnchoredRange::kContextLength);
            EXPECT_EQ(q.before, before.substr(was->anchor - context, context));
            EXPECT_EQ(q.after, before.substr(was->head, AnchoredRange::kContextLength));
            EXPECT_EQ(t.anchor.from(), transform_position(was->anchor, seq->op, Stickiness::kAfter));
            t.detached_seen = true;
          } else {
            ASSERT_FALSE(t.anchor.attached());
          }
        }
        versions.push_back(sequencer.text());
        for (Tracked& t : tracked) {
          ASSERT_LE(t.anchor.to(), sequencer.text().length());
          // Now and then re-attach a detached anchor to fresh text, as a
          // user would, and keep following it.
          if (!t.anchor.attached() && sequencer.text().length() > 0 && rng.chance(1, 3)) {
            const uint64_t from = rng.below(sequencer.text().length());
            const uint64_t to = rng.between(from + 1, sequencer.text().length());
            ASSERT_TRUE(t.anchor.reattach(Range{from, to}, sequencer.text()).ok());
            t.model.marks.assign(sequencer.text().length(), false);
            for (uint64_t i = from; i < to; ++i) t.model.marks[i] = true;
          }
        }
        if (rng.chance(1, 8)) add_anchor(sequencer.text());
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace kenes::engine
