// Reading, checking and converting model configurations (Triton's
// config.pbtxt, protobuf text format, and its JSON form).
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "model_config.pb.h"
#include "strato/core/status.h"

namespace strato {

// Parses protobuf text format. `source` names the file in errors, which read
// "<source>:<line>:<column>: <problem>" (e.g. an unknown field's name).
StatusOr<inference::ModelConfig> ParseModelConfigText(std::string_view text,
                                                      std::string_view source);
// Reads and parses a config.pbtxt file (NOT_FOUND when absent).
StatusOr<inference::ModelConfig> ReadModelConfigFile(const std::filesystem::path& path);

// Parses Triton's JSON form of a config (as sent to the load API), field
// names as in the .proto. INVALID_ARGUMENT naming the problem.
StatusOr<inference::ModelConfig> ParseModelConfigJson(std::string_view json);
// The JSON form, with Triton's field names, every field printed.
std::string ModelConfigToJson(const inference::ModelConfig& config);

// Semantic checks after auto-completion: a backend or platform, unique
// input/output names, known datatypes, dims >= -1 and not empty unless
// max_batch_size > 0, max_batch_size >= 0, preferred batch sizes within
// max_batch_size, dynamic_batching only when max_batch_size > 0, priority
// levels consistent, instance counts >= 0, version policy sane.
// INVALID_ARGUMENT "<source>: field <name>: <problem>".
Status ValidateModelConfig(const inference::ModelConfig& config, std::string_view source);

}  // namespace strato
