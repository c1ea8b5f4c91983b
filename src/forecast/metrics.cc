#include "strato/forecast/metrics.h"

#include <cmath>
#include <string>

namespace strato::forecast {

double Smape(std::span<const double> actual, std::span<const double> forecast) {
  double sum = 0;
  for (size_t t = 0; t < actual.size(); ++t) {
    const double denom = std::fabs(actual[t]) + std::fabs(forecast[t]);
    if (denom > 0) sum += std::fabs(actual[t] - forecast[t]) / denom;
  }
  return actual.empty() ? 0.0 : 200.0 * sum / static_cast<double>(actual.size());
}

StatusOr<double> Mase(std::span<const double> history, std::span<const double> actual,
                      std::span<const double> forecast, int m) {
  if (m < 1 || history.size() <= static_cast<size_t>(m)) {
    return InvalidArgumentError("MASE needs more than m=" + std::to_string(m) +
                                " history values, got " + std::to_string(history.size()));
  }
  double scale = 0;
  for (size_t i = static_cast<size_t>(m); i < history.size(); ++i) {
    scale += std::fabs(history[i] - history[i - static_cast<size_t>(m)]);
  }
  scale /= static_cast<double>(history.size() - static_cast<size_t>(m));
  if (!(scale > 0))
    return InvalidArgumentError("MASE is undefined: the history does not vary at lag m");
  double err = 0;
  for (size_t t = 0; t < actual.size(); ++t) err += std::fabs(actual[t] - forecast[t]);
  return actual.empty() ? 0.0 : err / static_cast<double>(actual.size()) / scale;
}

double Owa(double smape, double mase, double smape_naive2, double mase_naive2) {
  return 0.5 * (smape / smape_naive2 + mase / mase_naive2);
}

double Coverage(std::span<const double> actual, std::span<const double> lower,
                std::span<const double> upper) {
  if (actual.empty()) return 0;
  size_t in = 0;
  for (size_t t = 0; t < actual.size(); ++t) in += actual[t] >= lower[t] && actual[t] <= upper[t];
  return static_cast<double>(in) / static_cast<double>(actual.size());
}

}  // namespace strato::forecast
