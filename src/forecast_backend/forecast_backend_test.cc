#include "strato/forecast/forecast_backend.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../backends/backend_test_util.h"

namespace strato::forecast {
namespace {

using testing::CollectingSink;
using testing::LoadInstance;
using testing::MakeRequest;
using testing::MakeTensor;
using testing::ParseConfig;
using testing::Values;

std::string Config(const std::string& model, const std::string& extra = "") {
  return R"(name: "f" backend: "forecast" max_batch_size: 0
input [ { name: "HISTORY" data_type: TYPE_FP32 dims: [ -1 ] },
        { name: "HORIZON" data_type: TYPE_INT32 dims: [ 1 ] optional: true } ]
output [ { name: "FORECAST" data_type: TYPE_FP32 dims: [ -1 ] },
         { name: "LOWER" data_type: TYPE_FP32 dims: [ -1 ] },
         { name: "UPPER" data_type: TYPE_FP32 dims: [ -1 ] } ]
parameters { key: "model" value { string_value: ")" +
         model + R"(" } }
parameters { key: "season" value { string_value: "4" } }
parameters { key: "horizon" value { string_value: "6" } }
)" + extra;
}

class ForecastBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterForecastBackend(&registry_);
    backend_ = registry_.Find("forecast");
    ASSERT_NE(backend_, nullptr);
  }
  // Runs one request; returns the sink.
  std::shared_ptr<CollectingSink> Run(const std::string& model, std::vector<float> history,
                                      int horizon = 0) {
    config_ = ParseConfig(Config(model));
    auto instance = LoadInstance(*backend_, config_, "/nonexistent/1", &model_);
    EXPECT_TRUE(instance.ok()) << instance.status().ToString();
    auto sink = std::make_shared<CollectingSink>();
    std::vector<Tensor> inputs{
        MakeTensor("HISTORY", DataType::kFp32, {static_cast<int64_t>(history.size())}, history)};
    if (horizon != 0) {
      inputs.push_back(MakeTensor("HORIZON", DataType::kInt32, {1}, std::vector<int32_t>{horizon}));
    }
    std::vector<std::unique_ptr<InferenceRequest>> batch;
    batch.push_back(MakeRequest("1", std::move(inputs), sink));
    (*instance)->Execute(batch);
    return sink;
  }
  BackendRegistry registry_;
  const Backend* backend_ = nullptr;
  inference::ModelConfig config_;
  std::unique_ptr<Model> model_;
};

std::vector<float> Cycle(int cycles) {
  static constexpr float kPattern[] = {80, 100, 130, 90};
  std::vector<float> y(static_cast<size_t>(cycles) * 4);
  for (size_t t = 0; t < y.size(); ++t) y[t] = kPattern[t % 4];
  return y;
}

TEST_F(ForecastBackendTest, ForecastsWithAModelInterval) {
  auto sink = Run("snaive", Cycle(6));
  ASSERT_EQ(sink->finals(), 1);
  const InferenceResponse& r = sink->only();
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.outputs.size(), 3u);
  EXPECT_EQ(Values<float>(r.outputs[0]), (std::vector<float>{80, 100, 130, 90, 80, 100}));
  // An exact cycle: snaive's sd is 0, the interval collapses on the forecast.
  EXPECT_EQ(Values<float>(r.outputs[1]), Values<float>(r.outputs[0]));
}

TEST_F(ForecastBackendTest, ConformalIntervalForTheta) {
  std::vector<float> y = Cycle(10);
  for (size_t t = 0; t < y.size(); ++t) y[t] += static_cast<float>((t * 7) % 5);  // some noise
  auto sink = Run("theta", y, 3);
  const InferenceResponse& r = sink->only();
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  const auto f = Values<float>(r.outputs[0]), lo = Values<float>(r.outputs[1]),
             hi = Values<float>(r.outputs[2]);
  ASSERT_EQ(f.size(), 3u);  // HORIZON overrides the configured 6
  for (size_t k = 0; k < f.size(); ++k) {
    EXPECT_LE(lo[k], f[k]);
    EXPECT_GE(hi[k], f[k]);
    EXPECT_LT(hi[k] - lo[k], 60);
  }
}

TEST_F(ForecastBackendTest, BadInputIsInvalidArgumentNamingTheField) {
  auto shorter = Run("ets", {1, 2, 3});
  EXPECT_EQ(shorter->only().status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(shorter->only().status.message().find("HISTORY"), std::string::npos);
  std::vector<float> nan = Cycle(4);
  nan[3] = NAN;
  EXPECT_EQ(Run("ets", nan)->only().status.code(), StatusCode::kInvalidArgument);
  auto zero = Run("ets", Cycle(4), -1);
  EXPECT_NE(zero->only().status.message().find("HORIZON"), std::string::npos);
}

TEST_F(ForecastBackendTest, BadConfigFailsTheLoad) {
  std::unique_ptr<Model> model;
  auto c1 = ParseConfig(Config("arima"));
  auto r1 = LoadInstance(*backend_, c1, "/nonexistent/1", &model);
  EXPECT_EQ(r1.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r1.status().message().find("arima"), std::string::npos);
  auto c2 =
      ParseConfig(Config("ets", R"(parameters { key: "coverage" value { string_value: "2" } })"));
  EXPECT_EQ(LoadInstance(*backend_, c2, "/nonexistent/1", &model).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(DemoForecastModel, WritesConfigAndExampleRequest) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("strato_fc_demo_" + std::to_string(::getpid()));
  ASSERT_TRUE(WriteDemoForecastModel(dir).ok());
  EXPECT_TRUE(std::filesystem::exists(dir / "forecast" / "config.pbtxt"));
  std::ifstream in(dir / "forecast" / "example_request.json");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("\"shape\":[168]"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace strato::forecast
