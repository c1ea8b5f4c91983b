#include "strato/train/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace strato::train {
namespace {

TEST(MetricsTest, Regression) {
  const std::vector<double> y = {10, 20, 30}, p = {12, 18, 30};
  EXPECT_NEAR(Rmse(y, p), std::sqrt(8.0 / 3), 1e-12);
  EXPECT_NEAR(Mae(y, p), 4.0 / 3, 1e-12);
  // Late by 2: exp(0.2) - 1; early by 2: exp(2/13) - 1.
  EXPECT_NEAR(NasaScore(y, p), std::exp(0.2) - 1 + std::exp(2.0 / 13) - 1, 1e-12);
}

TEST(MetricsTest, AucWithTiesAndDegenerateInput) {
  EXPECT_DOUBLE_EQ(RocAuc({0, 0, 1, 1}, {0.1, 0.4, 0.35, 0.8}), 0.75);
  EXPECT_DOUBLE_EQ(RocAuc({0, 1}, {0.5, 0.5}), 0.5);
  EXPECT_TRUE(std::isnan(RocAuc({1, 1}, {0.2, 0.3})));
  EXPECT_DOUBLE_EQ(RocAuc({0, 0, 1, 1}, {0.1, 0.2, 0.8, 0.9}), 1.0);
}

TEST(MetricsTest, AveragePrecision) {
  // Ranked: 1 (0.9), 0 (0.8), 1 (0.7): AP = 0.5 * 1 + 0.5 * 2/3.
  EXPECT_NEAR(PrAuc({1, 0, 1}, {0.9, 0.8, 0.7}), 0.5 + 1.0 / 3, 1e-12);
}

TEST(MetricsTest, ConfusionF1AndBestThreshold) {
  const std::vector<double> y = {0, 0, 1, 1, 1}, p = {0.1, 0.6, 0.4, 0.7, 0.9};
  const BinaryCounts c = CountBinary(y, p, 0.5);
  EXPECT_EQ(c.tp, 2);
  EXPECT_EQ(c.fp, 1);
  EXPECT_EQ(c.fn, 1);
  EXPECT_EQ(c.tn, 1);
  EXPECT_NEAR(c.f1(), 2.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(BestF1Threshold(y, p), 0.4);  // all three positives, one false positive
}

TEST(MetricsTest, CalibrationBinsAndLogLoss) {
  auto bins = Calibration({0, 1, 1, 1}, {0.05, 0.95, 0.92, 1.0}, 10);
  EXPECT_EQ(bins[0].count, 1);
  EXPECT_EQ(bins[9].count, 3);
  EXPECT_DOUBLE_EQ(bins[9].observed, 1.0);
  EXPECT_NEAR(LogLoss({1, 0}, {0.5, 0.5}), std::log(2.0), 1e-12);
}

TEST(MetricsTest, Multiclass) {
  const std::vector<double> y = {0, 1, 2, 2};
  const std::vector<float> prob = {0.8f, 0.1f, 0.1f, 0.2f, 0.7f, 0.1f,
                                   0.1f, 0.1f, 0.8f, 0.6f, 0.2f, 0.2f};
  const auto r = EvaluateMulticlass(y, prob, 3);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.75);
  EXPECT_EQ(r.confusion[2][0], 1);
  // F1: class 0 = 2/3, class 1 = 1, class 2 = 2/3.
  EXPECT_NEAR(r.macro_f1, (2.0 / 3 + 1 + 2.0 / 3) / 3, 1e-12);
}

TEST(MetricsTest, CurvesEndAtTheCorners) {
  auto roc = RocCurve({0, 1, 0, 1}, {0.1, 0.9, 0.3, 0.6}, 100);
  EXPECT_EQ(roc.front(), std::make_pair(0.0, 0.0));
  EXPECT_EQ(roc.back(), std::make_pair(1.0, 1.0));
  EXPECT_TRUE(HigherIsBetter("auc"));
  EXPECT_FALSE(HigherIsBetter("rmse"));
}

}  // namespace
}  // namespace strato::train
