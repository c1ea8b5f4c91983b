#include "strato/deploy/policy.h"

#include <gtest/gtest.h>

#include "version_window.h"

namespace strato::deploy {
namespace {

WindowStats Stats(int64_t requests, int64_t errors, double p99_us) {
  WindowStats s;
  s.requests = requests;
  s.errors = errors;
  s.p99_us = p99_us;
  return s;
}

PolicyOptions Options() {
  PolicyOptions o;
  o.window_secs = 10;
  o.min_requests = 100;
  o.min_breach_requests = 20;
  o.max_error_rate_margin = 0.01;
  o.p99_margin_ratio = 0.2;
  o.p99_margin_us = 0;
  return o;
}

TEST(PolicyTest, PromotesAHealthyCanaryAfterTheWindow) {
  const auto prod = Stats(1000, 1, 1000);
  const auto canary = Stats(200, 0, 1100);
  EXPECT_EQ(EvaluateCanary(prod, canary, 5, Options()).decision, Decision::kWait);
  const auto d = EvaluateCanary(prod, canary, 11, Options());
  EXPECT_EQ(d.decision, Decision::kPromote);
  EXPECT_NE(d.reason.find("healthy"), std::string::npos);
}

TEST(PolicyTest, WaitsForEnoughRequests) {
  EXPECT_EQ(EvaluateCanary(Stats(1000, 0, 1000), Stats(50, 0, 900), 60, Options()).decision, Decision::kWait);
}

TEST(PolicyTest, RollsBackAtOnceOnErrors) {
  // 5 errors in 25 answers (20%) against 0.1%: before the window completes.
  const auto d = EvaluateCanary(Stats(1000, 1, 1000), Stats(25, 5, 900), 1, Options());
  EXPECT_EQ(d.decision, Decision::kRollback);
  EXPECT_NE(d.reason.find("error rate"), std::string::npos);
}

TEST(PolicyTest, ErrorsWithinTheMarginAreTolerated) {
  EXPECT_EQ(EvaluateCanary(Stats(1000, 10, 1000), Stats(200, 3, 1000), 60, Options()).decision,
            Decision::kPromote);
}

TEST(PolicyTest, RollsBackOnSlowP99) {
  const auto d = EvaluateCanary(Stats(1000, 0, 1000), Stats(200, 0, 1300), 60, Options());
  EXPECT_EQ(d.decision, Decision::kRollback);
  EXPECT_NE(d.reason.find("p99"), std::string::npos);
}

TEST(PolicyTest, RollsBackOnWorseQuality) {
  auto prod = Stats(1000, 0, 1000);
  auto canary = Stats(200, 0, 1000);
  prod.quality = 0.95;
  canary.quality = 0.80;
  EXPECT_EQ(EvaluateCanary(prod, canary, 60, Options()).decision, Decision::kRollback);
  canary.quality = 0.94;
  EXPECT_EQ(EvaluateCanary(prod, canary, 60, Options()).decision, Decision::kPromote);
}

TEST(PolicyTest, AutomationCanBeTurnedOff) {
  auto o = Options();
  o.auto_promote = false;
  o.auto_rollback = false;
  EXPECT_EQ(EvaluateCanary(Stats(1000, 0, 1000), Stats(200, 0, 1000), 60, o).decision, Decision::kWait);
  EXPECT_EQ(EvaluateCanary(Stats(1000, 0, 1000), Stats(200, 100, 1000), 60, o).decision, Decision::kWait);
}

TEST(VersionWindowTest, CountsAndP99OverTheWindowOnly) {
  VersionWindow w;
  const uint64_t t0 = 1000ull * 1000000000ull;
  for (int i = 0; i < 99; ++i) w.Record(t0, 100, true);
  w.Record(t0, 100000, false);
  auto s = w.Snapshot(t0, 10);
  EXPECT_EQ(s.requests, 100);
  EXPECT_EQ(s.errors, 1);
  EXPECT_GE(s.p99_us, 100);
  EXPECT_LT(s.p99_us, 200);
  // 20 s later the samples are out of a 10 s window.
  EXPECT_EQ(w.Snapshot(t0 + 20ull * 1000000000ull, 10).requests, 0);
  w.RecordQuality(t0, 1.0);
  w.RecordQuality(t0, 0.0);
  ASSERT_TRUE(w.Snapshot(t0, 10).quality.has_value());
  EXPECT_DOUBLE_EQ(*w.Snapshot(t0, 10).quality, 0.5);
  w.Reset();
  EXPECT_EQ(w.Snapshot(t0, 10).requests, 0);
}

}  // namespace
}  // namespace strato::deploy
