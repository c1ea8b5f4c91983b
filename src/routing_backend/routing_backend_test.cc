// The routing backend through its Model/ModelInstance interface, as the
// server drives it: real JSON in a BYTES tensor, responses through a sink.
#include "strato/routing/routing_backend.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <set>
#include <thread>

#include "../backends/backend_test_util.h"
#include "strato/core/tensor.h"

namespace strato::routing {
namespace {

using strato::testing::CollectingSink;

std::string Config(int workers = 2, int queue = 16) {
  return "name: \"routing\"\nbackend: \"routing\"\nmax_batch_size: 0\n"
         "input [ { name: \"PROBLEM\" data_type: TYPE_STRING dims: [ 1 ] } ]\n"
         "output [ { name: \"SOLUTION\" data_type: TYPE_STRING dims: [ 1 ] } ]\n"
         "parameters [ { key: \"max_concurrent_jobs\" value: { string_value: \"" +
         std::to_string(workers) + "\" } }, { key: \"max_queued_jobs\" value: { string_value: \"" +
         std::to_string(queue) + "\" } } ]\n";
}

struct Loaded {
  std::unique_ptr<Model> model;
  std::unique_ptr<ModelInstance> instance;
};

Loaded Load(const std::string& config_text) {
  BackendRegistry registry;
  RegisterRoutingBackend(&registry);
  const Backend* backend = registry.Find("routing");
  EXPECT_NE(backend, nullptr);
  static inference::ModelConfig config;  // outlives the model in each test
  config = strato::testing::ParseConfig(config_text);
  Loaded l;
  auto inst = strato::testing::LoadInstance(*backend, config, "/tmp/routing-test/1", &l.model);
  EXPECT_TRUE(inst.ok()) << inst.status().ToString();
  if (inst.ok()) l.instance = std::move(inst).value();
  return l;
}

std::unique_ptr<InferenceRequest> Request(const std::string& json,
                                          std::shared_ptr<CollectingSink> sink) {
  std::vector<uint8_t> bytes;
  AppendBytesElement(&bytes, json);
  auto t =
      strato::testing::MakeViewTensor("PROBLEM", DataType::kBytes, {1}, bytes.data(), bytes.size());
  return strato::testing::MakeRequest("r", {t}, std::move(sink));
}

void Submit(ModelInstance& instance, std::unique_ptr<InferenceRequest> request) {
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  batch.push_back(std::move(request));
  instance.Execute(batch);
}

bool WaitFinal(const CollectingSink& sink, double seconds = 60) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (sink.finals() == 0) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::string SolutionText(const InferenceResponse& r) {
  std::string out;
  EXPECT_EQ(r.outputs.size(), 1u);
  if (r.outputs.empty()) return out;
  EXPECT_TRUE(
      ForEachBytesElement(r.outputs[0].bytes(), [&](std::string_view e) { out.assign(e); }).ok());
  return out;
}

TEST(RoutingBackend, SolvesTheDemoProblem) {
  Loaded l = Load(Config());
  auto sink = std::make_shared<CollectingSink>();
  // An iteration limit rather than the demo's 1 s, so that a slow (sanitised,
  // busy) machine still finds a solution.
  std::string json = DemoRoutingProblemJson();
  json.replace(json.find("\"time_limit_s\": 1"), 17,
               "\"time_limit_s\": 60, \"max_iterations\": 50");
  Submit(*l.instance, Request(json, sink));
  ASSERT_TRUE(WaitFinal(*sink));
  const InferenceResponse& r = sink->only();
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  rapidjson::Document doc;
  doc.Parse(SolutionText(r).c_str());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_TRUE(doc["feasible"].GetBool());
  EXPECT_GT(doc["cost"].GetDouble(), 0);
  std::set<std::string> stops;
  double load = 0;
  for (const auto& route : doc["routes"].GetArray()) {
    for (const auto& s : route["stops"].GetArray()) stops.insert(s.GetString());
    EXPECT_LE(route["load"].GetDouble(), 50);
    load += route["load"].GetDouble();
    EXPECT_EQ(route["arrivals"].Size(), route["stops"].Size());
  }
  EXPECT_EQ(stops.size(), 40u);
  EXPECT_TRUE(stops.count("shop-17"));
  EXPECT_GE(doc["history"].Size(), 1u);
}

TEST(RoutingBackend, BadProblemsGetAnErrorNamingTheCause) {
  Loaded l = Load(Config());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"capacity": 10, "depot": {"x": 0, "y": 0}, "customers": [{"x": 1, "y": 1, "demand": 11}]})",
       "exceeds the vehicle capacity"},
      {R"({"capacity": 10, "depot": {"x": 0, "y": 0}, "customers": []})", "customers: is empty"},
      {R"({"capacity": 10, "depot": {"x": 0, "y": 0, "due": 100},
           "customers": [{"x": 50, "y": 0, "demand": 1, "due": 20}]})",
       "time window of customer 1 cannot be met"},
      {R"({"capacity": 10, "customers": [{"demand": 1}], "distance": [[0, 1], [1, 0], [2, 2]]})",
       "distance: has 3 rows, expected 2"},
      {R"({"capacity": 10, "depot": {"x": 0, "y": 0}, "customers": [{"x": NaN, "y": 1, "demand": 1}]})",
       "customers[0].x: must be a finite number"},
      {R"({"capacity": 10, "depot": {"x": 0, "y": 0}, "customers": [{"x": 1, "y": 1}]})",
       "customers[0].demand: is required"},
      {R"({"capacity": 10, "depot": {"x": 0, "y": 0}, "customers": [{"x": 1, "y": 1, "demand": 1}],
           "time_limit_s": 1000})",
       "exceeds this model's max_time_limit_s"},
      {"{not json", "invalid JSON"},
  };
  for (const auto& [json, words] : cases) {
    auto sink = std::make_shared<CollectingSink>();
    Submit(*l.instance, Request(json, sink));
    ASSERT_TRUE(WaitFinal(*sink));
    const InferenceResponse& r = sink->only();
    EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument) << json;
    EXPECT_NE(r.status.message().find(words), std::string::npos)
        << "expected '" << words << "' in: " << r.status.message();
  }
}

TEST(RoutingBackend, CancelEndsTheJobWithTheBestSoFar) {
  Loaded l = Load(Config());
  auto sink = std::make_shared<CollectingSink>();
  std::string json = DemoRoutingProblemJson();
  json.replace(json.find("\"time_limit_s\": 1"), 17, "\"time_limit_s\": 50");
  auto request = Request(json, sink);
  auto cancelled = request->cancelled;
  const auto start = std::chrono::steady_clock::now();
  Submit(*l.instance, std::move(request));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  *cancelled = true;
  ASSERT_TRUE(WaitFinal(*sink, 40));
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 40);
  rapidjson::Document doc;
  doc.Parse(SolutionText(sink->only()).c_str());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_TRUE(doc["cancelled"].GetBool());
}

TEST(RoutingBackend, ConcurrentJobsAndABoundedQueue) {
  Loaded l = Load(Config(/*workers=*/1, /*queue=*/1));
  std::vector<std::shared_ptr<CollectingSink>> sinks;
  std::string json = DemoRoutingProblemJson();
  json.replace(json.find("\"time_limit_s\": 1"), 17, "\"time_limit_s\": 0.3");
  for (int i = 0; i < 3; ++i) {
    sinks.push_back(std::make_shared<CollectingSink>());
    Submit(*l.instance, Request(json, sinks.back()));
  }
  int ok = 0, rejected = 0;
  for (auto& s : sinks) {
    ASSERT_TRUE(WaitFinal(*s));
    const auto code = s->only().status.code();
    if (code == StatusCode::kOk) ++ok;
    if (code == StatusCode::kResourceExhausted) ++rejected;
  }
  EXPECT_GE(rejected, 1);  // one running + one waiting at most
  EXPECT_GE(ok, 1);
  EXPECT_EQ(ok + rejected, 3);
}

rapidjson::Document Call(ModelInstance& instance, const std::string& json,
                         StatusCode want = StatusCode::kOk) {
  auto sink = std::make_shared<CollectingSink>();
  Submit(instance, Request(json, sink));
  EXPECT_TRUE(WaitFinal(*sink));
  rapidjson::Document doc;
  EXPECT_EQ(sink->only().status.code(), want) << sink->only().status.ToString();
  if (sink->only().status.ok()) doc.Parse(SolutionText(sink->only()).c_str());
  return doc;
}

TEST(RoutingBackend, AsyncJobsArePolledCancelledAndFetched) {
  Loaded l = Load(Config());
  std::string json = DemoRoutingProblemJson();
  json.replace(json.find("\"time_limit_s\": 1"), 17, "\"async\": true, \"time_limit_s\": 50");
  rapidjson::Document submitted = Call(*l.instance, json);
  ASSERT_TRUE(submitted.IsObject());
  const std::string id = submitted["job_id"].GetString();
  EXPECT_STREQ(submitted["state"].GetString(), "queued");
  const std::string poll = R"({"action": "poll", "job_id": ")" + id + "\"}";
  // Poll until the job has a first solution.
  rapidjson::Document status;
  for (int i = 0; i < 3000; ++i) {
    status = Call(*l.instance, poll);
    if (status.HasMember("best_cost")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(status.HasMember("best_cost"));
  EXPECT_STREQ(status["state"].GetString(), "running");
  EXPECT_GE(status["history"].Size(), 1u);
  Call(*l.instance, R"({"action": "cancel", "job_id": ")" + id + "\"}");
  rapidjson::Document result;
  for (int i = 0; i < 3000; ++i) {
    result = Call(*l.instance, R"({"action": "result", "job_id": ")" + id + "\"}");
    if (std::string(result["state"].GetString()) != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_STREQ(result["state"].GetString(), "cancelled");
  ASSERT_TRUE(result.HasMember("solution"));
  EXPECT_TRUE(result["solution"]["feasible"].GetBool());
  EXPECT_EQ(result["solution"]["cost"].GetDouble(), result["best_cost"].GetDouble());
  // Unknown jobs and actions get clear errors.
  Call(*l.instance, R"({"action": "poll", "job_id": "job-999"})", StatusCode::kNotFound);
  Call(*l.instance, R"({"action": "pause", "job_id": ")" + id + "\"}",
       StatusCode::kInvalidArgument);
  Call(*l.instance, R"({"action": "poll"})", StatusCode::kInvalidArgument);
}

TEST(RoutingBackend, BadConfigIsRefused) {
  BackendRegistry registry;
  RegisterRoutingBackend(&registry);
  inference::ModelConfig config = strato::testing::ParseConfig(
      "name: \"r\"\nbackend: \"routing\"\nparameters [ { key: \"max_concurrent_jobs\" value: { "
      "string_value: \"lots\" } } ]\ninput [ { name: \"PROBLEM\" data_type: TYPE_STRING dims: [ 1 "
      "] } ]\n");
  std::unique_ptr<Model> model;
  auto inst = strato::testing::LoadInstance(*registry.Find("routing"), config, "/tmp/x/1", &model);
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.status().message().find("max_concurrent_jobs"), std::string::npos);
}

}  // namespace
}  // namespace strato::routing
