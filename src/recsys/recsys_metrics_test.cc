#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "strato/recsys/metrics.h"

namespace strato::recsys {
namespace {

TEST(RecsysMetrics, RmseAndMaeByHand) {
  const std::vector<float> predicted = {3.0f, 4.0f, 2.0f};
  const std::vector<float> actual = {4.0f, 4.0f, 4.0f};
  // errors -1, 0, -2: squares 1, 0, 4 -> sqrt(5/3); absolute 1, 0, 2 -> 1.
  EXPECT_NEAR(Rmse(predicted, actual), std::sqrt(5.0 / 3.0), 1e-12);
  EXPECT_NEAR(Mae(predicted, actual), 1.0, 1e-12);
}

TEST(RecsysMetrics, RankingByHand) {
  RankingAccumulator acc(/*n_items=*/10, /*k=*/3);
  // User A: ranked 5, 1, 7; relevant {1, 7}. Hits at ranks 2 and 3.
  //   DCG = 1/log2(3) + 1/log2(4) = 0.63093 + 0.5; IDCG = 1 + 0.63093.
  //   AP = (1/2 + 2/3) / min(2, 3) = 0.58333.
  acc.Add(std::vector<int32_t>{5, 1, 7}, std::vector<int32_t>{1, 7});
  // User B: ranked 2, 3, 4; relevant {9}: no hit.
  acc.Add(std::vector<int32_t>{2, 3, 4}, std::vector<int32_t>{9});
  // User C: no relevant items, skipped entirely (its list does not count).
  acc.Add(std::vector<int32_t>{8, 0, 6}, std::vector<int32_t>{});
  const RankingMetrics m = acc.Result();
  EXPECT_EQ(m.users, 2);
  EXPECT_NEAR(m.hit_rate, 0.5, 1e-12);
  const double ndcg_a = (1 / std::log2(3.0) + 0.5) / (1 + 1 / std::log2(3.0));
  EXPECT_NEAR(m.ndcg, ndcg_a / 2, 1e-12);
  EXPECT_NEAR(m.map, (0.5 + 2.0 / 3.0) / 2 / 2, 1e-12);
  // Items 5, 1, 7, 2, 3, 4 of 10 were recommended.
  EXPECT_NEAR(m.coverage, 0.6, 1e-12);
}

TEST(RecsysMetrics, OnlyTheFirstKCount) {
  RankingAccumulator acc(5, 2);
  acc.Add(std::vector<int32_t>{0, 1, 2}, std::vector<int32_t>{2});
  EXPECT_EQ(acc.Result().hit_rate, 0.0);
  EXPECT_NEAR(acc.Result().coverage, 0.4, 1e-12);
}

}  // namespace
}  // namespace strato::recsys
