// Batch formation, Stop, parallel instances and stats of the dynamic batch
// scheduler, against a fake instance. Requests are queued while the instance
// is held on a "blocker" batch, so each test decides exactly what the worker
// sees when it forms the next batch; delays are either tiny or far longer
// than any test, so nothing depends on timing beyond generous margins.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "scheduler_test_util.h"

namespace strato::testing {
namespace {

using Batches = std::vector<std::vector<std::string>>;
constexpr uint64_t kLongDelayUs = 600ull * 1000 * 1000;  // ten minutes: never reached

inference::ModelConfig BatchingConfig(int max_batch_size, std::vector<int> preferred,
                                      uint64_t delay_us) {
  inference::ModelConfig config = MakeConfig(max_batch_size, /*dynamic=*/true);
  for (int p : preferred) config.mutable_dynamic_batching()->add_preferred_batch_size(p);
  config.mutable_dynamic_batching()->set_max_queue_delay_microseconds(delay_us);
  return config;
}

using DynamicBatchSchedulerTest = SchedulerTest;

TEST_F(DynamicBatchSchedulerTest, PreferredBatchRunsWithoutWaitingForDelay) {
  Start(BatchingConfig(8, {4}, kLongDelayUs));
  Block(/*rows=*/4);  // a preferred size itself, so it ran at once
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Enqueue("a" + std::to_string(i)).ok());
  backend_->OpenGate();
  ASSERT_TRUE(sink_->WaitForFinals(5));  // blocker + a preferred batch of four
  EXPECT_EQ(backend_->batches()[1], (std::vector<std::string>{"a0", "a1", "a2", "a3"}));
  EXPECT_EQ(scheduler_->InflightCount(), 1u);  // a4 waits for more company
  scheduler_->Stop();                          // ... or for Stop
  EXPECT_EQ(backend_->batches().size(), 3u);
  EXPECT_EQ(backend_->batches()[2], (std::vector<std::string>{"a4"}));
}

TEST_F(DynamicBatchSchedulerTest, BatchNeverExceedsMaxBatchSize) {
  Start(BatchingConfig(4, {}, kLongDelayUs));
  Block(4);
  const std::vector<std::pair<std::string, int64_t>> requests = {
      {"b0", 1}, {"b1", 2}, {"b2", 2}, {"b3", 3}, {"b4", 1}, {"b5", 4}};
  for (const auto& [id, rows] : requests) ASSERT_TRUE(Enqueue(id, rows).ok());
  backend_->OpenGate();
  // Every batch is closed by the next request not fitting, so none waits.
  ASSERT_TRUE(sink_->WaitForFinals(7));
  EXPECT_EQ(backend_->batches(),
            (Batches{{"blocker"}, {"b0", "b1"}, {"b2"}, {"b3", "b4"}, {"b5"}}));
}

TEST_F(DynamicBatchSchedulerTest, MaxQueueDelayGathersConcurrentRequests) {
  Start(BatchingConfig(8, {}, /*delay_us=*/2'000'000));
  std::atomic<bool> go{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      EXPECT_TRUE(Enqueue("c" + std::to_string(i)).ok());
    });
  }
  go = true;
  for (auto& t : clients) t.join();
  ASSERT_TRUE(sink_->WaitForFinals(4));
  ASSERT_EQ(backend_->batches().size(), 1u);
  EXPECT_EQ(backend_->batches()[0].size(), 4u);
}

TEST_F(DynamicBatchSchedulerTest, DifferentShapesAreNotBatchedTogether) {
  Start(BatchingConfig(8, {}, kLongDelayUs));
  Block(8);
  ASSERT_TRUE(Enqueue("s0", 1, {4}).ok());
  ASSERT_TRUE(Enqueue("s1", 1, {5}).ok());
  ASSERT_TRUE(Enqueue("s2", 2, {4}).ok());
  ASSERT_TRUE(Enqueue("s3", 1, {4}).ok());
  backend_->OpenGate();
  ASSERT_TRUE(sink_->WaitForFinals(3));  // s0 and s1 are closed by a mismatch
  scheduler_->Stop();                    // s2+s3 could still grow: Stop flushes
  EXPECT_EQ(backend_->batches(), (Batches{{"blocker"}, {"s0"}, {"s1"}, {"s2", "s3"}}));
}

TEST_F(DynamicBatchSchedulerTest, RaggedInputDoesNotSplitBatches) {
  inference::ModelConfig config = BatchingConfig(8, {}, kLongDelayUs);
  config.mutable_input(0)->set_allow_ragged_batch(true);
  Start(config);
  Block(8);
  ASSERT_TRUE(Enqueue("r0", 1, {4}).ok());
  ASSERT_TRUE(Enqueue("r1", 1, {7}).ok());
  backend_->OpenGate();
  scheduler_->Stop();
  EXPECT_EQ(backend_->batches(), (Batches{{"blocker"}, {"r0", "r1"}}));
}

TEST_F(DynamicBatchSchedulerTest, WithoutDynamicBatchingEachRequestRunsAlone) {
  Start(MakeConfig(8, /*dynamic=*/false));
  Block();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Enqueue("n" + std::to_string(i)).ok());
  backend_->OpenGate();
  ASSERT_TRUE(sink_->WaitForFinals(4));
  EXPECT_EQ(backend_->batches(), (Batches{{"blocker"}, {"n0"}, {"n1"}, {"n2"}}));
}

TEST_F(DynamicBatchSchedulerTest, MaxBatchSizeZeroRunsOneRequestPerBatch) {
  Start(BatchingConfig(0, {}, kLongDelayUs));
  Block();
  ASSERT_TRUE(Enqueue("z0").ok());
  ASSERT_TRUE(Enqueue("z1").ok());
  backend_->OpenGate();
  ASSERT_TRUE(sink_->WaitForFinals(3));  // no delay: batches cannot grow
  EXPECT_EQ(backend_->batches(), (Batches{{"blocker"}, {"z0"}, {"z1"}}));
}

TEST_F(DynamicBatchSchedulerTest, StopDrainsQueueAndRefusesNewWork) {
  Start(BatchingConfig(8, {}, kLongDelayUs));
  Block(8);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Enqueue("q" + std::to_string(i)).ok());
  std::thread stopper([&] { scheduler_->Stop(); });
  // Stop refuses new work at once, even while the queue still drains.
  auto late = MakeRequest("late", sink_);
  Status status;
  for (int i = 0; i < 20000; ++i) {
    status = scheduler_->Enqueue(late);
    if (!status.ok()) break;
    late = MakeRequest("late", sink_);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(status, UnavailableError("model 'm' version 1 is unloading"));
  ASSERT_NE(late, nullptr);  // left with the caller
  EXPECT_EQ(late->sink, sink_);
  backend_->OpenGate();
  stopper.join();
  EXPECT_EQ(scheduler_->InflightCount(), 0u);
  for (const char* id : {"blocker", "q0", "q1", "q2"}) EXPECT_TRUE(sink_->StatusOf(id).ok()) << id;
  scheduler_->Stop();  // idempotent
  size_t late_finals = 0;
  for (const auto& e : sink_->entries()) late_finals += e.id == "late" && e.final;
  // Only the accepted "late" requests (before Stop) were answered.
  EXPECT_EQ(sink_->entries().size(), 4u + late_finals);
}

TEST_F(DynamicBatchSchedulerTest, InstancesRunInParallel) {
  Start(MakeConfig(8, /*dynamic=*/false), /*instances=*/3);
  backend_->RequireConcurrency(3);  // each Execute waits until three run at once
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Enqueue("p" + std::to_string(i)).ok());
  ASSERT_TRUE(sink_->WaitForFinals(3));
  EXPECT_EQ(backend_->max_concurrency(), 3);
  const auto instances = backend_->instance_of_batch();
  EXPECT_EQ(std::set<int>(instances.begin(), instances.end()).size(), 3u);
}

TEST_F(DynamicBatchSchedulerTest, StatsCountSuccessFailureAndBatches) {
  Start(BatchingConfig(4, {2}, kLongDelayUs));
  Block(2);
  for (const char* id : {"r1", "r2", "fail1", "r3"}) ASSERT_TRUE(Enqueue(id).ok());
  EXPECT_EQ(stats_->Snapshot().pending, 4);
  EXPECT_EQ(scheduler_->InflightCount(), 5u);
  backend_->OpenGate();
  ASSERT_TRUE(sink_->WaitForFinals(5));
  scheduler_->Stop();
  const ModelStatsSnapshot s = stats_->Snapshot();
  EXPECT_EQ(s.success.count, 4u);
  EXPECT_EQ(s.fail.count, 1u);
  EXPECT_EQ(s.pending, 0);
  EXPECT_EQ(s.queue.count, 4u);
  EXPECT_EQ(s.execution_count, 3u);
  EXPECT_EQ(s.inference_count, 6u);
  ASSERT_EQ(s.batch_stats.size(), 1u);
  EXPECT_EQ(s.batch_stats[0].batch_size, 2u);
  EXPECT_EQ(s.batch_stats[0].compute_infer.count, 3u);
  EXPECT_EQ(FailureCount(kFailureBackend), 1.0);
  EXPECT_EQ(FailureCount(kFailureRejected), 0.0);
  EXPECT_EQ(sink_->StatusOf("fail1").code(), StatusCode::kInternal);
  EXPECT_EQ(scheduler_->InflightCount(), 0u);
}

TEST_F(DynamicBatchSchedulerTest, EnqueueStampsTimesAndWrapsSink) {
  Start(MakeConfig(8, /*dynamic=*/false));
  backend_->CloseGate();
  auto request = MakeRequest("t", sink_);
  InferenceRequest* raw = request.get();
  ASSERT_TRUE(scheduler_->Enqueue(request).ok());
  EXPECT_EQ(request, nullptr);
  ASSERT_TRUE(backend_->WaitForBatches(1));
  // The request is now inside Execute, parked at the gate.
  EXPECT_NE(raw->times.queue_start_ns, 0u);
  EXPECT_EQ(raw->times.received_ns, raw->times.queue_start_ns);
  EXPECT_GE(raw->times.compute_start_ns, raw->times.queue_start_ns);
  EXPECT_NE(raw->sink, sink_);
  backend_->OpenGate();
  ASSERT_TRUE(sink_->WaitForFinals(1));
}

}  // namespace
}  // namespace strato::testing
