#include "individual.h"

#include <algorithm>
#include <cmath>

namespace strato::routing::internal {

void Evaluate(const Problem& p, const Penalties& w, Individual* ind) {
  const bool tw = p.has_time_windows();
  const int n = p.num_nodes();
  // Order routes by polar angle of their barycentre, empty routes last.
  if (p.has_coordinates()) {
    std::vector<std::pair<double, size_t>> keys;
    for (size_t r = 0; r < ind->routes.size(); ++r) {
      double angle = 1e9;
      if (!ind->routes[r].empty()) {
        double sx = 0, sy = 0;
        for (int c : ind->routes[r]) {
          sx += p.x[c];
          sy += p.y[c];
        }
        const double k = static_cast<double>(ind->routes[r].size());
        angle = std::atan2(sy / k - p.y[0], sx / k - p.x[0]);
      }
      keys.emplace_back(angle, r);
    }
    std::stable_sort(keys.begin(), keys.end());
    std::vector<std::vector<int>> sorted;
    sorted.reserve(keys.size());
    for (const auto& [angle, r] : keys) sorted.push_back(std::move(ind->routes[r]));
    ind->routes = std::move(sorted);
  }
  ind->distance = ind->excess_load = ind->time_warp = 0;
  ind->vehicles = 0;
  ind->successor.assign(n, 0);
  ind->predecessor.assign(n, 0);
  ind->tour.clear();
  const Segment depot = NodeSegment(p, 0);
  for (const auto& route : ind->routes) {
    if (route.empty()) continue;
    ++ind->vehicles;
    Segment s = depot;
    int prev = 0;
    for (int c : route) {
      s = Join(p, tw, s, NodeSegment(p, c));
      ind->predecessor[c] = prev;
      if (prev != 0) ind->successor[prev] = c;
      prev = c;
      ind->tour.push_back(c);
    }
    ind->successor[prev] = 0;
    s = Join(p, tw, s, depot);
    ind->distance += s.distance;
    ind->excess_load += std::max(s.load - p.capacity, 0.0);
    ind->time_warp += s.time_warp;
  }
  ind->penalised = ind->distance + w.load * ind->excess_load + w.time_warp * ind->time_warp;
  ind->feasible = ind->excess_load < 1e-9 && ind->time_warp < 1e-9 &&
                  (p.max_vehicles == 0 || ind->vehicles <= p.max_vehicles);
}

double PenalisedUnder(const Problem&, const Penalties& w, const Individual& ind) {
  return ind.distance + w.load * ind.excess_load + w.time_warp * ind.time_warp;
}

double BrokenPairsDistance(const Individual& a, const Individual& b) {
  int differences = 0;
  const int n = static_cast<int>(a.successor.size());
  for (int j = 1; j < n; ++j) {
    if (a.successor[j] != b.successor[j] && a.successor[j] != b.predecessor[j]) ++differences;
    if (a.predecessor[j] == 0 && b.predecessor[j] != 0 && b.successor[j] != 0) ++differences;
  }
  return static_cast<double>(differences) / std::max(1, n - 1);
}

}  // namespace strato::routing::internal
