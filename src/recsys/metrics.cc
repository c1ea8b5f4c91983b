#include "strato/recsys/metrics.h"

#include <algorithm>
#include <cmath>

namespace strato::recsys {

double Rmse(std::span<const float> predicted, std::span<const float> actual) {
  if (predicted.empty() || predicted.size() != actual.size()) return 0;
  double sum = 0;
  for (size_t i = 0; i < predicted.size(); ++i) {
    const double d = static_cast<double>(predicted[i]) - actual[i];
    sum += d * d;
  }
  return std::sqrt(sum / static_cast<double>(predicted.size()));
}

double Mae(std::span<const float> predicted, std::span<const float> actual) {
  if (predicted.empty() || predicted.size() != actual.size()) return 0;
  double sum = 0;
  for (size_t i = 0; i < predicted.size(); ++i)
    sum += std::fabs(static_cast<double>(predicted[i]) - actual[i]);
  return sum / static_cast<double>(predicted.size());
}

RankingAccumulator::RankingAccumulator(int32_t n_items, int32_t k)
    : k_(k), recommended_(static_cast<size_t>(n_items), false) {}

void RankingAccumulator::Add(std::span<const int32_t> ranked, std::span<const int32_t> relevant) {
  if (relevant.empty()) return;
  ++users_;
  const size_t n = std::min(ranked.size(), static_cast<size_t>(k_));
  double dcg = 0, ap = 0;
  int hits = 0;
  for (size_t r = 0; r < n; ++r) {
    const int32_t item = ranked[r];
    if (item >= 0 && static_cast<size_t>(item) < recommended_.size()) recommended_[item] = true;
    if (std::find(relevant.begin(), relevant.end(), item) == relevant.end()) continue;
    ++hits;
    dcg += 1.0 / std::log2(static_cast<double>(r) + 2.0);
    ap += static_cast<double>(hits) / static_cast<double>(r + 1);
  }
  const size_t ideal = std::min(relevant.size(), static_cast<size_t>(k_));
  double idcg = 0;
  for (size_t r = 0; r < ideal; ++r) idcg += 1.0 / std::log2(static_cast<double>(r) + 2.0);
  if (hits > 0) hits_ += 1;
  ndcg_ += dcg / idcg;
  ap_ += ap / static_cast<double>(ideal);
}

RankingMetrics RankingAccumulator::Result() const {
  RankingMetrics m;
  m.users = users_;
  if (users_ > 0) {
    m.hit_rate = hits_ / users_;
    m.ndcg = ndcg_ / users_;
    m.map = ap_ / users_;
  }
  if (!recommended_.empty()) {
    m.coverage = static_cast<double>(std::count(recommended_.begin(), recommended_.end(), true)) /
                 static_cast<double>(recommended_.size());
  }
  return m;
}

}  // namespace strato::recsys
