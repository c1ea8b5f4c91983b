#include "xgboost_backend.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <fstream>

#include "backend_test_util.h"
#include "strato/backend/xgboost_model_check.h"
#include "strato/backend/xgboost_model_maker.h"
#include "xgboost_booster.h"

namespace strato {
namespace {

namespace fs = std::filesystem;
using testing::CollectingSink;
using testing::MakeRequest;

constexpr int kFeatures = 8;

// Reference predictions straight from the C API (file load, DMatrix,
// XGBoosterPredict), independent of the backend's code path.
std::vector<float> ReferencePredict(const fs::path& file, const std::vector<float>& x) {
  BoosterHandle booster = nullptr;
  DMatrixHandle matrix = nullptr;
  EXPECT_EQ(XGBoosterCreate(nullptr, 0, &booster), 0);
  EXPECT_EQ(XGBoosterLoadModel(booster, file.c_str()), 0) << XGBGetLastError();
  EXPECT_EQ(XGDMatrixCreateFromMat(x.data(), x.size() / kFeatures, kFeatures, NAN, &matrix), 0);
  bst_ulong len = 0;
  const float* out = nullptr;
  EXPECT_EQ(XGBoosterPredict(booster, matrix, 0, 0, 0, &len, &out), 0) << XGBGetLastError();
  std::vector<float> result(out, out + len);
  XGDMatrixFree(matrix);
  XGBoosterFree(booster);
  return result;
}

class XgboostBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("strato_xgb_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "1");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Train(const std::string& name, const std::string& objective = "binary:logistic") {
    SyntheticModelOptions o;
    o.n_features = kFeatures;
    o.n_trees = 20;
    o.max_depth = 4;
    o.n_rows = 400;
    o.objective = objective;
    o.num_class = 3;
    o.seed = 7;
    const fs::path file = dir_ / "1" / name;
    Status s = TrainSyntheticXgboostModel(o, file);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return file;
  }

  static std::string Config(const std::string& extra = "", int output_dim = 1) {
    return "name: \"xgb\" backend: \"fil\" max_batch_size: 64 "
           "input { name: \"input__0\" data_type: TYPE_FP32 dims: [8] } "
           "output { name: \"output__0\" data_type: TYPE_FP32 dims: [" +
           std::to_string(output_dim) + "] } " + extra;
  }
  static std::string Param(const std::string& key, const std::string& value) {
    return "parameters { key: \"" + key + "\" value: { string_value: \"" + value + "\" } } ";
  }

  StatusOr<std::unique_ptr<ModelInstance>> Load(const std::string& text) {
    config_ = testing::ParseConfig(text);
    return testing::LoadInstance(backend_, config_, dir_ / "1", &model_);
  }

  // Runs requests of `rows` rows each through `instance`; returns the
  // features sent (all requests concatenated) and fills `sinks`.
  std::vector<float> RunBatch(ModelInstance* instance, const std::vector<int>& rows,
                              std::vector<std::shared_ptr<CollectingSink>>* sinks,
                              std::vector<std::unique_ptr<InferenceRequest>>* batch) {
    int total = 0;
    for (int r : rows) total += r;
    std::vector<float> x(static_cast<size_t>(total) * kFeatures);
    SyntheticFeatures(total, kFeatures, 99, x.data());
    size_t offset = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      sinks->push_back(std::make_shared<CollectingSink>());
      const size_t n = static_cast<size_t>(rows[i]) * kFeatures;
      // Odd addresses: the backend must not assume float alignment.
      Tensor t = testing::MakeUnalignedTensor("input__0", DataType::kFp32, {rows[i], kFeatures},
                                              x.data() + offset, n * sizeof(float));
      std::vector<Tensor> inputs;
      inputs.push_back(std::move(t));
      batch->push_back(MakeRequest("r" + std::to_string(i), std::move(inputs), sinks->back()));
      offset += n;
    }
    instance->Execute(*batch);
    return x;
  }

  XgboostBackend backend_;
  inference::ModelConfig config_;
  std::unique_ptr<Model> model_;
  fs::path dir_;
};

TEST_F(XgboostBackendTest, PredictsLikeXgboostInEveryFormat) {
  SetXgboostBinaryAllowed(true);  // the legacy format loads only when allowed
  const std::pair<std::string, XgbFormat> files[] = {
      {"xgboost.json", XgbFormat::kJson}, {"model.ubj", XgbFormat::kUbj},
      {"model.xgb", XgbFormat::kBinary}};
  for (const auto& [name, format] : files) {
    fs::remove_all(dir_ / "1");
    const fs::path file = Train(name);
    auto bytes = ReadFileBytes(file.string());
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(DetectXgbFormat(*bytes), format) << name;
    auto instance = Load(Config());
    ASSERT_TRUE(instance.ok()) << instance.status().ToString();
    EXPECT_EQ(model_->memory_bytes(), bytes->size());
    std::vector<std::shared_ptr<CollectingSink>> sinks;
    std::vector<std::unique_ptr<InferenceRequest>> batch;
    const std::vector<int> rows = {1, 5, 7};
    const std::vector<float> x = RunBatch(instance->get(), rows, &sinks, &batch);
    const std::vector<float> expected = ReferencePredict(file, x);
    ASSERT_EQ(expected.size(), 13u);
    size_t row = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      ASSERT_EQ(sinks[i]->finals(), 1);
      const auto& response = sinks[i]->only();
      ASSERT_TRUE(response.status.ok()) << response.status.ToString();
      ASSERT_EQ(response.outputs.size(), 1u);
      EXPECT_EQ(response.outputs[0].name(), "output__0");
      EXPECT_EQ(response.outputs[0].shape(), (std::vector<int64_t>{rows[i], 1}));
      for (float v : testing::Values<float>(response.outputs[0])) {
        EXPECT_NEAR(v, expected[row++], 1e-6) << name;
      }
      EXPECT_GE(batch[i]->times.compute_input_end_ns, batch[i]->times.compute_start_ns);
      EXPECT_GE(batch[i]->times.compute_output_start_ns, batch[i]->times.compute_input_end_ns);
    }
  }
  SetXgboostBinaryAllowed(false);
}

TEST_F(XgboostBackendTest, OutputClassThresholdAndPredictProba) {
  const fs::path file = Train("xgboost.json");
  auto classes = Load(Config(Param("output_class", "true") + Param("threshold", "0.3")));
  ASSERT_TRUE(classes.ok()) << classes.status().ToString();
  std::vector<std::shared_ptr<CollectingSink>> sinks;
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  std::vector<float> x = RunBatch(classes->get(), {6, 10}, &sinks, &batch);
  std::vector<float> p = ReferencePredict(file, x);
  auto c0 = testing::Values<float>(sinks[0]->only().outputs.at(0));
  auto c1 = testing::Values<float>(sinks[1]->only().outputs.at(0));
  c0.insert(c0.end(), c1.begin(), c1.end());
  ASSERT_EQ(c0.size(), p.size());
  for (size_t i = 0; i < p.size(); ++i) EXPECT_EQ(c0[i], p[i] >= 0.3f ? 1.0f : 0.0f);

  auto proba = Load(Config(Param("output_class", "true") + Param("predict_proba", "true"), 2));
  ASSERT_TRUE(proba.ok()) << proba.status().ToString();
  sinks.clear();
  batch.clear();
  x = RunBatch(proba->get(), {4}, &sinks, &batch);
  p = ReferencePredict(file, x);
  const Tensor& out = sinks[0]->only().outputs.at(0);
  EXPECT_EQ(out.shape(), (std::vector<int64_t>{4, 2}));
  auto v = testing::Values<float>(out);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(v[2 * i], 1.0f - p[i], 1e-6);
    EXPECT_NEAR(v[2 * i + 1], p[i], 1e-6);
  }
}

TEST_F(XgboostBackendTest, MulticlassProbabilitiesAndArgmax) {
  const fs::path file = Train("model.json", "multi:softprob");
  auto instance = Load(Config("", 3));
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  std::vector<std::shared_ptr<CollectingSink>> sinks;
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  std::vector<float> x = RunBatch(instance->get(), {3, 2}, &sinks, &batch);
  const std::vector<float> p = ReferencePredict(file, x);
  ASSERT_EQ(p.size(), 15u);
  EXPECT_EQ(sinks[1]->only().outputs.at(0).shape(), (std::vector<int64_t>{2, 3}));
  auto v = testing::Values<float>(sinks[1]->only().outputs.at(0));
  for (size_t i = 0; i < 6; ++i) EXPECT_NEAR(v[i], p[9 + i], 1e-6);

  auto argmax = Load(Config(Param("output_class", "true")));
  ASSERT_TRUE(argmax.ok()) << argmax.status().ToString();
  sinks.clear();
  batch.clear();
  RunBatch(argmax->get(), {3, 2}, &sinks, &batch);
  auto c = testing::Values<float>(sinks[0]->only().outputs.at(0));
  ASSERT_EQ(c.size(), 3u);
  for (size_t r = 0; r < 3; ++r) {
    const float* row = p.data() + r * 3;
    EXPECT_EQ(c[r], static_cast<float>(std::max_element(row, row + 3) - row));
  }
}

TEST_F(XgboostBackendTest, AutoCompleteFillsFromTheModelFile) {
  Train("xgboost.ubj");
  inference::ModelConfig config = testing::ParseConfig("name: \"xgb\" backend: \"fil\"");
  ASSERT_TRUE(backend_.AutoCompleteConfig(dir_ / "1", &config).ok());
  ASSERT_EQ(config.input_size(), 1);
  EXPECT_EQ(config.input(0).name(), "input__0");
  EXPECT_EQ(config.input(0).data_type(), inference::TYPE_FP32);
  EXPECT_EQ(std::vector<int64_t>(config.input(0).dims().begin(), config.input(0).dims().end()),
            std::vector<int64_t>{kFeatures});
  ASSERT_EQ(config.output_size(), 1);
  EXPECT_EQ(config.output(0).name(), "output__0");
  EXPECT_EQ(config.output(0).dims(0), 1);
  EXPECT_EQ(config.max_batch_size(), 8192);

  inference::ModelConfig proba = testing::ParseConfig(
      "name: \"xgb\" backend: \"fil\" max_batch_size: 0 " + Param("predict_proba", "true"));
  ASSERT_TRUE(backend_.AutoCompleteConfig(dir_ / "1", &proba).ok());
  EXPECT_EQ(proba.output(0).dims(0), 2);
}

TEST_F(XgboostBackendTest, AutoCompleteNeverOverridesUserFields) {
  Train("xgboost.json");
  const std::string text = R"(name: "xgb" backend: "xgboost" max_batch_size: 0
    input { name: "features" data_type: TYPE_FP32 dims: [-1, 8] }
    output { name: "score" data_type: TYPE_FP32 dims: [-1, 1] })";
  inference::ModelConfig config = testing::ParseConfig(text);
  const std::string before = config.DebugString();
  ASSERT_TRUE(backend_.AutoCompleteConfig(dir_ / "1", &config).ok());
  EXPECT_EQ(config.DebugString(), before);
  // The same config then serves unbatched [N, 8] requests.
  auto instance = Load(text);
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  auto sink = std::make_shared<CollectingSink>();
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  std::vector<Tensor> inputs;
  inputs.push_back(testing::MakeTensor<float>("features", DataType::kFp32, {2, kFeatures},
                                              std::vector<float>(16, 0.5f)));
  batch.push_back(MakeRequest("r", std::move(inputs), sink));
  (*instance)->Execute(batch);
  ASSERT_TRUE(sink->only().status.ok());
  EXPECT_EQ(sink->only().outputs.at(0).name(), "score");
  EXPECT_EQ(sink->only().outputs.at(0).shape(), (std::vector<int64_t>{2, 1}));
}

TEST_F(XgboostBackendTest, MissingModelFileNamesFolderAndCandidates) {
  auto instance = Load(Config());
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.status().code(), StatusCode::kNotFound);
  EXPECT_NE(instance.status().message().find((dir_ / "1").string()), std::string::npos);
  EXPECT_NE(instance.status().message().find("xgboost.json"), std::string::npos);

  instance = Load(Config("default_model_filename: \"custom.json\""));
  ASSERT_FALSE(instance.ok());
  EXPECT_NE(instance.status().message().find("custom.json"), std::string::npos);
}

TEST_F(XgboostBackendTest, CorruptModelFileNamesTheFile) {
  for (const char* content : {"{\"learner\": {", "definitely not a model", ""}) {
    std::ofstream(dir_ / "1" / "xgboost.json") << content;
    auto instance = Load(Config());
    ASSERT_FALSE(instance.ok()) << content;
    EXPECT_EQ(instance.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(instance.status().message().find((dir_ / "1" / "xgboost.json").string()),
              std::string::npos)
        << instance.status().message();
    EXPECT_EQ(instance.status().message().find("Stack trace"), std::string::npos);
  }
}

TEST_F(XgboostBackendTest, HonoursModelTypeAndRejectsBadParameters) {
  Train("xgboost.json");
  auto ubj = Load(Config(Param("model_type", "xgboost_ubj")));
  EXPECT_EQ(ubj.status().code(), StatusCode::kNotFound);
  auto json = Load(Config(Param("model_type", "xgboost_json") + Param("storage_type", "AUTO")));
  EXPECT_TRUE(json.ok()) << json.status().ToString();
  fs::copy_file(dir_ / "1" / "xgboost.json", dir_ / "1" / "xgboost.model");
  auto mismatch = Load(Config(Param("model_type", "xgboost")));
  EXPECT_EQ(mismatch.status().code(), StatusCode::kInvalidArgument);
  for (const std::string& bad : {Param("model_type", "lightgbm"), Param("threshold", "high"),
                                 Param("output_class", "maybe"), Param("nthread", "-2")}) {
    EXPECT_EQ(Load(Config(bad)).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  auto wrong_width = Load(
      "name: \"x\" max_batch_size: 4 input { name: \"in\" data_type: TYPE_FP32 dims: [9] }");
  EXPECT_EQ(wrong_width.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(XgboostBackendTest, BadRequestFailsAloneInItsBatch) {
  Train("xgboost.json");
  auto instance = Load(Config(Param("nthread", "2")));
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  std::vector<std::shared_ptr<CollectingSink>> sinks;
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  for (int width : {kFeatures, kFeatures + 1, kFeatures}) {
    sinks.push_back(std::make_shared<CollectingSink>());
    std::vector<Tensor> inputs;
    inputs.push_back(testing::MakeTensor<float>("input__0", DataType::kFp32, {1, width},
                                                std::vector<float>(width, 0.1f)));
    batch.push_back(MakeRequest("r", std::move(inputs), sinks.back()));
  }
  (*instance)->Execute(batch);
  EXPECT_TRUE(sinks[0]->only().status.ok());
  EXPECT_EQ(sinks[1]->only().status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(sinks[2]->only().status.ok());
  EXPECT_EQ(testing::Values<float>(sinks[0]->only().outputs.at(0)),
            testing::Values<float>(sinks[2]->only().outputs.at(0)));
}

TEST_F(XgboostBackendTest, ModelMakerIsDeterministic) {
  const fs::path a = Train("a.json");
  const fs::path b = Train("b.json");
  auto bytes_a = ReadFileBytes(a.string());
  auto bytes_b = ReadFileBytes(b.string());
  ASSERT_TRUE(bytes_a.ok() && bytes_b.ok());
  EXPECT_EQ(*bytes_a, *bytes_b);
  SyntheticModelOptions bad;
  bad.objective = "rank:pairwise";
  EXPECT_EQ(TrainSyntheticXgboostModel(bad, dir_ / "x.json").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strato
