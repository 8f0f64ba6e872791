#include "store/sqlite/log_checkpointer.h"

#include <utility>

#include "core/thread_name.h"
#include "store/sqlite/connection.h"

namespace aliquot::store::sqlite {

LogCheckpointer::LogCheckpointer(std::string path, std::chrono::milliseconds busy_timeout,
                                 CheckpointThresholds thresholds)
    : path_(std::move(path)), busy_timeout_(busy_timeout), thresholds_(thresholds) {}

LogCheckpointer::~LogCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void LogCheckpointer::attach(sqlite3* writer) { sqlite3_wal_hook(writer, &on_commit, this); }

CheckpointCounts LogCheckpointer::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

int LogCheckpointer::on_commit(void* self, sqlite3* db, const char* /*schema*/, int log_pages) {
  return static_cast<LogCheckpointer*>(self)->after_commit(db, log_pages);
}

int LogCheckpointer::after_commit(sqlite3* writer, int log_pages) {
  if (log_pages < copied_pages_.load()) copied_pages_.store(0);  // the log started over
  if (log_pages >= thresholds_.writer_pages) {
    // The writer's own checkpoint, as SQLite's automatic one: its error is not the commit's
    // (which has happened), so it is counted and the next commit tries again.
    int logged = 0;
    int copied = 0;
    const int rc =
        sqlite3_wal_checkpoint_v2(writer, nullptr, SQLITE_CHECKPOINT_PASSIVE, &logged, &copied);
    if (rc == SQLITE_OK) copied_pages_.store(copied);
    std::lock_guard lock(mutex_);
    ++(rc == SQLITE_OK ? counts_.by_writer : counts_.failed);
    return SQLITE_OK;
  }
  if (log_pages - copied_pages_.load() < thresholds_.background_pages) return SQLITE_OK;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return SQLITE_OK;
    due_ = true;
    if (!thread_.joinable()) {
      thread_ = std::thread([this] {
        core::name_this_thread("wal-checkpoint");
        run();
      });
    }
  }
  wake_.notify_one();
  return SQLITE_OK;
}

void LogCheckpointer::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || due_; });
      if (stopping_) break;
      due_ = false;
    }
    checkpoint_in_background();
  }
  connection_.reset();  // closed on the thread that used it
}

void LogCheckpointer::checkpoint_in_background() {
  if (!connection_) {
    Result<std::unique_ptr<Connection>> opened =
        Connection::open(path_, Access::kReadWrite, Create::kNever, busy_timeout_);
    if (!opened.has_value()) {
      std::lock_guard lock(mutex_);
      ++counts_.failed;
      return;
    }
    connection_ = std::move(*opened);
  }
  int logged = 0;
  int copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(connection_->handle(), nullptr,
                                           SQLITE_CHECKPOINT_PASSIVE, &logged, &copied);
  if (rc == SQLITE_OK) copied_pages_.store(copied);
  std::lock_guard lock(mutex_);
  ++(rc == SQLITE_OK ? counts_.background : counts_.failed);
}

}  // namespace aliquot::store::sqlite
