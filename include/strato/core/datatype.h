// Tensor element types, with the spellings of the KServe v2 protocol
// ("FP32") and of Triton's model configuration ("TYPE_FP32").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace strato {

enum class DataType : uint8_t {
  kInvalid = 0,
  kBool,
  kUint8,
  kUint16,
  kUint32,
  kUint64,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFp16,
  kBf16,
  kFp32,
  kFp64,
  kBytes,  // variable length; each element is a 4-byte little-endian length then bytes
};

// "FP32" etc.; "INVALID" for kInvalid.
std::string_view DataTypeName(DataType type);
// Parses "FP32"; nullopt when unknown.
std::optional<DataType> DataTypeFromName(std::string_view name);
// "TYPE_FP32" etc. (Triton model configuration spelling; TYPE_STRING for BYTES).
std::string_view DataTypeConfigName(DataType type);
std::optional<DataType> DataTypeFromConfigName(std::string_view name);
// Size in bytes of one element; 0 for kBytes and kInvalid.
size_t DataTypeByteSize(DataType type);

// Number of elements of a shape; -1 when any dimension is negative,
// and -2 on overflow past int64.
int64_t ElementCount(std::span<const int64_t> shape);

}  // namespace strato
