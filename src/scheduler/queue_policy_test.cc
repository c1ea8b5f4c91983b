// Priorities, queue policies (max_queue_size, timeouts with REJECT / DELAY,
// timeout overrides) and cancellation in the dynamic batch scheduler. Timed
// cases use timeouts of 1 ms against sleeps of 100 ms, or timeouts of ten
// minutes that are never reached.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "scheduler_test_util.h"

namespace strato::testing {
namespace {

using Batches = std::vector<std::vector<std::string>>;
constexpr uint64_t kNeverUs = 600ull * 1000 * 1000;

// Two priority levels, default 2; level 1 never times out, level 2 gets
// `level2`. max_batch_size 0, so every request is its own batch and the
// batch order is the drain order.
inference::ModelConfig TwoLevelConfig(const inference::ModelQueuePolicy& level2) {
  inference::ModelConfig config = MakeConfig(0, /*dynamic=*/true);
  auto* db = config.mutable_dynamic_batching();
  db->set_priority_levels(2);
  db->set_default_priority_level(2);
  (*db->mutable_priority_queue_policy())[2] = level2;
  return config;
}

inference::ModelQueuePolicy Policy(uint64_t timeout_us, bool delay, bool allow_override) {
  inference::ModelQueuePolicy policy;
  policy.set_default_timeout_microseconds(timeout_us);
  policy.set_timeout_action(delay ? inference::ModelQueuePolicy::DELAY
                                  : inference::ModelQueuePolicy::REJECT);
  policy.set_allow_timeout_override(allow_override);
  return policy;
}

void SleepPastTimeouts() { std::this_thread::sleep_for(std::chrono::milliseconds(100)); }

using QueuePolicyTest = SchedulerTest;

TEST_F(QueuePolicyTest, HigherPriorityLevelsDrainFirst) {
  inference::ModelConfig config = MakeConfig(0, /*dynamic=*/true);
  config.mutable_dynamic_batching()->set_priority_levels(3);
  config.mutable_dynamic_batching()->set_default_priority_level(2);
  Start(config);
  Block(1, /*priority=*/1);
  ASSERT_TRUE(Enqueue("c", 1, {4}, /*priority=*/3).ok());
  ASSERT_TRUE(Enqueue("d", 1, {4}, /*priority=*/0).ok());  // default level 2
  ASSERT_TRUE(Enqueue("b", 1, {4}, /*priority=*/2).ok());
  ASSERT_TRUE(Enqueue("a", 1, {4}, /*priority=*/1).ok());
  backend_->OpenGate();
  ASSERT_TRUE(sink_->WaitForFinals(5));
  EXPECT_EQ(backend_->batches(), (Batches{{"blocker"}, {"a"}, {"d"}, {"b"}, {"c"}}));
}

TEST_F(QueuePolicyTest, PriorityAboveLevelsIsInvalidArgument) {
  Start(TwoLevelConfig(Policy(0, false, false)));
  auto request = MakeRequest("x", sink_);
  request->priority = 3;
  const Status status = scheduler_->Enqueue(request);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->sink, sink_);
  EXPECT_EQ(request->times.queue_start_ns, 0u);
  EXPECT_TRUE(sink_->entries().empty());
  EXPECT_EQ(scheduler_->InflightCount(), 0u);
}

TEST_F(QueuePolicyTest, FullQueueRejectsWithUnavailablePerLevel) {
  inference::ModelQueuePolicy level2 = Policy(0, false, false);
  level2.set_max_queue_size(2);
  Start(TwoLevelConfig(level2));
  Block(1, /*priority=*/1);  // executing, no longer queued
  ASSERT_TRUE(Enqueue("x0").ok());
  ASSERT_TRUE(Enqueue("x1").ok());
  auto request = MakeRequest("x2", sink_);
  EXPECT_EQ(scheduler_->Enqueue(request),
            UnavailableError("inference request queue for model 'm' is full (max_queue_size 2)"));
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->sink, sink_);
  EXPECT_TRUE(Enqueue("y", 1, {4}, /*priority=*/1).ok());  // level 1 is unbounded
  EXPECT_EQ(stats_->Snapshot().pending, 3);
  backend_->OpenGate();
  ASSERT_TRUE(sink_->WaitForFinals(4));
  EXPECT_EQ(sink_->FinalCount("x2"), 0u);
}

TEST_F(QueuePolicyTest, TimedOutRequestIsRejected) {
  Start(TwoLevelConfig(Policy(/*timeout_us=*/1000, /*delay=*/false, false)));
  Block(1, /*priority=*/1);
  ASSERT_TRUE(Enqueue("t").ok());
  SleepPastTimeouts();
  backend_->OpenGate();
  ASSERT_TRUE(sink_->WaitForFinals(2));
  EXPECT_EQ(sink_->StatusOf("t"), UnavailableError("request timeout expired"));
  EXPECT_EQ(backend_->batches(), (Batches{{"blocker"}}));
  scheduler_->Stop();
  const ModelStatsSnapshot s = stats_->Snapshot();
  EXPECT_EQ(s.fail.count, 1u);
  EXPECT_EQ(s.pending, 0);
  EXPECT_EQ(FailureCount(kFailureRejected), 1.0);
}

TEST_F(QueuePolicyTest, TimeoutFiresWhileBatchWaitsForDelay) {
  inference::ModelConfig config = MakeConfig(8, /*dynamic=*/true);
  config.mutable_dynamic_batching()->set_max_queue_delay_microseconds(kNeverUs);
  config.mutable_dynamic_batching()->mutable_default_queue_policy()
      ->set_default_timeout_microseconds(1000);
  Start(config);
  ASSERT_TRUE(Enqueue("t").ok());  // its batch would wait ten minutes to fill
  ASSERT_TRUE(sink_->WaitForFinals(1));
  EXPECT_EQ(sink_->StatusOf("t"), UnavailableError("request timeout expired"));
  EXPECT_TRUE(backend_->batches().empty());
}

TEST_F(QueuePolicyTest, TimedOutRequestIsDelayedBehindFreshOnes) {
  // A ten-minute default that "old" lowers to 1 ms (overrides allowed).
  Start(TwoLevelConfig(Policy(kNeverUs, /*delay=*/true, /*allow_override=*/true)));
  Block(1, /*priority=*/1);
  ASSERT_TRUE(Enqueue("old", 1, {4}, 0, /*timeout_us=*/1000).ok());
  SleepPastTimeouts();
  ASSERT_TRUE(Enqueue("n1").ok());
  ASSERT_TRUE(Enqueue("n2").ok());
  backend_->OpenGate();
  ASSERT_TRUE(sink_->WaitForFinals(4));
  EXPECT_EQ(backend_->batches(), (Batches{{"blocker"}, {"n1"}, {"n2"}, {"old"}}));
  EXPECT_TRUE(sink_->StatusOf("old").ok());
}

TEST_F(QueuePolicyTest, TimeoutOverrideIgnoredWhenNotAllowed) {
  Start(TwoLevelConfig(Policy(kNeverUs, /*delay=*/false, /*allow_override=*/false)));
  Block(1, /*priority=*/1);
  ASSERT_TRUE(Enqueue("o", 1, {4}, 0, /*timeout_us=*/1000).ok());
  SleepPastTimeouts();
  backend_->OpenGate();
  ASSERT_TRUE(sink_->WaitForFinals(2));
  EXPECT_TRUE(sink_->StatusOf("o").ok());
}

TEST_F(QueuePolicyTest, TimeoutOverrideCannotRaiseTheDefault) {
  Start(TwoLevelConfig(Policy(/*timeout_us=*/1000, /*delay=*/false, /*allow_override=*/true)));
  Block(1, /*priority=*/1);
  ASSERT_TRUE(Enqueue("o", 1, {4}, 0, /*timeout_us=*/kNeverUs).ok());
  SleepPastTimeouts();
  backend_->OpenGate();
  ASSERT_TRUE(sink_->WaitForFinals(2));
  EXPECT_EQ(sink_->StatusOf("o").code(), StatusCode::kUnavailable);
}

TEST_F(QueuePolicyTest, CancelledRequestIsAnsweredAndNeverExecuted) {
  Start(MakeConfig(8, /*dynamic=*/false));
  Block();
  auto doomed = MakeRequest("c0", sink_);
  auto cancelled = doomed->cancelled;
  ASSERT_TRUE(scheduler_->Enqueue(doomed).ok());
  ASSERT_TRUE(Enqueue("c1").ok());
  cancelled->store(true);
  backend_->OpenGate();
  ASSERT_TRUE(sink_->WaitForFinals(3));
  EXPECT_EQ(sink_->StatusOf("c0").code(), StatusCode::kCancelled);
  EXPECT_TRUE(sink_->StatusOf("c1").ok());
  EXPECT_EQ(backend_->batches(), (Batches{{"blocker"}, {"c1"}}));
  scheduler_->Stop();
  EXPECT_EQ(stats_->Snapshot().fail.count, 1u);
  EXPECT_EQ(stats_->Snapshot().pending, 0);
  EXPECT_EQ(FailureCount(kFailureCanceled), 1.0);
}

// Many clients, two instances, random cancellations and short timeouts:
// every accepted request gets exactly one final response.
TEST_F(QueuePolicyTest, EveryAcceptedRequestGetsExactlyOneFinalResponse) {
  inference::ModelConfig config = MakeConfig(8, /*dynamic=*/true);
  auto* db = config.mutable_dynamic_batching();
  db->set_max_queue_delay_microseconds(200);
  db->add_preferred_batch_size(4);
  db->mutable_default_queue_policy()->set_allow_timeout_override(true);
  db->mutable_default_queue_policy()->set_max_queue_size(64);
  Start(config, /*instances=*/2);
  std::atomic<int> accepted{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      std::mt19937 rng(c);
      for (int i = 0; i < 300; ++i) {
        auto request = MakeRequest(std::to_string(c) + "-" + std::to_string(i), sink_,
                                   1 + static_cast<int64_t>(rng() % 3), {rng() % 4 ? 4 : 5});
        if (rng() % 5 == 0) request->timeout_us = 1 + rng() % 300;
        auto flag = request->cancelled;
        if (scheduler_->Enqueue(request).ok()) ++accepted;
        if (rng() % 7 == 0) flag->store(true);
      }
    });
  }
  for (auto& t : clients) t.join();
  scheduler_->Stop();
  EXPECT_EQ(scheduler_->InflightCount(), 0u);
  std::map<std::string, int> finals;
  for (const auto& e : sink_->entries()) finals[e.id] += e.final;
  EXPECT_EQ(finals.size(), static_cast<size_t>(accepted.load()));
  for (const auto& [id, n] : finals) EXPECT_EQ(n, 1) << id;
  const ModelStatsSnapshot s = stats_->Snapshot();
  EXPECT_EQ(s.success.count + s.fail.count, static_cast<uint64_t>(accepted.load()));
  EXPECT_EQ(s.pending, 0);
}

}  // namespace
}  // namespace strato::testing
