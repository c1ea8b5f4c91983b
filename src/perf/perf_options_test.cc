#include "perf_options.h"

#include <gtest/gtest.h>

namespace strato::perf {
namespace {

StatusOr<PerfOptions> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "perf");
  return ParsePerfArgs(static_cast<int>(args.size()), args.data());
}

TEST(ParseLoadRangeTest, SingleValue) {
  auto r = ParseLoadRange("4");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->start, 4);
  EXPECT_EQ(r->end, 4);
}

TEST(ParseLoadRangeTest, AdditiveRangeExpands) {
  auto r = ParseLoadRange("1:10:3");
  ASSERT_TRUE(r.ok());
  auto levels = ExpandLoadRange(*r, true);
  ASSERT_TRUE(levels.ok());
  EXPECT_EQ(*levels, (std::vector<double>{1, 4, 7, 10}));
}

TEST(ParseLoadRangeTest, DefaultStepIsOne) {
  auto levels = ExpandLoadRange(*ParseLoadRange("2:4"), true);
  EXPECT_EQ(*levels, (std::vector<double>{2, 3, 4}));
}

TEST(ParseLoadRangeTest, MultiplicativeRangeExpands) {
  auto r = ParseLoadRange("1:64:x2");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->multiplicative);
  EXPECT_EQ(*ExpandLoadRange(*r, true), (std::vector<double>{1, 2, 4, 8, 16, 32, 64}));
  EXPECT_EQ(*ExpandLoadRange(*ParseLoadRange("1:50:x4"), true), (std::vector<double>{1, 4, 16}));
}

TEST(ParseLoadRangeTest, FractionalRatesReachTheirEnd) {
  auto levels = ExpandLoadRange(*ParseLoadRange("0.1:0.3:0.1"), false);
  ASSERT_TRUE(levels.ok());
  EXPECT_EQ(levels->size(), 3u);
}

TEST(ParseLoadRangeTest, RejectsMalformedRanges) {
  for (const char* bad : {"", "a", "1:b", "4:2", "0:4", "1:4:0", "1:4:-1", "1:4:x1", "1:4:x0.5", "1:2:3:4", "1:4:x"}) {
    EXPECT_FALSE(ParseLoadRange(bad).ok()) << bad;
  }
}

TEST(ParseLoadRangeTest, TooManyLevelsIsAnError) {
  EXPECT_FALSE(ExpandLoadRange(*ParseLoadRange("1:100000:1"), true).ok());
}

TEST(ParseShapeFlagTest, ParsesNameAndDims) {
  auto s = ParseShapeFlag("INPUT0:16,8");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->first, "INPUT0");
  EXPECT_EQ(s->second, (std::vector<int64_t>{16, 8}));
  EXPECT_FALSE(ParseShapeFlag("INPUT0").ok());
  EXPECT_FALSE(ParseShapeFlag("INPUT0:").ok());
  EXPECT_FALSE(ParseShapeFlag(":3").ok());
  EXPECT_FALSE(ParseShapeFlag("INPUT0:0").ok());
  EXPECT_FALSE(ParseShapeFlag("INPUT0:3,x").ok());
}

TEST(ParsePerfArgsTest, Defaults) {
  auto o = Parse({"-m", "simple"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->model, "simple");
  EXPECT_EQ(o->protocol, Protocol::kHttp);
  EXPECT_EQ(o->EffectiveUrl(), "localhost:8000");
  EXPECT_EQ(o->measurement_interval_ms, 3000);
  EXPECT_EQ(o->stability_percentage, 10);
  EXPECT_EQ(o->max_trials, 10);
  EXPECT_EQ(o->batch_size, 1);
  EXPECT_FALSE(o->rate_mode);
  EXPECT_EQ(o->input_mode, InputMode::kRandom);
}

TEST(ParsePerfArgsTest, EveryFlag) {
  auto o = Parse({"--model=m", "--model-version", "2", "-u", "127.0.0.1:9001", "-i", "grpc",
                  "--concurrency-range", "1:8:x2", "--measurement-interval", "500", "--stability-percentage=5",
                  "--max-trials", "4", "--warmup-ms", "0", "-b", "4", "--shape", "INPUT0:16", "--input-data",
                  "zero", "-f", "out.csv", "--json", "out.json", "--percentile", "99.9", "--duration-s", "30",
                  "--quiet"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->model, "m");
  EXPECT_EQ(o->model_version, "2");
  EXPECT_EQ(o->EffectiveUrl(), "127.0.0.1:9001");
  EXPECT_EQ(o->protocol, Protocol::kGrpc);
  EXPECT_TRUE(o->concurrency.multiplicative);
  EXPECT_EQ(o->measurement_interval_ms, 500);
  EXPECT_EQ(o->stability_percentage, 5);
  EXPECT_EQ(o->max_trials, 4);
  EXPECT_EQ(o->warmup_ms, 0);
  EXPECT_EQ(o->batch_size, 4);
  EXPECT_EQ(o->shapes.at("INPUT0"), (std::vector<int64_t>{16}));
  EXPECT_EQ(o->input_mode, InputMode::kZero);
  EXPECT_EQ(o->csv_file, "out.csv");
  EXPECT_EQ(o->json_file, "out.json");
  EXPECT_DOUBLE_EQ(o->percentile, 99.9);
  EXPECT_EQ(o->duration_s, 30);
  EXPECT_TRUE(o->quiet);
}

TEST(ParsePerfArgsTest, RateModeAndFileInput) {
  auto o = Parse({"-m", "m", "--request-rate-range", "100:300:100", "--request-distribution", "poisson",
                  "--input-data", "/tmp/data.json", "--binary"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->rate_mode);
  EXPECT_EQ(o->distribution, RateDistribution::kPoisson);
  EXPECT_EQ(o->input_mode, InputMode::kFile);
  EXPECT_EQ(o->input_file, "/tmp/data.json");
  EXPECT_TRUE(o->binary);
}

TEST(ParsePerfArgsTest, GrpcDefaultPort) {
  auto o = Parse({"-m", "m", "--protocol", "grpc"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->EffectiveUrl(), "localhost:8001");
}

TEST(ParsePerfArgsTest, HelpNeedsNoModel) {
  auto o = Parse({"--help"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->help);
  EXPECT_NE(PerfUsage().find("--concurrency-range"), std::string::npos);
}

TEST(ParsePerfArgsTest, ErrorsNameTheFlag) {
  auto missing = Parse({});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("--model"), std::string::npos);
  auto unknown = Parse({"-m", "m", "--bogus", "1"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("--bogus"), std::string::npos);
  auto no_value = Parse({"-m"});
  EXPECT_FALSE(no_value.ok());
  EXPECT_FALSE(Parse({"-m", "m", "-b", "0"}).ok());
  EXPECT_FALSE(Parse({"-m", "m", "-i", "tcp"}).ok());
  EXPECT_FALSE(Parse({"-m", "m", "--percentile", "101"}).ok());
  EXPECT_FALSE(Parse({"-m", "m", "-i", "grpc", "--binary"}).ok());
  EXPECT_FALSE(Parse({"-m", "m", "stray"}).ok());
  EXPECT_FALSE(Parse({"-m", "m", "--quiet=1"}).ok());
}

}  // namespace
}  // namespace strato::perf
