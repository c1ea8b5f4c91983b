// CheckSolution: an independent simulation of every route (see solution.h).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "strato/routing/solution.h"

namespace strato::routing {
namespace {

constexpr double kEps = 1e-6;

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

StatusOr<CheckReport> CheckSolution(const Problem& problem, const Solution& solution) {
  const int n = problem.num_nodes();
  if (n < 2 || problem.distance.size() != static_cast<size_t>(n) * n) {
    return InvalidArgumentError("problem: not finalized");
  }
  std::vector<int> visits(n, 0);
  CheckReport report;
  for (size_t r = 0; r < solution.routes.size(); ++r) {
    const auto& route = solution.routes[r];
    if (route.empty()) continue;
    const std::string where = "route " + std::to_string(r + 1);
    RouteReport rr;
    int prev = 0;
    double t = problem.has_time_windows() ? problem.ready[0] : 0.0;
    rr.start = t;
    for (int c : route) {
      if (c <= 0 || c >= n) {
        return InvalidArgumentError(where + ": node " + std::to_string(c) +
                                    " is not a customer (1.." + std::to_string(n - 1) + ")");
      }
      if (++visits[c] > 1) {
        return InvalidArgumentError("customer " + std::to_string(c) + " is visited more than once");
      }
      rr.distance += problem.dist(prev, c);
      rr.load += problem.demand[c];
      t += problem.time(prev, c);
      if (problem.has_time_windows()) {
        t = std::max(t, problem.ready[c]);
        if (t > problem.due[c] + kEps) {
          return InvalidArgumentError(where + ": service at customer " + std::to_string(c) +
                                      " starts at " + Num(t) + ", after its due time " +
                                      Num(problem.due[c]));
        }
      }
      rr.arrival.push_back(t);
      t += problem.service_time(c);
      prev = c;
    }
    rr.distance += problem.dist(prev, 0);
    t += problem.time(prev, 0);
    rr.end = t;
    if (problem.has_time_windows() && t > problem.due[0] + kEps) {
      return InvalidArgumentError(where + ": returns to the depot at " + Num(t) +
                                  ", after it closes at " + Num(problem.due[0]));
    }
    if (rr.load > problem.capacity + kEps) {
      return InvalidArgumentError(where + ": load " + Num(rr.load) + " exceeds the capacity " +
                                  Num(problem.capacity));
    }
    report.cost += rr.distance;
    report.routes.push_back(std::move(rr));
  }
  for (int c = 1; c < n; ++c) {
    if (visits[c] == 0) {
      return InvalidArgumentError("customer " + std::to_string(c) + " is not visited");
    }
  }
  report.vehicles = static_cast<int>(report.routes.size());
  if (problem.max_vehicles > 0 && report.vehicles > problem.max_vehicles) {
    return InvalidArgumentError("the solution uses " + std::to_string(report.vehicles) +
                                " vehicles, more than the fleet of " +
                                std::to_string(problem.max_vehicles));
  }
  return report;
}

}  // namespace strato::routing
