// Test doubles for the gRPC frontend's tests: a ModelManager serving small
// in-test models, answering on a worker thread like a real scheduler would.
//
// Models:
//   "echo"   unbatched; answers every input back as an output of the same
//            name, datatype, shape and bytes. Parameter "repeat" (int64 N)
//            makes it answer N responses then an empty final one
//            (decoupled style); "delay_ms" (int64) waits first, checking
//            the cancelled flag.
//   "add"    max_batch_size 8, INPUT0/INPUT1 INT32 [4] -> OUTPUT0 = sum,
//            OUTPUT1 = difference. Validates like a real model version.
//   "broken" known but never ready (Get answers UNAVAILABLE).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstring>
#include <functional>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "strato/server/model_manager.h"

namespace strato::grpcfe::testing {

// Runs queued jobs on one thread, in order.
class Worker {
 public:
  Worker() : thread_([this] { Loop(); }) {}
  ~Worker() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void Post(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::thread thread_;
};

inline int64_t IntParam(const InferenceRequest& r, const char* key) {
  auto it = r.parameters.find(key);
  if (it == r.parameters.end()) return 0;
  const int64_t* v = std::get_if<int64_t>(&it->second);
  return v ? *v : 0;
}

class FakeModel : public ModelVersion {
 public:
  FakeModel(std::string name, inference::ModelConfig config, Worker* worker)
      : name_(std::move(name)), config_(std::move(config)), stats_(nullptr, name_, 1), worker_(worker) {}

  const std::string& name() const override { return name_; }
  int64_t version() const override { return 1; }
  const inference::ModelConfig& config() const override { return config_; }
  ModelStats& stats() override { return stats_; }

  Status Infer(std::unique_ptr<InferenceRequest>& request) override {
    if (name_ == "add") RETURN_IF_ERROR(ValidateAdd(*request));
    if (request->inputs.empty()) return InvalidArgumentError("model '" + name_ + "' needs an input");
    std::shared_ptr<InferenceRequest> r(std::move(request));
    worker_->Post([this, r] { Run(*r); });
    return Status::Ok();
  }

 private:
  static Status ValidateAdd(const InferenceRequest& r) {
    for (const char* in : {"INPUT0", "INPUT1"}) {
      const Tensor* t = r.FindInput(in);
      if (t == nullptr) return InvalidArgumentError(std::string("input '") + in + "' is missing");
      if (t->datatype() != DataType::kInt32) {
        return InvalidArgumentError(std::string("input '") + in + "' has datatype " +
                                    std::string(DataTypeName(t->datatype())) + ", expected INT32");
      }
      if (t->shape().size() != 2 || t->shape()[1] != 4 || t->shape()[0] > 8) {
        return InvalidArgumentError(std::string("input '") + in + "' has the wrong shape, expected [-1,4]");
      }
    }
    if (r.FindInput("INPUT0")->shape() != r.FindInput("INPUT1")->shape()) {
      return InvalidArgumentError("inputs 'INPUT0' and 'INPUT1' differ in shape");
    }
    return Status::Ok();
  }

  void Run(InferenceRequest& r) {
    const int64_t delay = IntParam(r, "delay_ms");
    for (int64_t waited = 0; waited < delay && !r.IsCancelled(); ++waited) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (r.IsCancelled()) {
      stats_.RecordFailure(r.times, NowNs(), kFailureCanceled);
      RespondWithError(r, 1, CancelledError("request cancelled"));
      return;
    }
    auto response = MakeResponse(r, 1);
    if (name_ == "add") {
      const Tensor* a = r.FindInput("INPUT0");
      const Tensor* b = r.FindInput("INPUT1");
      Tensor sum("OUTPUT0", DataType::kInt32, a->shape());
      Tensor diff("OUTPUT1", DataType::kInt32, a->shape());
      const size_t n = static_cast<size_t>(a->element_count());
      uint8_t* s = sum.AllocateOwned(n * 4);
      uint8_t* d = diff.AllocateOwned(n * 4);
      for (size_t i = 0; i < n; ++i) {
        const int32_t x = a->ReadElement<int32_t>(i), y = b->ReadElement<int32_t>(i);
        const int32_t sv = x + y, dv = x - y;
        std::memcpy(s + i * 4, &sv, 4);
        std::memcpy(d + i * 4, &dv, 4);
      }
      if (r.WantsOutput("OUTPUT0")) response->outputs.push_back(std::move(sum));
      if (r.WantsOutput("OUTPUT1")) response->outputs.push_back(std::move(diff));
    } else {
      for (const Tensor& in : r.inputs) {
        Tensor out(in.name(), in.datatype(), in.shape());
        out.SetOwned(std::vector<uint8_t>(in.data(), in.data() + in.byte_size()));
        response->outputs.push_back(std::move(out));
      }
    }
    stats_.RecordExecution(1, 10, 20, 30);
    stats_.RecordSuccess(r.times, NowNs(), 1);
    const int64_t repeat = IntParam(r, "repeat");
    if (repeat <= 0) {
      r.sink->Send(std::move(response), true);
      return;
    }
    for (int64_t i = 0; i < repeat; ++i) {
      auto copy = std::make_unique<InferenceResponse>(*response);
      copy->parameters["index"] = i;
      r.sink->Send(std::move(copy), false);
    }
    r.sink->Send(MakeResponse(r, 1), true);
  }

  const std::string name_;
  const inference::ModelConfig config_;
  ModelStats stats_;
  Worker* worker_;
};

class FakeManager : public ModelManager {
 public:
  FakeManager() {
    inference::ModelConfig echo;
    echo.set_name("echo");
    echo.set_backend("echo");
    auto* in = echo.add_input();
    in->set_name("INPUT0");
    in->set_data_type(inference::TYPE_FP32);
    in->add_dims(-1);
    auto* out = echo.add_output();
    out->set_name("INPUT0");
    out->set_data_type(inference::TYPE_FP32);
    out->add_dims(-1);
    models_["echo"] = std::make_shared<FakeModel>("echo", echo, &worker_);

    inference::ModelConfig add;
    add.set_name("add");
    add.set_backend("add_sub");
    add.set_max_batch_size(8);
    for (const char* n : {"INPUT0", "INPUT1"}) {
      auto* i = add.add_input();
      i->set_name(n);
      i->set_data_type(inference::TYPE_INT32);
      i->add_dims(4);
    }
    for (const char* n : {"OUTPUT0", "OUTPUT1"}) {
      auto* o = add.add_output();
      o->set_name(n);
      o->set_data_type(inference::TYPE_INT32);
      o->add_dims(4);
    }
    models_["add"] = std::make_shared<FakeModel>("add", add, &worker_);
    ready_ = {"echo", "add"};
  }

  Status Start() override { return Status::Ok(); }
  void Stop() override {}
  bool Ready() const override { return ready_flag.load(); }

  StatusOr<std::shared_ptr<ModelVersion>> Get(std::string_view name, int64_t version) const override {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string n(name);
    if (n == "broken") return UnavailableError("model 'broken' is not ready: load failed");
    auto it = models_.find(n);
    if (it == models_.end()) return NotFoundError("unknown model '" + n + "'");
    if (version > 1) return NotFoundError("model '" + n + "' has no version " + std::to_string(version));
    if (!ready_.count(n)) return UnavailableError("model '" + n + "' is not loaded");
    return std::shared_ptr<ModelVersion>(it->second);
  }
  std::vector<std::shared_ptr<ModelVersion>> ReadyVersions(std::string_view name) const override {
    auto m = Get(name, -1);
    if (!m.ok()) return {};
    return {*m};
  }
  std::vector<std::shared_ptr<ModelVersion>> AllReadyVersions() const override {
    std::vector<std::shared_ptr<ModelVersion>> all;
    for (const char* n : {"add", "echo"}) {
      auto v = ReadyVersions(n);
      all.insert(all.end(), v.begin(), v.end());
    }
    return all;
  }
  std::vector<ModelIndexEntry> Index(bool ready_only) const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<ModelIndexEntry> out;
    for (const char* n : {"add", "broken", "echo"}) {
      const bool ready = ready_.count(n) > 0;
      if (ready_only && !ready) continue;
      if (std::string(n) == "broken") {
        out.push_back({n, "1", "UNAVAILABLE", "load failed"});
      } else {
        out.push_back({n, ready ? "1" : "", ready ? "READY" : "UNAVAILABLE", ""});
      }
    }
    return out;
  }
  Status Load(std::string_view name, const std::optional<std::string>& config_json,
              const std::map<std::string, std::string>& files) override {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string n(name);
    if (!models_.count(n)) return NotFoundError("no model '" + n + "' in the repository");
    last_config = config_json;
    last_files = files;
    ready_.insert(n);
    return Status::Ok();
  }
  Status Unload(std::string_view name) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!ready_.erase(std::string(name))) return NotFoundError("model '" + std::string(name) + "' is not loaded");
    return Status::Ok();
  }

  std::atomic<bool> ready_flag{true};
  std::optional<std::string> last_config;      // guarded by mu_ (read after the RPC)
  std::map<std::string, std::string> last_files;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<FakeModel>> models_;
  std::set<std::string> ready_;
  Worker worker_;  // last: its thread stops before the models go
};

}  // namespace strato::grpcfe::testing
