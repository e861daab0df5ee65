#include "engine/transform.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/testing/printers.h"

namespace kenes::engine {
namespace {

std::string apply_to(std::string text, const TextOp& op) {
  Status s = apply_to_string(op, text);
  EXPECT_TRUE(s.ok()) << s.to_string() << " applying " << op.debug_string() << " to \"" << text << "\"";
  return text;
}

// Both orders of applying two concurrent ops, as the sequencer and a client
// would: `first` was sequenced first.
struct Outcome {
  std::string first_then_second;
  std::string second_then_first;
};
Outcome both_orders(const std::string& doc, const TextOp& first, const TextOp& second) {
  const TransformedPair p = transform_pair(first, second);
  return Outcome{apply_to(apply_to(doc, first), p.second_after_first),
                 apply_to(apply_to(doc, second), p.first_after_second)};
}

TEST(TransformTest, ConcurrentInsertsAtSamePositionKeepServerOrder) {
  TextOp first;
  first.retain(1).insert("X");
  TextOp second;
  second.retain(1).insert("Y");
  EXPECT_EQ(transform(second, first, Side::kRight).debug_string(), R"([2,"Y"])");
  EXPECT_EQ(transform(first, second, Side::kLeft).debug_string(), R"([1,"X"])");
  const Outcome o = both_orders("ab", first, second);
  EXPECT_EQ(o.first_then_second, "aXYb");
  EXPECT_EQ(o.second_then_first, "aXYb");
}

TEST(TransformTest, ConcurrentUnicodeInsertsAtSamePositionKeepServerOrder) {
  // Both insert after the fifth code point of "Қазақстан" (after "Қазақ");
  // the emoji with its skin tone is two code points.
  TextOp first;
  first.retain(5).insert("👍🏽");
  TextOp second;
  second.retain(5).insert("ғ");
  EXPECT_EQ(transform(second, first, Side::kRight).debug_string(), R"([7,"ғ"])");
  const Outcome o = both_orders("Қазақстан", first, second);
  EXPECT_EQ(o.first_then_second, "Қазақ👍🏽ғстан");
  EXPECT_EQ(o.second_then_first, "Қазақ👍🏽ғстан");
}

TEST(TransformTest, SideOnlyMattersForInsertsAtTheSamePosition) {
  TextOp op;
  op.retain(1).insert("X");
  TextOp other;
  other.retain(3).insert("Y");
  EXPECT_EQ(transform(op, other, Side::kLeft), transform(op, other, Side::kRight));
}

TEST(TransformTest, InsertInsideAConcurrentlyDeletedRangeSurvives) {
  TextOp del;
  del.retain(1).del(4);  // "abcdef" -> "af"
  TextOp ins;
  ins.retain(3).insert("X");  // "abcdef" -> "abcXdef"
  EXPECT_EQ(transform(ins, del, Side::kRight).debug_string(), R"([1,"X"])");
  EXPECT_EQ(transform(del, ins, Side::kLeft).debug_string(), R"([1,{"d":2},1,{"d":2}])");
  const Outcome o = both_orders("abcdef", del, ins);
  EXPECT_EQ(o.first_then_second, "aXf");
  EXPECT_EQ(o.second_then_first, "aXf");
}

TEST(TransformTest, ConcurrentDeletesOfTheSameTextDeleteItOnce) {
  TextOp a;
  a.retain(1).del(3);  // deletes bcd
  TextOp b;
  b.retain(2).del(3);  // deletes cde
  EXPECT_EQ(transform(a, b, Side::kLeft).debug_string(), R"([1,{"d":1}])");
  EXPECT_EQ(transform(b, a, Side::kRight).debug_string(), R"([1,{"d":1}])");
  const Outcome o = both_orders("abcdef", a, b);
  EXPECT_EQ(o.first_then_second, "af");
  EXPECT_EQ(o.second_then_first, "af");
}

TEST(TransformTest, AnInsertWhereTheOtherOpDeletesStaysAndTheDeleteStepsOverIt) {
  TextOp ins;
  ins.retain(2).insert("ә");
  TextOp del;
  del.retain(2).del(2);
  const Outcome o = both_orders("абвгд", ins, del);
  EXPECT_EQ(o.first_then_second, "абәд");
  EXPECT_EQ(o.second_then_first, "абәд");
}

TEST(TransformTest, ANoOpChangesNothingAndIsChangedByNothing) {
  TextOp op;
  op.retain(2).insert("x").del(1);
  EXPECT_EQ(transform(op, TextOp(), Side::kLeft), op);
  EXPECT_EQ(transform(op, TextOp(), Side::kRight), op);
  EXPECT_TRUE(transform(TextOp(), op, Side::kRight).is_noop());
}

TEST(TransformTest, AppendsAtTheEndOfTheDocumentKeepServerOrderToo) {
  TextOp first;
  first.retain(3).insert("1");
  TextOp second;
  second.retain(3).insert("2");
  const Outcome o = both_orders("abc", first, second);
  EXPECT_EQ(o.first_then_second, "abc12");
  EXPECT_EQ(o.second_then_first, "abc12");
}

TEST(TransformPositionTest, RemoteCaretAtAnInsertStaysBeforeIt) {
  TextOp op;
  op.retain(3).insert("xyz");
  EXPECT_EQ(transform_position(3, op, Stickiness::kBefore), 3u);
}

TEST(TransformPositionTest, AuthorCaretMovesAfterItsOwnInsert) {
  TextOp op;
  op.retain(3).insert("xyz");
  EXPECT_EQ(transform_position(3, op, Stickiness::kAfter), 6u);
}

TEST(TransformPositionTest, PositionsBeforeAnEditStayAndAfterItShift) {
  TextOp op;
  op.retain(3).insert("Қазақ").del(2);
  EXPECT_EQ(transform_position(2, op, Stickiness::kAfter), 2u);
  EXPECT_EQ(transform_position(5, op, Stickiness::kBefore), 8u);
  EXPECT_EQ(transform_position(100, op, Stickiness::kBefore), 103u);
}

TEST(TransformPositionTest, PositionInsideADeletionMovesToWhereTheDeletionWas) {
  TextOp op;
  op.retain(2).del(5);
  EXPECT_EQ(transform_position(4, op, Stickiness::kBefore), 2u);
  EXPECT_EQ(transform_position(7, op, Stickiness::kBefore), 2u);
  EXPECT_EQ(transform_position(8, op, Stickiness::kBefore), 3u);
}

TEST(TransformPositionTest, PositionInsideReplacedTextMovesAfterTheReplacement) {
  TextOp op;
  op.retain(2).insert("NEW").del(5);
  EXPECT_EQ(transform_position(4, op, Stickiness::kBefore), 5u);
  EXPECT_EQ(transform_position(2, op, Stickiness::kBefore), 2u);
  EXPECT_EQ(transform_position(2, op, Stickiness::kAfter), 5u);
}

TEST(TransformPositionTest, AnAbsurdPositionFromAClientDoesNotOverflow) {
  TextOp op;
  op.insert("abc");
  EXPECT_EQ(transform_position(UINT64_MAX, op, Stickiness::kBefore), kMaxLength + 3);
}

TEST(TransformRangeTest, SelectionEndsMoveTogether) {
  TextOp op;
  op.insert("ab");
  EXPECT_EQ(transform_range(Range{5, 2}, op, Stickiness::kBefore), (Range{7, 4}));
}

TEST(TransformAnchorTest, TextTypedAtTheEdgesOfAnAnchorStaysOutside) {
  // The anchor covers "def" in "abcdefghi".
  TextOp at_start;
  at_start.retain(3).insert("<<");
  EXPECT_EQ(transform_anchor(Range{3, 6}, at_start), (Range{5, 8}));
  TextOp at_end;
  at_end.retain(6).insert(">>");
  EXPECT_EQ(transform_anchor(Range{3, 6}, at_end), (Range{3, 6}));
}

TEST(TransformAnchorTest, TextTypedInsideAnAnchorIsInside) {
  TextOp op;
  op.retain(4).insert("Қ");
  EXPECT_EQ(transform_anchor(Range{3, 6}, op), (Range{3, 7}));
}

TEST(TransformAnchorTest, ABackwardsAnchorComesOutForwards) {
  TextOp op;
  op.insert("x");
  EXPECT_EQ(transform_anchor(Range{6, 3}, op), (Range{4, 7}));
}

TEST(TransformAnchorTest, AnAnchorWhoseTextIsDeletedCollapses) {
  TextOp op;
  op.retain(2).del(6);
  EXPECT_EQ(transform_anchor(Range{3, 6}, op), (Range{2, 2}));
  TextOp replaced;
  replaced.retain(3).insert("new").del(3);
  EXPECT_EQ(transform_anchor(Range{3, 6}, replaced), (Range{6, 6}));
}

TEST(TransformAnchorTest, ACollapsedAnchorStaysBeforeTextInsertedAtIt) {
  TextOp op;
  op.retain(4).insert("xyz");
  EXPECT_EQ(transform_anchor(Range{4, 4}, op), (Range{4, 4}));
}

}  // namespace
}  // namespace kenes::engine
