// Triton's binary tensor data extension, request side and response side.
//
// Request: the Inference-Header-Content-Length header gives the length N of
// the JSON part; the body is N bytes of JSON followed by the raw data of
// every input whose parameters carry binary_data_size, in the order the
// inputs appear. Response: binary outputs are appended after the JSON in
// output order, each output saying its size in parameters.binary_data_size,
// and the header tells the JSON length.
//
// Thread-safety: free functions and a single-threaded value class.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "strato/core/status.h"

namespace strato::http {

inline constexpr std::string_view kHeaderLengthHeader = "Inference-Header-Content-Length";

struct InferenceBodyParts {
  std::string_view json;
  std::span<const uint8_t> binary;  // empty when the header is absent
};

// Splits `body` by the header value `header_length` (empty: no header, the
// whole body is JSON). INVALID_ARGUMENT when the value is not a decimal
// number or exceeds the body size, naming the header and both sizes.
StatusOr<InferenceBodyParts> SplitInferenceBody(std::string_view body,
                                                std::string_view header_length);

// Hands out consecutive slices of the binary part to inputs in order.
class BinaryInputSlicer {
 public:
  explicit BinaryInputSlicer(std::span<const uint8_t> binary) : binary_(binary) {}

  // The next `size` bytes for input `input`. INVALID_ARGUMENT naming the
  // input when fewer than `size` bytes remain.
  StatusOr<std::span<const uint8_t>> Take(std::string_view input, uint64_t size);

  // Every byte must have been taken: INVALID_ARGUMENT with the sum of the
  // binary_data_size parameters and the binary part's size otherwise.
  Status Finish() const;

 private:
  std::span<const uint8_t> binary_;
  uint64_t taken_ = 0;
};

}  // namespace strato::http
