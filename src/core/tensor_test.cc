#include "strato/core/tensor.h"

#include <gtest/gtest.h>

#include <cmath>

namespace strato {
namespace {

TEST(DataTypeTest, NamesRoundTrip) {
  for (auto t : {DataType::kBool, DataType::kUint8, DataType::kUint64, DataType::kInt16,
                 DataType::kFp16, DataType::kBf16, DataType::kFp32, DataType::kFp64,
                 DataType::kBytes}) {
    EXPECT_EQ(DataTypeFromName(DataTypeName(t)), t);
    EXPECT_EQ(DataTypeFromConfigName(DataTypeConfigName(t)), t);
  }
  EXPECT_EQ(DataTypeConfigName(DataType::kBytes), "TYPE_STRING");
  EXPECT_FALSE(DataTypeFromName("FLOAT").has_value());
  EXPECT_EQ(DataTypeByteSize(DataType::kFp64), 8u);
  EXPECT_EQ(DataTypeByteSize(DataType::kBytes), 0u);
}

TEST(DataTypeTest, ElementCountHandlesWildcardAndOverflow) {
  const std::vector<int64_t> ok = {2, 3, 4};
  const std::vector<int64_t> wild = {2, -1};
  const std::vector<int64_t> huge = {1LL << 40, 1LL << 40};
  const std::vector<int64_t> empty_dim = {0, 5};
  EXPECT_EQ(ElementCount(ok), 24);
  EXPECT_EQ(ElementCount(wild), -1);
  EXPECT_EQ(ElementCount(huge), -2);
  EXPECT_EQ(ElementCount(empty_dim), 0);
}

TEST(TensorTest, ValidateChecksByteSizeAgainstShape) {
  Tensor t("x", DataType::kFp32, {2, 3});
  t.AllocateOwned(24);
  EXPECT_TRUE(t.Validate().ok());
  t.AllocateOwned(20);
  const Status s = t.Validate();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("'x'"), std::string::npos);
  EXPECT_NE(s.message().find("24"), std::string::npos);
}

TEST(TensorTest, BytesElementsRoundTripAndRejectOverrun) {
  std::vector<uint8_t> buf;
  AppendBytesElement(&buf, "hello");
  AppendBytesElement(&buf, "");
  AppendBytesElement(&buf, "world!");
  std::vector<std::string> seen;
  ASSERT_TRUE(ForEachBytesElement(buf, [&](std::string_view s) { seen.emplace_back(s); }).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"hello", "", "world!"}));

  Tensor t("s", DataType::kBytes, {3});
  t.SetOwned(buf);
  EXPECT_TRUE(t.Validate().ok());
  t.set_shape({4});
  EXPECT_FALSE(t.Validate().ok());

  std::vector<uint8_t> bad = {10, 0, 0, 0, 'a', 'b'};  // claims 10 bytes, has 2
  const auto n = CountBytesElements(bad);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("claims 10 bytes"), std::string::npos);
  std::vector<uint8_t> truncated = {1, 0};
  EXPECT_FALSE(CountBytesElements(truncated).ok());
}

TEST(TensorTest, ViewKeepsOwnerAlive) {
  auto owner = std::make_shared<std::vector<uint8_t>>(std::vector<uint8_t>{1, 2, 3, 4});
  Tensor t("v", DataType::kUint8, {4});
  t.SetView(owner->data(), owner->size(), owner);
  std::weak_ptr<std::vector<uint8_t>> weak = owner;
  owner.reset();
  EXPECT_FALSE(weak.expired());
  EXPECT_EQ(t.ReadElement<uint8_t>(3), 4);
}

TEST(TensorTest, HalfPrecisionConversions) {
  for (float f : {0.0f, 1.0f, -2.5f, 65504.0f, 0.000061035156f, 3.140625f}) {
    EXPECT_FLOAT_EQ(HalfToFloat(FloatToHalf(f)), f) << f;
  }
  EXPECT_EQ(FloatToHalf(1.0f), 0x3c00);
  EXPECT_TRUE(std::isinf(HalfToFloat(FloatToHalf(1e6f))));
  EXPECT_TRUE(std::isnan(HalfToFloat(FloatToHalf(std::nanf("")))));
  EXPECT_FLOAT_EQ(Bf16ToFloat(FloatToBf16(1.5f)), 1.5f);
  EXPECT_EQ(FloatToBf16(1.0f), 0x3f80);
}

}  // namespace
}  // namespace strato

namespace strato {
namespace {

TEST(TensorTest, CopiesAndMovesKeepDataValid) {
  std::vector<Tensor> tensors;
  {
    Tensor owned("o", DataType::kInt32, {2});
    uint8_t* p = owned.AllocateOwned(8);
    const int32_t values[2] = {7, -9};
    std::memcpy(p, values, 8);
    Tensor copy = owned;  // copy of owned bytes
    tensors.push_back(copy);
    tensors.push_back(std::move(owned));
  }
  tensors.reserve(64);  // force the vector to move its elements
  for (const auto& t : tensors) {
    ASSERT_EQ(t.byte_size(), 8u);
    EXPECT_EQ(t.ReadElement<int32_t>(0), 7);
    EXPECT_EQ(t.ReadElement<int32_t>(1), -9);
  }
  EXPECT_NE(tensors[0].data(), tensors[1].data());
}

}  // namespace
}  // namespace strato
