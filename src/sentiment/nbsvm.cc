// NB-SVM (Wang & Manning 2012, "Baselines and Bigrams"): binarised n-gram
// features scaled by their naive-Bayes log-count ratio r, then a
// discriminative linear model on the scaled features. We fit logistic
// regression by AdaGrad SGD rather than an SVM so that scores are
// probabilities before calibration, too.
#include <algorithm>
#include <cmath>

#include "trainers.h"

namespace strato::sentiment {
namespace {

std::vector<uint32_t> Distinct(const std::vector<uint32_t>& ids) {
  std::vector<uint32_t> out = ids;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

LinearFamily TrainNbsvm(const std::vector<Example>& examples, size_t dimension,
                        const NbsvmOptions& options, uint64_t seed, const ProgressFn& progress) {
  std::vector<std::vector<uint32_t>> distinct;
  distinct.reserve(examples.size());
  for (const Example& e : examples) distinct.push_back(Distinct(e.ids));

  // Log-count ratios r = log((p / |p|_1) / (q / |q|_1)), p and q the
  // smoothed feature counts in positive and negative texts.
  std::vector<double> positive(dimension, options.alpha);
  std::vector<double> negative(dimension, options.alpha);
  for (size_t i = 0; i < examples.size(); ++i) {
    std::vector<double>& counts = examples[i].label == 1 ? positive : negative;
    for (const uint32_t id : distinct[i]) counts[id] += 1;
  }
  double positive_total = 0, negative_total = 0;
  for (size_t j = 0; j < dimension; ++j) {
    positive_total += positive[j];
    negative_total += negative[j];
  }
  std::vector<double> ratio(dimension);
  for (size_t j = 0; j < dimension; ++j) {
    ratio[j] = std::log((positive[j] / positive_total) / (negative[j] / negative_total));
  }

  std::vector<double> w(dimension, 0.0);
  std::vector<double> g2(dimension, 0.0);
  double bias = 0, bias_g2 = 0;
  constexpr double kEpsilon = 1e-8;
  const size_t total_steps = examples.size() * static_cast<size_t>(std::max(options.epochs, 0));
  size_t step = 0;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    const std::vector<size_t> order =
        Permutation(examples.size(), seed + static_cast<uint64_t>(epoch));
    for (const size_t i : order) {
      double z = bias;
      for (const uint32_t id : distinct[i]) z += w[id] * ratio[id];
      const double g = Sigmoid(z) - examples[i].label;
      for (const uint32_t id : distinct[i]) {
        const double grad = g * ratio[id] + options.l2 * w[id];
        g2[id] += grad * grad;
        w[id] -= options.learning_rate * grad / std::sqrt(g2[id] + kEpsilon);
      }
      bias_g2 += g * g;
      bias -= options.learning_rate * g / std::sqrt(bias_g2 + kEpsilon);
      if (progress && ++step % 8192 == 0) progress(static_cast<double>(step) / total_steps);
    }
  }
  LinearFamily family;
  family.name = "nbsvm";
  family.pooling = Pooling::kSumDistinct;
  family.weights.resize(dimension);
  for (size_t j = 0; j < dimension; ++j) family.weights[j] = static_cast<float>(w[j] * ratio[j]);
  family.bias = bias;
  if (progress) progress(1.0);
  return family;
}

}  // namespace strato::sentiment
