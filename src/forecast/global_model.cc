#include "strato/forecast/global_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "strato/forecast/models.h"
#include "strato/forecast/series.h"
#include "strato/train/xgb_trainer.h"

namespace strato::forecast {
namespace {

int ScaleWindow(const GlobalModelOptions& o) {
  if (o.scale_window > 0) return o.scale_window;
  return o.season > 1 ? o.season * 7 : 13;
}

size_t MaxLag(const GlobalModelOptions& o) {
  size_t m = static_cast<size_t>(ScaleWindow(o));
  for (int l : o.lags) m = std::max(m, static_cast<size_t>(l));
  return std::max<size_t>({m, static_cast<size_t>(o.season), 4});
}

size_t FeatureCount(const GlobalModelOptions& o) { return o.lags.size() + 4 + 2 + 2; }

void MeanSd(const double* end, size_t count, double* mean, double* sd) {
  double s = 0, ss = 0;
  for (size_t i = 1; i <= count; ++i) {
    s += end[-static_cast<ptrdiff_t>(i)];
    ss += end[-static_cast<ptrdiff_t>(i)] * end[-static_cast<ptrdiff_t>(i)];
  }
  const double c = static_cast<double>(count);
  *mean = s / c;
  *sd = std::sqrt(std::max(0.0, ss / c - *mean * *mean));
}

// Features for the value at index t of y (uses y[0..t-1] only); returns
// the scale the target is divided by. REQUIRES: t >= MaxLag(o).
double FeatureRow(const GlobalModelOptions& o, const double* y, size_t t, float* out) {
  const double* end = y + t;
  const size_t window = static_cast<size_t>(ScaleWindow(o));
  double scale = 0;
  for (size_t i = 1; i <= window; ++i) scale += std::fabs(end[-static_cast<ptrdiff_t>(i)]);
  scale /= static_cast<double>(window);
  if (!(scale > 0)) scale = 1;
  size_t f = 0;
  // Lags and means relative to the last value: the model learns changes
  // from the naive forecast, so a smooth series stays smooth.
  const double anchor = y[t - 1];
  for (int lag : o.lags) {
    const double v = y[t - static_cast<size_t>(lag)];
    out[f++] = static_cast<float>(lag == 1 ? v / scale : (v - anchor) / scale);
  }
  double mean, sd;
  const size_t season = static_cast<size_t>(std::max(o.season, 2));
  MeanSd(end, season, &mean, &sd);
  out[f++] = static_cast<float>((mean - anchor) / scale);
  out[f++] = static_cast<float>(sd / scale);
  MeanSd(end, 4, &mean, &sd);
  out[f++] = static_cast<float>((mean - anchor) / scale);
  out[f++] = static_cast<float>(sd / scale);
  out[f++] = static_cast<float>(o.season > 1 ? t % static_cast<size_t>(o.season) : 0);
  out[f++] = static_cast<float>(std::log10(scale));
  // Last value over the value one season back, and over the scale: the
  // current local trend.
  const double back = y[t - season];
  out[f++] = static_cast<float>(back != 0 ? y[t - 1] / back : 1.0);
  out[f++] = static_cast<float>((y[t - 1] - y[t - season]) / scale);
  return scale;
}

}  // namespace

std::vector<int> DefaultLags(int season) {
  std::vector<int> lags;
  if (season <= 1) {
    for (int k = 1; k <= 13; ++k) lags.push_back(k);
    lags.push_back(26);
    lags.push_back(52);
    return lags;
  }
  for (int k = 1; k <= season; ++k) lags.push_back(k);
  for (int k = 2; k <= 7; ++k) lags.push_back(k * season);
  if (season == 24) lags.push_back(336);
  return lags;
}

GlobalBoostedModel::GlobalBoostedModel(GlobalBoostedModel&&) noexcept = default;
GlobalBoostedModel& GlobalBoostedModel::operator=(GlobalBoostedModel&&) noexcept = default;
GlobalBoostedModel::~GlobalBoostedModel() = default;

size_t GlobalBoostedModel::min_history() const { return MaxLag(options_) + 1; }
size_t GlobalBoostedModel::num_features() const { return FeatureCount(options_); }

StatusOr<GlobalBoostedModel> GlobalBoostedModel::Fit(
    const std::vector<std::vector<double>>& histories, const GlobalModelOptions& options,
    int holdout) {
  const auto start = std::chrono::steady_clock::now();
  GlobalBoostedModel model;
  model.options_ = options;
  if (model.options_.lags.empty()) model.options_.lags = DefaultLags(options.season);
  const GlobalModelOptions& o = model.options_;
  if (o.season < 1 || o.season > kMaxSeason) return InvalidArgumentError("season out of range");
  for (int l : o.lags) {
    if (l < 1) return InvalidArgumentError("lags must be positive");
  }
  const size_t max_lag = MaxLag(o);
  const size_t cols = FeatureCount(o);
  const size_t keep = static_cast<size_t>(std::max(1, o.max_rows_per_series));
  const size_t hold = static_cast<size_t>(std::max(0, holdout));
  train::Matrix train, valid;
  train.cols = valid.cols = cols;
  std::vector<float> row(cols);
  for (size_t s = 0; s < histories.size(); ++s) {
    const std::vector<double>& y = histories[s];
    RETURN_IF_ERROR(ValidateHistory(y, max_lag + 1 + hold, "series " + std::to_string(s)));
    const size_t end_train = y.size() - hold;
    const size_t first = std::max(max_lag, end_train > keep ? end_train - keep : 0);
    for (size_t t = first; t < y.size(); ++t) {
      const double scale = FeatureRow(o, y.data(), t, row.data());
      train::Matrix& m = t < end_train ? train : valid;
      m.x.insert(m.x.end(), row.begin(), row.end());
      m.y.push_back(static_cast<float>((y[t] - y[t - 1]) / scale));
      ++m.rows;
    }
  }
  if (train.rows == 0) return InvalidArgumentError("no training rows: the series are too short");
  train::TrainSettings settings;
  settings.task = "regression";
  settings.rounds = o.rounds;
  settings.early_stopping = valid.rows > 0 ? o.early_stopping : 0;
  settings.seed = o.seed;
  settings.threads = o.threads;
  settings.params = {{"eta", std::to_string(o.learning_rate)},
                     {"max_depth", std::to_string(o.max_depth)},
                     {"subsample", "0.8"},
                     {"colsample_bytree", "0.8"},
                     {"min_child_weight", "5"},
                     {"max_bin", "64"}};
  ASSIGN_OR_RETURN(train::TrainOutcome outcome, train::TrainXgboost(train, valid, settings));
  model.booster_ = std::move(outcome.booster);
  model.rounds_ = outcome.best_iteration + 1;
  model.fit_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return model;
}

StatusOr<std::vector<std::vector<double>>> GlobalBoostedModel::Forecast(
    const std::vector<std::vector<double>>& histories, int h) const {
  if (h < 1 || h > kMaxHorizon) {
    return InvalidArgumentError("horizon must be between 1 and " + std::to_string(kMaxHorizon));
  }
  const size_t cols = FeatureCount(options_);
  std::vector<std::vector<double>> work(histories.size());
  for (size_t s = 0; s < histories.size(); ++s) {
    RETURN_IF_ERROR(ValidateHistory(histories[s], min_history(), "history " + std::to_string(s)));
    work[s].reserve(histories[s].size() + static_cast<size_t>(h));
    work[s].assign(histories[s].begin(), histories[s].end());
  }
  std::vector<float> x(histories.size() * cols);
  std::vector<double> scales(histories.size());
  for (int step = 0; step < h; ++step) {
    for (size_t s = 0; s < work.size(); ++s) {
      scales[s] = FeatureRow(options_, work[s].data(), work[s].size(), &x[s * cols]);
    }
    ASSIGN_OR_RETURN(std::vector<float> pred, booster_->Predict(x.data(), work.size(), cols));
    for (size_t s = 0; s < work.size(); ++s) {
      work[s].push_back(work[s].back() + static_cast<double>(pred[s]) * scales[s]);
    }
  }
  std::vector<std::vector<double>> out(histories.size());
  for (size_t s = 0; s < work.size(); ++s) {
    out[s].assign(work[s].end() - h, work[s].end());
  }
  return out;
}

}  // namespace strato::forecast
