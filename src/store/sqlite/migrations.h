#pragma once

// The SQLite schema as an ordered list of versioned migrations, and their application.

#include <span>
#include <string_view>

#include "core/error.h"
#include "store/sqlite/connection.h"

namespace aliquot::store::sqlite {

// One step of the schema. Versions start at 1 and increase by one; a released migration is
// never edited, a change is a new migration.
struct Migration {
  int version = 0;
  std::string_view description;
  const char* sql = nullptr;  // fixed DDL, several statements
};

// Every migration this program knows, in version order.
std::span<const Migration> migrations();

// The highest version in migrations().
int latest_schema_version();

// Brings the database of `connection` to latest_schema_version() inside one write transaction
// (BEGIN IMMEDIATE, so that two programs opening the same new file do not both migrate), recording
// each applied version with its time in schema_migrations. Returns the version reached.
// DataLoss when the database records a version newer than this program knows; FailedPrecondition
// when the file is an SQLite database of some other program (it has tables but no
// schema_migrations).
Result<int> apply_migrations(Connection& connection);
// As above with an explicit list (tests apply an older prefix of the list first).
Result<int> apply_migrations(Connection& connection, std::span<const Migration> list);

}  // namespace aliquot::store::sqlite
