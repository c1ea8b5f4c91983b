// The pass-through scheduler for models that schedule themselves (kDirect).
#include <gtest/gtest.h>

#include <thread>

#include "scheduler_test_util.h"

namespace strato::testing {
namespace {

using DirectSchedulerTest = SchedulerTest;

TEST_F(DirectSchedulerTest, ExecutesOnCallerThreadRoundRobin) {
  Start(MakeConfig(8, /*dynamic=*/false), /*instances=*/2, SchedulingMode::kDirect);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(Enqueue("d" + std::to_string(i), /*rows=*/2).ok());
    // The fake answers inside Execute, so the response is already here.
    EXPECT_EQ(sink_->FinalCount("d" + std::to_string(i)), 1u);
  }
  for (auto id : backend_->threads()) EXPECT_EQ(id, std::this_thread::get_id());
  EXPECT_EQ(backend_->instance_of_batch(), (std::vector<int>{0, 1, 0, 1}));
  scheduler_->Stop();
  const ModelStatsSnapshot s = stats_->Snapshot();
  EXPECT_EQ(s.success.count, 4u);
  EXPECT_EQ(s.execution_count, 4u);
  EXPECT_EQ(s.inference_count, 8u);
  EXPECT_EQ(s.pending, 0);
  EXPECT_EQ(scheduler_->InflightCount(), 0u);
}

// An instance that keeps requests and answers them when told, like a model
// with its own continuous batching.
class DeferredInstance : public ModelInstance {
 public:
  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& r : batch) held_.push_back(std::move(r));
  }
  void AnswerAll() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& r : held_) RespondWithError(*r, 1, InternalError("model failed"));
    held_.clear();
  }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<InferenceRequest>> held_;  // GUARDED_BY(mu_)
};

TEST(DirectScheduler, InflightUntilFinalResponseAndStopWaitsForIt) {
  MetricsRegistry registry;
  ModelStats stats(&registry, "m", 1);
  inference::ModelConfig config = MakeConfig(0, /*dynamic=*/false);
  auto instance = std::make_unique<DeferredInstance>();
  DeferredInstance* raw = instance.get();
  std::vector<std::unique_ptr<ModelInstance>> instances;
  instances.push_back(std::move(instance));
  SchedulerOptions options;
  options.config = &config;
  options.version = 1;
  options.stats = &stats;
  auto created = CreateScheduler(options, SchedulingMode::kDirect, std::move(instances));
  ASSERT_TRUE(created.ok());
  std::unique_ptr<Scheduler> scheduler = std::move(created).value();
  auto sink = std::make_shared<CollectingSink>();

  auto request = MakeRequest("held", sink);
  ASSERT_TRUE(scheduler->Enqueue(request).ok());
  EXPECT_EQ(scheduler->InflightCount(), 1u);
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    scheduler->Stop();
    stopped = true;
  });
  // Refused once stopping; the held request keeps Stop waiting.
  auto late = MakeRequest("late", sink);
  Status status;
  for (int i = 0; i < 20000 && status.ok(); ++i) {
    status = scheduler->Enqueue(late);
    if (status.ok()) late = MakeRequest("late", sink);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(status, UnavailableError("model 'm' version 1 is unloading"));
  EXPECT_FALSE(stopped.load());
  raw->AnswerAll();
  stopper.join();
  EXPECT_EQ(scheduler->InflightCount(), 0u);
  EXPECT_EQ(sink->StatusOf("held").code(), StatusCode::kInternal);
  EXPECT_GE(stats.Snapshot().fail.count, 1u);
  scheduler.reset();
}

TEST(CreateScheduler, RejectsMissingInputs) {
  inference::ModelConfig config = MakeConfig(4, /*dynamic=*/true);
  ModelStats stats(nullptr, "m", 1);
  SchedulerOptions options;
  options.config = &config;
  options.stats = &stats;
  auto none = CreateScheduler(options, SchedulingMode::kBatched, {});
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  config.mutable_dynamic_batching()->add_preferred_batch_size(5);  // > max_batch_size
  auto backend = std::make_shared<FakeBackend>();
  auto bad = CreateScheduler(options, SchedulingMode::kBatched, MakeInstances(backend, 1));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strato::testing
