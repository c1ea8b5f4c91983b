// DeployerImpl: start/stop, the policy thread, routes, windows, metrics and
// the audit record of every decision.
#include <chrono>
#include <cstdio>

#include "deployer_impl.h"
#include "strato/core/logging.h"

namespace strato::deploy {
namespace {

using registry::DeploymentRecord;

std::string SpecJson(const DeploymentRecord& d) {
  char buffer[256];
  std::snprintf(buffer, sizeof(buffer),
                "{\"production\":%lld,\"canary\":%lld,\"canary_weight\":%g,\"shadow\":%lld}",
                static_cast<long long>(d.production), static_cast<long long>(d.canary), d.canary_weight,
                static_cast<long long>(d.shadow));
  return buffer;
}

std::string StatsJson(const WindowStats& s) {
  char buffer[160];
  std::snprintf(buffer, sizeof(buffer), "{\"requests\":%lld,\"errors\":%lld,\"p99_us\":%.0f}",
                static_cast<long long>(s.requests), static_cast<long long>(s.errors), s.p99_us);
  return buffer;
}

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out.push_back(c);
  }
  return out;
}

int WindowSeconds(const PolicyOptions& policy) {
  return std::max(1, static_cast<int>(policy.window_secs + 0.999));
}

}  // namespace

Status DeployerImpl::Start() {
  ASSIGN_OR_RETURN(auto deployments, registry_->ListDeployments());
  // Readiness waits for every deployed production version from here on.
  for (const auto& d : deployments) table_.ExpectProduction(d.model, d.production);
  table_.MarkListed();
  // Changes requested while a deployment is restored are refused (409)
  // rather than interleaved with it.
  std::map<std::string, std::unique_ptr<ChangeGuard>> guards;
  for (const auto& d : deployments) {
    auto guard = BeginChange(d.model, "restoring the deployment after a restart");
    if (guard.ok()) guards[d.model] = std::move(guard).value();
  }
  // 1. Production first, for every model: it serves as soon as it is loaded,
  //    whatever canary or shadow still has to load.
  std::set<std::string> serving;
  for (const auto& d : deployments) {
    if (d.production <= 0) continue;
    Status published =
        publisher_.Publish(d.model, {d.production}, d.production, /*remove_others=*/false);
    if (!published.ok()) {
      LogError("could not restore the production version",
               {{"model", d.model}, {"error", published.ToString()}});
      continue;
    }
    DeploymentRecord production_only = d;
    production_only.canary = 0;
    production_only.canary_weight = 0;
    production_only.shadow = 0;
    PublishRoute(production_only, true);
    serving.insert(d.model);
  }
  // 2. Then the canaries and shadows join, each once it has loaded.
  for (const auto& d : deployments) {
    std::set<int64_t> versions;
    for (int64_t v : {d.production, d.canary, d.shadow}) {
      if (v > 0) versions.insert(v);
    }
    if (versions.empty() || !serving.contains(d.model)) continue;
    if (versions.size() > 1) {
      Status published =
          publisher_.Publish(d.model, versions, d.production, /*remove_others=*/true);
      if (!published.ok()) {
        LogError("could not restore the canary or shadow; production serves alone",
                 {{"model", d.model}, {"error", published.ToString()}});
        // Reload production alone so that the failed version leaves no folder
        // and no UNAVAILABLE entry behind.
        (void)publisher_.Publish(d.model, {d.production}, d.production, /*remove_others=*/true);
        guards.erase(d.model);
        continue;
      }
    }
    PublishRoute(d, true);
    guards.erase(d.model);
    LogInfo("deployment restored", {{"model", d.model}, {"spec", SpecJson(d)}});
  }
  guards.clear();
  policy_thread_ = std::thread([this] { PolicyLoop(); });
  return Status::Ok();
}

void DeployerImpl::Stop() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (policy_thread_.joinable()) policy_thread_.join();
}

std::shared_ptr<VersionWindow> DeployerImpl::WindowFor(const std::string& model, int64_t version) {
  std::lock_guard<std::mutex> lock(windows_mu_);
  auto& slot = windows_[{model, version}];
  if (!slot) slot = std::make_shared<VersionWindow>();
  return slot;
}

std::shared_ptr<ShadowTotals> DeployerImpl::ShadowFor(const std::string& model) {
  std::lock_guard<std::mutex> lock(windows_mu_);
  auto& slot = shadows_[model];
  if (!slot) {
    slot = std::make_shared<ShadowTotals>();
    if (metrics_ != nullptr) {
      const char* help = "Shadow answers compared with production's, by result.";
      slot->matched_counter = metrics_->GetCounter("strato_shadow_comparisons_total", help,
                                                   {{"model", model}, {"result", "match"}});
      slot->mismatched_counter = metrics_->GetCounter("strato_shadow_comparisons_total", help,
                                                      {{"model", model}, {"result", "mismatch"}});
      slot->failed_counter = metrics_->GetCounter("strato_shadow_comparisons_total", help,
                                                  {{"model", model}, {"result", "shadow_failed"}});
      const char* requests_help =
          "Shadow copies by result (dropped: not sent, the shadow queue was full); not part of "
          "nv_inference_request_*.";
      slot->shadow_success_counter = metrics_->GetCounter(
          "strato_shadow_requests_total", requests_help, {{"model", model}, {"result", "success"}});
      slot->shadow_failure_counter = metrics_->GetCounter(
          "strato_shadow_requests_total", requests_help, {{"model", model}, {"result", "failure"}});
      slot->shadow_dropped_counter = metrics_->GetCounter(
          "strato_shadow_requests_total", requests_help, {{"model", model}, {"result", "dropped"}});
    }
  }
  return slot;
}

void DeployerImpl::PublishRoute(const DeploymentRecord& spec, bool canary_restarted) {
  table_.ExpectProduction(spec.model, spec.production);
  auto state = std::make_shared<RouteState>();
  state->spec = spec;
  auto previous = table_.Find(spec.model);
  state->canary_since_ns = canary_restarted || !previous ? NowNs() : previous->canary_since_ns;
  for (int64_t v : {spec.production, spec.canary, spec.shadow}) {
    if (v > 0) state->windows[v] = WindowFor(spec.model, v);
  }
  // A new canary is judged on its own answers only.
  if (canary_restarted && spec.canary > 0) state->windows[spec.canary]->Reset();
  state->shadow = ShadowFor(spec.model);
  state->shadow_dispatcher = &shadow_dispatcher_;
  state->shadow_fraction = options_.shadow_fraction;
  if (metrics_ != nullptr) {
    const char* help = "Requests routed by the deployer, by role.";
    state->production_requests = metrics_->GetCounter("strato_deployment_routed_requests_total", help,
                                                      {{"model", spec.model}, {"role", "production"}});
    state->canary_requests = metrics_->GetCounter("strato_deployment_routed_requests_total", help,
                                                  {{"model", spec.model}, {"role", "canary"}});
    metrics_->GetGauge("strato_deployment_canary_weight", "Fraction of traffic sent to the canary.",
                       {{"model", spec.model}})->Set(spec.canary > 0 ? spec.canary_weight : 0);
    metrics_->GetGauge("strato_deployment_production_version", "Version serving production traffic.",
                       {{"model", spec.model}})->Set(static_cast<double>(spec.production));
    metrics_->GetGauge("strato_deployment_canary_version", "Canary version (0 = none).",
                       {{"model", spec.model}})->Set(static_cast<double>(spec.canary));
  }
  table_.Set(spec.model, std::move(state));
}

void DeployerImpl::RecordDecision(const std::string& model, const std::string& action, const std::string& actor,
                                  const std::string& reason, const DeploymentRecord& from,
                                  const DeploymentRecord& to) {
  std::string detail = "{\"from\":" + SpecJson(from) + ",\"to\":" + SpecJson(to) + ",\"reason\":\"" +
                       Escape(reason) + "\"";
  if (from.canary > 0) {
    const uint64_t now = NowNs();
    const int seconds = WindowSeconds(options_.policy);
    detail += ",\"production_window\":" + StatsJson(WindowFor(model, from.production)->Snapshot(now, seconds));
    detail += ",\"canary_window\":" + StatsJson(WindowFor(model, from.canary)->Snapshot(now, seconds));
  }
  detail += "}";
  Status stored = registry_->AppendAudit({0, 0, model, action, actor, detail});
  if (!stored.ok()) LogError("could not write the audit log", {{"error", stored.ToString()}});
  LogInfo("deployment change", {{"model", model}, {"action", action}, {"actor", actor}, {"detail", detail}});
  if (metrics_ != nullptr) {
    metrics_->GetCounter("strato_deployment_changes_total", "Deployment changes, by action and by who decided.",
                         {{"model", model}, {"action", action}, {"by", actor == "policy" ? "policy" : "user"}})
        ->Increment();
  }
}

void DeployerImpl::EvaluateAll() {
  for (const std::string& model : DeployedModels()) {
    auto route = table_.Find(model);
    if (!route || route->spec.canary <= 0) continue;
    auto view = Describe(model);
    if (!view.ok()) continue;
    const PolicyDecision& decision = view->next;
    if (decision.decision == Decision::kWait) continue;
    const Status applied = decision.decision == Decision::kPromote
                               ? Promote(model, 0, "policy", decision.reason)
                               : Rollback(model, 0, "policy", decision.reason);
    if (!applied.ok() && applied.code() != StatusCode::kAborted) {
      LogWarning("policy decision failed", {{"model", model},
                                            {"decision", DecisionName(decision.decision)},
                                            {"error", applied.ToString()}});
    }
  }
}

void DeployerImpl::PolicyLoop() {
  const auto interval = std::chrono::milliseconds(std::max(50, options_.evaluate_interval_ms));
  while (true) {
    {
      std::unique_lock<std::mutex> lock(stop_mu_);
      if (stop_cv_.wait_for(lock, interval, [this] { return stopping_; })) return;
    }
    EvaluateAll();
  }
}

StatusOr<DeploymentView> DeployerImpl::Describe(const std::string& model) const {
  ASSIGN_OR_RETURN(auto stored, registry_->GetDeployment(model));
  if (!stored) return NotFoundError("model '" + model + "' has no deployment");
  DeploymentView view;
  view.spec = *stored;
  auto route = table_.Find(model);
  if (!route) return view;
  const uint64_t now = NowNs();
  const int seconds = WindowSeconds(options_.policy);
  if (auto* w = route->WindowFor(view.spec.production)) view.production = w->Snapshot(now, seconds);
  if (auto* w = route->WindowFor(view.spec.canary); w && view.spec.canary > 0) view.canary = w->Snapshot(now, seconds);
  if (auto* w = route->WindowFor(view.spec.shadow); w && view.spec.shadow > 0) view.shadow = w->Snapshot(now, seconds);
  if (route->shadow) {
    view.shadow_compared = route->shadow->compared;
    view.shadow_mismatched = route->shadow->mismatched;
    view.shadow_failed = route->shadow->failed;
    view.shadow_dropped = route->shadow->dropped;
  }
  if (view.spec.canary > 0) {
    // Only time with traffic counts (not an idle night, not the time after a
    // restart before requests came): whole seconds with canary answers.
    const double wall_secs = static_cast<double>(now - route->canary_since_ns) / 1e9;
    const VersionWindow* canary_window = route->WindowFor(view.spec.canary);
    const double active = canary_window ? static_cast<double>(canary_window->ActiveSeconds()) : 0.0;
    view.canary_age_secs = std::min(wall_secs, active);
    view.next = EvaluateCanary(view.production, view.canary, view.canary_age_secs, options_.policy);
  } else {
    view.next = {Decision::kWait, "no canary"};
  }
  return view;
}

std::vector<std::string> DeployerImpl::DeployedModels() const {
  std::vector<std::string> out;
  auto deployments = registry_->ListDeployments();
  if (!deployments.ok()) return out;
  for (const auto& d : *deployments) out.push_back(d.model);
  return out;
}

}  // namespace strato::deploy
