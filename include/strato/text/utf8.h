// UTF-8 decoding and encoding (RFC 3629).
//
// Decoding is strict: overlong forms, surrogates (U+D800..U+DFFF), code
// points above U+10FFFF and truncated sequences are errors that name the
// byte offset, because text that reaches a model must mean the same thing
// at training and at serving time; silently replacing bytes would not.
#pragma once

#include <string>
#include <string_view>

#include "strato/core/status.h"

namespace strato::text {

// Decodes `bytes` into code points. INVALID_ARGUMENT names the first bad
// byte's offset.
StatusOr<std::u32string> DecodeUtf8(std::string_view bytes);

// Whether `bytes` is valid UTF-8 (same rules as DecodeUtf8).
bool IsValidUtf8(std::string_view bytes);

// Appends the UTF-8 form of `cp` (must be a scalar value) to `out`.
void AppendUtf8(char32_t cp, std::string* out);

// Encodes code points as UTF-8.
std::string EncodeUtf8(std::u32string_view cps);

}  // namespace strato::text
