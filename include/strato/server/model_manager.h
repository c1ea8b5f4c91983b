// The model manager: finds models in one or more Triton-style repositories,
// loads the versions their version policy selects, serves requests to them,
// and reloads them without downtime.
//
// Repository layout: <repo>/<model>/config.pbtxt and numbered version folders
// <repo>/<model>/<N>/. A model name must be unique across repositories.
//
// Control modes (Triton's): kNone loads every model at start and never
// changes; kPoll also rescans every poll interval and applies changes;
// kExplicit loads only --load-model names at start and then only what the
// repository API asks.
//
// Zero-downtime reload: a new or changed version is loaded and warmed up
// while the current one keeps serving; then Get() starts returning the new
// one; requests already accepted by the old one finish on it; then it is
// unloaded (off the request path, on the manager's own thread). A load that
// fails leaves the serving versions untouched, and its error is shown by
// Index() and logged.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model_config.pb.h"
#include "strato/backend/backend.h"
#include "strato/core/metrics.h"
#include "strato/core/model_stats.h"
#include "strato/core/status.h"

namespace strato {

enum class ModelControlMode { kNone, kPoll, kExplicit };

struct ModelManagerOptions {
  std::vector<std::string> repositories;
  ModelControlMode control_mode = ModelControlMode::kNone;
  int repository_poll_secs = 15;
  std::vector<std::string> startup_models;  // kExplicit: names to load at start; "*" = all
  bool strict_readiness = true;              // server ready only when every model loaded
  // Scale to zero: unload a model whose versions had no request for this
  // many seconds (0 = never). A model's config parameter "idle_unload_secs"
  // overrides it. The next request for an idle-unloaded (or evicted) model
  // waits while it loads again, then is served: it never fails for being cold.
  int idle_unload_secs = 0;
  // Memory budget over every loaded version's Model::memory_bytes() (0 = no
  // budget). A load that would exceed it first unloads the least recently
  // used idle models; a model that cannot fit even alone fails to load with
  // RESOURCE_EXHAUSTED naming its size and the budget.
  uint64_t memory_budget_bytes = 0;
  // Autoscaling hint: in-flight requests one replica should carry; the
  // desired-replicas metric is ceil(mean in-flight / this).
  double autoscale_target_inflight = 16;
};

// One loaded version of a model. Held by shared_ptr while in use; the
// manager retires it (drain, then unload) when it is replaced or unloaded.
class ModelVersion {
 public:
  virtual ~ModelVersion() = default;
  virtual const std::string& name() const = 0;
  virtual int64_t version() const = 0;
  // The effective (validated, auto-completed) config.
  virtual const inference::ModelConfig& config() const = 0;
  virtual ModelStats& stats() = 0;

  // Validates `request` against the config (inputs present, known and of the
  // right datatype and shape, batch size within max_batch_size, requested
  // outputs known) and enqueues it. On success takes the request (sets it
  // to null). On error leaves it with the caller, nothing sent: the caller
  // answers with the returned Status (INVALID_ARGUMENT naming the input and
  // the problem, UNAVAILABLE when the queue is full or the version retiring).
  virtual Status Infer(std::unique_ptr<InferenceRequest>& request) = 0;
};

struct ModelIndexEntry {
  std::string name;
  std::string version;  // empty when the model has no version loaded/known
  std::string state;    // "READY", "UNAVAILABLE", "LOADING", "UNLOADING"
  std::string reason;   // why UNAVAILABLE (load error), or empty
};

class ModelManager {
 public:
  virtual ~ModelManager() = default;

  // Loads the start-up models (per control mode) and starts polling.
  // Returns an error only for unusable options (missing repository folder);
  // models that fail to load are reported by Index() and make Ready() false
  // under strict readiness.
  virtual Status Start() = 0;
  // Stops polling, drains and unloads every model. Idempotent.
  virtual void Stop() = 0;

  // Started, not stopping, and (under strict readiness) every model that was
  // asked to load is ready.
  virtual bool Ready() const = 0;
  // Why Ready() is false, naming what is missing ("model 'x' is not loaded:
  // ..."); empty when ready. For the readiness endpoints' answers.
  virtual std::string NotReadyReason() const {
    return Ready() ? std::string() : "the server is not ready";
  }

  // Whether (name, version) can answer without failing, WITHOUT loading
  // anything (readiness probes must not wake a scaled-to-zero model).
  // version <= 0 means the version an unversioned request would get.
  enum class Serving { kNo, kLoaded, kScaledToZero };
  virtual Serving ServingState(std::string_view name, int64_t version) const {
    return Get(name, version).ok() ? Serving::kLoaded : Serving::kNo;
  }

  // The version to serve for (name, version); version <= 0 picks the highest
  // ready version. NOT_FOUND names the unknown model or version;
  // UNAVAILABLE when the model is known but not ready.
  virtual StatusOr<std::shared_ptr<ModelVersion>> Get(std::string_view name,
                                                      int64_t version) const = 0;
  // Every ready version of `name`, ascending (empty when none).
  virtual std::vector<std::shared_ptr<ModelVersion>> ReadyVersions(std::string_view name) const = 0;
  // Every ready version of every model (for statistics over all models).
  virtual std::vector<std::shared_ptr<ModelVersion>> AllReadyVersions() const = 0;

  // Repository index: every model found in the repositories (and loaded
  // ones), one entry per version known, sorted by name then version.
  virtual std::vector<ModelIndexEntry> Index(bool ready_only) const = 0;

  // Loads (or reloads) `name`, blocking until its versions are ready or the
  // load failed. `config_json`, when set, replaces config.pbtxt (Triton's
  // load-with-config); `files` maps "file:<version>/<name>" to contents and
  // requires config_json. Errors: NOT_FOUND (no such model), INVALID_ARGUMENT
  // (bad config, with file, line and field), INTERNAL (backend load failed).
  virtual Status Load(std::string_view name, const std::optional<std::string>& config_json,
                      const std::map<std::string, std::string>& files) = 0;
  // Unloads every version of `name` (requests in flight finish first).
  // NOT_FOUND if the model is not loaded.
  virtual Status Unload(std::string_view name) = 0;
};

StatusOr<std::unique_ptr<ModelManager>> CreateModelManager(ModelManagerOptions options,
                                                           const BackendRegistry* backends,
                                                           MetricsRegistry* metrics);

}  // namespace strato
