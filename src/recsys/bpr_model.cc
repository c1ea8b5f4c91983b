// BprModel: SGD on sampled (user, seen item i, unseen item j) triples,
// maximising ln sigmoid(x_ui - x_uj) with x_ui = b_i + p_u . q_i.
#include <algorithm>
#include <cmath>
#include <random>

#include "strato/recsys/implicit_models.h"

namespace strato::recsys {

Status BprModel::Fit(const RatingSet& train) {
  if (options_.factors < 1 || options_.epochs < 0) {
    return InvalidArgumentError("bpr: factors must be >= 1 and epochs >= 0");
  }
  if (train.ratings.empty() || train.n_items < 2)
    return InvalidArgumentError("bpr: needs interactions and >= 2 items");
  n_items_ = train.n_items;
  const int f = options_.factors;
  std::mt19937_64 rng(options_.seed);
  std::normal_distribution<float> normal(0.0f, options_.init_std);
  p_.resize(static_cast<size_t>(train.n_users) * f);
  q_.resize(static_cast<size_t>(train.n_items) * f);
  for (float& v : p_) v = normal(rng);
  for (float& v : q_) v = normal(rng);
  b_.assign(static_cast<size_t>(train.n_items), 0.0f);
  const SparseRows by_user = SparseRows::ByUser(train);
  std::uniform_int_distribution<size_t> pick_rating(0, train.ratings.size() - 1);
  std::uniform_int_distribution<int32_t> pick_item(0, n_items_ - 1);
  const float lr = options_.learning_rate, reg = options_.reg;
  for (int epoch = 0; epoch < options_.epochs; ++epoch) {
    for (size_t s = 0; s < train.ratings.size(); ++s) {
      const Rating& r = train.ratings[pick_rating(rng)];
      const auto seen = by_user.cols(r.user);
      if (static_cast<int32_t>(seen.size()) >= n_items_) continue;
      int32_t j = pick_item(rng);
      while (std::binary_search(seen.begin(), seen.end(), j)) j = pick_item(rng);
      float* p = &p_[static_cast<size_t>(r.user) * f];
      float* qi = &q_[static_cast<size_t>(r.item) * f];
      float* qj = &q_[static_cast<size_t>(j) * f];
      float x = b_[r.item] - b_[j];
      for (int d = 0; d < f; ++d) x += p[d] * (qi[d] - qj[d]);
      const float g = 1.0f / (1.0f + std::exp(x));  // d/dx ln sigmoid(x)
      b_[r.item] += lr * (g - reg * b_[r.item]);
      b_[j] += lr * (-g - reg * b_[j]);
      for (int d = 0; d < f; ++d) {
        const float pd = p[d], qid = qi[d], qjd = qj[d];
        p[d] += lr * (g * (qid - qjd) - reg * pd);
        qi[d] += lr * (g * pd - reg * qid);
        qj[d] += lr * (-g * pd - reg * qjd);
      }
    }
  }
  return Status::Ok();
}

float BprModel::Predict(int32_t user, int32_t item) const {
  const int f = options_.factors;
  const float* p = &p_[static_cast<size_t>(user) * f];
  const float* q = &q_[static_cast<size_t>(item) * f];
  float s = b_[item];
  for (int d = 0; d < f; ++d) s += p[d] * q[d];
  return s;
}

}  // namespace strato::recsys
