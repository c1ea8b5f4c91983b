#include "add_sub_backend.h"

#include <gtest/gtest.h>

#include <limits>

#include "backend_test_util.h"

namespace strato {
namespace {

using testing::CollectingSink;
using testing::MakeRequest;
using testing::MakeTensor;

std::string SimpleConfig(const std::string& type, int max_batch) {
  return "name: \"simple\" backend: \"add_sub\" max_batch_size: " + std::to_string(max_batch) +
         " input { name: \"INPUT0\" data_type: " + type + " dims: [16] }" +
         " input { name: \"INPUT1\" data_type: " + type + " dims: [16] }" +
         " output { name: \"OUTPUT0\" data_type: " + type + " dims: [16] }" +
         " output { name: \"OUTPUT1\" data_type: " + type + " dims: [16] }";
}

class AddSubBackendTest : public ::testing::Test {
 protected:
  std::unique_ptr<ModelInstance> Load(const std::string& text) {
    config_ = testing::ParseConfig(text);
    auto instance = testing::LoadInstance(backend_, config_, "/nonexistent/1", &model_);
    EXPECT_TRUE(instance.ok()) << instance.status().ToString();
    return instance.ok() ? std::move(instance).value() : nullptr;
  }

  template <typename T>
  void CheckBatched(const std::string& type_name, DataType type) {
    auto instance = Load(SimpleConfig(type_name, 8));
    ASSERT_NE(instance, nullptr);
    std::vector<std::shared_ptr<CollectingSink>> sinks;
    std::vector<std::unique_ptr<InferenceRequest>> batch;
    std::vector<std::vector<T>> a(3), b(3);
    for (int r = 0; r < 3; ++r) {
      const int rows = r + 1;  // requests of batch size 1, 2 and 3
      for (int i = 0; i < rows * 16; ++i) {
        a[r].push_back(static_cast<T>(i + r));
        b[r].push_back(static_cast<T>(i % 5) * static_cast<T>(r + 1));
      }
      sinks.push_back(std::make_shared<CollectingSink>());
      batch.push_back(MakeRequest(
          "r", {MakeTensor<T>("INPUT0", type, {rows, 16}, a[r]),
                testing::MakeUnalignedTensor("INPUT1", type, {rows, 16}, b[r].data(),
                                             b[r].size() * sizeof(T))},
          sinks.back()));
    }
    instance->Execute(batch);
    for (int r = 0; r < 3; ++r) {
      const auto& response = sinks[r]->only();
      ASSERT_TRUE(response.status.ok()) << response.status.ToString();
      ASSERT_EQ(response.outputs.size(), 2u);
      EXPECT_EQ(response.outputs[0].shape(), (std::vector<int64_t>{r + 1, 16}));
      auto sum = testing::Values<T>(response.outputs[0]);
      auto diff = testing::Values<T>(response.outputs[1]);
      ASSERT_EQ(sum.size(), a[r].size());
      for (size_t i = 0; i < sum.size(); ++i) {
        EXPECT_EQ(sum[i], static_cast<T>(a[r][i] + b[r][i]));
        EXPECT_EQ(diff[i], static_cast<T>(a[r][i] - b[r][i]));
      }
    }
  }

  AddSubBackend backend_;
  inference::ModelConfig config_;
  std::unique_ptr<Model> model_;
};

TEST_F(AddSubBackendTest, SumsAndDiffsInt32Batched) { CheckBatched<int32_t>("TYPE_INT32", DataType::kInt32); }

TEST_F(AddSubBackendTest, SumsAndDiffsFp32Batched) { CheckBatched<float>("TYPE_FP32", DataType::kFp32); }

TEST_F(AddSubBackendTest, SumsAndDiffsOtherNumericTypes) {
  CheckBatched<int64_t>("TYPE_INT64", DataType::kInt64);
  CheckBatched<uint8_t>("TYPE_UINT8", DataType::kUint8);
  CheckBatched<double>("TYPE_FP64", DataType::kFp64);
}

TEST_F(AddSubBackendTest, UnbatchedWrapsIntegersAndHonoursRequestedOutputs) {
  auto instance = Load(SimpleConfig("TYPE_INT32", 0));
  ASSERT_NE(instance, nullptr);
  const int32_t max = std::numeric_limits<int32_t>::max();
  std::vector<int32_t> a(16, max), b(16, 1);
  auto sink = std::make_shared<CollectingSink>();
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  batch.push_back(MakeRequest("r", {MakeTensor<int32_t>("INPUT0", DataType::kInt32, {16}, a),
                                    MakeTensor<int32_t>("INPUT1", DataType::kInt32, {16}, b)},
                              sink));
  batch[0]->outputs.push_back({.name = "OUTPUT0"});
  instance->Execute(batch);
  const auto& response = sink->only();
  ASSERT_EQ(response.outputs.size(), 1u);
  EXPECT_EQ(response.outputs[0].name(), "OUTPUT0");
  EXPECT_EQ(response.outputs[0].shape(), std::vector<int64_t>{16});
  EXPECT_EQ(testing::Values<int32_t>(response.outputs[0])[0], std::numeric_limits<int32_t>::min());
}

TEST_F(AddSubBackendTest, MismatchedInputsGetAnErrorResponse) {
  auto instance = Load(SimpleConfig("TYPE_INT32", 8));
  ASSERT_NE(instance, nullptr);
  auto sink = std::make_shared<CollectingSink>();
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  batch.push_back(MakeRequest(
      "r", {MakeTensor<int32_t>("INPUT0", DataType::kInt32, {1, 16}, std::vector<int32_t>(16)),
            MakeTensor<int32_t>("INPUT1", DataType::kInt32, {1, 8}, std::vector<int32_t>(8))},
      sink));
  instance->Execute(batch);
  ASSERT_EQ(sink->finals(), 1);
  EXPECT_EQ(sink->only().status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(sink->only().outputs.empty());
}

TEST_F(AddSubBackendTest, RejectsUnsupportedConfigs) {
  for (const std::string& text :
       {SimpleConfig("TYPE_STRING", 8), SimpleConfig("TYPE_BOOL", 8),
        std::string("name: \"x\" input { name: \"INPUT0\" data_type: TYPE_INT32 dims: [1] }")}) {
    inference::ModelConfig config = testing::ParseConfig(text);
    ModelLoadContext context;
    context.config = &config;
    auto model = backend_.LoadModel(context);
    ASSERT_FALSE(model.ok()) << text;
    EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace strato
