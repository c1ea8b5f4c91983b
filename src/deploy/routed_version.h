// RoutedVersion: what the frontends get from the routing manager for an
// unversioned request to a deployed model. It looks like the production
// version (name, config, stats, version) and, per request, routes to
// production or canary (sticky key or random draw), records the outcome in
// that version's window, and sends a copy to the shadow version whose answer
// is compared with the real one and then dropped.
//
// Zero-failure switching: when the version picked stopped accepting between
// look-up and Infer (it was retired by a promote or rollback), the request
// is routed again with the table's current spec, then to the highest ready
// version, before an error is returned.
//
// Thread-safety: Infer may be called from any thread; the object is
// immutable apart from what it points to.
#pragma once

#include <memory>

#include "route_state.h"
#include "strato/server/model_manager.h"

namespace strato::deploy {

class RoutedVersion : public ModelVersion {
 public:
  // `inner` and `table` must outlive the object.
  RoutedVersion(std::shared_ptr<ModelVersion> production, std::shared_ptr<const RouteState> route,
                const ModelManager* inner, const RouteTable* table)
      : production_(std::move(production)), route_(std::move(route)), inner_(inner), table_(table) {}

  const std::string& name() const override { return production_->name(); }
  int64_t version() const override { return production_->version(); }
  const inference::ModelConfig& config() const override { return production_->config(); }
  ModelStats& stats() override { return production_->stats(); }
  Status Infer(std::unique_ptr<InferenceRequest>& request) override;

 private:
  // The version that should serve `request` under `route` (falls back to
  // production when the pick is not ready).
  std::shared_ptr<ModelVersion> Pick(const RouteState& route, const InferenceRequest& request) const;
  void SendShadow(const RouteState& route, const InferenceRequest& request,
                  const std::shared_ptr<struct ShadowComparison>& comparison) const;

  const std::shared_ptr<ModelVersion> production_;
  const std::shared_ptr<const RouteState> route_;
  const ModelManager* const inner_;
  const RouteTable* const table_;
};

}  // namespace strato::deploy
