// The local search against brute force: its result must be a local optimum
// of every relocate / swap / 2-opt / 2-opt* move (enumerated naively over all
// customer pairs), its bookkeeping must agree with a node-by-node
// simulation, and a full solve must reach the enumerated optimum.
#include <gtest/gtest.h>

#include "local_search.h"
#include "strato/routing/solver.h"
#include "test_instances.h"

namespace strato::routing {
namespace {

using internal::Individual;
using internal::Penalties;

std::vector<std::vector<int>> AllNeighbours(const Problem& p) {
  std::vector<std::vector<int>> nb(p.num_nodes());
  for (int i = 1; i < p.num_nodes(); ++i) {
    for (int j = 1; j < p.num_nodes(); ++j) {
      if (i != j) nb[i].push_back(j);
    }
  }
  return nb;
}

// Best cost reachable from `routes` by one move of the families the local
// search implements, found by enumerating them on copies.
double BestOneMove(const Problem& p, const Penalties& w, std::vector<std::vector<int>> routes) {
  double best = testing::SolutionCost(p, w, routes);
  routes.emplace_back();  // an empty route to move into
  const int R = static_cast<int>(routes.size());
  auto consider = [&](const std::vector<std::vector<int>>& rs) {
    best = std::min(best, testing::SolutionCost(p, w, rs));
  };
  for (int r1 = 0; r1 < R; ++r1) {
    for (int i = 0; i < static_cast<int>(routes[r1].size()); ++i) {
      // Relocate one or two consecutive customers (possibly reversed) anywhere.
      for (int len = 1; len <= 2 && i + len <= static_cast<int>(routes[r1].size()); ++len) {
        for (bool rev : {false, true}) {
          if (len == 1 && rev) continue;
          auto base = routes;
          std::vector<int> block(base[r1].begin() + i, base[r1].begin() + i + len);
          if (rev) std::reverse(block.begin(), block.end());
          base[r1].erase(base[r1].begin() + i, base[r1].begin() + i + len);
          for (int r2 = 0; r2 < R; ++r2) {
            for (size_t pos = 0; pos <= base[r2].size(); ++pos) {
              auto rs = base;
              rs[r2].insert(rs[r2].begin() + pos, block.begin(), block.end());
              consider(rs);
            }
          }
        }
      }
      // Swap with any other customer.
      for (int r2 = 0; r2 < R; ++r2) {
        for (int j = 0; j < static_cast<int>(routes[r2].size()); ++j) {
          auto rs = routes;
          std::swap(rs[r1][i], rs[r2][j]);
          consider(rs);
        }
      }
      // 2-opt within the route.
      for (int j = i + 1; j < static_cast<int>(routes[r1].size()); ++j) {
        auto rs = routes;
        std::reverse(rs[r1].begin() + i, rs[r1].begin() + j + 1);
        consider(rs);
      }
    }
    // 2-opt*: exchange tails.
    for (int r2 = r1 + 1; r2 < R; ++r2) {
      for (size_t a = 0; a <= routes[r1].size(); ++a) {
        for (size_t b = 0; b <= routes[r2].size(); ++b) {
          auto rs = routes;
          std::vector<int> t1(rs[r1].begin() + a, rs[r1].end());
          std::vector<int> t2(rs[r2].begin() + b, rs[r2].end());
          rs[r1].resize(a);
          rs[r2].resize(b);
          rs[r1].insert(rs[r1].end(), t2.begin(), t2.end());
          rs[r2].insert(rs[r2].end(), t1.begin(), t1.end());
          consider(rs);
        }
      }
    }
  }
  return best;
}

TEST(LocalSearch, ResultIsALocalOptimumOfEveryMove) {
  int checked = 0;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    const bool windows = seed % 2 == 0;
    const Problem p = testing::RandomProblem(8, seed, windows, /*capacity=*/10);
    internal::LocalSearch ls(p, AllNeighbours(p), /*slots=*/9);
    std::mt19937_64 rng(seed);
    Individual ind;
    std::vector<int> tour(8);
    std::iota(tour.begin(), tour.end(), 1);
    std::shuffle(tour.begin(), tour.end(), rng);
    for (int c : tour) ind.routes.push_back({c});  // one route per customer
    const Penalties w{4.0, 3.0};
    const double before = testing::SolutionCost(p, w, ind.routes);
    ls.Run(w, rng, &ind);
    const double after = testing::SolutionCost(p, w, ind.routes);
    EXPECT_LE(after, before + 1e-9);
    // Every customer still visited once.
    std::vector<int> seen(p.num_nodes(), 0);
    for (const auto& r : ind.routes) {
      for (int c : r) ++seen[c];
    }
    for (int c = 1; c < p.num_nodes(); ++c) ASSERT_EQ(seen[c], 1) << "customer " << c;
    EXPECT_NEAR(BestOneMove(p, w, ind.routes), after, 1e-6)
        << "seed " << seed << (windows ? " (time windows)" : "");
    internal::Evaluate(p, w, &ind);
    EXPECT_NEAR(ind.penalised, after, 1e-6);
    ++checked;
  }
  EXPECT_EQ(checked, 30);
}

TEST(LocalSearch, SolveFindsTheEnumeratedOptimum) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const bool windows = seed % 2 == 0;
    const Problem p = testing::RandomProblem(7, seed, windows, /*capacity=*/9);
    const double optimum = testing::BruteForceOptimum(p);
    SolverOptions options;
    options.seed = seed;
    options.time_limit_s = 0;
    options.max_iterations = 300;
    auto result = Solve(p, options);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    ASSERT_TRUE(result->feasible);
    EXPECT_NEAR(result->cost, optimum, 1e-6) << "seed " << seed;
  }
}

}  // namespace
}  // namespace strato::routing
