#include "strato/forecast/inventory_experiment.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace strato::forecast {
namespace {

constexpr double kZ90 = 1.6448536269514722;  // the 5%..95% interval is mean +- kZ90 sd

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

struct Pooled {
  size_t cycles = 0, short_cycles = 0;
  double fill = 0, supply = 0, stockouts = 0, cost = 0;
  size_t series = 0;
  void Add(const SimulationResult& r, double mean_demand) {
    cycles += r.cycles;
    short_cycles += r.cycles_with_stockout;
    fill += r.fill_rate;
    const double scale = mean_demand > 0 ? mean_demand : 1;
    supply += r.average_on_hand / scale;
    stockouts += static_cast<double>(r.stockout_periods);
    cost += r.total_cost / scale;
    ++series;
  }
  PolicyOutcome Outcome(std::string name) const {
    PolicyOutcome o;
    o.policy = std::move(name);
    const double n = static_cast<double>(std::max<size_t>(series, 1));
    o.cycle_service_level =
        cycles ? 1 - static_cast<double>(short_cycles) / static_cast<double>(cycles) : 1;
    o.fill_rate = fill / n;
    o.periods_of_supply = supply / n;
    o.stockout_periods = stockouts / n;
    o.total_cost = cost / n;
    return o;
  }
};

}  // namespace

StatusOr<InventoryExperiment> RunInventoryExperiment(
    const std::vector<std::vector<double>>& histories,
    const std::vector<std::vector<double>>& demand, const std::vector<std::vector<double>>& mean,
    const std::vector<std::vector<double>>& lower, const std::vector<std::vector<double>>& upper,
    const InventoryExperimentOptions& options) {
  const size_t n = demand.size();
  if (histories.size() != n || mean.size() != n || lower.size() != n || upper.size() != n) {
    return InvalidArgumentError("histories, demand and forecasts must have one entry per series");
  }
  if (options.average_window < 1) return InvalidArgumentError("average_window must be >= 1");
  SimulationOptions sim;
  sim.lead_time = options.settings.lead_time;
  sim.backorders = options.backorders;
  sim.costs = options.settings.costs;
  const int protect = options.settings.lead_time + options.settings.review_period;

  Pooled forecast;
  std::vector<double> recent(n), realised_mean(n);
  for (size_t s = 0; s < n; ++s) {
    if (demand[s].size() != mean[s].size() || lower[s].size() != mean[s].size() ||
        upper[s].size() != mean[s].size() || demand[s].empty()) {
      return InvalidArgumentError("series " + std::to_string(s) +
                                  ": forecast and demand lengths differ");
    }
    DemandDistribution d{mean[s], std::vector<double>(mean[s].size())};
    for (size_t k = 0; k < d.sd.size(); ++k) {
      d.mean[k] = std::max(d.mean[k], 0.0);
      d.sd[k] = std::max(0.0, (upper[s][k] - lower[s][k]) / (2 * kZ90));
    }
    ASSIGN_OR_RETURN(auto policy, MakeForecastPolicy(options.kind, d, options.settings));
    ASSIGN_OR_RETURN(SafetyStockPlan plan, PlanSafetyStock(d, options.settings));
    sim.initial_on_hand = plan.reorder_point;
    ASSIGN_OR_RETURN(SimulationResult r, Simulate(*policy, demand[s], sim));
    realised_mean[s] = Mean(demand[s]);
    forecast.Add(r, realised_mean[s]);
    const size_t w = std::min(histories[s].size(), static_cast<size_t>(options.average_window));
    recent[s] = Mean(
        std::vector<double>(histories[s].end() - static_cast<ptrdiff_t>(w), histories[s].end()));
  }
  InventoryExperiment out;
  out.series = n;
  out.forecast = forecast.Outcome(std::string(PolicyKindName(options.kind)) + " from forecast");

  // The naive policy at cover c, pooled over all series.
  auto naive_at = [&](double cover) -> StatusOr<Pooled> {
    Pooled p;
    for (size_t s = 0; s < n; ++s) {
      auto policy = MakeCoverPolicy(recent[s], cover, options.settings.review_period);
      sim.initial_on_hand = recent[s] * cover;
      ASSIGN_OR_RETURN(SimulationResult r, Simulate(*policy, demand[s], sim));
      p.Add(r, realised_mean[s]);
    }
    return p;
  };
  const double target = out.forecast.cycle_service_level;
  double lo = 0, hi = 4.0 * protect;
  for (int grow = 0; grow < 10; ++grow) {
    ASSIGN_OR_RETURN(Pooled p, naive_at(hi));
    if (p.Outcome("").cycle_service_level >= target) break;
    hi *= 2;
  }
  for (int it = 0; it < 40; ++it) {
    const double mid = 0.5 * (lo + hi);
    ASSIGN_OR_RETURN(Pooled p, naive_at(mid));
    if (p.Outcome("").cycle_service_level >= target) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  ASSIGN_OR_RETURN(Pooled naive, naive_at(hi));
  out.naive = naive.Outcome("cover (tuned to equal service)");
  out.naive.cover_periods = hi;
  return out;
}

}  // namespace strato::forecast
