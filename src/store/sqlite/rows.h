#pragma once

// What the SQLite transaction's statements share, whichever file they are in: reading rows into
// entities, the results' columns and their binding, and the restating of errors. Internal to the
// SQLite backend.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/order.h"
#include "core/patient.h"
#include "core/specimen.h"
#include "core/test_result.h"
#include "store/sqlite/statement.h"

namespace aliquot::store::sqlite {

// The result's columns, in the order read_result() consumes them. Macros so that the SQL texts
// are string literals assembled at compile time; they hold column names only.
#define ALIQUOT_RESULT_COLUMNS                                                                 \
  "r.id, r.order_id, r.specimen_id, r.test_code, r.section, r.status, r.value_kind, "          \
  "r.value_number, r.value_comparator, r.value_text, r.value_unit, r.value_decimals, r.flag, " \
  "r.reference_range, r.entered_at, r.entered_by, r.measured_at, r.instrument, "               \
  "r.performed_by, r.released_at, r.released_by, r.corrected_at, r.corrected_by, "             \
  "r.correction_reason, "                                                                      \
  "r.cancelled_at, r.cancelled_by, r.cancel_reason, r.revision"

// The result's columns after `id`, for INSERT and UPDATE; bind_result() binds them in order.
#define ALIQUOT_RESULT_VALUES_NAMES                                                   \
  "order_id, specimen_id, test_code, section, status, value_kind, value_number, "     \
  "value_comparator, value_text, value_unit, value_decimals, flag, reference_range, " \
  "entered_at, entered_by, measured_at, instrument, performed_by, released_at, "      \
  "released_by, "                                                                     \
  "corrected_at, corrected_by, correction_reason, cancelled_at, cancelled_by, "       \
  "cancel_reason, revision"

// The columns of the other entities the SQLite files share, in the order their read_* function
// consumes them.
#define ALIQUOT_PATIENT_COLUMNS                                                      \
  "p.id, p.mrn, p.family_name, p.given_name, p.birth_date, p.sex, p.registered_at, " \
  "p.registered_by"
#define ALIQUOT_ORDER_COLUMNS                                                              \
  "o.id, o.order_number, o.patient_id, o.ordering_provider, o.priority, o.clinical_info, " \
  "o.ordered_at, o.ordered_by, o.placer_order_number"
#define ALIQUOT_SPECIMEN_COLUMNS                                                              \
  "s.id, s.accession_number, s.order_id, s.specimen_type, s.container_type, s.collected_at, " \
  "s.collected_by, s.received_at, s.received_by, s.receipt_condition, s.status, "             \
  "s.rejection_reason, s.rejection_comment, s.rejected_at, s.rejected_by"
#define ALIQUOT_REVISION_COLUMNS                                                              \
  "v.result_id, v.revision, v.value_kind, v.value_number, v.value_comparator, v.value_text, " \
  "v.value_unit, v.value_decimals, v.flag, v.reference_range, v.status, v.released_at, "      \
  "v.released_by, v.replaced_at, v.replaced_by, v.reason"
#define ALIQUOT_CRITICAL_CALL_COLUMNS                                             \
  "k.id, k.result_id, k.result_revision, k.called_by, k.called_to, k.called_at, " \
  "k.read_back_confirmed, k.notes, k.documented_at, k.documented_by"

core::Patient read_patient(RowReader& row);
// Reads the order's own columns; requested_codes come from their table.
core::Order read_order(RowReader& row);
core::Specimen read_specimen(RowReader& row);
core::ResultRevision read_revision(RowReader& row);
core::CriticalCall read_critical_call(RowReader& row);

// Reads value_kind, value_number, value_comparator, value_text, value_unit, value_decimals.
core::ResultValue read_value(RowReader& row);
// Reads ALIQUOT_RESULT_COLUMNS.
core::TestResult read_result(RowReader& row);

// Binds the six value_* columns; NULL for each when there is no value.
void bind_value(Statement& statement, const std::optional<core::ResultValue>& value);
// Binds the result's columns that place it: order_id, specimen_id, test_code, section.
void bind_result_place(Statement& statement, const core::TestResult& result);
// Binds the result's columns from status to revision, in the order of
// ALIQUOT_RESULT_VALUES_NAMES. `result` must outlive the statement's execution (texts are bound
// in place).
void bind_result_state(Statement& statement, const core::TestResult& result);
// Binds ALIQUOT_RESULT_VALUES_NAMES in order. `result` must outlive the statement's execution.
void bind_result(Statement& statement, const core::TestResult& result);

// Restates an AlreadyExists error from a UNIQUE constraint with the key the caller knows.
template <typename T, typename MessageFunction>
Result<T> restate_conflict(Result<T> result, MessageFunction message) {
  if (!result.has_value() && result.error().code() == ErrorCode::kAlreadyExists) {
    return already_exists(message());
  }
  return result;
}

// Reads every row of `statement` with `read`; the first undecodable value fails the whole read.
template <typename T, typename ReadFunction>
Result<std::vector<T>> read_all(Statement& statement, std::string_view doing, ReadFunction read) {
  std::vector<T> rows;
  for (;;) {
    ALIQUOT_ASSIGN_OR_RETURN(const bool has_row, statement.step(doing));
    if (!has_row) return rows;
    RowReader row(statement);
    T value = read(row);
    if (row.error()) return *row.error();
    rows.push_back(std::move(value));
  }
}

// Reads at most one row.
template <typename T, typename ReadFunction>
Result<std::optional<T>> read_one(Statement& statement, std::string_view doing, ReadFunction read) {
  ALIQUOT_ASSIGN_OR_RETURN(const bool has_row, statement.step(doing));
  if (!has_row) return std::optional<T>();
  RowReader row(statement);
  T value = read(row);
  if (row.error()) return *row.error();
  return std::optional<T>(std::move(value));
}

// InvalidArgument for a negative `limit`, which SQLite would read as "no limit" where the
// contract says "at most `limit`"; `what` names the listing ("audit entries").
Result<void> check_limit(std::int64_t limit, std::string_view what);

// Steps an INSERT ... RETURNING id.
Result<std::int64_t> returned_id(Statement& statement, std::string_view doing);

// Runs an UPDATE of the row with `id`: NotFound when there is none. sqlite3_changes() counts the
// rows this UPDATE changed; a RETURNING clause would cost SQLite a temporary table per run.
// `doing()` describes the update for an error.
template <typename Describe>
Result<void> updated_one(Statement& statement, const Describe& doing, std::string_view entity,
                         std::int64_t id) {
  ALIQUOT_RETURN_IF_ERROR(statement.run_described(doing));
  if (sqlite3_changes(sqlite3_db_handle(statement.handle())) == 0) {
    return not_found("cannot update " + std::string(entity) + " " + std::to_string(id) +
                     ": there is no " + std::string(entity) + " with that id");
  }
  return ok();
}

}  // namespace aliquot::store::sqlite
