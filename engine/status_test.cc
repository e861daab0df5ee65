#include "engine/status.h"

#include <gtest/gtest.h>

#include <string>

namespace kenes::engine {
namespace {

TEST(StatusTest, DefaultStatusIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kOk);
  EXPECT_EQ(s.to_string(), "ok");
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  Status s(ErrorCode::kDoesNotFit, "op retains/deletes up to code point 120 but the document has 97");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(s.to_string(), "does_not_fit: op retains/deletes up to code point 120 but the document has 97");
}

TEST(StatusTest, EveryCodeHasADistinctName) {
  const ErrorCode codes[] = {ErrorCode::kOk,          ErrorCode::kMalformed,         ErrorCode::kInvalidUtf8,
                             ErrorCode::kDoesNotFit,  ErrorCode::kVersionFromFuture, ErrorCode::kVersionTooOld,
                             ErrorCode::kStaleClientSeq, ErrorCode::kInvalidState};
  for (ErrorCode a : codes) {
    for (ErrorCode b : codes) {
      if (a != b) {
        EXPECT_NE(error_code_name(a), error_code_name(b));
      }
    }
  }
}

TEST(ResultTest, HoldsAValue) {
  Result<std::string> r(std::string("text"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.status().ok());
  EXPECT_EQ(*r, "text");
  EXPECT_EQ(r->size(), 4u);
}

TEST(ResultTest, HoldsAnError) {
  Result<int> r(Status(ErrorCode::kMalformed, "empty insert"));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kMalformed);
}

TEST(ResultTest, BuiltFromAnOkStatusIsAnErrorNotAnEmptySuccess) {
  Result<int> r{Status::Ok()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidState);
}

}  // namespace
}  // namespace kenes::engine
