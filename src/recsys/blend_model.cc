// BlendModel: ridge regression of the ratings on the members' predictions.
#include <Eigen/Dense>

#include "strato/recsys/explicit_models.h"
#include "strato/recsys/split.h"

namespace strato::recsys {

Status BlendModel::Fit(const RatingSet& train) {
  if (factories_.empty()) return InvalidArgumentError("blend: no member models");
  const auto [fit_part, validation] =
      RandomHoldout(train, options_.validation_fraction, options_.seed);
  if (validation.ratings.empty()) return InvalidArgumentError("blend: validation split is empty");
  const size_t m = factories_.size();
  Eigen::MatrixXd x(validation.ratings.size(), m + 1);
  Eigen::VectorXd y(validation.ratings.size());
  x.col(0).setOnes();
  for (size_t k = 0; k < m; ++k) {
    std::unique_ptr<Model> member = factories_[k]();
    RETURN_IF_ERROR(member->Fit(fit_part));
    for (size_t r = 0; r < validation.ratings.size(); ++r) {
      const Rating& rating = validation.ratings[r];
      x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k + 1)) =
          member->Predict(rating.user, rating.item);
    }
  }
  for (size_t r = 0; r < validation.ratings.size(); ++r)
    y(static_cast<Eigen::Index>(r)) = validation.ratings[r].value;
  Eigen::MatrixXd gram = x.transpose() * x;
  gram.diagonal().array() += options_.ridge * static_cast<double>(validation.ratings.size());
  const Eigen::VectorXd w = gram.ldlt().solve(x.transpose() * y);
  weights_.assign(w.data(), w.data() + w.size());
  // Members are refitted on the whole training set: the weights carry over
  // because each member's output scale does not depend on the data size.
  members_.clear();
  for (size_t k = 0; k < m; ++k) {
    members_.push_back(factories_[k]());
    RETURN_IF_ERROR(members_.back()->Fit(train));
  }
  return Status::Ok();
}

float BlendModel::Predict(int32_t user, int32_t item) const {
  double r = weights_[0];
  for (size_t k = 0; k < members_.size(); ++k)
    r += weights_[k + 1] * members_[k]->Predict(user, item);
  return options_.range.Clip(static_cast<float>(r));
}

}  // namespace strato::recsys
