#include "deployer_impl.h"

#include <algorithm>

#include "strato/core/logging.h"

namespace strato::deploy {
namespace {

using registry::DeploymentRecord;

std::set<int64_t> VersionsOf(const DeploymentRecord& d) {
  std::set<int64_t> out;
  for (int64_t v : {d.production, d.canary, d.shadow}) {
    if (v > 0) out.insert(v);
  }
  return out;
}

std::string Name(const std::string& model, int64_t version) { return model + ":" + std::to_string(version); }

}  // namespace

DeployerImpl::ChangeGuard::~ChangeGuard() {
  std::lock_guard<std::mutex> l(owner_->locks_mu_);
  lock_->operation.clear();
}

DeployerImpl::DeployerImpl(DeployerOptions options, registry::Registry* registry,
                           ModelManager* inner, MetricsRegistry* metrics)
    : options_(std::move(options)),
      registry_(registry),
      inner_(inner),
      metrics_(metrics),
      routing_(inner, &table_),
      publisher_(options_.repository, registry, inner, options_.load_timeout_secs),
      shadow_dispatcher_(static_cast<size_t>(std::max(1, options_.shadow_max_pending))) {}

StatusOr<std::unique_ptr<DeployerImpl::ChangeGuard>> DeployerImpl::BeginChange(const std::string& model,
                                                                               const std::string& operation) {
  ModelLock* lock = nullptr;
  {
    std::lock_guard<std::mutex> l(locks_mu_);
    auto& slot = locks_[model];
    if (!slot) slot = std::make_unique<ModelLock>();
    lock = slot.get();
    if (!lock->mu.try_lock()) {
      return AbortedError("conflict: another deployment change of '" + model + "' is in progress (" +
                          lock->operation + "); retry when it has finished");
    }
    lock->operation = operation;
  }
  return std::make_unique<ChangeGuard>(this, lock);
}

StatusOr<DeploymentRecord> DeployerImpl::CurrentDeployment(const std::string& model) const {
  ASSIGN_OR_RETURN(auto stored, registry_->GetDeployment(model));
  if (stored) return *stored;
  DeploymentRecord empty;
  empty.model = model;
  return empty;
}

Status DeployerImpl::ApplyLocked(const DeploymentRecord& current, DeploymentRecord next, const std::string& action,
                                 const std::string& actor, const std::string& reason) {
  const std::set<int64_t> before = VersionsOf(current);
  const std::set<int64_t> after = VersionsOf(next);
  std::set<int64_t> both = before;
  both.insert(after.begin(), after.end());
  // 1. Load what is new beside what serves (nothing switches yet).
  if (both != before) {
    Status published = publisher_.Publish(next.model, both, next.production);
    if (!published.ok()) {
      // Leave no trace of the failed version: no folder, no UNAVAILABLE
      // entry in the repository index, the serving set reloaded as it was.
      Status undone = before.empty() ? publisher_.Withdraw(next.model)
                                     : publisher_.Publish(next.model, before, current.production);
      if (!undone.ok()) {
        LogWarning("could not clean up after a failed change",
                   {{"model", next.model}, {"error", undone.ToString()}});
      }
      return published;
    }
  }
  // 2. Store the new spec (fails on a concurrent change by another process).
  Status stored = registry_->PutDeployment(next, current.generation);
  if (!stored.ok()) {
    if (!before.empty() && both != before) (void)publisher_.Publish(next.model, before, current.production);
    return stored;
  }
  next.generation = current.generation + 1;
  // 3. Switch the route; 4. unload what is no longer deployed.
  PublishRoute(next, next.canary != current.canary);
  UpdateStages(current, next);
  RecordDecision(next.model, action, actor, reason, current, next);
  if (both != after) {
    Status trimmed = publisher_.Publish(next.model, after, next.production);
    if (!trimmed.ok()) {
      LogWarning("could not unload undeployed versions", {{"model", next.model}, {"error", trimmed.ToString()}});
    }
  }
  return Status::Ok();
}

Status DeployerImpl::CheckSharedConfig(const std::string& model, int64_t version, int64_t production) const {
  ASSIGN_OR_RETURN(registry::VersionRecord candidate, registry_->Get(model, version));
  ASSIGN_OR_RETURN(registry::VersionRecord serving, registry_->Get(model, production));
  ASSIGN_OR_RETURN(std::string a, publisher_.RenderConfig(candidate, {}));
  ASSIGN_OR_RETURN(std::string b, publisher_.RenderConfig(serving, {}));
  if (a == b) return Status::Ok();
  return AbortedError("the config of " + Name(model, version) + " differs from production " + Name(model, production) +
                      "'s; the versions of a model share one config.pbtxt (Triton's layout), so a config change "
                      "cannot run beside production: promote it directly (strato model promote " + model + " " +
                      std::to_string(version) + "), which switches only once it has loaded");
}

Status DeployerImpl::SetCanary(const CanaryChange& change) {
  if (!(change.weight >= 0 && change.weight <= 1)) {
    return InvalidArgumentError("weight must be within [0, 1], got " + std::to_string(change.weight));
  }
  RETURN_IF_ERROR(registry_->Get(change.model, change.version).status());
  ASSIGN_OR_RETURN(auto guard, BeginChange(change.model, "canary " + Name(change.model, change.version)));
  ASSIGN_OR_RETURN(DeploymentRecord current, CurrentDeployment(change.model));
  if (current.production <= 0) {
    return AbortedError("model '" + change.model + "' has no production version; promote one first "
                        "(strato model promote " + change.model + " VERSION)");
  }
  if (change.version == current.production) {
    return InvalidArgumentError(Name(change.model, change.version) + " is already production");
  }
  RETURN_IF_ERROR(CheckSharedConfig(change.model, change.version, current.production));
  DeploymentRecord next = current;
  next.canary = change.version;
  next.canary_weight = change.weight;
  next.sticky_key = change.sticky_key;
  return ApplyLocked(current, next, "canary", change.actor,
                     "weight " + std::to_string(change.weight) +
                         (change.sticky_key.empty() ? "" : ", sticky key " + change.sticky_key));
}

Status DeployerImpl::SetShadow(const std::string& model, int64_t version, const std::string& actor) {
  if (version < 0) return InvalidArgumentError("version must be positive (0 removes the shadow)");
  if (version > 0) RETURN_IF_ERROR(registry_->Get(model, version).status());
  ASSIGN_OR_RETURN(auto guard, BeginChange(model, "shadow " + Name(model, version)));
  ASSIGN_OR_RETURN(DeploymentRecord current, CurrentDeployment(model));
  if (current.production <= 0) {
    return AbortedError("model '" + model + "' has no production version to shadow; promote one first");
  }
  if (version > 0) RETURN_IF_ERROR(CheckSharedConfig(model, version, current.production));
  DeploymentRecord next = current;
  next.shadow = version;
  return ApplyLocked(current, next, version > 0 ? "shadow" : "unshadow", actor, "");
}

Status DeployerImpl::Promote(const std::string& model, int64_t version, const std::string& actor,
                             const std::string& reason) {
  if (version < 0) return InvalidArgumentError("version must be positive");
  if (version > 0) RETURN_IF_ERROR(registry_->Get(model, version).status());
  ASSIGN_OR_RETURN(auto guard, BeginChange(model, "promote"));
  ASSIGN_OR_RETURN(DeploymentRecord current, CurrentDeployment(model));
  const int64_t target = version > 0 ? version : current.canary;
  if (target <= 0) {
    return AbortedError("nothing to promote: model '" + model +
                        "' has no canary; name the version to make production");
  }
  if (target == current.production) return AbortedError(Name(model, target) + " is already production");
  DeploymentRecord next = current;
  next.production = target;
  next.canary = 0;
  next.canary_weight = 0;
  if (next.shadow == target) next.shadow = 0;
  return ApplyLocked(current, next, "promote", actor, reason);
}

Status DeployerImpl::Rollback(const std::string& model, int64_t version, const std::string& actor,
                              const std::string& reason) {
  if (version < 0) return InvalidArgumentError("version must be positive");
  if (version > 0) RETURN_IF_ERROR(registry_->Get(model, version).status());
  ASSIGN_OR_RETURN(auto guard, BeginChange(model, "rollback"));
  ASSIGN_OR_RETURN(DeploymentRecord current, CurrentDeployment(model));
  if (current.production <= 0) return NotFoundError("model '" + model + "' has no deployment");
  DeploymentRecord next = current;
  if (version == 0) {
    if (current.canary <= 0) {
      return AbortedError("nothing to roll back: model '" + model +
                          "' has no canary; name the version to make production again");
    }
    next.canary = 0;
    next.canary_weight = 0;
  } else {
    if (version == current.production) return AbortedError(Name(model, version) + " is already production");
    next.production = version;
    if (next.canary == version) {
      next.canary = 0;
      next.canary_weight = 0;
    }
  }
  return ApplyLocked(current, next, "rollback", actor, reason);
}

Status DeployerImpl::Feedback(const std::string& model, int64_t version, double score) {
  if (!(score >= 0 && score <= 1)) return InvalidArgumentError("score must be within [0, 1]");
  ASSIGN_OR_RETURN(DeploymentRecord current, CurrentDeployment(model));
  if (VersionsOf(current).count(version) == 0) {
    return NotFoundError(Name(model, version) + " is not deployed; feedback is for deployed versions");
  }
  WindowFor(model, version)->RecordQuality(NowNs(), score);
  return Status::Ok();
}

Status DeployerImpl::Archive(const std::string& model, int64_t version, const std::string& actor) {
  RETURN_IF_ERROR(registry_->Get(model, version).status());
  ASSIGN_OR_RETURN(auto guard, BeginChange(model, "archive"));
  ASSIGN_OR_RETURN(DeploymentRecord current, CurrentDeployment(model));
  if (VersionsOf(current).count(version) != 0) {
    return AbortedError("cannot archive " + Name(model, version) +
                        ": it serves traffic; promote or roll back another version first");
  }
  RETURN_IF_ERROR(registry_->SetStage(model, version, registry::Stage::kArchived));
  RecordDecision(model, "archive", actor, "version " + std::to_string(version), current, current);
  return Status::Ok();
}

Status DeployerImpl::Delete(const std::string& model, int64_t version, const std::string& actor) {
  ASSIGN_OR_RETURN(auto guard, BeginChange(model, "delete"));
  RETURN_IF_ERROR(registry_->Delete(model, version));
  ASSIGN_OR_RETURN(DeploymentRecord current, CurrentDeployment(model));
  RecordDecision(model, "delete", actor, "version " + std::to_string(version), current, current);
  return Status::Ok();
}

void DeployerImpl::UpdateStages(const DeploymentRecord& from, const DeploymentRecord& to) {
  using registry::Stage;
  for (int64_t v : VersionsOf(from)) {
    if (VersionsOf(to).count(v) == 0) (void)registry_->SetStage(to.model, v, Stage::kArchived);
  }
  if (to.production > 0) (void)registry_->SetStage(to.model, to.production, Stage::kProduction);
  if (to.canary > 0) (void)registry_->SetStage(to.model, to.canary, Stage::kCanary);
  if (to.shadow > 0 && to.shadow != to.production && to.shadow != to.canary) {
    (void)registry_->SetStage(to.model, to.shadow, Stage::kStaging);
  }
}

StatusOr<std::unique_ptr<Deployer>> Deployer::Create(DeployerOptions options, registry::Registry* registry,
                                                     ModelManager* inner, MetricsRegistry* metrics) {
  if (registry == nullptr || inner == nullptr) return InvalidArgumentError("deployer needs a registry and a model manager");
  if (options.repository.empty()) return InvalidArgumentError("deployer needs the model repository folder");
  return std::unique_ptr<Deployer>(std::make_unique<DeployerImpl>(std::move(options), registry, inner, metrics));
}

}  // namespace strato::deploy
