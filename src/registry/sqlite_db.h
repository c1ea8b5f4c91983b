// A small RAII layer over the SQLite C API: a connection and prepared
// statements with typed binds and column reads. Errors become INTERNAL
// Status values carrying SQLite's message (ABORTED for SQLITE_BUSY after the
// busy timeout, so callers can report a conflict).
//
// Thread-safety: a Database is used under the caller's lock (SQLite is also
// in serialized mode); a Statement belongs to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "strato/core/status.h"

namespace strato::registry {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, double value);

  // Advances: true when a row is available, false when done; error status
  // via `status`.
  StatusOr<bool> Step();
  // Runs to completion (for statements that return no rows).
  Status Run();

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  std::string Text(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  // Opens (creates) the database file, sets WAL mode, synchronous=FULL,
  // foreign keys on and a busy timeout.
  static StatusOr<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  StatusOr<Statement> Prepare(std::string_view sql);
  // Runs one or more statements with no parameters.
  Status Exec(std::string_view sql);
  int64_t Changes() const { return sqlite3_changes64(db_); }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless Commit()
// succeeded: an early return or crash never leaves half a change.
class Transaction {
 public:
  explicit Transaction(Database* db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  const Status& begun() const { return begun_; }
  Status Commit();

 private:
  Database* db_;
  Status begun_;
  bool done_ = false;
};

}  // namespace strato::registry
