#include "model_loader.h"

#include <atomic>
#include <fstream>
#include <random>
#include <system_error>

#include "strato/config/model_config.h"
#include "strato/core/model_name.h"
#include "strato/core/safe_path.h"

namespace strato {
namespace fs = std::filesystem;
namespace {

// Removes its folder when the last model version using it is destroyed.
struct TempDir {
  fs::path root;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

// "file:1/model.json" -> model_dir/1/model.json, refusing anything that
// could leave the temp folder (absolute paths, "..", links).
StatusOr<fs::path> FileKeyPath(const fs::path& model_dir, const std::string& key) {
  constexpr std::string_view kPrefix = "file:";
  if (key.rfind(kPrefix, 0) != 0) {
    return InvalidArgumentError("load file key '" + key + "' must start with 'file:'");
  }
  return ResolveInside(model_dir, std::string_view(key).substr(kPrefix.size()),
                       "load parameter '" + key.substr(0, 200) + "'");
}

StatusOr<std::shared_ptr<TempDir>> WriteFiles(const std::string& name,
                                              const std::map<std::string, std::string>& files) {
  static std::atomic<uint64_t> counter{0};
  std::error_code ec;
  const fs::path base = fs::temp_directory_path(ec);
  if (ec) return InternalError("no temp folder: " + ec.message());
  auto dir = std::make_shared<TempDir>();
  std::random_device rd;
  // Random plus a counter: unique across processes and within this one.
  dir->root = base / ("strato-load-" + std::to_string(rd()) + "-" + std::to_string(counter++));
  const fs::path model_dir = dir->root / name;
  if (!fs::create_directories(model_dir, ec) || ec) {
    return InternalError("cannot create " + model_dir.string() + ": " + ec.message());
  }
  for (const auto& [key, contents] : files) {
    ASSIGN_OR_RETURN(const fs::path target, FileKeyPath(model_dir, key));
    fs::create_directories(target.parent_path(), ec);
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    if (!out) return InternalError("cannot write " + target.string());
  }
  return dir;
}

StatusOr<inference::ModelConfig> ReadConfig(const LoadRequest& request, const fs::path& source) {
  if (request.config_json) return ParseModelConfigJson(*request.config_json);
  if (!request.scanned || !request.scanned->config_text) {
    return NotFoundError("model '" + request.name + "' has no config.pbtxt in " + source.string());
  }
  return ParseModelConfigText(*request.scanned->config_text, (source / "config.pbtxt").string());
}

Status ResolveBackend(const BackendRegistry& backends, inference::ModelConfig* config,
                      const Backend** backend) {
  const std::string wanted = BackendNameFor(*config);
  if (wanted.empty()) {
    return InvalidArgumentError("model '" + config->name() +
                                "': field backend: neither backend nor platform is set");
  }
  *backend = backends.Find(wanted);
  if (*backend == nullptr) {
    std::string known;
    for (const auto& n : backends.Names()) known += (known.empty() ? "" : ", ") + n;
    return InvalidArgumentError("model '" + config->name() + "': unknown backend '" + wanted +
                                "'; known backends: " + known);
  }
  config->set_backend(wanted);  // Triton fills backend in from platform, too
  return Status::Ok();
}

}  // namespace

std::string BackendNameFor(const inference::ModelConfig& config) {
  if (!config.backend().empty()) return config.backend();
  static const std::map<std::string, std::string, std::less<>> kPlatforms = {
      {"onnxruntime_onnx", "onnxruntime"}, {"pytorch_libtorch", "pytorch"},
      {"tensorflow_graphdef", "tensorflow"}, {"tensorflow_savedmodel", "tensorflow"},
      {"tensorrt_plan", "tensorrt"},      {"xgboost", "xgboost"},
      {"fil", "fil"},
  };
  auto it = kPlatforms.find(config.platform());
  return it == kPlatforms.end() ? config.platform() : it->second;
}

StatusOr<PreparedModel> PrepareModel(const LoadRequest& request, const BackendRegistry& backends) {
  PreparedModel out;
  out.name = request.name;
  // The name becomes a folder (the temp folder for load files, a repository
  // entry): checked here too, whatever entry point it came through.
  RETURN_IF_ERROR(ValidateModelName(request.name));
  if (!request.files.empty() && !request.config_json) {
    return InvalidArgumentError("load files for model '" + request.name + "' require a config");
  }
  if (!request.scanned && request.files.empty()) {
    return NotFoundError("unknown model '" + request.name + "'");
  }
  ScannedModel scanned = request.scanned ? *request.scanned : ScannedModel{};
  if (!request.files.empty()) {
    ASSIGN_OR_RETURN(auto temp, WriteFiles(request.name, request.files));
    out.model_dir = temp->root / request.name;
    scanned = ScanModelDir(request.name, out.model_dir);
    out.keepalive = std::move(temp);
  } else {
    out.model_dir = scanned.model_dir;
  }

  ASSIGN_OR_RETURN(inference::ModelConfig config, ReadConfig(request, out.model_dir));
  const std::string source =
      request.config_json ? "model '" + request.name + "' (load config)"
                          : (out.model_dir / "config.pbtxt").string();
  if (config.name().empty()) config.set_name(request.name);
  if (config.name() != request.name) {
    return InvalidArgumentError(source + ": field name: '" + config.name() +
                                "' does not match the model folder '" + request.name + "'");
  }
  RETURN_IF_ERROR(ResolveBackend(backends, &config, &out.backend));

  std::vector<int64_t> available;
  for (const auto& [v, fp] : scanned.versions) available.push_back(v);
  out.selection = SelectVersions(config.version_policy(), available);
  if (out.selection.versions.empty()) {
    return UnavailableError("model '" + request.name + "' has no version folder to load in " +
                            out.model_dir.string());
  }
  for (int64_t v : out.selection.versions) out.version_fingerprints[v] = scanned.versions[v];

  const fs::path version_dir = out.model_dir / std::to_string(out.selection.versions.back());
  Status completed = out.backend->AutoCompleteConfig(version_dir, &config);
  if (!completed.ok()) return InvalidArgumentError(source + ": auto-complete: " + completed.message());
  RETURN_IF_ERROR(ValidateModelConfig(config, source));
  out.config = std::make_shared<const inference::ModelConfig>(std::move(config));
  return out;
}

}  // namespace strato
