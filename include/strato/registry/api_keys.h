// API keys: created and revoked with `strato auth`, checked by the server.
//
// A key is "strato_" + 64 hex characters (256 random bits from OpenSSL's
// RAND_bytes). Only its SHA-256 is stored (a key this random needs no slow
// hash: guessing is hopeless, and a stolen database does not reveal keys).
// Each key has a name (the principal the audit log records), scopes
// (strato/core/auth.h) and a token-bucket rate limit (requests per second
// and burst; 0 = unlimited).
//
// The store is an SQLite file (WAL mode), safe to change from the CLI while
// a server uses it: the server's ApiKeyAuthenticator rereads it at most
// once per second, so a revoked key stops working within about a second.
//
// Thread-safety: ApiKeyStore methods may be called from any thread (one
// connection under a mutex); ApiKeyAuthenticator is thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "strato/core/auth.h"
#include "strato/core/status.h"

namespace strato::registry {

struct ApiKeyRecord {
  std::string name;
  uint32_t scopes = 0;
  double rate_per_sec = 0;  // 0 = unlimited
  double burst = 0;         // bucket size (>= 1 when rate_per_sec > 0)
  int64_t created_at = 0;   // unix seconds
  int64_t revoked_at = 0;   // 0 = active
  std::string hash_prefix;  // first 8 hex digits of the key's sha256, to tell keys apart
};

class ApiKeyStore {
 public:
  static StatusOr<std::unique_ptr<ApiKeyStore>> Open(const std::filesystem::path& path);
  virtual ~ApiKeyStore() = default;

  // Creates a key and returns it (the only time it is visible). Errors:
  // INVALID_ARGUMENT (bad name: same rules as model names; no scope; bad
  // rate), ALREADY_EXISTS (an active key has that name).
  virtual StatusOr<std::string> Create(const std::string& name, uint32_t scopes,
                                       double rate_per_sec, double burst) = 0;
  virtual StatusOr<std::vector<ApiKeyRecord>> List() = 0;
  // NOT_FOUND when no active key has the name.
  virtual Status Revoke(const std::string& name) = 0;
  // Every active key as (sha256 hex of the key, record).
  virtual StatusOr<std::vector<std::pair<std::string, ApiKeyRecord>>> ActiveByHash() = 0;
};

// The server side: checks bearer tokens against the store, with one token
// bucket per key (429 with Retry-After when empty).
std::unique_ptr<Authenticator> MakeApiKeyAuthenticator(std::unique_ptr<ApiKeyStore> store);

}  // namespace strato::registry
