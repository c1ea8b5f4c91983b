#include "strato/core/auth.h"

#include <string>

namespace strato {
namespace {

thread_local const Principal* current = nullptr;

const Principal& Anonymous() {
  static const Principal* const anonymous = new Principal{"anonymous", 0};
  return *anonymous;
}

constexpr Scope kAll[] = {kScopeInfer, kScopeRead, kScopeManage, kScopeAdmin};

}  // namespace

std::string_view ScopeName(Scope scope) {
  switch (scope) {
    case kScopeInfer: return "infer";
    case kScopeRead: return "read";
    case kScopeManage: return "manage";
    case kScopeAdmin: return "admin";
    default: return "none";
  }
}

StatusOr<uint32_t> ParseScopes(std::string_view list) {
  uint32_t scopes = 0;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(',', pos);
    if (end == std::string_view::npos) end = list.size();
    const std::string_view word = list.substr(pos, end - pos);
    bool known = false;
    for (Scope s : kAll) {
      if (word == ScopeName(s)) {
        scopes |= s;
        known = true;
      }
    }
    if (!known) {
      return InvalidArgumentError("unknown scope '" + std::string(word.substr(0, 40)) +
                                  "'; use infer, read, manage or admin (comma-separated)");
    }
    pos = end + 1;
  }
  return scopes;
}

std::string ScopesToString(uint32_t scopes) {
  std::string out;
  for (Scope s : kAll) {
    if ((scopes & s) == 0) continue;
    if (!out.empty()) out += ',';
    out += ScopeName(s);
  }
  return out.empty() ? "none" : out;
}

const Principal& CurrentPrincipal() { return current != nullptr ? *current : Anonymous(); }

ScopedPrincipal::ScopedPrincipal(const Principal* principal) : previous_(current) {
  current = principal;
}

ScopedPrincipal::~ScopedPrincipal() { current = previous_; }

}  // namespace strato
