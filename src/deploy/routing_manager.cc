#include "routing_manager.h"

#include "routed_version.h"

namespace strato::deploy {

StatusOr<std::shared_ptr<ModelVersion>> RoutingManager::Get(std::string_view name, int64_t version) const {
  if (version > 0) return inner_->Get(name, version);
  std::shared_ptr<const RouteState> route = table_->Find(name);
  if (!route || route->spec.production <= 0) return inner_->Get(name, version);
  auto production = inner_->Get(name, route->spec.production);
  // Production not ready (still loading after a restart): serve what is.
  if (!production.ok()) production = inner_->Get(name, -1);
  if (!production.ok()) return production.status();
  return std::shared_ptr<ModelVersion>(
      std::make_shared<RoutedVersion>(std::move(production).value(), std::move(route), inner_, table_));
}

std::string RoutingManager::NotReadyReason() const {
  std::string reason = inner_->NotReadyReason();
  if (!reason.empty()) return reason;
  if (!table_->listed()) return "deployments are not restored from the registry yet";
  std::string missing;
  for (const auto& [model, production] : table_->Expected()) {
    if (production <= 0 || inner_->ServingState(model, production) != Serving::kNo) continue;
    if (!missing.empty()) missing += ", ";
    missing += model + ":" + std::to_string(production);
  }
  if (missing.empty()) return "";
  return "deployed production versions not loaded yet: " + missing;
}

ModelManager::Serving RoutingManager::ServingState(std::string_view name, int64_t version) const {
  if (version <= 0) {
    std::shared_ptr<const RouteState> route = table_->Find(name);
    if (route && route->spec.production > 0) {
      const Serving production = inner_->ServingState(name, route->spec.production);
      if (production != Serving::kNo) return production;
    }
  }
  return inner_->ServingState(name, version);
}

}  // namespace strato::deploy
