#include "store/sqlite/connection.h"

#include <string>
#include <utility>

namespace aliquot::store::sqlite {

Error sqlite_error(sqlite3* db, int result_code, std::string_view doing) {
  const std::string detail =
      db != nullptr ? sqlite3_errmsg(db) : std::string(sqlite3_errstr(result_code));
  const std::string message = std::string(doing) + ": " + detail;
  switch (result_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return already_exists(message);
    case SQLITE_CONSTRAINT_FOREIGNKEY: return failed_precondition(message);
    default: break;
  }
  switch (result_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return unavailable(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return data_loss(message);
    default: return internal_error(message);
  }
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path, Access access,
                                                     Create create,
                                                     std::chrono::milliseconds busy_timeout) {
  // NOMUTEX: a connection is only ever used by the one transaction that holds it.
  // EXRESCODE: extended result codes tell a UNIQUE violation from a FOREIGN KEY one.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (create == Create::kIfMissing) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT) {
      return data_loss("cannot open database '" + path + "': " + detail);
    }
    return unavailable("cannot open database '" + path + "': " + detail);
  }
  std::unique_ptr<Connection> connection(new Connection(db, path));
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));

  const std::string doing = "configuring database '" + path + "'";
  // Reading the schema reads the file header: a file that is not a database fails here, with
  // the file named in the error.
  ALIQUOT_RETURN_IF_ERROR(connection->execute_script("SELECT COUNT(*) FROM sqlite_master", doing));
  ALIQUOT_RETURN_IF_ERROR(connection->execute_script("PRAGMA foreign_keys = ON", doing));
  if (path != ":memory:") {
    // journal_mode answers with the mode in force; it stays "delete" where WAL is unsupported.
    ALIQUOT_ASSIGN_OR_RETURN(Statement journal, connection->prepare("PRAGMA journal_mode = WAL"));
    ALIQUOT_ASSIGN_OR_RETURN(const bool row, journal.step(doing));
    const unsigned char* mode = row ? sqlite3_column_text(journal.handle(), 0) : nullptr;
    const std::string mode_text = mode != nullptr ? reinterpret_cast<const char*>(mode) : "";
    if (mode_text != "wal") {
      return unavailable("database '" + path + "' cannot use write-ahead logging (journal mode '" +
                         mode_text + "')");
    }
  }
  // FULL: every commit is synced to disk before commit() returns (durable before acknowledged).
  ALIQUOT_RETURN_IF_ERROR(connection->execute_script("PRAGMA synchronous = FULL", doing));
  if (access == Access::kReadOnly) {
    ALIQUOT_RETURN_IF_ERROR(connection->execute_script("PRAGMA query_only = ON", doing));
  }
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, slot] : statements_) sqlite3_finalize(slot.statement);
  sqlite3_close(db_);
}

Result<Statement> Connection::prepare(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it == statements_.end()) {
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(statement);
      return sqlite_error(db_, rc, "preparing \"" + std::string(sql) + "\"");
    }
    it = statements_.emplace(std::string(sql), CachedStatement{statement, false}).first;
  }
  if (it->second.in_use) {
    return internal_error("statement \"" + std::string(sql) +
                          "\" is still in use by an unfinished execution");
  }
  return Statement(db_, it->second);
}

Result<void> Connection::execute_script(const char* sql, std::string_view doing) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  sqlite3_free(message);  // sqlite3_errmsg still holds the same text
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, doing);
  return ok();
}

}  // namespace aliquot::store::sqlite
