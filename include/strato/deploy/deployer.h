// The deployer: per-model deployments (production, canary with a traffic
// weight, shadow, sticky key) over the model registry, published into the
// server's model repository and routed on the request path.
//
// How a change is applied without failing a request:
//   - adding a version (canary, shadow, direct promote of a new version):
//     its files are materialised from the registry (checksums verified), the
//     model's config.pbtxt is rewritten to select the deployed versions, the
//     model manager loads the new version beside the serving ones, and only
//     then does the route switch to it;
//   - removing a version (promote, rollback): the route switches first, then
//     the config drops the version and the manager retires it (in-flight
//     requests finish on it; a request that raced onto it is re-routed).
//   A load that fails restores the previous config.pbtxt and leaves the
//   deployment and the serving versions untouched.
//
// Policy: with a canary, a background thread evaluates EvaluateCanary (see
// policy.h) every evaluate_interval_ms and promotes or rolls back. Every
// change, manual or automatic, is written to the registry's audit log, the
// structured log ("deployment change") and the metrics.
//
// Concurrency: changes to one model are serialised; a change requested while
// another is being applied to the same model fails at once with ABORTED
// (HTTP 409) naming the change in progress, rather than racing it.
//
// Errors of the operations: NOT_FOUND (unknown model or version in the
// registry), INVALID_ARGUMENT (weight outside [0, 1], bad version),
// ABORTED (conflict: change in progress, nothing to promote or roll back,
// version archived), INTERNAL (corrupt artifact, load failure, I/O) and
// the load error of the model manager.
//
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "strato/core/metrics.h"
#include "strato/core/status.h"
#include "strato/deploy/policy.h"
#include "strato/registry/registry.h"
#include "strato/server/model_manager.h"

namespace strato::deploy {

struct DeployerOptions {
  // The model repository the server loads from; the deployer owns the
  // folders of deployed models in it.
  std::filesystem::path repository;
  PolicyOptions policy;
  int evaluate_interval_ms = 1000;
  // Poll control mode: how long to wait for the poller to load a change.
  int load_timeout_secs = 120;
  // Shadow traffic: the fraction of requests copied to the shadow, and the
  // most copies queued or executing at once (more are dropped and counted).
  double shadow_fraction = 1.0;
  int shadow_max_pending = 64;
};

// A model's deployment as shown by Describe and the management API.
struct DeploymentView {
  registry::DeploymentRecord spec;
  WindowStats production;
  WindowStats canary;
  WindowStats shadow;
  int64_t shadow_compared = 0;
  int64_t shadow_mismatched = 0;
  int64_t shadow_failed = 0;
  int64_t shadow_dropped = 0;  // copies not sent: the shadow queue was full
  double canary_age_secs = 0;
  PolicyDecision next;  // what the policy would decide now
};

struct CanaryChange {
  std::string model;
  int64_t version = 0;
  double weight = 0.1;      // fraction of traffic in [0, 1]
  std::string sticky_key;   // request parameter that pins callers; empty = random
  std::string actor;
};

class Deployer {
 public:
  // `registry`, `inner` (the real model manager) and `metrics` (may be null)
  // must outlive the deployer.
  static StatusOr<std::unique_ptr<Deployer>> Create(DeployerOptions options,
                                                    registry::Registry* registry,
                                                    ModelManager* inner, MetricsRegistry* metrics);
  virtual ~Deployer() = default;

  // The manager to hand to the frontends (routes deployed models).
  virtual ModelManager* routing_manager() = 0;

  // Re-applies the stored deployments (publishing their versions) and starts
  // the policy thread. Call after the model manager started. Deployments
  // that fail to apply are logged and skipped.
  virtual Status Start() = 0;
  // Stops the policy thread. Idempotent.
  virtual void Stop() = 0;

  // Starts (or re-weights) a canary. Needs a production version.
  virtual Status SetCanary(const CanaryChange& change) = 0;
  // Sets the shadow version (0 removes it).
  virtual Status SetShadow(const std::string& model, int64_t version, const std::string& actor) = 0;
  // version 0: promote the canary; else make `version` production directly
  // (the first deployment of a model is a direct promote).
  virtual Status Promote(const std::string& model, int64_t version, const std::string& actor,
                         const std::string& reason) = 0;
  // version 0: drop the canary; else make `version` production again.
  virtual Status Rollback(const std::string& model, int64_t version, const std::string& actor,
                          const std::string& reason) = 0;
  // Labelled feedback for a version (score in [0, 1], e.g. 1 = correct).
  virtual Status Feedback(const std::string& model, int64_t version, double score) = 0;
  // Archives a version that serves no traffic (ABORTED if it does).
  virtual Status Archive(const std::string& model, int64_t version, const std::string& actor) = 0;
  // Deletes a version that serves no traffic (ABORTED if it does).
  virtual Status Delete(const std::string& model, int64_t version, const std::string& actor) = 0;

  virtual StatusOr<DeploymentView> Describe(const std::string& model) const = 0;
  virtual std::vector<std::string> DeployedModels() const = 0;

  // Runs one policy evaluation of every deployment now (what the thread does).
  virtual void EvaluateNowForTest() = 0;
};

// The management REST API (see docs/lifecycle.md):
//   GET    /v1/registry/models                         every version
//   GET    /v1/registry/models/{m}                     versions of m
//   POST   /v1/registry/models/{m}/versions            push (files as base64 JSON; 201)
//   GET    /v1/registry/models/{m}/versions/{v}        one version
//   POST   /v1/registry/models/{m}/versions/{v}/archive
//   DELETE /v1/registry/models/{m}/versions/{v}
//   GET    /v1/deployments                             every deployment
//   GET    /v1/deployments/{m}                         spec, windows, next decision
//   GET    /v1/deployments/{m}/audit
//   POST   /v1/deployments/{m}/canary    {"version": v, "weight": w, "sticky_key": k}
//   POST   /v1/deployments/{m}/shadow    {"version": v}          (0 removes)
//   POST   /v1/deployments/{m}/promote   {"version": v, "reason": r}  (version optional)
//   POST   /v1/deployments/{m}/rollback  {"version": v, "reason": r}  (version optional)
//   POST   /v1/deployments/{m}/feedback  {"version": v, "score": s}
// Errors are {"error": "..."} with 400 (bad body, naming the field), 404
// (unknown model, version or route), 405, 409 (conflict) or 500.
struct ManagementResponse {
  int status = 200;
  std::string body;  // JSON
};
ManagementResponse HandleManagementRequest(Deployer* deployer, registry::Registry* registry,
                                           const std::string& method, const std::string& path,
                                           const std::string& body);

}  // namespace strato::deploy
