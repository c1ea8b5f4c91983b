#include "strato/forecast/models.h"

#include <algorithm>
#include <cmath>

#include "strato/forecast/decomposition.h"
#include "strato/forecast/exponential_smoothing.h"
#include "strato/forecast/series.h"

namespace strato::forecast {
namespace {

struct Adjusted {
  std::vector<double> x;        // y / index
  std::vector<double> indices;  // m seasonal indices (all 1 when not seasonal)
  bool seasonal = false;
};

Adjusted SeasonallyAdjust(std::span<const double> y, int m) {
  Adjusted a;
  a.indices = SeasonalIndices(y, m);
  a.seasonal = std::any_of(a.indices.begin(), a.indices.end(), [](double v) { return v != 1.0; });
  a.x.assign(y.begin(), y.end());
  for (size_t t = 0; t < a.x.size(); ++t) a.x[t] /= IndexAt(a.indices, t);
  return a;
}

// Multiplies forecasts (and sds) for steps after the n-value history by the
// seasonal index of their position.
void Reseasonalise(const Adjusted& a, LocalForecast* f) {
  const size_t n = a.x.size();
  for (size_t k = 0; k < f->mean.size(); ++k) {
    const double s = IndexAt(a.indices, n + k);
    f->mean[k] *= s;
    if (!f->sd.empty()) f->sd[k] *= s;
  }
  if (a.seasonal) f->detail += f->detail.empty() ? "seasonal" : ", seasonal";
}

double SdOfDifferences(std::span<const double> y, size_t lag) {
  double sum = 0;
  size_t count = 0;
  for (size_t t = lag; t < y.size(); ++t) {
    const double d = y[t] - y[t - lag];
    sum += d * d;
    ++count;
  }
  return count > 0 ? std::sqrt(sum / static_cast<double>(count)) : 0;
}

LocalForecast SeasonalNaive(std::span<const double> y, int m, int h) {
  const size_t period = static_cast<size_t>(std::max(m, 1));
  LocalForecast f;
  const size_t n = y.size();
  const double sigma = SdOfDifferences(y, period);
  for (size_t k = 0; k < static_cast<size_t>(h); ++k) {
    f.mean.push_back(y[n - period + k % period]);
    f.sd.push_back(sigma * std::sqrt(static_cast<double>(k / period + 1)));
  }
  return f;
}

LocalForecast Naive2(std::span<const double> y, int m, int h) {
  const Adjusted a = SeasonallyAdjust(y, m);
  LocalForecast f;
  const double sigma = SdOfDifferences(a.x, 1);
  for (int k = 1; k <= h; ++k) {
    f.mean.push_back(a.x.back());
    f.sd.push_back(sigma * std::sqrt(static_cast<double>(k)));
  }
  Reseasonalise(a, &f);
  return f;
}

StatusOr<LocalForecast> Ets(std::span<const double> y, int m, int h, const Trend* trend) {
  const Adjusted a = SeasonallyAdjust(y, m);
  StatusOr<EtsFit> fit = trend != nullptr ? FitEts(a.x, *trend) : FitAutoEts(a.x);
  if (!fit.ok()) return fit.status();
  LocalForecast f;
  f.mean = EtsForecast(*fit, h);
  f.sd = EtsForecastSd(*fit, h);
  f.detail = "ETS(A," + std::string(TrendName(fit->trend)) + ",N)";
  Reseasonalise(a, &f);
  return f;
}

StatusOr<LocalForecast> Theta(std::span<const double> y, int m, int h) {
  const Adjusted a = SeasonallyAdjust(y, m);
  const size_t n = a.x.size();
  // Least-squares line through (t, x_t), t = 1..n: the theta = 0 line.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i + 1);
    sx += t, sy += a.x[i], sxx += t * t, sxy += t * a.x[i];
  }
  const double nn = static_cast<double>(n);
  const double den = nn * sxx - sx * sx;
  const double slope = den > 0 ? (nn * sxy - sx * sy) / den : 0;
  const double intercept = (sy - slope * sx) / nn;
  std::vector<double> theta2(n);
  for (size_t i = 0; i < n; ++i) {
    theta2[i] = 2 * a.x[i] - (intercept + slope * static_cast<double>(i + 1));
  }
  StatusOr<EtsFit> ses = FitEts(theta2, Trend::kNone);
  if (!ses.ok()) return ses.status();
  const std::vector<double> ses_out = EtsForecast(*ses, h);
  LocalForecast f;
  for (size_t k = 0; k < static_cast<size_t>(h); ++k) {
    const double line = intercept + slope * static_cast<double>(n + k + 1);
    f.mean.push_back(0.5 * line + 0.5 * ses_out[k]);
  }
  Reseasonalise(a, &f);
  return f;
}

StatusOr<LocalForecast> Comb(std::span<const double> y, int m, int h) {
  LocalForecast f;
  f.mean.assign(static_cast<size_t>(h), 0.0);
  for (Trend t : {Trend::kNone, Trend::kAdditive, Trend::kDamped}) {
    StatusOr<LocalForecast> one = Ets(y, m, h, &t);
    if (!one.ok()) return one.status();
    for (size_t k = 0; k < f.mean.size(); ++k) f.mean[k] += one->mean[k] / 3.0;
  }
  return f;
}

}  // namespace

std::string_view LocalModelName(LocalModel model) {
  switch (model) {
    case LocalModel::kSeasonalNaive: return "snaive";
    case LocalModel::kNaive2: return "naive2";
    case LocalModel::kSes: return "ses";
    case LocalModel::kHolt: return "holt";
    case LocalModel::kDamped: return "damped";
    case LocalModel::kTheta: return "theta";
    case LocalModel::kAutoEts: return "ets";
    case LocalModel::kComb: return "comb";
  }
  return "?";
}

std::vector<LocalModel> AllLocalModels() {
  return {LocalModel::kSeasonalNaive, LocalModel::kNaive2, LocalModel::kSes,     LocalModel::kHolt,
          LocalModel::kDamped,        LocalModel::kTheta,  LocalModel::kAutoEts, LocalModel::kComb};
}

bool ParseLocalModel(std::string_view name, LocalModel* model) {
  for (LocalModel m : AllLocalModels()) {
    if (LocalModelName(m) == name) {
      *model = m;
      return true;
    }
  }
  return false;
}

StatusOr<LocalForecast> ForecastLocal(LocalModel model, std::span<const double> y, int m, int h) {
  if (h < 1 || h > kMaxHorizon) {
    return InvalidArgumentError("horizon must be between 1 and " + std::to_string(kMaxHorizon) +
                                ", got " + std::to_string(h));
  }
  if (m < 1 || m > kMaxSeason) {
    return InvalidArgumentError("seasonality must be between 1 and " + std::to_string(kMaxSeason) +
                                ", got " + std::to_string(m));
  }
  const size_t need = std::max<size_t>(static_cast<size_t>(m) + 1, 6);
  RETURN_IF_ERROR(ValidateHistory(y, need, "the history (seasonality " + std::to_string(m) + ")"));
  switch (model) {
    case LocalModel::kSeasonalNaive: return SeasonalNaive(y, m, h);
    case LocalModel::kNaive2: return Naive2(y, m, h);
    case LocalModel::kSes: {
      const Trend t = Trend::kNone;
      return Ets(y, m, h, &t);
    }
    case LocalModel::kHolt: {
      const Trend t = Trend::kAdditive;
      return Ets(y, m, h, &t);
    }
    case LocalModel::kDamped: {
      const Trend t = Trend::kDamped;
      return Ets(y, m, h, &t);
    }
    case LocalModel::kTheta: return Theta(y, m, h);
    case LocalModel::kAutoEts: return Ets(y, m, h, nullptr);
    case LocalModel::kComb: return Comb(y, m, h);
  }
  return InvalidArgumentError("unknown model");
}

}  // namespace strato::forecast
