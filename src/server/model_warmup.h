// Model warmup (Triton's model_warmup): before a version is marked ready, each
// configured sample is built (zero_data, random_data, or input_data_file read
// from <model_dir>/warmup/<file>) and sent `count` times (0 means once)
// through the version's scheduler, one at a time, waiting for each response.
//
// Thread-safety: RunWarmup blocks the calling thread (a loader thread, never a
// request thread) until every sample has answered or failed.
#pragma once

#include <chrono>
#include <filesystem>

#include "model_config.pb.h"
#include "strato/core/status.h"
#include "strato/scheduler/scheduler.h"

namespace strato {

// Returns OK when every warmup request succeeded (trivially when the config
// has no model_warmup). Errors: INVALID_ARGUMENT for a sample that cannot be
// built (unreadable or too short data file), or the first failing response's
// status, prefixed with "warmup '<sample name>'"; DEADLINE_EXCEEDED when a
// response does not come within `timeout`.
Status RunWarmup(const inference::ModelConfig& config, const std::filesystem::path& model_dir,
                 int64_t version, Scheduler* scheduler,
                 std::chrono::milliseconds timeout = std::chrono::minutes(5));

}  // namespace strato
