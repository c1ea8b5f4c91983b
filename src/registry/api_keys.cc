#include "strato/registry/api_keys.h"

#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>

#include "sqlite_db.h"
#include "strato/core/model_name.h"
#include "strato/registry/registry.h"

namespace strato::registry {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr std::string_view kSchema =
    "CREATE TABLE IF NOT EXISTS api_keys ("
    " name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, scopes INTEGER NOT NULL,"
    " rate REAL NOT NULL, burst REAL NOT NULL, created_at INTEGER NOT NULL,"
    " revoked_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE UNIQUE INDEX IF NOT EXISTS api_keys_active ON api_keys(name) WHERE revoked_at = 0;";

class SqliteApiKeyStore : public ApiKeyStore {
 public:
  explicit SqliteApiKeyStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  StatusOr<std::string> Create(const std::string& name, uint32_t scopes, double rate_per_sec,
                               double burst) override {
    if (Status s = ValidateModelName(name); !s.ok()) {
      return InvalidArgumentError("invalid key name (model-name rules apply): " + s.message());
    }
    if (scopes == 0) return InvalidArgumentError("a key needs at least one scope");
    if (!(rate_per_sec >= 0) || !(burst >= 0) || rate_per_sec > 1e9 || burst > 1e9) {
      return InvalidArgumentError("rate and burst must be numbers >= 0");
    }
    if (rate_per_sec > 0) burst = std::max(burst, 1.0);
    unsigned char random[32];
    if (RAND_bytes(random, sizeof(random)) != 1) return InternalError("RAND_bytes failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string key = "strato_";
    for (unsigned char b : random) {
      key += kHex[b >> 4];
      key += kHex[b & 15];
    }
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(
        Statement insert,
        db_->Prepare("INSERT INTO api_keys(name, hash, scopes, rate, burst, created_at)"
                     " VALUES(?,?,?,?,?,?)"));
    insert.Bind(1, name).Bind(2, Sha256Hex(key)).Bind(3, static_cast<int64_t>(scopes));
    insert.Bind(4, rate_per_sec).Bind(5, burst).Bind(6, NowUnix());
    Status inserted = insert.Run();
    if (!inserted.ok()) {
      if (inserted.message().find("UNIQUE") != std::string::npos) {
        return AlreadyExistsError("an active key named '" + name + "' exists; revoke it first");
      }
      return inserted;
    }
    return key;
  }

  StatusOr<std::vector<ApiKeyRecord>> List() override {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(Statement q,
                     db_->Prepare("SELECT name, hash, scopes, rate, burst, created_at,"
                                  " revoked_at FROM api_keys ORDER BY name, created_at"));
    std::vector<ApiKeyRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      out.push_back(Record(q));
    }
    return out;
  }

  Status Revoke(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(
        Statement update,
        db_->Prepare("UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at = 0"));
    update.Bind(1, NowUnix()).Bind(2, name);
    RETURN_IF_ERROR(update.Run());
    if (db_->Changes() == 0) return NotFoundError("no active key named '" + name + "'");
    return Status::Ok();
  }

  StatusOr<std::vector<std::pair<std::string, ApiKeyRecord>>> ActiveByHash() override {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT name, hash, scopes, rate, burst, created_at,"
                                               " revoked_at FROM api_keys WHERE revoked_at = 0"));
    std::vector<std::pair<std::string, ApiKeyRecord>> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      out.emplace_back(q.Text(1), Record(q));
    }
    return out;
  }

 private:
  static ApiKeyRecord Record(const Statement& q) {
    ApiKeyRecord r;
    r.name = q.Text(0);
    r.hash_prefix = q.Text(1).substr(0, 8);
    r.scopes = static_cast<uint32_t>(q.Int(2));
    r.rate_per_sec = q.Double(3);
    r.burst = q.Double(4);
    r.created_at = q.Int(5);
    r.revoked_at = q.Int(6);
    return r;
  }

  std::mutex mu_;
  std::unique_ptr<Database> db_;
};

class ApiKeyAuthenticator : public Authenticator {
 public:
  explicit ApiKeyAuthenticator(std::unique_ptr<ApiKeyStore> store) : store_(std::move(store)) {}

  AuthResult Authenticate(std::string_view token) override {
    AuthResult result;
    const std::string hash = Sha256Hex(token);
    std::lock_guard<std::mutex> lock(mu_);
    RefreshLocked();
    auto it = keys_.find(hash);
    if (it == keys_.end()) {
      result.status = NotFoundError("unknown or revoked API key");
      return result;
    }
    Key& key = it->second;
    result.principal = Principal{key.record.name, key.record.scopes};
    if (key.record.rate_per_sec > 0) {
      // Token bucket: refill at rate, capped at burst; a request takes one.
      Bucket& bucket = buckets_[key.record.name];
      const auto now = Clock::now();
      if (bucket.last == Clock::time_point{})
        bucket.tokens = key.record.burst;
      else
        bucket.tokens =
            std::min(key.record.burst,
                     bucket.tokens + key.record.rate_per_sec *
                                         std::chrono::duration<double>(now - bucket.last).count());
      bucket.last = now;
      if (bucket.tokens < 1) {
        result.retry_after_secs = (1 - bucket.tokens) / key.record.rate_per_sec;
        result.status = ResourceExhaustedError(
            "rate limit of key '" + key.record.name + "' (" +
            std::to_string(key.record.rate_per_sec) + " requests/s, burst " +
            std::to_string(static_cast<int64_t>(key.record.burst)) + ") exceeded");
        return result;
      }
      bucket.tokens -= 1;
    }
    return result;
  }

 private:
  struct Key {
    ApiKeyRecord record;
  };
  struct Bucket {
    double tokens = 0;
    Clock::time_point last{};
  };

  // Rereads the store at most once a second: revocations by the CLI apply
  // within about a second. A failed read keeps the last good set.
  void RefreshLocked() {
    const auto now = Clock::now();
    if (loaded_ && now - last_refresh_ < std::chrono::seconds(1)) return;
    last_refresh_ = now;
    auto active = store_->ActiveByHash();
    if (!active.ok()) return;
    keys_.clear();
    for (auto& [hash, record] : *active) keys_[hash] = Key{std::move(record)};
    loaded_ = true;
  }

  std::mutex mu_;
  std::unique_ptr<ApiKeyStore> store_;
  std::map<std::string, Key> keys_;        // sha256 hex -> key
  std::map<std::string, Bucket> buckets_;  // key name -> bucket (kept across refreshes)
  Clock::time_point last_refresh_{};
  bool loaded_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<ApiKeyStore>> ApiKeyStore::Open(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path.string()));
  RETURN_IF_ERROR(db->Exec(kSchema));
  // The file holds key hashes only, but still: owner-only.
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
      std::filesystem::perm_options::replace, ec);
  return std::unique_ptr<ApiKeyStore>(std::make_unique<SqliteApiKeyStore>(std::move(db)));
}

std::unique_ptr<Authenticator> MakeApiKeyAuthenticator(std::unique_ptr<ApiKeyStore> store) {
  return std::make_unique<ApiKeyAuthenticator>(std::move(store));
}

}  // namespace strato::registry
