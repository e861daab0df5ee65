// The per-address cap on connections before Hello (issue 17): what an
// address is counted under, and that every slot comes back exactly once.
// The cap against real sockets is tests/server/hostile_participant_test.cc.

#include "unauthenticated_limit.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace kenes::server {
namespace {

namespace ip = boost::asio::ip;

std::string key(const char* address, bool count_loopback = false) {
  return UnauthenticatedLimit::key_of(ip::make_address(address), count_loopback);
}

TEST(UnauthenticatedLimitTest, AddressesAreCountedByIpv4AddressOrIpv6Slash64AndLoopbackOnlyIfAsked) {
  EXPECT_EQ(key("203.0.113.7"), "203.0.113.7");
  // A dual-stack listener's view of an IPv4 client is that client.
  EXPECT_EQ(key("::ffff:203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9")) << "one /64 is one site";
  EXPECT_NE(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
  // A proxy on this machine speaks for everyone: not counted.
  EXPECT_EQ(key("127.0.0.1"), "");
  EXPECT_EQ(key("127.0.0.2"), "");
  EXPECT_EQ(key("::1"), "");
  EXPECT_EQ(key("::ffff:127.0.0.1"), "");
  EXPECT_EQ(key("127.0.0.1", true), "127.0.0.1");
  EXPECT_EQ(key("::1", true), "::/64");
}

TEST(UnauthenticatedLimitTest, TheCapRefusesTheNextAndEverySlotComesBackOnceThenTheEntryGoes) {
  UnauthenticatedLimit limit({3, false});
  const auto a = ip::make_address("198.51.100.1");
  const auto b = ip::make_address("198.51.100.2");
  std::vector<UnauthenticatedLimit::Slot> held;
  for (int i = 0; i < 3; ++i) {
    auto slot = limit.try_acquire(a);
    ASSERT_TRUE(slot);
    EXPECT_TRUE(slot->held());
    held.push_back(std::move(*slot));
  }
  EXPECT_FALSE(limit.try_acquire(a)) << "a fourth from one address";
  EXPECT_TRUE(limit.try_acquire(b)) << "another address is not affected";
  EXPECT_TRUE(held[0].crowded());

  // Moving a slot (HTTP session to WebSocket session) keeps one place.
  UnauthenticatedLimit::Slot moved = std::move(held[0]);
  EXPECT_FALSE(held[0].held());
  EXPECT_EQ(limit.count("198.51.100.1"), 3u);
  moved.release();  // Hello
  moved.release();  // and again: nothing more
  EXPECT_EQ(limit.count("198.51.100.1"), 2u);
  auto again = limit.try_acquire(a);
  ASSERT_TRUE(again);
  held.clear();
  EXPECT_EQ(limit.count("198.51.100.1"), 1u);
  *again = UnauthenticatedLimit::Slot{};  // assignment releases what it held
  EXPECT_EQ(limit.count("198.51.100.1"), 0u);
  EXPECT_EQ(limit.addresses(), 0u) << "an address at zero keeps no entry";
}

TEST(UnauthenticatedLimitTest, LoopbackAndACapOfZeroCountNothing) {
  UnauthenticatedLimit limit({1, false});
  std::vector<UnauthenticatedLimit::Slot> held;
  for (int i = 0; i < 10; ++i) {
    auto slot = limit.try_acquire(ip::make_address("127.0.0.1"));
    ASSERT_TRUE(slot);
    EXPECT_FALSE(slot->held());
    EXPECT_FALSE(slot->crowded());
    held.push_back(std::move(*slot));
  }
  UnauthenticatedLimit off({0, true});
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(off.try_acquire(ip::make_address("198.51.100.1")));
  EXPECT_EQ(limit.addresses() + off.addresses(), 0u);
}

TEST(UnauthenticatedLimitTest, ManyThreadsTakingAndGivingBackLeaveNothingBehind) {
  UnauthenticatedLimit limit({4, false});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&limit, t] {
      const auto address = ip::make_address("198.51.100." + std::to_string(t % 2));
      for (int i = 0; i < 20000; ++i) {
        auto slot = limit.try_acquire(address);
        if (slot && i % 3 == 0) slot->release();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(limit.addresses(), 0u);
  EXPECT_EQ(limit.count("198.51.100.0") + limit.count("198.51.100.1"), 0u);
}

}  // namespace
}  // namespace kenes::server
