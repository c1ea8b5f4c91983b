// Tensor: a named, typed, shaped block of bytes.
//
// A tensor either views bytes that live elsewhere (the received HTTP body or
// gRPC message: no copy on the request path), kept alive by a shared
// `keepalive` handle, or owns its bytes (outputs made by a backend).
//
// Viewed bytes may be unaligned (they sit at arbitrary offsets of a network
// buffer): read elements with ReadElement() / CopyElements(), never by
// reinterpret_cast of data().
//
// BYTES tensors hold their elements in Triton's serialised form: for each
// element a 4-byte little-endian length, then that many bytes.
//
// Thread-safety: a const Tensor may be read from several threads.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/datatype.h"
#include "strato/core/status.h"

namespace strato {

class Tensor {
 public:
  Tensor() = default;
  Tensor(std::string name, DataType datatype, std::vector<int64_t> shape)
      : name_(std::move(name)), datatype_(datatype), shape_(std::move(shape)) {}

  // Copies own a copy of owned bytes and share the keepalive of viewed ones;
  // moves keep viewed/owned bytes where they are (a moved vector keeps its
  // buffer), so data() stays valid in both cases.
  Tensor(const Tensor& other);
  Tensor& operator=(const Tensor& other);
  Tensor(Tensor&& other) noexcept;
  Tensor& operator=(Tensor&& other) noexcept;
  ~Tensor() = default;

  const std::string& name() const { return name_; }
  DataType datatype() const { return datatype_; }
  const std::vector<int64_t>& shape() const { return shape_; }
  void set_name(std::string name) { name_ = std::move(name); }
  void set_shape(std::vector<int64_t> shape) { shape_ = std::move(shape); }

  // Views `size` bytes at `data`; `keepalive` (may be null when the caller
  // guarantees the lifetime) is held as long as this tensor lives.
  void SetView(const uint8_t* data, size_t size, std::shared_ptr<const void> keepalive);
  // Takes ownership of `bytes`.
  void SetOwned(std::vector<uint8_t> bytes);
  // Resizes the owned buffer to `size` bytes and returns it for writing.
  uint8_t* AllocateOwned(size_t size);

  const uint8_t* data() const { return data_; }
  size_t byte_size() const { return size_; }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }

  // Element count from the shape (-1 if a dimension is negative).
  int64_t element_count() const { return ElementCount(shape_); }

  // Checks that the byte size agrees with datatype and shape; for BYTES that
  // every length prefix stays inside the buffer and the element count matches.
  Status Validate() const;

  template <typename T>
  T ReadElement(size_t index) const {
    T value;
    std::memcpy(&value, data_ + index * sizeof(T), sizeof(T));
    return value;
  }

 private:
  std::string name_;
  DataType datatype_ = DataType::kInvalid;
  std::vector<int64_t> shape_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::vector<uint8_t> owned_;
  std::shared_ptr<const void> keepalive_;
};

// Calls `fn` for each element of a serialised BYTES buffer. Fails with
// INVALID_ARGUMENT if a length prefix runs past the end of the buffer.
Status ForEachBytesElement(std::span<const uint8_t> buffer,
                           const std::function<void(std::string_view)>& fn);
// Counts the elements of a serialised BYTES buffer (INVALID_ARGUMENT as above).
StatusOr<int64_t> CountBytesElements(std::span<const uint8_t> buffer);
// Appends one element in serialised form.
void AppendBytesElement(std::vector<uint8_t>* buffer, std::string_view element);

// Half-precision conversions used by JSON codecs (FP16 is IEEE binary16,
// BF16 the upper half of a binary32).
float HalfToFloat(uint16_t h);
uint16_t FloatToHalf(float f);
float Bf16ToFloat(uint16_t b);
uint16_t FloatToBf16(float f);

}  // namespace strato
