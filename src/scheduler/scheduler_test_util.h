// Test helpers for scheduler tests: a fake ModelInstance that records the
// batches it executes and echoes each request, a sink that collects
// responses, and request/config builders. Test-only; not part of the library.
//
// Thread-safety: FakeBackend and CollectingSink may be used from any thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "strato/backend/backend.h"
#include "strato/core/metrics.h"
#include "strato/core/inference.h"
#include "strato/core/model_stats.h"
#include "strato/scheduler/scheduler.h"

namespace strato::testing {

constexpr auto kWait = std::chrono::seconds(20);  // generous: the box is shared

// Collects every response; tests wait for a count.
class CollectingSink : public ResponseSink {
 public:
  struct Entry {
    std::string id;
    Status status;
    bool final = false;
  };

  void Send(std::unique_ptr<InferenceResponse> response, bool final) override {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back({response->id, response->status, final});
    cv_.notify_all();
  }

  // Waits until `n` final responses arrived; false on timeout.
  bool WaitForFinals(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kWait, [&] { return CountFinalsLocked() >= n; });
  }

  std::vector<Entry> entries() const {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_;
  }

  // The final status for request `id` (UNKNOWN if none yet).
  Status StatusOf(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& e : entries_) {
      if (e.id == id && e.final) return e.status;
    }
    return Status(StatusCode::kUnknown, "no response");
  }

  size_t FinalCount(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<size_t>(std::count_if(entries_.begin(), entries_.end(),
                                             [&](const Entry& e) { return e.id == id && e.final; }));
  }

 private:
  size_t CountFinalsLocked() const {
    return static_cast<size_t>(
        std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return e.final; }));
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Entry> entries_;  // GUARDED_BY(mu_)
};

// State shared by every FakeInstance of one test.
class FakeBackend {
 public:
  // Execute blocks while the gate is closed (after recording the batch).
  void CloseGate() {
    std::lock_guard<std::mutex> lock(mu_);
    gate_open_ = false;
  }
  void OpenGate() {
    std::lock_guard<std::mutex> lock(mu_);
    gate_open_ = true;
    cv_.notify_all();
  }
  // Execute waits (up to kWait) until `n` executions run at the same time.
  void RequireConcurrency(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    required_concurrency_ = n;
  }

  // Waits until `n` batches have started executing.
  bool WaitForBatches(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kWait, [&] { return batches_.size() >= n; });
  }

  std::vector<std::vector<std::string>> batches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }
  std::vector<std::thread::id> threads() const {
    std::lock_guard<std::mutex> lock(mu_);
    return threads_;
  }
  std::vector<int> instance_of_batch() const {
    std::lock_guard<std::mutex> lock(mu_);
    return instance_of_batch_;
  }
  int max_concurrency() const {
    std::lock_guard<std::mutex> lock(mu_);
    return max_active_;
  }

  void Execute(int instance, std::vector<std::unique_ptr<InferenceRequest>>& batch) {
    std::vector<std::string> ids;
    for (const auto& r : batch) ids.push_back(r->id);
    {
      std::unique_lock<std::mutex> lock(mu_);
      batches_.push_back(std::move(ids));
      threads_.push_back(std::this_thread::get_id());
      instance_of_batch_.push_back(instance);
      ++active_;
      max_active_ = std::max(max_active_, active_);
      cv_.notify_all();
      cv_.wait_for(lock, kWait, [&] { return gate_open_ && active_ >= required_concurrency_; });
      // Once reached, later batches need not wait for company.
      if (active_ >= required_concurrency_) required_concurrency_ = 0;
      --active_;
    }
    for (auto& r : batch) {
      if (r->id.rfind("fail", 0) == 0) {
        RespondWithError(*r, 1, InternalError("backend failure"));
        continue;
      }
      r->sink->Send(MakeResponse(*r, 1), /*final=*/true);
    }
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool gate_open_ = true;                          // GUARDED_BY(mu_)
  int required_concurrency_ = 0;                   // GUARDED_BY(mu_)
  int active_ = 0;                                 // GUARDED_BY(mu_)
  int max_active_ = 0;                             // GUARDED_BY(mu_)
  std::vector<std::vector<std::string>> batches_;  // GUARDED_BY(mu_)
  std::vector<std::thread::id> threads_;           // GUARDED_BY(mu_)
  std::vector<int> instance_of_batch_;             // GUARDED_BY(mu_)
};

class FakeInstance : public ModelInstance {
 public:
  FakeInstance(std::shared_ptr<FakeBackend> backend, int index)
      : backend_(std::move(backend)), index_(index) {}
  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    backend_->Execute(index_, batch);
  }

 private:
  std::shared_ptr<FakeBackend> backend_;
  int index_;
};

inline std::vector<std::unique_ptr<ModelInstance>> MakeInstances(
    const std::shared_ptr<FakeBackend>& backend, int n) {
  std::vector<std::unique_ptr<ModelInstance>> out;
  for (int i = 0; i < n; ++i) out.push_back(std::make_unique<FakeInstance>(backend, i));
  return out;
}

// A request with one FP32 input "INPUT0" of shape {rows, dims...} (no data:
// schedulers never read tensor bytes).
inline std::unique_ptr<InferenceRequest> MakeRequest(const std::string& id,
                                                     std::shared_ptr<ResponseSink> sink,
                                                     int64_t rows = 1,
                                                     std::vector<int64_t> dims = {4}) {
  auto request = std::make_unique<InferenceRequest>();
  request->id = id;
  request->model_name = "m";
  std::vector<int64_t> shape = {rows};
  shape.insert(shape.end(), dims.begin(), dims.end());
  request->inputs.emplace_back("INPUT0", DataType::kFp32, shape);
  request->sink = std::move(sink);
  return request;
}

// A config for model "m" with input INPUT0 [4] and the given batching.
inline inference::ModelConfig MakeConfig(int max_batch_size, bool dynamic) {
  inference::ModelConfig config;
  config.set_name("m");
  config.set_max_batch_size(max_batch_size);
  auto* input = config.add_input();
  input->set_name("INPUT0");
  input->add_dims(-1);
  if (dynamic) config.mutable_dynamic_batching();
  return config;
}

// Fixture: one scheduler for model "m" version 1 over FakeInstances.
class SchedulerTest : public ::testing::Test {
 protected:
  void Start(const inference::ModelConfig& config, int instances = 1,
             SchedulingMode mode = SchedulingMode::kBatched) {
    config_ = config;
    stats_ = std::make_unique<ModelStats>(&registry_, "m", 1);
    SchedulerOptions options;
    options.config = &config_;
    options.version = 1;
    options.stats = stats_.get();
    auto scheduler = CreateScheduler(options, mode, MakeInstances(backend_, instances));
    ASSERT_TRUE(scheduler.ok()) << scheduler.status().ToString();
    scheduler_ = std::move(scheduler).value();
  }

  void TearDown() override {
    backend_->OpenGate();
    if (scheduler_) scheduler_->Stop();
  }

  Status Enqueue(const std::string& id, int64_t rows = 1, std::vector<int64_t> dims = {4},
                 uint64_t priority = 0, uint64_t timeout_us = 0) {
    auto request = MakeRequest(id, sink_, rows, std::move(dims));
    request->priority = priority;
    request->timeout_us = timeout_us;
    return scheduler_->Enqueue(request);
  }

  // Closes the gate and runs request "blocker", returning once it executes,
  // so that what is enqueued next waits in the queue until OpenGate().
  void Block(int64_t rows = 1, uint64_t priority = 0) {
    backend_->CloseGate();
    const size_t before = backend_->batches().size();
    ASSERT_TRUE(Enqueue("blocker", rows, {4}, priority).ok());
    ASSERT_TRUE(backend_->WaitForBatches(before + 1));
  }

  double FailureCount(std::string_view reason) {
    return registry_
        .GetCounter("nv_inference_request_failure",
                    "Number of failed inference requests, all batch sizes",
                    {{"model", "m"}, {"version", "1"}, {"reason", std::string(reason)}})
        ->value();
  }

  inference::ModelConfig config_;
  MetricsRegistry registry_;
  std::unique_ptr<ModelStats> stats_;  // outlives scheduler_
  std::shared_ptr<FakeBackend> backend_ = std::make_shared<FakeBackend>();
  std::shared_ptr<CollectingSink> sink_ = std::make_shared<CollectingSink>();
  std::unique_ptr<Scheduler> scheduler_;
};

}  // namespace strato::testing
