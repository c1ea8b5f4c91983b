#include "identity_backend.h"

#include <gtest/gtest.h>

#include "backend_test_util.h"

namespace strato {
namespace {

using testing::CollectingSink;
using testing::MakeRequest;
using testing::MakeTensor;

class IdentityBackendTest : public ::testing::Test {
 protected:
  std::unique_ptr<ModelInstance> Load(const std::string& config_text) {
    config_ = testing::ParseConfig(config_text);
    auto instance = testing::LoadInstance(backend_, config_, "/nonexistent/1", &model_);
    EXPECT_TRUE(instance.ok()) << instance.status().ToString();
    return instance.ok() ? std::move(instance).value() : nullptr;
  }
  IdentityBackend backend_;
  inference::ModelConfig config_;
  std::unique_ptr<Model> model_;
};

TEST_F(IdentityBackendTest, CopiesEveryNumericDatatype) {
  const DataType types[] = {DataType::kBool,  DataType::kUint8, DataType::kUint16,
                            DataType::kUint32, DataType::kUint64, DataType::kInt8,
                            DataType::kInt16, DataType::kInt32, DataType::kInt64,
                            DataType::kFp16,  DataType::kBf16,  DataType::kFp32,
                            DataType::kFp64};
  for (DataType type : types) {
    const std::string cfg = std::string("name: \"id\" backend: \"identity\" max_batch_size: 4 ") +
                            "input { name: \"INPUT0\" data_type: " +
                            std::string(DataTypeConfigName(type)) + " dims: [-1] } " +
                            "output { name: \"OUTPUT0\" data_type: " +
                            std::string(DataTypeConfigName(type)) + " dims: [-1] }";
    auto instance = Load(cfg);
    ASSERT_NE(instance, nullptr);
    const size_t size = DataTypeByteSize(type) * 6;
    std::vector<uint8_t> bytes(size);
    for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(i * 7 + 1);
    auto sink = std::make_shared<CollectingSink>();
    std::vector<std::unique_ptr<InferenceRequest>> batch;
    batch.push_back(MakeRequest(
        "r", {testing::MakeUnalignedTensor("INPUT0", type, {2, 3}, bytes.data(), size)}, sink));
    instance->Execute(batch);
    ASSERT_EQ(sink->finals(), 1);
    const auto& response = sink->only();
    ASSERT_TRUE(response.status.ok());
    ASSERT_EQ(response.outputs.size(), 1u);
    const Tensor& out = response.outputs[0];
    EXPECT_EQ(out.name(), "OUTPUT0");
    EXPECT_EQ(out.datatype(), type) << DataTypeName(type);
    EXPECT_EQ(out.shape(), (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(std::vector<uint8_t>(out.data(), out.data() + out.byte_size()), bytes);
  }
}

TEST_F(IdentityBackendTest, CopiesBytesAndPairsInputsByPosition) {
  auto instance = Load(R"(name: "id" backend: "identity"
    input { name: "INPUT0" data_type: TYPE_STRING dims: [-1] }
    input { name: "INPUT1" data_type: TYPE_INT32 dims: [-1] }
    output { name: "OUTPUT0" data_type: TYPE_STRING dims: [-1] }
    output { name: "OUTPUT1" data_type: TYPE_INT32 dims: [-1] })");
  ASSERT_NE(instance, nullptr);
  std::vector<uint8_t> strings;
  AppendBytesElement(&strings, "hello");
  AppendBytesElement(&strings, "");
  AppendBytesElement(&strings, std::string("bin\0ary", 7));
  Tensor in0 = testing::MakeViewTensor("INPUT0", DataType::kBytes, {3}, strings.data(),
                                       strings.size());
  auto sink = std::make_shared<CollectingSink>();
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  batch.push_back(MakeRequest(
      "r", {std::move(in0), MakeTensor<int32_t>("INPUT1", DataType::kInt32, {2}, {5, -6})}, sink));
  instance->Execute(batch);
  const auto& response = sink->only();
  ASSERT_EQ(response.outputs.size(), 2u);
  EXPECT_EQ(response.outputs[0].name(), "OUTPUT0");
  EXPECT_EQ(response.outputs[0].datatype(), DataType::kBytes);
  EXPECT_TRUE(response.outputs[0].Validate().ok());
  std::vector<std::string> seen;
  ASSERT_TRUE(ForEachBytesElement(response.outputs[0].bytes(),
                                  [&](std::string_view s) { seen.emplace_back(s); })
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"hello", "", std::string("bin\0ary", 7)}));
  EXPECT_EQ(response.outputs[1].name(), "OUTPUT1");
  EXPECT_EQ(testing::Values<int32_t>(response.outputs[1]), (std::vector<int32_t>{5, -6}));
}

TEST_F(IdentityBackendTest, HonoursRequestedOutputsAndBatches) {
  auto instance = Load(R"(name: "id" backend: "identity" max_batch_size: 8
    input { name: "INPUT0" data_type: TYPE_FP32 dims: [-1] }
    input { name: "INPUT1" data_type: TYPE_FP32 dims: [-1] })");
  ASSERT_NE(instance, nullptr);
  std::vector<std::shared_ptr<CollectingSink>> sinks;
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  for (int i = 0; i < 3; ++i) {
    sinks.push_back(std::make_shared<CollectingSink>());
    batch.push_back(MakeRequest(
        "r" + std::to_string(i),
        {MakeTensor<float>("INPUT0", DataType::kFp32, {1, 2}, {float(i), 1.5f}),
         MakeTensor<float>("INPUT1", DataType::kFp32, {1, 1}, {-float(i)})},
        sinks.back()));
  }
  batch[1]->outputs.push_back({.name = "OUTPUT1"});  // derived name: INPUT1 -> OUTPUT1
  instance->Execute(batch);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(sinks[i]->finals(), 1);
    const auto& response = sinks[i]->only();
    EXPECT_EQ(response.id, "r" + std::to_string(i));
    if (i == 1) {
      ASSERT_EQ(response.outputs.size(), 1u);
      EXPECT_EQ(response.outputs[0].name(), "OUTPUT1");
      EXPECT_EQ(testing::Values<float>(response.outputs[0]), std::vector<float>{-1.0f});
    } else {
      ASSERT_EQ(response.outputs.size(), 2u);
      EXPECT_EQ(testing::Values<float>(response.outputs[0]),
                (std::vector<float>{float(i), 1.5f}));
    }
  }
}

TEST_F(IdentityBackendTest, RejectsMismatchedOutputDatatype) {
  inference::ModelConfig config = testing::ParseConfig(R"(name: "id"
    input { name: "INPUT0" data_type: TYPE_FP32 dims: [-1] }
    output { name: "OUTPUT0" data_type: TYPE_INT32 dims: [-1] })");
  ModelLoadContext context;
  context.config = &config;
  auto model = backend_.LoadModel(context);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strato
