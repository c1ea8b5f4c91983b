// A routing solution and its independent checker.
//
// The checker shares no code with the solver: it simulates each route from
// the depot with the problem's matrices, so a bug in the solver's incremental
// bookkeeping cannot hide an infeasible answer.
#pragma once

#include <string>
#include <vector>

#include "strato/core/status.h"
#include "strato/routing/problem.h"

namespace strato::routing {

// Each route lists customer indices (1..n-1) in visiting order; the depot is
// implicit at both ends.
struct Solution {
  std::vector<std::vector<int>> routes;
};

struct RouteReport {
  double distance = 0;
  double load = 0;
  double start = 0;             // departure from the depot
  double end = 0;               // arrival back at the depot
  std::vector<double> arrival;  // service start at each customer
};

struct CheckReport {
  double cost = 0;                  // total distance
  int vehicles = 0;                 // non-empty routes
  std::vector<RouteReport> routes;  // one per non-empty route, in order
};

// Checks that every customer is visited exactly once, every route is within
// capacity, every service starts within its time window and every vehicle is
// back before the depot closes, and that the fleet limit holds. Returns the
// cost and the schedule, or INVALID_ARGUMENT naming the first violation.
StatusOr<CheckReport> CheckSolution(const Problem& problem, const Solution& solution);

}  // namespace strato::routing
