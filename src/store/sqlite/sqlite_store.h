#pragma once

// The embedded default backend: one SQLite database file in WAL mode.

#include <chrono>
#include <memory>
#include <string>

#include "store/store.h"

namespace aliquot::store {

inline constexpr std::chrono::milliseconds kDefaultBusyTimeout{5000};

struct SqliteOptions {
  // Refuse to create a database that does not exist yet (commands other than `init`).
  bool must_exist = false;
  // How long a statement waits for another process's lock before reporting Unavailable. Within
  // one process the store's own writer lock orders transactions, so this only matters when two
  // programs (the server and a CLI command) share a database file.
  std::chrono::milliseconds busy_timeout = kDefaultBusyTimeout;
};

// Opens (creating when allowed) the database at `path` — ":memory:" for a private in-memory
// database — and applies every pending migration in one transaction before returning.
// Unavailable when the file cannot be opened; NotFound when `must_exist` and there is no file;
// DataLoss when the database is corrupt or newer than this program knows.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const SqliteOptions& options = {});

}  // namespace aliquot::store
