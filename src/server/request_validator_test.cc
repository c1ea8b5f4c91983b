#include "request_validator.h"

#include <gtest/gtest.h>

#include "strato/config/model_config.h"

namespace strato {
namespace {

inference::ModelConfig Config(int max_batch_size) {
  auto c = ParseModelConfigText(
      "name: \"m\"\nbackend: \"echo\"\nmax_batch_size: " + std::to_string(max_batch_size) +
          "\ninput [ { name: \"A\" data_type: TYPE_FP32 dims: [ -1, 3 ] },"
          " { name: \"S\" data_type: TYPE_STRING dims: [ 1 ] },"
          " { name: \"O\" data_type: TYPE_INT32 dims: [ 1 ] optional: true } ]\n"
          "output [ { name: \"Y\" data_type: TYPE_FP32 dims: [ 3 ] } ]\n",
      "test");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

Tensor Fp32(const std::string& name, std::vector<int64_t> shape) {
  Tensor t(name, DataType::kFp32, shape);
  t.SetOwned(std::vector<uint8_t>(static_cast<size_t>(ElementCount(shape)) * 4));
  return t;
}

Tensor Str(const std::string& name, std::vector<int64_t> shape, int elements) {
  Tensor t(name, DataType::kBytes, shape);
  std::vector<uint8_t> bytes;
  for (int i = 0; i < elements; ++i) AppendBytesElement(&bytes, "hi");
  t.SetOwned(std::move(bytes));
  return t;
}

InferenceRequest Good(int64_t batch) {
  InferenceRequest r;
  r.inputs.push_back(Fp32("A", {batch, 2, 3}));
  r.inputs.push_back(Str("S", {batch, 1}, static_cast<int>(batch)));
  return r;
}

void ExpectError(const RequestValidator& v, const InferenceRequest& r, const std::string& text) {
  Status s = v.Validate(r);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << text;
  EXPECT_NE(s.message().find(text), std::string::npos) << s.message();
}

TEST(RequestValidator, AcceptsGoodRequestsWithOptionalInputOmitted) {
  RequestValidator v(Config(8));
  EXPECT_TRUE(v.Validate(Good(1)).ok()) << v.Validate(Good(1)).ToString();
  EXPECT_TRUE(v.Validate(Good(8)).ok());
  auto r = Good(2);
  r.outputs.push_back({"Y"});
  EXPECT_TRUE(v.Validate(r).ok());
}

TEST(RequestValidator, BatchSizeAboveMax) {
  ExpectError(RequestValidator(Config(8)), Good(9), "batch size 9 exceeds max_batch_size 8 of model 'm'");
}

TEST(RequestValidator, MissingAndUnknownAndDuplicateInputs) {
  RequestValidator v(Config(8));
  auto missing = Good(1);
  missing.inputs.pop_back();
  ExpectError(v, missing, "missing required input 'S'");
  auto unknown = Good(1);
  unknown.inputs.push_back(Fp32("Z", {1, 1}));
  ExpectError(v, unknown, "unknown input 'Z'");
  auto dup = Good(1);
  dup.inputs.push_back(dup.inputs[0]);
  ExpectError(v, dup, "input 'A' given more than once");
}

TEST(RequestValidator, DatatypeShapeAndData) {
  RequestValidator v(Config(8));
  auto type = Good(1);
  type.inputs[0] = Tensor("A", DataType::kFp64, {1, 2, 3});
  type.inputs[0].SetOwned(std::vector<uint8_t>(48));
  ExpectError(v, type, "input 'A' of model 'm' has datatype FP64 but the model expects FP32");
  auto rank = Good(1);
  rank.inputs[0] = Fp32("A", {1, 6});
  ExpectError(v, rank, "input 'A' of model 'm' has shape [1,6]");
  auto dim = Good(1);
  dim.inputs[0] = Fp32("A", {1, 2, 4});
  ExpectError(v, dim, "dimension 2 must be 3");
  auto short_data = Good(1);
  short_data.inputs[0].SetOwned(std::vector<uint8_t>(5));
  ExpectError(v, short_data, "input 'A' of model 'm': tensor 'A' has 5 bytes");
  auto bytes = Good(2);
  bytes.inputs[1] = Str("S", {2, 1}, 3);
  ExpectError(v, bytes, "BYTES elements");
  auto mixed = Good(2);
  mixed.inputs[1] = Str("S", {1, 1}, 1);
  ExpectError(v, mixed, "other inputs have batch size 2");
  auto zero = Good(1);
  zero.inputs[0] = Fp32("A", {0, 2, 3});
  ExpectError(v, zero, "batch size 0");
}

TEST(RequestValidator, NonBatchingModelHasNoBatchDim) {
  RequestValidator v(Config(0));
  InferenceRequest r;
  r.inputs.push_back(Fp32("A", {5, 3}));
  r.inputs.push_back(Str("S", {1}, 1));
  EXPECT_TRUE(v.Validate(r).ok()) << v.Validate(r).ToString();
  ExpectError(v, Good(1), "has shape [1,2,3]");
}

TEST(RequestValidator, UnknownOutput) {
  auto r = Good(1);
  r.outputs.push_back({"NOPE"});
  ExpectError(RequestValidator(Config(8)), r, "unknown output 'NOPE' requested from model 'm'");
}

}  // namespace
}  // namespace strato
