#include "population.h"

#include <algorithm>
#include <numeric>

namespace strato::routing::internal {
namespace {

void InsertSorted(Individual* ind, double d, Individual* other) {
  auto& prox = ind->proximity;
  const std::pair<double, Individual*> entry{d, other};
  prox.insert(std::upper_bound(prox.begin(), prox.end(), entry,
                               [](const auto& a, const auto& b) { return a.first < b.first; }),
              entry);
}

double AverageClosest(const Individual& ind, int k) {
  const int count = std::min<int>(k, static_cast<int>(ind.proximity.size()));
  if (count == 0) return 0;
  double sum = 0;
  for (int i = 0; i < count; ++i) sum += ind.proximity[i].first;
  return sum / count;
}

}  // namespace

void Population::Add(const Individual& ind, const Penalties& w) {
  Group& g = ind.feasible ? feasible_ : infeasible_;
  auto copy = std::make_unique<Individual>(ind);
  copy->proximity.clear();
  copy->penalised = PenalisedUnder(p_, w, *copy);
  for (auto& other : g) {
    const double d = BrokenPairsDistance(*copy, *other);
    InsertSorted(other.get(), d, copy.get());
    InsertSorted(copy.get(), d, other.get());
  }
  g.push_back(std::move(copy));
  const size_t limit = static_cast<size_t>(options_.population_min + options_.generation_size);
  if (g.size() > limit) {
    while (g.size() > static_cast<size_t>(options_.population_min)) RemoveWorst(g);
  }
}

void Population::UpdateBiasedFitness(Group& g) {
  const size_t n = g.size();
  if (n == 0) return;
  if (n == 1) {
    g[0]->biased_fitness = 0;
    return;
  }
  std::vector<size_t> by_cost(n), by_diversity(n);
  std::iota(by_cost.begin(), by_cost.end(), 0);
  std::stable_sort(by_cost.begin(), by_cost.end(),
                   [&](size_t a, size_t b) { return g[a]->penalised < g[b]->penalised; });
  std::vector<double> diversity(n);
  for (size_t i = 0; i < n; ++i) diversity[i] = AverageClosest(*g[i], options_.closest);
  std::iota(by_diversity.begin(), by_diversity.end(), 0);
  std::stable_sort(by_diversity.begin(), by_diversity.end(),
                   [&](size_t a, size_t b) { return diversity[a] > diversity[b]; });
  std::vector<double> div_rank(n);
  for (size_t r = 0; r < n; ++r) div_rank[by_diversity[r]] = static_cast<double>(r) / (n - 1);
  const double elite_weight =
      std::max(0.0, 1.0 - static_cast<double>(options_.elite) / static_cast<double>(n));
  for (size_t r = 0; r < n; ++r) {
    const size_t i = by_cost[r];
    const double fit_rank = static_cast<double>(r) / (n - 1);
    g[i]->biased_fitness = fit_rank + elite_weight * div_rank[i];
  }
}

void Population::RemoveWorst(Group& g) {
  UpdateBiasedFitness(g);
  size_t worst = 0;
  bool worst_clone = false;
  double worst_fitness = -1;
  size_t best_cost = 0;
  for (size_t i = 1; i < g.size(); ++i) {
    if (g[i]->penalised < g[best_cost]->penalised) best_cost = i;
  }
  for (size_t i = 0; i < g.size(); ++i) {
    if (i == best_cost) continue;
    const bool clone = !g[i]->proximity.empty() && g[i]->proximity[0].first < 1e-9;
    if ((clone && !worst_clone) || (clone == worst_clone && g[i]->biased_fitness > worst_fitness)) {
      worst = i;
      worst_clone = clone;
      worst_fitness = g[i]->biased_fitness;
    }
  }
  Individual* gone = g[worst].get();
  for (auto& other : g) {
    auto& prox = other->proximity;
    prox.erase(std::remove_if(prox.begin(), prox.end(),
                              [gone](const auto& e) { return e.second == gone; }),
               prox.end());
  }
  g.erase(g.begin() + static_cast<long>(worst));
}

const Individual& Population::SelectParent(std::mt19937_64& rng) {
  UpdateBiasedFitness(feasible_);
  UpdateBiasedFitness(infeasible_);
  std::uniform_int_distribution<size_t> pick(0, size() - 1);
  auto at = [&](size_t i) -> const Individual& {
    return i < feasible_.size() ? *feasible_[i] : *infeasible_[i - feasible_.size()];
  };
  const Individual& a = at(pick(rng));
  const Individual& b = at(pick(rng));
  return a.biased_fitness < b.biased_fitness ? a : b;
}

void Population::Reprice(const Penalties& w) {
  for (auto& ind : infeasible_) ind->penalised = PenalisedUnder(p_, w, *ind);
}

void Population::Clear() {
  feasible_.clear();
  infeasible_.clear();
}

}  // namespace strato::routing::internal
