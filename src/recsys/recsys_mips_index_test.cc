#include <gtest/gtest.h>

#include <random>

#include "strato/recsys/mips_index.h"

namespace strato::recsys {
namespace {

TEST(RecsysMips, ExactAndHnswAgreeOnASmallCatalogue) {
  constexpr int32_t n = 2000, f = 8;
  std::mt19937_64 rng(1);
  std::normal_distribution<float> normal(0, 1);
  std::lognormal_distribution<float> scale(0, 0.5);
  std::vector<float> y(static_cast<size_t>(n) * f);
  for (int32_t i = 0; i < n; ++i) {
    const float s = scale(rng);  // varied norms: MIPS differs from cosine
    for (int32_t d = 0; d < f; ++d) y[i * f + d] = s * normal(rng);
  }
  ExactMipsIndex exact(y, f);
  HnswOptions o;
  o.threads = 1;  // one builder thread: the graph, hence the recall, is deterministic
  HnswMipsIndex hnsw(y, f, o);
  hnsw.SetEf(400);
  int found = 0, total = 0;
  for (int q = 0; q < 50; ++q) {
    std::vector<float> query(f);
    for (float& v : query) v = normal(rng);
    const auto a = exact.Search(query, 10);
    const auto b = hnsw.Search(query, 10);
    ASSERT_EQ(a.size(), 10u);
    ASSERT_EQ(b.size(), 10u);
    for (size_t i = 1; i < a.size(); ++i) EXPECT_GE(a[i - 1].score, a[i].score);
    // The exact answer's best is the brute-force maximum.
    float best = -1e30f;
    for (int32_t i = 0; i < n; ++i) {
      float s = 0;
      for (int32_t d = 0; d < f; ++d) s += y[i * f + d] * query[d];
      best = std::max(best, s);
    }
    EXPECT_NEAR(a[0].score, best, 1e-4);
    for (const auto& x : b) {
      for (const auto& e : a) found += (x.item == e.item) ? 1 : 0;
    }
    total += 10;
  }
  EXPECT_GE(static_cast<double>(found) / total, 0.95);
}

}  // namespace
}  // namespace strato::recsys
