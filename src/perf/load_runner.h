// Drives one load level (a concurrency or a request rate) and measures it:
// warm-up, then measurement windows until throughput is stable (or
// --max-trials windows, or the --duration-s deadline), then the last
// (up to 3) windows are merged into one LevelResult (errors and request
// counts cover every window).
//
// Concurrency mode (closed loop): N workers, each sends a request, waits for
// its response and sends the next. Rate mode (open loop): a pool of workers
// takes send times from one shared schedule (constant or Poisson intervals)
// and sleeps until each; a send later than 1 ms behind schedule is counted
// as delayed (the pool was too small or the server too slow).
//
// Latency is measured per request from just before the send to the end of
// the response. Throughput counts successful inferences (requests x batch
// size) per second.
//
// Thread-safety: a LoadRunner runs one level at a time on the calling
// thread and starts and joins its own workers.
#pragma once

#include <cstdint>
#include <string>

#include "latency_stats.h"
#include "perf_options.h"
#include "server_stats.h"
#include "transport.h"

namespace strato::perf {

struct LevelResult {
  double level = 0;           // concurrency, or requests/s in rate mode
  double throughput = 0;      // successful inferences/s
  double request_rate = 0;    // successful requests/s
  LatencySummary latency;     // successful requests only
  uint64_t errors = 0;        // over every window measured
  std::string first_error;
  uint64_t delayed = 0;         // rate mode: sends more than 1 ms behind schedule (every window)
  uint64_t total_requests = 0;  // answered (ok or error) over every window measured
  bool stable = false;
  int windows = 0;            // windows measured
  int merged_windows = 0;     // the last ones, whose rates and latencies are reported
  double measured_s = 0;      // duration of the merged windows
  ServerBreakdown server;     // delta over the merged windows
};

class LoadRunner {
 public:
  // `transport` must be prepared and outlive the runner. `deadline_ns`
  // (NowNs() clock) cuts measurement short; 0 means none.
  LoadRunner(const PerfOptions& options, Transport* transport, uint64_t deadline_ns);

  // Runs one level. UNAVAILABLE when no worker can connect; otherwise OK
  // with request errors counted in the result.
  StatusOr<LevelResult> RunLevel(double level);

 private:
  const PerfOptions& options_;
  Transport* const transport_;
  const uint64_t deadline_ns_;
};

}  // namespace strato::perf
