// The `routing` backend (see routing_backend.h): a bounded job queue in front
// of the HGS solver.
#include "strato/routing/routing_backend.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "strato/core/tensor.h"
#include "strato/routing/json.h"
#include "strato/routing/solver.h"

namespace strato::routing {
namespace {

constexpr char kInput[] = "PROBLEM";
constexpr char kOutput[] = "SOLUTION";

struct Limits {
  int workers = 2;
  size_t queue = 16;
  double default_time_limit_s = 2;
  double max_time_limit_s = 60;
  int max_threads = 2;
};

StatusOr<double> NumberParameter(const inference::ModelConfig& config, const char* key,
                                 double fallback, double lo, double hi) {
  const std::string v = ConfigParameter(config, key);
  if (v.empty()) return fallback;
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (*end != '\0' || !(d >= lo && d <= hi)) {
    return InvalidArgumentError("routing model '" + config.name() + "': parameter " + key +
                                " must be a number in [" + std::to_string(lo) + ", " +
                                std::to_string(hi) + "], got '" + v + "'");
  }
  return d;
}

// Runs jobs on a fixed set of workers; shared by every instance of a model.
class JobRunner {
 public:
  JobRunner(Limits limits, int64_t version) : limits_(limits), version_(version) {
    for (int i = 0; i < limits_.workers; ++i) workers_.emplace_back([this] { Work(); });
  }
  ~JobRunner() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    workers_.clear();  // joins; running solves see stopping_ and end early
  }

  void Submit(std::unique_ptr<InferenceRequest> request) {
    {
      std::lock_guard lock(mu_);
      if (queue_.size() >= limits_.queue) {
        RespondWithError(
            *request, version_,
            ResourceExhaustedError("routing: job queue full (" + std::to_string(limits_.queue) +
                                   " waiting); retry later"));
        return;
      }
      queue_.push_back(std::move(request));
    }
    cv_.notify_one();
  }

 private:
  void Work() {
    for (;;) {
      std::unique_ptr<InferenceRequest> request;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping
        request = std::move(queue_.front());
        queue_.pop_front();
      }
      if (stopping_) {
        RespondWithError(*request, version_, UnavailableError("routing: model is unloading"));
        continue;
      }
      Run(*request);
    }
  }

  void Run(InferenceRequest& request) {
    const Tensor* in = request.FindInput(kInput);
    if (in == nullptr) {
      RespondWithError(request, version_, InvalidArgumentError("input PROBLEM is missing"));
      return;
    }
    std::string json;
    int elements = 0;
    Status s = ForEachBytesElement(in->bytes(), [&](std::string_view e) {
      if (elements++ == 0) json.assign(e);
    });
    if (s.ok() && elements != 1) {
      s = InvalidArgumentError("input PROBLEM must hold exactly one JSON document, got " +
                               std::to_string(elements));
    }
    if (!s.ok()) {
      RespondWithError(request, version_, s);
      return;
    }
    auto parsed = ParseProblemJson(json);
    if (!parsed.ok()) {
      RespondWithError(request, version_, parsed.status());
      return;
    }
    SolverOptions options = parsed->options;
    if (json.find("\"time_limit_s\"") == std::string::npos) {
      options.time_limit_s = limits_.default_time_limit_s;
    }
    if (options.time_limit_s > limits_.max_time_limit_s) {
      RespondWithError(
          request, version_,
          InvalidArgumentError("time_limit_s: " + std::to_string(options.time_limit_s) +
                               " exceeds this model's max_time_limit_s " +
                               std::to_string(limits_.max_time_limit_s)));
      return;
    }
    if (options.threads > limits_.max_threads) {
      RespondWithError(request, version_,
                       InvalidArgumentError("threads: " + std::to_string(options.threads) +
                                            " exceeds this model's max_threads " +
                                            std::to_string(limits_.max_threads)));
      return;
    }
    options.stop_requested = [&] { return stopping_.load() || request.IsCancelled(); };
    auto result = Solve(parsed->problem, options);
    if (!result.ok()) {
      RespondWithError(request, version_, result.status());
      return;
    }
    StatusOr<CheckReport> report = InternalError("no solution");
    if (result->feasible) report = CheckSolution(parsed->problem, result->best);
    const std::string out =
        SolutionToJson(*parsed, *result, report.ok() ? &report.value() : nullptr);
    auto response = MakeResponse(request, version_);
    std::vector<uint8_t> bytes;
    AppendBytesElement(&bytes, out);
    Tensor t(kOutput, DataType::kBytes, {1});
    t.SetOwned(std::move(bytes));
    response->outputs.push_back(std::move(t));
    if (request.sink) request.sink->Send(std::move(response), /*final=*/true);
  }

  const Limits limits_;
  const int64_t version_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<InferenceRequest>> queue_;
  std::atomic<bool> stopping_{false};
  std::vector<std::jthread> workers_;
};

class RoutingInstance final : public ModelInstance {
 public:
  explicit RoutingInstance(std::shared_ptr<JobRunner> runner) : runner_(std::move(runner)) {}
  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    for (auto& request : batch) {
      if (request) runner_->Submit(std::move(request));
    }
  }

 private:
  std::shared_ptr<JobRunner> runner_;
};

class RoutingModel final : public Model {
 public:
  RoutingModel(Limits limits, int64_t version)
      : runner_(std::make_shared<JobRunner>(limits, version)) {}
  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int) override {
    return std::unique_ptr<ModelInstance>(std::make_unique<RoutingInstance>(runner_));
  }
  SchedulingMode scheduling() const override { return SchedulingMode::kDirect; }

 private:
  std::shared_ptr<JobRunner> runner_;
};

class RoutingBackend final : public Backend {
 public:
  std::string_view name() const override { return "routing"; }

  Status AutoCompleteConfig(const std::filesystem::path&,
                            inference::ModelConfig* config) const override {
    if (config->input_size() == 0) {
      auto* in = config->add_input();
      in->set_name(kInput);
      in->set_data_type(inference::TYPE_STRING);
      in->add_dims(1);
    }
    if (config->output_size() == 0) {
      auto* out = config->add_output();
      out->set_name(kOutput);
      out->set_data_type(inference::TYPE_STRING);
      out->add_dims(1);
    }
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<Model>> LoadModel(const ModelLoadContext& context) const override {
    if (context.config == nullptr) return InvalidArgumentError("routing: no model config");
    const auto& config = *context.config;
    Limits limits;
    ASSIGN_OR_RETURN(double workers, NumberParameter(config, "max_concurrent_jobs", 2, 1, 64));
    ASSIGN_OR_RETURN(double queue, NumberParameter(config, "max_queued_jobs", 16, 0, 100000));
    ASSIGN_OR_RETURN(limits.default_time_limit_s,
                     NumberParameter(config, "default_time_limit_s", 2, 0.001, 86400));
    ASSIGN_OR_RETURN(limits.max_time_limit_s,
                     NumberParameter(config, "max_time_limit_s", 60, 0.001, 86400));
    ASSIGN_OR_RETURN(double threads, NumberParameter(config, "max_threads", 2, 1, 64));
    limits.workers = static_cast<int>(workers);
    limits.queue = static_cast<size_t>(queue);
    limits.max_threads = static_cast<int>(threads);
    bool has_input = false;
    for (const auto& in : config.input()) {
      has_input |= in.name() == kInput && in.data_type() == inference::TYPE_STRING;
    }
    if (!has_input) {
      return InvalidArgumentError("routing model '" + config.name() +
                                  "': needs input PROBLEM of type TYPE_STRING");
    }
    return std::unique_ptr<Model>(std::make_unique<RoutingModel>(limits, context.version));
  }
};

}  // namespace

void RegisterRoutingBackend(BackendRegistry* registry) {
  registry->Register(std::make_shared<RoutingBackend>());
}

}  // namespace strato::routing
