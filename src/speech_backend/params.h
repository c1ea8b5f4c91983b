// Readers for request parameters and config parameters shared by the speech
// backends. Every failure names the parameter.
//
// Thread-safety: free functions over values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "strato/backend/backend.h"

namespace strato::speech {

// Request parameters: the frontends send ints as int64 and floats as double;
// either numeric form is accepted, anything else is an error.
StatusOr<std::optional<double>> RequestNumber(const Parameters& p, std::string_view key);
StatusOr<std::optional<std::string>> RequestString(const Parameters& p, std::string_view key);

// Config parameters (string values).
StatusOr<double> ConfigNumber(const inference::ModelConfig& config, std::string_view key,
                              double fallback);
StatusOr<bool> ConfigBool(const inference::ModelConfig& config, std::string_view key,
                          bool fallback);

// The single BYTES element of `tensor` (shape [1]).
StatusOr<std::string_view> SingleBytes(const Tensor& tensor);

// A BYTES [1] tensor holding `value`.
Tensor BytesTensor(std::string_view name, std::string_view value);

}  // namespace strato::speech
