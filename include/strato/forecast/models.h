// The local (one series at a time) forecasting models and the M4 benchmark
// recipe around them.
//
// - snaive:  seasonal naive, y_{n+k} = y_{n+k-m*ceil(k/m)}.
// - naive2:  M4's Naive2: naive on the seasonally adjusted series, then
//            re-seasonalised (decomposition.h).
// - ses, holt, damped: ETS(A,N,N), (A,A,N), (A,Ad,N) on the seasonally
//            adjusted series (exponential_smoothing.h).
// - theta:   the M4 Theta benchmark (Assimakopoulos & Nikolopoulos 2000 as
//            coded by the M4 organisers): on the adjusted series, the mean
//            of the extrapolated linear regression line (theta = 0) and SES
//            on the theta = 2 line (2 y - line).
// - ets:     automatic ETS, additive errors, trend chosen by AICc, on the
//            adjusted series.
// - comb:    M4's "Comb" benchmark, the mean of ses, holt and damped.
//
// Model-based standard deviations come with snaive (naive seasonal random
// walk), naive2 (random walk), ses/holt/damped/ets (ETS closed forms),
// multiplied by the seasonal index; theta and comb have none (callers use
// conformal intervals).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"

namespace strato::forecast {

enum class LocalModel { kSeasonalNaive, kNaive2, kSes, kHolt, kDamped, kTheta, kAutoEts, kComb };

std::string_view LocalModelName(LocalModel model);
bool ParseLocalModel(std::string_view name, LocalModel* model);
std::vector<LocalModel> AllLocalModels();

struct LocalForecast {
  std::vector<double> mean;
  std::vector<double> sd;  // per step; empty when the model has no distribution
  std::string detail;      // e.g. the ETS form chosen, "seasonal" when adjusted
};

// Limits every entry point checks (bad input -> INVALID_ARGUMENT).
inline constexpr int kMaxHorizon = 10000;
inline constexpr int kMaxSeason = 10000;

// Forecasts h steps after y with seasonal period m (1 = none). Needs at
// least max(m + 1, 3) values, all finite, and 1 <= h <= kMaxHorizon.
StatusOr<LocalForecast> ForecastLocal(LocalModel model, std::span<const double> y, int m, int h);

}  // namespace strato::forecast
