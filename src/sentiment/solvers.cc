#include <cmath>

#include "trainers.h"

namespace strato::sentiment {

std::vector<size_t> Permutation(size_t n, uint64_t seed) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::mt19937_64 rng(seed);
  for (size_t i = n; i > 1; --i) {
    const size_t j = static_cast<size_t>(rng() % i);
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

std::vector<double> FitSmallLogistic(const std::vector<std::vector<double>>& rows,
                                     const std::vector<int>& labels, double l2) {
  const size_t d = rows.empty() ? 0 : rows[0].size();
  const size_t p = d + 1;
  std::vector<double> w(p, 0.0);
  if (d > 0) w[1] = 1.0;  // start from "trust the first input" (identity calibration)
  // Penalised negative log-likelihood, for the step-halving line search:
  // a full Newton step can overshoot when the inputs are large log-odds.
  const auto loss = [&](const std::vector<double>& v) {
    double total = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      double z = v[0];
      for (size_t j = 0; j < d; ++j) z += v[j + 1] * rows[i][j];
      // log(1 + e^z) - y z, computed without overflow.
      total += (z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z))) - labels[i] * z;
    }
    for (size_t a = 1; a < p; ++a) total += 0.5 * l2 * v[a] * v[a];
    return total;
  };
  double current = loss(w);
  for (int iteration = 0; iteration < 100; ++iteration) {
    std::vector<double> grad(p, 0.0);
    std::vector<double> hess(p * p, 0.0);
    for (size_t i = 0; i < rows.size(); ++i) {
      double z = w[0];
      for (size_t j = 0; j < d; ++j) z += w[j + 1] * rows[i][j];
      const double prob = Sigmoid(z);
      const double g = prob - labels[i];
      const double h = std::max(prob * (1 - prob), 1e-12);
      for (size_t a = 0; a < p; ++a) {
        const double xa = a == 0 ? 1.0 : rows[i][a - 1];
        grad[a] += g * xa;
        for (size_t b = 0; b < p; ++b) {
          const double xb = b == 0 ? 1.0 : rows[i][b - 1];
          hess[a * p + b] += h * xa * xb;
        }
      }
    }
    for (size_t a = 1; a < p; ++a) {  // the intercept is not penalised
      grad[a] += l2 * w[a];
      hess[a * p + a] += l2;
    }
    for (size_t a = 0; a < p; ++a) hess[a * p + a] += 1e-9;
    // Solve hess * step = grad by Gaussian elimination with partial pivoting.
    std::vector<double> step = grad;
    std::vector<double> m = hess;
    for (size_t col = 0; col < p; ++col) {
      size_t pivot = col;
      for (size_t r = col + 1; r < p; ++r) {
        if (std::fabs(m[r * p + col]) > std::fabs(m[pivot * p + col])) pivot = r;
      }
      if (pivot != col) {
        for (size_t c = 0; c < p; ++c) std::swap(m[col * p + c], m[pivot * p + c]);
        std::swap(step[col], step[pivot]);
      }
      const double diag = m[col * p + col];
      if (std::fabs(diag) < 1e-15) return w;  // singular: keep the current fit
      for (size_t r = col + 1; r < p; ++r) {
        const double factor = m[r * p + col] / diag;
        for (size_t c = col; c < p; ++c) m[r * p + c] -= factor * m[col * p + c];
        step[r] -= factor * step[col];
      }
    }
    for (size_t col = p; col-- > 0;) {
      for (size_t c = col + 1; c < p; ++c) step[col] -= m[col * p + c] * step[c];
      step[col] /= m[col * p + col];
    }
    double scale = 1.0;
    std::vector<double> next(p);
    double next_loss = current;
    for (int halving = 0; halving < 40; ++halving, scale *= 0.5) {
      for (size_t a = 0; a < p; ++a) next[a] = w[a] - scale * step[a];
      next_loss = loss(next);
      if (next_loss <= current) break;
    }
    if (!(next_loss <= current)) break;  // no descent left
    double change = 0;
    for (size_t a = 0; a < p; ++a) change = std::max(change, std::fabs(next[a] - w[a]));
    w = next;
    const double improvement = current - next_loss;
    current = next_loss;
    if (change < 1e-10 || improvement < 1e-12) break;
  }
  return w;
}

}  // namespace strato::sentiment
