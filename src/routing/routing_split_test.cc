// Split against enumeration of every way to cut the giant tour.
#include <gtest/gtest.h>

#include "split.h"
#include "test_instances.h"

namespace strato::routing {
namespace {

using internal::Penalties;

// Best penalised cost over all cut sets with at most max_routes routes
// (0 = any), and loads up to 1.5 Q as Split allows.
double BestCut(const Problem& p, const Penalties& w, const std::vector<int>& tour, int max_routes) {
  const int n = static_cast<int>(tour.size());
  double best = std::numeric_limits<double>::infinity();
  for (unsigned cuts = 0; cuts < (1u << (n - 1)); ++cuts) {
    std::vector<std::vector<int>> routes(1);
    for (int i = 0; i < n; ++i) {
      if (i > 0 && (cuts >> (i - 1) & 1u)) routes.emplace_back();
      routes.back().push_back(tour[i]);
    }
    if (max_routes > 0 && static_cast<int>(routes.size()) > max_routes) continue;
    bool within = true;
    for (const auto& r : routes) {
      double load = 0;
      for (int c : r) load += p.demand[c];
      if (load > 1.5 * p.capacity && r.size() > 1) within = false;
    }
    if (within) best = std::min(best, testing::SolutionCost(p, w, routes));
  }
  return best;
}

TEST(Split, MatchesEnumerationOnTinyInstances) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const bool windows = seed % 2 == 0;
    const Problem p = testing::RandomProblem(7, seed, windows);
    std::vector<int> tour(7);
    std::iota(tour.begin(), tour.end(), 1);
    std::shuffle(tour.begin(), tour.end(), std::mt19937_64(seed));
    const Penalties w{3.0, 2.0};
    const auto routes = internal::Split(p, w, tour, 0);
    // The routes are the tour, cut.
    std::vector<int> flat;
    for (const auto& r : routes) flat.insert(flat.end(), r.begin(), r.end());
    EXPECT_EQ(flat, tour) << "seed " << seed;
    EXPECT_NEAR(testing::SolutionCost(p, w, routes), BestCut(p, w, tour, 0), 1e-6)
        << "seed " << seed;
  }
}

TEST(Split, RespectsFleetLimit) {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    const Problem p = testing::RandomProblem(8, seed, seed % 3 == 0, /*capacity=*/6);
    std::vector<int> tour(8);
    std::iota(tour.begin(), tour.end(), 1);
    std::shuffle(tour.begin(), tour.end(), std::mt19937_64(seed + 100));
    const Penalties w{5.0, 1.0};
    for (int k : {1, 2, 3}) {
      const auto routes = internal::Split(p, w, tour, k);
      ASSERT_LE(static_cast<int>(routes.size()), k);
      const double best = BestCut(p, w, tour, k);
      if (best < std::numeric_limits<double>::infinity()) {
        EXPECT_NEAR(testing::SolutionCost(p, w, routes), best, 1e-6) << seed << " k=" << k;
      }
    }
  }
}

}  // namespace
}  // namespace strato::routing
