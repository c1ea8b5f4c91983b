#include "strato/backend/demo_repository.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "backend_test_util.h"
#include "strato/backend/xgboost_model_maker.h"

namespace strato {
namespace {

namespace fs = std::filesystem;
using testing::CollectingSink;
using testing::MakeRequest;

TEST(BuiltinBackendsTest, RegistersEveryBackendAndTheFilAlias) {
  BackendRegistry registry;
  RegisterBuiltinBackends(&registry);
  EXPECT_EQ(registry.Names(), (std::vector<std::string>{"add_sub", "fil", "identity", "strato_pipeline", "xgboost"}));
  ASSERT_NE(registry.Find("xgboost"), nullptr);
  EXPECT_EQ(registry.Find("fil"), registry.Find("xgboost"));
  EXPECT_EQ(registry.Find("identity")->name(), "identity");
  EXPECT_EQ(registry.Find("add_sub")->name(), "add_sub");
  EXPECT_EQ(registry.Find("onnxruntime"), nullptr);
}

class DemoRepositoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("strato_demo_repo_test_" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    status_ = new Status(WriteDemoModelRepository(*dir_));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete status_;
  }

  static inference::ModelConfig ReadConfig(const std::string& model) {
    std::ifstream in(*dir_ / model / "config.pbtxt");
    std::stringstream text;
    text << in.rdbuf();
    inference::ModelConfig config = testing::ParseConfig(text.str());
    EXPECT_EQ(config.name(), model);
    return config;
  }

  // Loads `model` through the registry, as the server would.
  std::unique_ptr<ModelInstance> Load(const std::string& model, inference::ModelConfig* config) {
    registry_ = std::make_unique<BackendRegistry>();
    RegisterBuiltinBackends(registry_.get());
    *config = ReadConfig(model);
    const Backend* backend = registry_->Find(config->backend());
    EXPECT_NE(backend, nullptr) << config->backend();
    if (backend == nullptr) return nullptr;
    EXPECT_TRUE(backend->AutoCompleteConfig(*dir_ / model / "1", config).ok());
    auto instance = testing::LoadInstance(*backend, *config, *dir_ / model / "1", &model_);
    EXPECT_TRUE(instance.ok()) << instance.status().ToString();
    return instance.ok() ? std::move(instance).value() : nullptr;
  }

  static fs::path* dir_;
  static Status* status_;
  std::unique_ptr<BackendRegistry> registry_;
  std::unique_ptr<Model> model_;
};

fs::path* DemoRepositoryTest::dir_ = nullptr;
Status* DemoRepositoryTest::status_ = nullptr;

TEST_F(DemoRepositoryTest, WritesTritonLayout) {
  ASSERT_TRUE(status_->ok()) << status_->ToString();
  for (const char* name : kDemoModelNames) {
    EXPECT_TRUE(fs::is_regular_file(*dir_ / name / "config.pbtxt")) << name;
    EXPECT_TRUE(fs::is_directory(*dir_ / name / "1")) << name;
  }
  EXPECT_TRUE(fs::is_regular_file(*dir_ / "xgb_fraud" / "1" / "xgboost.json"));
  inference::ModelConfig simple = ReadConfig("simple");
  EXPECT_EQ(simple.backend(), "add_sub");
  EXPECT_EQ(simple.max_batch_size(), 8);
  EXPECT_EQ(simple.input(0).data_type(), inference::TYPE_INT32);
  inference::ModelConfig fraud = ReadConfig("xgb_fraud");
  EXPECT_EQ(fraud.backend(), "fil");
  EXPECT_EQ(fraud.instance_group(0).count(), 2);
  EXPECT_TRUE(fraud.has_dynamic_batching());
  EXPECT_GT(fraud.dynamic_batching().preferred_batch_size_size(), 0);
  EXPECT_EQ(ConfigParameter(fraud, "output_class"), "false");
  EXPECT_TRUE(ReadConfig("identity_fp32").has_dynamic_batching());
  EXPECT_EQ(ReadConfig("identity_bytes").input(0).data_type(), inference::TYPE_STRING);
}

TEST_F(DemoRepositoryTest, SimpleModelServes) {
  ASSERT_TRUE(status_->ok());
  inference::ModelConfig config;
  auto instance = Load("simple", &config);
  ASSERT_NE(instance, nullptr);
  std::vector<int32_t> a(16), b(16, 1);
  for (int i = 0; i < 16; ++i) a[i] = i;
  auto sink = std::make_shared<CollectingSink>();
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  batch.push_back(MakeRequest("r",
                              {testing::MakeTensor<int32_t>("INPUT0", DataType::kInt32, {1, 16}, a),
                               testing::MakeTensor<int32_t>("INPUT1", DataType::kInt32, {1, 16}, b)},
                              sink));
  instance->Execute(batch);
  ASSERT_EQ(sink->only().outputs.size(), 2u);
  EXPECT_EQ(testing::Values<int32_t>(sink->only().outputs[0])[15], 16);
  EXPECT_EQ(testing::Values<int32_t>(sink->only().outputs[1])[15], 14);
}

TEST_F(DemoRepositoryTest, XgbFraudModelServesProbabilities) {
  ASSERT_TRUE(status_->ok());
  inference::ModelConfig config;
  auto instance = Load("xgb_fraud", &config);
  ASSERT_NE(instance, nullptr);
  EXPECT_EQ(config.input(0).dims(0), 30);  // auto-complete left the user's config alone
  const int rows = 200;
  std::vector<float> x(rows * 30);
  SyntheticFeatures(rows, 30, 1234, x.data());
  auto sink = std::make_shared<CollectingSink>();
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  batch.push_back(MakeRequest(
      "r", {testing::MakeTensor<float>("input__0", DataType::kFp32, {rows, 30}, x)}, sink));
  instance->Execute(batch);
  ASSERT_TRUE(sink->only().status.ok()) << sink->only().status.ToString();
  auto p = testing::Values<float>(sink->only().outputs.at(0));
  ASSERT_EQ(p.size(), static_cast<size_t>(rows));
  // The synthetic label is 1 when x0 + 0.5 x1 x2 - 0.8 x3 + ... > 0: a
  // trained model must get most of fresh rows right.
  int correct = 0;
  for (int r = 0; r < rows; ++r) {
    const float* v = x.data() + r * 30;
    const float s = v[0] + 0.5f * v[1] * v[2] - 0.8f * v[3] + 0.3f * std::sin(3.0f * v[4]);
    EXPECT_GE(p[r], 0.0f);
    EXPECT_LE(p[r], 1.0f);
    correct += (p[r] >= 0.5f) == (s > 0.0f);
  }
  EXPECT_GT(correct, rows * 8 / 10);
}

TEST_F(DemoRepositoryTest, IdentityBytesModelServes) {
  ASSERT_TRUE(status_->ok());
  inference::ModelConfig config;
  auto instance = Load("identity_bytes", &config);
  ASSERT_NE(instance, nullptr);
  std::vector<uint8_t> buffer;
  AppendBytesElement(&buffer, "strato");
  auto sink = std::make_shared<CollectingSink>();
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  batch.push_back(MakeRequest(
      "r", {testing::MakeViewTensor("INPUT0", DataType::kBytes, {1}, buffer.data(), buffer.size())},
      sink));
  instance->Execute(batch);
  const Tensor& out = sink->only().outputs.at(0);
  EXPECT_EQ(out.name(), "OUTPUT0");
  EXPECT_EQ(std::vector<uint8_t>(out.data(), out.data() + out.byte_size()), buffer);
}

}  // namespace
}  // namespace strato
