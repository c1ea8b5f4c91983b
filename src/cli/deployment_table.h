// Readable output of `strato model` for people: the deployment status as a
// table (from the management API's JSON) and timestamps as UTC dates.
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <cstdint>
#include <string>

#include "strato/core/status.h"

namespace strato::cli {

// "2026-12-03 08:00:00 UTC" for unix seconds (0 or less: "-").
std::string FormatUnixTime(int64_t unix_seconds);

// The GET /v1/deployments/{m} answer as a table; INVALID_ARGUMENT when the
// body is not such an answer.
StatusOr<std::string> FormatDeploymentStatus(const std::string& json);

// The message of an {"error": "..."} body, or the body itself.
std::string ErrorMessage(const std::string& body);

// Who runs the command: $USER, else the OS account name, else "unknown".
std::string CurrentUser();

}  // namespace strato::cli
