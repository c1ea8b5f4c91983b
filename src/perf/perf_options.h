// Command-line options of `strato perf`, and the parsing of load ranges.
//
// Thread-safety: plain values and pure functions; a parsed PerfOptions is
// shared read-only by every worker thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"

namespace strato::perf {

enum class Protocol { kHttp, kGrpc };
enum class InputMode { kRandom, kZero, kFile };
enum class RateDistribution { kConstant, kPoisson };

// start:end:step. With `multiplicative`, levels are start, start*step, ...
// (written "xN" on the command line); otherwise start, start+step, ...
struct LoadRange {
  double start = 1;
  double end = 1;
  double step = 1;
  bool multiplicative = false;
};

struct PerfOptions {
  std::string model;
  std::string model_version;        // empty: the server's choice
  std::string url;                  // host:port; empty: localhost:8000 (http) / :8001 (grpc)
  Protocol protocol = Protocol::kHttp;
  bool rate_mode = false;           // --request-rate-range given
  LoadRange concurrency;            // closed loop levels (integers)
  LoadRange request_rate;           // open loop levels, requests/s
  RateDistribution distribution = RateDistribution::kConstant;
  int max_threads = 16;             // worker pool size in rate mode
  int64_t measurement_interval_ms = 3000;
  double stability_percentage = 10;
  int max_trials = 10;
  int64_t warmup_ms = 500;
  int64_t batch_size = 1;
  std::map<std::string, std::vector<int64_t>> shapes;  // --shape NAME:d1,d2
  InputMode input_mode = InputMode::kRandom;
  std::string input_file;           // with kFile
  bool binary = false;              // Triton binary tensor extension (HTTP)
  std::string csv_file;
  std::string json_file;
  double percentile = 0;            // extra percentile to report; 0: none
  double duration_s = 0;            // hard cap on the whole run; 0: none
  bool quiet = false;
  bool help = false;

  // The effective URL (defaulted by protocol).
  std::string EffectiveUrl() const;
};

// Parses "start[:end[:step]]" where step may be "xN" (multiplicative, N > 1).
// INVALID_ARGUMENT on malformed numbers, start > end, step <= 0, start <= 0
// with a multiplicative step.
StatusOr<LoadRange> ParseLoadRange(std::string_view text);

// The levels of a range, in order; at most kMaxLevels of them
// (INVALID_ARGUMENT beyond). `integral` rounds and deduplicates levels.
inline constexpr size_t kMaxLevels = 1000;
StatusOr<std::vector<double>> ExpandLoadRange(const LoadRange& range, bool integral);

// Parses "NAME:d1,d2,..." into (name, dims). Dims must be positive.
StatusOr<std::pair<std::string, std::vector<int64_t>>> ParseShapeFlag(std::string_view text);

// Parses argv[1..argc) (argv[0] is the subcommand name). Accepts
// "--flag value", "--flag=value" and "-f value". INVALID_ARGUMENT names the
// offending flag. --help sets `help` and skips the required-flag checks.
StatusOr<PerfOptions> ParsePerfArgs(int argc, const char* const* argv);

// The --help text.
std::string PerfUsage();

}  // namespace strato::perf
