#include "batch_config.h"

#include <algorithm>
#include <limits>

namespace strato {
namespace {

QueuePolicy FromProto(const inference::ModelQueuePolicy& p) {
  QueuePolicy out;
  out.default_timeout_us = p.default_timeout_microseconds();
  out.allow_timeout_override = p.allow_timeout_override();
  out.delay_on_timeout = p.timeout_action() == inference::ModelQueuePolicy::DELAY;
  out.max_queue_size = p.max_queue_size();
  return out;
}

// Saturating so that absurd configured timeouts mean "practically never"
// instead of wrapping into the past.
uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return b > std::numeric_limits<uint64_t>::max() - a ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

uint64_t UsToNs(uint64_t us) {
  return us > std::numeric_limits<uint64_t>::max() / 1000 ? std::numeric_limits<uint64_t>::max()
                                                          : us * 1000;
}

}  // namespace

bool BatcherConfig::IsPreferred(int64_t rows) const {
  return std::binary_search(preferred_batch_sizes.begin(), preferred_batch_sizes.end(), rows);
}

bool BatcherConfig::IsRagged(const std::string& input_name) const {
  return std::find(ragged_inputs.begin(), ragged_inputs.end(), input_name) != ragged_inputs.end();
}

StatusOr<BatcherConfig> ResolveBatcherConfig(const inference::ModelConfig& config) {
  BatcherConfig out;
  out.model_name = config.name();
  if (config.max_batch_size() < 0) {
    return InvalidArgumentError("model '" + config.name() + "': max_batch_size must be >= 0");
  }
  out.max_batch_size = config.max_batch_size();
  for (const auto& input : config.input()) {
    if (input.allow_ragged_batch()) out.ragged_inputs.push_back(input.name());
  }
  out.dynamic = config.has_dynamic_batching();
  if (!out.dynamic) {
    out.level_policies.resize(1);
    return out;
  }
  const auto& db = config.dynamic_batching();
  if (out.max_batch_size > 0) {
    for (int32_t size : db.preferred_batch_size()) {
      if (size < 1 || size > out.max_batch_size) {
        return InvalidArgumentError("model '" + config.name() + "': preferred_batch_size " +
                                    std::to_string(size) + " is outside [1, max_batch_size " +
                                    std::to_string(out.max_batch_size) + "]");
      }
      out.preferred_batch_sizes.push_back(size);
    }
    std::sort(out.preferred_batch_sizes.begin(), out.preferred_batch_sizes.end());
    out.preferred_batch_sizes.erase(
        std::unique(out.preferred_batch_sizes.begin(), out.preferred_batch_sizes.end()),
        out.preferred_batch_sizes.end());
  }
  out.max_queue_delay_ns = UsToNs(db.max_queue_delay_microseconds());
  out.priority_levels = db.priority_levels();
  const uint64_t levels = std::max<uint64_t>(out.priority_levels, 1);
  if (out.priority_levels > 0) {
    if (db.default_priority_level() < 1 || db.default_priority_level() > out.priority_levels) {
      return InvalidArgumentError("model '" + config.name() + "': default_priority_level " +
                                  std::to_string(db.default_priority_level()) +
                                  " is outside [1, priority_levels " +
                                  std::to_string(out.priority_levels) + "]");
    }
    out.default_priority_level = db.default_priority_level();
  }
  out.level_policies.assign(levels, FromProto(db.default_queue_policy()));
  for (const auto& [level, policy] : db.priority_queue_policy()) {
    if (level < 1 || level > out.priority_levels) {
      return InvalidArgumentError("model '" + config.name() + "': priority_queue_policy level " +
                                  std::to_string(level) + " is outside [1, priority_levels " +
                                  std::to_string(out.priority_levels) + "]");
    }
    out.level_policies[level - 1] = FromProto(policy);
  }
  return out;
}

uint64_t QueueDeadlineNs(const QueuePolicy& policy, uint64_t queue_start_ns,
                         uint64_t request_timeout_us) {
  uint64_t timeout_us = policy.default_timeout_us;
  if (policy.allow_timeout_override && request_timeout_us != 0 &&
      (timeout_us == 0 || request_timeout_us < timeout_us)) {
    timeout_us = request_timeout_us;
  }
  if (timeout_us == 0) return 0;
  return SaturatingAdd(queue_start_ns, UsToNs(timeout_us));
}

}  // namespace strato
