// A global gradient-boosted model: one XGBoost regressor trained across all
// series at once, forecasting recursively (each step's prediction becomes a
// lag of the next).
//
// Features for the value at time t, from the values before t only:
//   - lags y_{t-k} for k in `lags`,
//   - mean and standard deviation of the last `season` values and of the
//     last 4 values,
//   - the position in the seasonal cycle (t mod season, t counted from the
//     start of the history) and log10 of the scale,
// lags (but the first) and means taken relative to the last value y_{t-1},
// all divided by the scale s_t = mean |y| over the last `scale_window`
// values (so series of any size share one model); the target is the change
// (y_t - y_{t-1}) / s_t, so the model refines the naive forecast.
// The same FeatureRow code builds training rows and serving rows.
//
// Thread-safety: a fitted model is immutable; Forecast is const but builds a
// fresh XGBoost matrix per call and XGBoost's predict is not promised to be
// thread-safe on one booster, so callers serialise calls on one model.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "strato/core/status.h"

namespace strato::train {
class TrainedBooster;
}

namespace strato::forecast {

struct GlobalModelOptions {
  int season = 1;
  std::vector<int> lags;          // empty: DefaultLags(season)
  int scale_window = 0;           // 0: season * 7 when season > 1, else 13
  int max_rows_per_series = 400;  // most recent targets kept per series
  int rounds = 300;
  int early_stopping = 30;
  double learning_rate = 0.1;
  int max_depth = 7;
  int threads = 2;
  uint64_t seed = 42;
};

// 1..season, then 2..7 seasons back, plus two weeks for hourly data
// (season 24); for season 1: 1..13, 26, 52.
std::vector<int> DefaultLags(int season);

class GlobalBoostedModel {
 public:
  GlobalBoostedModel(GlobalBoostedModel&&) noexcept;
  GlobalBoostedModel& operator=(GlobalBoostedModel&&) noexcept;
  ~GlobalBoostedModel();

  // Trains on every history (each needs more than min_history() values).
  // The last `holdout` targets of each series are kept out of training and
  // used to stop early.
  static StatusOr<GlobalBoostedModel> Fit(const std::vector<std::vector<double>>& histories,
                                          const GlobalModelOptions& options, int holdout);

  // h-step recursive forecasts for each history (batched: one XGBoost call
  // per step). INVALID_ARGUMENT when a history is shorter than
  // min_history() or not finite, or h is out of range.
  StatusOr<std::vector<std::vector<double>>> Forecast(
      const std::vector<std::vector<double>>& histories, int h) const;

  size_t min_history() const;
  size_t num_features() const;
  int rounds() const { return rounds_; }
  double fit_seconds() const { return fit_seconds_; }

 private:
  GlobalBoostedModel() = default;
  GlobalModelOptions options_;
  std::unique_ptr<train::TrainedBooster> booster_;
  int rounds_ = 0;
  double fit_seconds_ = 0;
};

}  // namespace strato::forecast
