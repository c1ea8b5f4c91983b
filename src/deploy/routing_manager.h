// RoutingManager: a ModelManager that the frontends use in place of the real
// one when deployments are managed. Every call passes through, except an
// unversioned Get() of a deployed model, which returns a RoutedVersion that
// splits traffic between production and canary and mirrors it to the shadow.
// This is the one hook where routing happens, so HTTP and gRPC (and every
// future frontend) route the same way without knowing about deployments.
//
// Thread-safety: as ModelManager (every method from any thread).
#pragma once

#include "route_state.h"
#include "strato/server/model_manager.h"

namespace strato::deploy {

class RoutingManager : public ModelManager {
 public:
  // `inner` and `table` must outlive the manager.
  RoutingManager(ModelManager* inner, const RouteTable* table) : inner_(inner), table_(table) {}

  Status Start() override { return inner_->Start(); }
  void Stop() override { inner_->Stop(); }
  // Ready only when the inner manager is and every deployment's production
  // version is loaded (or scaled to zero, which loads on the next request).
  bool Ready() const override { return NotReadyReason().empty(); }
  std::string NotReadyReason() const override;
  // An unversioned look-up of a deployed model answers for its production.
  Serving ServingState(std::string_view name, int64_t version) const override;
  StatusOr<std::shared_ptr<ModelVersion>> Get(std::string_view name, int64_t version) const override;
  std::vector<std::shared_ptr<ModelVersion>> ReadyVersions(std::string_view name) const override {
    return inner_->ReadyVersions(name);
  }
  std::vector<std::shared_ptr<ModelVersion>> AllReadyVersions() const override {
    return inner_->AllReadyVersions();
  }
  std::vector<ModelIndexEntry> Index(bool ready_only) const override { return inner_->Index(ready_only); }
  Status Load(std::string_view name, const std::optional<std::string>& config_json,
              const std::map<std::string, std::string>& files) override {
    return inner_->Load(name, config_json, files);
  }
  Status Unload(std::string_view name) override { return inner_->Unload(name); }

 private:
  ModelManager* const inner_;
  const RouteTable* const table_;
};

}  // namespace strato::deploy
