#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "strato/forecast/decomposition.h"

namespace strato::forecast {
namespace {

TEST(Decomposition, AutocorrelationByHand) {
  // y = 1,2,3,4: mean 2.5, deviations -1.5,-.5,.5,1.5, sum sq 5.
  // lag 1: (-1.5*-.5 + -.5*.5 + .5*1.5) / 5 = (0.75 - 0.25 + 0.75)/5 = 0.25.
  const std::vector<double> y{1, 2, 3, 4};
  EXPECT_NEAR(Autocorrelation(y, 1), 0.25, 1e-12);
  // lag 2: (-1.5*.5 + -.5*1.5)/5 = -0.3.
  EXPECT_NEAR(Autocorrelation(y, 2), -0.3, 1e-12);
  EXPECT_NEAR(Autocorrelation(y, 0), 1.0, 1e-12);
}

std::vector<double> SeasonalSeries(size_t n, const std::vector<double>& pattern, double noise,
                                   unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> eps(0, noise);
  std::vector<double> y(n);
  for (size_t t = 0; t < n; ++t) {
    y[t] = (100 + 0.1 * static_cast<double>(t)) * pattern[t % pattern.size()] + eps(rng);
  }
  return y;
}

TEST(Decomposition, TestFindsSeasonalityAndRejectsNoise) {
  const std::vector<double> pattern{0.8, 1.0, 1.3, 0.9};
  EXPECT_TRUE(SeasonalityTest(SeasonalSeries(80, pattern, 1.0, 1), 4));
  std::mt19937 rng(7);
  std::normal_distribution<double> eps(100, 5);
  std::vector<double> noise(80);
  for (double& v : noise) v = eps(rng);
  EXPECT_FALSE(SeasonalityTest(noise, 4));
  // Fewer than 3 seasons: never seasonal (the M4 rule).
  EXPECT_FALSE(SeasonalityTest(SeasonalSeries(11, pattern, 0.0, 1), 4));
  EXPECT_FALSE(SeasonalityTest(SeasonalSeries(80, pattern, 0.0, 1), 1));
}

TEST(Decomposition, IndicesRecoverAMultiplicativePattern) {
  const std::vector<double> pattern{0.8, 1.0, 1.3, 0.9};  // mean 1
  const std::vector<double> idx = SeasonalIndices(SeasonalSeries(400, pattern, 0.0, 1), 4);
  ASSERT_EQ(idx.size(), 4u);
  double mean = 0;
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(idx[i], pattern[i], 0.01) << i;
    mean += idx[i] / 4;
  }
  EXPECT_NEAR(mean, 1.0, 1e-12);
}

TEST(Decomposition, CentredMovingAverageByHand) {
  // m = 2, y = 1,3,1,3,... (20 cycles).
  // 2x2 MA at t = 1..4: (0.5*1 + 3 + 0.5*1)/2 = 2, (0.5*3 + 1 + 0.5*3)/2 = 2, ...
  // ratios: t=1 (pos 1) 1.5, t=2 (pos 0) 0.5, t=3 1.5, t=4 0.5 -> figure (0.5, 1.5), mean 1.
  std::vector<double> y;
  for (int i = 0; i < 20; ++i) y.insert(y.end(), {1.0, 3.0});
  ASSERT_TRUE(SeasonalityTest(y, 2));
  const std::vector<double> idx = SeasonalIndices(y, 2);
  EXPECT_NEAR(idx[0], 0.5, 1e-12);
  EXPECT_NEAR(idx[1], 1.5, 1e-12);
}

TEST(Decomposition, NonPositiveSeriesAreNotAdjusted) {
  std::vector<double> y = SeasonalSeries(80, {0.8, 1.0, 1.3, 0.9}, 0.0, 1);
  y[10] = 0;
  for (double v : SeasonalIndices(y, 4)) EXPECT_EQ(v, 1.0);
}

}  // namespace
}  // namespace strato::forecast
