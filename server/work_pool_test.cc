// The bounded pool exports and history answers run on (issue 17).

#include "work_pool.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace kenes::server {
namespace {

TEST(WorkPoolTest, RefusesPastItsJobsAndTakesMoreOnceTheyAreDone) {
  WorkPool pool(1, 3);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  int done = 0;
  auto blocked = [&] {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return release; });
    ++done;
    cv.notify_all();
  };
  EXPECT_TRUE(pool.try_post(blocked));
  EXPECT_TRUE(pool.try_post(blocked));
  EXPECT_TRUE(pool.try_post(blocked));
  EXPECT_FALSE(pool.try_post(blocked)) << "a fourth job while three wait or run";
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done == 3; });
  }
  while (pool.jobs() != 0) std::this_thread::yield();
  EXPECT_TRUE(pool.try_post([] {}));
  pool.join();
}

TEST(InFlightCounterTest, CountsPerKeyUpToItsMaximum) {
  InFlightCounter c(2);
  EXPECT_TRUE(c.try_start("a"));
  EXPECT_TRUE(c.try_start("a"));
  EXPECT_FALSE(c.try_start("a"));
  EXPECT_TRUE(c.try_start("b")) << "another participant is not held back";
  c.finish("a");
  EXPECT_TRUE(c.try_start("a"));
}

}  // namespace
}  // namespace kenes::server
