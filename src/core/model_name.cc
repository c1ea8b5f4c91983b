#include "strato/core/model_name.h"

#include <string>

namespace strato {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

// The name as it may appear in an error message: printable ASCII kept,
// everything else written as \xHH, cut at 64 characters.
std::string Shown(std::string_view name) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : name.substr(0, 64)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\'' && c != '\\') {
      out += c;
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  if (name.size() > 64) out += "...";
  return out;
}

}  // namespace

Status ValidateModelName(std::string_view name) {
  if (name.empty()) return InvalidArgumentError("model name is empty");
  if (name.size() > kMaxModelNameBytes) {
    return InvalidArgumentError("model name '" + Shown(name) + "' is longer than " +
                                std::to_string(kMaxModelNameBytes) + " bytes");
  }
  if (name.front() == '.') {
    return InvalidArgumentError("model name '" + Shown(name) + "' may not start with '.'");
  }
  for (char c : name) {
    if (!IsNameChar(c)) {
      return InvalidArgumentError("model name '" + Shown(name) +
                                  "' may only contain letters, digits, '_', '-' and '.'");
    }
  }
  return Status::Ok();
}

}  // namespace strato
