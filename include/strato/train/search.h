// Hyper-parameter search over declared ranges: random search, and
// successive halving (all candidates at a small round budget, the best
// 1/eta of them at eta times the budget, ... until one is left or the full
// budget is reached). Trials run in parallel on `parallel` threads; the
// best trial is chosen on the validation score the caller's function
// returns.
//
// Thread-safety: RunSearch calls `run_trial` from several threads at once;
// it must be safe for that.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "strato/core/status.h"
#include "strato/train/pipeline_config.h"

namespace strato::train {

using Params = std::map<std::string, std::string>;

struct TrialScore {
  double score = 0;
  int best_iteration = 0;
  double seconds = 0;
};

struct Trial {
  int id = 0;
  int rung = 0;  // halving rung (0 for random search)
  int rounds = 0;
  Params params;
  TrialScore result;
  std::string error;  // non-empty when the trial failed
};

struct SearchResult {
  std::vector<Trial> trials;
  int best = -1;  // index into trials
};

// Draws one value per range (int: uniform integer, uniform, log: log-
// uniform, choice: one of the choices), as XGBoost parameter text.
Params SampleParams(const std::vector<SearchRange>& space, std::mt19937_64* rng);

// INVALID_ARGUMENT when every trial failed (with the first error).
StatusOr<SearchResult> RunSearch(
    const SearchConfig& search, int full_rounds, uint64_t seed, bool higher_is_better,
    const std::function<StatusOr<TrialScore>(const Params&, int rounds)>& run_trial,
    const std::function<void(int done, int total)>& progress = {});

}  // namespace strato::train
