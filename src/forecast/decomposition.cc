#include "strato/forecast/decomposition.h"

#include <cmath>

namespace strato::forecast {

double Autocorrelation(std::span<const double> y, int k) {
  const size_t n = y.size();
  if (n == 0 || k < 0 || static_cast<size_t>(k) >= n) return 0;
  double mean = 0;
  for (double v : y) mean += v;
  mean /= static_cast<double>(n);
  double num = 0, den = 0;
  for (size_t i = 0; i < n; ++i) den += (y[i] - mean) * (y[i] - mean);
  for (size_t i = static_cast<size_t>(k); i < n; ++i) {
    num += (y[i] - mean) * (y[i - static_cast<size_t>(k)] - mean);
  }
  return den > 0 ? num / den : 0;
}

bool SeasonalityTest(std::span<const double> y, int m) {
  if (m <= 1 || y.size() < 3 * static_cast<size_t>(m)) return false;
  double sum_sq = 0;
  for (int k = 1; k < m; ++k) {
    const double r = Autocorrelation(y, k);
    sum_sq += r * r;
  }
  const double limit = 1.645 * std::sqrt((1 + 2 * sum_sq) / static_cast<double>(y.size()));
  return std::fabs(Autocorrelation(y, m)) > limit;
}

std::vector<double> SeasonalIndices(std::span<const double> y, int m) {
  const size_t period = m > 1 ? static_cast<size_t>(m) : 1;
  std::vector<double> ones(period, 1.0);
  if (period == 1) return ones;
  for (double v : y) {
    if (!(v > 0)) return ones;
  }
  if (!SeasonalityTest(y, m)) return ones;
  // Centred moving average: weights 1/m (odd m), or 1/(2m) at both ends and
  // 1/m inside (even m, a 2 x m average).
  const size_t n = y.size();
  const size_t half = period / 2;
  std::vector<double> sum(period, 0.0);
  std::vector<size_t> count(period, 0);
  for (size_t t = half; t + half < n; ++t) {
    double ma = 0;
    if (period % 2 == 1) {
      for (size_t j = t - half; j <= t + half; ++j) ma += y[j];
      ma /= static_cast<double>(period);
    } else {
      ma = 0.5 * (y[t - half] + y[t + half]);
      for (size_t j = t - half + 1; j < t + half; ++j) ma += y[j];
      ma /= static_cast<double>(period);
    }
    sum[t % period] += y[t] / ma;
    ++count[t % period];
  }
  double total = 0;
  for (size_t p = 0; p < period; ++p) {
    if (count[p] == 0) return ones;
    sum[p] /= static_cast<double>(count[p]);
    total += sum[p];
  }
  const double mean = total / static_cast<double>(period);
  for (double& s : sum) s /= mean;
  return sum;
}

}  // namespace strato::forecast
