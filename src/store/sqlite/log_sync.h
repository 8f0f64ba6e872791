#pragma once

// Durability of commits in WAL mode, by hand: connections run with synchronous = NORMAL, under
// which SQLite writes a commit to the write-ahead log without syncing it (it still syncs the log
// before every checkpoint and when the log starts over, so the database cannot be damaged), and
// a commit is made durable by syncing the log file afterwards — what synchronous = FULL does
// inside COMMIT. Doing it here lets the sync run on another thread than the writer's: the ingest
// pipeline applies its next batch while the disk makes the last one durable.

#include <string>

#include "core/error.h"

namespace aliquot::store::sqlite {

// fdatasync of "<database>-wal", through a descriptor of its own: safe while another thread writes
// through a connection. The log is appended in commit order, so every commit written to it
// before the call is durable after it. No log file: nothing to sync. ":memory:" and "" (a
// temporary database) have nothing on disk.
Result<void> sync_write_ahead_log(const std::string& database_path);

}  // namespace aliquot::store::sqlite
