// ModelVersionImpl: one loaded, warmed-up version of a model: the backend's
// Model, its instances (owned by the scheduler), the scheduler, the stats and
// the effective config.
//
// Lifecycle: Load() returns a version that is ready to serve (warmup done);
// the manager publishes it; when replaced or unloaded, the manager's reaper
// thread calls Retire() (stop accepting, drain in-flight requests, join the
// scheduler's workers) and then drops the last reference, which destroys the
// scheduler (and instances) before the Model.
//
// Thread-safety: Infer and the accessors may be called from any thread;
// Retire may be called once from any thread (it is idempotent).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "model_config.pb.h"
#include "request_validator.h"
#include "strato/backend/backend.h"
#include "strato/scheduler/scheduler.h"
#include "strato/server/model_manager.h"

namespace strato {

struct VersionLoadArgs {
  std::shared_ptr<const inference::ModelConfig> config;  // validated, auto-completed
  const Backend* backend = nullptr;                      // outlives the version
  std::filesystem::path model_dir;
  int64_t version = 0;
  std::shared_ptr<ModelStats> stats;                     // from the StatsPool
  MetricsRegistry* metrics = nullptr;                    // may be null
  std::shared_ptr<const void> keepalive;                 // e.g. a temp model folder
  std::string identity;                                  // what was loaded; see identity()
};

class ModelVersionImpl : public ModelVersion {
 public:
  // Loads the model, creates its instances (sum of instance_group counts,
  // 0 counting as 1; 1 when there is no group), builds the scheduler and runs
  // warmup. Errors: INTERNAL when the backend fails to load or create an
  // instance, the scheduler's error, or the warmup's error; everything built
  // so far is torn down before returning.
  static StatusOr<std::shared_ptr<ModelVersionImpl>> Load(VersionLoadArgs args);

  ~ModelVersionImpl() override;

  const std::string& name() const override { return config_->name(); }
  int64_t version() const override { return version_; }
  const inference::ModelConfig& config() const override { return *config_; }
  ModelStats& stats() override { return *stats_; }
  Status Infer(std::unique_ptr<InferenceRequest>& request) override;

  // Stops accepting requests and waits for accepted ones to finish.
  void Retire();
  // Requests accepted and not yet answered (final response not sent).
  int64_t in_flight() const { return scheduler_ ? static_cast<int64_t>(scheduler_->InflightCount()) : 0; }
  // NowNs() of the last accepted request (of the load when none yet).
  uint64_t last_used_ns() const { return last_used_ns_.load(std::memory_order_relaxed); }
  // The backend's estimate of the model's memory.
  size_t memory_bytes() const { return model_ ? model_->memory_bytes() : 0; }
  // Serialized config + version folder fingerprint: equal identities mean a
  // reload of this version would load the same thing.
  const std::string& identity() const { return identity_; }

 private:
  explicit ModelVersionImpl(VersionLoadArgs args);

  // Members in destruction-safe order (destroyed bottom-up): the scheduler
  // owns the instances and must go before the Model; stats and config must
  // outlive the scheduler.
  const std::shared_ptr<const inference::ModelConfig> config_;
  const int64_t version_;
  const std::string identity_;
  const std::shared_ptr<ModelStats> stats_;
  const std::shared_ptr<const void> keepalive_;
  const RequestValidator validator_;
  std::atomic<uint64_t> last_used_ns_{NowNs()};
  std::unique_ptr<Model> model_;
  std::unique_ptr<Scheduler> scheduler_;
};

// Number of instances the config asks for (see Load).
int InstanceCount(const inference::ModelConfig& config);

}  // namespace strato
