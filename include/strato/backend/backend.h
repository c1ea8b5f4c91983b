// The backend interface: how strato runs a model.
//
// A Backend (one per kind: "xgboost", "identity", ...) loads a model version
// from its folder and configuration into a Model. A Model creates N
// ModelInstances (the config's instance_group count); the scheduler hands
// each instance batches of requests to execute.
//
// The same shape fits tabular batch models (one response per request),
// streaming models (many responses per request, decoupled), and models with
// their own continuous batching: those set Model::scheduling() to kDirect
// and receive requests one by one as they arrive (Execute with a batch of
// one, from several threads), keeping their own queue.
//
// Ownership: Backend objects are owned by a BackendRegistry for the life of
// the server. A Model is owned by the server's model version object; its
// instances by the scheduler, and they are destroyed before their Model.
//
// Errors: LoadModel/CreateInstance return a Status that the server shows in
// the repository index and logs. Execute never throws; it answers failures
// per request with RespondWithError().
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model_config.pb.h"
#include "strato/core/inference.h"
#include "strato/core/metrics.h"
#include "strato/core/status.h"

namespace strato {

// What a backend gets to load one model version.
struct ModelLoadContext {
  const inference::ModelConfig* config = nullptr;  // validated and auto-completed
  std::filesystem::path model_dir;                 // <repo>/<model>
  std::filesystem::path version_dir;               // <repo>/<model>/<version>
  int64_t version = 0;
  MetricsRegistry* metrics = nullptr;              // may be null
};

class ModelInstance {
 public:
  virtual ~ModelInstance() = default;

  // Executes `batch`. The scheduler has validated every request against the
  // config (input names, datatypes, shapes, batch size) and set
  // times.compute_start_ns. For each request the instance must send exactly
  // one final response through request->sink (MakeResponse + Send, or
  // RespondWithError), before or after returning (streaming models may
  // answer later from their own threads). The instance may move requests
  // out of `batch`. Called by one thread at a time per instance.
  virtual void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) = 0;
};

enum class SchedulingMode {
  kBatched,  // strato's scheduler queues, batches and calls Execute
  kDirect,   // requests go straight to Execute (the model schedules itself)
};

class Model {
 public:
  virtual ~Model() = default;
  // Creates instance number `index` (0-based). Called before serving starts.
  virtual StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int index) = 0;
  virtual SchedulingMode scheduling() const { return SchedulingMode::kBatched; }
  // Approximate memory the model holds, in bytes (0 if unknown).
  virtual size_t memory_bytes() const { return 0; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;

  // Fills what the config leaves out and the model file tells (inputs,
  // outputs, max_batch_size). Never overrides a field the user set.
  // `version_dir` is the version that will be loaded.
  virtual Status AutoCompleteConfig(const std::filesystem::path& version_dir,
                                    inference::ModelConfig* config) const {
    (void)version_dir;
    (void)config;
    return Status::Ok();
  }

  virtual StatusOr<std::unique_ptr<Model>> LoadModel(const ModelLoadContext& context) const = 0;
};

// Maps backend names to backends. Thread-safety: Register before serving;
// Find may then be called from any thread.
class BackendRegistry {
 public:
  // Registers `backend` under its name and any `aliases` (e.g. "fil").
  void Register(std::shared_ptr<const Backend> backend, std::vector<std::string> aliases = {});
  // Null when unknown.
  const Backend* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::shared_ptr<const Backend>, std::less<>> backends_;
};

// Registers identity, add_sub and xgboost (alias "fil"). Defined in
// src/backends/builtin_backends.cc.
void RegisterBuiltinBackends(BackendRegistry* registry);

// Reads a config parameter (config.parameters[key].string_value).
std::string ConfigParameter(const inference::ModelConfig& config, std::string_view key,
                            std::string_view fallback = {});

}  // namespace strato
