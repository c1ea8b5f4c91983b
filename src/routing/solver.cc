// Solve(): the HGS main loop (Vidal 2022, algorithm 1), one independent
// search per thread, sharing only the best solution and the stop signal.
#include "strato/routing/solver.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <deque>
#include <mutex>
#include <numeric>
#include <random>
#include <thread>

#include "individual.h"
#include "local_search.h"
#include "population.h"
#include "split.h"

namespace strato::routing {
namespace {

using internal::Individual;
using internal::Penalties;
using Clock = std::chrono::steady_clock;

// Granular neighbourhoods: the `count` customers most correlated with each
// customer. With time windows the correlation adds the waiting time and the
// time warp that visiting j right after i would cause (Vidal 2013, eq. 9).
std::vector<std::vector<int>> Neighbours(const Problem& p, int count) {
  const int n = p.num_nodes();
  std::vector<std::vector<int>> out(n);
  std::vector<std::pair<double, int>> keyed;
  for (int i = 1; i < n; ++i) {
    keyed.clear();
    for (int j = 1; j < n; ++j) {
      if (j == i) continue;
      double c = p.dist(i, j);
      if (p.has_time_windows()) {
        const double travel = p.time(i, j), service = p.service_time(i);
        const double wait = std::max(p.ready[j] - travel - service - p.due[i], 0.0);
        const double warp = std::max(p.ready[i] + service + travel - p.due[j], 0.0);
        c += 0.2 * wait + 1.0 * warp;
      }
      keyed.emplace_back(c, j);
    }
    const size_t k = std::min<size_t>(count, keyed.size());
    std::partial_sort(keyed.begin(), keyed.begin() + k, keyed.end());
    for (size_t t = 0; t < k; ++t) out[i].push_back(keyed[t].second);
  }
  return out;
}

std::vector<int> OrderCrossover(const std::vector<int>& a, const std::vector<int>& b,
                                std::mt19937_64& rng, int n_nodes) {
  const int n = static_cast<int>(a.size());
  std::vector<int> child(n, 0);
  if (n < 2) return a;
  std::uniform_int_distribution<int> pick(0, n - 1);
  const int start = pick(rng);
  int end = pick(rng);
  while (end == start) end = pick(rng);
  std::vector<char> used(n_nodes, 0);
  for (int i = start;; i = (i + 1) % n) {
    child[i] = a[i];
    used[a[i]] = 1;
    if (i == end) break;
  }
  int j = (end + 1) % n;
  for (int k = 0; k < n; ++k) {
    const int c = b[(end + 1 + k) % n];
    if (used[c]) continue;
    child[j] = c;
    j = (j + 1) % n;
  }
  return child;
}

// What the searches share.
struct Shared {
  const Problem& p;
  const SolverOptions& options;
  Clock::time_point start;
  Clock::time_point deadline;
  std::atomic<bool> stop{false};
  std::mutex mu;
  bool have_best = false;
  Individual best;
  std::vector<Improvement> history;
  int64_t iterations = 0;

  double Elapsed() const { return std::chrono::duration<double>(Clock::now() - start).count(); }
  static double ThreadCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  }
  // Seconds since the start as the options measure them; `cpu_start` is the
  // calling thread's CPU time when its search began.
  double Seconds(double cpu_start) const {
    return options.cpu_time ? ThreadCpuSeconds() - cpu_start : Elapsed();
  }
  bool ShouldStop(double cpu_start) {
    if (stop.load(std::memory_order_relaxed)) return true;
    if ((options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) ||
        (options.stop_requested && options.stop_requested())) {
      stop = true;
      return true;
    }
    if (options.time_limit_s > 0) {
      const bool over =
          options.cpu_time ? Seconds(cpu_start) >= options.time_limit_s : Clock::now() >= deadline;
      if (over) {
        // Each thread spends its own CPU budget; wall time ends them all.
        if (!options.cpu_time) stop = true;
        return true;
      }
    }
    return false;
  }
  void Offer(const Individual& ind, int64_t iteration, double seconds) {
    if (!ind.feasible) return;
    std::lock_guard lock(mu);
    if (have_best && ind.distance >= best.distance - 1e-9) return;
    have_best = true;
    best = ind;
    best.proximity.clear();
    Improvement imp{seconds, ind.distance, ind.vehicles, iteration};
    history.push_back(imp);
    if (options.on_improvement) {
      Solution s;
      for (const auto& r : ind.routes) {
        if (!r.empty()) s.routes.push_back(r);
      }
      options.on_improvement(imp, s);
    }
  }
};

class Search {
 public:
  Search(Shared& shared, const std::vector<std::vector<int>>& neighbours, uint64_t seed)
      : s_(shared),
        p_(shared.p),
        o_(shared.options),
        rng_(seed),
        ls_(p_, neighbours, Slots()),
        population_(p_, o_) {
    double max_dist = 0, max_demand = 0;
    for (double d : p_.distance) max_dist = std::max(max_dist, d);
    for (double q : p_.demand) max_demand = std::max(max_demand, q);
    w_.load = std::clamp(max_demand > 0 ? max_dist / max_demand : 1.0, 0.1, 1000.0);
    w_.time_warp = 1.0;
  }

  int64_t Run() {
    Initialise();
    int64_t iteration = 0, since_improvement = 0;
    while (!s_.ShouldStop(cpu_start_) &&
           (o_.max_iterations <= 0 || iteration < o_.max_iterations)) {
      if (population_.size() == 0) {
        Initialise();
        if (population_.size() == 0) break;
      }
      ++iteration;
      const Individual& a = population_.SelectParent(rng_);
      const Individual& b = population_.SelectParent(rng_);
      Individual child;
      child.tour = OrderCrossover(a.tour, b.tour, rng_, p_.num_nodes());
      const double before = best_local_;
      Educate(&child, iteration);
      if (best_local_ < before - 1e-9) {
        since_improvement = 0;
      } else if (++since_improvement >= o_.iterations_without_improvement) {
        population_.Clear();  // restart; the best stays in Shared
        since_improvement = 0;
      }
      if (iteration % 100 == 0) ManagePenalties();
    }
    return iteration;
  }

  int64_t evaluations() const { return ls_.evaluations(); }

 private:
  int Slots() const {
    if (p_.max_vehicles > 0) return p_.max_vehicles;
    double total = 0;
    for (double q : p_.demand) total += q;
    const int bound = static_cast<int>(std::ceil(1.3 * total / p_.capacity)) + 3;
    return p_.has_time_windows() ? p_.num_customers() : std::min(bound, p_.num_customers());
  }

  void Initialise() {
    std::vector<int> tour(p_.num_customers());
    std::iota(tour.begin(), tour.end(), 1);
    for (int k = 0; k < 4 * o_.population_min && !s_.ShouldStop(cpu_start_); ++k) {
      std::shuffle(tour.begin(), tour.end(), rng_);
      Individual ind;
      ind.tour = tour;
      Educate(&ind, 0);
    }
  }

  // Split, local search, insertion, and (half of the time) a repair of an
  // infeasible result with ten times the penalties.
  void Educate(Individual* ind, int64_t iteration) {
    ind->routes = internal::Split(p_, w_, ind->tour, p_.max_vehicles);
    ls_.Run(w_, rng_, ind);
    internal::Evaluate(p_, w_, ind);
    load_ok_.push_back(ind->excess_load < 1e-9);
    tw_ok_.push_back(ind->time_warp < 1e-9);
    Consider(*ind, iteration);
    population_.Add(*ind, w_);
    if (!ind->feasible && std::uniform_int_distribution<int>(0, 1)(rng_) == 0) {
      Penalties strong{w_.load * 10, w_.time_warp * 10};
      ls_.Run(strong, rng_, ind);
      internal::Evaluate(p_, w_, ind);
      if (ind->feasible) {
        Consider(*ind, iteration);
        population_.Add(*ind, w_);
      }
    }
  }

  void Consider(const Individual& ind, int64_t iteration) {
    if (!ind.feasible || ind.distance >= best_local_ - 1e-9) return;
    best_local_ = ind.distance;
    s_.Offer(ind, iteration, s_.Seconds(cpu_start_));
  }

  // Keeps about target_feasible of the local-search results feasible by
  // scaling each penalty weight (Vidal 2022, section 3.4).
  void ManagePenalties() {
    auto adjust = [&](std::deque<bool>& ok, double* weight) {
      if (ok.empty()) return;
      const double share = static_cast<double>(std::count(ok.begin(), ok.end(), true)) / ok.size();
      if (share < o_.target_feasible - 0.05) *weight = std::min(*weight * 1.2, 100000.0);
      if (share > o_.target_feasible + 0.05) *weight = std::max(*weight * 0.85, 0.1);
      ok.clear();
    };
    adjust(load_ok_, &w_.load);
    if (p_.has_time_windows()) adjust(tw_ok_, &w_.time_warp);
    population_.Reprice(w_);
  }

  Shared& s_;
  const Problem& p_;
  const SolverOptions& o_;
  std::mt19937_64 rng_;
  internal::LocalSearch ls_;
  internal::Population population_;
  Penalties w_;
  std::deque<bool> load_ok_, tw_ok_;
  double best_local_ = std::numeric_limits<double>::infinity();
  const double cpu_start_ = Shared::ThreadCpuSeconds();
};

}  // namespace

StatusOr<SolveResult> Solve(const Problem& problem, const SolverOptions& options) {
  const size_t n = problem.demand.size();
  if (n < 2 || problem.distance.size() != n * n) {
    return InvalidArgumentError("problem: not finalized (call Finalize first)");
  }
  if (options.threads < 1 || options.threads > 256) {
    return InvalidArgumentError("threads: must be in 1..256");
  }
  if (options.time_limit_s <= 0 && options.max_iterations <= 0 && options.cancel == nullptr &&
      !options.stop_requested) {
    return InvalidArgumentError(
        "time_limit: give a time limit, an iteration limit or a cancel flag");
  }
  if (options.population_min < 2 || options.generation_size < 1 || options.granular < 1) {
    return InvalidArgumentError(
        "options: population_min >= 2, generation_size >= 1, granular >= 1");
  }
  Shared shared{problem, options};
  shared.start = Clock::now();
  shared.deadline =
      shared.start + std::chrono::microseconds(static_cast<int64_t>(options.time_limit_s * 1e6));
  const auto neighbours = Neighbours(problem, options.granular);
  std::vector<int64_t> iterations(options.threads, 0), evaluations(options.threads, 0);
  auto run = [&](int k) {
    Search search(shared, neighbours, options.seed + static_cast<uint64_t>(k));
    iterations[k] = search.Run();
    evaluations[k] = search.evaluations();
  };
  if (options.threads == 1) {
    run(0);
  } else {
    std::vector<std::jthread> threads;
    for (int k = 0; k < options.threads; ++k) threads.emplace_back(run, k);
  }
  SolveResult result;
  result.seconds = shared.Elapsed();
  result.iterations = std::accumulate(iterations.begin(), iterations.end(), int64_t{0});
  result.move_evaluations = std::accumulate(evaluations.begin(), evaluations.end(), int64_t{0});
  result.cancelled = (options.cancel != nullptr && options.cancel->load()) ||
                     (options.stop_requested && options.stop_requested());
  result.history = std::move(shared.history);
  if (!shared.have_best) return result;  // no feasible solution found in time
  for (const auto& r : shared.best.routes) {
    if (!r.empty()) result.best.routes.push_back(r);
  }
  auto check = CheckSolution(problem, result.best);
  if (!check.ok()) {
    return InternalError("solver returned a solution the checker rejects: " +
                         check.status().message());
  }
  result.feasible = true;
  result.cost = check->cost;
  result.vehicles = check->vehicles;
  return result;
}

}  // namespace strato::routing
