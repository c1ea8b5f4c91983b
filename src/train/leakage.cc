#include "strato/train/leakage.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace strato::train {
namespace {

constexpr size_t kMaxBuckets = 32;
constexpr size_t kRowsPerBucket = 50;  // fewer buckets on small data: no spurious fits
constexpr double kMinAccuracy = 0.99;
constexpr double kMinErrorReduction = 0.95;

// Accuracy of mapping each bucket of `values` to its majority label.
double LookupAccuracy(const std::vector<float>& values, const std::vector<float>& labels) {
  std::vector<float> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<float> edges;  // bucket b holds values <= edges[b]
  if (sorted.size() <= kMaxBuckets) {
    edges = sorted;
  } else {
    const size_t buckets = std::clamp<size_t>(values.size() / kRowsPerBucket, 2, kMaxBuckets);
    std::vector<float> all = values;
    std::sort(all.begin(), all.end());
    for (size_t b = 1; b <= buckets; ++b) edges.push_back(all[b * (all.size() - 1) / buckets]);
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  }
  std::vector<std::map<float, size_t>> counts(edges.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t b = static_cast<size_t>(std::lower_bound(edges.begin(), edges.end(), values[i]) -
                                         edges.begin());
    ++counts[std::min(b, edges.size() - 1)][labels[i]];
  }
  size_t right = 0;
  for (const auto& bucket : counts) {
    size_t best = 0;
    for (const auto& [label, n] : bucket) best = std::max(best, n);
    right += best;
  }
  return static_cast<double>(right) / static_cast<double>(values.size());
}

// Accuracy of the best single threshold on `values` separating class
// `positive` from the rest, either orientation: quantile
// buckets blur a sharp boundary, a threshold does not.
double ThresholdAccuracy(const std::vector<float>& values, const std::vector<float>& labels,
                         float positive) {
  std::vector<size_t> order(values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  size_t total_positive = 0;
  for (const float y : labels) total_positive += y == positive ? 1 : 0;
  const size_t n = values.size();
  size_t best = std::max(total_positive, n - total_positive);
  size_t positive_below = 0;
  for (size_t k = 0; k + 1 < n; ++k) {
    positive_below += labels[order[k]] == positive ? 1 : 0;
    if (values[order[k]] == values[order[k + 1]]) continue;  // split only between distinct values
    const size_t below = k + 1;
    const size_t negative_below = below - positive_below;
    const size_t positive_above = total_positive - positive_below;
    const size_t negative_above = (n - below) - positive_above;
    best = std::max({best, negative_below + positive_above, positive_below + negative_above});
  }
  return static_cast<double>(best) / static_cast<double>(n);
}

}  // namespace

std::vector<LeakingFeature> FindLeakingFeatures(const Matrix& train,
                                                const std::vector<std::string>& names) {
  std::vector<LeakingFeature> out;
  if (train.rows == 0 || train.cols == 0) return out;
  std::map<float, size_t> classes;
  for (const float y : train.y) ++classes[y];
  size_t majority = 0;
  for (const auto& [label, n] : classes) majority = std::max(majority, n);
  const double baseline = static_cast<double>(majority) / static_cast<double>(train.rows);
  float rarest = 0;  // the threshold check separates one class: the rarest (binary: the other one)
  size_t rarest_count = train.rows + 1;
  for (const auto& [label, n] : classes) {
    if (n < rarest_count) rarest = label, rarest_count = n;
  }
  if (baseline >= 1.0) return out;  // one class: nothing to predict
  std::vector<float> column(train.rows);
  for (size_t j = 0; j < train.cols; ++j) {
    bool has_nan = false;
    for (size_t i = 0; i < train.rows; ++i) {
      column[i] = train.x[i * train.cols + j];
      has_nan |= std::isnan(column[i]);
    }
    if (has_nan) continue;  // missing values: XGBoost handles them, this check does not
    const double accuracy =
        std::max(LookupAccuracy(column, train.y), ThresholdAccuracy(column, train.y, rarest));
    if (accuracy >= kMinAccuracy &&
        (accuracy - baseline) / (1.0 - baseline) >= kMinErrorReduction) {
      out.push_back(
          {j < names.size() ? names[j] : "feature " + std::to_string(j), accuracy, baseline});
    }
  }
  return out;
}

std::string LeakageWarning(const LeakingFeature& feature) {
  char numbers[96];
  std::snprintf(numbers, sizeof numbers, "(accuracy %.4f, majority class alone %.4f)",
                feature.accuracy, feature.baseline);
  return "feature '" + feature.name + "' alone predicts the label " + numbers +
         ": is it derived from the label? Drop it (features: drop) unless it is known at "
         "prediction time";
}

}  // namespace strato::train
