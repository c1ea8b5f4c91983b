// strato auth: API keys for `strato serve --auth-db` (create, list, revoke).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "commands.h"
#include "strato/core/auth.h"
#include "strato/registry/api_keys.h"

namespace strato::cli {
namespace {

struct AuthFlags {
  std::string db;
  std::string name;
  std::string scopes = "infer";
  double rate = 0;
  double burst = 0;
};

int Fail(const char* what, const Status& status) {
  std::fprintf(stderr, "strato auth %s: %s\n", what, status.message().c_str());
  return 1;
}

std::string DefaultDb() {
  const char* env = std::getenv("STRATO_AUTH_DB");
  return env != nullptr ? env : "strato-auth.db";
}

std::string FormatTime(int64_t unix_secs) {
  const std::time_t t = static_cast<std::time_t>(unix_secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace

int AuthCommand(int argc, char** argv) {
  CLI::App app{"Manage API keys for `strato serve --auth-db` (stored as SHA-256 hashes)",
               "strato auth"};
  app.require_subcommand(1);
  app.fallthrough();
  AuthFlags f;
  app.add_option("--db", f.db, "Key database (default: $STRATO_AUTH_DB or ./strato-auth.db)");
  auto* create = app.add_subcommand("create", "Create a key and print it once");
  create->add_option("name", f.name, "Key name (recorded as the principal in the audit log)")
      ->required();
  create->add_option("--scopes", f.scopes, "Comma-separated: infer, read, manage, admin")
      ->capture_default_str();
  create->add_option("--rate", f.rate, "Requests per second allowed (token bucket; 0 = unlimited)")
      ->check(CLI::NonNegativeNumber);
  create
      ->add_option("--burst", f.burst,
                   "Bucket size: requests allowed at once (default 1 with --rate)")
      ->check(CLI::NonNegativeNumber);
  auto* list = app.add_subcommand("list", "List keys (names, scopes, limits; never the keys)");
  auto* revoke = app.add_subcommand(
      "revoke", "Revoke a key (a running server stops accepting it within a second)");
  revoke->add_option("name", f.name, "Key name")->required();
  CLI11_PARSE(app, argc, argv);

  auto store = registry::ApiKeyStore::Open(f.db.empty() ? DefaultDb() : f.db);
  if (!store.ok()) return Fail("", store.status());
  if (create->parsed()) {
    auto scopes = ParseScopes(f.scopes);
    if (!scopes.ok()) return Fail("create", scopes.status());
    auto key = (*store)->Create(f.name, *scopes, f.rate, f.burst);
    if (!key.ok()) return Fail("create", key.status());
    std::fprintf(stderr, "created key '%s' with scopes %s; it is shown only now:\n", f.name.c_str(),
                 ScopesToString(*scopes).c_str());
    std::printf("%s\n", key->c_str());
    return 0;
  }
  if (list->parsed()) {
    auto keys = (*store)->List();
    if (!keys.ok()) return Fail("list", keys.status());
    std::printf("%-24s %-26s %-10s %10s %8s  %-20s %s\n", "NAME", "SCOPES", "SHA256", "RATE/S",
                "BURST", "CREATED", "STATE");
    for (const auto& k : *keys) {
      std::printf("%-24s %-26s %-10s %10g %8g  %-20s %s\n", k.name.c_str(),
                  ScopesToString(k.scopes).c_str(), k.hash_prefix.c_str(), k.rate_per_sec, k.burst,
                  FormatTime(k.created_at).c_str(),
                  k.revoked_at ? ("revoked " + FormatTime(k.revoked_at)).c_str() : "active");
    }
    return 0;
  }
  if (revoke->parsed()) {
    const Status s = (*store)->Revoke(f.name);
    if (!s.ok()) return Fail("revoke", s);
    std::printf("revoked key '%s'\n", f.name.c_str());
    return 0;
  }
  return 2;
}

}  // namespace strato::cli
