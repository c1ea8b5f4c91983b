// The M4 benchmarks' seasonal adjustment: a 90% autocorrelation test for
// seasonality, then classical multiplicative decomposition.
//
// Test (M4 benchmark code, SeasonalityTest): with r_k the sample
// autocorrelation of the history at lag k, the series is seasonal when
//   n >= 3m  and  |r_m| > 1.645 * sqrt((1 + 2 * sum_{k=1}^{m-1} r_k^2) / n).
// Decomposition (R's decompose(type = "multiplicative")): the trend is the
// centred moving average of order m (2 x m when m is even); the ratio
// y / trend averaged per position in the cycle gives the seasonal figure,
// normalised to mean 1. Position 0 is the first value of the history.
#pragma once

#include <span>
#include <vector>

namespace strato::forecast {

// Sample autocorrelation at lag k (R's acf: both sums over the whole mean).
double Autocorrelation(std::span<const double> y, int k);

bool SeasonalityTest(std::span<const double> y, int m);

// The m seasonal indices (mean 1), or all 1 when m <= 1, the test fails or
// the series is not strictly positive (a multiplicative figure needs it).
std::vector<double> SeasonalIndices(std::span<const double> y, int m);

// Index for time t (0 = first value of the history): indices[t % m].
inline double IndexAt(const std::vector<double>& indices, size_t t) {
  return indices[t % indices.size()];
}

}  // namespace strato::forecast
