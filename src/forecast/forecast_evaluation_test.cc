#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "strato/forecast/evaluation.h"
#include "strato/forecast/inventory_experiment.h"

namespace strato::forecast {
namespace {

// Seasonal series (period 4) with noise, split into train and a 4-step test.
void MakeData(size_t count, std::vector<Series>* train, std::vector<Series>* test) {
  std::mt19937 rng(9);
  std::normal_distribution<double> eps(0, 2);
  const double pattern[] = {0.8, 1.0, 1.3, 0.9};
  for (size_t s = 0; s < count; ++s) {
    std::string id = "S";
    id += std::to_string(s);
    Series tr{id, {}}, te{id, {}};
    const double level = 50 + 10.0 * static_cast<double>(s);
    for (size_t t = 0; t < 64; ++t) {
      const double v = level * pattern[t % 4] + eps(rng);
      (t < 60 ? tr.values : te.values).push_back(v);
    }
    train->push_back(tr);
    test->push_back(te);
  }
}

TEST(Evaluation, ScoresEveryModelAndCombinesOnValidation) {
  std::vector<Series> train, test;
  MakeData(8, &train, &test);
  M4Frequency freq{"Test", 4, 4};
  EvaluationOptions options;
  options.global_model = false;
  options.threads = 2;
  auto r = EvaluateM4(train, test, freq, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->scores.size(), AllLocalModels().size() + 1);
  for (const ModelScore& s : r->scores) {
    EXPECT_TRUE(std::isfinite(s.smape)) << s.model;
    EXPECT_GE(s.conformal_coverage, 0);
    EXPECT_LE(s.conformal_coverage, 1);
    if (s.model == "naive2") {
      EXPECT_DOUBLE_EQ(s.owa, 1.0);
    }
    // On a clean seasonal pattern every seasonal model beats 10% sMAPE.
    if (s.model == "snaive" || s.model == "combination") {
      EXPECT_LT(s.smape, 10) << s.model;
    }
  }
  EXPECT_FALSE(r->members.empty());
  ASSERT_EQ(r->combination.size(), 8u);

  // The inventory experiment runs on the combination's forecasts.
  std::vector<std::vector<double>> histories, demand;
  for (size_t s = 0; s < train.size(); ++s) {
    histories.push_back(train[s].values);
    demand.push_back(test[s].values);
  }
  InventoryExperimentOptions io;
  io.settings.lead_time = 1;
  auto ex = RunInventoryExperiment(histories, demand, r->combination, r->lower, r->upper, io);
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  EXPECT_GE(ex->naive.cycle_service_level, ex->forecast.cycle_service_level);
  EXPECT_GT(ex->naive.cover_periods, 0);
}

TEST(Evaluation, MismatchedInputsAreErrors) {
  std::vector<Series> train, test;
  MakeData(3, &train, &test);
  M4Frequency freq{"Test", 4, 4};
  EvaluationOptions options;
  options.global_model = false;
  test.pop_back();
  EXPECT_EQ(EvaluateM4(train, test, freq, options).status().code(), StatusCode::kInvalidArgument);
  MakeData(3, &train, &test);
  train.resize(3);
  test.resize(3);
  test[1].values.pop_back();
  EXPECT_EQ(EvaluateM4(train, test, freq, options).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(M4FrequencyByName("daily").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(M4FrequencyByName("Hourly")->horizon, 48);
}

}  // namespace
}  // namespace strato::forecast
