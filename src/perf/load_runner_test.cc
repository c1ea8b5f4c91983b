// LoadRunner against a fake transport: windows, stability, errors, rate
// mode and the server breakdown.
#include "load_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "strato/core/inference.h"

namespace strato::perf {
namespace {

class FakeTransport : public Transport {
 public:
  explicit FakeTransport(int fail_every = 0) : fail_every_(fail_every) {}
  StatusOr<ModelInfo> FetchModelInfo() override { return ModelInfo{}; }
  StatusOr<ServerStats> FetchStats() override {
    ServerStats s;
    uint64_t n = calls_.load();
    s.success = {n, n * 100'000};
    s.queue = {n, n * 10'000};
    s.inference_count = n;
    s.execution_count = n;
    return s;
  }
  Status Prepare(const ModelInfo&, const std::vector<InputSet>&) override { return Status::Ok(); }
  StatusOr<std::unique_ptr<WorkerClient>> NewWorker() override {
    if (refuse_) return UnavailableError("refused");
    return std::unique_ptr<WorkerClient>(new Worker(this));
  }
  std::atomic<uint64_t> calls_{0};
  bool refuse_ = false;

 private:
  class Worker : public WorkerClient {
   public:
    explicit Worker(FakeTransport* t) : t_(t) {}
    Status Infer(size_t) override {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      uint64_t n = ++t_->calls_;
      if (t_->fail_every_ > 0 && n % static_cast<uint64_t>(t_->fail_every_) == 0) {
        return InternalError("fake failure");
      }
      return Status::Ok();
    }

   private:
    FakeTransport* t_;
  };
  const int fail_every_;
};

PerfOptions FastOptions() {
  PerfOptions o;
  o.measurement_interval_ms = 100;
  o.warmup_ms = 20;
  o.max_trials = 5;
  o.stability_percentage = 50;
  o.quiet = true;
  return o;
}

TEST(LoadRunnerTest, ConcurrencyLevelMeasuresAndStabilises) {
  FakeTransport t;
  PerfOptions o = FastOptions();
  o.batch_size = 2;
  LoadRunner runner(o, &t, 0);
  auto r = runner.RunLevel(2);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->stable);
  EXPECT_GE(r->windows, 3);
  EXPECT_GT(r->latency.count, 10u);
  EXPECT_GE(r->latency.p50_us, 150);
  EXPECT_NEAR(r->throughput, 2 * r->request_rate, 1e-6);
  EXPECT_EQ(r->errors, 0u);
  ASSERT_TRUE(r->server.valid);
  EXPECT_DOUBLE_EQ(r->server.avg_queue_us, 10);
  EXPECT_DOUBLE_EQ(r->server.avg_request_us, 100);
}

TEST(LoadRunnerTest, CountsErrorsAndKeepsTheFirstMessage) {
  FakeTransport t(/*fail_every=*/2);
  PerfOptions o = FastOptions();
  LoadRunner runner(o, &t, 0);
  auto r = runner.RunLevel(1);
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->errors, 0u);
  EXPECT_NE(r->first_error.find("fake failure"), std::string::npos);
}

TEST(LoadRunnerTest, RateModeFollowsTheSchedule) {
  FakeTransport t;
  PerfOptions o = FastOptions();
  o.rate_mode = true;
  o.max_threads = 4;
  o.measurement_interval_ms = 200;
  o.distribution = RateDistribution::kPoisson;
  LoadRunner runner(o, &t, 0);
  auto r = runner.RunLevel(500);
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->request_rate, 250);
  EXPECT_LT(r->request_rate, 750);
}

TEST(LoadRunnerTest, DeadlineCutsMeasurementShort) {
  FakeTransport t;
  PerfOptions o = FastOptions();
  o.measurement_interval_ms = 10'000;
  LoadRunner runner(o, &t, NowNs() + 200'000'000);
  const uint64_t start = NowNs();
  auto r = runner.RunLevel(1);
  ASSERT_TRUE(r.ok());
  EXPECT_LT(NowNs() - start, 2'000'000'000u);
  EXPECT_FALSE(r->stable);
}

TEST(LoadRunnerTest, ConnectFailureIsAnError) {
  FakeTransport t;
  t.refuse_ = true;
  PerfOptions o = FastOptions();
  LoadRunner runner(o, &t, 0);
  EXPECT_EQ(runner.RunLevel(1).status().code(), StatusCode::kUnavailable);
}

// Errors in an early window are counted although only the last windows'
// latencies are merged.
TEST(LoadRunnerTest, ErrorsOfEveryWindowAreCounted) {
  class EarlyFailures : public FakeTransport {
   public:
    StatusOr<std::unique_ptr<WorkerClient>> NewWorker() override {
      return std::unique_ptr<WorkerClient>(new Worker(this));
    }
    uint64_t fail_until_ns = 0;

   private:
    class Worker : public WorkerClient {
     public:
      explicit Worker(EarlyFailures* t) : t_(t) {}
      Status Infer(size_t) override {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        if (NowNs() < t_->fail_until_ns) return InternalError("early failure");
        return Status::Ok();
      }

     private:
      EarlyFailures* t_;
    };
  };
  EarlyFailures t;
  PerfOptions o = FastOptions();
  o.max_trials = 6;
  o.stability_percentage = -1;             // never stable: all 6 windows run
  t.fail_until_ns = NowNs() + 60'000'000;  // warm-up (20 ms) and the start of window 1
  LoadRunner runner(o, &t, 0);
  auto r = runner.RunLevel(1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->windows, 6);
  EXPECT_EQ(r->merged_windows, 3);
  EXPECT_GT(r->errors, 0u) << "the first window's errors were dropped";
  EXPECT_NE(r->first_error.find("early failure"), std::string::npos) << r->first_error;
  EXPECT_GE(r->total_requests, r->latency.count + r->errors);
}

}  // namespace
}  // namespace strato::perf
