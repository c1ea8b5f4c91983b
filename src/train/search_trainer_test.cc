// Search (random, successive halving, parallel trials) and the XGBoost
// trainer (early stopping, seeded reproducibility) on small real problems.
#include <gtest/gtest.h>

#include <cmath>
#include <mutex>
#include <random>
#include <set>

#include "strato/train/search.h"
#include "strato/train/xgb_trainer.h"

namespace strato::train {
namespace {

SearchConfig Space(const std::string& method) {
  SearchConfig s;
  s.method = method;
  s.trials = 9;
  s.parallel = 3;
  s.min_rounds = 10;
  s.eta = 3;
  s.space = {{"max_depth", "int", 2, 6, {}}, {"eta", "log", 0.01, 0.5, {}},
             {"booster", "choice", 0, 0, {"gbtree", "dart"}}};
  return s;
}

TEST(SearchTest, SamplesStayInsideTheirRanges) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 200; ++i) {
    Params p = SampleParams(Space("random").space, &rng);
    const int depth = std::stoi(p["max_depth"]);
    EXPECT_GE(depth, 2);
    EXPECT_LE(depth, 6);
    const double eta = std::stod(p["eta"]);
    EXPECT_GE(eta, 0.01 * 0.999);
    EXPECT_LE(eta, 0.5 * 1.001);
    EXPECT_TRUE(p["booster"] == "gbtree" || p["booster"] == "dart");
  }
}

TEST(SearchTest, HalvingKeepsTheBestAndGrowsTheBudget) {
  std::mutex mu;
  std::set<int> rounds_seen;
  // Score: distance of max_depth from 4 (lower is better).
  auto trial = [&](const Params& p, int rounds) -> StatusOr<TrialScore> {
    std::lock_guard<std::mutex> lock(mu);
    rounds_seen.insert(rounds);
    return TrialScore{std::fabs(std::stod(p.at("max_depth")) - 4.0), rounds, 0};
  };
  auto r = RunSearch(Space("halving"), 90, 7, false, trial);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->trials.size(), 9u + 3u + 1u);  // rungs of 9, 3, 1 candidates
  EXPECT_EQ(rounds_seen, (std::set<int>{10, 30, 90}));
  const Trial& best = r->trials[static_cast<size_t>(r->best)];
  EXPECT_EQ(best.rung, 2);
  for (const Trial& t : r->trials) EXPECT_GE(t.result.score, best.result.score - 1e-12);
}

TEST(SearchTest, RandomSearchReportsFailuresAndFailsWhenAllFail) {
  int calls = 0;
  std::mutex mu;
  auto failing = [&](const Params&, int) -> StatusOr<TrialScore> {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    return InvalidArgumentError("bad parameter");
  };
  auto r = RunSearch(Space("random"), 50, 1, true, failing);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("every trial failed"), std::string::npos);
  EXPECT_EQ(calls, 9);
}

// y = 3 * x0 - 2 * x1 + noise.
Matrix Linear(size_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> n(0, 1);
  Matrix m;
  m.rows = rows;
  m.cols = 3;
  for (size_t i = 0; i < rows; ++i) {
    const float a = n(rng), b = n(rng), c = n(rng);
    m.x.insert(m.x.end(), {a, b, c});
    m.y.push_back(3 * a - 2 * b + 0.1f * n(rng));
  }
  return m;
}

TEST(XgbTrainerTest, LearnsStopsEarlyAndIsReproducible) {
  const Matrix train = Linear(2000, 1), valid = Linear(400, 2);
  TrainSettings s;
  s.task = "regression";
  s.rounds = 2000;
  s.early_stopping = 20;
  s.params = {{"eta", "0.3"}, {"subsample", "0.8"}};
  s.threads = 1;
  auto a = TrainXgboost(train, valid, s);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_LT(a->rounds_run, 2000);  // stopped early
  EXPECT_EQ(a->rounds_run, a->best_iteration + 1 + 20);
  EXPECT_LT(a->best_score, 0.6);
  auto b = TrainXgboost(train, valid, s);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a->booster->SaveJson(), *b->booster->SaveJson());
  // The saved model holds only the kept rounds and predicts the same.
  auto pa = a->booster->Predict(valid.x.data(), valid.rows, 3);
  auto loaded = TrainedBooster::FromJson(*a->booster->SaveJson(), 1);
  ASSERT_TRUE(loaded.ok());
  auto pl = (*loaded)->Predict(valid.x.data(), valid.rows, 3);
  ASSERT_TRUE(pa.ok() && pl.ok());
  EXPECT_EQ(*pa, *pl);
  auto gain = a->booster->FeatureGain(3);
  ASSERT_TRUE(gain.ok());
  EXPECT_GT((*gain)[0], (*gain)[2]);  // x0 matters, x2 is noise
}

TEST(XgbTrainerTest, BadParameterIsInvalidArgument) {
  TrainSettings s;
  s.task = "regression";
  s.rounds = 5;
  s.params = {{"max_depth", "deep"}};
  auto r = TrainXgboost(Linear(50, 1), Linear(20, 2), s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("max_depth"), std::string::npos);
}

}  // namespace
}  // namespace strato::train
