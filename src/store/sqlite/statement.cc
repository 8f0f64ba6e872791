#include "store/sqlite/statement.h"

#include <utility>

#include "store/sqlite/connection.h"

namespace aliquot::store::sqlite {

Statement::Statement(sqlite3* db, CachedStatement& slot) : db_(db), slot_(&slot) {
  slot_->in_use = true;
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      slot_(std::exchange(other.slot_, nullptr)),
      next_parameter_(other.next_parameter_),
      bind_status_(other.bind_status_) {}

Statement::~Statement() {
  if (slot_ == nullptr) return;
  // sqlite3_reset repeats the error of a failed step; it was already reported by step().
  sqlite3_reset(slot_->statement);
  sqlite3_clear_bindings(slot_->statement);
  slot_->in_use = false;
}

Statement& Statement::bind_int64(std::int64_t value) {
  const int rc = sqlite3_bind_int64(slot_->statement, next_parameter_++, value);
  if (bind_status_ == SQLITE_OK) bind_status_ = rc;
  return *this;
}

Statement& Statement::bind_double(double value) {
  const int rc = sqlite3_bind_double(slot_->statement, next_parameter_++, value);
  if (bind_status_ == SQLITE_OK) bind_status_ = rc;
  return *this;
}

namespace {

// SQLite binds a null pointer as NULL, and an empty std::string_view may have one: text is never
// NULL, so an empty view is bound as the empty text.
const char* text_pointer(std::string_view value) {
  return value.data() != nullptr ? value.data() : "";
}

}  // namespace

Statement& Statement::bind_text(std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the text, so temporaries may be bound safely.
  const int rc = sqlite3_bind_text64(slot_->statement, next_parameter_++, text_pointer(value),
                                     value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_status_ == SQLITE_OK) bind_status_ = rc;
  return *this;
}

Statement& Statement::bind_text_in_place(std::string_view value) {
  // SQLITE_STATIC: SQLite keeps the pointer; the destructor clears the bindings before the
  // caller's text may go away.
  const int rc = sqlite3_bind_text64(slot_->statement, next_parameter_++, text_pointer(value),
                                     value.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (bind_status_ == SQLITE_OK) bind_status_ = rc;
  return *this;
}

Statement& Statement::bind_null() {
  const int rc = sqlite3_bind_null(slot_->statement, next_parameter_++);
  if (bind_status_ == SQLITE_OK) bind_status_ = rc;
  return *this;
}

Statement& Statement::bind_optional_instant(const std::optional<core::Instant>& value) {
  return value ? bind_instant(*value) : bind_null();
}

int Statement::step_code() {
  // A failed bind's code is never SQLITE_ROW or SQLITE_DONE: it is reported as the step's error.
  if (bind_status_ != SQLITE_OK) return bind_status_;
  return sqlite3_step(slot_->statement);
}

Error Statement::step_error(int result_code, std::string_view doing) const {
  return sqlite_error(db_, result_code, doing);
}

Result<bool> Statement::step(std::string_view doing) {
  return step_described([doing] { return doing; });
}

Result<void> Statement::run(std::string_view doing) {
  for (;;) {
    ALIQUOT_ASSIGN_OR_RETURN(const bool row, step(doing));
    if (!row) return ok();
  }
}

bool RowReader::next_is_null() const {
  return sqlite3_column_type(statement_, column_) == SQLITE_NULL;
}

std::int64_t RowReader::int64() { return sqlite3_column_int64(statement_, column_++); }

int RowReader::int32() {
  const int column = column_;
  const std::int64_t value = int64();
  if (value < INT32_MIN || value > INT32_MAX) {
    record_error(column, std::to_string(value) + " does not fit an int");
    return 0;
  }
  return static_cast<int>(value);
}

double RowReader::real() { return sqlite3_column_double(statement_, column_++); }

std::string RowReader::text() { return std::string(text_view()); }

std::string_view RowReader::text_view() {
  const unsigned char* data = sqlite3_column_text(statement_, column_);
  const int size = sqlite3_column_bytes(statement_, column_);
  ++column_;
  if (data == nullptr) return {};
  return std::string_view(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::optional<core::Instant> RowReader::optional_instant() {
  if (next_is_null()) {
    ++column_;
    return std::nullopt;
  }
  return instant();
}

core::Date RowReader::date() {
  if (next_is_null()) {
    ++column_;
    return core::Date{};
  }
  const int column = column_;
  const std::string_view stored = text_view();
  Result<core::Date> parsed = core::parse_date(stored);
  if (!parsed.has_value()) {
    record_error(column, parsed.error().message());
    return core::Date{};
  }
  return *parsed;
}

void RowReader::record_error(int column, const std::string& why) {
  if (error_) return;
  const char* name = sqlite3_column_name(statement_, column);
  error_ = data_loss("the database holds a value this program cannot read in column '" +
                     std::string(name != nullptr ? name : "?") + "': " + why);
}

}  // namespace aliquot::store::sqlite
