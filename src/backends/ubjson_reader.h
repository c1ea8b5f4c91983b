// Reads Universal Binary JSON (ubjson.org, draft 12) the way XGBoost 1.7
// writes its .ubj models into a rapidjson document, so that one checker
// (xgboost_model_check.cc) serves both model formats.
//
// Hostile input is expected: nesting is limited, a container's declared
// element count must fit in the bytes that remain before anything is
// reserved, and typed containers of zero-byte elements are refused.
//
// Thread-safety: free function, reentrant.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <span>

#include "strato/core/status.h"

namespace strato {

inline constexpr int kMaxUbjsonDepth = 64;

// INVALID_ARGUMENT "<byte offset>: <problem>" when `bytes` is not one
// complete UBJSON value (trailing bytes are refused too).
Status ParseUbjson(std::span<const uint8_t> bytes, rapidjson::Document* out);

}  // namespace strato
