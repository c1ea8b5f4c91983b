// BatcherConfig: the scheduling fields of a ModelConfig, validated once and
// resolved into plain values (per-level queue policies, nanoseconds, sorted
// preferred sizes) so the request path never touches the protobuf.
//
// Thread-safety: an immutable value after ResolveBatcherConfig returns; share
// it freely between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model_config.pb.h"
#include "output_check.h"
#include "strato/core/status.h"

namespace strato {

// One priority level's queue policy (Triton's ModelQueuePolicy).
struct QueuePolicy {
  uint64_t default_timeout_us = 0;  // 0: requests never time out by default
  bool allow_timeout_override = false;
  bool delay_on_timeout = false;    // DELAY; false means REJECT
  uint32_t max_queue_size = 0;      // 0: unbounded
};

struct BatcherConfig {
  std::string model_name;
  // False without dynamic_batching: every request runs alone, at once.
  bool dynamic = false;
  // 0: the model does not batch; each request is one batch of one.
  int64_t max_batch_size = 0;
  std::vector<int64_t> preferred_batch_sizes;  // ascending, unique, each <= max
  uint64_t max_queue_delay_ns = 0;
  // 0: priorities disabled (one level; request priorities are ignored).
  uint64_t priority_levels = 0;
  uint64_t default_priority_level = 1;  // 1-based level used for priority 0
  // One per level, index 0 = level 1 (highest). Size max(priority_levels, 1).
  std::vector<QueuePolicy> level_policies;
  // Inputs with allow_ragged_batch: their shapes never keep requests apart.
  std::vector<std::string> ragged_inputs;
  // Answers are checked against the config's outputs (null: not checked).
  std::shared_ptr<const OutputCheck> output_check;

  bool IsPreferred(int64_t rows) const;
  bool IsRagged(const std::string& input_name) const;
};

// Validates and resolves `config`. INVALID_ARGUMENT when max_batch_size is
// negative, a preferred size is not in [1, max_batch_size] (when batching),
// default_priority_level is outside [1, priority_levels] while priorities are
// enabled, or a priority_queue_policy key is outside [1, priority_levels].
StatusOr<BatcherConfig> ResolveBatcherConfig(const inference::ModelConfig& config);

// The queue deadline (NowNs() scale) of a request queued at `queue_start_ns`
// with per-request timeout `request_timeout_us` (0: none) under `policy`, or
// 0 for no deadline. The request may only lower the default timeout, and
// only when the policy allows overrides; a default of 0 counts as infinite.
uint64_t QueueDeadlineNs(const QueuePolicy& policy, uint64_t queue_start_ns,
                         uint64_t request_timeout_us);

}  // namespace strato
