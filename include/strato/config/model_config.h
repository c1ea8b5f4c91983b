// Reading, checking and converting model configurations (Triton's
// config.pbtxt, protobuf text format, and its JSON form).
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <cstdint>
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

// Server-wide ceilings on every number in a config that sizes threads,
// queues or memory. A config arrives from anyone who may call the load API,
// so each is checked before anything is allocated. `strato serve` sets them
// from its --max-* flags; the defaults suit one host.
struct ModelConfigLimits {
  int64_t max_instances = 64;            // sum of instance_group counts of one model
  int64_t max_batch_size = 1 << 16;      // max_batch_size, preferred and warmup batch sizes
  int64_t max_queue_size = 1 << 20;      // queue policies' max_queue_size, llamacpp max_waiting
  int64_t max_priority_levels = 64;      // dynamic_batching.priority_levels
  int64_t max_delay_us = 60'000'000;     // queue delay and default timeouts
  int64_t max_threads = 256;             // nthread / threads parameters
  int64_t max_context_tokens = 1 << 18;  // llamacpp context_length x parallel
  int64_t max_slots = 256;               // llamacpp parallel
  int64_t max_warmup_elements = 1 << 24; // elements of one warmup input (batch x dims)
  int64_t max_warmup_count = 1000;       // model_warmup[i].count
};
// Process-wide: set once at start, before any model loads.
void SetModelConfigLimits(const ModelConfigLimits& limits);
ModelConfigLimits GetModelConfigLimits();

// Semantic checks after auto-completion: a backend or platform, unique
// input/output names, known datatypes, dims >= -1 and not empty unless
// max_batch_size > 0, max_batch_size >= 0, preferred batch sizes within
// max_batch_size, dynamic_batching only when max_batch_size > 0, priority
// levels consistent, instance counts >= 0, version policy sane, every
// sizing number (and the integer parameters nthread, threads, parallel,
// context_length, batch_size, max_waiting, max_tokens) within
// GetModelConfigLimits(), warmup data files inside the model folder.
// INVALID_ARGUMENT "<source>: field <name>: <problem>".
Status ValidateModelConfig(const inference::ModelConfig& config, std::string_view source);

}  // namespace strato
