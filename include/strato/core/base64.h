// Base64 (RFC 4648) for JSON bodies that carry binary: model files in the
// repository load and registry push APIs, embeddings in OpenAI's "base64"
// encoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace strato {

// Standard alphabet with '=' padding.
std::string EncodeBase64(std::string_view in);

// Decodes the standard or URL-safe alphabet, padding optional; nullopt when
// the text has a character outside the alphabet or a dangling final
// character.
std::optional<std::string> DecodeBase64(std::string_view in);

}  // namespace strato
