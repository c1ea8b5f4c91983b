// ModelManagerImpl: lifecycle, loading, unloading and polling. The read side
// (Get, Index, Ready) is in model_manager_query.cc.
#include "model_manager_impl.h"

#include <chrono>
#include <cstdlib>
#include <set>

#include "strato/core/logging.h"
#include "strato/core/model_name.h"

namespace strato {
namespace {

// A reference kept by a client longer than this stops blocking a retirement.
constexpr std::chrono::seconds kRetireGrace(30);

std::string ScanFingerprint(const ScannedModel& scanned) {
  return scanned.Fingerprint() + "\n" + scanned.DuplicateReason();
}

}  // namespace

ModelManagerImpl::ModelManagerImpl(ModelManagerOptions options, const BackendRegistry* backends,
                                   MetricsRegistry* metrics)
    : options_(std::move(options)),
      backends_(backends),
      metrics_(metrics),
      stats_pool_(metrics),
      reaper_(&stats_pool_, kRetireGrace) {}

ModelManagerImpl::~ModelManagerImpl() { Stop(); }

Status ModelManagerImpl::Start() {
  RETURN_IF_ERROR(CheckRepositories(options_.repositories));
  std::lock_guard<std::mutex> load_lock(load_mu_);
  {
    std::unique_lock lock(mu_);
    if (started_) return FailedPreconditionError("model manager already started");
  }
  auto scanned = RescanLocked();
  std::set<std::string> names;
  if (options_.control_mode != ModelControlMode::kExplicit) {
    for (const auto& [name, model] : scanned) names.insert(name);
  } else {
    for (const auto& name : options_.startup_models) {
      if (name == "*") {
        for (const auto& [n, model] : scanned) names.insert(n);
      } else {
        names.insert(name);
      }
    }
  }
  for (const auto& name : names) {
    auto it = scanned.find(name);
    LoadRequest request;
    request.name = name;
    request.scanned = it == scanned.end() ? nullptr : &it->second;
    // Failures are recorded in the entry (Index, Ready); Start goes on.
    (void)LoadLocked(request, it == scanned.end() ? "" : ScanFingerprint(it->second));
  }
  {
    std::unique_lock lock(mu_);
    started_ = true;
  }
  if (options_.control_mode == ModelControlMode::kPoll) {
    poll_thread_ = std::thread([this] { PollLoop(); });
  }
  elastic_thread_ = std::thread([this] { ElasticLoop(); });
  return Status::Ok();
}

void ModelManagerImpl::Stop() {
  if (stopping_.exchange(true)) return;
  {
    std::lock_guard<std::mutex> lock(poll_mu_);
    poll_cv_.notify_all();
  }
  if (poll_thread_.joinable()) poll_thread_.join();
  if (elastic_thread_.joinable()) elastic_thread_.join();
  std::lock_guard<std::mutex> load_lock(load_mu_);
  std::vector<std::string> names;
  {
    std::shared_lock lock(mu_);
    for (const auto& [name, entry] : models_) names.push_back(name);
  }
  for (const auto& name : names) (void)UnloadLocked(name, /*forget=*/false);
  reaper_.Shutdown();
}

std::map<std::string, ScannedModel> ModelManagerImpl::RescanLocked() {
  auto scanned = ScanRepositories(options_.repositories);
  std::unique_lock lock(mu_);
  scanned_.clear();
  for (const auto& [name, model] : scanned) scanned_.emplace(name, model);
  return scanned;
}

Status ModelManagerImpl::Load(std::string_view name, const std::optional<std::string>& config_json,
                              const std::map<std::string, std::string>& files) {
  if (options_.control_mode != ModelControlMode::kExplicit) {
    return FailedPreconditionError("explicit model load is only allowed in explicit control mode");
  }
  if (stopping_) return UnavailableError("model manager is stopping");
  RETURN_IF_ERROR(ValidateModelName(name));
  std::lock_guard<std::mutex> load_lock(load_mu_);
  auto scanned = RescanLocked();
  auto it = scanned.find(std::string(name));
  LoadRequest request;
  request.name = std::string(name);
  request.scanned = it == scanned.end() ? nullptr : &it->second;
  request.config_json = config_json;
  request.files = files;
  if (!request.scanned && files.empty()) return NotFoundError("unknown model '" + request.name + "'");
  bool known = false;
  {
    std::shared_lock lock(mu_);
    known = models_.contains(request.name);
  }
  Status loaded = LoadLocked(request, it == scanned.end() ? "" : ScanFingerprint(it->second));
  if (!loaded.ok() && !known && !request.scanned) {
    // A failed load of a name that exists nowhere leaves no entry behind:
    // the caller has the error, and the index must not grow with every
    // made-up name a client tries.
    std::unique_lock lock(mu_);
    if (auto entry = models_.find(request.name);
        entry != models_.end() && entry->second.serving.empty()) {
      models_.erase(entry);
    }
  }
  return loaded;
}

Status ModelManagerImpl::Unload(std::string_view name) {
  if (options_.control_mode != ModelControlMode::kExplicit) {
    return FailedPreconditionError("explicit model unload is only allowed in explicit control mode");
  }
  RETURN_IF_ERROR(ValidateModelName(name));
  std::lock_guard<std::mutex> load_lock(load_mu_);
  bool was_cold = false;
  {
    std::unique_lock lock(mu_);
    if (auto it = models_.find(name); it != models_.end()) {
      was_cold = it->second.cold;
      it->second.cold = false;  // asked to unload: no longer loads on demand
    }
  }
  Status unloaded = UnloadLocked(std::string(name), /*forget=*/false);
  return was_cold && unloaded.code() == StatusCode::kNotFound ? Status::Ok() : unloaded;
}

void ModelManagerImpl::RecordFailure(const std::string& name, const std::string& fingerprint,
                                     const Status& error,
                                     const std::map<int64_t, VersionStatus>& status) {
  LogError("model load failed", {{"model", name}, {"reason", error.ToString()}});
  std::unique_lock lock(mu_);
  ModelEntry& entry = models_[name];
  entry.requested = true;
  entry.fingerprint = fingerprint;
  entry.status = status;
  // With per-version detail the reason lives there; otherwise on the model.
  entry.reason = status.empty() ? error.message() : std::string();
}

Status ModelManagerImpl::LoadLocked(const LoadRequest& request, const std::string& fingerprint) {
  const std::string& name = request.name;
  if (request.scanned && !request.scanned->DuplicateReason().empty()) {
    Status error = InvalidArgumentError(request.scanned->DuplicateReason());
    RecordFailure(name, fingerprint, error, {});
    return error;
  }
  auto prepared = PrepareModel(request, *backends_);
  if (!prepared.ok()) {
    RecordFailure(name, fingerprint, prepared.status(), {});
    return prepared.status();
  }
  {
    // Show the versions being loaded (that are not already serving) as LOADING.
    std::unique_lock lock(mu_);
    ModelEntry& entry = models_[name];
    entry.requested = true;
    for (int64_t v : prepared->selection.versions) {
      if (!entry.serving.contains(v)) entry.status[v] = {"LOADING", ""};
    }
  }
  // The budget is checked, and others evicted, before anything loads.
  if (options_.memory_budget_bytes > 0) {
    Status room =
        EnforceBudgetLocked(name, EstimateBytesLocked(*prepared), "estimated from its files");
    if (!room.ok()) {
      RecordFailure(name, fingerprint, room, {});
      return room;
    }
  }
  std::map<int64_t, std::shared_ptr<ModelVersionImpl>> next;
  std::map<int64_t, VersionStatus> failed;
  Status loaded = LoadVersionsLocked(*prepared, &next, &failed);
  if (!loaded.ok()) {
    RecordFailure(name, fingerprint, loaded, failed);
    return loaded;
  }
  RecordMeasuredLocked(next);
  // Corrected by what the backend measured once loaded.
  uint64_t measured = 0;
  for (const auto& [v, version] : next) measured += version->memory_bytes();
  Status fits = EnforceBudgetLocked(name, measured, "measured once loaded");
  if (!fits.ok()) {
    std::map<int64_t, std::shared_ptr<ModelVersionImpl>> current;
    {
      std::shared_lock lock(mu_);
      if (auto it = models_.find(name); it != models_.end()) current = it->second.serving;
    }
    for (auto& [v, version] : next) {
      if (!current.contains(v) || current[v] != version) (void)reaper_.Retire(std::move(version), /*log=*/false);
    }
    RecordFailure(name, fingerprint, fits, {});
    return fits;
  }
  std::vector<std::shared_ptr<ModelVersionImpl>> retired;
  {
    std::unique_lock lock(mu_);
    ModelEntry& entry = models_[name];
    entry.cold = false;
    entry.idle_unload_secs = -1;
    if (auto p = prepared->config->parameters().find("idle_unload_secs");
        p != prepared->config->parameters().end()) {
      entry.idle_unload_secs = std::max(0, std::atoi(p->second.string_value().c_str()));
    }
    for (auto& [v, old] : entry.serving) {
      auto kept = next.find(v);
      if (kept == next.end() || kept->second != old) retired.push_back(std::move(old));
    }
    entry.serving = std::move(next);  // the atomic swap: Get() now sees the new set
    entry.status.clear();
    for (int64_t v : prepared->selection.missing) {
      entry.status[v] = {"UNAVAILABLE", "version folder " + std::to_string(v) + " not found"};
    }
    entry.reason.clear();
    entry.fingerprint = fingerprint;
    entry.requested = true;
  }
  for (auto& old : retired) (void)reaper_.Retire(std::move(old));
  return Status::Ok();
}

Status ModelManagerImpl::LoadVersionsLocked(
    const PreparedModel& prepared, std::map<int64_t, std::shared_ptr<ModelVersionImpl>>* out,
    std::map<int64_t, VersionStatus>* status) {
  std::map<int64_t, std::shared_ptr<ModelVersionImpl>> current;
  {
    std::shared_lock lock(mu_);
    auto it = models_.find(prepared.name);
    if (it != models_.end()) current = it->second.serving;
  }
  // The version policy only selects versions; a change to it (a canary
  // version added beside production) must not reload the versions kept.
  inference::ModelConfig identity_config = *prepared.config;
  identity_config.clear_version_policy();
  const std::string config_bytes = identity_config.SerializeAsString();
  Status first_error;
  for (int64_t v : prepared.selection.versions) {
    const std::string identity =
        config_bytes + "\n" + prepared.model_dir.string() + "\n" + prepared.version_fingerprints.at(v);
    auto serving = current.find(v);
    // Unchanged (same config, same folder contents): keep serving it as is.
    if (serving != current.end() && serving->second->identity() == identity && !prepared.keepalive) {
      (*out)[v] = serving->second;
      continue;
    }
    const auto start = Clock::now();
    VersionLoadArgs args;
    args.config = prepared.config;
    args.backend = prepared.backend;
    args.model_dir = prepared.model_dir;
    args.version = v;
    args.stats = stats_pool_.Acquire(prepared.name, v);
    args.metrics = metrics_;
    args.keepalive = prepared.keepalive;
    args.identity = identity;
    auto version = ModelVersionImpl::Load(std::move(args));
    if (!version.ok()) {
      (*status)[v] = {"UNAVAILABLE", version.status().message()};
      if (first_error.ok()) first_error = version.status();
      stats_pool_.Release(prepared.name, v);
      continue;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    LogInfo("model loaded", {{"model", prepared.name},
                             {"version", std::to_string(v)},
                             {"duration_ms", std::to_string(ms.count())}});
    (*out)[v] = std::move(version).value();
  }
  if (first_error.ok()) return Status::Ok();
  // All or nothing: discard what loaded, keep the old serving set untouched.
  for (auto& [v, version] : *out) {
    if (current.contains(v) && current[v] == version) continue;
    (void)reaper_.Retire(std::move(version), /*log=*/false);
  }
  out->clear();
  return first_error;
}

Status ModelManagerImpl::UnloadLocked(const std::string& name, bool forget) {
  std::vector<std::shared_ptr<ModelVersionImpl>> retired;
  std::map<int64_t, VersionStatus> unloaded;
  {
    std::unique_lock lock(mu_);
    auto it = models_.find(name);
    if (it == models_.end() || (it->second.serving.empty() && !it->second.requested)) {
      return NotFoundError("model '" + name + "' is not loaded");
    }
    for (auto& [v, version] : it->second.serving) {
      unloaded[v] = {"UNAVAILABLE", "unloaded"};
      it->second.status[v] = {"UNLOADING", ""};
      retired.push_back(std::move(version));
    }
    it->second.serving.clear();
    it->second.requested = false;
  }
  std::vector<std::shared_future<void>> done;
  for (auto& version : retired) done.push_back(reaper_.Retire(std::move(version)));
  for (auto& d : done) d.wait();  // "requests in flight finish first"
  std::unique_lock lock(mu_);
  if (forget) {
    models_.erase(name);
  } else if (auto it = models_.find(name); it != models_.end()) {
    it->second.status = unloaded;
    it->second.reason = unloaded.empty() ? "unloaded" : "";
  }
  return Status::Ok();
}

void ModelManagerImpl::PollLocked() {
  auto scanned = RescanLocked();
  std::vector<std::string> gone;
  std::map<std::string, std::string> known;  // name -> fingerprint of last attempt
  {
    std::shared_lock lock(mu_);
    for (const auto& [name, entry] : models_) {
      if (!scanned.contains(name)) gone.push_back(name);
      known[name] = entry.fingerprint;
    }
  }
  for (const auto& name : gone) {
    LogInfo("model removed from repository", {{"model", name}});
    (void)UnloadLocked(name, /*forget=*/true);
  }
  for (const auto& [name, model] : scanned) {
    if (stopping_) return;
    const std::string fingerprint = ScanFingerprint(model);
    auto it = known.find(name);
    if (it != known.end() && it->second == fingerprint) continue;  // unchanged
    LoadRequest request;
    request.name = name;
    request.scanned = &model;
    (void)LoadLocked(request, fingerprint);
  }
}

void ModelManagerImpl::PollForTest() {
  std::lock_guard<std::mutex> load_lock(load_mu_);
  PollLocked();
}

void ModelManagerImpl::PollLoop() {
  const auto interval = std::chrono::seconds(std::max(1, options_.repository_poll_secs));
  while (true) {
    {
      std::unique_lock<std::mutex> lock(poll_mu_);
      if (poll_cv_.wait_for(lock, interval, [this] { return stopping_.load(); })) return;
    }
    std::lock_guard<std::mutex> load_lock(load_mu_);
    if (stopping_) return;
    PollLocked();
  }
}

StatusOr<std::unique_ptr<ModelManager>> CreateModelManager(ModelManagerOptions options,
                                                           const BackendRegistry* backends,
                                                           MetricsRegistry* metrics) {
  if (backends == nullptr) return InvalidArgumentError("model manager needs a backend registry");
  if (options.repositories.empty()) return InvalidArgumentError("no model repository given");
  return std::unique_ptr<ModelManager>(
      std::make_unique<ModelManagerImpl>(std::move(options), backends, metrics));
}

}  // namespace strato
