#pragma once

// One execution of a prepared statement borrowed from a Connection's cache, and the reader of
// its result rows.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/time.h"

namespace aliquot::store::sqlite {

// A cached statement's slot: the compiled statement and whether an execution holds it.
struct CachedStatement {
  sqlite3_stmt* statement = nullptr;
  bool in_use = false;
};

// Binds parameters in order (first bind_* call is parameter 1), then steps. Destroying it resets
// the statement and clears its bindings so that the cache can hand it out again. Values are only
// ever bound, never written into SQL text. Not thread-safe; used by the connection's one holder.
class Statement {
 public:
  Statement(sqlite3* db, CachedStatement& slot);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  Statement& bind_int64(std::int64_t value);
  Statement& bind_double(double value);
  Statement& bind_text(std::string_view value);
  // As bind_text, but SQLite reads `value` where it is instead of copying it: the text must stay
  // alive and unchanged until this Statement is destroyed. For long texts bound from an entity
  // that outlives the execution (an audit entry's images).
  Statement& bind_text_in_place(std::string_view value);
  Statement& bind_null();
  Statement& bind_bool(bool value) { return bind_int64(value ? 1 : 0); }
  // Unix milliseconds UTC.
  Statement& bind_instant(core::Instant value) { return bind_int64(core::to_unix_millis(value)); }
  Statement& bind_optional_instant(const std::optional<core::Instant>& value);

  // Advances to the next result row: true when one is available, false when the statement is
  // done. Errors are mapped by sqlite_error() with `doing` naming the operation.
  Result<bool> step(std::string_view doing);
  // Runs a statement that is not expected to return rows.
  Result<void> run(std::string_view doing);

  // As step() and run(), with the operation described only when there is an error to report:
  // `describe()` returns the text that step() and run() take as `doing`. For statements run
  // many times per transaction, whose description would otherwise be built on every call.
  template <typename Describe>
  Result<bool> step_described(const Describe& describe) {
    const int rc = step_code();
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return step_error(rc, describe());
  }
  template <typename Describe>
  Result<void> run_described(const Describe& describe) {
    for (;;) {
      ALIQUOT_ASSIGN_OR_RETURN(const bool row, step_described(describe));
      if (!row) return ok();
    }
  }

  sqlite3_stmt* handle() const { return slot_->statement; }

 private:
  // The code of the first failed bind, else what sqlite3_step returns.
  int step_code();
  // The error for `result_code` (sqlite_error()) while doing `doing`.
  Error step_error(int result_code, std::string_view doing) const;

  sqlite3* db_;
  CachedStatement* slot_;
  int next_parameter_ = 1;
  int bind_status_ = SQLITE_OK;
};

// Reads the columns of the current row in order (first call reads column `first_column`).
// Values that cannot be decoded (an unknown enum code, a malformed date) are recorded as the
// first error, reported as DataLoss because the database holds something this program never
// writes; the caller checks error() after reading.
class RowReader {
 public:
  explicit RowReader(const Statement& statement, int first_column = 0)
      : statement_(statement.handle()), column_(first_column) {}

  bool next_is_null() const;
  std::int64_t int64();
  int int32();
  double real();
  bool boolean() { return int64() != 0; }
  std::string text();
  core::Instant instant() { return core::from_unix_millis(int64()); }
  std::optional<core::Instant> optional_instant();
  // A civil date stored as YYYY-MM-DD; NULL stands for a date that is not set (Date{}).
  core::Date date();

  // Reads a text column through one of core's parse functions (enum codes).
  template <typename T>
  T parse(Result<T> (*parse_function)(std::string_view)) {
    const int column = column_;
    const std::string_view code = text_view();
    Result<T> parsed = parse_function(code);
    if (!parsed.has_value()) {
      record_error(column, parsed.error().message());
      return T{};
    }
    return *parsed;
  }

  // Reads a text column through a from_code function that knows the codes it writes and nothing
  // else (core/qc_records.h); `what` names the vocabulary for the error ("QC run status").
  template <typename T>
  T code(std::optional<T> (*from_code)(std::string_view), std::string_view what) {
    const int column = column_;
    const std::string_view stored = text_view();
    const std::optional<T> decoded = from_code(stored);
    if (!decoded) {
      record_error(column, "unknown " + std::string(what) + " '" + std::string(stored) + "'");
      return T{};
    }
    return *decoded;
  }

  // Skips columns the caller reads otherwise.
  void skip(int count) { column_ += count; }
  int column() const { return column_; }
  const std::optional<Error>& error() const { return error_; }

 private:
  void record_error(int column, const std::string& why);
  // The current column's text where SQLite keeps it: valid until the next step or reset.
  std::string_view text_view();

  sqlite3_stmt* statement_;
  int column_;
  std::optional<Error> error_;
};

}  // namespace aliquot::store::sqlite
