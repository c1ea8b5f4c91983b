#include "nelder_mead.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace strato::forecast {

std::vector<double> NelderMead(const std::function<double(const std::vector<double>&)>& f,
                               std::vector<double> x0, const NelderMeadOptions& options,
                               double* best) {
  const size_t d = x0.size();
  std::vector<std::vector<double>> simplex(d + 1, x0);
  for (size_t i = 0; i < d; ++i) {
    const double step =
        x0[i] != 0 ? options.initial_step * std::max(1.0, std::fabs(x0[i])) : options.initial_step;
    simplex[i + 1][i] += step;
  }
  std::vector<double> value(d + 1);
  int evaluations = 0;
  auto eval = [&](const std::vector<double>& x) {
    ++evaluations;
    const double v = f(x);
    return std::isfinite(v) ? v : HUGE_VAL;
  };
  for (size_t i = 0; i <= d; ++i) value[i] = eval(simplex[i]);
  std::vector<size_t> order(d + 1);
  std::vector<double> centroid(d), trial(d), trial2(d);
  while (evaluations < options.max_evaluations) {
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return value[a] < value[b]; });
    const size_t lo = order[0], hi = order[d], second = order[d - 1];
    if (value[hi] - value[lo] <= options.tolerance * (std::fabs(value[lo]) + 1e-12)) break;
    std::fill(centroid.begin(), centroid.end(), 0.0);
    for (size_t i = 0; i <= d; ++i) {
      if (i == hi) continue;
      for (size_t j = 0; j < d; ++j) centroid[j] += simplex[i][j] / static_cast<double>(d);
    }
    for (size_t j = 0; j < d; ++j) trial[j] = centroid[j] + (centroid[j] - simplex[hi][j]);
    const double fr = eval(trial);
    if (fr < value[lo]) {
      for (size_t j = 0; j < d; ++j) trial2[j] = centroid[j] + 2 * (centroid[j] - simplex[hi][j]);
      const double fe = eval(trial2);
      if (fe < fr) {
        simplex[hi] = trial2;
        value[hi] = fe;
      } else {
        simplex[hi] = trial;
        value[hi] = fr;
      }
      continue;
    }
    if (fr < value[second]) {
      simplex[hi] = trial;
      value[hi] = fr;
      continue;
    }
    // Contract towards the better of the worst point and its reflection.
    const bool outside = fr < value[hi];
    const std::vector<double>& from = outside ? trial : simplex[hi];
    for (size_t j = 0; j < d; ++j) trial2[j] = centroid[j] + 0.5 * (from[j] - centroid[j]);
    const double fc = eval(trial2);
    if (fc < std::min(fr, value[hi])) {
      simplex[hi] = trial2;
      value[hi] = fc;
      continue;
    }
    for (size_t i = 0; i <= d; ++i) {
      if (i == lo) continue;
      for (size_t j = 0; j < d; ++j)
        simplex[i][j] = simplex[lo][j] + 0.5 * (simplex[i][j] - simplex[lo][j]);
      value[i] = eval(simplex[i]);
    }
  }
  const size_t arg =
      static_cast<size_t>(std::min_element(value.begin(), value.end()) - value.begin());
  if (best != nullptr) *best = value[arg];
  return simplex[arg];
}

}  // namespace strato::forecast
