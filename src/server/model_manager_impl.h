// ModelManagerImpl: the ModelManager (see strato/server/model_manager.h).
//
// State: one ModelEntry per model name, holding the serving set (version ->
// ready ModelVersionImpl) and the per-version status of the last load. Readers
// (Get, ReadyVersions, Index) take mu_ shared for a map look-up only; a load
// builds and warms its versions without mu_ and then takes mu_ exclusively
// just to swap the serving set. Replaced versions go to the VersionReaper.
//
// Loads, unloads and polls are serialised by load_mu_ (one at a time), so the
// entries they compare against cannot change under them.
//
// Lock order: load_mu_ before mu_; never call into a version or the reaper's
// blocking waits while holding mu_.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "model_loader.h"
#include "model_version_impl.h"
#include "repository.h"
#include "stats_pool.h"
#include "strato/server/model_manager.h"
#include "version_reaper.h"

namespace strato {

class ModelManagerImpl : public ModelManager {
 public:
  ModelManagerImpl(ModelManagerOptions options, const BackendRegistry* backends,
                   MetricsRegistry* metrics);
  ~ModelManagerImpl() override;

  Status Start() override;
  void Stop() override;
  bool Ready() const override;
  std::string NotReadyReason() const override;
  Serving ServingState(std::string_view name, int64_t version) const override;
  StatusOr<std::shared_ptr<ModelVersion>> Get(std::string_view name,
                                              int64_t version) const override;
  std::vector<std::shared_ptr<ModelVersion>> ReadyVersions(std::string_view name) const override;
  std::vector<std::shared_ptr<ModelVersion>> AllReadyVersions() const override;
  std::vector<ModelIndexEntry> Index(bool ready_only) const override;
  Status Load(std::string_view name, const std::optional<std::string>& config_json,
              const std::map<std::string, std::string>& files) override;
  Status Unload(std::string_view name) override;

  // Runs one repository poll now (what the poll thread does every interval).
  void PollForTest();

 private:
  struct VersionStatus {
    std::string state;   // "LOADING" or "UNAVAILABLE" (serving versions are READY)
    std::string reason;
  };
  struct ModelEntry {
    std::map<int64_t, std::shared_ptr<ModelVersionImpl>> serving;
    std::map<int64_t, VersionStatus> status;  // of versions the last load touched
    std::string reason;                       // model-level error of the last load
    std::string fingerprint;                  // repository state of the last attempt
    bool requested = false;                   // asked to load (counts for Ready)
    bool cold = false;                        // unloaded for idleness or memory; loads on demand
    int idle_unload_secs = -1;                // config parameter; -1 = the manager's option
  };
  // Autoscaling signal state of one model (elastic thread only).
  struct AutoscaleState {
    std::vector<int64_t> inflight_samples;  // ring of recent in-flight counts
    size_t next_sample = 0;
    uint64_t queue_count = 0;               // totals at the previous tick
    uint64_t queue_ns = 0;
  };

  // REQUIRES: load_mu_ held. Scans and stores the scan in scanned_.
  std::map<std::string, ScannedModel> RescanLocked();
  // REQUIRES: load_mu_ held. Loads or reloads `request.name`.
  Status LoadLocked(const LoadRequest& request, const std::string& fingerprint);
  // REQUIRES: load_mu_ held. Loads the selected versions, reusing unchanged
  // serving ones; all or nothing: on error `out` is empty and `status` holds
  // each failed version's reason.
  Status LoadVersionsLocked(const PreparedModel& prepared,
                            std::map<int64_t, std::shared_ptr<ModelVersionImpl>>* out,
                            std::map<int64_t, VersionStatus>* status);
  // REQUIRES: load_mu_ held. Unloads; `forget` also drops the entry.
  Status UnloadLocked(const std::string& name, bool forget);
  void RecordFailure(const std::string& name, const std::string& fingerprint, const Status& error,
                     const std::map<int64_t, VersionStatus>& status);
  void PollLocked();
  void PollLoop();

  // Scale to zero and the memory budget (elastic.cc).
  // Loads a cold model for Get(); returns at once when it is not cold.
  Status LoadCold(const std::string& name);
  // REQUIRES: load_mu_ held. Makes room for `need` bytes (what `name` is
  // about to serve) under the memory budget by unloading the least recently
  // used idle models; `what` says how `need` was found (for the errors).
  Status EnforceBudgetLocked(const std::string& name, uint64_t need, const std::string& what);
  // REQUIRES: load_mu_ held. The memory `prepared`'s versions will take:
  // the measured size of a version loaded before with the same identity,
  // else the size of its files.
  uint64_t EstimateBytesLocked(const PreparedModel& prepared) const;
  // REQUIRES: load_mu_ held. Remembers the measured sizes of `loaded`.
  void RecordMeasuredLocked(const std::map<int64_t, std::shared_ptr<ModelVersionImpl>>& loaded);
  // REQUIRES: load_mu_ held. Unloads `name` and marks it cold.
  void UnloadColdLocked(const std::string& name, const std::string& why);
  void ElasticLoop();
  void UnloadIdleModels();
  void UpdateAutoscaleMetrics();
  // Memory of every serving version of models other than `except`.
  uint64_t MemoryInUse(std::string_view except) const;

  const ModelManagerOptions options_;
  const BackendRegistry* const backends_;
  MetricsRegistry* const metrics_;
  StatsPool stats_pool_;
  VersionReaper reaper_;

  std::mutex load_mu_;  // serialises Start/Load/Unload/poll/Stop

  mutable std::shared_mutex mu_;
  std::map<std::string, ModelEntry, std::less<>> models_;         // guarded by mu_
  std::map<std::string, ScannedModel, std::less<>> scanned_;      // guarded by mu_
  bool started_ = false;                                           // guarded by mu_
  std::atomic<bool> stopping_{false};

  std::mutex poll_mu_;
  std::condition_variable poll_cv_;  // wakes the poll and elastic threads for Stop
  std::thread poll_thread_;
  std::thread elastic_thread_;
  std::map<std::string, AutoscaleState> autoscale_;  // elastic thread only
  // Measured Model::memory_bytes() by version identity, to estimate reloads
  // (cold starts) before loading. Guarded by load_mu_.
  std::map<std::string, uint64_t> measured_bytes_;
  // Get() is const for its callers but loads cold models on demand.
  ModelManagerImpl* const self_ = this;
};

}  // namespace strato
