#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "strato/forecast/models.h"

namespace strato::forecast {
namespace {

std::vector<double> Pattern(size_t cycles) {
  const std::vector<double> p{80, 100, 130, 90};
  std::vector<double> y;
  for (size_t c = 0; c < cycles; ++c) y.insert(y.end(), p.begin(), p.end());
  return y;
}

TEST(LocalModels, SeasonalNaiveRepeatsTheLastCycle) {
  const std::vector<double> y{1, 2, 3, 4, 5, 6, 7};
  auto f = ForecastLocal(LocalModel::kSeasonalNaive, y, 3, 5);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->mean, (std::vector<double>{5, 6, 7, 5, 6}));
  // sd grows with the number of seasons ahead: sqrt(1), then sqrt(2).
  EXPECT_NEAR(f->sd[3] / f->sd[0], std::sqrt(2.0), 1e-12);
}

TEST(LocalModels, Naive2IsNaiveWithoutSeasonalityAndReseasonalisesWithIt) {
  const std::vector<double> y{3, 5, 4, 6, 5, 7, 9};
  auto plain = ForecastLocal(LocalModel::kNaive2, y, 1, 3);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->mean, (std::vector<double>{9, 9, 9}));
  // An exact multiplicative pattern on a flat level: the forecast is the pattern.
  const std::vector<double> seasonal = Pattern(10);
  auto f = ForecastLocal(LocalModel::kNaive2, seasonal, 4, 6);
  ASSERT_TRUE(f.ok());
  const std::vector<double> want{80, 100, 130, 90, 80, 100};
  for (size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(f->mean[k], want[k], 1e-9) << k;
}

TEST(LocalModels, ThetaOnALineHasHalfTheSlope) {
  // On y = 5 + 2t the theta=0 line is y itself and the theta=2 line too;
  // SES on a line tracks its last value (alpha -> 1), so the forecast is
  // the mean of the extrapolated line and the last value: y_n + k.
  std::vector<double> y;
  for (int t = 0; t < 40; ++t) y.push_back(5 + 2.0 * t);
  auto f = ForecastLocal(LocalModel::kTheta, y, 1, 4);
  ASSERT_TRUE(f.ok());
  for (int k = 1; k <= 4; ++k) EXPECT_NEAR(f->mean[k - 1], y.back() + k, 0.1) << k;
  EXPECT_TRUE(f->sd.empty());
}

TEST(LocalModels, ThetaByHandOnAShortSeries) {
  // y = 1, 3, 2, 4, 3, 5 (n = 6): regression on t = 1..6 gives slope
  // Sxy / Sxx = 11 / 17.5 = 22/35 and intercept 3 - 22/35 * 3.5 = 0.8; the
  // forecast for step 1 is 0.5 * (0.8 + 22/35 * 7) + 0.5 * SES(theta2 line),
  // and SES on the theta2 line 2y - line (0.571, 3.943, 1.314, 4.686,
  // 2.057, 5.429) stays inside that line's range.
  const std::vector<double> y{1, 3, 2, 4, 3, 5};
  auto f = ForecastLocal(LocalModel::kTheta, y, 1, 1);
  ASSERT_TRUE(f.ok());
  const double line7 = 0.8 + (22.0 / 35.0) * 7;  // 5.2
  EXPECT_GT(f->mean[0], 0.5 * line7 + 0.5 * 0.571);
  EXPECT_LT(f->mean[0], 0.5 * line7 + 0.5 * 5.429);
}

TEST(LocalModels, EtsAndCombAreFinite) {
  const std::vector<double> y = Pattern(12);
  for (LocalModel m : AllLocalModels()) {
    auto f = ForecastLocal(m, y, 4, 8);
    ASSERT_TRUE(f.ok()) << LocalModelName(m) << ": " << f.status().ToString();
    ASSERT_EQ(f->mean.size(), 8u);
    for (double v : f->mean) EXPECT_TRUE(std::isfinite(v)) << LocalModelName(m);
    // Every model recovers an exact seasonal pattern.
    EXPECT_NEAR(f->mean[2], 130, 1.0) << LocalModelName(m);
  }
}

TEST(LocalModels, NamesRoundTrip) {
  for (LocalModel m : AllLocalModels()) {
    LocalModel back;
    ASSERT_TRUE(ParseLocalModel(LocalModelName(m), &back));
    EXPECT_EQ(back, m);
  }
  LocalModel unused;
  EXPECT_FALSE(ParseLocalModel("arima", &unused));
}

TEST(LocalModels, BadInputGetsAClearError) {
  const std::vector<double> y = Pattern(3);
  auto shorter = ForecastLocal(LocalModel::kSeasonalNaive, std::vector<double>{1, 2, 3}, 4, 2);
  EXPECT_EQ(shorter.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(shorter.status().message().find("at least"), std::string::npos);
  EXPECT_EQ(ForecastLocal(LocalModel::kTheta, y, 4, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ForecastLocal(LocalModel::kTheta, y, 4, kMaxHorizon + 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ForecastLocal(LocalModel::kTheta, y, 0, 3).status().code(),
            StatusCode::kInvalidArgument);
  std::vector<double> nan = y;
  nan[5] = NAN;
  auto bad = ForecastLocal(LocalModel::kSes, nan, 1, 3);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("value 5"), std::string::npos);
}

}  // namespace
}  // namespace strato::forecast
