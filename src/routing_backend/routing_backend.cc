// The `routing` backend (see routing_backend.h): a bounded job queue in front
// of the HGS solver, answering either when the solve ends (a plain request)
// or at once with a job id that later requests poll or cancel.
#include "strato/routing/routing_backend.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
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
  size_t kept_jobs = 256;
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

// One solve. Asynchronous jobs stay in the table after they end so that
// their result can be fetched.
struct Job {
  std::string id;
  JsonProblem problem;
  std::atomic<bool> cancel{false};
  std::chrono::steady_clock::time_point submitted = std::chrono::steady_clock::now();

  std::mutex mu;                 // guards the fields below
  std::string state = "queued";  // queued, running, done, cancelled, failed
  std::vector<Improvement> history;
  std::string result_json;  // when ended
  std::string error;        // when failed
};

void Reply(InferenceRequest& request, int64_t version, const std::string& json) {
  auto response = MakeResponse(request, version);
  std::vector<uint8_t> bytes;
  AppendBytesElement(&bytes, json);
  Tensor t(kOutput, DataType::kBytes, {1});
  t.SetOwned(std::move(bytes));
  response->outputs.push_back(std::move(t));
  if (request.sink) request.sink->Send(std::move(response), /*final=*/true);
}

std::string JobStatusJson(Job& job, bool with_result) {
  std::lock_guard lock(job.mu);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("job_id");
  w.String(job.id.c_str());
  w.Key("state");
  w.String(job.state.c_str());
  w.Key("elapsed_s");
  w.Double(std::chrono::duration<double>(std::chrono::steady_clock::now() - job.submitted).count());
  if (!job.history.empty()) {
    w.Key("best_cost");
    w.Double(job.history.back().cost);
    w.Key("vehicles");
    w.Int(job.history.back().vehicles);
  }
  w.Key("history");
  w.StartArray();
  for (const auto& imp : job.history) {
    w.StartArray();
    w.Double(imp.seconds);
    w.Double(imp.cost);
    w.EndArray();
  }
  w.EndArray();
  if (!job.error.empty()) {
    w.Key("error");
    w.String(job.error.c_str());
  }
  if (with_result && !job.result_json.empty()) {
    w.Key("solution");
    w.RawValue(job.result_json.c_str(), job.result_json.size(), rapidjson::kObjectType);
  }
  w.EndObject();
  return buf.GetString();
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
      for (auto& [id, job] : jobs_) job->cancel = true;
    }
    cv_.notify_all();
    workers_.clear();  // joins; running solves see stopping_ and end early
  }

  // Called on the frontend's thread: decodes the request and either answers
  // at once (job actions, bad input, full queue) or queues a solve.
  void Submit(std::unique_ptr<InferenceRequest> request) {
    const Tensor* in = request->FindInput(kInput);
    if (in == nullptr) {
      RespondWithError(*request, version_, InvalidArgumentError("input PROBLEM is missing"));
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
      RespondWithError(*request, version_, s);
      return;
    }
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseNanAndInfFlag>(json.data(), json.size());
    if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("action")) {
      Action(*request, doc);
      return;
    }
    auto parsed = ParseProblemJson(json);
    if (!parsed.ok()) {
      RespondWithError(*request, version_, parsed.status());
      return;
    }
    auto job = std::make_shared<Job>();
    job->problem = std::move(parsed).value();
    SolverOptions& o = job->problem.options;
    if (!doc.HasMember("time_limit_s")) o.time_limit_s = limits_.default_time_limit_s;
    if (o.time_limit_s > limits_.max_time_limit_s) {
      RespondWithError(*request, version_,
                       InvalidArgumentError("time_limit_s: " + std::to_string(o.time_limit_s) +
                                            " exceeds this model's max_time_limit_s " +
                                            std::to_string(limits_.max_time_limit_s)));
      return;
    }
    if (o.threads > limits_.max_threads) {
      RespondWithError(*request, version_,
                       InvalidArgumentError("threads: " + std::to_string(o.threads) +
                                            " exceeds this model's max_threads " +
                                            std::to_string(limits_.max_threads)));
      return;
    }
    const bool async = doc.HasMember("async") && doc["async"].IsBool() && doc["async"].GetBool();
    std::unique_lock lock(mu_);
    if (queue_.size() >= limits_.queue) {
      lock.unlock();
      RespondWithError(
          *request, version_,
          ResourceExhaustedError("routing: job queue full (" + std::to_string(limits_.queue) +
                                 " waiting); retry later"));
      return;
    }
    job->id = "job-" + std::to_string(++next_id_);
    if (async) {
      Remember(job);
      queue_.push_back({nullptr, job});
      lock.unlock();
      cv_.notify_one();
      Reply(*request, version_, JobStatusJson(*job, false));
      return;
    }
    queue_.push_back({std::move(request), job});
    lock.unlock();
    cv_.notify_one();
  }

 private:
  struct Work {
    std::unique_ptr<InferenceRequest> request;  // null for an asynchronous job
    std::shared_ptr<Job> job;
  };

  // {"action": "poll" | "result" | "cancel", "job_id": "..."}
  void Action(InferenceRequest& request, const rapidjson::Document& doc) {
    const std::string action = doc["action"].IsString() ? doc["action"].GetString() : "";
    if (action != "poll" && action != "cancel" && action != "result") {
      RespondWithError(request, version_,
                       InvalidArgumentError("action: must be \"poll\", \"result\" or \"cancel\""));
      return;
    }
    auto it = doc.FindMember("job_id");
    if (it == doc.MemberEnd() || !it->value.IsString()) {
      RespondWithError(request, version_, InvalidArgumentError("job_id: is required (a string)"));
      return;
    }
    std::shared_ptr<Job> job;
    {
      std::lock_guard lock(mu_);
      auto found = jobs_.find(it->value.GetString());
      if (found != jobs_.end()) job = found->second;
    }
    if (!job) {
      RespondWithError(request, version_,
                       NotFoundError(std::string("job_id: no job '") + it->value.GetString() +
                                     "' (finished jobs are kept for a while, then forgotten)"));
      return;
    }
    if (action == "cancel") job->cancel = true;
    Reply(request, version_, JobStatusJson(*job, action == "result"));
  }

  // REQUIRES: mu_ held.
  void Remember(const std::shared_ptr<Job>& job) {
    jobs_[job->id] = job;
    order_.push_back(job->id);
    // Forget the oldest ended jobs beyond the limit.
    for (size_t i = 0; jobs_.size() > limits_.kept_jobs && i < order_.size();) {
      auto found = jobs_.find(order_[i]);
      bool ended = true;
      if (found != jobs_.end()) {
        std::lock_guard job_lock(found->second->mu);
        ended = found->second->state != "queued" && found->second->state != "running";
      }
      if (ended) {
        if (found != jobs_.end()) jobs_.erase(found);
        order_.erase(order_.begin() + static_cast<long>(i));
      } else {
        ++i;
      }
    }
  }

  void Work() {
    for (;;) {
      struct Work item;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping
        item = std::move(queue_.front());
        queue_.pop_front();
      }
      Run(item);
    }
  }

  void Run(struct Work& item) {
    Job& job = *item.job;
    InferenceRequest* request = item.request.get();
    {
      std::lock_guard lock(job.mu);
      job.state = "running";
    }
    SolverOptions options = job.problem.options;
    options.stop_requested = [&] {
      return stopping_.load() || job.cancel.load() || (request && request->IsCancelled());
    };
    options.on_improvement = [&](const Improvement& imp, const Solution&) {
      std::lock_guard lock(job.mu);
      job.history.push_back(imp);
    };
    auto result = Solve(job.problem.problem, options);
    std::string json;
    if (result.ok()) {
      StatusOr<CheckReport> report = InternalError("no solution");
      if (result->feasible) report = CheckSolution(job.problem.problem, result->best);
      json = SolutionToJson(job.problem, *result, report.ok() ? &report.value() : nullptr);
    }
    {
      std::lock_guard lock(job.mu);
      if (!result.ok()) {
        job.state = "failed";
        job.error = result.status().ToString();
      } else {
        job.state = result->cancelled ? "cancelled" : "done";
        job.result_json = json;
      }
    }
    if (request == nullptr) return;
    if (!result.ok()) {
      RespondWithError(*request, version_, result.status());
      return;
    }
    Reply(*request, version_, json);
  }

  const Limits limits_;
  const int64_t version_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<struct Work> queue_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::vector<std::string> order_;
  uint64_t next_id_ = 0;
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
    ASSIGN_OR_RETURN(double kept, NumberParameter(config, "kept_jobs", 256, 1, 100000));
    ASSIGN_OR_RETURN(limits.default_time_limit_s,
                     NumberParameter(config, "default_time_limit_s", 2, 0.001, 86400));
    ASSIGN_OR_RETURN(limits.max_time_limit_s,
                     NumberParameter(config, "max_time_limit_s", 60, 0.001, 86400));
    ASSIGN_OR_RETURN(double threads, NumberParameter(config, "max_threads", 2, 1, 64));
    limits.workers = static_cast<int>(workers);
    limits.queue = static_cast<size_t>(queue);
    limits.kept_jobs = static_cast<size_t>(kept);
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
