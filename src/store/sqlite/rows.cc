#include "store/sqlite/rows.h"

#include "core/enums.h"

namespace aliquot::store::sqlite {

core::ResultValue read_value(RowReader& row) {
  core::ResultValue value;
  value.kind = row.parse(core::parse_result_kind);
  value.number = row.real();
  value.comparator = row.text();
  value.text = row.text();
  value.unit = row.text();
  value.decimals = row.int32();
  return value;
}

core::TestResult read_result(RowReader& row) {
  core::TestResult result;
  result.id = row.int64();
  result.order_id = row.int64();
  if (row.next_is_null()) {
    row.skip(1);  // not accessioned yet
  } else {
    result.specimen_id = row.int64();
  }
  result.test_code = row.text();
  result.section = row.text();
  result.status = row.parse(core::parse_result_status);
  if (row.next_is_null()) {
    row.skip(6);
  } else {
    result.value = read_value(row);
  }
  result.flag = row.parse(core::parse_abnormal_flag);
  result.reference_range = row.text();
  result.entered_at = row.optional_instant();
  result.entered_by = row.text();
  result.measured_at = row.optional_instant();
  result.instrument = row.text();
  result.performed_by = row.text();
  result.released_at = row.optional_instant();
  result.released_by = row.text();
  result.corrected_at = row.optional_instant();
  result.corrected_by = row.text();
  result.correction_reason = row.text();
  result.cancelled_at = row.optional_instant();
  result.cancelled_by = row.text();
  result.cancel_reason = row.text();
  result.revision = row.int32();
  return result;
}

void bind_value(Statement& statement, const std::optional<core::ResultValue>& value) {
  if (!value) {
    for (int i = 0; i < 6; ++i) statement.bind_null();
    return;
  }
  statement.bind_text(core::to_code(value->kind))
      .bind_double(value->number)
      .bind_text(value->comparator)
      .bind_text(value->text)
      .bind_text(value->unit)
      .bind_int64(value->decimals);
}

void bind_result_place(Statement& statement, const core::TestResult& result) {
  statement.bind_int64(result.order_id);
  // 0 means "not accessioned yet": NULL, so that the foreign key is not checked.
  if (result.specimen_id == 0) {
    statement.bind_null();
  } else {
    statement.bind_int64(result.specimen_id);
  }
  statement.bind_text_in_place(result.test_code).bind_text_in_place(result.section);
}

void bind_result_state(Statement& statement, const core::TestResult& result) {
  statement.bind_text(core::to_code(result.status));
  bind_value(statement, result.value);
  statement.bind_text(core::to_code(result.flag))
      .bind_text_in_place(result.reference_range)
      .bind_optional_instant(result.entered_at)
      .bind_text_in_place(result.entered_by)
      .bind_optional_instant(result.measured_at)
      .bind_text_in_place(result.instrument)
      .bind_text_in_place(result.performed_by)
      .bind_optional_instant(result.released_at)
      .bind_text_in_place(result.released_by)
      .bind_optional_instant(result.corrected_at)
      .bind_text_in_place(result.corrected_by)
      .bind_text_in_place(result.correction_reason)
      .bind_optional_instant(result.cancelled_at)
      .bind_text_in_place(result.cancelled_by)
      .bind_text_in_place(result.cancel_reason)
      .bind_int64(result.revision);
}

void bind_result(Statement& statement, const core::TestResult& result) {
  bind_result_place(statement, result);
  bind_result_state(statement, result);
}

Result<void> check_limit(std::int64_t limit, std::string_view what) {
  if (limit < 0) {
    return invalid_argument(std::string(what) + ": the limit must not be negative (got " +
                            std::to_string(limit) + ")");
  }
  return ok();
}

Result<std::int64_t> returned_id(Statement& statement, std::string_view doing) {
  ALIQUOT_ASSIGN_OR_RETURN(const bool has_row, statement.step(doing));
  if (!has_row) return internal_error(std::string(doing) + ": no id was returned");
  return sqlite3_column_int64(statement.handle(), 0);
}

}  // namespace aliquot::store::sqlite
