#include "consultation/email_address.h"

#include <gtest/gtest.h>

namespace kenes::consultation {
namespace {

TEST(EmailAddressTest, AddressesThatCouldInjectAreRefused) {
  EXPECT_TRUE(plausible_email_address("aigerim@example.kz"));
  EXPECT_TRUE(plausible_email_address("a.b+tag@mail.example.org"));
  EXPECT_FALSE(plausible_email_address(""));
  EXPECT_FALSE(plausible_email_address("no-at.example"));
  EXPECT_FALSE(plausible_email_address("a@b"));
  EXPECT_FALSE(plausible_email_address("a@@b.c"));
  EXPECT_FALSE(plausible_email_address("a@b.c\r\nRCPT TO:<x@y.z>"));
  EXPECT_FALSE(plausible_email_address("a b@c.d"));
  EXPECT_FALSE(plausible_email_address("<a@b.c>"));
  EXPECT_FALSE(plausible_email_address("a@b.c,d@e.f"));
  EXPECT_FALSE(plausible_email_address(std::string(250, 'a') + "@b.cd"));
  EXPECT_FALSE(plausible_email_address("a@" + std::string(250, 'b') + ".cd"));
}

}  // namespace
}  // namespace kenes::consultation
