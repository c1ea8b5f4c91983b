#include "strato/core/tensor.h"

#include <bit>
#include <cmath>

namespace strato {

Tensor::Tensor(const Tensor& other) { *this = other; }

Tensor& Tensor::operator=(const Tensor& other) {
  if (this == &other) return *this;
  name_ = other.name_;
  datatype_ = other.datatype_;
  shape_ = other.shape_;
  keepalive_ = other.keepalive_;
  const bool owned = !other.owned_.empty() && other.data_ == other.owned_.data();
  owned_ = owned ? other.owned_ : std::vector<uint8_t>();
  data_ = owned ? owned_.data() : other.data_;
  size_ = other.size_;
  return *this;
}

Tensor::Tensor(Tensor&& other) noexcept { *this = std::move(other); }

Tensor& Tensor::operator=(Tensor&& other) noexcept {
  if (this == &other) return *this;
  name_ = std::move(other.name_);
  datatype_ = other.datatype_;
  shape_ = std::move(other.shape_);
  keepalive_ = std::move(other.keepalive_);
  const bool owned = !other.owned_.empty() && other.data_ == other.owned_.data();
  owned_ = std::move(other.owned_);
  data_ = owned ? owned_.data() : other.data_;
  size_ = other.size_;
  other.data_ = nullptr;
  other.size_ = 0;
  other.owned_.clear();
  return *this;
}

void Tensor::SetView(const uint8_t* data, size_t size, std::shared_ptr<const void> keepalive) {
  owned_.clear();
  data_ = data;
  size_ = size;
  keepalive_ = std::move(keepalive);
}

void Tensor::SetOwned(std::vector<uint8_t> bytes) {
  keepalive_.reset();
  owned_ = std::move(bytes);
  data_ = owned_.data();
  size_ = owned_.size();
}

uint8_t* Tensor::AllocateOwned(size_t size) {
  keepalive_.reset();
  owned_.resize(size);
  data_ = owned_.data();
  size_ = size;
  return owned_.data();
}

Status Tensor::Validate() const {
  const int64_t count = element_count();
  if (count < 0) {
    return InvalidArgumentError("tensor '" + name_ + "' has a negative or overflowing shape");
  }
  if (datatype_ == DataType::kInvalid) {
    return InvalidArgumentError("tensor '" + name_ + "' has an invalid datatype");
  }
  if (datatype_ == DataType::kBytes) {
    ASSIGN_OR_RETURN(int64_t n, CountBytesElements(bytes()));
    if (n != count) {
      return InvalidArgumentError("tensor '" + name_ + "' has " + std::to_string(n) +
                                  " BYTES elements but its shape needs " + std::to_string(count));
    }
    return Status::Ok();
  }
  const uint64_t expected = static_cast<uint64_t>(count) * DataTypeByteSize(datatype_);
  if (expected != size_) {
    return InvalidArgumentError("tensor '" + name_ + "' has " + std::to_string(size_) +
                                " bytes of data but datatype " + std::string(DataTypeName(datatype_)) +
                                " and its shape need " + std::to_string(expected));
  }
  return Status::Ok();
}

Status ForEachBytesElement(std::span<const uint8_t> buffer,
                           const std::function<void(std::string_view)>& fn) {
  size_t pos = 0;
  while (pos < buffer.size()) {
    if (buffer.size() - pos < 4) {
      return InvalidArgumentError("BYTES element length prefix truncated at offset " +
                                  std::to_string(pos));
    }
    uint32_t len;
    std::memcpy(&len, buffer.data() + pos, 4);
    if constexpr (std::endian::native == std::endian::big) len = __builtin_bswap32(len);
    pos += 4;
    if (len > buffer.size() - pos) {
      return InvalidArgumentError("BYTES element at offset " + std::to_string(pos - 4) +
                                  " claims " + std::to_string(len) + " bytes but only " +
                                  std::to_string(buffer.size() - pos) + " remain");
    }
    fn(std::string_view(reinterpret_cast<const char*>(buffer.data() + pos), len));
    pos += len;
  }
  return Status::Ok();
}

StatusOr<int64_t> CountBytesElements(std::span<const uint8_t> buffer) {
  int64_t n = 0;
  RETURN_IF_ERROR(ForEachBytesElement(buffer, [&](std::string_view) { ++n; }));
  return n;
}

void AppendBytesElement(std::vector<uint8_t>* buffer, std::string_view element) {
  const uint32_t len = static_cast<uint32_t>(element.size());
  const size_t at = buffer->size();
  buffer->resize(at + 4 + element.size());
  std::memcpy(buffer->data() + at, &len, 4);
  if (!element.empty()) std::memcpy(buffer->data() + at + 4, element.data(), element.size());
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1;
  const uint32_t exp = (h >> 10) & 0x1f;
  const uint32_t mant = h & 0x3ff;
  float value;
  if (exp == 0) {
    value = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    value = mant ? std::nanf("") : INFINITY;
  } else {
    value = std::ldexp(static_cast<float>(mant | 0x400), static_cast<int>(exp) - 25);
  }
  return sign ? -value : value;
}

uint16_t FloatToHalf(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  if (std::isnan(f)) return sign | 0x7e00;
  const float a = std::fabs(f);
  if (a >= 65520.0f) return sign | 0x7c00;  // rounds to infinity
  if (a < std::ldexp(1.0f, -25)) return sign;
  int e;
  const float m = std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1)
  if (e < -13) {                      // subnormal half
    const auto mant = static_cast<uint16_t>(std::nearbyint(std::ldexp(a, 24)));
    return sign | mant;
  }
  auto mant = static_cast<uint32_t>(std::nearbyint(std::ldexp(m, 11)));  // 11 bits incl. hidden
  int exp = e + 14;
  if (mant == 2048) {
    mant = 1024;
    ++exp;
  }
  if (exp >= 31) return sign | 0x7c00;
  return static_cast<uint16_t>(sign | (exp << 10) | (mant & 0x3ff));
}

float Bf16ToFloat(uint16_t b) { return std::bit_cast<float>(static_cast<uint32_t>(b) << 16); }

uint16_t FloatToBf16(float f) {
  uint32_t bits = std::bit_cast<uint32_t>(f);
  if (std::isnan(f)) return static_cast<uint16_t>((bits >> 16) | 0x40);
  bits += 0x7fff + ((bits >> 16) & 1);  // round to nearest even
  return static_cast<uint16_t>(bits >> 16);
}

}  // namespace strato
