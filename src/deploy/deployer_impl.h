// DeployerImpl (see strato/deploy/deployer.h). deployer_impl.cc holds the
// changes (canary, shadow, promote, rollback, archive, delete) and their
// common apply step; deployer_policy.cc the policy thread, Describe and the
// route/metrics bookkeeping.
//
// Locking: a change takes its model's ModelLock (try-lock: a second change
// gets ABORTED); routes are published through the RouteTable; windows_mu_
// guards the window and shadow maps. Lock order: ModelLock, then windows_mu_.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "repository_publisher.h"
#include "route_state.h"
#include "routing_manager.h"
#include "shadow_dispatcher.h"
#include "strato/deploy/deployer.h"

namespace strato::deploy {

class DeployerImpl : public Deployer {
 public:
  DeployerImpl(DeployerOptions options, registry::Registry* registry, ModelManager* inner,
               MetricsRegistry* metrics);
  ~DeployerImpl() override { Stop(); }

  ModelManager* routing_manager() override { return &routing_; }
  Status Start() override;
  void Stop() override;
  Status SetCanary(const CanaryChange& change) override;
  Status SetShadow(const std::string& model, int64_t version, const std::string& actor) override;
  Status Promote(const std::string& model, int64_t version, const std::string& actor,
                 const std::string& reason) override;
  Status Rollback(const std::string& model, int64_t version, const std::string& actor,
                  const std::string& reason) override;
  Status Feedback(const std::string& model, int64_t version, double score) override;
  Status Archive(const std::string& model, int64_t version, const std::string& actor) override;
  Status Delete(const std::string& model, int64_t version, const std::string& actor) override;
  StatusOr<DeploymentView> Describe(const std::string& model) const override;
  std::vector<std::string> DeployedModels() const override;
  void EvaluateNowForTest() override { EvaluateAll(); }

 private:
  // One change in flight per model.
  struct ModelLock {
    std::mutex mu;
    std::string operation;  // guarded by locks_mu_
  };
  class ChangeGuard;

  // Acquires `model`'s change lock or returns ABORTED naming the change in flight.
  StatusOr<std::unique_ptr<ChangeGuard>> BeginChange(const std::string& model, const std::string& operation);
  // REQUIRES: the model's change lock. Loads what `next` adds, stores it,
  // switches the route, unloads what it drops, records the decision.
  Status ApplyLocked(const registry::DeploymentRecord& current, registry::DeploymentRecord next,
                     const std::string& action, const std::string& actor, const std::string& reason);
  // ABORTED when `version`'s config (version policy aside) differs from
  // `production`'s: they would have to share one config.pbtxt.
  Status CheckSharedConfig(const std::string& model, int64_t version, int64_t production) const;
  StatusOr<registry::DeploymentRecord> CurrentDeployment(const std::string& model) const;
  void PublishRoute(const registry::DeploymentRecord& spec, bool canary_restarted);
  std::shared_ptr<VersionWindow> WindowFor(const std::string& model, int64_t version);
  std::shared_ptr<ShadowTotals> ShadowFor(const std::string& model);
  void RecordDecision(const std::string& model, const std::string& action, const std::string& actor,
                      const std::string& reason, const registry::DeploymentRecord& from,
                      const registry::DeploymentRecord& to);
  void UpdateStages(const registry::DeploymentRecord& from, const registry::DeploymentRecord& to);
  void EvaluateAll();
  void PolicyLoop();

  const DeployerOptions options_;
  registry::Registry* const registry_;
  ModelManager* const inner_;
  MetricsRegistry* const metrics_;
  RouteTable table_;
  RoutingManager routing_;
  RepositoryPublisher publisher_;
  ShadowDispatcher shadow_dispatcher_;

  std::mutex locks_mu_;
  std::map<std::string, std::unique_ptr<ModelLock>> locks_;  // guarded by locks_mu_

  mutable std::mutex windows_mu_;
  std::map<std::pair<std::string, int64_t>, std::shared_ptr<VersionWindow>> windows_;  // guarded
  std::map<std::string, std::shared_ptr<ShadowTotals>> shadows_;                      // guarded

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
  std::thread policy_thread_;
};

// Holds a model's change lock and clears its operation name on release.
class DeployerImpl::ChangeGuard {
 public:
  ChangeGuard(DeployerImpl* owner, ModelLock* lock)
      : owner_(owner), lock_(lock), held_(lock->mu, std::adopt_lock) {}
  ~ChangeGuard();

 private:
  DeployerImpl* owner_;
  ModelLock* lock_;
  std::unique_lock<std::mutex> held_;
};

}  // namespace strato::deploy
