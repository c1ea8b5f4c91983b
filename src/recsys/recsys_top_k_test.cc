#include <gtest/gtest.h>

#include <vector>

#include "strato/recsys/top_k.h"

namespace strato::recsys {
namespace {

std::vector<int32_t> Items(const std::vector<ScoredItem>& v) {
  std::vector<int32_t> out;
  for (const auto& s : v) out.push_back(s.item);
  return out;
}

TEST(RecsysTopK, BestFirstTiesToLowerIndex) {
  const std::vector<float> scores = {0.5f, 2.0f, 1.0f, 2.0f, -1.0f};
  EXPECT_EQ(Items(TopK(scores, 3)), (std::vector<int32_t>{1, 3, 2}));
  EXPECT_EQ(TopK(scores, 3)[0].score, 2.0f);
}

TEST(RecsysTopK, ExclusionsAndFiltersHonoured) {
  const std::vector<float> scores = {5, 4, 3, 2, 1};
  std::vector<bool> excluded = {true, false, true, false, false};
  EXPECT_EQ(Items(TopKExcluding(scores, 2, excluded)), (std::vector<int32_t>{1, 3}));
  EXPECT_EQ(Items(TopK(scores, 10, [](int32_t i) { return i % 2 == 0; })),
            (std::vector<int32_t>{0, 2, 4}));
}

TEST(RecsysTopK, DegenerateK) {
  const std::vector<float> scores = {1, 2};
  EXPECT_TRUE(TopK(scores, 0).empty());
  EXPECT_TRUE(TopK(scores, -3).empty());
  EXPECT_EQ(TopK(scores, 5).size(), 2u);
}

}  // namespace
}  // namespace strato::recsys
