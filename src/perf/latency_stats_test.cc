#include "latency_stats.h"

#include <gtest/gtest.h>

#include <numeric>

namespace strato::perf {
namespace {

TEST(PercentileTest, NearestRankOnOneToHundred) {
  std::vector<uint64_t> v(100);
  std::iota(v.begin(), v.end(), 1);
  EXPECT_EQ(Percentile(v, 50), 50u);
  EXPECT_EQ(Percentile(v, 90), 90u);
  EXPECT_EQ(Percentile(v, 99), 99u);
  EXPECT_EQ(Percentile(v, 99.5), 100u);
  EXPECT_EQ(Percentile(v, 100), 100u);
  EXPECT_EQ(Percentile(v, 0), 1u);
}

TEST(PercentileTest, SmallSamples) {
  std::vector<uint64_t> v = {10, 20, 30, 40};
  EXPECT_EQ(Percentile(v, 50), 20u);
  EXPECT_EQ(Percentile(v, 51), 30u);
  EXPECT_EQ(Percentile(v, 90), 40u);
  std::vector<uint64_t> one = {7};
  EXPECT_EQ(Percentile(one, 99), 7u);
  EXPECT_EQ(Percentile({}, 50), 0u);
}

TEST(PercentileTest, ExactRankIsNotRoundedUp) {
  std::vector<uint64_t> v(10);
  std::iota(v.begin(), v.end(), 1);
  EXPECT_EQ(Percentile(v, 90), 9u);
  EXPECT_EQ(Percentile(v, 70), 7u);
}

TEST(SummarizeTest, SortsAndConvertsToMicroseconds) {
  std::vector<uint64_t> ns = {4000, 1000, 3000, 2000};
  LatencySummary s = Summarize(&ns, 75);
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.avg_us, 2.5);
  EXPECT_DOUBLE_EQ(s.min_us, 1);
  EXPECT_DOUBLE_EQ(s.max_us, 4);
  EXPECT_DOUBLE_EQ(s.p50_us, 2);
  EXPECT_DOUBLE_EQ(s.p99_us, 4);
  EXPECT_DOUBLE_EQ(s.extra_us, 3);
  std::vector<uint64_t> empty;
  EXPECT_EQ(Summarize(&empty, 0).count, 0u);
}

TEST(IsStableTest, NeedsThreeWindowsWithinPercentage) {
  std::vector<double> t = {100, 100};
  EXPECT_FALSE(IsStable(t, 10));
  t.push_back(100);
  EXPECT_TRUE(IsStable(t, 10));
  std::vector<double> noisy = {50, 100, 95, 105};
  EXPECT_TRUE(IsStable(noisy, 10));  // only the last three count
  std::vector<double> unstable = {100, 80, 120};
  EXPECT_FALSE(IsStable(unstable, 10));
  EXPECT_TRUE(IsStable(unstable, 25));
  std::vector<double> zero = {0, 0, 0};
  EXPECT_FALSE(IsStable(zero, 10));
}

}  // namespace
}  // namespace strato::perf
