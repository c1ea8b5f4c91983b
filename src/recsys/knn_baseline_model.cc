// KnnBaselineModel: item-item neighbourhood on baseline residuals.
#include <algorithm>
#include <cmath>

#include "strato/recsys/explicit_models.h"

namespace strato::recsys {

Status KnnBaselineModel::Fit(const RatingSet& train) {
  bias_ = BiasModel(options_.bias);
  RETURN_IF_ERROR(bias_.Fit(train));
  n_items_ = train.n_items;
  by_user_ = SparseRows::ByUser(train);
  const size_t n = static_cast<size_t>(n_items_);
  // Co-rated sums over users: n^2 memory, fine for catalogues of a few
  // thousand items (the explicit models are evaluated on MovieLens).
  std::vector<double> sxy(n * n, 0.0), sxx(n * n, 0.0), syy(n * n, 0.0);
  std::vector<int32_t> count(n * n, 0);
  std::vector<float> residual;
  for (int32_t u = 0; u < by_user_.rows(); ++u) {
    const auto items = by_user_.cols(u);
    const auto values = by_user_.values(u);
    residual.resize(items.size());
    for (size_t a = 0; a < items.size(); ++a) {
      residual[a] = values[a] - (bias_.mu() + bias_.user_bias()[u] + bias_.item_bias()[items[a]]);
    }
    for (size_t a = 0; a < items.size(); ++a) {
      const size_t row = static_cast<size_t>(items[a]) * n;
      const double ra = residual[a];
      for (size_t b = 0; b < items.size(); ++b) {
        const size_t at = row + static_cast<size_t>(items[b]);
        const double rb = residual[b];
        sxy[at] += ra * rb;
        sxx[at] += ra * ra;
        syy[at] += rb * rb;
        ++count[at];
      }
    }
  }
  sim_.assign(n * n, 0.0f);
  for (size_t at = 0; at < n * n; ++at) {
    if (count[at] < 2 || sxx[at] <= 0 || syy[at] <= 0) continue;
    const double pearson = sxy[at] / std::sqrt(sxx[at] * syy[at]);
    const double shrink = (count[at] - 1.0) / (count[at] - 1.0 + options_.shrinkage);
    sim_[at] = static_cast<float>(pearson * shrink);
  }
  return Status::Ok();
}

float KnnBaselineModel::Predict(int32_t user, int32_t item) const {
  const float base = bias_.Predict(user, item);
  const auto items = by_user_.cols(user);
  const auto values = by_user_.values(user);
  std::vector<std::pair<float, size_t>> neigh;
  neigh.reserve(items.size());
  const float* row = &sim_[static_cast<size_t>(item) * static_cast<size_t>(n_items_)];
  for (size_t k = 0; k < items.size(); ++k) {
    const float s = row[items[k]];
    if (s > 0 && items[k] != item) neigh.emplace_back(s, k);
  }
  const size_t keep = std::min(neigh.size(), static_cast<size_t>(options_.neighbours));
  std::partial_sort(neigh.begin(), neigh.begin() + keep, neigh.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first; });
  double num = 0, den = 0;
  for (size_t k = 0; k < keep; ++k) {
    const size_t at = neigh[k].second;
    const float bj = bias_.mu() + bias_.user_bias()[user] + bias_.item_bias()[items[at]];
    num += neigh[k].first * (values[at] - bj);
    den += neigh[k].first;
  }
  if (den <= 0) return base;
  return options_.bias.range.Clip(static_cast<float>(bias_.mu() + bias_.user_bias()[user] +
                                                     bias_.item_bias()[item] + num / den));
}

}  // namespace strato::recsys
