#include <gtest/gtest.h>

#include <vector>

#include "strato/forecast/metrics.h"

namespace strato::forecast {
namespace {

TEST(Metrics, SmapeMatchesTheM4Definition) {
  // 200/h * sum |y-f| / (|y|+|f|): (200/2) * (10/210 + 0/40) = 4.7619...
  const std::vector<double> y{100, 20}, f{110, 20};
  EXPECT_NEAR(Smape(y, f), 100.0 * 10.0 / 210.0, 1e-12);
  // Both zero counts as a perfect forecast, not NaN.
  EXPECT_DOUBLE_EQ(Smape(std::vector<double>{0}, std::vector<double>{0}), 0.0);
  // The worst case is 200.
  EXPECT_DOUBLE_EQ(Smape(std::vector<double>{1}, std::vector<double>{-1}), 200.0);
}

TEST(Metrics, MaseUsesTheSeasonalNaiveInSampleScale) {
  // History 1,2,4,8 with m = 2: in-sample |x_i - x_{i-2}| = 3, 6 -> scale 4.5.
  const std::vector<double> history{1, 2, 4, 8};
  const std::vector<double> y{10, 12}, f{11, 9};  // mean abs error 2
  auto mase = Mase(history, y, f, 2);
  ASSERT_TRUE(mase.ok()) << mase.status().ToString();
  EXPECT_NEAR(*mase, 2.0 / 4.5, 1e-12);
  // m = 1: scale = mean(1, 2, 4) = 7/3.
  auto mase1 = Mase(history, y, f, 1);
  ASSERT_TRUE(mase1.ok());
  EXPECT_NEAR(*mase1, 2.0 / (7.0 / 3.0), 1e-12);
}

TEST(Metrics, MaseRejectsHistoriesWithoutScale) {
  const std::vector<double> flat{5, 5, 5, 5}, y{5}, f{6};
  EXPECT_EQ(Mase(flat, y, f, 1).status().code(), StatusCode::kInvalidArgument);
  const std::vector<double> shortest{1, 2};
  EXPECT_EQ(Mase(shortest, y, f, 2).status().code(), StatusCode::kInvalidArgument);
}

TEST(Metrics, OwaIsTheMeanOfRelativeErrors) {
  EXPECT_DOUBLE_EQ(Owa(18.383, 2.395, 18.383, 2.395), 1.0);
  EXPECT_NEAR(Owa(9.328, 0.893, 18.383, 2.395), 0.5 * (9.328 / 18.383 + 0.893 / 2.395), 1e-12);
}

TEST(Metrics, CoverageCountsActualsInsideTheInterval) {
  const std::vector<double> y{1, 5, 10}, lo{0, 6, 10}, hi{2, 7, 12};
  EXPECT_NEAR(Coverage(y, lo, hi), 2.0 / 3.0, 1e-12);
}

}  // namespace
}  // namespace strato::forecast
