// Internal pieces of ValidateModelConfig that live in their own files.
#pragma once

#include <string_view>

#include "model_config.pb.h"
#include "strato/core/status.h"

namespace strato {

// The ModelConfigLimits checks (model_config_limits.cc).
Status CheckConfigLimits(const inference::ModelConfig& config, std::string_view source);

}  // namespace strato
