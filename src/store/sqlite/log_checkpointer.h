#pragma once

// Checkpoints of the write-ahead log, kept off the writer's thread.
//
// SQLite's own automatic checkpoint runs inside the COMMIT that takes the log past 1000 pages: the
// committing thread copies the log into the database file and syncs both, which takes
// milliseconds. On the store's one writer that stalls every message queued behind the commit, and
// it was a tenth of the ingest writer's time. Here the writer's commit only notes how long the log
// is; a thread of its own, on a connection of its own, copies the log into the database (a PASSIVE
// checkpoint, which never blocks the writer or readers) each time another 1000 pages have been
// appended.
//
// The log starts over only when a checkpoint has copied all of it before the writer's next
// transaction. Under continuous writing a checkpoint beside the writer rarely ends at such a
// moment, so once the log holds 16000 pages (64 MiB) the writer checkpoints itself, as SQLite would
// have, and the log starts over: the file stays bounded, and by then the background has already
// copied nearly everything, so that checkpoint is short.
//
// Durability is unchanged: a checkpoint syncs the log before it copies anything, and commits are
// made durable by Store::sync as before (store/sqlite/log_sync.h).

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace aliquot::store::sqlite {

class Connection;

struct CheckpointCounts {
  std::uint64_t background = 0;  // checkpoints run by the checkpointing thread
  std::uint64_t by_writer = 0;   // checkpoints the writer ran itself (log at writer_pages)
  std::uint64_t failed = 0;      // checkpoints that ended in an error (the next one tries again)
};

// When checkpoints run, in pages of the log.
struct CheckpointThresholds {
  // SQLite's default automatic checkpoint threshold.
  int background_pages = 1000;
  // About 64 MiB of log at the default 4 KiB page.
  int writer_pages = 16000;
};

class LogCheckpointer {
 public:
  // `path`: the database file, opened again for the checkpointing thread's connection when the
  // first checkpoint is due (a short-lived command that never fills the log opens nothing).
  LogCheckpointer(std::string path, std::chrono::milliseconds busy_timeout,
                  CheckpointThresholds thresholds = {});
  ~LogCheckpointer();  // waits for a checkpoint in progress, then ends the thread
  LogCheckpointer(const LogCheckpointer&) = delete;
  LogCheckpointer& operator=(const LogCheckpointer&) = delete;

  // Replaces SQLite's automatic checkpoint on `writer` (its WAL hook) with this one. The
  // checkpointer must outlive the writer connection, or be detached from it first.
  void attach(sqlite3* writer);

  CheckpointCounts counts() const;

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int log_pages);
  int after_commit(sqlite3* writer, int log_pages);
  void run();
  void checkpoint_in_background();

  const std::string path_;
  const std::chrono::milliseconds busy_timeout_;
  const CheckpointThresholds thresholds_;
  // Pages of the log already copied into the database, as far as this object knows: the writer
  // asks for a checkpoint each time background_pages more have been appended since.
  std::atomic<int> copied_pages_{0};

  mutable std::mutex mutex_;  // guards the members below
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  CheckpointCounts counts_;
  std::unique_ptr<Connection> connection_;  // the checkpointing thread's, opened on first use
  std::thread thread_;                      // started on the first checkpoint due
};

}  // namespace aliquot::store::sqlite
