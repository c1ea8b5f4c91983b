// Model preparation: everything a load does before touching a backend's
// LoadModel: read the config (config.pbtxt, or the load API's JSON override),
// check its name, resolve the backend, write load-API files into a fresh temp
// folder, pick the versions by policy, auto-complete and validate.
//
// Thread-safety: free functions; the BackendRegistry must not change meanwhile.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "model_config.pb.h"
#include "repository.h"
#include "strato/backend/backend.h"
#include "strato/core/status.h"
#include "version_policy.h"

namespace strato {

struct PreparedModel {
  std::string name;
  std::filesystem::path model_dir;                        // repository or temp folder
  std::shared_ptr<const inference::ModelConfig> config;   // validated, auto-completed
  const Backend* backend = nullptr;
  VersionSelection selection;                             // non-empty versions
  std::map<int64_t, std::string> version_fingerprints;    // of the selected folders
  std::shared_ptr<const void> keepalive;                  // temp folder, removed on release
};

struct LoadRequest {
  std::string name;
  const ScannedModel* scanned = nullptr;       // null: not in any repository
  std::optional<std::string> config_json;      // overrides config.pbtxt
  std::map<std::string, std::string> files;    // "file:<version>/<path>" -> contents
};

// Errors: NOT_FOUND (not in a repository and no files given, or no
// config.pbtxt), INVALID_ARGUMENT (parse error with file:line:col, name
// mismatch, unknown backend listing the known ones, bad files key, failed
// validation naming the field), UNAVAILABLE (no version folder to load).
StatusOr<PreparedModel> PrepareModel(const LoadRequest& request, const BackendRegistry& backends);

// The backend a config runs on: `backend`, else the one its `platform` maps
// to (e.g. "onnxruntime_onnx" -> "onnxruntime"; unknown platforms map to
// themselves). Empty when neither is set.
std::string BackendNameFor(const inference::ModelConfig& config);

}  // namespace strato
