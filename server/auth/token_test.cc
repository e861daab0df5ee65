#include "auth/token.h"

#include <gtest/gtest.h>

#include <vector>

namespace kenes::server {
namespace {

TokenClaims chair_claims(int64_t expires) {
  TokenClaims c;
  c.consultation_id = "kz-2026";
  c.participant_id = "p-1";
  c.display_name = "Айгерим Қасымова";
  c.role = kenes::v1::ROLE_CHAIR;
  c.expires_unix = expires;
  return c;
}

TEST(TokenTest, ASignedTokenVerifiesAndCarriesItsClaims) {
  TokenSigner signer(std::string(32, 'k'));
  auto check = signer.verify(signer.sign(chair_claims(2000)), 1000);
  ASSERT_TRUE(check.claims) << check.message;
  EXPECT_EQ(check.claims->consultation_id, "kz-2026");
  EXPECT_EQ(check.claims->participant_id, "p-1");
  EXPECT_EQ(check.claims->display_name, "Айгерим Қасымова");
  EXPECT_EQ(check.claims->role, kenes::v1::ROLE_CHAIR);
  EXPECT_EQ(check.claims->expires_unix, 2000);
}

TEST(TokenTest, AnExpiredTokenIsRefusedAsExpired) {
  TokenSigner signer(std::string(32, 'k'));
  auto check = signer.verify(signer.sign(chair_claims(1000)), 1000);
  EXPECT_FALSE(check.claims);
  EXPECT_EQ(check.error, TokenError::kExpired);
}

TEST(TokenTest, ATokenSignedWithAnotherKeyIsRefused) {
  TokenSigner ours(std::string(32, 'k')), theirs(std::string(32, 'x'));
  auto check = ours.verify(theirs.sign(chair_claims(2000)), 1000);
  EXPECT_FALSE(check.claims);
  EXPECT_EQ(check.error, TokenError::kBadSignature);
}

TEST(TokenTest, EditingTheClaimsBreaksTheSignature) {
  TokenSigner signer(std::string(32, 'k'));
  std::string token = signer.sign(chair_claims(2000));
  // Re-encode the claims with a different role, keep the old signature.
  auto first_dot = token.find('.'), last_dot = token.rfind('.');
  auto claims = base64url_decode(token.substr(first_dot + 1, last_dot - first_dot - 1));
  ASSERT_TRUE(claims);
  std::string forged = *claims;
  forged.replace(forged.find("chair"), 5, "admin");
  std::string tampered = "v1." + base64url_encode(forged) + token.substr(last_dot);
  EXPECT_EQ(signer.verify(tampered, 1000).error, TokenError::kBadSignature);
}

TEST(TokenTest, GarbageIsMalformedNotACrash) {
  TokenSigner signer(std::string(32, 'k'));
  for (const std::string& junk : std::vector<std::string>{"", "v1.", "v1..", "v2.abc.def", "v1.%%%.###", std::string(10000, 'a'), std::string("v1.\0\0.x", 7)}) {
    auto check = signer.verify(junk, 1000);
    EXPECT_FALSE(check.claims) << junk;
  }
}

TEST(TokenTest, Base64UrlRoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); n += 7) {
    auto back = base64url_decode(base64url_encode(all.substr(0, n)));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, all.substr(0, n));
  }
  EXPECT_FALSE(base64url_decode("a"));      // impossible length
  EXPECT_FALSE(base64url_decode("ab+/"));   // not the URL alphabet
}

}  // namespace
}  // namespace kenes::server
