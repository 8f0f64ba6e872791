// The quality control and instrument schedule functions of SqliteTransaction (store.h, "quality
// control" and "instrument calibration and maintenance"). The statements follow the portability
// rules written at the top of sqlite_transaction.cc.

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "core/instrument_task.h"
#include "core/qc_records.h"
#include "core/test_result.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_transaction.h"

namespace aliquot::store::sqlite {
namespace {

// Column lists, in the order the read_* functions below consume them.
#define ALIQUOT_QC_MATERIAL_COLUMNS                                               \
  "m.id, m.product, m.manufacturer, m.lot, m.level, m.expires_on, m.created_at, " \
  "m.created_by"
#define ALIQUOT_QC_TARGET_COLUMNS                                            \
  "t.id, t.material_id, t.instrument, t.test_code, t.mean, t.sd, t.source, " \
  "t.established_from, t.effective_from, t.entered_at, t.entered_by"
#define ALIQUOT_QC_RUN_COLUMNS                                                                  \
  "q.id, q.instrument, q.test_code, q.measured_at, q.status, q.rules, q.violations, q.source, " \
  "q.recorded_at, q.recorded_by, q.corrective_action, q.corrected_at, q.corrected_by"
#define ALIQUOT_QC_HOLD_COLUMNS \
  "h.run_id, h.result_id, h.was_released, h.resolved_at, h.resolved_by, h.resolution"
#define ALIQUOT_INSTRUMENT_TASK_COLUMNS                                                    \
  "k.id, k.instrument, k.name, k.kind, k.test_code, k.frequency, k.every_runs, k.active, " \
  "k.created_at, k.created_by"
#define ALIQUOT_TASK_LOG_COLUMNS "l.id, l.task_id, l.done_at, l.done_by, l.note, l.recorded_at"

// SQLite stores a NaN as NULL, which the NOT NULL columns refuse with an unhelpful message, and
// an infinite control value or target judges nothing. `describe()` names the number; it is only
// called for the error.
template <typename Describe>
Result<void> check_finite(double number, const Describe& describe) {
  if (std::isfinite(number)) return ok();
  return invalid_argument(describe() + " is not a finite number (" +
                          core::format_decimal(number, 0) + ")");
}

// "GLU on cobas-c311": how errors name an analyte of an instrument.
std::string analyte_label(std::string_view test_code, std::string_view instrument) {
  return std::string(test_code) + " on " + std::string(instrument);
}

std::string material_label(std::string_view lot, std::string_view level) {
  return "QC material lot '" + std::string(lot) + "' level '" + std::string(level) + "'";
}

std::string hold_label(std::int64_t run_id, std::int64_t result_id) {
  return "the QC hold of result " + std::to_string(result_id) + " by run " + std::to_string(run_id);
}

std::string task_label(std::string_view instrument, std::string_view name) {
  return "instrument task '" + std::string(name) + "' of '" + std::string(instrument) + "'";
}

core::QcMaterial read_qc_material(RowReader& row) {
  core::QcMaterial material;
  material.id = row.int64();
  material.product = row.text();
  material.manufacturer = row.text();
  material.lot = row.text();
  material.level = row.text();
  material.expires_on = row.date();
  material.created_at = row.instant();
  material.created_by = row.text();
  return material;
}

core::QcTarget read_qc_target(RowReader& row) {
  core::QcTarget target;
  target.id = row.int64();
  target.material_id = row.int64();
  target.instrument = row.text();
  target.test_code = row.text();
  target.mean = row.real();
  target.sd = row.real();
  target.source = row.code(core::qc_target_source_from_code, "QC target source");
  target.established_from = row.int32();
  target.effective_from = row.instant();
  target.entered_at = row.instant();
  target.entered_by = row.text();
  return target;
}

// Reads the run's own columns; its values come from qc_run_values (load_run_values).
core::QcRun read_qc_run(RowReader& row) {
  core::QcRun run;
  run.id = row.int64();
  run.instrument = row.text();
  run.test_code = row.text();
  run.measured_at = row.instant();
  run.status = row.code(core::qc_run_status_from_code, "QC run status");
  run.rules = row.text();
  run.violations = row.text();
  run.source = row.text();
  run.recorded_at = row.instant();
  run.recorded_by = row.text();
  run.corrective_action = row.text();
  run.corrected_at = row.optional_instant();
  run.corrected_by = row.text();
  return run;
}

core::QcRunValue read_qc_run_value(RowReader& row) {
  core::QcRunValue value;
  value.material_id = row.int64();
  value.level = row.text();
  value.lot = row.text();
  value.value = row.real();
  value.target_mean = row.real();
  value.target_sd = row.real();
  return value;
}

core::QcHold read_qc_hold(RowReader& row) {
  core::QcHold hold;
  hold.run_id = row.int64();
  hold.result_id = row.int64();
  hold.was_released = row.boolean();
  hold.resolved_at = row.optional_instant();
  hold.resolved_by = row.text();
  hold.resolution = row.text();
  return hold;
}

core::InstrumentTask read_instrument_task(RowReader& row) {
  core::InstrumentTask task;
  task.id = row.int64();
  task.instrument = row.text();
  task.name = row.text();
  task.kind = row.code(core::instrument_task_kind_from_code, "instrument task kind");
  task.test_code = row.text();
  task.frequency = row.code(core::task_frequency_from_code, "instrument task frequency");
  task.every_runs = row.int32();
  task.active = row.boolean();
  task.created_at = row.instant();
  task.created_by = row.text();
  return task;
}

core::InstrumentTaskLog read_task_log(RowReader& row) {
  core::InstrumentTaskLog entry;
  entry.id = row.int64();
  entry.task_id = row.int64();
  entry.done_at = row.instant();
  entry.done_by = row.text();
  entry.note = row.text();
  entry.recorded_at = row.instant();
  return entry;
}

// Binds the task's columns from instrument to active, in table order; insert and update share
// them.
void bind_instrument_task(Statement& statement, const core::InstrumentTask& task) {
  statement.bind_text(task.instrument)
      .bind_text(task.name)
      .bind_text(core::to_code(task.kind))
      .bind_text(task.test_code)
      .bind_text(core::to_code(task.frequency))
      .bind_int64(task.every_runs)
      .bind_bool(task.active);
}

// Reads the values of `run` in level order. The statement that read the run may still be open:
// this one is another.
Result<void> load_run_values(Connection& connection, core::QcRun& run) {
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      connection.prepare("SELECT v.material_id, v.level, v.lot, v.value, v.target_mean,"
                         " v.target_sd FROM qc_run_values v WHERE v.run_id = ?"
                         " ORDER BY v.position"));
  statement.bind_int64(run.id);
  ALIQUOT_ASSIGN_OR_RETURN(
      run.values,
      read_all<core::QcRunValue>(
          statement, "reading the values of QC run " + std::to_string(run.id), read_qc_run_value));
  return ok();
}

}  // namespace

// --- control materials ---------------------------------------------------------------------

Result<core::QcMaterial> SqliteTransaction::insert_qc_material(core::QcMaterial material) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_qc_material"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO qc_materials (product, manufacturer, lot, level, expires_on,"
              " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  statement.bind_text(material.product)
      .bind_text(material.manufacturer)
      .bind_text(material.lot)
      .bind_text(material.level);
  // Date{} (not set) is stored as NULL, as the schema's convention says.
  if (material.expires_on.ok()) {
    statement.bind_text(core::format_date(material.expires_on));
  } else {
    statement.bind_null();
  }
  statement.bind_instant(material.created_at).bind_text(material.created_by);
  const std::string label = material_label(material.lot, material.level);
  ALIQUOT_ASSIGN_OR_RETURN(material.id,
                           restate_conflict(returned_id(statement, "inserting " + label),
                                            [&] { return label + " already exists"; }));
  return material;
}

Result<std::optional<core::QcMaterial>> SqliteTransaction::find_qc_material(std::int64_t id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_QC_MATERIAL_COLUMNS
                                                        " FROM qc_materials m WHERE m.id = ?"));
  statement.bind_int64(id);
  return read_one<core::QcMaterial>(statement, "finding QC material " + std::to_string(id),
                                    read_qc_material);
}

Result<std::optional<core::QcMaterial>> SqliteTransaction::find_qc_material_by_lot(
    std::string_view lot, std::string_view level) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT " ALIQUOT_QC_MATERIAL_COLUMNS
                                   " FROM qc_materials m WHERE m.lot = ? AND m.level = ?"));
  statement.bind_text(lot).bind_text(level);
  return read_one<core::QcMaterial>(statement, "finding " + material_label(lot, level),
                                    read_qc_material);
}

Result<std::vector<core::QcMaterial>> SqliteTransaction::list_qc_materials() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT " ALIQUOT_QC_MATERIAL_COLUMNS
                                   " FROM qc_materials m ORDER BY m.product, m.lot, m.level"));
  return read_all<core::QcMaterial>(statement, "listing QC materials", read_qc_material);
}

// --- targets -------------------------------------------------------------------------------

Result<core::QcTarget> SqliteTransaction::insert_qc_target(core::QcTarget target) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_qc_target"));
  const std::string label = "the QC target of " +
                            analyte_label(target.test_code, target.instrument) + " for material " +
                            std::to_string(target.material_id);
  ALIQUOT_RETURN_IF_ERROR(check_finite(target.mean, [&] { return "the mean of " + label; }));
  ALIQUOT_RETURN_IF_ERROR(check_finite(target.sd, [&] { return "the SD of " + label; }));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO qc_targets (material_id, instrument, test_code, mean, sd, source,"
              " established_from, effective_from, entered_at, entered_by)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  statement.bind_int64(target.material_id)
      .bind_text(target.instrument)
      .bind_text(target.test_code)
      .bind_double(target.mean)
      .bind_double(target.sd)
      .bind_text(core::to_code(target.source))
      .bind_int64(target.established_from)
      .bind_instant(target.effective_from)
      .bind_instant(target.entered_at)
      .bind_text(target.entered_by);
  ALIQUOT_ASSIGN_OR_RETURN(target.id, returned_id(statement, "inserting " + label));
  return target;
}

Result<std::optional<core::QcTarget>> SqliteTransaction::qc_target_in_force(
    std::int64_t material_id, std::string_view instrument, std::string_view test_code,
    core::Instant at) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  // Ids follow the order of entry: the higher id is the later entered among equal
  // effective_from.
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT " ALIQUOT_QC_TARGET_COLUMNS " FROM qc_targets t"
              " WHERE t.instrument = ? AND t.test_code = ? AND t.material_id = ?"
              " AND t.effective_from <= ? ORDER BY t.effective_from DESC, t.id DESC LIMIT 1"));
  statement.bind_text(instrument).bind_text(test_code).bind_int64(material_id).bind_instant(at);
  return read_one<core::QcTarget>(
      statement,
      "reading the QC target of " + analyte_label(test_code, instrument) + " for material " +
          std::to_string(material_id) + " in force at " + core::format_instant(at),
      read_qc_target);
}

Result<std::vector<core::QcTarget>> SqliteTransaction::qc_targets(std::string_view instrument,
                                                                  std::string_view test_code,
                                                                  std::int64_t material_id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT " ALIQUOT_QC_TARGET_COLUMNS " FROM qc_targets t"
              " WHERE t.instrument = ? AND t.test_code = ? AND (? = 0 OR t.material_id = ?)"
              " ORDER BY t.material_id, t.effective_from, t.id"));
  statement.bind_text(instrument)
      .bind_text(test_code)
      .bind_int64(material_id)
      .bind_int64(material_id);
  return read_all<core::QcTarget>(
      statement, "listing the QC targets of " + analyte_label(test_code, instrument),
      read_qc_target);
}

Result<bool> SqliteTransaction::has_qc_targets(std::string_view instrument,
                                               std::string_view test_code) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT 1 FROM qc_targets t"
                                   " WHERE t.instrument = ? AND t.test_code = ? LIMIT 1"));
  statement.bind_text(instrument).bind_text(test_code);
  return statement.step("looking for QC targets of " + analyte_label(test_code, instrument));
}

// --- sample ids ----------------------------------------------------------------------------

Result<void> SqliteTransaction::set_qc_sample_id(std::string_view instrument,
                                                 std::string_view sample_id,
                                                 std::int64_t material_id) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("set_qc_sample_id"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO qc_sample_ids (instrument, sample_id, material_id) VALUES (?, ?, ?)"
              " ON CONFLICT (instrument, sample_id) DO UPDATE"
              " SET material_id = excluded.material_id"));
  statement.bind_text(instrument).bind_text(sample_id).bind_int64(material_id);
  return statement.run("setting QC sample id '" + std::string(sample_id) + "' of '" +
                       std::string(instrument) + "' to material " + std::to_string(material_id));
}

Result<std::optional<std::int64_t>> SqliteTransaction::find_qc_sample_id(
    std::string_view instrument, std::string_view sample_id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT s.material_id FROM qc_sample_ids s"
                                   " WHERE s.instrument = ? AND s.sample_id = ?"));
  statement.bind_text(instrument).bind_text(sample_id);
  return read_one<std::int64_t>(
      statement,
      "finding QC sample id '" + std::string(sample_id) + "' of '" + std::string(instrument) + "'",
      [](RowReader& row) { return row.int64(); });
}

Result<bool> SqliteTransaction::has_qc_sample_ids(std::string_view instrument) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT 1 FROM qc_sample_ids s WHERE s.instrument = ? LIMIT 1"));
  statement.bind_text(instrument);
  return statement.step("looking for QC sample ids of '" + std::string(instrument) + "'");
}

// --- runs ----------------------------------------------------------------------------------

Result<core::QcRun> SqliteTransaction::insert_qc_run(core::QcRun run) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_qc_run"));
  const std::string label = "QC run of " + analyte_label(run.test_code, run.instrument) + " at " +
                            core::format_instant(run.measured_at);
  for (const core::QcRunValue& value : run.values) {
    const auto of = [&](std::string_view what) {
      return label + ": the " + std::string(what) + " of level '" + value.level + "' (lot '" +
             value.lot + "')";
    };
    ALIQUOT_RETURN_IF_ERROR(check_finite(value.value, [&] { return of("value"); }));
    ALIQUOT_RETURN_IF_ERROR(check_finite(value.target_mean, [&] { return of("target mean"); }));
    ALIQUOT_RETURN_IF_ERROR(check_finite(value.target_sd, [&] { return of("target SD"); }));
  }
  const std::string doing = "inserting the " + label;
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("INSERT INTO qc_runs (instrument, test_code, measured_at, status, rules,"
                " violations, source, recorded_at, recorded_by, corrective_action, corrected_at,"
                " corrected_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    statement.bind_text(run.instrument)
        .bind_text(run.test_code)
        .bind_instant(run.measured_at)
        .bind_text(core::to_code(run.status))
        .bind_text(run.rules)
        .bind_text(run.violations)
        .bind_text(run.source)
        .bind_instant(run.recorded_at)
        .bind_text(run.recorded_by)
        .bind_text(run.corrective_action)
        .bind_optional_instant(run.corrected_at)
        .bind_text(run.corrected_by);
    ALIQUOT_ASSIGN_OR_RETURN(run.id, returned_id(statement, doing));
  }
  for (std::size_t i = 0; i < run.values.size(); ++i) {
    const core::QcRunValue& value = run.values[i];
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("INSERT INTO qc_run_values (run_id, position, material_id, level, lot, value,"
                " target_mean, target_sd) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    statement.bind_int64(run.id)
        .bind_int64(static_cast<std::int64_t>(i))
        .bind_int64(value.material_id)
        .bind_text(value.level)
        .bind_text(value.lot)
        .bind_double(value.value)
        .bind_double(value.target_mean)
        .bind_double(value.target_sd);
    ALIQUOT_RETURN_IF_ERROR(statement.run(doing));
  }
  return run;
}

Result<void> SqliteTransaction::update_qc_run_correction(const core::QcRun& run) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("update_qc_run_correction"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("UPDATE qc_runs SET corrective_action = ?, corrected_at = ?, corrected_by = ?"
              " WHERE id = ?"));
  statement.bind_text(run.corrective_action)
      .bind_optional_instant(run.corrected_at)
      .bind_text(run.corrected_by)
      .bind_int64(run.id);
  return updated_one(
      statement,
      [&] { return "documenting the corrective action of QC run " + std::to_string(run.id); },
      "QC run", run.id);
}

Result<std::optional<core::QcRun>> SqliteTransaction::find_qc_run(std::int64_t id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  std::optional<core::QcRun> run;
  {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_QC_RUN_COLUMNS
                                                          " FROM qc_runs q WHERE q.id = ?"));
    statement.bind_int64(id);
    ALIQUOT_ASSIGN_OR_RETURN(
        run, read_one<core::QcRun>(statement, "finding QC run " + std::to_string(id), read_qc_run));
  }
  if (run) ALIQUOT_RETURN_IF_ERROR(load_run_values(connection_, *run));
  return run;
}

Result<std::vector<core::QcRun>> SqliteTransaction::qc_runs(std::string_view instrument,
                                                            std::string_view test_code,
                                                            core::Instant from, core::Instant to,
                                                            std::int64_t limit) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_RETURN_IF_ERROR(check_limit(limit, "QC runs"));
  std::vector<core::QcRun> runs;
  {
    // The newest `limit` runs of the window, read newest first and turned around below.
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("SELECT " ALIQUOT_QC_RUN_COLUMNS " FROM qc_runs q"
                " WHERE q.instrument = ? AND q.test_code = ? AND q.measured_at >= ?"
                " AND q.measured_at < ? ORDER BY q.measured_at DESC, q.id DESC LIMIT ?"));
    statement.bind_text(instrument)
        .bind_text(test_code)
        .bind_instant(from)
        .bind_instant(to)
        .bind_int64(limit);
    ALIQUOT_ASSIGN_OR_RETURN(
        runs, read_all<core::QcRun>(
                  statement,
                  "listing the QC runs of " + analyte_label(test_code, instrument) + " from " +
                      core::format_instant(from) + " to " + core::format_instant(to),
                  read_qc_run));
  }
  std::reverse(runs.begin(), runs.end());
  for (core::QcRun& run : runs) ALIQUOT_RETURN_IF_ERROR(load_run_values(connection_, run));
  return runs;
}

Result<std::optional<core::QcRun>> SqliteTransaction::last_qc_run(
    std::string_view instrument, std::string_view test_code, core::Instant at,
    std::optional<core::QcRunStatus> status) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  std::optional<core::QcRun> run;
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("SELECT " ALIQUOT_QC_RUN_COLUMNS " FROM qc_runs q"
                " WHERE q.instrument = ? AND q.test_code = ? AND q.measured_at <= ?"
                " AND (? = '' OR q.status = ?) ORDER BY q.measured_at DESC, q.id DESC LIMIT 1"));
    const std::string_view code = status ? core::to_code(*status) : std::string_view("");
    statement.bind_text(instrument)
        .bind_text(test_code)
        .bind_instant(at)
        .bind_text(code)
        .bind_text(code);
    ALIQUOT_ASSIGN_OR_RETURN(
        run, read_one<core::QcRun>(
                 statement, "reading the last QC run of " + analyte_label(test_code, instrument),
                 read_qc_run));
  }
  if (run) ALIQUOT_RETURN_IF_ERROR(load_run_values(connection_, *run));
  return run;
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteTransaction::qc_analytes() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT DISTINCT q.instrument, q.test_code FROM qc_runs q"
                                   " ORDER BY q.instrument, q.test_code"));
  return read_all<std::pair<std::string, std::string>>(
      statement, "listing the analytes with QC runs", [](RowReader& row) {
        std::string instrument = row.text();
        return std::make_pair(std::move(instrument), row.text());
      });
}

// --- results measured on an instrument -----------------------------------------------------

Result<std::vector<core::TestResult>> SqliteTransaction::results_measured_on(
    std::string_view instrument, std::string_view test_code, core::Instant after,
    core::Instant up_to) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  // Served by results_by_instrument.
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT " ALIQUOT_RESULT_COLUMNS " FROM results r"
              " WHERE r.instrument = ? AND r.test_code = ? AND r.measured_at > ?"
              " AND r.measured_at <= ? ORDER BY r.measured_at, r.id"));
  statement.bind_text(instrument).bind_text(test_code).bind_instant(after).bind_instant(up_to);
  return read_all<core::TestResult>(statement,
                                    "listing the results of " +
                                        analyte_label(test_code, instrument) + " measured after " +
                                        core::format_instant(after),
                                    read_result);
}

Result<std::int64_t> SqliteTransaction::count_results_measured_on(std::string_view instrument,
                                                                  std::string_view test_code,
                                                                  core::Instant after) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  // Two texts rather than "(? = '' OR r.test_code = ?)", so that both use results_by_instrument
  // for every column they compare.
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare(test_code.empty()
                  ? std::string_view("SELECT COUNT(*) FROM results r"
                                     " WHERE r.instrument = ? AND r.measured_at > ?")
                  : std::string_view("SELECT COUNT(*) FROM results r WHERE r.instrument = ?"
                                     " AND r.test_code = ? AND r.measured_at > ?")));
  statement.bind_text(instrument);
  if (!test_code.empty()) statement.bind_text(test_code);
  statement.bind_instant(after);
  const std::string doing = "counting the results measured on '" + std::string(instrument) +
                            "' after " + core::format_instant(after);
  ALIQUOT_ASSIGN_OR_RETURN(const bool has_row, statement.step(doing));
  if (!has_row) return internal_error(doing + ": no count was returned");
  return sqlite3_column_int64(statement.handle(), 0);
}

// --- holds ---------------------------------------------------------------------------------

Result<void> SqliteTransaction::insert_qc_hold(const core::QcHold& hold) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_qc_hold"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO qc_holds (run_id, result_id, was_released, resolved_at, resolved_by,"
              " resolution) VALUES (?, ?, ?, ?, ?, ?)"));
  statement.bind_int64(hold.run_id)
      .bind_int64(hold.result_id)
      .bind_bool(hold.was_released)
      .bind_optional_instant(hold.resolved_at)
      .bind_text(hold.resolved_by)
      .bind_text(hold.resolution);
  const std::string label = hold_label(hold.run_id, hold.result_id);
  return restate_conflict(statement.run("inserting " + label),
                          [&] { return label + " already exists"; });
}

Result<void> SqliteTransaction::update_qc_hold(const core::QcHold& hold) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("update_qc_hold"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("UPDATE qc_holds SET resolved_at = ?, resolved_by = ?, resolution = ?"
              " WHERE run_id = ? AND result_id = ?"));
  statement.bind_optional_instant(hold.resolved_at)
      .bind_text(hold.resolved_by)
      .bind_text(hold.resolution)
      .bind_int64(hold.run_id)
      .bind_int64(hold.result_id);
  ALIQUOT_RETURN_IF_ERROR(statement.run_described(
      [&] { return "updating " + hold_label(hold.run_id, hold.result_id); }));
  if (sqlite3_changes(connection_.handle()) == 0) {
    return not_found("cannot update " + hold_label(hold.run_id, hold.result_id) +
                     ": there is no such hold");
  }
  return ok();
}

Result<std::vector<core::QcHold>> SqliteTransaction::qc_holds_for_run(std::int64_t run_id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT " ALIQUOT_QC_HOLD_COLUMNS
                                   " FROM qc_holds h WHERE h.run_id = ? ORDER BY h.result_id"));
  statement.bind_int64(run_id);
  return read_all<core::QcHold>(statement, "listing the holds of QC run " + std::to_string(run_id),
                                read_qc_hold);
}

Result<std::vector<core::QcHold>> SqliteTransaction::open_qc_holds_for_result(
    std::int64_t result_id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT " ALIQUOT_QC_HOLD_COLUMNS " FROM qc_holds h"
              " WHERE h.result_id = ? AND h.resolved_at IS NULL ORDER BY h.run_id"));
  statement.bind_int64(result_id);
  return read_all<core::QcHold>(
      statement, "listing the open QC holds of result " + std::to_string(result_id), read_qc_hold);
}

Result<std::vector<core::QcHold>> SqliteTransaction::open_qc_holds() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  // Served by the partial index qc_holds_open.
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT " ALIQUOT_QC_HOLD_COLUMNS " FROM qc_holds h"
                                   " WHERE h.resolved_at IS NULL ORDER BY h.run_id, h.result_id"));
  return read_all<core::QcHold>(statement, "listing the open QC holds", read_qc_hold);
}

// --- instrument calibration and maintenance ------------------------------------------------

Result<core::InstrumentTask> SqliteTransaction::insert_instrument_task(core::InstrumentTask task) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_instrument_task"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO instrument_tasks (instrument, name, kind, test_code, frequency,"
              " every_runs, active, created_at, created_by)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  bind_instrument_task(statement, task);
  statement.bind_instant(task.created_at).bind_text(task.created_by);
  const std::string label = task_label(task.instrument, task.name);
  ALIQUOT_ASSIGN_OR_RETURN(task.id, restate_conflict(returned_id(statement, "inserting " + label),
                                                     [&] { return label + " already exists"; }));
  return task;
}

Result<void> SqliteTransaction::update_instrument_task(const core::InstrumentTask& task) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("update_instrument_task"));
  // Who created the task and when stay as they were recorded.
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("UPDATE instrument_tasks SET instrument = ?, name = ?, kind = ?, test_code = ?,"
              " frequency = ?, every_runs = ?, active = ? WHERE id = ?"));
  bind_instrument_task(statement, task);
  statement.bind_int64(task.id);
  const std::string label = task_label(task.instrument, task.name);
  return restate_conflict(
      updated_one(
          statement, [&] { return "updating " + label; }, "instrument task", task.id),
      [&] { return label + " already exists"; });
}

Result<std::optional<core::InstrumentTask>> SqliteTransaction::find_instrument_task(
    std::string_view instrument, std::string_view name) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT " ALIQUOT_INSTRUMENT_TASK_COLUMNS
              " FROM instrument_tasks k WHERE k.instrument = ? AND k.name = ?"));
  statement.bind_text(instrument).bind_text(name);
  return read_one<core::InstrumentTask>(statement, "finding " + task_label(instrument, name),
                                        read_instrument_task);
}

Result<std::vector<core::InstrumentTask>> SqliteTransaction::list_instrument_tasks(
    std::string_view instrument) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT " ALIQUOT_INSTRUMENT_TASK_COLUMNS " FROM instrument_tasks k"
              " WHERE (? = '' OR k.instrument = ?) ORDER BY k.instrument, k.name"));
  statement.bind_text(instrument).bind_text(instrument);
  return read_all<core::InstrumentTask>(
      statement,
      instrument.empty() ? std::string("listing the instrument tasks")
                         : "listing the tasks of instrument '" + std::string(instrument) + "'",
      read_instrument_task);
}

Result<core::InstrumentTaskLog> SqliteTransaction::insert_instrument_task_log(
    core::InstrumentTaskLog entry) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_instrument_task_log"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO instrument_task_log (task_id, done_at, done_by, note, recorded_at)"
              " VALUES (?, ?, ?, ?, ?) RETURNING id"));
  statement.bind_int64(entry.task_id)
      .bind_instant(entry.done_at)
      .bind_text(entry.done_by)
      .bind_text(entry.note)
      .bind_instant(entry.recorded_at);
  ALIQUOT_ASSIGN_OR_RETURN(entry.id,
                           returned_id(statement, "recording that instrument task " +
                                                      std::to_string(entry.task_id) + " was done"));
  return entry;
}

Result<std::vector<core::InstrumentTaskLog>> SqliteTransaction::instrument_task_log(
    std::int64_t task_id, std::int64_t limit) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_RETURN_IF_ERROR(check_limit(limit, "instrument task log"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT " ALIQUOT_TASK_LOG_COLUMNS " FROM instrument_task_log l"
              " WHERE l.task_id = ? ORDER BY l.done_at DESC, l.id DESC LIMIT ?"));
  statement.bind_int64(task_id).bind_int64(limit);
  return read_all<core::InstrumentTaskLog>(
      statement, "reading the log of instrument task " + std::to_string(task_id), read_task_log);
}

}  // namespace aliquot::store::sqlite
