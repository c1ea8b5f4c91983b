// ModelManagerImpl: the read side. Every method here takes mu_ shared and only
// copies pointers or strings, so request threads never wait for a load.
#include <algorithm>
#include <set>

#include "model_manager_impl.h"

namespace strato {

bool ModelManagerImpl::Ready() const { return NotReadyReason().empty(); }

std::string ModelManagerImpl::NotReadyReason() const {
  if (stopping_) return "the server is stopping";
  std::shared_lock lock(mu_);
  if (!started_) return "the model repository is still being loaded";
  if (!options_.strict_readiness) return "";
  std::string missing;
  for (const auto& [name, entry] : models_) {
    if (!entry.requested || !entry.serving.empty()) continue;
    std::string why = entry.reason;
    if (why.empty() && !entry.status.empty()) why = entry.status.rbegin()->second.reason;
    if (!missing.empty()) missing += "; ";
    missing += "model '" + name + "' is not loaded";
    if (!why.empty()) missing += ": " + why;
  }
  return missing;
}

ModelManager::Serving ModelManagerImpl::ServingState(std::string_view name, int64_t version) const {
  std::shared_lock lock(mu_);
  auto it = models_.find(name);
  if (it == models_.end()) return Serving::kNo;
  const ModelEntry& entry = it->second;
  if (version <= 0 ? !entry.serving.empty() : entry.serving.contains(version))
    return Serving::kLoaded;
  // Unloaded after idling or evicted: the next request loads it again.
  if (entry.cold) {
    if (version <= 0) return Serving::kScaledToZero;
    auto sc = scanned_.find(name);
    if (sc != scanned_.end() && sc->second.versions.contains(version))
      return Serving::kScaledToZero;
  }
  return Serving::kNo;
}

StatusOr<std::shared_ptr<ModelVersion>> ModelManagerImpl::Get(std::string_view name,
                                                              int64_t version) const {
  bool cold = false;
  {
    std::shared_lock lock(mu_);
    auto it = models_.find(name);
    cold = it != models_.end() && it->second.cold;
  }
  // Scaled to zero or evicted: this request waits for the load, then is served.
  if (cold) RETURN_IF_ERROR(self_->LoadCold(std::string(name)));
  std::shared_lock lock(mu_);
  auto it = models_.find(name);
  if (it == models_.end() || (it->second.serving.empty() && it->second.status.empty() &&
                              !it->second.requested && it->second.reason.empty())) {
    if (scanned_.contains(name)) return UnavailableError("model '" + std::string(name) + "' is not loaded");
    return NotFoundError("unknown model '" + std::string(name) + "'");
  }
  const ModelEntry& entry = it->second;
  if (version <= 0) {
    if (entry.serving.empty()) {
      std::string why = entry.reason;
      if (why.empty() && !entry.status.empty()) why = entry.status.rbegin()->second.reason;
      return UnavailableError("model '" + std::string(name) + "' has no ready version" +
                              (why.empty() ? "" : ": " + why));
    }
    return std::shared_ptr<ModelVersion>(entry.serving.rbegin()->second);
  }
  if (auto v = entry.serving.find(version); v != entry.serving.end()) {
    return std::shared_ptr<ModelVersion>(v->second);
  }
  const std::string what = "version " + std::to_string(version) + " of model '" + std::string(name) + "'";
  if (auto s = entry.status.find(version); s != entry.status.end()) {
    return UnavailableError(what + " is not ready" +
                            (s->second.reason.empty() ? "" : ": " + s->second.reason));
  }
  if (auto sc = scanned_.find(name); sc != scanned_.end() && sc->second.versions.contains(version)) {
    return UnavailableError(what + " is not loaded");
  }
  return NotFoundError("unknown " + what);
}

std::vector<std::shared_ptr<ModelVersion>> ModelManagerImpl::ReadyVersions(std::string_view name) const {
  std::vector<std::shared_ptr<ModelVersion>> out;
  std::shared_lock lock(mu_);
  auto it = models_.find(name);
  if (it == models_.end()) return out;
  for (const auto& [v, version] : it->second.serving) out.push_back(version);
  return out;
}

std::vector<std::shared_ptr<ModelVersion>> ModelManagerImpl::AllReadyVersions() const {
  std::vector<std::shared_ptr<ModelVersion>> out;
  std::shared_lock lock(mu_);
  for (const auto& [name, entry] : models_) {
    for (const auto& [v, version] : entry.serving) out.push_back(version);
  }
  return out;
}

std::vector<ModelIndexEntry> ModelManagerImpl::Index(bool ready_only) const {
  std::vector<ModelIndexEntry> out;
  std::shared_lock lock(mu_);
  std::set<std::string> names;
  for (const auto& [name, entry] : models_) names.insert(name);
  for (const auto& [name, scanned] : scanned_) names.insert(name);
  for (const auto& name : names) {
    auto it = models_.find(name);
    auto sc = scanned_.find(name);
    const size_t first = out.size();
    if (it != models_.end()) {
      const ModelEntry& entry = it->second;
      std::set<int64_t> versions;
      for (const auto& [v, version] : entry.serving) versions.insert(v);
      for (const auto& [v, status] : entry.status) versions.insert(v);
      // A model-level reload failure (bad config, auto-complete error) names
      // no version: while older versions still serve, show it on every
      // version folder that is not serving, so the version that failed to
      // arrive is visible as UNAVAILABLE.
      std::set<int64_t> failed_unlisted;
      if (!entry.reason.empty() && !entry.serving.empty() && sc != scanned_.end()) {
        for (const auto& [v, dir] : sc->second.versions) {
          if (!versions.count(v)) failed_unlisted.insert(v);
        }
        versions.insert(failed_unlisted.begin(), failed_unlisted.end());
      }
      for (int64_t v : versions) {
        auto serving = entry.serving.find(v);
        auto status = entry.status.find(v);
        ModelIndexEntry e{name, std::to_string(v), "READY", ""};
        if (failed_unlisted.count(v)) {
          e.state = "UNAVAILABLE";
          e.reason = entry.reason;
        } else if (serving == entry.serving.end()) {
          e.state = status->second.state;
          e.reason = status->second.reason;
        } else if (status != entry.status.end() && !status->second.reason.empty()) {
          // Still serving, but its reload failed: keep the error visible.
          e.reason = "reload failed: " + status->second.reason;
        } else if (!entry.reason.empty()) {
          e.reason = "reload failed: " + entry.reason;
        }
        if (!ready_only || e.state == "READY") out.push_back(std::move(e));
      }
      if (out.size() == first && !ready_only && versions.empty()) {
        out.push_back({name, "", "UNAVAILABLE", entry.reason.empty() ? "unloaded" : entry.reason});
      }
    } else if (!ready_only && sc != scanned_.end()) {
      const std::string dup = sc->second.DuplicateReason();
      out.push_back({name, "", "UNAVAILABLE", dup.empty() ? "not loaded" : dup});
    }
  }
  return out;
}

}  // namespace strato
