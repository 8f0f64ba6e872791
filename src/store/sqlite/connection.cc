#include "store/sqlite/connection.h"

#include <string>
#include <utility>

namespace aliquot::store::sqlite {
namespace {

// Bounds Connection::by_address_; the store's fixed texts are far fewer.
constexpr std::size_t kMaxAddresses = 512;

// The writer's page cache, in KiB (a negative cache_size is KiB). A group commit of a thousand
// results touches more pages than SQLite's default 2 MiB holds: it would write dirty pages out
// to the WAL before the commit and read index pages back. The memory is taken only as pages are
// used.
constexpr const char* kWriterCacheSize = "PRAGMA cache_size = -65536";

// The ingest pipeline applies each message inside a savepoint. SQLite keeps the original of every
// page a savepoint changes in a sub-journal, which by default moves to a temporary file past
// 64 KiB: one message of a few dozen results passes that, so every message would create, write
// and delete a temporary file. Kept in memory, the sub-journal lives only until the savepoint is
// released. Durability is unaffected: the WAL and its sync on commit are what make a commit
// durable.
constexpr const char* kWriterTempStore = "PRAGMA temp_store = MEMORY";

// SQLite counts every allocation under a global mutex for sqlite3_memory_used(), which this
// program never asks; turning the count off spares a lock per allocation (dozens per recorded
// result). It can only be set before SQLite initializes and while no other thread uses SQLite:
// every use of SQLite in the program starts with Connection::open, whose first call sets it
// (other threads wait on the static's initialization). When something else in the process
// initialized SQLite first (a test's raw connection), SQLITE_MISUSE leaves the count on, which
// changes nothing else.
void configure_sqlite_once() {
  static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
}

}  // namespace

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
  configure_sqlite_once();
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
  // NORMAL: COMMIT writes the log without syncing it; the store syncs the log itself before it
  // calls a commit done (store/sqlite/log_sync.h), so that the sync can run off the writer thread.
  ALIQUOT_RETURN_IF_ERROR(connection->execute_script("PRAGMA synchronous = NORMAL", doing));
  if (access == Access::kReadOnly) {
    ALIQUOT_RETURN_IF_ERROR(connection->execute_script("PRAGMA query_only = ON", doing));
  } else {
    ALIQUOT_RETURN_IF_ERROR(connection->execute_script(kWriterCacheSize, doing));
    ALIQUOT_RETURN_IF_ERROR(connection->execute_script(kWriterTempStore, doing));
  }
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, slot] : statements_) sqlite3_finalize(slot.statement);
  sqlite3_close(db_);
}

Result<Statement> Connection::prepare(std::string_view sql) {
  StatementMap::value_type* entry = nullptr;
  if (auto known = by_address_.find(sql.data()); known != by_address_.end()) {
    if (std::string_view(known->second->first) == sql) entry = known->second;
  }
  if (entry == nullptr) {
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
    entry = &*it;
    // Texts built at run time land at ever new addresses: bound what they can add.
    if (by_address_.size() >= kMaxAddresses) by_address_.clear();
    by_address_[sql.data()] = entry;
  }
  if (entry->second.in_use) {
    return internal_error("statement \"" + std::string(sql) +
                          "\" is still in use by an unfinished execution");
  }
  return Statement(db_, entry->second);
}

Result<void> Connection::execute_script(const char* sql, std::string_view doing) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  sqlite3_free(message);  // sqlite3_errmsg still holds the same text
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, doing);
  return ok();
}

}  // namespace aliquot::store::sqlite
