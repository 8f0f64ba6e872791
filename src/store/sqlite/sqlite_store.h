#pragma once

// The embedded default backend: one SQLite database file in WAL mode.

#include <memory>
#include <string>

#include "store/store.h"

namespace aliquot::store {

struct SqliteOptions {
  // Refuse to create a database that does not exist yet (commands other than `init`).
  bool must_exist = false;
};

// Opens (creating when allowed) the database at `path` — ":memory:" for a private in-memory
// database — and applies every pending migration in one transaction before returning.
// Unavailable when the file cannot be opened; NotFound when `must_exist` and there is no file;
// DataLoss when the database is corrupt or newer than this program knows.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const SqliteOptions& options = {});

}  // namespace aliquot::store
