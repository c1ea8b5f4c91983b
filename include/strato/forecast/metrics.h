// The M4 competition's accuracy measures (Makridakis, Spiliotis &
// Assimakopoulos, "The M4 Competition", IJF 2020, section 2.3):
//
//   sMAPE = 200/h * sum_t |y_t - f_t| / (|y_t| + |f_t|)           (percent)
//   MASE  = (1/h) sum_t |y_t - f_t|  /  ((1/(n-m)) sum_{i=m+1..n} |x_i - x_{i-m}|)
//   OWA   = ( sMAPE/sMAPE_Naive2 + MASE/MASE_Naive2 ) / 2
//
// where x_1..x_n is the training history, y the h actuals, f the forecast,
// and m the frequency's seasonal period (Hourly 24, Weekly 1). sMAPE and
// MASE are averaged over all series of a frequency before OWA is formed.
// A term with |y| + |f| = 0 counts as 0 (both exactly right).
#pragma once

#include <span>

#include "strato/core/status.h"

namespace strato::forecast {

double Smape(std::span<const double> actual, std::span<const double> forecast);

// INVALID_ARGUMENT when the history has no m+1 values or is constant at
// lag m (the scale is 0 and MASE is undefined).
StatusOr<double> Mase(std::span<const double> history, std::span<const double> actual,
                      std::span<const double> forecast, int m);

double Owa(double smape, double mase, double smape_naive2, double mase_naive2);

// Share of actuals inside [lower, upper].
double Coverage(std::span<const double> actual, std::span<const double> lower,
                std::span<const double> upper);

}  // namespace strato::forecast
