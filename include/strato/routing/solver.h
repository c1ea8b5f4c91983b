// Hybrid genetic search (HGS) for the CVRP and the VRPTW.
//
// Follows T. Vidal, "Hybrid genetic search for the CVRP: Open-source
// implementation and SWAP* neighborhood" (C&OR 2022) and, for time windows,
// Vidal, Crainic, Gendreau, Prins, "A hybrid genetic algorithm with adaptive
// diversity management for a large class of vehicle routing problems with
// time-windows" (C&OR 2013): giant tours split into routes, order crossover,
// granular local search (relocate, swap, 2-opt, 2-opt*, SWAP*), infeasible
// solutions kept with adaptive penalties, and a population ranked by cost and
// diversity. Time windows are evaluated in O(1) by concatenating the
// (duration, time warp, earliest, latest) data of route segments.
//
// Anytime: `on_improvement` sees every new best solution; `cancel` stops the
// search, which then returns the best solution found so far.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "strato/core/status.h"
#include "strato/routing/problem.h"
#include "strato/routing/solution.h"

namespace strato::routing {

struct Improvement {
  double seconds = 0;  // since the start of the solve
  double cost = 0;     // total distance of the new best feasible solution
  int vehicles = 0;
  int64_t iteration = 0;
};

struct SolverOptions {
  uint64_t seed = 1;
  double time_limit_s = 10;    // <= 0: no time limit (then set max_iterations)
  int64_t max_iterations = 0;  // genetic iterations per search; 0 = unlimited
  int threads = 1;             // independent searches with seeds seed, seed+1, ...
  // Measure time_limit_s (and Improvement::seconds) in CPU time of each
  // search thread instead of wall time: for benchmarks on a busy machine.
  bool cpu_time = false;
  // Called (serialised, from a solver thread) with each new best solution.
  std::function<void(const Improvement&, const Solution&)> on_improvement;
  const std::atomic<bool>* cancel = nullptr;
  // Polled between iterations (e.g. "was the request cancelled?"); true stops.
  std::function<bool()> stop_requested;

  // HGS parameters (Vidal 2022, table 1).
  int population_min = 25;   // mu
  int generation_size = 40;  // lambda
  int elite = 4;
  int closest = 5;    // neighbours for the diversity contribution
  int granular = 20;  // neighbours per customer in the local search
  double target_feasible = 0.2;
  int iterations_without_improvement = 20000;  // then restart the population
};

struct SolveResult {
  Solution best;
  bool feasible = false;
  double cost = 0;  // total distance of `best`
  int vehicles = 0;
  int64_t iterations = 0;
  int64_t move_evaluations = 0;  // local-search moves evaluated, all threads
  double seconds = 0;
  bool cancelled = false;
  std::vector<Improvement> history;  // each improvement of the best
};

// Runs the search. Fails with INVALID_ARGUMENT for a problem that was not
// finalized or options that make no sense. A returned feasible solution has
// passed CheckSolution().
StatusOr<SolveResult> Solve(const Problem& problem, const SolverOptions& options);

}  // namespace strato::routing
