// Test-only helpers for the model manager tests: a tiny real "echo" backend
// (OUT = IN, response tagged with the serving version), temp repositories
// and a blocking client. Header-only so that it is not part of strato_server.
//
// Echo backend config parameters:
//   fail_load = "1"     LoadModel fails (INTERNAL)
//   reject_zeros = "1"  requests whose IN is all zero bytes fail
//   delay_ms = "N"      each execution sleeps N ms
#pragma once

#include <atomic>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <unistd.h>

#include "strato/backend/backend.h"
#include "strato/server/model_manager.h"

namespace strato::testing {

struct EchoCounters {
  std::atomic<int> loads{0};
  std::atomic<int> executions{0};
  std::atomic<int> warmup_requests{0};
};
inline EchoCounters& Echo() {
  static EchoCounters counters;
  return counters;
}

class EchoInstance : public ModelInstance {
 public:
  EchoInstance(int64_t version, bool reject_zeros, int delay_ms)
      : version_(version), reject_zeros_(reject_zeros), delay_ms_(delay_ms) {}

  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    Echo().executions++;
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    for (auto& request : batch) {
      if (request->id.rfind("warmup:", 0) == 0) Echo().warmup_requests++;
      const Tensor* in = request->FindInput("IN");
      if (in == nullptr) {
        RespondWithError(*request, version_, InvalidArgumentError("echo needs IN"));
        continue;
      }
      bool all_zero = true;
      for (uint8_t b : in->bytes()) all_zero = all_zero && b == 0;
      if (reject_zeros_ && all_zero) {
        RespondWithError(*request, version_, InvalidArgumentError("echo rejects zeros"));
        continue;
      }
      auto response = MakeResponse(*request, version_);
      Tensor out("OUT", in->datatype(), in->shape());
      out.SetOwned(std::vector<uint8_t>(in->bytes().begin(), in->bytes().end()));
      response->outputs.push_back(std::move(out));
      request->sink->Send(std::move(response), true);
    }
  }

 private:
  int64_t version_;
  bool reject_zeros_;
  int delay_ms_;
};

class EchoModel : public Model {
 public:
  EchoModel(int64_t version, bool reject_zeros, int delay_ms)
      : version_(version), reject_zeros_(reject_zeros), delay_ms_(delay_ms) {}
  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int) override {
    return std::unique_ptr<ModelInstance>(std::make_unique<EchoInstance>(version_, reject_zeros_, delay_ms_));
  }

 private:
  int64_t version_;
  bool reject_zeros_;
  int delay_ms_;
};

class EchoBackend : public Backend {
 public:
  std::string_view name() const override { return "echo"; }

  // Models that declare no tensors get IN/OUT FP32 [-1].
  Status AutoCompleteConfig(const std::filesystem::path&, inference::ModelConfig* config) const override {
    if (config->input().empty()) {
      auto* in = config->add_input();
      in->set_name("IN");
      in->set_data_type(inference::TYPE_FP32);
      in->add_dims(-1);
    }
    if (config->output().empty()) {
      auto* out = config->add_output();
      out->set_name("OUT");
      out->set_data_type(inference::TYPE_FP32);
      out->add_dims(-1);
    }
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<Model>> LoadModel(const ModelLoadContext& context) const override {
    if (ConfigParameter(*context.config, "fail_load") == "1") return InternalError("echo told to fail");
    Echo().loads++;
    const int delay = std::stoi(ConfigParameter(*context.config, "delay_ms", "0"));
    return std::unique_ptr<Model>(std::make_unique<EchoModel>(
        context.version, ConfigParameter(*context.config, "reject_zeros") == "1", delay));
  }
};

// A fresh folder under /tmp, removed at destruction.
class TempRepo {
 public:
  TempRepo() {
    static std::atomic<int> n{0};
    path_ = std::filesystem::path("/tmp") /
            ("strato_server_test_" + std::to_string(getpid()) + "_" + std::to_string(n++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempRepo() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

  void WriteFile(const std::filesystem::path& rel, const std::string& contents) const {
    std::filesystem::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel, std::ios::binary | std::ios::trunc) << contents;
  }
  // <model>/config.pbtxt plus empty version folders (with a marker file).
  void WriteModel(const std::string& model, const std::string& config,
                  std::initializer_list<int> versions) const {
    WriteFile(model + "/config.pbtxt", config);
    for (int v : versions) AddVersion(model, v);
  }
  void AddVersion(const std::string& model, int v) const {
    std::string contents = "v";  // built piecewise: GCC 12 misfires -Wrestrict on "v" + string
    contents += std::to_string(v);
    WriteFile(model + "/" + std::to_string(v) + "/model.txt", contents);
  }

 private:
  std::filesystem::path path_;
};

inline std::string EchoConfig(const std::string& name, const std::string& extra = "") {
  return "name: \"" + name + "\"\nbackend: \"echo\"\nmax_batch_size: 8\n" +
         "input [ { name: \"IN\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n" +
         "output [ { name: \"OUT\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n" + extra;
}

class FutureSink : public ResponseSink {
 public:
  void Send(std::unique_ptr<InferenceResponse> response, bool final) override {
    if (final) promise_.set_value(std::move(response));
  }
  std::future<std::unique_ptr<InferenceResponse>> future() { return promise_.get_future(); }

 private:
  std::promise<std::unique_ptr<InferenceResponse>> promise_;
};

// An FP32 request [1, 2] for IN with value `value`.
inline std::unique_ptr<InferenceRequest> EchoRequest(const std::string& model, float value = 1.0f) {
  auto request = std::make_unique<InferenceRequest>();
  request->model_name = model;
  Tensor in("IN", DataType::kFp32, {1, 2});
  float data[2] = {value, value};
  std::vector<uint8_t> bytes(sizeof(data));
  std::memcpy(bytes.data(), data, sizeof(data));
  in.SetOwned(std::move(bytes));
  request->inputs.push_back(std::move(in));
  return request;
}

// Get + Infer + wait; the response (whose status may be an error) or the
// Get/Infer error.
inline StatusOr<std::unique_ptr<InferenceResponse>> InferSync(
    const ModelManager& manager, const std::string& model, int64_t version = -1,
    std::unique_ptr<InferenceRequest> request = nullptr) {
  auto target = manager.Get(model, version);
  if (!target.ok()) return target.status();
  if (!request) request = EchoRequest(model);
  auto sink = std::make_shared<FutureSink>();
  auto future = sink->future();
  request->sink = sink;
  Status s = (*target)->Infer(request);
  if (!s.ok()) return s;
  target->reset();  // a client drops its reference once the request is in
  if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    return DeadlineExceededError("no response");
  }
  return future.get();
}

// Polls `condition` every 20 ms for up to `timeout`.
template <typename F>
bool WaitFor(F condition, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

}  // namespace strato::testing
