// The promotion / rollback policy for a canary: a pure function of the
// production and canary versions' recent statistics, so that it can be
// tested without a server and applied the same way by the controller.
//
// Rules, in order:
//   1. Roll back at once (as soon as the canary has min_breach_requests
//      answers in the window) when its error rate exceeds production's by
//      more than max_error_rate_margin, or when its quality score (labelled
//      feedback, when both have some) is lower than production's by more
//      than quality_margin.
//   2. Roll back when, with at least min_requests answers, its p99 latency
//      exceeds production's p99 * (1 + p99_margin_ratio) + p99_margin_us.
//   3. Promote when the canary has served for at least window_secs with at
//      least min_requests answers and none of the above holds.
//   4. Otherwise wait.
//
// Thread-safety: pure functions; PolicyOptions is a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace strato::deploy {

struct PolicyOptions {
  bool auto_promote = true;
  bool auto_rollback = true;
  double window_secs = 30;            // how long a canary must stay healthy
  int64_t min_requests = 100;         // answers needed to judge latency or promote
  int64_t min_breach_requests = 20;   // answers needed to judge errors
  double max_error_rate_margin = 0.01;
  double p99_margin_ratio = 0.25;
  double p99_margin_us = 2000;
  double quality_margin = 0.02;
};

struct WindowStats {
  int64_t requests = 0;
  int64_t errors = 0;
  double p99_us = 0;
  std::optional<double> quality;  // mean feedback score, when any arrived
  double error_rate() const { return requests > 0 ? static_cast<double>(errors) / requests : 0.0; }
};

enum class Decision { kWait, kPromote, kRollback };

struct PolicyDecision {
  Decision decision = Decision::kWait;
  std::string reason;  // why, with the numbers compared
};

const char* DecisionName(Decision decision);

// `canary_age_secs`: how long the current canary has been receiving traffic.
PolicyDecision EvaluateCanary(const WindowStats& production, const WindowStats& canary,
                              double canary_age_secs, const PolicyOptions& options);

}  // namespace strato::deploy
