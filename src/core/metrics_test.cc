#include "strato/core/metrics.h"

#include <gtest/gtest.h>

#include <thread>

#include "strato/core/model_stats.h"
#include "strato/core/status.h"

namespace strato {
namespace {

TEST(StatusTest, CodesMapToHttp) {
  EXPECT_EQ(HttpStatusFor(InvalidArgumentError("x")), 400);
  EXPECT_EQ(HttpStatusFor(NotFoundError("x")), 404);
  EXPECT_EQ(HttpStatusFor(UnavailableError("x")), 503);
  EXPECT_EQ(HttpStatusFor(ResourceExhaustedError("x")), 503);
  EXPECT_EQ(HttpStatusFor(InternalError("x")), 500);
  EXPECT_EQ(InvalidArgumentError("bad").WithPrefix("input 'a'").ToString(),
            "INVALID_ARGUMENT: input 'a': bad");
  EXPECT_TRUE(Status::Ok().WithPrefix("p").ok());
}

StatusOr<int> Half(int v) {
  if (v % 2) return InvalidArgumentError("odd");
  return v / 2;
}

StatusOr<int> Quarter(int v) {
  ASSIGN_OR_RETURN(int h, Half(v));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, AssignOrReturnPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().message(), "odd");
}

TEST(MetricsTest, RendersPrometheusTextWithLabelsAndHistograms) {
  MetricsRegistry r;
  r.GetCounter("requests_total", "Requests.", {{"model", "m\"1"}})->Increment(3);
  r.GetGauge("queue", "Queue length.")->Set(7);
  auto* h = r.GetHistogram("lat_us", "Latency.", {{"model", "m"}}, {10, 100});
  h->Observe(5);
  h->Observe(50);
  h->Observe(500);
  const std::string text = r.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("requests_total{model=\"m\\\"1\"} 3"), std::string::npos);
  EXPECT_NE(text.find("queue 7"), std::string::npos);
  EXPECT_NE(text.find("lat_us_bucket{model=\"m\",le=\"10\"} 1"), std::string::npos);
  EXPECT_NE(text.find("lat_us_bucket{model=\"m\",le=\"100\"} 2"), std::string::npos);
  EXPECT_NE(text.find("lat_us_bucket{model=\"m\",le=\"+Inf\"} 3"), std::string::npos);
  EXPECT_NE(text.find("lat_us_count{model=\"m\"} 3"), std::string::npos);
  EXPECT_NE(text.find("lat_us_sum{model=\"m\"} 555"), std::string::npos);
}

TEST(MetricsTest, CountersAreThreadSafe) {
  MetricsRegistry r;
  Counter* c = r.GetCounter("c", "c");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([c] {
      for (int i = 0; i < 10000; ++i) c->Increment();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c->value(), 40000);
}

TEST(MetricsTest, RemoveSeriesDropsOnlyMatchingLabels) {
  MetricsRegistry r;
  r.GetCounter("x", "x", {{"model", "a"}})->Increment();
  r.GetCounter("x", "x", {{"model", "b"}})->Increment();
  r.RemoveSeries({{"model", "a"}});
  const std::string text = r.RenderPrometheus();
  EXPECT_EQ(text.find("model=\"a\""), std::string::npos);
  EXPECT_NE(text.find("model=\"b\""), std::string::npos);
}

TEST(MetricsTest, ProcessMetricsReadProc) {
  MetricsRegistry r;
  RegisterProcessMetrics(&r);
  const std::string text = r.RenderPrometheus();
  const auto pos = text.find("\nprocess_resident_memory_bytes ");
  ASSERT_NE(pos, std::string::npos);
  EXPECT_GT(std::stod(text.substr(pos + 31)), 1e5);
}

TEST(ModelStatsTest, RecordsSuccessFailureAndBatches) {
  MetricsRegistry r;
  {
    ModelStats s(&r, "m", 2);
    RequestTimestamps t;
    t.received_ns = 1000;
    t.queue_start_ns = 2000;
    t.compute_start_ns = 5000;
    t.compute_end_ns = 9000;
    s.RecordSuccess(t, 10000, 4);
    s.RecordFailure(t, 11000, kFailureRejected);
    s.RecordExecution(4, 100, 200, 300);
    s.RecordExecution(4, 100, 200, 300);
    s.RecordExecution(1, 1, 2, 3);
    s.AddPending(2);
    s.AddPending(-1);
    const auto snap = s.Snapshot();
    EXPECT_EQ(snap.success.count, 1u);
    EXPECT_EQ(snap.success.ns, 9000u);
    EXPECT_EQ(snap.queue.ns, 3000u);
    EXPECT_EQ(snap.compute_infer.ns, 4000u);
    EXPECT_EQ(snap.fail.count, 1u);
    EXPECT_EQ(snap.execution_count, 3u);
    EXPECT_EQ(snap.inference_count, 9u);
    ASSERT_EQ(snap.batch_stats.size(), 2u);
    EXPECT_EQ(snap.batch_stats[1].batch_size, 4u);
    EXPECT_EQ(snap.batch_stats[1].compute_infer.count, 2u);
    EXPECT_EQ(snap.pending, 1);
    const std::string text = r.RenderPrometheus();
    EXPECT_NE(text.find("nv_inference_request_success{model=\"m\",version=\"2\"} 1"),
              std::string::npos);
    EXPECT_NE(text.find("nv_inference_request_failure{model=\"m\",reason=\"REJECTED\",version=\"2\"} 1"),
              std::string::npos);
    EXPECT_NE(text.find("nv_inference_exec_count{model=\"m\",version=\"2\"} 3"), std::string::npos);
    EXPECT_NE(text.find("nv_inference_pending_request_count{model=\"m\",version=\"2\"} 1"),
              std::string::npos);
  }
  // Unloading the version (destroying its stats) removes its series.
  EXPECT_EQ(r.RenderPrometheus().find("model=\"m\""), std::string::npos);
}

}  // namespace
}  // namespace strato
