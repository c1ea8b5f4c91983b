// Tests of the statistics decoding and breakdown, and of the report formats.
#include "server_stats.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "report.h"

namespace strato::perf {
namespace {

std::string StatsJson(uint64_t n, uint64_t queue_ns) {
  std::string c = std::to_string(n);
  return R"({"model_stats":[{"name":"m","version":"1","inference_count":)" + std::to_string(n * 4) +
         R"(,"execution_count":)" + std::to_string(n) + R"(,"inference_stats":{"success":{"count":)" + c +
         R"(,"ns":)" + std::to_string(n * 10000) + R"(},"queue":{"count":)" + c + R"(,"ns":)" +
         std::to_string(queue_ns) + R"(},"compute_infer":{"count":)" + c + R"(,"ns":)" + std::to_string(n * 5000) +
         R"(}}},{"name":"other","version":"1","inference_count":99}]})";
}

TEST(ServerStatsTest, ParsesAndDiffs) {
  auto before = ParseStatsJson(StatsJson(10, 20000), "m", "");
  auto after = ParseStatsJson(StatsJson(30, 60000), "m", "1");
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(before->inference_count, 40u);
  ServerBreakdown b = ComputeBreakdown(*before, *after);
  ASSERT_TRUE(b.valid);
  EXPECT_EQ(b.requests, 20u);
  EXPECT_DOUBLE_EQ(b.avg_queue_us, 2.0);
  EXPECT_DOUBLE_EQ(b.avg_compute_infer_us, 5.0);
  EXPECT_DOUBLE_EQ(b.avg_request_us, 10.0);
  EXPECT_DOUBLE_EQ(b.avg_batch, 4.0);
  EXPECT_FALSE(ComputeBreakdown(*after, *before).valid);  // counters went backwards
}

TEST(ServerStatsTest, MissingModelOrBadJson) {
  EXPECT_EQ(ParseStatsJson(StatsJson(1, 1), "nope", "").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ParseStatsJson(StatsJson(1, 1), "m", "2").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(ParseStatsJson("{", "m", "").ok());
  EXPECT_FALSE(ParseStatsJson("{}", "m", "").ok());
}

TEST(ServerStatsTest, AcceptsStringCounters) {
  auto s = ParseStatsJson(R"({"model_stats":[{"name":"m","inference_count":"7"}]})", "m", "");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->inference_count, 7u);
}

std::vector<LevelResult> SampleResults() {
  LevelResult r;
  r.level = 8;
  r.throughput = 1234.5;
  r.request_rate = 1234.5;
  r.latency.count = 100;
  r.latency.p50_us = 250;
  r.latency.p99_us = 900;
  r.errors = 2;
  r.first_error = "UNAVAILABLE: boom";
  r.stable = true;
  r.windows = 3;
  r.server.valid = true;
  r.server.avg_queue_us = 12;
  r.server.avg_batch = 1;
  return {r};
}

TEST(ReportTest, TableCsvAndJson) {
  PerfOptions o;
  o.model = "m";
  o.percentile = 99.9;
  std::string table = FormatTable(SampleResults(), o);
  EXPECT_NE(table.find("Infer/s"), std::string::npos);
  EXPECT_NE(table.find("p99.9 us"), std::string::npos);
  EXPECT_NE(table.find("1234.5"), std::string::npos);
  EXPECT_NE(table.find("first error: UNAVAILABLE: boom"), std::string::npos);

  std::string csv = FormatCsv(SampleResults(), o);
  size_t nl = csv.find('\n');
  std::string header = csv.substr(0, nl);
  std::string row = csv.substr(nl + 1);
  EXPECT_EQ(std::count(header.begin(), header.end(), ','), std::count(row.begin(), row.end(), ','));
  EXPECT_TRUE(row.starts_with("concurrency,8,1234.50,"));

  rapidjson::Document doc;
  doc.Parse(FormatJson(SampleResults(), o).c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["mode"].GetString(), "concurrency");
  EXPECT_DOUBLE_EQ(doc["results"][0]["latency_us"]["p50"].GetDouble(), 250);
  EXPECT_DOUBLE_EQ(doc["results"][0]["server"]["queue_us"].GetDouble(), 12);
}

}  // namespace
}  // namespace strato::perf
