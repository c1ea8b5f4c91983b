// Model names that arrive from outside (a URL segment, a gRPC field, a CLI
// argument, a repository folder, a registry push) become folder names on
// disk, so every entry point checks them with this one function before the
// name reaches a path.
//
// A valid name has 1 to kMaxModelNameBytes bytes of [A-Za-z0-9_.-] and does
// not start with '.'. That excludes '/', '\', "..", NUL, control characters
// and every other byte that could change the meaning of a path.
#pragma once

#include <cstddef>
#include <string_view>

#include "strato/core/status.h"

namespace strato {

inline constexpr size_t kMaxModelNameBytes = 128;

// INVALID_ARGUMENT naming the problem (the name is shown escaped, at most
// 64 characters, so a hostile name cannot forge log lines).
Status ValidateModelName(std::string_view name);

}  // namespace strato
