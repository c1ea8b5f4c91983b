// Unit tests of the queue, the timeout rules and config resolution, without
// threads or clocks (deadlines are plain numbers).
#include "priority_queue.h"

#include <gtest/gtest.h>

#include "batch_config.h"

namespace strato {
namespace {

QueuedRequest Entry(const std::string& id, uint64_t deadline_ns = 0) {
  QueuedRequest e;
  e.request = std::make_unique<InferenceRequest>();
  e.request->id = id;
  e.deadline_ns = deadline_ns;
  return e;
}

std::vector<std::string> Drain(PriorityQueue& q) {
  std::vector<QueuedRequest> out;
  q.TakeFront(q.size(), &out);
  std::vector<std::string> ids;
  for (auto& e : out) ids.push_back(e.request->id);
  return ids;
}

TEST(PriorityQueue, DrainsLevelsInOrderAndFifoWithinALevel) {
  PriorityQueue q(std::vector<QueuePolicy>(3));
  q.Push(3, Entry("c1"));
  q.Push(1, Entry("a1"));
  q.Push(2, Entry("b1"));
  q.Push(1, Entry("a2"));
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q.At(0).request->id, "a1");
  EXPECT_EQ(q.At(2).request->id, "b1");
  EXPECT_EQ(q.Take(1).request->id, "a2");
  EXPECT_EQ(Drain(q), (std::vector<std::string>{"a1", "b1", "c1"}));
  EXPECT_TRUE(q.empty());
}

TEST(PriorityQueue, TimeoutsRejectOrDelayPerLevelPolicy) {
  std::vector<QueuePolicy> policies(2);
  policies[1].delay_on_timeout = true;
  PriorityQueue q(policies);
  q.Push(1, Entry("r-expired", 100));
  q.Push(1, Entry("r-fresh", 1000));
  q.Push(2, Entry("d-expired", 50));
  q.Push(2, Entry("d-fresh"));
  std::vector<QueuedRequest> rejected;
  q.ApplyTimeouts(/*now_ns=*/10, &rejected);  // nothing due yet
  EXPECT_TRUE(rejected.empty());
  q.ApplyTimeouts(/*now_ns=*/200, &rejected);
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].request->id, "r-expired");
  EXPECT_EQ(Drain(q), (std::vector<std::string>{"r-fresh", "d-fresh", "d-expired"}));
}

TEST(PriorityQueue, FullCountsReadyAndDelayed) {
  std::vector<QueuePolicy> policies(1);
  policies[0].max_queue_size = 2;
  policies[0].delay_on_timeout = true;
  PriorityQueue q(policies);
  q.Push(1, Entry("x", 1));
  EXPECT_FALSE(q.Full(1));
  std::vector<QueuedRequest> rejected;
  q.ApplyTimeouts(5, &rejected);  // x moves to delayed, still counted
  q.Push(1, Entry("y"));
  EXPECT_TRUE(q.Full(1));
}

TEST(QueueDeadline, OverrideMayOnlyLowerAndOnlyWhenAllowed) {
  QueuePolicy p;
  EXPECT_EQ(QueueDeadlineNs(p, 1000, 5), 0u);  // no default, no override: none
  p.default_timeout_us = 10;
  EXPECT_EQ(QueueDeadlineNs(p, 1000, 0), 11000u);
  EXPECT_EQ(QueueDeadlineNs(p, 1000, 5), 11000u);  // override not allowed
  p.allow_timeout_override = true;
  EXPECT_EQ(QueueDeadlineNs(p, 1000, 5), 6000u);    // lowered
  EXPECT_EQ(QueueDeadlineNs(p, 1000, 50), 11000u);  // cannot raise
  p.default_timeout_us = 0;
  EXPECT_EQ(QueueDeadlineNs(p, 1000, 50), 51000u);  // default 0 is infinite
}

TEST(BatcherConfig, ResolvesAndValidates) {
  inference::ModelConfig config;
  config.set_name("m");
  config.set_max_batch_size(8);
  auto* db = config.mutable_dynamic_batching();
  db->add_preferred_batch_size(4);
  db->add_preferred_batch_size(2);
  db->add_preferred_batch_size(4);
  db->set_max_queue_delay_microseconds(7);
  db->set_priority_levels(2);
  db->set_default_priority_level(2);
  db->mutable_default_queue_policy()->set_max_queue_size(3);
  (*db->mutable_priority_queue_policy())[1].set_default_timeout_microseconds(9);
  auto resolved = ResolveBatcherConfig(config);
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->preferred_batch_sizes, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(resolved->max_queue_delay_ns, 7000u);
  ASSERT_EQ(resolved->level_policies.size(), 2u);
  EXPECT_EQ(resolved->level_policies[0].default_timeout_us, 9u);
  EXPECT_EQ(resolved->level_policies[0].max_queue_size, 0u);
  EXPECT_EQ(resolved->level_policies[1].max_queue_size, 3u);

  db->set_default_priority_level(3);
  EXPECT_EQ(ResolveBatcherConfig(config).status().code(), StatusCode::kInvalidArgument);
  db->set_default_priority_level(1);
  (*db->mutable_priority_queue_policy())[5];
  EXPECT_EQ(ResolveBatcherConfig(config).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strato
