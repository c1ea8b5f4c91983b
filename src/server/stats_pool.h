// StatsPool: one ModelStats per (model, version) at a time.
//
// ModelStats registers Prometheus series labelled (model, version) and
// removes every such series when destroyed. During a zero-downtime reload of
// the same version number the old and new objects overlap, and destroying the
// old one would delete the series the new one still updates. The pool hands
// both the same object instead, and destroys it only when nobody else holds it.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "strato/core/metrics.h"
#include "strato/core/model_stats.h"

namespace strato {

class StatsPool {
 public:
  explicit StatsPool(MetricsRegistry* metrics) : metrics_(metrics) {}

  // The live stats of (model, version), created when absent. Never null.
  std::shared_ptr<ModelStats> Acquire(const std::string& model, int64_t version);

  // Destroys the stats of (model, version) if the pool holds the only
  // reference. Call after a holder of that version has been destroyed.
  void Release(const std::string& model, int64_t version);

 private:
  MetricsRegistry* const metrics_;
  std::mutex mu_;
  // Acquire and Release both hold mu_, so use_count() == 1 under mu_ proves
  // that no other holder exists and none can appear before the erase.
  std::map<std::pair<std::string, int64_t>, std::shared_ptr<ModelStats>> stats_;  // guarded by mu_
};

}  // namespace strato
