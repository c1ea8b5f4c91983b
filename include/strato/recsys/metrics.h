// Accuracy metrics of recommenders.
//
// Rating prediction: RMSE, MAE. Top-N ranking against a held-out set of
// relevant items per user (binary relevance):
//   HR@k    share of users with at least one relevant item in their top k;
//   NDCG@k  DCG = sum over hits at rank r (1-based) of 1/log2(r+1), divided
//           by the ideal DCG of min(|relevant|, k) hits;
//   MAP@k   mean over users of AP@k = (sum over hits at rank r of
//           precision@r) / min(|relevant|, k);
//   coverage share of catalogue items that appear in some top-k list.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace strato::recsys {

double Rmse(std::span<const float> predicted, std::span<const float> actual);
double Mae(std::span<const float> predicted, std::span<const float> actual);

struct RankingMetrics {
  double hit_rate = 0;
  double ndcg = 0;
  double map = 0;
  double coverage = 0;
  int32_t users = 0;  // users with a non-empty relevant set
};

// Accumulates one user's ranked list at a time.
class RankingAccumulator {
 public:
  RankingAccumulator(int32_t n_items, int32_t k);
  // `ranked`: the recommended item indices, best first (only the first k
  // count); `relevant`: the held-out items. Users without relevant items are
  // skipped.
  void Add(std::span<const int32_t> ranked, std::span<const int32_t> relevant);
  RankingMetrics Result() const;

 private:
  int32_t k_;
  std::vector<bool> recommended_;
  double hits_ = 0, ndcg_ = 0, ap_ = 0;
  int32_t users_ = 0;
};

}  // namespace strato::recsys
