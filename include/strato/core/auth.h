// Who is calling, and what they may do: the vocabulary shared by the
// frontends (which authenticate each request), the key store (src/auth)
// and the audit log (which records the authenticated principal, never what
// a client claims about itself).
//
// Scopes: infer (inference and generation), read (metadata, statistics,
// repository index, registry and deployment reads), manage (load/unload,
// registry pushes and deletes, deployment changes), admin (everything,
// including key management).
//
// Thread-safety: Authenticator implementations must be thread-safe;
// CurrentPrincipal is per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "strato/core/status.h"

namespace strato {

enum Scope : uint32_t {
  kScopeNone = 0,
  kScopeInfer = 1,
  kScopeRead = 2,
  kScopeManage = 4,
  kScopeAdmin = 8,
};

// "infer", "read", "manage", "admin" (kScopeNone: "none").
std::string_view ScopeName(Scope scope);
// Parses a comma-separated list ("infer,read"); admin implies every scope.
StatusOr<uint32_t> ParseScopes(std::string_view list);
// "infer,read" for a mask.
std::string ScopesToString(uint32_t scopes);

struct Principal {
  std::string name;     // key name, or "anonymous"
  uint32_t scopes = 0;  // Scope bits; admin holds all
  bool Has(Scope scope) const {
    return scope == kScopeNone || (scopes & (scope | kScopeAdmin)) != 0;
  }
};

struct AuthResult {
  // OK, or NOT_FOUND (unknown or revoked key; the frontends answer 401 /
  // UNAUTHENTICATED) or RESOURCE_EXHAUSTED (rate limited: 429 with
  // Retry-After = retry_after_secs rounded up).
  Status status;
  Principal principal;
  double retry_after_secs = 0;
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Checks a bearer token and charges one request to its rate limit.
  virtual AuthResult Authenticate(std::string_view token) = 0;
};

// The principal of the request this thread is handling (frontends set it
// around a handler call); "anonymous" with no scopes when none is set.
const Principal& CurrentPrincipal();

class ScopedPrincipal {
 public:
  explicit ScopedPrincipal(const Principal* principal);
  ~ScopedPrincipal();
  ScopedPrincipal(const ScopedPrincipal&) = delete;
  ScopedPrincipal& operator=(const ScopedPrincipal&) = delete;

 private:
  const Principal* previous_;
};

}  // namespace strato
