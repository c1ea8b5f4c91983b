// The model-lifecycle part of `strato serve`: with --registry, a deployer
// publishes registry versions into the (first) model repository, routes
// traffic between production, canary and shadow, applies the promotion
// policy, and serves the management API on the HTTP port.
//
// Thread-safety: used by the serve command's main thread only.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "strato/core/metrics.h"
#include "strato/deploy/deployer.h"
#include "strato/frontends/http_server.h"
#include "strato/registry/registry.h"
#include "strato/server/model_manager.h"

namespace strato::cli {

struct LifecycleFlags {
  std::string registry_dir;
  deploy::PolicyOptions policy;
  int evaluate_interval_ms = 1000;
  double shadow_fraction = 1.0;
  int shadow_max_pending = 64;
  // Elastic serving (model manager options).
  int idle_unload_secs = 0;
  uint64_t memory_budget_bytes = 0;
  double autoscale_target_inflight = 16;
};

// Copies the elastic-serving flags into the model manager's options.
void ApplyElasticFlags(const LifecycleFlags& flags, ModelManagerOptions* options);

void AddLifecycleFlags(CLI::App& app, LifecycleFlags& flags);

// Owns the registry and the deployer while the server runs.
class Lifecycle {
 public:
  // Without --registry: nothing is created and manager() is `inner`.
  // INVALID_ARGUMENT with --registry in control mode none (the deployer
  // must be able to load and unload versions).
  static StatusOr<std::unique_ptr<Lifecycle>> Create(const LifecycleFlags& flags,
                                                     const ModelManagerOptions& manager_options,
                                                     ModelManager* inner, MetricsRegistry* metrics);
  ~Lifecycle();
  // The manager the frontends should use.
  ModelManager* manager() const;
  // Adds the management routes to the HTTP options (no-op without registry).
  void AddRoutes(HttpServerOptions* options);
  // After the model manager started: restores deployments, starts the policy.
  Status Start();
  void Stop();

 private:
  Lifecycle() = default;
  ModelManager* inner_ = nullptr;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<deploy::Deployer> deployer_;
};

}  // namespace strato::cli
