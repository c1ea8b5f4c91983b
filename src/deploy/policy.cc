#include "strato/deploy/policy.h"

#include <cstdio>

namespace strato::deploy {
namespace {

std::string Format(const char* format, double a, double b, double c) {
  char buffer[256];
  std::snprintf(buffer, sizeof(buffer), format, a, b, c);
  return buffer;
}

}  // namespace

const char* DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kWait: return "wait";
    case Decision::kPromote: return "promote";
    case Decision::kRollback: return "rollback";
  }
  return "wait";
}

PolicyDecision EvaluateCanary(const WindowStats& production, const WindowStats& canary,
                              double canary_age_secs, const PolicyOptions& options) {
  if (options.auto_rollback && canary.requests >= options.min_breach_requests) {
    const double limit = production.error_rate() + options.max_error_rate_margin;
    if (canary.error_rate() > limit) {
      return {Decision::kRollback, Format("canary error rate %.4f exceeds production %.4f + margin %.4f",
                                          canary.error_rate(), production.error_rate(),
                                          options.max_error_rate_margin)};
    }
    if (canary.quality && production.quality &&
        *canary.quality < *production.quality - options.quality_margin) {
      return {Decision::kRollback, Format("canary quality %.4f is below production %.4f - margin %.4f",
                                          *canary.quality, *production.quality, options.quality_margin)};
    }
  }
  if (canary.requests < options.min_requests) return {Decision::kWait, "waiting for enough canary requests"};
  const double p99_limit = production.p99_us * (1 + options.p99_margin_ratio) + options.p99_margin_us;
  if (options.auto_rollback && production.requests >= options.min_requests && canary.p99_us > p99_limit) {
    return {Decision::kRollback, Format("canary p99 %.0f us exceeds production p99 %.0f us plus margin (limit %.0f us)",
                                        canary.p99_us, production.p99_us, p99_limit)};
  }
  if (options.auto_promote && canary_age_secs >= options.window_secs) {
    return {Decision::kPromote,
            Format("canary healthy over %.0f s with traffic: error rate %.4f, p99 %.0f us",
                   canary_age_secs, canary.error_rate(), canary.p99_us)};
  }
  return {Decision::kWait, "canary within limits; window not complete"};
}

}  // namespace strato::deploy
