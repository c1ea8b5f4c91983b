// ModelManagerImpl: scale to zero, the memory budget and the autoscaling
// signals. One "elastic" thread ticks every kTick: it unloads models idle
// for longer than their idle time (they become "cold") and refreshes the
// per-model autoscaling gauges. A cold model is loaded again by the next
// Get() for it (LoadCold), which the request waits for.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "model_manager_impl.h"
#include "strato/core/logging.h"

namespace strato {
namespace {

constexpr auto kTick = std::chrono::milliseconds(250);
constexpr size_t kInflightSamples = 20;  // 5 s of ticks for the desired-replicas mean

std::string Bytes(uint64_t n) { return std::to_string(n) + " bytes"; }

}  // namespace

uint64_t ModelManagerImpl::MemoryInUse(std::string_view except) const {
  uint64_t used = 0;
  std::shared_lock lock(mu_);
  for (const auto& [name, entry] : models_) {
    if (name == except) continue;
    for (const auto& [v, version] : entry.serving) used += version->memory_bytes();
  }
  return used;
}

void ModelManagerImpl::UnloadColdLocked(const std::string& name, const std::string& why) {
  (void)UnloadLocked(name, /*forget=*/false);
  std::unique_lock lock(mu_);
  auto it = models_.find(name);
  if (it == models_.end()) return;
  it->second.cold = true;
  for (auto& [v, status] : it->second.status) status = {"UNAVAILABLE", why + "; loads on the next request"};
  it->second.reason = it->second.status.empty() ? why + "; loads on the next request" : "";
}

uint64_t ModelManagerImpl::EstimateBytesLocked(const PreparedModel& prepared) const {
  inference::ModelConfig identity_config = *prepared.config;
  identity_config.clear_version_policy();
  const std::string config_bytes = identity_config.SerializeAsString();
  uint64_t total = 0;
  for (int64_t v : prepared.selection.versions) {
    const std::string identity = config_bytes + "\n" + prepared.model_dir.string() + "\n" +
                                 prepared.version_fingerprints.at(v);
    if (auto known = measured_bytes_.find(identity); known != measured_bytes_.end()) {
      total += known->second;
      continue;
    }
    // Never loaded: its files are the estimate (a model is rarely much
    // larger in memory than on disk; the measurement corrects it).
    std::error_code ec;
    const std::filesystem::path dir = prepared.model_dir / std::to_string(v);
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) total += it->file_size(ec);
    }
  }
  return total;
}

void ModelManagerImpl::RecordMeasuredLocked(
    const std::map<int64_t, std::shared_ptr<ModelVersionImpl>>& loaded) {
  for (const auto& [v, version] : loaded)
    measured_bytes_[version->identity()] = version->memory_bytes();
}

Status ModelManagerImpl::EnforceBudgetLocked(const std::string& name, uint64_t need,
                                             const std::string& what) {
  const uint64_t budget = options_.memory_budget_bytes;
  if (budget == 0) return Status::Ok();
  if (need > budget) {
    return ResourceExhaustedError("model '" + name + "' needs " + Bytes(need) + " (" + what +
                                  "), more than the whole memory budget of " + Bytes(budget) +
                                  " (--model-memory-budget-bytes); raise the budget");
  }
  while (true) {
    const uint64_t used = MemoryInUse(name);
    if (used + need <= budget) return Status::Ok();
    // The least recently used model with nothing in flight goes first; a
    // model holding no memory is never evicted (it would free nothing).
    std::string victim, busy;
    uint64_t oldest = UINT64_MAX;
    {
      std::shared_lock lock(mu_);
      for (const auto& [other, entry] : models_) {
        if (other == name || entry.serving.empty()) continue;
        uint64_t last = 0, in_flight = 0, bytes = 0;
        for (const auto& [v, version] : entry.serving) {
          last = std::max(last, version->last_used_ns());
          in_flight += static_cast<uint64_t>(version->in_flight());
          bytes += version->memory_bytes();
        }
        if (bytes == 0) continue;
        if (in_flight > 0) {
          busy += (busy.empty() ? "" : ", ") + other;
        } else if (last < oldest) {
          oldest = last;
          victim = other;
        }
      }
    }
    if (victim.empty()) {
      return ResourceExhaustedError("loading '" + name + "' (" + Bytes(need) + ", " + what +
                                    ") would exceed the memory budget of " + Bytes(budget) + ": " +
                                    Bytes(used) + " are held by models serving requests now (" +
                                    busy + "); retry later or raise --model-memory-budget-bytes");
    }
    LogInfo("evicting model for the memory budget", {{"model", victim}, {"for", name}});
    UnloadColdLocked(victim, "evicted for the memory budget");
    if (metrics_ != nullptr) {
      metrics_->GetCounter("strato_model_evictions_total", "Models unloaded to fit the memory budget.",
                           {{"model", victim}})->Increment();
    }
  }
}

Status ModelManagerImpl::LoadCold(const std::string& name) {
  if (stopping_) return UnavailableError("model manager is stopping");
  std::lock_guard<std::mutex> load_lock(load_mu_);
  ScannedModel scanned;
  std::string fingerprint;
  {
    std::shared_lock lock(mu_);
    auto it = models_.find(name);
    if (it == models_.end() || !it->second.cold) return Status::Ok();  // loaded meanwhile
    auto sc = scanned_.find(name);
    if (sc == scanned_.end()) return NotFoundError("model '" + name + "' is no longer in the repository");
    scanned = sc->second;
    fingerprint = it->second.fingerprint;
  }
  const auto start = Clock::now();
  LoadRequest request;
  request.name = name;
  request.scanned = &scanned;
  RETURN_IF_ERROR(LoadLocked(request, fingerprint).WithPrefix("cold start of '" + name + "'"));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  LogInfo("cold start", {{"model", name}, {"duration_ms", std::to_string(static_cast<int64_t>(seconds * 1000))}});
  if (metrics_ != nullptr) {
    metrics_->GetCounter("strato_model_cold_starts_total", "Loads caused by a request for an unloaded model.",
                         {{"model", name}})->Increment();
    metrics_->GetCounter("strato_model_cold_start_seconds_total", "Time requests waited for cold starts.",
                         {{"model", name}})->Increment(seconds);
    metrics_->GetGauge("strato_model_cold_start_last_seconds", "Duration of the latest cold start.",
                       {{"model", name}})->Set(seconds);
  }
  return Status::Ok();
}

void ModelManagerImpl::UnloadIdleModels() {
  std::unique_lock<std::mutex> load_lock(load_mu_, std::try_to_lock);
  if (!load_lock.owns_lock()) return;  // a load is running; next tick
  const uint64_t now = NowNs();
  std::vector<std::string> idle;
  {
    std::shared_lock lock(mu_);
    for (const auto& [name, entry] : models_) {
      const int secs = entry.idle_unload_secs >= 0 ? entry.idle_unload_secs : options_.idle_unload_secs;
      if (secs <= 0 || entry.serving.empty()) continue;
      uint64_t last = 0;
      int64_t in_flight = 0;
      for (const auto& [v, version] : entry.serving) {
        last = std::max(last, version->last_used_ns());
        in_flight += version->in_flight();
      }
      if (in_flight == 0 && now - last >= static_cast<uint64_t>(secs) * 1000000000ull) idle.push_back(name);
    }
  }
  for (const auto& name : idle) {
    LogInfo("unloading idle model", {{"model", name}});
    UnloadColdLocked(name, "unloaded after idling");
    if (metrics_ != nullptr) {
      metrics_->GetCounter("strato_model_idle_unloads_total", "Models unloaded after their idle time (scale to zero).",
                           {{"model", name}})->Increment();
    }
  }
}

void ModelManagerImpl::UpdateAutoscaleMetrics() {
  if (metrics_ == nullptr) return;
  struct Sample {
    int64_t in_flight = 0;
    uint64_t queue_count = 0, queue_ns = 0, memory = 0;
    bool loaded = false;
  };
  std::map<std::string, Sample> samples;
  {
    std::shared_lock lock(mu_);
    for (const auto& [name, entry] : models_) {
      Sample& s = samples[name];
      s.loaded = !entry.serving.empty();
      for (const auto& [v, version] : entry.serving) {
        s.in_flight += version->in_flight();
        const ModelStatsSnapshot snap = version->stats().Snapshot();
        s.queue_count += snap.queue.count;
        s.queue_ns += snap.queue.ns;
        s.memory += version->memory_bytes();
      }
    }
  }
  uint64_t used = 0;
  for (const auto& [name, s] : samples) {
    AutoscaleState& state = autoscale_[name];
    if (state.inflight_samples.size() < kInflightSamples) {
      state.inflight_samples.push_back(s.in_flight);
    } else {
      state.inflight_samples[state.next_sample] = s.in_flight;
    }
    state.next_sample = (state.next_sample + 1) % kInflightSamples;
    double mean = 0;
    for (int64_t v : state.inflight_samples) mean += static_cast<double>(v);
    mean /= static_cast<double>(state.inflight_samples.size());
    // Stats restart with a reload; a drop means a new baseline.
    const uint64_t dq = s.queue_count >= state.queue_count ? s.queue_count - state.queue_count : s.queue_count;
    const uint64_t dns = s.queue_ns >= state.queue_ns ? s.queue_ns - state.queue_ns : s.queue_ns;
    state.queue_count = s.queue_count;
    state.queue_ns = s.queue_ns;
    const Labels labels{{"model", name}};
    metrics_->GetGauge("strato_model_inflight_requests", "Requests accepted and not yet answered.", labels)
        ->Set(static_cast<double>(s.in_flight));
    metrics_->GetGauge("strato_model_queue_time_us", "Mean queue time of the requests of the last tick.", labels)
        ->Set(dq > 0 ? static_cast<double>(dns) / static_cast<double>(dq) / 1000.0 : 0.0);
    const double target = std::max(1e-9, options_.autoscale_target_inflight);
    const double desired = mean <= 0 ? (s.loaded ? 1.0 : 0.0) : std::ceil(mean / target);
    metrics_->GetGauge("strato_model_desired_replicas",
                       "Replicas this model's recent in-flight load asks for (0: idle and unloaded).", labels)
        ->Set(desired);
    metrics_->GetGauge("strato_model_loaded", "1 when the model has a version loaded, 0 when scaled to zero.", labels)
        ->Set(s.loaded ? 1 : 0);
    metrics_->GetGauge("strato_model_memory_bytes", "Memory of the model's loaded versions.", labels)
        ->Set(static_cast<double>(s.memory));
    used += s.memory;
  }
  metrics_->GetGauge("strato_memory_used_bytes", "Memory of every loaded model version.")->Set(static_cast<double>(used));
  metrics_->GetGauge("strato_memory_budget_bytes", "The memory budget (0 = none).")
      ->Set(static_cast<double>(options_.memory_budget_bytes));
}

void ModelManagerImpl::ElasticLoop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(poll_mu_);
      if (poll_cv_.wait_for(lock, kTick, [this] { return stopping_.load(); })) return;
    }
    UnloadIdleModels();
    UpdateAutoscaleMetrics();
  }
}

}  // namespace strato
