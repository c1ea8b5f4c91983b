// Server-side statistics as `strato perf` reads them from the statistics
// extension (GET /v2/models/{m}/stats or gRPC ModelStatistics), and the
// per-window breakdown computed from two snapshots.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "strato/core/status.h"

namespace strato::perf {

struct StatDuration {
  uint64_t count = 0;
  uint64_t ns = 0;
};

// Cumulative counters of one model, summed over the versions selected.
struct ServerStats {
  uint64_t inference_count = 0;
  uint64_t execution_count = 0;
  StatDuration success;
  StatDuration fail;
  StatDuration queue;
  StatDuration compute_input;
  StatDuration compute_infer;
  StatDuration compute_output;
};

// Averages over an interval; each time is per request, in microseconds.
struct ServerBreakdown {
  bool valid = false;      // false: no statistics (endpoint missing or no requests)
  uint64_t requests = 0;   // successful requests in the interval
  uint64_t inferences = 0; // rows
  uint64_t executions = 0; // batches
  double avg_request_us = 0;
  double avg_queue_us = 0;
  double avg_compute_input_us = 0;
  double avg_compute_infer_us = 0;
  double avg_compute_output_us = 0;
  double avg_batch = 0;    // inferences per execution
};

// The breakdown between two snapshots of the same model (after >= before;
// counters that went backwards, e.g. after a reload, give valid=false).
ServerBreakdown ComputeBreakdown(const ServerStats& before, const ServerStats& after);

// Decodes a Triton statistics JSON body, summing every entry of model_stats
// whose name is `model` and, when `version` is non-empty, whose version is
// `version`. INVALID_ARGUMENT on malformed JSON; NOT_FOUND when no entry
// matches.
StatusOr<ServerStats> ParseStatsJson(std::string_view json, std::string_view model, std::string_view version);

}  // namespace strato::perf
