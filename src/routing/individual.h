// A member of the HGS population: a giant tour, its routes and its costs.
#pragma once

#include <utility>
#include <vector>

#include "segment.h"
#include "strato/routing/problem.h"

namespace strato::routing::internal {

struct Individual {
  std::vector<int> tour;                 // all customers, the giant tour
  std::vector<std::vector<int>> routes;  // may contain empty routes
  double distance = 0;
  double excess_load = 0;
  double time_warp = 0;
  double penalised = 0;
  int vehicles = 0;
  bool feasible = false;
  std::vector<int> successor, predecessor;  // per node; 0 = depot
  double biased_fitness = 0;
  // (broken-pairs distance, other) for the members of the same subpopulation,
  // sorted by distance.
  std::vector<std::pair<double, Individual*>> proximity;
};

// Recomputes costs, successors and (when `rebuild_tour`) the giant tour from
// `routes`. Routes are reordered by the polar angle of their barycentre when
// coordinates are known, so that the giant tour keeps neighbouring routes
// together for the crossover.
void Evaluate(const Problem& p, const Penalties& w, Individual* ind);

// Penalised cost under other penalty weights (the stored costs stay).
double PenalisedUnder(const Problem& p, const Penalties& w, const Individual& ind);

// Broken-pairs distance in [0, 1] (Prins 2009; Vidal 2022, eq. 4).
double BrokenPairsDistance(const Individual& a, const Individual& b);

}  // namespace strato::routing::internal
