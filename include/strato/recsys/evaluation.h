// Offline evaluation of the recommenders on MovieLens 100K:
//   rating prediction: RMSE / MAE of each model on the u1..u5 folds (train on
//     u<k>.base, test on u<k>.test) and their mean;
//   top-N: HR / NDCG / MAP at k and catalogue coverage with each user's last
//     `holdout` ratings (by timestamp) held out; candidates are all items the
//     user has not rated in training.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "strato/core/status.h"
#include "strato/recsys/metrics.h"
#include "strato/recsys/model.h"

namespace strato::recsys {

// Model names: global-mean, biases, biased-mf, svd++, knn-baseline, blend
// (explicit); most-popular, item-knn, wals, bpr (implicit). Each comes with
// the hyperparameters documented in docs/usecases/recommendations.md.
StatusOr<std::unique_ptr<Model>> MakeModel(const std::string& name);
std::vector<std::string> RatingModelNames();
std::vector<std::string> RankingModelNames();

struct EvalOptions {
  std::filesystem::path data_dir;
  std::vector<int> folds{1, 2, 3, 4, 5};
  std::vector<std::string> rating_models = RatingModelNames();
  std::vector<std::string> ranking_models = RankingModelNames();
  int holdout = 5;
  int k = 10;
  // Called with a line of progress (may be empty).
  std::function<void(const std::string&)> progress;
};

struct RatingResult {
  std::string model;
  std::vector<double> rmse, mae;  // per fold, in options.folds order
  double mean_rmse = 0, mean_mae = 0;
  double train_seconds = 0;  // summed over folds
};

struct RankingResult {
  std::string model;
  RankingMetrics metrics;
  double train_seconds = 0;
};

struct EvalReport {
  std::vector<int> folds;
  int k = 10;
  int holdout = 5;
  std::vector<RatingResult> rating;
  std::vector<RankingResult> ranking;
};

StatusOr<EvalReport> Evaluate(const EvalOptions& options);

// Ranking metrics of `model` (already fitted on `train`) against `test`.
RankingMetrics EvaluateRanking(const Model& model, const RatingSet& train, const RatingSet& test,
                               int k);

// Plain-text tables of the report.
std::string FormatReport(const EvalReport& report);

}  // namespace strato::recsys
