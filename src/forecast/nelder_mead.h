// Nelder-Mead simplex minimisation (Nelder & Mead 1965, with the standard
// coefficients: reflection 1, expansion 2, contraction 0.5, shrink 0.5).
// Small, derivative-free and deterministic: what fitting a handful of
// smoothing parameters needs.
#pragma once

#include <functional>
#include <vector>

namespace strato::forecast {

struct NelderMeadOptions {
  int max_evaluations = 1000;
  double initial_step = 0.1;  // added to each coordinate for the first simplex
  double tolerance = 1e-8;    // stop when f(worst) - f(best) <= tolerance * (|f(best)| + 1e-12)
};

// Minimises f from x0; returns the best point and stores its value in *best.
std::vector<double> NelderMead(const std::function<double(const std::vector<double>&)>& f,
                               std::vector<double> x0, const NelderMeadOptions& options,
                               double* best);

}  // namespace strato::forecast
