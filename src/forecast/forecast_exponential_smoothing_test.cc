#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "strato/forecast/exponential_smoothing.h"

namespace strato::forecast {
namespace {

TEST(ExponentialSmoothing, SesRecursionByHand) {
  // alpha 0.5, l0 10: y = 12, 11, 15.
  // e1 = 2, l1 = 11; e2 = 0, l2 = 11; e3 = 4, l3 = 13. SSE = 4 + 0 + 16 = 20.
  const std::vector<double> y{12, 11, 15};
  const EtsFit fit = RunEts(y, Trend::kNone, 0.5, 0, 1, 10, 0);
  EXPECT_DOUBLE_EQ(fit.sse, 20.0);
  EXPECT_DOUBLE_EQ(fit.level, 13.0);
  EXPECT_EQ(EtsForecast(fit, 2), (std::vector<double>{13.0, 13.0}));
}

TEST(ExponentialSmoothing, DampedRecursionByHand) {
  // alpha .5, beta .2, phi .9, l0 10, b0 1; y = 12, 13.
  // t1: fc = 10 + .9 = 10.9, e = 1.1, l = 10.9 + .55 = 11.45, b = .9 + .22 = 1.12
  // t2: fc = 11.45 + 1.008 = 12.458, e = .542, l = 12.458 + .271 = 12.729, b = 1.008 + .1084
  const std::vector<double> y{12, 13};
  const EtsFit fit = RunEts(y, Trend::kDamped, 0.5, 0.2, 0.9, 10, 1);
  EXPECT_NEAR(fit.sse, 1.1 * 1.1 + 0.542 * 0.542, 1e-12);
  EXPECT_NEAR(fit.level, 12.729, 1e-12);
  EXPECT_NEAR(fit.slope, 1.1164, 1e-12);
  const std::vector<double> f = EtsForecast(fit, 2);
  EXPECT_NEAR(f[0], 12.729 + 0.9 * 1.1164, 1e-12);
  EXPECT_NEAR(f[1], 12.729 + (0.9 + 0.81) * 1.1164, 1e-12);
}

TEST(ExponentialSmoothing, VarianceClosedForms) {
  EtsFit ses;
  ses.trend = Trend::kNone;
  ses.alpha = 0.4;
  ses.sigma2 = 4;
  // sigma^2 (1 + (h-1) alpha^2): h = 3 -> 4 * 1.32.
  EXPECT_NEAR(EtsForecastSd(ses, 3)[2], std::sqrt(4 * 1.32), 1e-12);
  EtsFit holt = ses;
  holt.trend = Trend::kAdditive;
  holt.beta = 0.1;
  // h = 2: 1 + 1 * (.16 + .4*.1*2 + .01*2*3/6) = 1.25.
  EXPECT_NEAR(EtsForecastSd(holt, 2)[1], std::sqrt(4 * 1.25), 1e-12);
  // Damped with phi -> 1 approaches Holt.
  EtsFit damped = holt;
  damped.trend = Trend::kDamped;
  damped.phi = 0.999999;
  EXPECT_NEAR(EtsForecastSd(damped, 5)[4], EtsForecastSd(holt, 5)[4], 1e-3);
}

TEST(ExponentialSmoothing, FitFindsTheLeastSquaresOptimum) {
  std::mt19937 rng(3);
  std::normal_distribution<double> eps(0, 1);
  std::vector<double> y;
  double level = 50;
  for (int t = 0; t < 120; ++t) {
    const double e = eps(rng);
    y.push_back(level + e);
    level += 0.3 * e;
  }
  auto fit = FitEts(y, Trend::kNone);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  // No point of a fine grid over (alpha, l0) does better.
  double best = HUGE_VAL;
  for (double a = 0.01; a < 1; a += 0.01) {
    for (double l0 = 45; l0 < 55; l0 += 0.05)
      best = std::min(best, RunEts(y, Trend::kNone, a, 0, 1, l0, 0).sse);
  }
  EXPECT_LE(fit->sse, best * (1 + 1e-6));
  EXPECT_NEAR(fit->alpha, 0.3, 0.15);
}

TEST(ExponentialSmoothing, HoltFollowsALinearTrendExactly) {
  std::vector<double> y;
  for (int t = 0; t < 30; ++t) y.push_back(5 + 2.0 * t);
  auto fit = FitEts(y, Trend::kAdditive);
  ASSERT_TRUE(fit.ok());
  EXPECT_LT(fit->sse, 1e-6);
  const std::vector<double> f = EtsForecast(*fit, 3);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(f[k], 5 + 2.0 * (30 + k), 1e-3);
}

TEST(ExponentialSmoothing, AutoPicksTrendOnlyWhenItPays) {
  std::mt19937 rng(5);
  std::normal_distribution<double> eps(0, 1);
  std::vector<double> flat, trending;
  for (int t = 0; t < 100; ++t) {
    flat.push_back(20 + eps(rng));
    trending.push_back(20 + 0.8 * t + eps(rng));
  }
  auto a = FitAutoEts(flat);
  auto b = FitAutoEts(trending);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->trend, Trend::kNone);
  EXPECT_NE(b->trend, Trend::kNone);
}

TEST(ExponentialSmoothing, ShortOrBadInputIsAnError) {
  EXPECT_EQ(FitEts(std::vector<double>{1, 2, 3}, Trend::kDamped).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(FitEts(std::vector<double>{1, 2, NAN, 4, 5, 6, 7}, Trend::kNone).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strato::forecast
