// fastText-style supervised classifier (Joulin et al. 2017, "Bag of Tricks
// for Efficient Text Classification"): the text is the mean of its n-gram
// embeddings, a linear layer scores it, SGD with a learning rate decaying
// linearly to zero. Single-threaded (fastText's Hogwild threads would make
// the result depend on scheduling). After training, embedding . output is
// folded into one weight per feature: the model is linear in its mean
// pooled features, which serving and explanations rely on.
#include <cmath>

#include "trainers.h"

namespace strato::sentiment {

LinearFamily TrainFastText(const std::vector<Example>& examples, size_t dimension,
                           const FastTextOptions& options, uint64_t seed,
                           const ProgressFn& progress) {
  const size_t dim = static_cast<size_t>(options.dim);
  std::vector<float> embeddings(dimension * dim);
  std::mt19937_64 rng(seed);
  const double init = 1.0 / static_cast<double>(dim);
  for (float& v : embeddings) v = static_cast<float>((UnitDouble(rng) * 2 - 1) * init);
  std::vector<double> output(dim, 0.0);
  double bias = 0;

  std::vector<double> hidden(dim);
  std::vector<double> hidden_grad(dim);
  const size_t total_steps = examples.size() * static_cast<size_t>(std::max(options.epochs, 0));
  size_t step = 0;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    const std::vector<size_t> order =
        Permutation(examples.size(), seed * 31 + static_cast<uint64_t>(epoch));
    for (const size_t i : order) {
      const double lr = options.learning_rate * (1.0 - static_cast<double>(step) / total_steps);
      ++step;
      const std::vector<uint32_t>& ids = examples[i].ids;
      if (ids.empty()) continue;
      std::fill(hidden.begin(), hidden.end(), 0.0);
      for (const uint32_t id : ids) {
        const float* e = &embeddings[static_cast<size_t>(id) * dim];
        for (size_t d = 0; d < dim; ++d) hidden[d] += e[d];
      }
      const double inv_n = 1.0 / static_cast<double>(ids.size());
      double z = bias;
      for (size_t d = 0; d < dim; ++d) {
        hidden[d] *= inv_n;
        z += output[d] * hidden[d];
      }
      const double g = Sigmoid(z) - examples[i].label;
      for (size_t d = 0; d < dim; ++d) {
        hidden_grad[d] = g * output[d] * inv_n;
        output[d] -= lr * g * hidden[d];
      }
      bias -= lr * g;
      for (const uint32_t id : ids) {
        float* e = &embeddings[static_cast<size_t>(id) * dim];
        for (size_t d = 0; d < dim; ++d) e[d] -= static_cast<float>(lr * hidden_grad[d]);
      }
      if (progress && step % 8192 == 0) progress(static_cast<double>(step) / total_steps);
    }
  }
  LinearFamily family;
  family.name = "fasttext";
  family.pooling = Pooling::kMean;
  family.weights.resize(dimension);
  for (size_t j = 0; j < dimension; ++j) {
    const float* e = &embeddings[j * dim];
    double s = 0;
    for (size_t d = 0; d < dim; ++d) s += output[d] * e[d];
    family.weights[j] = static_cast<float>(s);
  }
  family.bias = bias;
  if (progress) progress(1.0);
  return family;
}

}  // namespace strato::sentiment
