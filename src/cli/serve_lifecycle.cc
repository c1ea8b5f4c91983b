#include "serve_lifecycle.h"

namespace strato::cli {

void AddLifecycleFlags(CLI::App& app, LifecycleFlags& f) {
  app.add_option("--registry", f.registry_dir,
                 "Model registry folder: serve its deployments (published into the first "
                 "--model-repository) and the /v1/registry and /v1/deployments management API");
  app.add_option("--deploy-window-secs", f.policy.window_secs,
                 "Seconds a canary must stay healthy before automatic promotion")
      ->check(CLI::PositiveNumber);
  app.add_option("--deploy-min-requests", f.policy.min_requests,
                 "Canary answers needed before latency is judged or the canary promoted");
  app.add_option("--deploy-min-breach-requests", f.policy.min_breach_requests,
                 "Canary answers needed before its error rate is judged");
  app.add_option("--deploy-error-margin", f.policy.max_error_rate_margin,
                 "Allowed canary error rate above production's (fraction, e.g. 0.01)");
  app.add_option("--deploy-p99-margin", f.policy.p99_margin_ratio,
                 "Allowed canary p99 above production's (fraction, e.g. 0.25)");
  app.add_option("--deploy-auto-promote", f.policy.auto_promote, "Promote healthy canaries (true/false)");
  app.add_option("--deploy-auto-rollback", f.policy.auto_rollback, "Roll back breaching canaries (true/false)");
  app.add_option("--model-idle-unload-secs", f.idle_unload_secs,
                 "Scale to zero: unload a model idle this long; the next request loads it (0 = never; "
                 "config parameter idle_unload_secs overrides per model)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--model-memory-budget-bytes", f.memory_budget_bytes,
                 "Memory budget of loaded models; least recently used idle models are unloaded to fit (0 = none)");
  app.add_option("--autoscale-target-inflight", f.autoscale_target_inflight,
                 "In-flight requests per replica for the strato_model_desired_replicas hint")
      ->check(CLI::PositiveNumber);
  app.add_option("--deploy-evaluate-ms", f.evaluate_interval_ms, "Milliseconds between policy evaluations")
      ->check(CLI::PositiveNumber);
  app.add_option("--deploy-shadow-fraction", f.shadow_fraction,
                 "Fraction of requests copied to a shadow version (0..1)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--deploy-shadow-max-pending", f.shadow_max_pending,
                 "Most shadow copies queued or executing at once; more are dropped "
                 "(strato_shadow_requests_total"
                 "{result=\"dropped\"}) so a slow shadow never slows production")
      ->check(CLI::PositiveNumber);
}

void ApplyElasticFlags(const LifecycleFlags& flags, ModelManagerOptions* options) {
  options->idle_unload_secs = flags.idle_unload_secs;
  options->memory_budget_bytes = flags.memory_budget_bytes;
  options->autoscale_target_inflight = flags.autoscale_target_inflight;
}

StatusOr<std::unique_ptr<Lifecycle>> Lifecycle::Create(const LifecycleFlags& flags,
                                                       const ModelManagerOptions& manager_options,
                                                       ModelManager* inner, MetricsRegistry* metrics) {
  std::unique_ptr<Lifecycle> lifecycle(new Lifecycle());
  lifecycle->inner_ = inner;
  if (flags.registry_dir.empty()) return lifecycle;
  const auto& repositories = manager_options.repositories;
  if (repositories.empty()) return InvalidArgumentError("--registry needs a --model-repository to publish into");
  if (manager_options.control_mode == ModelControlMode::kNone) {
    return InvalidArgumentError("--registry needs --model-control-mode explicit (or poll): in mode none "
                                "deployed versions could never be loaded or unloaded");
  }
  ASSIGN_OR_RETURN(lifecycle->registry_, registry::Registry::Open(flags.registry_dir));
  deploy::DeployerOptions options;
  options.repository = repositories.front();
  options.policy = flags.policy;
  options.evaluate_interval_ms = flags.evaluate_interval_ms;
  options.shadow_fraction = flags.shadow_fraction;
  options.shadow_max_pending = flags.shadow_max_pending;
  ASSIGN_OR_RETURN(lifecycle->deployer_,
                   deploy::Deployer::Create(options, lifecycle->registry_.get(), inner, metrics));
  return lifecycle;
}

Lifecycle::~Lifecycle() { Stop(); }

ModelManager* Lifecycle::manager() const { return deployer_ ? deployer_->routing_manager() : inner_; }

void Lifecycle::AddRoutes(HttpServerOptions* options) {
  if (!deployer_) return;
  auto handler = [deployer = deployer_.get(), registry = registry_.get()](
                     const std::string& method, const std::string& target, const std::string& body) {
    auto reply = deploy::HandleManagementRequest(deployer, registry, method, target, body);
    return HttpRouteResponse{reply.status, std::move(reply.body)};
  };
  options->extra_routes.push_back({"/v1/registry", handler});
  options->extra_routes.push_back({"/v1/deployments", handler});
}

Status Lifecycle::Start() { return deployer_ ? deployer_->Start() : Status::Ok(); }

void Lifecycle::Stop() {
  if (deployer_) deployer_->Stop();
}

}  // namespace strato::cli
