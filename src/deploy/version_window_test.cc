#include "version_window.h"

#include <gtest/gtest.h>

namespace strato::deploy {
namespace {

constexpr uint64_t kSecond = 1000000000ull;

TEST(VersionWindowPrecisionTest, ActiveSecondsCountOnlySecondsWithAnswers) {
  VersionWindow window;
  const uint64_t t0 = 1000 * kSecond;
  for (int i = 0; i < 5; ++i) window.Record(t0 + i * kSecond / 10, 100, true);  // one second
  window.RecordQuality(t0 + 3 * kSecond, 1.0);  // feedback is no traffic
  window.Record(t0 + 10 * kSecond, 100, true);  // after 9 idle seconds
  EXPECT_EQ(window.ActiveSeconds(), 2);
  window.Reset();
  EXPECT_EQ(window.ActiveSeconds(), 0);
}

TEST(VersionWindowPrecisionTest, P99IsFinerThanThePolicyMargin) {
  VersionWindow window;
  const uint64_t t0 = 1000 * kSecond;
  // Latencies chosen between the edges of sqrt(2)-wide buckets.
  for (uint64_t latency : {1100u, 1500u, 2900u, 5800u, 46000u}) {
    window.Reset();
    for (int i = 0; i < 200; ++i) window.Record(t0, latency, true);
    const double p99 = window.Snapshot(t0, 10).p99_us;
    EXPECT_GE(p99, latency * 0.95) << latency;
    EXPECT_LE(p99, latency * 1.10) << latency << " us read as " << p99;
  }
}

}  // namespace
}  // namespace strato::deploy
