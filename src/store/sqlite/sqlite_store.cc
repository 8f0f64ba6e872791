#include "store/sqlite/sqlite_store.h"

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/log_checkpointer.h"
#include "store/sqlite/log_sync.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_transaction.h"

namespace aliquot::store {
namespace {

using sqlite::Access;
using sqlite::Connection;
using sqlite::Create;
using sqlite::SqliteTransaction;

// The SQLite Store.
//
// The writer's commits do not checkpoint the log themselves: a LogCheckpointer does it beside
// them (store/sqlite/log_checkpointer.h).
//
// Thread-safety: thread-safe. One writer connection serves every write transaction; the store's
// writer lock (a flag guarded by `state_mutex_`, released by whichever thread ends the
// transaction) is held from begin() until commit or destruction, so a kWrite begin waits for the
// current writer. For a file, each read transaction takes its own read-only connection from a
// pool (opened on demand and reused), so reads run beside the writer on their WAL snapshot. An
// in-memory database exists only on its one connection, so there every transaction, read or
// write, takes the writer lock.
//
// A begin that would wait for a lock its own thread already holds through an open transaction
// fails at once with FailedPrecondition instead of deadlocking. The Store must outlive its
// transactions.
class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, std::unique_ptr<Connection> writer, int schema_version,
              std::chrono::milliseconds busy_timeout)
      : path_(std::move(path)),
        in_memory_(path_ == ":memory:"),
        checkpointer_(in_memory_ ? nullptr
                                 : std::make_unique<sqlite::LogCheckpointer>(path_, busy_timeout)),
        writer_(std::move(writer)),
        schema_version_(schema_version),
        busy_timeout_(busy_timeout) {
    if (checkpointer_) checkpointer_->attach(writer_->handle());
  }

  Result<std::unique_ptr<Transaction>> begin(TransactionMode mode) override {
    if (mode == TransactionMode::kWrite || in_memory_) return begin_on_writer(mode);
    return begin_on_reader();
  }

  int schema_version() const override { return schema_version_; }

  Result<void> sync() override { return sqlite::sync_write_ahead_log(path_); }

  Result<std::int64_t> index_audit_trail(std::int64_t min_entries,
                                         std::int64_t max_entries) override {
    ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<SqliteTransaction> transaction,
                             begin_sqlite_on_writer(TransactionMode::kWrite));
    ALIQUOT_ASSIGN_OR_RETURN(const std::int64_t waiting, transaction->unindexed_audit_entries());
    if (waiting <= 0 || waiting < min_entries) return 0;
    ALIQUOT_ASSIGN_OR_RETURN(const std::int64_t indexed,
                             transaction->index_audit_trail(max_entries));
    if (indexed > 0) ALIQUOT_RETURN_IF_ERROR(transaction->commit_before_sync());
    return indexed;
  }

 private:
  Result<std::unique_ptr<Transaction>> begin_on_writer(TransactionMode mode) {
    ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<SqliteTransaction> transaction,
                             begin_sqlite_on_writer(mode));
    return std::unique_ptr<Transaction>(std::move(transaction));
  }

  Result<std::unique_ptr<SqliteTransaction>> begin_sqlite_on_writer(TransactionMode mode) {
    {
      std::unique_lock<std::mutex> lock(state_mutex_);
      if (writer_busy_ && writer_thread_ == std::this_thread::get_id()) {
        return failed_precondition(
            "cannot begin a transaction on database '" + path_ +
            "': this thread already holds its write lock through an open transaction; commit "
            "or abandon that one first");
      }
      writer_released_.wait(lock, [this] { return !writer_busy_; });
      writer_busy_ = true;
      writer_thread_ = std::this_thread::get_id();
    }
    ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<SqliteTransaction> transaction,
                             SqliteTransaction::begin(*writer_, mode, [this] {
                               {
                                 std::lock_guard<std::mutex> lock(state_mutex_);
                                 writer_busy_ = false;
                                 writer_thread_ = std::thread::id();
                               }
                               writer_released_.notify_one();
                             }));
    return transaction;
  }

  Result<std::unique_ptr<Transaction>> begin_on_reader() {
    std::unique_ptr<Connection> connection;
    {
      std::lock_guard<std::mutex> lock(state_mutex_);
      if (!idle_readers_.empty()) {
        connection = std::move(idle_readers_.back());
        idle_readers_.pop_back();
      }
    }
    if (!connection) {
      ALIQUOT_ASSIGN_OR_RETURN(
          connection, Connection::open(path_, Access::kReadOnly, Create::kNever, busy_timeout_));
    }
    Connection* borrowed = connection.release();
    ALIQUOT_ASSIGN_OR_RETURN(
        std::unique_ptr<SqliteTransaction> transaction,
        SqliteTransaction::begin(*borrowed, TransactionMode::kRead, [this, borrowed] {
          std::lock_guard<std::mutex> lock(state_mutex_);
          idle_readers_.emplace_back(borrowed);
        }));
    return std::unique_ptr<Transaction>(std::move(transaction));
  }

  const std::string path_;
  const bool in_memory_;
  // Before the writer, so that it outlives the writer connection whose commits call it.
  const std::unique_ptr<sqlite::LogCheckpointer> checkpointer_;
  const std::unique_ptr<Connection> writer_;
  const int schema_version_;
  const std::chrono::milliseconds busy_timeout_;

  std::mutex state_mutex_;  // guards the members below
  std::condition_variable writer_released_;
  bool writer_busy_ = false;
  std::thread::id writer_thread_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const SqliteOptions& options) {
  const bool in_memory = path == ":memory:";
  // An in-memory database never exists beforehand, so `must_exist` does not apply to it.
  if (!in_memory && options.must_exist) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
      return not_found("there is no database at '" + path + "'");
    }
  }
  ALIQUOT_ASSIGN_OR_RETURN(
      std::unique_ptr<Connection> writer,
      Connection::open(path, Access::kReadWrite,
                       options.must_exist && !in_memory ? Create::kNever : Create::kIfMissing,
                       options.busy_timeout));
  ALIQUOT_ASSIGN_OR_RETURN(const int version, sqlite::apply_migrations(*writer));
  return std::unique_ptr<Store>(
      new SqliteStore(path, std::move(writer), version, options.busy_timeout));
}

}  // namespace aliquot::store
