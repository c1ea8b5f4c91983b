#include "strato/forecast/exponential_smoothing.h"

#include <cmath>
#include <limits>

#include "nelder_mead.h"

namespace strato::forecast {
namespace {

double Logistic(double u) { return 1.0 / (1.0 + std::exp(-u)); }
double Logit(double p) { return std::log(p / (1.0 - p)); }

constexpr double kPhiLow = 0.8, kPhiHigh = 0.98;

int SmoothingParameters(Trend trend) {
  return trend == Trend::kNone ? 1 : trend == Trend::kAdditive ? 2 : 3;
}
int StateParameters(Trend trend) { return trend == Trend::kNone ? 1 : 2; }

// Sum of squared one-step errors; also the final states when asked.
double Sse(std::span<const double> y, Trend trend, double alpha, double beta, double phi, double l0,
           double b0, double* level, double* slope) {
  double l = l0, b = trend == Trend::kNone ? 0 : b0;
  double sse = 0;
  for (double v : y) {
    const double damped = phi * b;
    const double e = v - (l + damped);
    sse += e * e;
    l = l + damped + alpha * e;
    b = damped + beta * e;
  }
  if (level != nullptr) *level = l;
  if (slope != nullptr) *slope = b;
  return sse;
}

}  // namespace

std::string_view TrendName(Trend trend) {
  switch (trend) {
    case Trend::kNone: return "N";
    case Trend::kAdditive: return "A";
    case Trend::kDamped: return "Ad";
  }
  return "?";
}

EtsFit RunEts(std::span<const double> y, Trend trend, double alpha, double beta, double phi,
              double l0, double b0) {
  EtsFit fit;
  fit.trend = trend;
  fit.alpha = alpha;
  fit.beta = trend == Trend::kNone ? 0 : beta;
  fit.phi = trend == Trend::kDamped ? phi : 1.0;
  fit.initial_level = l0;
  fit.initial_slope = trend == Trend::kNone ? 0 : b0;
  fit.n = y.size();
  fit.sse =
      Sse(y, trend, fit.alpha, fit.beta, fit.phi, l0, fit.initial_slope, &fit.level, &fit.slope);
  fit.parameters = SmoothingParameters(trend) + StateParameters(trend);
  const double n = static_cast<double>(y.size());
  const double dof = std::max(1.0, n - fit.parameters);
  fit.sigma2 = fit.sse / dof;
  // AICc with the variance counted as a parameter (as the forecast package
  // does); constants common to all models are dropped.
  const double k = fit.parameters + 1;
  const double loglik_term = n * std::log(std::max(fit.sse / n, 1e-300));
  fit.aicc = n - k - 1 > 0 ? loglik_term + 2 * k + 2 * k * (k + 1) / (n - k - 1)
                           : std::numeric_limits<double>::infinity();
  return fit;
}

StatusOr<EtsFit> FitEts(std::span<const double> y, Trend trend) {
  const size_t need = static_cast<size_t>(SmoothingParameters(trend) + StateParameters(trend) + 2);
  if (y.size() < need) {
    return InvalidArgumentError("ETS(A," + std::string(TrendName(trend)) + ",N) needs at least " +
                                std::to_string(need) + " values, got " + std::to_string(y.size()));
  }
  double scale = 0;
  for (double v : y) {
    if (!std::isfinite(v)) return InvalidArgumentError("ETS: the series has a non-finite value");
    scale += std::fabs(v);
  }
  scale /= static_cast<double>(y.size());
  if (!(scale > 0)) scale = 1;
  // Optimise on y / scale so that the simplex steps mean the same for every series.
  std::vector<double> z(y.begin(), y.end());
  for (double& v : z) v /= scale;
  const size_t head = std::min<size_t>(z.size(), 10);
  double l0 = 0;
  for (size_t i = 0; i < head; ++i) l0 += z[i];
  l0 /= static_cast<double>(head);
  double b0 = 0;
  if (trend != Trend::kNone) {
    // Slope of a least-squares line through the first values.
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < head; ++i) {
      const double x = static_cast<double>(i);
      sx += x, sy += z[i], sxx += x * x, sxy += x * z[i];
    }
    const double hn = static_cast<double>(head);
    const double den = hn * sxx - sx * sx;
    b0 = den > 0 ? (hn * sxy - sx * sy) / den : 0;
    l0 = sy / hn - b0 * (sx / hn) - b0;  // the line's value one step before the first
  }
  auto unpack = [trend](const std::vector<double>& u, double* a, double* b, double* p, double* l,
                        double* s) {
    *a = Logistic(u[0]);
    size_t i = 1;
    *b = 0, *p = 1, *s = 0;
    if (trend != Trend::kNone) *b = *a * Logistic(u[i++]);
    if (trend == Trend::kDamped) *p = kPhiLow + (kPhiHigh - kPhiLow) * Logistic(u[i++]);
    *l = u[i++];
    if (trend != Trend::kNone) *s = u[i++];
  };
  std::vector<double> u0{Logit(trend == Trend::kNone ? 0.3 : 0.4)};
  if (trend != Trend::kNone) u0.push_back(Logit(0.1));
  if (trend == Trend::kDamped) u0.push_back(Logit(0.9));
  u0.push_back(l0);
  if (trend != Trend::kNone) u0.push_back(b0);
  auto objective = [&](const std::vector<double>& u) {
    double a, b, p, l, s;
    unpack(u, &a, &b, &p, &l, &s);
    return Sse(z, trend, a, b, p, l, s, nullptr, nullptr);
  };
  NelderMeadOptions options;
  options.max_evaluations = 200 * static_cast<int>(u0.size());
  options.initial_step = 0.5;
  double best = 0;
  std::vector<double> u = NelderMead(objective, u0, options, &best);
  // One restart from the optimum shakes the simplex out of a flat valley.
  options.initial_step = 0.1;
  u = NelderMead(objective, u, options, &best);
  double a, b, p, l, s;
  unpack(u, &a, &b, &p, &l, &s);
  return RunEts(y, trend, a, b, p, l * scale, s * scale);
}

StatusOr<EtsFit> FitAutoEts(std::span<const double> y) {
  StatusOr<EtsFit> best = FitEts(y, Trend::kNone);
  if (!best.ok()) return best;
  for (Trend t : {Trend::kAdditive, Trend::kDamped}) {
    StatusOr<EtsFit> fit = FitEts(y, t);
    if (fit.ok() && fit->aicc < best->aicc) best = std::move(fit);
  }
  return best;
}

std::vector<double> EtsForecast(const EtsFit& fit, int h) {
  std::vector<double> out(static_cast<size_t>(std::max(h, 0)));
  double damp_sum = 0, phi_k = 1;
  for (size_t k = 0; k < out.size(); ++k) {
    phi_k *= fit.phi;
    damp_sum += phi_k;
    out[k] = fit.level + damp_sum * fit.slope;
  }
  return out;
}

std::vector<double> EtsForecastSd(const EtsFit& fit, int h) {
  // Linear innovations form: var_h = sigma^2 (1 + sum_{j=1}^{h-1} c_j^2) with
  // c_j = alpha + beta (phi + ... + phi^j) (Hyndman et al. 2008, ch. 6);
  // for Holt this is the table's 1 + (h-1)(a^2 + a b h + b^2 h (2h-1)/6).
  std::vector<double> out(static_cast<size_t>(std::max(h, 0)));
  double sum_c2 = 0, damp_sum = 0, phi_j = 1;
  for (size_t k = 0; k < out.size(); ++k) {
    out[k] = std::sqrt(fit.sigma2 * (1 + sum_c2));
    phi_j *= fit.phi;
    damp_sum += phi_j;
    const double c = fit.alpha + (fit.trend == Trend::kNone ? 0 : fit.beta * damp_sum);
    sum_c2 += c * c;
  }
  return out;
}

}  // namespace strato::forecast
