// The inventory comparison on real demand: for every series, the M4 test
// horizon is replayed as realised demand through (a) a forecast-driven
// policy built from the combination forecast and its conformal interval and
// (b) the naive "fixed periods of cover" policy (order up to c times the
// recent average demand), with c tuned on the same demand until the naive
// policy reaches the forecast policy's realised service level. The naive
// policy is thereby given an advantage (its cover is chosen knowing the
// outcome); the question is how much stock each needs for that service.
#pragma once

#include <string>
#include <vector>

#include "strato/core/status.h"
#include "strato/forecast/inventory.h"

namespace strato::forecast {

struct InventoryExperimentOptions {
  PolicyKind kind = PolicyKind::kPeriodicOrderUpTo;
  PolicySettings settings;
  bool backorders = false;
  int average_window = 4;  // periods of history the naive policy averages
};

struct PolicyOutcome {
  std::string policy;
  double cycle_service_level = 0;  // pooled over every series' review cycles
  double fill_rate = 0;            // mean over series
  double periods_of_supply = 0;    // average on hand / mean demand, mean over series
  double stockout_periods = 0;     // per series
  double total_cost = 0;           // per series, in units of mean demand
  double cover_periods = 0;        // the naive policy's tuned cover
};

struct InventoryExperiment {
  PolicyOutcome forecast, naive;
  size_t series = 0;
};

// histories[s]: training history; demand[s]: the realised demand; mean[s],
// lower[s], upper[s]: the forecast and its 5%..95% interval for those periods.
StatusOr<InventoryExperiment> RunInventoryExperiment(
    const std::vector<std::vector<double>>& histories,
    const std::vector<std::vector<double>>& demand, const std::vector<std::vector<double>>& mean,
    const std::vector<std::vector<double>>& lower, const std::vector<std::vector<double>>& upper,
    const InventoryExperimentOptions& options);

}  // namespace strato::forecast
