// What the request path needs to route one deployed model: the deployment
// spec, the outcome windows of its versions and its counters. A RouteState
// is immutable once published; a change publishes a new one (RouteTable),
// so a request sees one consistent spec from start to end.
//
// Thread-safety: RouteState is immutable (the windows and counters it points
// to are thread-safe); RouteTable's methods may be called from any thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "strato/core/metrics.h"
#include "strato/registry/registry.h"
#include "version_window.h"

namespace strato::deploy {

// Shadow comparison totals for one model.
struct ShadowTotals {
  std::atomic<int64_t> compared{0};
  std::atomic<int64_t> matched{0};
  std::atomic<int64_t> mismatched{0};
  std::atomic<int64_t> failed{0};   // the shadow errored or refused the copy
  std::atomic<int64_t> dropped{0};  // not sent: too many copies pending
  Counter* matched_counter = nullptr;
  Counter* mismatched_counter = nullptr;
  Counter* failed_counter = nullptr;
  // strato_shadow_requests_total{result}: shadow traffic, apart from the
  // client requests counted in nv_inference_request_*.
  Counter* shadow_success_counter = nullptr;
  Counter* shadow_failure_counter = nullptr;
  Counter* shadow_dropped_counter = nullptr;
};

class ShadowDispatcher;

struct RouteState {
  registry::DeploymentRecord spec;
  uint64_t canary_since_ns = 0;  // when the current canary started receiving traffic
  // Outcome window per deployed version (production, canary, shadow).
  std::map<int64_t, std::shared_ptr<VersionWindow>> windows;
  std::shared_ptr<ShadowTotals> shadow;
  ShadowDispatcher* shadow_dispatcher = nullptr;  // owned by the deployer
  double shadow_fraction = 1.0;                   // of requests copied to the shadow
  Counter* production_requests = nullptr;
  Counter* canary_requests = nullptr;

  VersionWindow* WindowFor(int64_t version) const {
    auto it = windows.find(version);
    return it == windows.end() ? nullptr : it->second.get();
  }
};

class RouteTable {
 public:
  std::shared_ptr<const RouteState> Find(std::string_view model) const {
    std::shared_lock lock(mu_);
    auto it = routes_.find(model);
    return it == routes_.end() ? nullptr : it->second;
  }
  void Set(const std::string& model, std::shared_ptr<const RouteState> state) {
    std::unique_lock lock(mu_);
    routes_[model] = std::move(state);
  }

  // Readiness: the production version each deployment must have loaded
  // before the server may report ready. The deployer records them before it
  // restores or changes a deployment; until it has read the registry at
  // start (MarkListed), Expected() is empty and listed() false.
  void ExpectProduction(const std::string& model, int64_t version) {
    std::unique_lock lock(mu_);
    expected_[model] = version;
  }
  void MarkListed() {
    std::unique_lock lock(mu_);
    listed_ = true;
  }
  bool listed() const {
    std::shared_lock lock(mu_);
    return listed_;
  }
  std::map<std::string, int64_t> Expected() const {
    std::shared_lock lock(mu_);
    return expected_;
  }

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<const RouteState>, std::less<>> routes_;  // guarded by mu_
  std::map<std::string, int64_t> expected_;                                       // guarded by mu_
  bool listed_ = false;                                                           // guarded by mu_
};

}  // namespace strato::deploy
