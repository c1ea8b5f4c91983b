// Inventory policies computed from a demand forecast distribution, and a
// period-by-period simulator that replays real demand through them.
//
// Policies (Silver, Pyke & Thomas, "Inventory and Production Management in
// Supply Chains", ch. 6-7):
//   (R, S)  every R periods order up to S            (periodic review)
//   (s, Q)  when the position falls to s or below, order Q (continuous)
//   (s, S)  when the position falls to s or below, order up to S
// where the position = on hand + on order - backorders. The levels come from
// the forecast of the demand over the protection interval (the lead time L,
// plus R for periodic review): mean + z * sd, z the normal quantile of the
// target cycle service level; Q is the EOQ sqrt(2 D K / h).
//
// Simulation, each period t: receive the orders due at t; serve demand
// (backorders first when backordering); the unmet rest is lost or
// backordered; review and order (arriving at t + L); charge holding on the
// on-hand stock left, a stock-out cost per unit short and a cost per order.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"

namespace strato::forecast {

struct DemandDistribution {
  std::vector<double> mean;  // per period
  std::vector<double> sd;    // per period (same length)
};

struct InventoryCosts {
  double holding = 1;   // per unit left on hand per period
  double ordering = 0;  // per order placed
  double stockout = 0;  // per unit short (lost or backordered)
};

enum class PolicyKind {
  kPeriodicOrderUpTo,
  kReorderPointQuantity,
  kReorderPointOrderUpTo,
  kWeeksOfCover
};
std::string_view PolicyKindName(PolicyKind kind);  // "(R,S)", "(s,Q)", "(s,S)", "cover"

struct PolicySettings {
  int lead_time = 1;            // periods from order to receipt, >= 0
  double lead_time_sd = 0;      // periods; 0: fixed lead time
  int review_period = 1;        // R, periods, >= 1
  double service_level = 0.95;  // target cycle service level, in (0, 1)
  // Correlation of forecast errors between periods: 1 (sds add; forecast
  // errors that are mostly level errors) .. 0 (independent; variances add).
  double error_correlation = 1;
  InventoryCosts costs;
};

// The standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9).
double NormalQuantile(double p);

// Economic order quantity sqrt(2 D K / h) for demand D per period; at least
// 1 unit; D when ordering or holding is free.
double EconomicOrderQuantity(double demand_per_period, double ordering, double holding);

// Mean and sd of demand over `periods` periods starting at step `from` of
// the forecast (steps past its end repeat the last step), with errors
// correlated `rho` between periods: var = (1 - rho) sum sd_i^2 + rho (sum sd_i)^2.
// Lead time uncertainty adds mean_per_period^2 * lead_time_sd^2.
void ProtectionDemand(const DemandDistribution& d, size_t from, double periods, double rho,
                      double lead_time_sd, double* mean, double* sd);

struct SafetyStockPlan {
  double demand_mean = 0, demand_sd = 0;  // over the protection interval
  double safety_stock = 0;                // z * sd
  double reorder_point = 0;               // mean + safety stock
  double order_quantity = 0;              // EOQ
};
StatusOr<SafetyStockPlan> PlanSafetyStock(const DemandDistribution& d, const PolicySettings& s);

// A policy: at each review, the level it orders up to or the quantity.
class InventoryPolicy {
 public:
  virtual ~InventoryPolicy() = default;
  // Units to order at period t given the inventory position (0: none).
  virtual double OrderQuantity(size_t t, double position) const = 0;
  virtual int review_period() const { return 1; }
};

// Builds one of the three forecast-driven policies over the forecast's
// horizon (levels recomputed at each review from the forecast steps ahead).
StatusOr<std::unique_ptr<InventoryPolicy>> MakeForecastPolicy(PolicyKind kind,
                                                              const DemandDistribution& d,
                                                              const PolicySettings& s);
// The naive policy: every R periods order up to `cover` periods of the
// average demand of the recent history.
std::unique_ptr<InventoryPolicy> MakeCoverPolicy(double average_demand, double cover_periods,
                                                 int review_period);

struct SimulationOptions {
  int lead_time = 1;
  bool backorders = false;  // false: unmet demand is lost
  double initial_on_hand = 0;
  InventoryCosts costs;
};

struct SimulationResult {
  double demand = 0, served_from_stock = 0, short_units = 0;
  double fill_rate = 1;            // served from stock / demand
  double cycle_service_level = 1;  // review cycles without a stock-out / cycles
  size_t cycles = 0, cycles_with_stockout = 0;
  size_t stockout_periods = 0, orders = 0;
  double average_on_hand = 0;
  double holding_cost = 0, ordering_cost = 0, stockout_cost = 0, total_cost = 0;
  std::vector<double> on_hand;   // end of each period
  std::vector<double> position;  // after ordering, each period
};

StatusOr<SimulationResult> Simulate(const InventoryPolicy& policy, std::span<const double> demand,
                                    const SimulationOptions& options);

}  // namespace strato::forecast
