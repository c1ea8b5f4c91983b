// The JSON form of a routing problem and of its solution, as the `routing`
// backend and `strato route solve FILE.json` take and give them.
//
// Problem (only "capacity" and "customers" are required; nodes are the depot
// then the customers in order, so customer k of the list is node k):
//   {
//     "name": "monday",
//     "capacity": 100,
//     "vehicles": 5,                          // fleet limit, 0 or absent = unlimited
//     "depot": {"x": 0, "y": 0, "ready": 0, "due": 480},
//     "customers": [
//       {"id": "shop-7", "x": 3, "y": 4, "demand": 10, "service": 5, "ready": 60, "due": 120},
//       ...
//     ],
//     "distance": [[...], ...],               // optional full matrix, (n+1) x (n+1)
//     "duration": [[...], ...],               // optional travel times (default: distance)
//     "rounding": "none",                     // or "nearest", "truncate1" (coordinates only)
//     "time_limit_s": 2, "max_iterations": 0, "seed": 1, "threads": 1
//   }
// Time windows are on when any node has "ready" or "due"; a missing ready is
// 0 and a missing due is the depot's due (or unbounded).
//
// Solution: {"feasible", "cost", "vehicles", "routes": [{"vehicle", "stops":
// [ids], "customers": [node numbers], "distance", "load", "start", "end",
// "arrivals"}], "iterations", "seconds", "history": [[seconds, cost], ...]}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"
#include "strato/routing/problem.h"
#include "strato/routing/solution.h"
#include "strato/routing/solver.h"

namespace strato::routing {

struct JsonProblem {
  Problem problem;               // finalized
  SolverOptions options;         // time limit, iterations, seed, threads from the JSON
  std::vector<std::string> ids;  // per node; "depot" for node 0
};

// Parses and finalizes. Errors are INVALID_ARGUMENT naming the field, e.g.
// "customers[3].demand: must be a number".
StatusOr<JsonProblem> ParseProblemJson(std::string_view json);

// The solution as JSON (see above). `report` comes from CheckSolution.
std::string SolutionToJson(const JsonProblem& in, const SolveResult& result,
                           const CheckReport* report);

}  // namespace strato::routing
