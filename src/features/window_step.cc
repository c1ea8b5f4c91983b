// The per-entity time-window step: lags and rolling statistics over each
// entity's history, ordered by time. The same function runs in training
// (over the whole data set) and in serving (over the rows a request sends),
// so a request that carries an engine's last W cycles gets exactly the
// features the model was trained with for that cycle.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <string>

#include "transform_steps.h"

namespace strato::features {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Rolling statistics over values[lo..hi] (inclusive), skipping missing.
struct WindowStats {
  double mean = kNaN, std = kNaN, min = kNaN, max = kNaN, slope = kNaN;
};

WindowStats Compute(const std::vector<double>& values, const std::vector<double>& times,
                    size_t lo, size_t hi) {
  WindowStats s;
  double sum = 0, sum_t = 0;
  size_t n = 0;
  for (size_t i = lo; i <= hi; ++i) {
    if (std::isnan(values[i])) continue;
    sum += values[i];
    sum_t += times[i];
    s.min = n == 0 ? values[i] : std::min(s.min, values[i]);
    s.max = n == 0 ? values[i] : std::max(s.max, values[i]);
    ++n;
  }
  if (n == 0) return s;
  s.mean = sum / static_cast<double>(n);
  if (n < 2) return s;
  const double mean_t = sum_t / static_cast<double>(n);
  double var = 0, cov = 0, var_t = 0;
  for (size_t i = lo; i <= hi; ++i) {
    if (std::isnan(values[i])) continue;
    const double dv = values[i] - s.mean, dt = times[i] - mean_t;
    var += dv * dv;
    cov += dv * dt;
    var_t += dt * dt;
  }
  s.std = std::sqrt(var / static_cast<double>(n - 1));
  s.slope = var_t > 0 ? cov / var_t : kNaN;
  return s;
}

double Pick(const WindowStats& s, const std::string& stat) {
  if (stat == "mean") return s.mean;
  if (stat == "std") return s.std;
  if (stat == "min") return s.min;
  if (stat == "max") return s.max;
  return s.slope;
}

}  // namespace

Status ApplyWindow(const StepSpec& step, Table* table) {
  const Column* entity = table->Find(step.entity);
  const Column* time = table->Find(step.time);
  if (entity == nullptr || time == nullptr) {
    return InvalidArgumentError("window: column '" + (entity ? step.time : step.entity) +
                                "' is missing");
  }
  if (time->type != ColumnType::kNumber) {
    return InvalidArgumentError("window: time column '" + step.time + "' must be numeric");
  }
  // Each entity's rows, ordered by time (ties keep input order).
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t r = 0; r < table->rows; ++r) groups[CellText(*entity, r)].push_back(r);
  const std::vector<double> times = time->numbers;
  for (auto& [key, rows] : groups) {
    std::stable_sort(rows.begin(), rows.end(),
                     [&](size_t a, size_t b) { return times[a] < times[b]; });
  }
  std::vector<Column> added;
  for (const std::string& name : step.columns) {
    const Column* source = table->Find(name);
    if (source == nullptr || source->type != ColumnType::kNumber) {
      return InvalidArgumentError("window: column '" + name + "' is missing or not numeric");
    }
    const size_t first = added.size();
    for (int lag : step.lags) {
      added.push_back({name + "_lag" + std::to_string(lag), ColumnType::kNumber,
                       std::vector<double>(table->rows, kNaN), {}});
    }
    for (int size : step.sizes) {
      for (const std::string& stat : step.stats) {
        added.push_back({name + "_" + stat + std::to_string(size), ColumnType::kNumber,
                         std::vector<double>(table->rows, kNaN), {}});
      }
    }
    std::vector<double> values, ordered_times;
    for (const auto& [key, rows] : groups) {
      values.clear();
      ordered_times.clear();
      for (size_t r : rows) {
        values.push_back(source->numbers[r]);
        ordered_times.push_back(times[r]);
      }
      for (size_t i = 0; i < rows.size(); ++i) {
        size_t out = first;
        for (int lag : step.lags) {
          const size_t k = static_cast<size_t>(lag);
          added[out++].numbers[rows[i]] = i >= k ? values[i - k] : kNaN;
        }
        for (int size : step.sizes) {
          const size_t w = static_cast<size_t>(size);
          const size_t lo = i + 1 >= w ? i + 1 - w : 0;
          const WindowStats s = Compute(values, ordered_times, lo, i);
          for (const std::string& stat : step.stats) added[out++].numbers[rows[i]] = Pick(s, stat);
        }
      }
    }
  }
  for (Column& c : added) table->columns.push_back(std::move(c));
  return Status::Ok();
}

}  // namespace strato::features
