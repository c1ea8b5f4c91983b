// The strato_pipeline backend on a version folder trained here with the
// real trainer: served predictions equal the trainer's in-process ones,
// the failure risk follows the prediction, bad requests and bad folders get
// clear errors.
#include "strato_pipeline_backend.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "backend_test_util.h"
#include "strato/features/transform.h"
#include "strato/train/pipeline_runner.h"
#include "strato/train/xgb_trainer.h"

namespace strato {
namespace {

namespace fs = std::filesystem;
using features::Column;
using features::ColumnType;

// Four engines whose sensor drifts up as they wear out; label = cycles left.
features::Table Engines(std::vector<double>* rul) {
  features::Table t;
  Column unit{"unit", ColumnType::kNumber, {}, {}}, cycle{"cycle", ColumnType::kNumber, {}, {}},
      s{"s", ColumnType::kNumber, {}, {}};
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 0.2);
  for (int u = 1; u <= 4; ++u) {
    const int life = 40 + 10 * u;
    for (int c = 1; c <= life; ++c) {
      unit.numbers.push_back(u);
      cycle.numbers.push_back(c);
      s.numbers.push_back(10.0 + 5.0 * c / life + noise(rng));
      rul->push_back(life - c);
    }
  }
  t.rows = unit.numbers.size();
  t.columns = {unit, cycle, s};
  return t;
}

class StratoPipelineBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("strato-pipeline-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "1");
    std::vector<double> rul;
    table_ = Engines(&rul);
    features::TransformSpec spec;
    spec.steps = {{.kind = "window", .columns = {"s"}, .entity = "unit", .time = "cycle",
                   .lags = {1}, .sizes = {5}, .stats = {"mean", "slope"}}};
    spec.exclude = {"unit"};
    auto t = features::FeatureTransform::Fit(spec, table_, {});
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    t->model_info().task = "regression";
    t->model_info().risk_horizon = 10;
    t->model_info().residual_std = 4;
    auto x = t->Apply(table_);
    ASSERT_TRUE(x.ok());
    train::Matrix m;
    m.x = *x;
    m.rows = table_.rows;
    m.cols = t->num_features();
    for (double v : rul) m.y.push_back(static_cast<float>(v));
    train::TrainSettings settings;
    settings.task = "regression";
    settings.rounds = 30;
    settings.threads = 1;
    auto trained = train::TrainXgboost(m, train::Matrix{}, settings);
    ASSERT_TRUE(trained.ok()) << trained.status().ToString();
    Write("1/model.json", *trained->booster->SaveJson());
    Write("1/transform.json", t->ToJson());
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  inference::ModelConfig Config(bool risk) {
    std::string text =
        "name: 'm' backend: 'strato_pipeline' max_batch_size: 0 "
        "input [ { name: 'RAW' data_type: TYPE_FP32 dims: [ -1, 3 ] } ] "
        "output [ { name: 'PREDICTION' data_type: TYPE_FP32 dims: [ -1, 1 ] } ";
    if (risk) text += ", { name: 'FAILURE_RISK' data_type: TYPE_FP32 dims: [ -1, 1 ] } ";
    return testing::ParseConfig(text + "]");
  }

  fs::path dir_;
  features::Table table_;
};

TEST_F(StratoPipelineBackendTest, ServesTheTrainersPredictionsAndRisk) {
  StratoPipelineBackend backend;
  std::unique_ptr<Model> model;
  const auto config = Config(true);
  auto instance = testing::LoadInstance(backend, config, dir_ / "1", &model);
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  // The last 8 cycles of engine 2, as a client would send them.
  std::vector<size_t> rows;
  for (size_t r = 0; r < table_.rows; ++r) {
    if (table_.columns[0].numbers[r] == 2) rows.push_back(r);
  }
  rows.erase(rows.begin(), rows.end() - 8);
  const features::Table window = table_.SelectRows(rows);
  std::vector<float> raw;
  for (size_t r = 0; r < window.rows; ++r) {
    for (const auto& c : window.columns) raw.push_back(static_cast<float>(c.numbers[r]));
  }
  auto sink = std::make_shared<testing::CollectingSink>();
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  batch.push_back(testing::MakeRequest(
      "r", {testing::MakeTensor("RAW", DataType::kFp32, {8, 3}, raw)}, sink));
  (*instance)->Execute(batch);
  ASSERT_EQ(sink->finals(), 1);
  const InferenceResponse& response = sink->only();
  ASSERT_TRUE(response.status.ok()) << response.status.ToString();
  ASSERT_EQ(response.outputs.size(), 2u);
  const auto served = testing::Values<float>(response.outputs[0]);
  size_t width = 0;
  auto local = train::PredictWithVersion((dir_ / "1").string(), window, &width);
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(width, 1u);
  EXPECT_EQ(served, *local);
  const auto risk = testing::Values<float>(response.outputs[1]);
  for (size_t i = 0; i < risk.size(); ++i) {
    const double want = 0.5 * std::erfc((served[i] - 10.0) / (4.0 * std::sqrt(2.0)));
    EXPECT_NEAR(risk[i], want, 1e-6);
  }
  EXPECT_GT(risk.back(), risk.front());  // the engine is nearer its end
}

TEST_F(StratoPipelineBackendTest, WrongWidthIsInvalidArgumentNamingTheColumns) {
  StratoPipelineBackend backend;
  std::unique_ptr<Model> model;
  const auto config = Config(false);
  auto instance = testing::LoadInstance(backend, config, dir_ / "1", &model);
  ASSERT_TRUE(instance.ok());
  auto sink = std::make_shared<testing::CollectingSink>();
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  batch.push_back(testing::MakeRequest(
      "r", {testing::MakeTensor("RAW", DataType::kFp32, {1, 2}, std::vector<float>{1, 2})}, sink));
  (*instance)->Execute(batch);
  ASSERT_EQ(sink->finals(), 1);
  EXPECT_EQ(sink->only().status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(sink->only().status.message().find("FP32 [N, 3] (columns: unit, cycle, s)"),
            std::string::npos);
}

TEST_F(StratoPipelineBackendTest, BadFoldersFailAtLoad) {
  StratoPipelineBackend backend;
  std::unique_ptr<Model> model;
  const auto config = Config(false);
  fs::remove(dir_ / "1/model.json");
  EXPECT_EQ(testing::LoadInstance(backend, config, dir_ / "1", &model).status().code(),
            StatusCode::kNotFound);
  Write("1/model.json", "{not a model");
  EXPECT_EQ(testing::LoadInstance(backend, config, dir_ / "1", &model).status().code(),
            StatusCode::kInvalidArgument);
  Write("1/transform.json", "[]");
  auto bad = testing::LoadInstance(backend, config, dir_ / "1", &model);
  EXPECT_NE(bad.status().message().find("transform.json"), std::string::npos);
  // A transform that needs a text column cannot be served from FP32 rows.
  features::Table t;
  t.rows = 2;
  t.columns = {{"type", ColumnType::kString, {}, {"L", "M"}}, {"v", ColumnType::kNumber, {1, 2}, {}}};
  features::TransformSpec spec;
  spec.steps = {{.kind = "one_hot", .columns = {"type"}}};
  Write("1/transform.json", features::FeatureTransform::Fit(spec, t, {})->ToJson());
  auto text = testing::LoadInstance(backend, config, dir_ / "1", &model);
  EXPECT_NE(text.status().message().find("input column 'type' holds text"), std::string::npos);
}

}  // namespace
}  // namespace strato
