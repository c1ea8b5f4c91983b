// BiasedMfModel and SvdPlusPlusModel: stochastic gradient descent on the
// regularised squared error of the observed ratings.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "strato/recsys/explicit_models.h"

namespace strato::recsys {
namespace {

void InitFactors(std::vector<float>* v, size_t n, float std_dev, std::mt19937_64* rng) {
  std::normal_distribution<float> normal(0.0f, std_dev);
  v->resize(n);
  for (float& x : *v) x = normal(*rng);
}

Status CheckOptions(const MfOptions& o, const RatingSet& train, const char* model) {
  if (train.ratings.empty())
    return InvalidArgumentError(std::string(model) + ": no training ratings");
  if (o.factors < 1 || o.epochs < 0 || !(o.learning_rate > 0)) {
    return InvalidArgumentError(std::string(model) +
                                ": factors must be >= 1, epochs >= 0, learning_rate > 0");
  }
  return Status::Ok();
}

// p . q over f factors; one loop order so both models predict alike.
float Dot(const float* p, const float* q, int f) {
  float dot = 0;
  for (int d = 0; d < f; ++d) dot += p[d] * q[d];
  return dot;
}

}  // namespace

Status BiasedMfModel::Fit(const RatingSet& train) {
  RETURN_IF_ERROR(CheckOptions(options_, train, "biased-mf"));
  const int f = options_.factors;
  std::mt19937_64 rng(options_.seed);
  mu_ = static_cast<float>(MeanRating(train));
  bu_.assign(static_cast<size_t>(train.n_users), 0.0f);
  bi_.assign(static_cast<size_t>(train.n_items), 0.0f);
  InitFactors(&p_, static_cast<size_t>(train.n_users) * f, options_.init_std, &rng);
  InitFactors(&q_, static_cast<size_t>(train.n_items) * f, options_.init_std, &rng);
  std::vector<size_t> order(train.ratings.size());
  std::iota(order.begin(), order.end(), 0);
  float lr = options_.learning_rate;
  const float reg = options_.reg, rb = options_.reg_bias;
  for (int epoch = 0; epoch < options_.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    for (const size_t k : order) {
      const Rating& r = train.ratings[k];
      float* p = &p_[static_cast<size_t>(r.user) * f];
      float* q = &q_[static_cast<size_t>(r.item) * f];
      float dot = 0;
      for (int d = 0; d < f; ++d) dot += p[d] * q[d];
      const float e = r.value - (mu_ + bu_[r.user] + bi_[r.item] + dot);
      bu_[r.user] += lr * (e - rb * bu_[r.user]);
      bi_[r.item] += lr * (e - rb * bi_[r.item]);
      for (int d = 0; d < f; ++d) {
        const float pd = p[d], qd = q[d];
        p[d] += lr * (e * qd - reg * pd);
        q[d] += lr * (e * pd - reg * qd);
      }
    }
    lr *= options_.lr_decay;
  }
  return Status::Ok();
}

float BiasedMfModel::Predict(int32_t user, int32_t item) const {
  const int f = options_.factors;
  const float* p = &p_[static_cast<size_t>(user) * f];
  const float* q = &q_[static_cast<size_t>(item) * f];
  return options_.range.Clip(mu_ + bu_[user] + bi_[item] + Dot(p, q, f));
}

// The implicit part's gradient is accumulated over one user's ratings and
// applied to the y_j once per user visit: updating every y_j after every
// rating (the textbook order) costs |N(u)| times more for the same fixed point.
Status SvdPlusPlusModel::Fit(const RatingSet& train) {
  RETURN_IF_ERROR(CheckOptions(options_, train, "svd++"));
  const int f = options_.factors;
  std::mt19937_64 rng(options_.seed);
  mu_ = static_cast<float>(MeanRating(train));
  bu_.assign(static_cast<size_t>(train.n_users), 0.0f);
  bi_.assign(static_cast<size_t>(train.n_items), 0.0f);
  InitFactors(&p_, static_cast<size_t>(train.n_users) * f, options_.init_std, &rng);
  InitFactors(&q_, static_cast<size_t>(train.n_items) * f, options_.init_std, &rng);
  InitFactors(&y_, static_cast<size_t>(train.n_items) * f, options_.init_std, &rng);
  const SparseRows by_user = SparseRows::ByUser(train);
  std::vector<int32_t> users(static_cast<size_t>(train.n_users));
  std::iota(users.begin(), users.end(), 0);
  std::vector<float> z(f), ysum(f), grad(f);
  std::vector<size_t> order;
  float lr = options_.learning_rate;
  const float reg = options_.reg, rb = options_.reg_bias;
  for (int epoch = 0; epoch < options_.epochs; ++epoch) {
    std::shuffle(users.begin(), users.end(), rng);
    for (const int32_t u : users) {
      const auto items = by_user.cols(u);
      const auto values = by_user.values(u);
      if (items.empty()) continue;
      const float norm = 1.0f / std::sqrt(static_cast<float>(items.size()));
      std::fill(ysum.begin(), ysum.end(), 0.0f);
      for (const int32_t j : items) {
        const float* y = &y_[static_cast<size_t>(j) * f];
        for (int d = 0; d < f; ++d) ysum[d] += y[d];
      }
      std::fill(grad.begin(), grad.end(), 0.0f);
      order.resize(items.size());
      std::iota(order.begin(), order.end(), 0);
      std::shuffle(order.begin(), order.end(), rng);
      float* p = &p_[static_cast<size_t>(u) * f];
      for (const size_t k : order) {
        const int32_t i = items[k];
        float* q = &q_[static_cast<size_t>(i) * f];
        float dot = 0;
        for (int d = 0; d < f; ++d) {
          z[d] = p[d] + norm * ysum[d];
          dot += z[d] * q[d];
        }
        const float e = values[k] - (mu_ + bu_[u] + bi_[i] + dot);
        bu_[u] += lr * (e - rb * bu_[u]);
        bi_[i] += lr * (e - rb * bi_[i]);
        for (int d = 0; d < f; ++d) {
          const float pd = p[d], qd = q[d];
          p[d] += lr * (e * qd - reg * pd);
          q[d] += lr * (e * z[d] - reg * qd);
          grad[d] += e * norm * qd;
        }
      }
      for (const int32_t j : items) {
        float* y = &y_[static_cast<size_t>(j) * f];
        for (int d = 0; d < f; ++d) y[d] += lr * (grad[d] - reg * y[d]);
      }
    }
    lr *= options_.lr_decay;
  }
  // Cache p_u + |N(u)|^-1/2 sum y_j: prediction is then one dot product.
  user_vec_ = p_;
  for (int32_t u = 0; u < train.n_users; ++u) {
    const auto items = by_user.cols(u);
    if (items.empty()) continue;
    const float norm = 1.0f / std::sqrt(static_cast<float>(items.size()));
    float* out = &user_vec_[static_cast<size_t>(u) * f];
    for (const int32_t j : items) {
      const float* y = &y_[static_cast<size_t>(j) * f];
      for (int d = 0; d < f; ++d) out[d] += norm * y[d];
    }
  }
  return Status::Ok();
}

float SvdPlusPlusModel::Predict(int32_t user, int32_t item) const {
  const int f = options_.factors;
  const float* z = &user_vec_[static_cast<size_t>(user) * f];
  const float* q = &q_[static_cast<size_t>(item) * f];
  return options_.range.Clip(mu_ + bu_[user] + bi_[item] + Dot(z, q, f));
}

}  // namespace strato::recsys
