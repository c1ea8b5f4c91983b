// GlobalMeanModel and BiasModel.
#include <algorithm>

#include "strato/recsys/explicit_models.h"

namespace strato::recsys {

Status GlobalMeanModel::Fit(const RatingSet& train) {
  if (train.ratings.empty()) return InvalidArgumentError("global-mean: no training ratings");
  mu_ = static_cast<float>(MeanRating(train));
  return Status::Ok();
}

Status BiasModel::Fit(const RatingSet& train) {
  if (train.ratings.empty()) return InvalidArgumentError("biases: no training ratings");
  mu_ = static_cast<float>(MeanRating(train));
  bu_.assign(static_cast<size_t>(train.n_users), 0.0f);
  bi_.assign(static_cast<size_t>(train.n_items), 0.0f);
  std::vector<double> sum_u(bu_.size()), sum_i(bi_.size());
  std::vector<int32_t> n_u(bu_.size()), n_i(bi_.size());
  for (const Rating& r : train.ratings) {
    ++n_u[r.user];
    ++n_i[r.item];
  }
  // Alternating exact minimisation of the regularised squared error over
  // one bias vector with the other fixed.
  for (int epoch = 0; epoch < options_.epochs; ++epoch) {
    std::fill(sum_i.begin(), sum_i.end(), 0.0);
    for (const Rating& r : train.ratings) sum_i[r.item] += r.value - mu_ - bu_[r.user];
    for (size_t i = 0; i < bi_.size(); ++i) {
      bi_[i] = static_cast<float>(sum_i[i] / (options_.reg_item + n_i[i]));
    }
    std::fill(sum_u.begin(), sum_u.end(), 0.0);
    for (const Rating& r : train.ratings) sum_u[r.user] += r.value - mu_ - bi_[r.item];
    for (size_t u = 0; u < bu_.size(); ++u) {
      bu_[u] = static_cast<float>(sum_u[u] / (options_.reg_user + n_u[u]));
    }
  }
  return Status::Ok();
}

float BiasModel::Predict(int32_t user, int32_t item) const {
  return options_.range.Clip(mu_ + bu_[user] + bi_[item]);
}

}  // namespace strato::recsys
