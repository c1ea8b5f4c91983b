#include "output_check.h"

#include <gtest/gtest.h>

namespace strato {
namespace {

inference::ModelConfig Config(int max_batch_size) {
  inference::ModelConfig config;
  config.set_name("m");
  config.set_max_batch_size(max_batch_size);
  auto* out = config.add_output();
  out->set_name("score");
  out->set_data_type(inference::TYPE_FP32);
  out->add_dims(1);
  auto* any = config.add_output();
  any->set_name("any");
  any->set_data_type(inference::TYPE_INT64);
  any->add_dims(-1);
  return config;
}

TEST(OutputCheckTest, AcceptsWhatTheConfigDeclares) {
  const OutputCheck batched(Config(8), 2);
  EXPECT_TRUE(batched
                  .Check({Tensor("score", DataType::kFp32, {3, 1}),
                          Tensor("any", DataType::kInt64, {3, 7})})
                  .ok());
  EXPECT_TRUE(batched.Check({Tensor("undeclared", DataType::kBytes, {1})}).ok());
  const OutputCheck plain(Config(0), 2);
  EXPECT_TRUE(plain.Check({Tensor("score", DataType::kFp32, {1})}).ok());
}

TEST(OutputCheckTest, ShapeOrDatatypeMismatchIsAnErrorNamingIt) {
  const OutputCheck check(Config(8), 2);
  Status wrong_shape = check.Check({Tensor("score", DataType::kFp32, {1, 2})});
  EXPECT_EQ(wrong_shape.code(), StatusCode::kInternal);
  EXPECT_NE(
      wrong_shape.message().find("model 'm' version 2 answered output 'score' with shape [1,2]"),
      std::string::npos)
      << wrong_shape.message();
  EXPECT_NE(wrong_shape.message().find("declares [-1,1]"), std::string::npos)
      << wrong_shape.message();
  EXPECT_FALSE(check.Check({Tensor("score", DataType::kFp32, {1})}).ok())
      << "batch dimension missing";
  Status wrong_type = check.Check({Tensor("score", DataType::kFp64, {1, 1})});
  EXPECT_NE(wrong_type.message().find("as FP64"), std::string::npos) << wrong_type.message();
}

}  // namespace
}  // namespace strato
