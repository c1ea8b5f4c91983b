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

}  // namespace strato::deploy
