// HGS population management (Vidal 2022, section 3.2): a feasible and an
// infeasible subpopulation, each grown to mu + lambda and then trimmed back
// to mu by removing clones and the individuals of worst biased fitness, which
// ranks an individual by cost and by its distance to its closest neighbours.
#pragma once

#include <memory>
#include <random>
#include <vector>

#include "individual.h"
#include "strato/routing/solver.h"

namespace strato::routing::internal {

class Population {
 public:
  Population(const Problem& p, const SolverOptions& options) : p_(p), options_(options) {}

  void Add(const Individual& ind, const Penalties& w);
  // Binary tournament on biased fitness over both subpopulations.
  // REQUIRES: size() > 0.
  const Individual& SelectParent(std::mt19937_64& rng);
  // Penalised costs of infeasible members depend on the current weights.
  void Reprice(const Penalties& w);
  void Clear();
  size_t size() const { return feasible_.size() + infeasible_.size(); }

 private:
  using Group = std::vector<std::unique_ptr<Individual>>;
  void UpdateBiasedFitness(Group& g);
  void RemoveWorst(Group& g);

  const Problem& p_;
  const SolverOptions& options_;
  Group feasible_, infeasible_;
};

}  // namespace strato::routing::internal
