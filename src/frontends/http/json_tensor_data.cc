#include "json_tensor_data.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

namespace strato::http {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Counts the leaves of a nested array (a non-array is one leaf).
int64_t CountLeaves(element e) {
  simdjson::dom::array array;
  if (e.get(array)) return 1;
  int64_t n = 0;
  for (element child : array) n += CountLeaves(child);
  return n;
}

// Calls fn(leaf, index) for each leaf in row-major order; stops at the first
// error.
template <typename Fn>
Status ForEachLeaf(element e, size_t* index, Fn& fn) {
  simdjson::dom::array array;
  if (e.get(array)) return fn(e, (*index)++);
  for (element child : array) RETURN_IF_ERROR(ForEachLeaf(child, index, fn));
  return Status::Ok();
}

Status ElementError(const Tensor& t, size_t index, std::string_view expected) {
  return InvalidArgumentError("input '" + t.name() + "': data element " + std::to_string(index) +
                              " must be " + std::string(expected) + " for datatype " +
                              std::string(DataTypeName(t.datatype())));
}

template <typename T>
Status ReadIntegers(element data, Tensor* tensor, uint8_t* out) {
  auto fn = [&](element e, size_t i) -> Status {
    T value;
    if (e.type() == element_type::INT64) {
      const int64_t v = e.get_int64().value_unsafe();
      if constexpr (std::is_signed_v<T>) {
        if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) {
          return ElementError(*tensor, i, "an integer in range");
        }
      } else {
        if (v < 0 || static_cast<uint64_t>(v) > std::numeric_limits<T>::max()) {
          return ElementError(*tensor, i, "an integer in range");
        }
      }
      value = static_cast<T>(v);
    } else if (e.type() == element_type::UINT64) {
      const uint64_t v = e.get_uint64().value_unsafe();
      if (v > static_cast<uint64_t>(std::numeric_limits<T>::max())) {
        return ElementError(*tensor, i, "an integer in range");
      }
      value = static_cast<T>(v);
    } else {
      return ElementError(*tensor, i, "an integer");
    }
    std::memcpy(out + i * sizeof(T), &value, sizeof(T));
    return Status::Ok();
  };
  size_t index = 0;
  return ForEachLeaf(data, &index, fn);
}

Status ReadNumber(element e, const Tensor& t, size_t i, double* value) {
  switch (e.type()) {
    case element_type::INT64: *value = static_cast<double>(e.get_int64().value_unsafe()); return Status::Ok();
    case element_type::UINT64: *value = static_cast<double>(e.get_uint64().value_unsafe()); return Status::Ok();
    case element_type::DOUBLE: *value = e.get_double().value_unsafe(); return Status::Ok();
    default: return ElementError(t, i, "a number");
  }
}

Status ReadFloats(element data, Tensor* tensor, uint8_t* out) {
  const DataType type = tensor->datatype();
  auto fn = [&](element e, size_t i) -> Status {
    double v = 0.0;
    RETURN_IF_ERROR(ReadNumber(e, *tensor, i, &v));
    if (type == DataType::kFp64) {
      std::memcpy(out + i * 8, &v, 8);
    } else {
      // Out-of-range doubles become infinities (a plain cast would be UB).
      const float f = std::fabs(v) > std::numeric_limits<float>::max()
                          ? (v > 0 ? std::numeric_limits<float>::infinity()
                                   : -std::numeric_limits<float>::infinity())
                          : static_cast<float>(v);
      if (type == DataType::kFp32) {
        std::memcpy(out + i * 4, &f, 4);
        return Status::Ok();
      }
      const uint16_t h = type == DataType::kFp16 ? FloatToHalf(f) : FloatToBf16(f);
      std::memcpy(out + i * 2, &h, 2);
    }
    return Status::Ok();
  };
  size_t index = 0;
  return ForEachLeaf(data, &index, fn);
}

Status ReadBools(element data, Tensor* tensor, uint8_t* out) {
  auto fn = [&](element e, size_t i) -> Status {
    if (e.type() != element_type::BOOL) return ElementError(*tensor, i, "true or false");
    out[i] = e.get_bool().value_unsafe() ? 1 : 0;
    return Status::Ok();
  };
  size_t index = 0;
  return ForEachLeaf(data, &index, fn);
}

Status ReadStrings(element data, Tensor* tensor) {
  std::vector<uint8_t> bytes;
  auto fn = [&](element e, size_t i) -> Status {
    std::string_view s;
    if (e.get(s)) return ElementError(*tensor, i, "a string");
    AppendBytesElement(&bytes, s);
    return Status::Ok();
  };
  size_t index = 0;
  RETURN_IF_ERROR(ForEachLeaf(data, &index, fn));
  tensor->SetOwned(std::move(bytes));
  return Status::Ok();
}

// Shortest text that reads back as the same value; JSON has no spelling for
// non-finite numbers, so those use the common NaN/Infinity extension.
template <typename F>
void WriteFloat(JsonWriter& writer, F value) {
  if (std::isnan(value)) {
    writer.RawValue("NaN", 3, rapidjson::kNumberType);
  } else if (std::isinf(value)) {
    if (value > 0) writer.RawValue("Infinity", 8, rapidjson::kNumberType);
    else writer.RawValue("-Infinity", 9, rapidjson::kNumberType);
  } else {
    char buf[40];
    auto res = std::to_chars(buf, buf + sizeof(buf), value);
    writer.RawValue(buf, static_cast<rapidjson::SizeType>(res.ptr - buf), rapidjson::kNumberType);
  }
}

}  // namespace

Status ReadTensorData(simdjson::dom::element data, Tensor* tensor) {
  const int64_t expected = tensor->element_count();
  if (expected < 0) {
    return InvalidArgumentError("input '" + tensor->name() + "': shape has a negative dimension or overflows");
  }
  const int64_t count = CountLeaves(data);
  if (count != expected) {
    return InvalidArgumentError("input '" + tensor->name() + "': data has " + std::to_string(count) +
                                " elements but shape needs " + std::to_string(expected));
  }
  const DataType type = tensor->datatype();
  if (type == DataType::kBytes) return ReadStrings(data, tensor);
  uint8_t* out = tensor->AllocateOwned(static_cast<size_t>(count) * DataTypeByteSize(type));
  switch (type) {
    case DataType::kBool: return ReadBools(data, tensor, out);
    case DataType::kUint8: return ReadIntegers<uint8_t>(data, tensor, out);
    case DataType::kUint16: return ReadIntegers<uint16_t>(data, tensor, out);
    case DataType::kUint32: return ReadIntegers<uint32_t>(data, tensor, out);
    case DataType::kUint64: return ReadIntegers<uint64_t>(data, tensor, out);
    case DataType::kInt8: return ReadIntegers<int8_t>(data, tensor, out);
    case DataType::kInt16: return ReadIntegers<int16_t>(data, tensor, out);
    case DataType::kInt32: return ReadIntegers<int32_t>(data, tensor, out);
    case DataType::kInt64: return ReadIntegers<int64_t>(data, tensor, out);
    case DataType::kFp16:
    case DataType::kBf16:
    case DataType::kFp32:
    case DataType::kFp64: return ReadFloats(data, tensor, out);
    default: return InvalidArgumentError("input '" + tensor->name() + "': unsupported datatype");
  }
}

double ElementAsDouble(const Tensor& t, size_t i) {
  switch (t.datatype()) {
    case DataType::kBool: return t.ReadElement<uint8_t>(i) ? 1.0 : 0.0;
    case DataType::kUint8: return t.ReadElement<uint8_t>(i);
    case DataType::kUint16: return t.ReadElement<uint16_t>(i);
    case DataType::kUint32: return t.ReadElement<uint32_t>(i);
    case DataType::kUint64: return static_cast<double>(t.ReadElement<uint64_t>(i));
    case DataType::kInt8: return t.ReadElement<int8_t>(i);
    case DataType::kInt16: return t.ReadElement<int16_t>(i);
    case DataType::kInt32: return t.ReadElement<int32_t>(i);
    case DataType::kInt64: return static_cast<double>(t.ReadElement<int64_t>(i));
    case DataType::kFp16: return HalfToFloat(t.ReadElement<uint16_t>(i));
    case DataType::kBf16: return Bf16ToFloat(t.ReadElement<uint16_t>(i));
    case DataType::kFp32: return t.ReadElement<float>(i);
    case DataType::kFp64: return t.ReadElement<double>(i);
    default: return 0.0;
  }
}

Status WriteTensorData(JsonWriter& writer, const Tensor& t) {
  RETURN_IF_ERROR(t.Validate());
  const size_t n = static_cast<size_t>(t.element_count());
  writer.StartArray();
  switch (t.datatype()) {
    case DataType::kBool: for (size_t i = 0; i < n; ++i) writer.Bool(t.ReadElement<uint8_t>(i) != 0); break;
    case DataType::kUint8: for (size_t i = 0; i < n; ++i) writer.Uint(t.ReadElement<uint8_t>(i)); break;
    case DataType::kUint16: for (size_t i = 0; i < n; ++i) writer.Uint(t.ReadElement<uint16_t>(i)); break;
    case DataType::kUint32: for (size_t i = 0; i < n; ++i) writer.Uint(t.ReadElement<uint32_t>(i)); break;
    case DataType::kUint64: for (size_t i = 0; i < n; ++i) writer.Uint64(t.ReadElement<uint64_t>(i)); break;
    case DataType::kInt8: for (size_t i = 0; i < n; ++i) writer.Int(t.ReadElement<int8_t>(i)); break;
    case DataType::kInt16: for (size_t i = 0; i < n; ++i) writer.Int(t.ReadElement<int16_t>(i)); break;
    case DataType::kInt32: for (size_t i = 0; i < n; ++i) writer.Int(t.ReadElement<int32_t>(i)); break;
    case DataType::kInt64: for (size_t i = 0; i < n; ++i) writer.Int64(t.ReadElement<int64_t>(i)); break;
    case DataType::kFp16: for (size_t i = 0; i < n; ++i) WriteFloat(writer, HalfToFloat(t.ReadElement<uint16_t>(i))); break;
    case DataType::kBf16: for (size_t i = 0; i < n; ++i) WriteFloat(writer, Bf16ToFloat(t.ReadElement<uint16_t>(i))); break;
    case DataType::kFp32: for (size_t i = 0; i < n; ++i) WriteFloat(writer, t.ReadElement<float>(i)); break;
    case DataType::kFp64: for (size_t i = 0; i < n; ++i) WriteFloat(writer, t.ReadElement<double>(i)); break;
    case DataType::kBytes:
      RETURN_IF_ERROR(ForEachBytesElement(t.bytes(), [&](std::string_view s) { WriteString(writer, s); }));
      break;
    default: return InvalidArgumentError("output '" + t.name() + "' has an invalid datatype");
  }
  writer.EndArray();
  return Status::Ok();
}

}  // namespace strato::http
