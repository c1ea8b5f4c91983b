#include "split.h"

#include <limits>

namespace strato::routing::internal {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Calls visit(i, j, cost) for each route tour[i..j-1] that may be formed, in
// increasing j for each i. Routes stop growing past `load_cap`.
template <typename Visit>
void ForEachRoute(const Problem& p, const Penalties& w, const std::vector<int>& tour, int i,
                  double load_cap, Visit&& visit) {
  const bool tw = p.has_time_windows();
  const Segment depot = NodeSegment(p, 0);
  Segment s = depot;
  for (size_t j = i; j < tour.size(); ++j) {
    s = Join(p, tw, s, NodeSegment(p, tour[j]));
    if (s.load > load_cap && static_cast<int>(j) > i) break;
    const Segment closed = Join(p, tw, s, depot);
    visit(static_cast<int>(j) + 1, PenalisedCost(p, w, closed));
  }
}

std::vector<std::vector<int>> Routes(const std::vector<int>& tour,
                                     const std::vector<int>& cut_before, int end) {
  std::vector<std::vector<int>> routes;
  for (int j = end; j > 0; j = cut_before[j]) {
    routes.emplace_back(tour.begin() + cut_before[j], tour.begin() + j);
  }
  return {routes.rbegin(), routes.rend()};
}

}  // namespace

std::vector<std::vector<int>> Split(const Problem& p, const Penalties& w,
                                    const std::vector<int>& tour, int max_routes) {
  const int n = static_cast<int>(tour.size());
  const double cap = 1.5 * p.capacity;
  // Unlimited fleet: shortest path over the DAG of routes.
  std::vector<double> best(n + 1, kInf);
  std::vector<int> from(n + 1, 0);
  best[0] = 0;
  for (int i = 0; i < n; ++i) {
    if (best[i] == kInf) continue;
    ForEachRoute(p, w, tour, i, cap, [&](int j, double cost) {
      if (best[i] + cost < best[j]) {
        best[j] = best[i] + cost;
        from[j] = i;
      }
    });
  }
  auto routes = Routes(tour, from, n);
  if (max_routes <= 0 || static_cast<int>(routes.size()) <= max_routes) return routes;

  // Limited fleet: the same with a route counter, first with the load cap,
  // then (if that cannot cover the tour) without it.
  for (double load_cap : {cap, kInf}) {
    std::vector<std::vector<double>> cost(max_routes + 1, std::vector<double>(n + 1, kInf));
    std::vector<std::vector<int>> cut(max_routes + 1, std::vector<int>(n + 1, 0));
    cost[0][0] = 0;
    for (int k = 0; k < max_routes; ++k) {
      for (int i = k; i < n; ++i) {
        if (cost[k][i] == kInf) continue;
        ForEachRoute(p, w, tour, i, load_cap, [&](int j, double c) {
          if (cost[k][i] + c < cost[k + 1][j]) {
            cost[k + 1][j] = cost[k][i] + c;
            cut[k + 1][j] = i;
          }
        });
      }
    }
    int best_k = -1;
    for (int k = 1; k <= max_routes; ++k) {
      if (cost[k][n] < kInf && (best_k < 0 || cost[k][n] < cost[best_k][n])) best_k = k;
    }
    if (best_k < 0) continue;
    std::vector<std::vector<int>> out;
    for (int k = best_k, j = n; k > 0; --k) {
      const int i = cut[k][j];
      out.emplace_back(tour.begin() + i, tour.begin() + j);
      j = i;
    }
    return {out.rbegin(), out.rend()};
  }
  return routes;  // unreachable: without a cap one route holds everything
}

}  // namespace strato::routing::internal
