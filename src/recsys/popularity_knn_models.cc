// MostPopularModel and ItemKnnModel: the top-N baselines.
#include <algorithm>
#include <cmath>

#include "strato/recsys/implicit_models.h"

namespace strato::recsys {

Status MostPopularModel::Fit(const RatingSet& train) {
  counts_.assign(static_cast<size_t>(train.n_items), 0.0f);
  for (const Rating& r : train.ratings) counts_[r.item] += 1.0f;
  return Status::Ok();
}

Status ItemKnnModel::Fit(const RatingSet& train) {
  if (options_.neighbours < 1) return InvalidArgumentError("item-knn: neighbours must be >= 1");
  n_items_ = train.n_items;
  by_user_ = SparseRows::ByUser(train);
  const size_t n = static_cast<size_t>(n_items_);
  std::vector<float> co(n * n, 0.0f);  // co-occurrence counts (n^2: MovieLens-sized catalogues)
  std::vector<float> degree(n, 0.0f);
  for (int32_t u = 0; u < by_user_.rows(); ++u) {
    const auto items = by_user_.cols(u);
    for (const int32_t a : items) {
      degree[a] += 1.0f;
      float* row = &co[static_cast<size_t>(a) * n];
      for (const int32_t b : items) row[b] += 1.0f;
    }
  }
  neighbours_.assign(n, {});
  std::vector<std::pair<int32_t, float>> cand;
  for (size_t j = 0; j < n; ++j) {
    cand.clear();
    const float* row = &co[j * n];
    for (size_t i = 0; i < n; ++i) {
      if (i == j || row[i] <= 0) continue;
      const float sim = row[i] / (std::sqrt(degree[i] * degree[j]) + options_.shrinkage);
      cand.emplace_back(static_cast<int32_t>(i), sim);
    }
    const size_t keep = std::min(cand.size(), static_cast<size_t>(options_.neighbours));
    std::partial_sort(cand.begin(), cand.begin() + keep, cand.end(),
                      [](const auto& a, const auto& b) {
                        return a.second != b.second ? a.second > b.second : a.first < b.first;
                      });
    neighbours_[j].assign(cand.begin(), cand.begin() + keep);
  }
  return Status::Ok();
}

void ItemKnnModel::ScoreAll(int32_t user, std::span<float> out) const {
  std::fill(out.begin(), out.end(), 0.0f);
  for (const int32_t j : by_user_.cols(user)) {
    for (const auto& [i, sim] : neighbours_[j]) out[i] += sim;
  }
}

float ItemKnnModel::Predict(int32_t user, int32_t item) const {
  float score = 0;
  for (const int32_t j : by_user_.cols(user)) {
    for (const auto& [i, sim] : neighbours_[j]) {
      if (i == item) score += sim;
    }
  }
  return score;
}

}  // namespace strato::recsys
