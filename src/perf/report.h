// Output of `strato perf`: the results table for the terminal, and the CSV
// and JSON files.
//
// CSV columns (one row per level, header first):
//   mode,level,throughput_infer_s,request_rate_s,avg_us,p50_us,p90_us,p95_us,
//   p99_us,pN_us,errors,delayed,stable,windows,server_queue_us,
//   server_compute_input_us,server_compute_infer_us,server_compute_output_us,
//   server_request_us,server_avg_batch
// (pN_us is the --percentile value, empty when not asked for; server_* are
// empty when the server gave no statistics.)
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "load_runner.h"
#include "perf_options.h"
#include "strato/core/status.h"

namespace strato::perf {

std::string FormatTable(const std::vector<LevelResult>& results, const PerfOptions& options);
std::string FormatCsv(const std::vector<LevelResult>& results, const PerfOptions& options);
// {"model","protocol","url","batch_size","mode","results":[{...}]}.
std::string FormatJson(const std::vector<LevelResult>& results, const PerfOptions& options);

// Writes `content` to `path`. INTERNAL (with errno text) when it cannot.
Status WriteTextFile(const std::string& path, const std::string& content);

}  // namespace strato::perf
