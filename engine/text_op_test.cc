#include "engine/text_op.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "engine/testing/printers.h"

namespace kenes::engine {
namespace {

std::string apply_to(std::string text, const TextOp& op) {
  Status s = apply_to_string(op, text);
  EXPECT_TRUE(s.ok()) << s.to_string();
  return text;
}

TEST(TextOpTest, DefaultOpIsANoOpThatFitsEveryDocument) {
  TextOp op;
  EXPECT_TRUE(op.is_noop());
  EXPECT_EQ(op.consumed_length(), 0u);
  EXPECT_EQ(op.debug_string(), "[]");
  EXPECT_EQ(apply_to("", op), "");
}

TEST(TextOpTest, BuilderMergesAdjacentComponentsOfOneKind) {
  TextOp op;
  op.retain(2).retain(3).insert("a").insert("b").del(1).del(2);
  EXPECT_EQ(op.debug_string(), R"([5,"ab",{"d":3}])");
}

TEST(TextOpTest, BuilderIgnoresEmptyComponents) {
  TextOp op;
  op.retain(0).insert("").del(0);
  EXPECT_TRUE(op.is_noop());
}

TEST(TextOpTest, BuilderPutsTheInsertBeforeTheDeleteWhereTheyMeet) {
  EXPECT_EQ(TextOp().retain(1).del(2).insert("x").debug_string(), R"([1,"x",{"d":2}])");
  EXPECT_EQ(TextOp().insert("a").del(2).insert("b").debug_string(), R"(["ab",{"d":2}])");
  EXPECT_EQ(TextOp().del(2).insert("x"), TextOp().insert("x").del(2));
}

TEST(TextOpTest, BuilderDropsATrailingRetain) {
  TextOp op;
  op.retain(3).insert("x").retain(5);
  EXPECT_EQ(op.debug_string(), R"([3,"x"])");
  EXPECT_EQ(op.consumed_length(), 3u);
  EXPECT_TRUE(TextOp().retain(10).is_noop());
}

TEST(TextOpTest, InsertLengthCountsCodePoints) {
  TextOp op;
  op.insert("Қазақстан 👍🏽");
  ASSERT_EQ(op.components().size(), 1u);
  EXPECT_EQ(std::get<Insert>(op.components()[0]).length, 12u);
  EXPECT_EQ(op.inserted_length(), 12u);
}

TEST(TextOpTest, LengthsSummarizeWhatTheOpDoes) {
  TextOp op;
  op.retain(4).del(2).insert("漢字!").retain(3).del(1);
  EXPECT_EQ(op.consumed_length(), 10u);
  EXPECT_EQ(op.deleted_length(), 3u);
  EXPECT_EQ(op.inserted_length(), 3u);
  EXPECT_EQ(op.output_length(12), 12u);
}

TEST(TextOpTest, FromComponentsAcceptsANormalizedOpAsItIs) {
  Result<TextOp> op = TextOp::from_components({Retain{2}, Insert{"ғң", 0}, Delete{1}});
  ASSERT_TRUE(op.ok()) << op.status().to_string();
  EXPECT_EQ(*op, TextOp().retain(2).insert("ғң").del(1));
}

TEST(TextOpTest, FromComponentsRecomputesInsertLengthInsteadOfTrustingIt) {
  Result<TextOp> op = TextOp::from_components({Insert{"👨\u200D👩\u200D👧", 1}});
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(std::get<Insert>(op->components()[0]).length, 5u);
}

TEST(TextOpTest, FromComponentsNormalizes) {
  Result<TextOp> op = TextOp::from_components(
      {Retain{2}, Retain{3}, Delete{1}, Insert{"x", 1}, Delete{1}, Insert{"y", 1}, Retain{4}});
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(op->debug_string(), R"([5,"xy",{"d":2}])");
  EXPECT_EQ(op->consumed_length(), 7u);
}

TEST(TextOpTest, FromComponentsRefusesARetainOfZero) {
  Result<TextOp> op = TextOp::from_components({Insert{"a", 1}, Retain{0}});
  ASSERT_FALSE(op.ok());
  EXPECT_EQ(op.status().code(), ErrorCode::kMalformed);
  EXPECT_EQ(op.status().message(), "component 1: retain of 0 code points");
}

TEST(TextOpTest, FromComponentsRefusesADeleteOfZero) {
  Result<TextOp> op = TextOp::from_components({Delete{0}});
  ASSERT_FALSE(op.ok());
  EXPECT_EQ(op.status().code(), ErrorCode::kMalformed);
  EXPECT_EQ(op.status().message(), "component 0: delete of 0 code points");
}

TEST(TextOpTest, FromComponentsRefusesAnEmptyInsert) {
  Result<TextOp> op = TextOp::from_components({Retain{1}, Insert{"", 0}});
  ASSERT_FALSE(op.ok());
  EXPECT_EQ(op.status().code(), ErrorCode::kMalformed);
  EXPECT_EQ(op.status().message(), "component 1: empty insert");
}

TEST(TextOpTest, FromComponentsRefusesInvalidUtf8NamingComponentAndByte) {
  Result<TextOp> op = TextOp::from_components({Retain{1}, Insert{std::string("ok\xED\xA0\x80", 5), 3}});
  ASSERT_FALSE(op.ok());
  EXPECT_EQ(op.status().code(), ErrorCode::kInvalidUtf8);
  EXPECT_EQ(op.status().message(),
            "component 1: insert is invalid UTF-8 at byte 2: surrogate code point (U+D800..U+DFFF)");
}

TEST(TextOpTest, FromComponentsRefusesLengthsNoDocumentCanHave) {
  Result<TextOp> huge = TextOp::from_components({Retain{std::numeric_limits<uint64_t>::max()}, Insert{"x", 1}});
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), ErrorCode::kDoesNotFit);
  // Each fits on its own, the sum does not: the check cannot be fooled by
  // wrapping around 2^64.
  Result<TextOp> sum = TextOp::from_components({Retain{kMaxLength}, Delete{kMaxLength}});
  ASSERT_FALSE(sum.ok());
  EXPECT_EQ(sum.status().code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(sum.status().message(),
            "component 1: op retains/deletes more than 9007199254740991 code points, more than any document can hold");
}

TEST(TextOpTest, ValidateRefusesAnOpReachingPastTheEnd) {
  TextOp op;
  op.retain(100).del(20);
  Status s = validate(op, 97);
  EXPECT_EQ(s.code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(s.message(), "op retains/deletes up to code point 120 but the document has 97");
  EXPECT_TRUE(validate(op, 120).ok());
}

TEST(TextOpTest, ApplyEditsAtCodePointPositions) {
  Rope rope("Қазақстан");
  ASSERT_TRUE(apply(TextOp().retain(5).insert("X").del(2), rope).ok());
  EXPECT_EQ(rope.to_string(), "ҚазақXан");
  EXPECT_EQ(apply_to("Қазақстан", TextOp().retain(5).insert("X").del(2)), "ҚазақXан");
}

TEST(TextOpTest, ApplyLeavesTheTextUnchangedWhenTheOpDoesNotFit) {
  Rope rope("short");
  Status s = apply(TextOp().retain(3).insert("x").del(3), rope);
  EXPECT_EQ(s.code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(rope.to_string(), "short");
  std::string text = "short";
  EXPECT_EQ(apply_to_string(TextOp().del(6), text).code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(text, "short");
}

TEST(TextOpTest, ApplyRetainsTheRestImplicitly) {
  EXPECT_EQ(apply_to("hello world", TextOp().insert(">> ")), ">> hello world");
}

TEST(TextOpTest, InvertRestoresDeletedTextAndRemovesInsertedText) {
  Rope before("Привет, мир");
  TextOp op;
  op.retain(6).del(1).insert(" 👋").retain(1).del(3);
  Result<TextOp> inverse = invert(op, before);
  ASSERT_TRUE(inverse.ok());
  EXPECT_EQ(inverse->debug_string(), R"([6,",",{"d":2},1,"мир"])");
  Rope text = before;
  ASSERT_TRUE(apply(op, text).ok());
  EXPECT_EQ(text.to_string(), "Привет 👋 ");
  ASSERT_TRUE(apply(*inverse, text).ok());
  EXPECT_EQ(text, before);
}

TEST(TextOpTest, InvertRefusesAnOpThatDoesNotFitTheDocument) {
  Result<TextOp> inverse = invert(TextOp().del(4), Rope("abc"));
  EXPECT_EQ(inverse.status().code(), ErrorCode::kDoesNotFit);
}

TEST(TextOpTest, ComposeOfAnInsertAndItsDeletionIsANoOp) {
  TextOp a;
  a.retain(2).insert("abc");
  TextOp b;
  b.retain(2).del(3);
  EXPECT_TRUE(compose(a, b).is_noop());
}

TEST(TextOpTest, ComposeSplitsAnInsertByCodePoints) {
  TextOp a;
  a.insert("Қазақ");
  TextOp b;
  b.retain(2).del(1).insert("👍").retain(1);
  EXPECT_EQ(compose(a, b).debug_string(), R"(["Қа👍ақ"])");
}

TEST(TextOpTest, ComposeKeepsBothDeletesAndInsertsInOrder) {
  // "abcdef" --a--> "aXdef" --b--> "aXYf"
  TextOp a;
  a.retain(1).del(2).insert("X");
  TextOp b;
  b.retain(2).del(2).insert("Y");
  const TextOp ab = compose(a, b);
  EXPECT_EQ(apply_to(apply_to("abcdef", a), b), "aXYf");
  EXPECT_EQ(apply_to("abcdef", ab), "aXYf");
  EXPECT_EQ(ab.debug_string(), R"([1,"XY",{"d":4}])");
}

TEST(TextOpTest, ComposeReachesPastTheFirstOpsOutputThroughTheImplicitRetain) {
  TextOp a;
  a.insert("x");
  TextOp b;
  b.retain(5).del(2);
  EXPECT_EQ(compose(a, b).debug_string(), R"(["x",4,{"d":2}])");
}

TEST(TextOpTest, DebugStringUsesTheTestVectorEncoding) {
  TextOp op;
  op.retain(3).insert("a\"b\\\n\x01").del(2);
  EXPECT_EQ(op.debug_string(), R"([3,"a\"b\\\n\u0001",{"d":2}])");
}

}  // namespace
}  // namespace kenes::engine
