// Exponential smoothing with additive errors (Hyndman et al., "Forecasting
// with Exponential Smoothing", 2008): ETS(A,N,N) = SES, ETS(A,A,N) = Holt,
// ETS(A,Ad,N) = damped trend, in error-correction form:
//   e_t = y_t - (l_{t-1} + phi b_{t-1})
//   l_t = l_{t-1} + phi b_{t-1} + alpha e_t
//   b_t = phi b_{t-1} + beta e_t                     (phi = 1 without damping)
// Smoothing parameters and the initial states l_0, b_0 are fitted by
// minimising the sum of squared one-step errors (Nelder-Mead), with
// 0 < alpha < 1, 0 < beta < alpha, 0.8 <= phi <= 0.98 (the forecast
// package's bounds). The h-step variance is the model's exact linear
// innovations variance (Hyndman et al. 2008, chapter 6, class 1).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "strato/core/status.h"

namespace strato::forecast {

enum class Trend { kNone, kAdditive, kDamped };
std::string_view TrendName(Trend trend);  // "N", "A", "Ad"

struct EtsFit {
  Trend trend = Trend::kNone;
  double alpha = 0, beta = 0, phi = 1;
  double level = 0, slope = 0;  // final states l_n, b_n
  double initial_level = 0, initial_slope = 0;
  double sse = 0;
  double sigma2 = 0;  // sse / (n - parameters)
  double aicc = 0;
  int parameters = 0;  // smoothing + initial states
  size_t n = 0;
};

// Fits one model; INVALID_ARGUMENT when y is too short (fewer than
// parameters + 2 values) or not finite.
StatusOr<EtsFit> FitEts(std::span<const double> y, Trend trend);

// Fits with the given parameters and initial states (no optimisation).
EtsFit RunEts(std::span<const double> y, Trend trend, double alpha, double beta, double phi,
              double l0, double b0);

// Fits ETS(A,N,N), (A,A,N), (A,Ad,N) and keeps the lowest AICc.
StatusOr<EtsFit> FitAutoEts(std::span<const double> y);

// Point forecasts for steps 1..h and their standard deviations.
std::vector<double> EtsForecast(const EtsFit& fit, int h);
std::vector<double> EtsForecastSd(const EtsFit& fit, int h);

}  // namespace strato::forecast
