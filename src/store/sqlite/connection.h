#pragma once

// One SQLite connection with its cache of prepared statements, and the mapping of SQLite's
// result codes to our error codes.

#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace aliquot::store::sqlite {

// Maps an SQLite result code of `db` to an Error whose message says what we were doing:
//   SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY -> AlreadyExists (callers restate the key),
//   SQLITE_CONSTRAINT_FOREIGNKEY           -> FailedPrecondition (a referenced row is missing),
//   SQLITE_BUSY / SQLITE_LOCKED            -> Unavailable (another process holds the database),
//   SQLITE_CORRUPT / SQLITE_NOTADB         -> DataLoss,
//   anything else                          -> Internal with sqlite3_errmsg.
Error sqlite_error(sqlite3* db, int result_code, std::string_view doing);

enum class Access { kReadWrite, kReadOnly };
enum class Create { kIfMissing, kNever };

// Owns one sqlite3 handle, configured for the lab's durability rules: foreign keys on, a busy
// timeout, WAL journal mode for a file, and synchronous=NORMAL: COMMIT writes the log without
// syncing it, and the store syncs the log itself before it calls a commit done
// (store/sqlite/log_sync.h) — durable before acknowledged, with the sync free to run on
// another thread. Statements are compiled once per connection and reused (prepare()).
//
// Not thread-safe: the store hands a connection to one transaction at a time. The connection is
// opened with SQLITE_OPEN_NOMUTEX for that reason.
class Connection {
 public:
  // Opens and configures the database at `path` (":memory:" for a private in-memory one).
  // A read-only connection also sets `PRAGMA query_only`, so no statement can write through it.
  // `busy_timeout` bounds the wait for another process's lock (SqliteOptions::busy_timeout).
  static Result<std::unique_ptr<Connection>> open(
      const std::string& path, Access access, Create create,
      std::chrono::milliseconds busy_timeout = kDefaultBusyTimeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The cached statement for `sql`, compiled on first use. `sql` must be fixed text with `?`
  // parameters: values are bound, never spliced in. Asking for a statement that an unfinished
  // execution still holds is an Internal error (a bug in the caller).
  Result<Statement> prepare(std::string_view sql);

  // Runs fixed SQL that has no parameters and returns no rows we need (pragmas, migration DDL).
  Result<void> execute_script(const char* sql, std::string_view doing);

  // True while a transaction is open on this connection.
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  using StatementMap = std::unordered_map<std::string, CachedStatement>;

  sqlite3* db_;
  std::string path_;
  // Keyed by the SQL text; node-based, so slots stay put while statements borrow them.
  StatementMap statements_;
  // The same statements keyed by the address of the text last asked with. Nearly every SQL text
  // is a string literal asked for many times per transaction: finding it by address spares
  // hashing and copying hundreds of bytes per call. The text is still compared, because other
  // text may later sit at an address that was used before.
  std::unordered_map<const char*, StatementMap::value_type*> by_address_;
};

}  // namespace aliquot::store::sqlite
