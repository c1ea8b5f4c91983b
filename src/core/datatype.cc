#include "strato/core/datatype.h"

#include <array>
#include <limits>

namespace strato {
namespace {

struct TypeInfo {
  DataType type;
  std::string_view name;
  std::string_view config_name;
  size_t size;
};

constexpr std::array<TypeInfo, 14> kTypes = {{
    {DataType::kBool, "BOOL", "TYPE_BOOL", 1},
    {DataType::kUint8, "UINT8", "TYPE_UINT8", 1},
    {DataType::kUint16, "UINT16", "TYPE_UINT16", 2},
    {DataType::kUint32, "UINT32", "TYPE_UINT32", 4},
    {DataType::kUint64, "UINT64", "TYPE_UINT64", 8},
    {DataType::kInt8, "INT8", "TYPE_INT8", 1},
    {DataType::kInt16, "INT16", "TYPE_INT16", 2},
    {DataType::kInt32, "INT32", "TYPE_INT32", 4},
    {DataType::kInt64, "INT64", "TYPE_INT64", 8},
    {DataType::kFp16, "FP16", "TYPE_FP16", 2},
    {DataType::kBf16, "BF16", "TYPE_BF16", 2},
    {DataType::kFp32, "FP32", "TYPE_FP32", 4},
    {DataType::kFp64, "FP64", "TYPE_FP64", 8},
    {DataType::kBytes, "BYTES", "TYPE_STRING", 0},
}};

}  // namespace

std::string_view DataTypeName(DataType type) {
  for (const auto& t : kTypes) {
    if (t.type == type) return t.name;
  }
  return "INVALID";
}

std::optional<DataType> DataTypeFromName(std::string_view name) {
  for (const auto& t : kTypes) {
    if (t.name == name) return t.type;
  }
  return std::nullopt;
}

std::string_view DataTypeConfigName(DataType type) {
  for (const auto& t : kTypes) {
    if (t.type == type) return t.config_name;
  }
  return "TYPE_INVALID";
}

std::optional<DataType> DataTypeFromConfigName(std::string_view name) {
  for (const auto& t : kTypes) {
    if (t.config_name == name) return t.type;
  }
  return std::nullopt;
}

size_t DataTypeByteSize(DataType type) {
  for (const auto& t : kTypes) {
    if (t.type == type) return t.size;
  }
  return 0;
}

int64_t ElementCount(std::span<const int64_t> shape) {
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0) return -1;
    if (d != 0 && count > std::numeric_limits<int64_t>::max() / d) return -2;
    count *= d;
  }
  return count;
}

}  // namespace strato
