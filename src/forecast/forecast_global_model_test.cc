#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "strato/forecast/global_model.h"
#include "strato/forecast/metrics.h"

namespace strato::forecast {
namespace {

// Daily-cycle series (season 24) at different levels and phases.
std::vector<std::vector<double>> Cycles(size_t count, size_t length, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> eps(0, 0.02);
  std::uniform_real_distribution<double> level(10, 1000), phase(0, 6.28);
  std::vector<std::vector<double>> out;
  for (size_t s = 0; s < count; ++s) {
    const double l = level(rng), p = phase(rng);
    std::vector<double> y;
    for (size_t t = 0; t < length; ++t) {
      y.push_back(l * (1 + 0.5 * std::sin(2 * M_PI * static_cast<double>(t) / 24 + p) + eps(rng)));
    }
    out.push_back(std::move(y));
  }
  return out;
}

TEST(GlobalModel, LearnsASharedDailyCycleAcrossLevels) {
  auto data = Cycles(30, 24 * 20 + 48, 1);
  std::vector<std::vector<double>> train, actual;
  for (auto& y : data) {
    actual.emplace_back(y.end() - 48, y.end());
    train.emplace_back(y.begin(), y.end() - 48);
  }
  GlobalModelOptions o;
  o.season = 24;
  o.rounds = 150;
  o.threads = 1;
  auto model = GlobalBoostedModel::Fit(train, o, 24);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto f = model->Forecast(train, 48);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  double smape = 0;
  for (size_t s = 0; s < train.size(); ++s) smape += Smape(actual[s], (*f)[s]) / train.size();
  // The cycle swings +-50%; a flat forecast scores ~30. The model follows it.
  EXPECT_LT(smape, 8.0);
}

TEST(GlobalModel, RejectsShortHistoriesAndBadHorizons) {
  auto data = Cycles(5, 24 * 16, 2);
  GlobalModelOptions o;
  o.season = 24;
  o.rounds = 5;
  o.threads = 1;
  auto model = GlobalBoostedModel::Fit(data, o, 0);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  std::vector<std::vector<double>> too_short{std::vector<double>(10, 1.0)};
  EXPECT_EQ(model->Forecast(too_short, 4).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(model->Forecast(data, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(GlobalBoostedModel::Fit(too_short, o, 0).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strato::forecast
