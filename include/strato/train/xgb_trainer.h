// XGBoost training through the 1.7 C API: one booster, early stopping on a
// validation matrix, seeded, and the trained model as JSON bytes.
//
// Errors: INVALID_ARGUMENT for parameters XGBoost rejects (its message,
// first line), INTERNAL for other XGBoost failures. Never throws.
// Thread-safety: distinct calls may run concurrently (each owns its
// booster); XGBoost's `nthread` sets the threads each call uses.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "strato/core/status.h"

namespace strato::train {

// A dense row-major matrix with labels; NaN = missing.
struct Matrix {
  std::vector<float> x;
  std::vector<float> y;
  size_t rows = 0;
  size_t cols = 0;
};

struct TrainSettings {
  std::string task;  // regression | binary | multiclass
  int num_class = 1;
  std::map<std::string, std::string> params;  // XGBoost parameters (override defaults)
  int rounds = 500;
  int early_stopping = 50;  // 0: none
  uint64_t seed = 42;
  int threads = 1;
};

// XGBoost's objective and eval metric for a task.
std::string ObjectiveFor(const std::string& task);
std::string EvalMetricFor(const std::string& task);

// A trained booster (owning). Predict is const but not thread-safe on one
// object (XGBoost does not promise it).
class TrainedBooster {
 public:
  ~TrainedBooster();
  TrainedBooster(const TrainedBooster&) = delete;
  TrainedBooster& operator=(const TrainedBooster&) = delete;

  // rows x width predictions (width = num_class for multiclass, else 1).
  StatusOr<std::vector<float>> Predict(const float* x, size_t rows, size_t cols) const;
  // The model as XGBoost JSON.
  StatusOr<std::string> SaveJson() const;
  // Total gain per feature index (features never split on: 0).
  StatusOr<std::vector<double>> FeatureGain(size_t num_features) const;

  static StatusOr<std::unique_ptr<TrainedBooster>> FromJson(const std::string& json, int threads);

 private:
  friend StatusOr<struct TrainOutcome> TrainXgboost(const Matrix&, const Matrix&,
                                                    const TrainSettings&,
                                                    const std::function<void(int, int, double)>&);
  explicit TrainedBooster(void* handle) : handle_(handle) {}
  void* handle_;  // BoosterHandle, owned
};

struct TrainOutcome {
  std::unique_ptr<TrainedBooster> booster;  // sliced to the best iteration
  int best_iteration = 0;                   // 0-based; rounds kept = best + 1
  int rounds_run = 0;
  double best_score = 0;                    // eval metric on validation at best
  std::string eval_metric;
  std::vector<double> valid_curve;          // eval metric per round
  double seconds = 0;
};

// Trains on `train`, evaluating on `valid` every round (`valid` may have no
// rows: then no early stopping). `progress(round, rounds, score)` is called
// after each round when set.
StatusOr<TrainOutcome> TrainXgboost(const Matrix& train, const Matrix& valid,
                                    const TrainSettings& settings,
                                    const std::function<void(int, int, double)>& progress = {});

}  // namespace strato::train
