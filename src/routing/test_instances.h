// Small random instances and brute-force references for the routing tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "segment.h"
#include "strato/routing/problem.h"
#include "strato/routing/solution.h"

namespace strato::routing::testing {

// n_customers random customers on a 100 x 100 square; with `windows`, time
// windows wide enough that every customer can be served alone.
inline Problem RandomProblem(int n_customers, uint64_t seed, bool windows, double capacity = 10,
                             int max_vehicles = 0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> coord(0, 100);
  std::uniform_int_distribution<int> q(1, 5);
  Problem p;
  p.capacity = capacity;
  p.max_vehicles = max_vehicles;
  for (int i = 0; i <= n_customers; ++i) {
    p.x.push_back(coord(rng));
    p.y.push_back(coord(rng));
    p.demand.push_back(i == 0 ? 0 : q(rng));
  }
  if (windows) {
    p.service.assign(n_customers + 1, 5);
    p.service[0] = 0;
    for (int i = 0; i <= n_customers; ++i) {
      if (i == 0) {
        p.ready.push_back(0);
        p.due.push_back(1000);
        continue;
      }
      const double center = std::uniform_real_distribution<double>(150, 500)(rng);
      p.ready.push_back(center - 40);
      p.due.push_back(center + 40);
    }
  }
  if (!Finalize(&p).ok()) std::abort();
  return p;
}

// Cost of one route under penalties, simulated node by node (the reference
// the O(1) evaluations are checked against).
inline double RouteCost(const Problem& p, const internal::Penalties& w,
                        const std::vector<int>& route) {
  if (route.empty()) return 0;
  double dist = 0, load = 0, warp = 0;
  double t = p.has_time_windows() ? p.ready[0] : 0;
  int prev = 0;
  auto visit = [&](int node) {
    dist += p.dist(prev, node);
    t += p.time(prev, node);
    if (p.has_time_windows()) {
      t = std::max(t, p.ready[node]);
      if (t > p.due[node]) {
        warp += t - p.due[node];
        t = p.due[node];
      }
    }
    t += p.service_time(node);
    prev = node;
  };
  for (int c : route) {
    visit(c);
    load += p.demand[c];
  }
  visit(0);
  return dist + w.load * std::max(load - p.capacity, 0.0) + w.time_warp * warp;
}

inline double SolutionCost(const Problem& p, const internal::Penalties& w,
                           const std::vector<std::vector<int>>& routes) {
  double c = 0;
  for (const auto& r : routes) c += RouteCost(p, w, r);
  return c;
}

// Exact optimum by enumeration of every order and every way to cut it.
inline double BruteForceOptimum(const Problem& p) {
  std::vector<int> perm(p.num_customers());
  std::iota(perm.begin(), perm.end(), 1);
  const int n = static_cast<int>(perm.size());
  double best = std::numeric_limits<double>::infinity();
  do {
    for (unsigned cuts = 0; cuts < (1u << (n - 1)); ++cuts) {
      Solution s;
      s.routes.emplace_back();
      for (int i = 0; i < n; ++i) {
        if (i > 0 && (cuts >> (i - 1) & 1u)) s.routes.emplace_back();
        s.routes.back().push_back(perm[i]);
      }
      auto check = CheckSolution(p, s);
      if (check.ok()) best = std::min(best, check->cost);
    }
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

}  // namespace strato::routing::testing
