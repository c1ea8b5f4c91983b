// The sizing limits of ValidateModelConfig (see ModelConfigLimits): every
// number that decides how many threads, queue entries or bytes a model
// takes is checked here, before the model manager or a backend allocates.
#include <charconv>
#include <mutex>
#include <string>

#include "model_config_checks.h"
#include "strato/config/model_config.h"
#include "strato/core/safe_path.h"

namespace strato {
namespace {

std::mutex limits_mu;
ModelConfigLimits limits;

Status OverLimit(std::string_view source, const std::string& field, int64_t value, int64_t max,
                 const char* flag) {
  return InvalidArgumentError(std::string(source) + ": field " + field + ": " +
                              std::to_string(value) + " exceeds the server limit " +
                              std::to_string(max) + " (" + flag + ")");
}

// An integer parameter, or nullopt when absent. Garbage is an error rather
// than a silent default.
StatusOr<std::optional<int64_t>> IntParameter(const inference::ModelConfig& config,
                                              const std::string& key, std::string_view source) {
  auto it = config.parameters().find(key);
  if (it == config.parameters().end()) return std::optional<int64_t>();
  const std::string& text = it->second.string_value();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return InvalidArgumentError(std::string(source) + ": field parameters[" + key +
                                "]: expected an integer >= 0, got '" + text.substr(0, 40) + "'");
  }
  return std::optional<int64_t>(value);
}

Status CheckQueuePolicy(const inference::ModelQueuePolicy& policy, const std::string& field,
                        std::string_view source, const ModelConfigLimits& l) {
  if (policy.max_queue_size() > l.max_queue_size) {
    return OverLimit(source, field + ".max_queue_size", policy.max_queue_size(), l.max_queue_size,
                     "--max-queue-size");
  }
  if (policy.default_timeout_microseconds() > static_cast<uint64_t>(l.max_delay_us)) {
    return OverLimit(
        source, field + ".default_timeout_microseconds",
        static_cast<int64_t>(std::min<uint64_t>(policy.default_timeout_microseconds(), INT64_MAX)),
        l.max_delay_us, "--max-queue-delay-us");
  }
  return Status::Ok();
}

}  // namespace

void SetModelConfigLimits(const ModelConfigLimits& next) {
  std::lock_guard<std::mutex> lock(limits_mu);
  limits = next;
}

ModelConfigLimits GetModelConfigLimits() {
  std::lock_guard<std::mutex> lock(limits_mu);
  return limits;
}

Status CheckConfigLimits(const inference::ModelConfig& config, std::string_view source) {
  const ModelConfigLimits l = GetModelConfigLimits();
  int64_t instances = 0;
  for (int i = 0; i < config.instance_group_size(); ++i) {
    instances += std::max<int64_t>(1, config.instance_group(i).count());
  }
  if (instances > l.max_instances) {
    return OverLimit(source, "instance_group.count (sum)", instances, l.max_instances,
                     "--max-model-instances");
  }
  if (config.max_batch_size() > l.max_batch_size) {
    return OverLimit(source, "max_batch_size", config.max_batch_size(), l.max_batch_size,
                     "--max-batch-size");
  }
  if (config.has_dynamic_batching()) {
    const auto& db = config.dynamic_batching();
    if (db.priority_levels() > static_cast<uint64_t>(l.max_priority_levels)) {
      return OverLimit(source, "dynamic_batching.priority_levels",
                       static_cast<int64_t>(std::min<uint64_t>(db.priority_levels(), INT64_MAX)),
                       l.max_priority_levels, "--max-priority-levels");
    }
    if (db.max_queue_delay_microseconds() > static_cast<uint64_t>(l.max_delay_us)) {
      return OverLimit(
          source, "dynamic_batching.max_queue_delay_microseconds",
          static_cast<int64_t>(std::min<uint64_t>(db.max_queue_delay_microseconds(), INT64_MAX)),
          l.max_delay_us, "--max-queue-delay-us");
    }
    RETURN_IF_ERROR(CheckQueuePolicy(db.default_queue_policy(),
                                     "dynamic_batching.default_queue_policy", source, l));
    for (const auto& [level, policy] : db.priority_queue_policy()) {
      RETURN_IF_ERROR(CheckQueuePolicy(
          policy, "dynamic_batching.priority_queue_policy[" + std::to_string(level) + "]", source,
          l));
    }
  }
  for (int i = 0; i < config.model_warmup_size(); ++i) {
    const auto& w = config.model_warmup(i);
    const std::string field = "model_warmup[" + std::to_string(i) + "]";
    if (w.count() > l.max_warmup_count) {
      return OverLimit(source, field + ".count", w.count(), l.max_warmup_count,
                       "--max-warmup-count");
    }
    if (w.batch_size() > l.max_batch_size) {
      return OverLimit(source, field + ".batch_size", w.batch_size(), l.max_batch_size,
                       "--max-batch-size");
    }
    for (const auto& [name, input] : w.inputs()) {
      const std::string in_field = field + ".inputs[" + name.substr(0, 64) + "]";
      // Overflow-safe product: stop as soon as it passes the limit.
      int64_t elements = std::max<int64_t>(1, w.batch_size());
      for (int64_t d : input.dims()) {
        if (d > 0 && elements > l.max_warmup_elements / d) {
          elements = l.max_warmup_elements + 1;
          break;
        }
        elements *= std::max<int64_t>(d, 0);
      }
      if (elements > l.max_warmup_elements) {
        return InvalidArgumentError(std::string(source) + ": field " + in_field +
                                    ".dims: more than " + std::to_string(l.max_warmup_elements) +
                                    " elements exceed the server limit (--max-warmup-elements)");
      }
      if (input.has_input_data_file()) {
        RETURN_IF_ERROR(
            CheckRelativePath(input.input_data_file(),
                              std::string(source) + ": field " + in_field + ".input_data_file"));
      }
    }
  }
  for (const char* key : {"nthread", "threads"}) {
    ASSIGN_OR_RETURN(auto threads, IntParameter(config, key, source));
    if (threads && *threads > l.max_threads) {
      return OverLimit(source, std::string("parameters[") + key + "]", *threads, l.max_threads,
                       "--max-model-threads");
    }
  }
  ASSIGN_OR_RETURN(auto parallel, IntParameter(config, "parallel", source));
  if (parallel && (*parallel < 1 || *parallel > l.max_slots)) {
    if (*parallel < 1) {
      return InvalidArgumentError(std::string(source) +
                                  ": field parameters[parallel]: must be >= 1");
    }
    return OverLimit(source, "parameters[parallel]", *parallel, l.max_slots, "--max-llm-slots");
  }
  ASSIGN_OR_RETURN(auto context, IntParameter(config, "context_length", source));
  if (context) {
    // Both are at most 2^31 here (from_chars into int64 then the slot cap),
    // so the product cannot overflow.
    const int64_t slots = parallel.value_or(8);
    if (*context > l.max_context_tokens || *context * slots > l.max_context_tokens) {
      return InvalidArgumentError(
          std::string(source) + ": field parameters[context_length]: " + std::to_string(*context) +
          " tokens x " + std::to_string(slots) + " slots exceeds the server limit " +
          std::to_string(l.max_context_tokens) + " tokens (--max-context-tokens)");
    }
  }
  ASSIGN_OR_RETURN(auto batch, IntParameter(config, "batch_size", source));
  if (batch && *batch > l.max_context_tokens) {
    return OverLimit(source, "parameters[batch_size]", *batch, l.max_context_tokens,
                     "--max-context-tokens");
  }
  ASSIGN_OR_RETURN(auto max_tokens, IntParameter(config, "max_tokens", source));
  if (max_tokens && *max_tokens > l.max_context_tokens) {
    return OverLimit(source, "parameters[max_tokens]", *max_tokens, l.max_context_tokens,
                     "--max-context-tokens");
  }
  ASSIGN_OR_RETURN(auto embedding, IntParameter(config, "max_embedding_tokens", source));
  if (embedding && *embedding > l.max_context_tokens) {
    return OverLimit(source, "parameters[max_embedding_tokens]", *embedding, l.max_context_tokens,
                     "--max-context-tokens");
  }
  ASSIGN_OR_RETURN(auto waiting, IntParameter(config, "max_waiting", source));
  if (waiting && *waiting > l.max_queue_size) {
    return OverLimit(source, "parameters[max_waiting]", *waiting, l.max_queue_size,
                     "--max-queue-size");
  }
  return Status::Ok();
}

}  // namespace strato
