#include "binary_extension.h"

#include <charconv>
#include <string>

namespace strato::http {

StatusOr<InferenceBodyParts> SplitInferenceBody(std::string_view body,
                                                std::string_view header_length) {
  InferenceBodyParts parts;
  if (header_length.empty()) {
    parts.json = body;
    return parts;
  }
  // Header values may carry optional whitespace around them (RFC 9110).
  while (!header_length.empty() && (header_length.front() == ' ' || header_length.front() == '\t')) {
    header_length.remove_prefix(1);
  }
  while (!header_length.empty() && (header_length.back() == ' ' || header_length.back() == '\t')) {
    header_length.remove_suffix(1);
  }
  uint64_t length = 0;
  const char* end = header_length.data() + header_length.size();
  auto [ptr, ec] = std::from_chars(header_length.data(), end, length);
  if (header_length.empty() || ec != std::errc() || ptr != end) {
    return InvalidArgumentError(std::string(kHeaderLengthHeader) + " '" +
                                std::string(header_length) + "' is not a decimal byte count");
  }
  if (length > body.size()) {
    return InvalidArgumentError(std::string(kHeaderLengthHeader) + " is " +
                                std::to_string(length) + " but the body has only " +
                                std::to_string(body.size()) + " bytes");
  }
  parts.json = body.substr(0, length);
  parts.binary = {reinterpret_cast<const uint8_t*>(body.data()) + length, body.size() - length};
  return parts;
}

StatusOr<std::span<const uint8_t>> BinaryInputSlicer::Take(std::string_view input,
                                                           uint64_t size) {
  const uint64_t left = binary_.size() - taken_;
  if (size > left) {
    return InvalidArgumentError("input '" + std::string(input) + "': parameters.binary_data_size " +
                                std::to_string(size) + " exceeds the " + std::to_string(left) +
                                " bytes of binary data left after the JSON header");
  }
  auto slice = binary_.subspan(taken_, size);
  taken_ += size;
  return slice;
}

Status BinaryInputSlicer::Finish() const {
  if (taken_ != binary_.size()) {
    return InvalidArgumentError("the inputs' binary_data_size parameters add up to " +
                                std::to_string(taken_) + " bytes but " +
                                std::to_string(binary_.size()) +
                                " bytes of binary data follow the JSON header");
  }
  return Status::Ok();
}

}  // namespace strato::http
