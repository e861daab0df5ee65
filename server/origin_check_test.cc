#include "origin_check.h"

#include <gtest/gtest.h>

namespace kenes::server {
namespace {

TEST(OriginCheckTest, WithoutAnOriginHeaderTheRequestIsNotFromABrowserAndPasses) {
  EXPECT_TRUE(origin_allowed({}, "", "kenes.example.org"));
}

TEST(OriginCheckTest, ByDefaultABrowserOriginMustNameTheRequestsHost) {
  OriginPolicy p;
  EXPECT_TRUE(origin_allowed(p, "https://kenes.example.org", "kenes.example.org"));
  EXPECT_TRUE(origin_allowed(p, "https://Kenes.Example.ORG", "kenes.example.org:443"));
  EXPECT_TRUE(origin_allowed(p, "http://127.0.0.1:8080", "127.0.0.1:8080"));
  EXPECT_TRUE(origin_allowed(p, "http://[::1]:8080", "[::1]:8080"));
  EXPECT_FALSE(origin_allowed(p, "https://evil.example", "kenes.example.org"));
  EXPECT_FALSE(origin_allowed(p, "https://kenes.example.org.evil.example", "kenes.example.org"));
  EXPECT_FALSE(origin_allowed(p, "http://127.0.0.1:9999", "127.0.0.1:8080"));
  EXPECT_FALSE(origin_allowed(p, "null", "kenes.example.org"));
  EXPECT_FALSE(origin_allowed(p, "garbage", "kenes.example.org"));
  EXPECT_FALSE(origin_allowed(p, "https://kenes.example.org", ""));
}

TEST(OriginCheckTest, ThePublicUrlsOriginPassesWhateverHostAProxyForwards) {
  OriginPolicy p;
  p.public_origin = origin_of_url("https://kenes.example.org/");
  EXPECT_TRUE(origin_allowed(p, "https://kenes.example.org", "127.0.0.1:8080"));
  EXPECT_FALSE(origin_allowed(p, "http://kenes.example.org", "127.0.0.1:8080"));
}

TEST(OriginCheckTest, AnExplicitListReplacesTheDefaultRule) {
  OriginPolicy p;
  ASSERT_EQ(parse_allowed_origins(" https://a.example , http://b.example:8080/ ", p.allowed), "");
  ASSERT_EQ(p.allowed.size(), 2u);
  EXPECT_TRUE(origin_allowed(p, "https://a.example", "anything"));
  EXPECT_TRUE(origin_allowed(p, "http://B.example:8080", "anything"));
  EXPECT_FALSE(origin_allowed(p, "https://kenes.example.org", "kenes.example.org"));
  ASSERT_EQ(parse_allowed_origins("*", p.allowed), "");
  EXPECT_TRUE(origin_allowed(p, "https://anywhere.example", "kenes.example.org"));
}

TEST(OriginCheckTest, AnEntryThatIsNotAnOriginIsRefusedWithAMessage) {
  std::vector<std::string> out;
  EXPECT_NE(parse_allowed_origins("kenes.example.org", out), "");
  EXPECT_NE(parse_allowed_origins("https://a.example/path", out).find("not an origin"), std::string::npos);
}

}  // namespace
}  // namespace kenes::server
