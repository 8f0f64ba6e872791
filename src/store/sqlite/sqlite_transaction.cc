#include "store/sqlite/sqlite_transaction.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "core/enums.h"
#include "store/sqlite/log_sync.h"
#include "store/sqlite/rows.h"

namespace aliquot::store::sqlite {
namespace {

// SQL portability: the statements below are meant to run unchanged on PostgreSQL apart from the
// parameter markers (`?` here, `$n` there). They use INSERT ... RETURNING and
// INSERT ... ON CONFLICT (...) DO UPDATE (SQLite >= 3.35, PostgreSQL >= 9.5), LIMIT, CASE and
// plain joins. Ordering by text compares bytes (SQLite's BINARY collation); a PostgreSQL schema
// declares those columns COLLATE "C" to keep the same order.

// Column lists, in the order the read_* functions below consume them (the results', patients',
// orders', specimens', revisions' and critical calls' are in store/sqlite/rows.h, which the
// other SQLite files share). Macros so that the SQL texts are string literals assembled at
// compile time; they hold column names only.
#define ALIQUOT_USER_COLUMNS "u.id, u.username, u.display_name, u.role, u.active, u.created_at"
#define ALIQUOT_CATALOG_COLUMNS "c.version, c.name, c.content, c.sha256, c.loaded_at, c.loaded_by"
#define ALIQUOT_AUDIT_COLUMNS                                                                  \
  "a.sequence, a.recorded_at, a.actor, a.action, a.entity_type, a.entity_key, a.patient_mrn, " \
  "a.accession_number, a.test_code, a.before_json, a.after_json, a.reason, a.previous_hash, "  \
  "a.hash"

// `describe()` names the value's owner; it is only called for the error.
template <typename Describe>
Result<void> check_number(const core::ResultValue& value, const Describe& describe) {
  // SQLite stores a NaN as NULL; refusing it keeps what is read back equal to what was written.
  if (std::isnan(value.number)) {
    return invalid_argument(std::string(describe()) +
                            " has a numeric value that is not a number (NaN)");
  }
  return ok();
}

core::User read_user(RowReader& row) {
  core::User user;
  user.id = row.int64();
  user.username = row.text();
  user.display_name = row.text();
  user.role = row.parse(core::parse_role);
  user.active = row.boolean();
  user.created_at = row.instant();
  return user;
}

CatalogVersion read_catalog_version(RowReader& row) {
  CatalogVersion version;
  version.version = row.int64();
  version.name = row.text();
  version.content = row.text();
  version.sha256 = row.text();
  version.loaded_at = row.instant();
  version.loaded_by = row.text();
  return version;
}

}  // namespace

// The readers store/sqlite/rows.h declares for the other SQLite files.
core::Patient read_patient(RowReader& row) {
  core::Patient patient;
  patient.id = row.int64();
  patient.mrn = row.text();
  patient.family_name = row.text();
  patient.given_name = row.text();
  patient.birth_date = row.date();
  patient.sex = row.parse(core::parse_administrative_sex);
  patient.registered_at = row.instant();
  patient.registered_by = row.text();
  return patient;
}

// Reads the order's own columns; requested_codes come from their table.
core::Order read_order(RowReader& row) {
  core::Order order;
  order.id = row.int64();
  order.order_number = row.text();
  order.patient_id = row.int64();
  order.ordering_provider = row.text();
  order.priority = row.parse(core::parse_priority);
  order.clinical_info = row.text();
  order.ordered_at = row.instant();
  order.ordered_by = row.text();
  order.placer_order_number = row.text();
  return order;
}

core::Specimen read_specimen(RowReader& row) {
  core::Specimen specimen;
  specimen.id = row.int64();
  specimen.accession_number = row.text();
  specimen.order_id = row.int64();
  specimen.specimen_type = row.text();
  specimen.container_type = row.text();
  specimen.collected_at = row.instant();
  specimen.collected_by = row.text();
  specimen.received_at = row.optional_instant();
  specimen.received_by = row.text();
  specimen.condition = row.text();
  specimen.status = row.parse(core::parse_specimen_status);
  if (row.next_is_null()) {
    row.skip(1);
  } else {
    specimen.rejection_reason = row.parse(core::parse_rejection_reason);
  }
  specimen.rejection_comment = row.text();
  specimen.rejected_at = row.optional_instant();
  specimen.rejected_by = row.text();
  return specimen;
}

core::ResultRevision read_revision(RowReader& row) {
  core::ResultRevision revision;
  revision.result_id = row.int64();
  revision.revision = row.int32();
  revision.value = read_value(row);
  revision.flag = row.parse(core::parse_abnormal_flag);
  revision.reference_range = row.text();
  revision.status = row.parse(core::parse_result_status);
  revision.released_at = row.instant();
  revision.released_by = row.text();
  revision.replaced_at = row.instant();
  revision.replaced_by = row.text();
  revision.reason = row.text();
  return revision;
}

core::CriticalCall read_critical_call(RowReader& row) {
  core::CriticalCall call;
  call.id = row.int64();
  call.result_id = row.int64();
  call.result_revision = row.int32();
  call.called_by = row.text();
  call.called_to = row.text();
  call.called_at = row.instant();
  call.read_back_confirmed = row.boolean();
  call.notes = row.text();
  call.documented_at = row.instant();
  call.documented_by = row.text();
  return call;
}

namespace {

core::AuditEntry read_audit_entry(RowReader& row) {
  core::AuditEntry entry;
  entry.sequence = row.int64();
  entry.at = row.instant();
  entry.actor = row.text();
  entry.action = row.text();
  entry.entity_type = row.text();
  entry.entity_key = row.text();
  entry.patient_mrn = row.text();
  entry.accession_number = row.text();
  entry.test_code = row.text();
  entry.before = row.text();
  entry.after = row.text();
  entry.reason = row.text();
  entry.previous_hash = row.text();
  entry.hash = row.text();
  return entry;
}

// Binds the specimen's columns after `id`, in table order.
void bind_specimen(Statement& statement, const core::Specimen& specimen) {
  statement.bind_text(specimen.accession_number)
      .bind_int64(specimen.order_id)
      .bind_text(specimen.specimen_type)
      .bind_text(specimen.container_type)
      .bind_instant(specimen.collected_at)
      .bind_text(specimen.collected_by)
      .bind_optional_instant(specimen.received_at)
      .bind_text(specimen.received_by)
      .bind_text(specimen.condition)
      .bind_text(core::to_code(specimen.status));
  if (specimen.rejection_reason) {
    statement.bind_text(core::to_code(*specimen.rejection_reason));
  } else {
    statement.bind_null();
  }
  statement.bind_text(specimen.rejection_comment)
      .bind_optional_instant(specimen.rejected_at)
      .bind_text(specimen.rejected_by);
}

// Binds the patient's columns after `id`, in table order. An unset birth date (Date{}, not a
// calendar date) is stored as NULL.
void bind_patient(Statement& statement, const core::Patient& patient) {
  statement.bind_text(patient.mrn).bind_text(patient.family_name).bind_text(patient.given_name);
  if (patient.birth_date.ok()) {
    statement.bind_text(core::format_date(patient.birth_date));
  } else {
    statement.bind_null();
  }
  statement.bind_text(core::to_code(patient.sex))
      .bind_instant(patient.registered_at)
      .bind_text(patient.registered_by);
}

std::string result_label(const core::TestResult& result) {
  return "result " + result.test_code + " of order " + std::to_string(result.order_id);
}

}  // namespace

// --- lifetime ----------------------------------------------------------------------------

Result<std::unique_ptr<SqliteTransaction>> SqliteTransaction::begin(Connection& connection,
                                                                    TransactionMode mode,
                                                                    std::function<void()> on_end) {
  std::unique_ptr<SqliteTransaction> transaction(
      new SqliteTransaction(connection, mode, std::move(on_end)));
  const bool write = mode == TransactionMode::kWrite;
  // IMMEDIATE takes SQLite's write lock now, so the transaction never fails later for a
  // conflict with another process (store.h: kWrite).
  Result<void> begun = [&]() -> Result<void> {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                             connection.prepare(write ? "BEGIN IMMEDIATE" : "BEGIN"));
    ALIQUOT_RETURN_IF_ERROR(statement.run("beginning a transaction"));
    if (!write) {
      // A deferred transaction takes its snapshot at the first read: read now, so that the
      // snapshot is the state when begin() returned.
      ALIQUOT_ASSIGN_OR_RETURN(Statement read,
                               connection.prepare("SELECT COUNT(*) FROM schema_migrations"));
      ALIQUOT_RETURN_IF_ERROR(read.run("beginning a read transaction"));
    }
    return ok();
  }();
  if (!begun.has_value()) return begun.error();  // the destructor rolls back and calls on_end
  return transaction;
}

SqliteTransaction::~SqliteTransaction() {
  if (!ended_ && connection_.in_transaction()) {
    // Nothing can be reported from a destructor; a failed rollback leaves the connection to
    // SQLite's own recovery when the next transaction begins.
    Result<Statement> rollback = connection_.prepare("ROLLBACK");
    if (rollback.has_value()) (void)rollback->run("rolling back");
  }
  ended_ = true;
  if (on_end_) on_end_();
}

Result<void> SqliteTransaction::check_open() const {
  if (ended_) return failed_precondition("the transaction has already been committed");
  return ok();
}

Result<void> SqliteTransaction::check_writable(std::string_view operation) const {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  if (mode_ == TransactionMode::kRead) {
    return failed_precondition(std::string(operation) +
                               " is a write and this is a read transaction");
  }
  return ok();
}

// The connection runs with synchronous = NORMAL (store/sqlite/log_sync.h): COMMIT writes the
// log, and a write transaction is made durable by syncing the log before commit() returns.
Result<void> SqliteTransaction::commit() {
  const bool wrote = mode_ == TransactionMode::kWrite;
  ALIQUOT_RETURN_IF_ERROR(commit_before_sync());
  if (!wrote) return ok();
  const char* path = sqlite3_db_filename(connection_.handle(), "main");
  return sync_write_ahead_log(path != nullptr ? path : "");
}

Result<void> SqliteTransaction::commit_before_sync() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  if (appended_audit_entries_) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::int64_t unindexed, unindexed_audit_entries());
    if (unindexed >= kAuditTailLimit) {
      ALIQUOT_RETURN_IF_ERROR(index_audit_trail(unindexed));
    }
  }
  {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("COMMIT"));
    ALIQUOT_RETURN_IF_ERROR(statement.run("committing"));
  }
  return end();
}

Result<void> SqliteTransaction::end() {
  ended_ = true;
  // Give the connection and the writer lock back now rather than when the object is destroyed.
  if (on_end_) {
    std::function<void()> on_end = std::move(on_end_);
    on_end_ = nullptr;
    on_end();
  }
  return ok();
}

// --- sequences and settings --------------------------------------------------------------

Result<std::int64_t> SqliteTransaction::next_sequence(std::string_view name) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("next_sequence"));
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("INSERT INTO sequences (name, value) VALUES (?, 1)"
                                   " ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1"
                                   " RETURNING value"));
  statement.bind_text(name);
  return returned_id(statement,
                     "allocating the next value of sequence '" + std::string(name) + "'");
}

Result<std::optional<std::string>> SqliteTransaction::get_setting(std::string_view key) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT value FROM settings WHERE name = ?"));
  statement.bind_text(key);
  return read_one<std::string>(statement, "reading setting '" + std::string(key) + "'",
                               [](RowReader& row) { return row.text(); });
}

Result<void> SqliteTransaction::set_setting(std::string_view key, std::string_view value) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("set_setting"));
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("INSERT INTO settings (name, value) VALUES (?, ?)"
                                   " ON CONFLICT (name) DO UPDATE SET value = excluded.value"));
  statement.bind_text(key).bind_text(value);
  return statement.run("writing setting '" + std::string(key) + "'");
}

// --- users and catalog versions ----------------------------------------------------------

Result<core::User> SqliteTransaction::insert_user(core::User user) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_user"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO users (username, display_name, role, active, created_at)"
              " VALUES (?, ?, ?, ?, ?) RETURNING id"));
  statement.bind_text(user.username)
      .bind_text(user.display_name)
      .bind_text(core::to_code(user.role))
      .bind_bool(user.active)
      .bind_instant(user.created_at);
  ALIQUOT_ASSIGN_OR_RETURN(
      user.id, restate_conflict(returned_id(statement, "inserting user '" + user.username + "'"),
                                [&] { return "user '" + user.username + "' already exists"; }));
  return user;
}

Result<std::optional<core::User>> SqliteTransaction::find_user(std::string_view username) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_USER_COLUMNS
                                                        " FROM users u WHERE u.username = ?"));
  statement.bind_text(username);
  return read_one<core::User>(statement, "finding user '" + std::string(username) + "'", read_user);
}

Result<std::vector<core::User>> SqliteTransaction::list_users() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_USER_COLUMNS
                                                        " FROM users u ORDER BY u.username"));
  return read_all<core::User>(statement, "listing users", read_user);
}

// Catalog and rules versions share one shape, each in its own table.
Result<CatalogVersion> SqliteTransaction::insert_document_version(std::string_view table,
                                                                  std::string_view what,
                                                                  CatalogVersion version) {
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("INSERT INTO " + std::string(table) +
                                   " (version, name, content, sha256, loaded_at, loaded_by)"
                                   " VALUES (?, ?, ?, ?, ?, ?) RETURNING version"));
  // Version 0 asks for the next one (the highest so far + 1).
  if (version.version == 0) {
    statement.bind_null();
  } else {
    statement.bind_int64(version.version);
  }
  statement.bind_text(version.name)
      .bind_text(version.content)
      .bind_text(version.sha256)
      .bind_instant(version.loaded_at)
      .bind_text(version.loaded_by);
  ALIQUOT_ASSIGN_OR_RETURN(
      version.version,
      restate_conflict(returned_id(statement, "inserting " + std::string(what) + " version from '" +
                                                  version.name + "'"),
                       [&] {
                         return std::string(what) + " version " + std::to_string(version.version) +
                                " already exists";
                       }));
  return version;
}

Result<std::optional<CatalogVersion>> SqliteTransaction::latest_document_version(
    std::string_view table, std::string_view what) {
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT " ALIQUOT_CATALOG_COLUMNS " FROM " + std::string(table) +
                                   " c ORDER BY c.version DESC LIMIT 1"));
  return read_one<CatalogVersion>(statement, "reading the latest " + std::string(what) + " version",
                                  read_catalog_version);
}

Result<CatalogVersion> SqliteTransaction::insert_catalog_version(CatalogVersion version) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_catalog_version"));
  return insert_document_version("catalog_versions", "catalog", std::move(version));
}

Result<std::optional<CatalogVersion>> SqliteTransaction::latest_catalog_version() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  return latest_document_version("catalog_versions", "catalog");
}

Result<CatalogVersion> SqliteTransaction::insert_rules_version(CatalogVersion version) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_rules_version"));
  return insert_document_version("rules_versions", "rules", std::move(version));
}

Result<std::optional<CatalogVersion>> SqliteTransaction::latest_rules_version() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  return latest_document_version("rules_versions", "rules");
}

Result<CatalogVersion> SqliteTransaction::insert_qc_policy_version(CatalogVersion version) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_qc_policy_version"));
  return insert_document_version("qc_policy_versions", "QC policy", std::move(version));
}

Result<std::optional<CatalogVersion>> SqliteTransaction::latest_qc_policy_version() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  return latest_document_version("qc_policy_versions", "QC policy");
}

Result<CatalogVersion> SqliteTransaction::insert_personnel_requirements_version(
    CatalogVersion version) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_personnel_requirements_version"));
  return insert_document_version("personnel_requirements_versions", "personnel requirements",
                                 std::move(version));
}

Result<std::optional<CatalogVersion>> SqliteTransaction::latest_personnel_requirements_version() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  return latest_document_version("personnel_requirements_versions", "personnel requirements");
}

Result<CatalogVersion> SqliteTransaction::insert_ce_rules_version(CatalogVersion version) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_ce_rules_version"));
  return insert_document_version("ce_rules_versions", "continuing-education rules",
                                 std::move(version));
}

Result<std::optional<CatalogVersion>> SqliteTransaction::latest_ce_rules_version() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  return latest_document_version("ce_rules_versions", "continuing-education rules");
}

// --- patients ----------------------------------------------------------------------------

Result<core::Patient> SqliteTransaction::insert_patient(core::Patient patient) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_patient"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO patients (mrn, family_name, given_name, birth_date, sex,"
              " registered_at, registered_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  bind_patient(statement, patient);
  ALIQUOT_ASSIGN_OR_RETURN(
      patient.id,
      restate_conflict(returned_id(statement, "inserting patient with MRN '" + patient.mrn + "'"),
                       [&] { return "patient with MRN '" + patient.mrn + "' already exists"; }));
  return patient;
}

Result<std::optional<core::Patient>> SqliteTransaction::find_patient(std::int64_t id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_PATIENT_COLUMNS
                                                        " FROM patients p WHERE p.id = ?"));
  statement.bind_int64(id);
  return read_one<core::Patient>(statement, "finding patient " + std::to_string(id), read_patient);
}

Result<std::optional<core::Patient>> SqliteTransaction::find_patient_by_mrn(std::string_view mrn) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_PATIENT_COLUMNS
                                                        " FROM patients p WHERE p.mrn = ?"));
  statement.bind_text(mrn);
  return read_one<core::Patient>(statement, "finding patient with MRN '" + std::string(mrn) + "'",
                                 read_patient);
}

Result<void> SqliteTransaction::update_patient(const core::Patient& patient) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("update_patient"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("UPDATE patients SET mrn = ?, family_name = ?, given_name = ?, birth_date = ?,"
              " sex = ?, registered_at = ?, registered_by = ? WHERE id = ?"));
  bind_patient(statement, patient);
  statement.bind_int64(patient.id);
  return restate_conflict(
      updated_one(
          statement, [&] { return "updating patient " + std::to_string(patient.id); }, "patient",
          patient.id),
      [&] { return "patient with MRN '" + patient.mrn + "' already exists"; });
}

// --- orders ------------------------------------------------------------------------------

Result<core::Order> SqliteTransaction::insert_order(core::Order order) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_order"));
  const std::string doing = "inserting order '" + order.order_number + "'";
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("INSERT INTO orders (order_number, patient_id, ordering_provider, priority,"
                " clinical_info, ordered_at, ordered_by, placer_order_number)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id"));
    statement.bind_text(order.order_number)
        .bind_int64(order.patient_id)
        .bind_text(order.ordering_provider)
        .bind_text(core::to_code(order.priority))
        .bind_text(order.clinical_info)
        .bind_instant(order.ordered_at)
        .bind_text(order.ordered_by)
        .bind_text(order.placer_order_number);
    ALIQUOT_ASSIGN_OR_RETURN(order.id, restate_conflict(returned_id(statement, doing), [&] {
                               return "order '" + order.order_number + "' already exists";
                             }));
  }
  for (std::size_t i = 0; i < order.requested_codes.size(); ++i) {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("INSERT INTO order_requested_codes (order_id, ordinal, code) VALUES (?, ?, ?)"));
    statement.bind_int64(order.id)
        .bind_int64(static_cast<std::int64_t>(i))
        .bind_text(order.requested_codes[i]);
    ALIQUOT_RETURN_IF_ERROR(statement.run(doing));
  }
  return order;
}

Result<void> SqliteTransaction::load_requested_codes(core::Order& order) {
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT code FROM order_requested_codes WHERE order_id = ?"
                                   " ORDER BY ordinal"));
  statement.bind_int64(order.id);
  ALIQUOT_ASSIGN_OR_RETURN(
      order.requested_codes,
      read_all<std::string>(statement,
                            "reading the requested codes of order '" + order.order_number + "'",
                            [](RowReader& row) { return row.text(); }));
  return ok();
}

Result<std::optional<core::Order>> SqliteTransaction::find_one_order(Statement& statement,
                                                                     std::string_view doing) {
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::Order> order,
                           read_one<core::Order>(statement, doing, read_order));
  if (order) ALIQUOT_RETURN_IF_ERROR(load_requested_codes(*order));
  return order;
}

Result<std::optional<core::Order>> SqliteTransaction::find_order(std::int64_t id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_ORDER_COLUMNS
                                                        " FROM orders o WHERE o.id = ?"));
  statement.bind_int64(id);
  return find_one_order(statement, "finding order " + std::to_string(id));
}

Result<std::optional<core::Order>> SqliteTransaction::find_order_by_number(
    std::string_view number) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_ORDER_COLUMNS
                                                        " FROM orders o WHERE o.order_number = ?"));
  statement.bind_text(number);
  return find_one_order(statement, "finding order '" + std::string(number) + "'");
}

Result<std::vector<core::Order>> SqliteTransaction::orders_for_patient(std::int64_t patient_id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  std::vector<core::Order> orders;
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("SELECT " ALIQUOT_ORDER_COLUMNS " FROM orders o WHERE o.patient_id = ?"
                " ORDER BY o.ordered_at DESC, o.id DESC"));
    statement.bind_int64(patient_id);
    ALIQUOT_ASSIGN_OR_RETURN(
        orders,
        read_all<core::Order>(
            statement, "listing the orders of patient " + std::to_string(patient_id), read_order));
  }
  for (core::Order& order : orders) ALIQUOT_RETURN_IF_ERROR(load_requested_codes(order));
  return orders;
}

// --- specimens ---------------------------------------------------------------------------

Result<core::Specimen> SqliteTransaction::insert_specimen(core::Specimen specimen) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_specimen"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO specimens (accession_number, order_id, specimen_type, container_type,"
              " collected_at, collected_by, received_at, received_by, receipt_condition, status,"
              " rejection_reason, rejection_comment, rejected_at, rejected_by)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  bind_specimen(statement, specimen);
  ALIQUOT_ASSIGN_OR_RETURN(
      specimen.id,
      restate_conflict(
          returned_id(statement, "inserting specimen '" + specimen.accession_number + "'"), [&] {
            return "specimen with accession number '" + specimen.accession_number +
                   "' already exists";
          }));
  return specimen;
}

Result<void> SqliteTransaction::update_specimen(const core::Specimen& specimen) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("update_specimen"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("UPDATE specimens SET accession_number = ?, order_id = ?, specimen_type = ?,"
              " container_type = ?, collected_at = ?, collected_by = ?, received_at = ?,"
              " received_by = ?, receipt_condition = ?, status = ?, rejection_reason = ?,"
              " rejection_comment = ?, rejected_at = ?, rejected_by = ? WHERE id = ?"));
  bind_specimen(statement, specimen);
  statement.bind_int64(specimen.id);
  return restate_conflict(
      updated_one(
          statement, [&] { return "updating specimen '" + specimen.accession_number + "'"; },
          "specimen", specimen.id),
      [&] {
        return "specimen with accession number '" + specimen.accession_number + "' already exists";
      });
}

Result<std::optional<core::Specimen>> SqliteTransaction::select_specimen(Statement& statement,
                                                                         std::string_view doing) {
  return read_one<core::Specimen>(statement, doing, read_specimen);
}

Result<std::optional<core::Specimen>> SqliteTransaction::find_specimen(std::int64_t id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_SPECIMEN_COLUMNS
                                                        " FROM specimens s WHERE s.id = ?"));
  statement.bind_int64(id);
  return select_specimen(statement, "finding specimen " + std::to_string(id));
}

Result<std::optional<core::Specimen>> SqliteTransaction::find_specimen_by_accession(
    std::string_view accession_number) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT " ALIQUOT_SPECIMEN_COLUMNS " FROM specimens s WHERE s.accession_number = ?"));
  statement.bind_text(accession_number);
  return select_specimen(statement, "finding specimen '" + std::string(accession_number) + "'");
}

Result<std::vector<core::Specimen>> SqliteTransaction::specimens_for_order(std::int64_t order_id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT " ALIQUOT_SPECIMEN_COLUMNS
                                   " FROM specimens s WHERE s.order_id = ? ORDER BY s.id"));
  statement.bind_int64(order_id);
  return read_all<core::Specimen>(
      statement, "listing the specimens of order " + std::to_string(order_id), read_specimen);
}

// --- results -----------------------------------------------------------------------------

Result<core::TestResult> SqliteTransaction::insert_result(core::TestResult result) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_result"));
  if (result.value) {
    ALIQUOT_RETURN_IF_ERROR(check_number(*result.value, [&] { return result_label(result); }));
  }
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("INSERT INTO results (" ALIQUOT_RESULT_VALUES_NAMES
                                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                   " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  bind_result(statement, result);
  ALIQUOT_ASSIGN_OR_RETURN(result.id, returned_id(statement, "inserting " + result_label(result)));
  return result;
}

Result<void> SqliteTransaction::update_result(const core::TestResult& result) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("update_result"));
  if (result.value) {
    ALIQUOT_RETURN_IF_ERROR(check_number(*result.value, [&] { return result_label(result); }));
  }
  const auto doing = [&] { return "updating result " + std::to_string(result.id); };
  // Entering, releasing and correcting a value leave the result's order, specimen, test and
  // section as they were. An UPDATE that does not set those columns spares SQLite rewriting the
  // result's entries in results_by_order and results_by_specimen and checking both foreign keys
  // again; it changes the row only where those columns already hold the values given, and the
  // full UPDATE below runs otherwise, so the row ends the same either way.
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare(
            "UPDATE results SET status = ?, value_kind = ?, value_number = ?,"
            " value_comparator = ?, value_text = ?, value_unit = ?, value_decimals = ?,"
            " flag = ?, reference_range = ?, entered_at = ?, entered_by = ?,"
            " measured_at = ?, instrument = ?, performed_by = ?, released_at = ?, released_by = ?,"
            " corrected_at = ?, corrected_by = ?,"
            " correction_reason = ?, cancelled_at = ?, cancelled_by = ?, cancel_reason = ?,"
            " revision = ?"
            " WHERE id = ? AND order_id = ? AND specimen_id IS ? AND test_code = ?"
            " AND section = ?"));
    bind_result_state(statement, result);
    statement.bind_int64(result.id);
    bind_result_place(statement, result);
    ALIQUOT_RETURN_IF_ERROR(statement.run_described(doing));
    if (sqlite3_changes(connection_.handle()) == 1) return ok();
  }
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare(
          "UPDATE results SET order_id = ?, specimen_id = ?, test_code = ?, section = ?,"
          " status = ?, value_kind = ?, value_number = ?, value_comparator = ?,"
          " value_text = ?, value_unit = ?, value_decimals = ?, flag = ?,"
          " reference_range = ?, entered_at = ?, entered_by = ?, measured_at = ?,"
          " instrument = ?, performed_by = ?, released_at = ?, released_by = ?, corrected_at = ?,"
          " corrected_by = ?, correction_reason = ?,"
          " cancelled_at = ?, cancelled_by = ?, cancel_reason = ?, revision = ?"
          " WHERE id = ?"));
  bind_result(statement, result);
  statement.bind_int64(result.id);
  return updated_one(statement, doing, "result", result.id);
}

Result<std::vector<core::TestResult>> SqliteTransaction::select_results(std::string_view sql,
                                                                        std::int64_t key,
                                                                        std::string_view doing) {
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare(sql));
  statement.bind_int64(key);
  return read_all<core::TestResult>(statement, doing, read_result);
}

Result<std::optional<core::TestResult>> SqliteTransaction::find_result(std::int64_t id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_RESULT_COLUMNS
                                                        " FROM results r WHERE r.id = ?"));
  statement.bind_int64(id);
  return read_one<core::TestResult>(statement, "finding result " + std::to_string(id), read_result);
}

Result<std::vector<core::TestResult>> SqliteTransaction::results_for_order(std::int64_t order_id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  return select_results("SELECT " ALIQUOT_RESULT_COLUMNS
                        " FROM results r WHERE r.order_id = ? ORDER BY r.id",
                        order_id, "listing the results of order " + std::to_string(order_id));
}

Result<std::vector<core::TestResult>> SqliteTransaction::results_for_specimen(
    std::int64_t specimen_id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  return select_results(
      "SELECT " ALIQUOT_RESULT_COLUMNS " FROM results r WHERE r.specimen_id = ? ORDER BY r.id",
      specimen_id, "listing the results of specimen " + std::to_string(specimen_id));
}

Result<std::vector<WorklistRow>> SqliteTransaction::worklist(std::string_view section) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  // Served by results_by_status_section; the codes are bound from core/enums.h.
#define ALIQUOT_WORKLIST_SELECT                                                             \
  "SELECT " ALIQUOT_RESULT_COLUMNS ", " ALIQUOT_SPECIMEN_COLUMNS ", " ALIQUOT_ORDER_COLUMNS \
  ", " ALIQUOT_PATIENT_COLUMNS                                                              \
  " FROM results r"                                                                         \
  " JOIN specimens s ON s.id = r.specimen_id"                                               \
  " JOIN orders o ON o.id = r.order_id"                                                     \
  " JOIN patients p ON p.id = o.patient_id"                                                 \
  " WHERE r.status IN (?, ?) AND s.status = ?"
#define ALIQUOT_WORKLIST_ORDER                                        \
  " ORDER BY CASE o.priority WHEN ? THEN 0 WHEN ? THEN 1 ELSE 2 END," \
  " s.received_at, r.id"
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare(section.empty() ? std::string_view(ALIQUOT_WORKLIST_SELECT ALIQUOT_WORKLIST_ORDER)
                              : std::string_view(ALIQUOT_WORKLIST_SELECT
                                                 " AND r.section = ?" ALIQUOT_WORKLIST_ORDER)));
#undef ALIQUOT_WORKLIST_SELECT
#undef ALIQUOT_WORKLIST_ORDER
  statement.bind_text(core::to_code(core::ResultStatus::kPending))
      .bind_text(core::to_code(core::ResultStatus::kPreliminary))
      .bind_text(core::to_code(core::SpecimenStatus::kReceived));
  if (!section.empty()) statement.bind_text(section);
  statement.bind_text(core::to_code(core::Priority::kStat))
      .bind_text(core::to_code(core::Priority::kAsap));

  const std::string doing = section.empty()
                                ? std::string("reading the worklist of all sections")
                                : "reading the worklist of section '" + std::string(section) + "'";
  std::vector<WorklistRow> rows;
  {
    ALIQUOT_ASSIGN_OR_RETURN(rows, read_all<WorklistRow>(statement, doing, [](RowReader& row) {
                               WorklistRow worklist_row;
                               worklist_row.result = read_result(row);
                               worklist_row.specimen = read_specimen(row);
                               worklist_row.order = read_order(row);
                               worklist_row.patient = read_patient(row);
                               return worklist_row;
                             }));
  }
  // Many rows share an order: read each order's codes once.
  std::map<std::int64_t, std::vector<std::string>> codes_by_order;
  for (WorklistRow& row : rows) {
    auto it = codes_by_order.find(row.order.id);
    if (it == codes_by_order.end()) {
      ALIQUOT_RETURN_IF_ERROR(load_requested_codes(row.order));
      codes_by_order.emplace(row.order.id, row.order.requested_codes);
    } else {
      row.order.requested_codes = it->second;
    }
  }
  return rows;
}

Result<void> SqliteTransaction::insert_result_revision(const core::ResultRevision& revision) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_result_revision"));
  const std::string label = "revision " + std::to_string(revision.revision) + " of result " +
                            std::to_string(revision.result_id);
  ALIQUOT_RETURN_IF_ERROR(check_number(revision.value, [&] { return label; }));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO result_revisions (result_id, revision, value_kind, value_number,"
              " value_comparator, value_text, value_unit, value_decimals, flag, reference_range,"
              " status, released_at, released_by, replaced_at, replaced_by, reason)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  statement.bind_int64(revision.result_id).bind_int64(revision.revision);
  bind_value(statement, revision.value);
  statement.bind_text(core::to_code(revision.flag))
      .bind_text(revision.reference_range)
      .bind_text(core::to_code(revision.status))
      .bind_instant(revision.released_at)
      .bind_text(revision.released_by)
      .bind_instant(revision.replaced_at)
      .bind_text(revision.replaced_by)
      .bind_text(revision.reason);
  return restate_conflict(statement.run("inserting " + label),
                          [&] { return label + " already exists"; });
}

Result<std::vector<core::ResultRevision>> SqliteTransaction::revisions_for_result(
    std::int64_t result_id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT " ALIQUOT_REVISION_COLUMNS " FROM result_revisions v WHERE v.result_id = ?"
              " ORDER BY v.revision"));
  statement.bind_int64(result_id);
  return read_all<core::ResultRevision>(
      statement, "listing the revisions of result " + std::to_string(result_id), read_revision);
}

// --- holds and history ---------------------------------------------------------------

Result<void> SqliteTransaction::replace_result_holds(std::int64_t result_id,
                                                     const std::vector<core::HoldReason>& holds) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("replace_result_holds"));
  const auto doing = [&] { return "replacing the holds of result " + std::to_string(result_id); };
  {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                             prepare("DELETE FROM result_holds WHERE result_id = ?"));
    statement.bind_int64(result_id);
    ALIQUOT_RETURN_IF_ERROR(statement.run_described(doing));
  }
  for (std::size_t i = 0; i < holds.size(); ++i) {
    const core::HoldReason& hold = holds[i];
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("INSERT INTO result_holds (result_id, position, category, action, rule,"
                " observed, threshold, message, suppresses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    statement.bind_int64(result_id)
        .bind_int64(static_cast<std::int64_t>(i))
        .bind_text_in_place(hold.category)
        .bind_text_in_place(hold.action)
        .bind_text_in_place(hold.rule)
        .bind_text_in_place(hold.observed)
        .bind_text_in_place(hold.threshold)
        .bind_text_in_place(hold.message)
        .bind_bool(hold.suppresses);
    ALIQUOT_RETURN_IF_ERROR(statement.run_described(doing));
  }
  return ok();
}

Result<std::vector<core::HoldReason>> SqliteTransaction::holds_for_result(std::int64_t result_id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT category, action, rule, observed, threshold, message, suppresses"
              " FROM result_holds WHERE result_id = ? ORDER BY position"));
  statement.bind_int64(result_id);
  return read_all<core::HoldReason>(
      statement, "listing the holds of result " + std::to_string(result_id), [](RowReader& row) {
        core::HoldReason hold;
        hold.category = row.text();
        hold.action = row.text();
        hold.rule = row.text();
        hold.observed = row.text();
        hold.threshold = row.text();
        hold.message = row.text();
        hold.suppresses = row.boolean();
        return hold;
      });
}

Result<std::optional<core::PreviousValue>> SqliteTransaction::previous_released_value(
    std::int64_t patient_id, std::string_view test_code, core::Instant collected_before) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      // CROSS JOIN keeps SQLite's planner on the patient's orders first: without statistics it
      // would otherwise read results through results_by_status_section, i.e. every released
      // result of the lab (0.4 s at a million results, for each delta check). Other databases
      // read CROSS JOIN ... ON as the inner join it is.
      prepare("SELECT r.value_number, r.value_comparator, s.collected_at"
              " FROM orders o CROSS JOIN results r ON r.order_id = o.id"
              " JOIN specimens s ON s.id = r.specimen_id"
              " WHERE o.patient_id = ? AND r.test_code = ? AND r.status IN ('final', 'corrected')"
              " AND r.value_kind = 'numeric' AND s.collected_at < ?"
              " ORDER BY s.collected_at DESC, r.id DESC LIMIT 1"));
  statement.bind_int64(patient_id).bind_text(test_code).bind_instant(collected_before);
  return read_one<core::PreviousValue>(
      statement, "reading the previous result of " + std::string(test_code), [](RowReader& row) {
        core::PreviousValue previous;
        previous.number = row.real();
        previous.comparator = row.text();
        previous.collected_at = row.instant();
        return previous;
      });
}

Result<core::CriticalCall> SqliteTransaction::insert_critical_call(core::CriticalCall call) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_critical_call"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO critical_calls (result_id, result_revision, called_by, called_to,"
              " called_at, read_back_confirmed, notes, documented_at, documented_by)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  statement.bind_int64(call.result_id)
      .bind_int64(call.result_revision)
      .bind_text(call.called_by)
      .bind_text(call.called_to)
      .bind_instant(call.called_at)
      .bind_bool(call.read_back_confirmed)
      .bind_text(call.notes)
      .bind_instant(call.documented_at)
      .bind_text(call.documented_by);
  ALIQUOT_ASSIGN_OR_RETURN(call.id,
                           returned_id(statement, "inserting the critical call of result " +
                                                      std::to_string(call.result_id)));
  return call;
}

Result<std::vector<core::CriticalCall>> SqliteTransaction::critical_calls_for_result(
    std::int64_t result_id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT " ALIQUOT_CRITICAL_CALL_COLUMNS
                                   " FROM critical_calls k WHERE k.result_id = ? ORDER BY k.id"));
  statement.bind_int64(result_id);
  return read_all<core::CriticalCall>(
      statement, "listing the critical calls of result " + std::to_string(result_id),
      read_critical_call);
}

Result<core::ResultComment> SqliteTransaction::insert_result_comment(core::ResultComment comment) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_result_comment"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO result_comments (result_id, text, on_report, written_at, written_by)"
              " VALUES (?, ?, ?, ?, ?) RETURNING id"));
  statement.bind_int64(comment.result_id)
      .bind_text(comment.text)
      .bind_bool(comment.on_report)
      .bind_instant(comment.written_at)
      .bind_text(comment.written_by);
  ALIQUOT_ASSIGN_OR_RETURN(
      comment.id,
      returned_id(statement, "inserting a comment on result " + std::to_string(comment.result_id)));
  return comment;
}

Result<std::vector<core::ResultComment>> SqliteTransaction::comments_for_result(
    std::int64_t result_id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT id, result_id, text, on_report, written_at, written_by"
                                   " FROM result_comments WHERE result_id = ? ORDER BY id"));
  statement.bind_int64(result_id);
  return read_all<core::ResultComment>(
      statement, "listing the comments on result " + std::to_string(result_id), [](RowReader& row) {
        core::ResultComment comment;
        comment.id = row.int64();
        comment.result_id = row.int64();
        comment.text = row.text();
        comment.on_report = row.boolean();
        comment.written_at = row.instant();
        comment.written_by = row.text();
        return comment;
      });
}

// --- audit -------------------------------------------------------------------------------

void SqliteTransaction::forget_audit_end() {
  known_head_.reset();
  known_last_link_.reset();
}

Result<std::optional<AuditHead>> SqliteTransaction::audit_head() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  if (known_head_ && audit_end_trusted()) return *known_head_;
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT last_sequence, last_hash FROM audit_head WHERE id = 1"));
  ALIQUOT_ASSIGN_OR_RETURN(
      std::optional<AuditHead> head,
      read_one<AuditHead>(statement, "reading the audit chain head", [](RowReader& row) {
        AuditHead read;
        read.sequence = row.int64();
        read.hash = row.text();
        return read;
      }));
  known_head_ = head;
  return head;
}

Result<void> SqliteTransaction::append_audit_entry(const core::AuditEntry& entry) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("append_audit_entry"));
  // The head, not the last row, decides what comes next: a trail whose last rows were removed
  // must not be silently extended over the gap.
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<AuditHead> head, audit_head());
  const std::int64_t last = head ? head->sequence : 0;
  if (entry.sequence != last + 1) {
    return failed_precondition("audit entry " + std::to_string(entry.sequence) +
                               " refused: the audit trail ends at entry " + std::to_string(last) +
                               ", so the next entry must be " + std::to_string(last + 1));
  }
  // The new entry is the last one when the known last entry is the one before it (no entry
  // with a higher sequence can exist then); otherwise the last entry stays to be read.
  const bool follows_known_last =
      known_last_link_ && audit_end_trusted() &&
      (*known_last_link_ ? (*known_last_link_)->sequence : 0) == entry.sequence - 1;
  forget_audit_end();
  const auto doing = [&] { return "appending audit entry " + std::to_string(entry.sequence); };
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("INSERT INTO audit_log (sequence, recorded_at, actor, action, entity_type,"
                " entity_key, patient_mrn, accession_number, test_code, before_json, after_json,"
                " reason, previous_hash, hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    statement.bind_int64(entry.sequence)
        .bind_instant(entry.at)
        .bind_text_in_place(entry.actor)
        .bind_text_in_place(entry.action)
        .bind_text_in_place(entry.entity_type)
        .bind_text_in_place(entry.entity_key)
        .bind_text_in_place(entry.patient_mrn)
        .bind_text_in_place(entry.accession_number)
        .bind_text_in_place(entry.test_code)
        .bind_text_in_place(entry.before)
        .bind_text_in_place(entry.after)
        .bind_text_in_place(entry.reason)
        .bind_text_in_place(entry.previous_hash)
        .bind_text_in_place(entry.hash);
    ALIQUOT_RETURN_IF_ERROR(restate_conflict(statement.run_described(doing), [&] {
      return "audit entry " + std::to_string(entry.sequence) + " already exists";
    }));
  }
  // The head row exists from the first append on: updating it is cheaper for SQLite than an
  // INSERT that turns into an update on conflict. Only the first append inserts it.
  {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("UPDATE audit_head SET last_sequence = ?, last_hash = ? WHERE id = 1"));
    statement.bind_int64(entry.sequence).bind_text_in_place(entry.hash);
    ALIQUOT_RETURN_IF_ERROR(statement.run_described(doing));
  }
  if (sqlite3_changes(connection_.handle()) == 0) {
    ALIQUOT_ASSIGN_OR_RETURN(
        Statement statement,
        prepare("INSERT INTO audit_head (id, last_sequence, last_hash) VALUES (1, ?, ?)"));
    statement.bind_int64(entry.sequence).bind_text_in_place(entry.hash);
    ALIQUOT_RETURN_IF_ERROR(statement.run_described(doing));
  }
  known_head_ = AuditHead{entry.sequence, entry.hash};
  appended_audit_entries_ = true;
  if (follows_known_last) known_last_link_ = AuditHead{entry.sequence, entry.hash};
  return ok();
}

Result<std::vector<core::AuditEntry>> SqliteTransaction::select_audit_entries(
    Statement& statement, std::string_view doing) {
  return read_all<core::AuditEntry>(statement, doing, read_audit_entry);
}

Result<std::optional<core::AuditEntry>> SqliteTransaction::last_audit_entry() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT " ALIQUOT_AUDIT_COLUMNS
                                   " FROM audit_log a ORDER BY a.sequence DESC LIMIT 1"));
  ALIQUOT_ASSIGN_OR_RETURN(
      std::optional<core::AuditEntry> last,
      read_one<core::AuditEntry>(statement, "reading the last audit entry", read_audit_entry));
  known_last_link_ =
      last ? std::optional<AuditHead>(AuditHead{last->sequence, last->hash}) : std::nullopt;
  return last;
}

Result<std::optional<AuditHead>> SqliteTransaction::last_audit_link() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  if (known_last_link_ && audit_end_trusted()) return *known_last_link_;
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT a.sequence, a.hash FROM audit_log a ORDER BY a.sequence DESC LIMIT 1"));
  ALIQUOT_ASSIGN_OR_RETURN(
      std::optional<AuditHead> link,
      read_one<AuditHead>(statement, "reading the last audit entry", [](RowReader& row) {
        AuditHead read;
        read.sequence = row.int64();
        read.hash = row.text();
        return read;
      }));
  known_last_link_ = link;
  return link;
}

Result<std::vector<core::AuditEntry>> SqliteTransaction::audit_entries(std::int64_t from_sequence,
                                                                       std::int64_t limit) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_RETURN_IF_ERROR(check_limit(limit, "audit entries"));
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_AUDIT_COLUMNS
                                                        " FROM audit_log a WHERE a.sequence >= ?"
                                                        " ORDER BY a.sequence LIMIT ?"));
  statement.bind_int64(from_sequence).bind_int64(limit);
  return select_audit_entries(statement,
                              "reading audit entries from " + std::to_string(from_sequence));
}

Result<std::vector<core::AuditEntry>> SqliteTransaction::find_audit_entries(
    const AuditFilter& filter) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  // The text is assembled from fixed fragments (each shape cached); every value is bound. An
  // accession number also selects the entries of its results, whose entity key is
  // "ACCESSION/TEST": the key range ["ACCESSION/", "ACCESSION0") holds exactly those keys,
  // because '0' is the character after '/'.
  std::string conditions;
  if (!filter.patient_mrn.empty()) conditions += " AND a.patient_mrn = ?";
  if (!filter.accession_number.empty()) {
    conditions +=
        " AND (a.accession_number = ?"
        " OR (a.entity_type = ? AND a.entity_key >= ? AND a.entity_key < ?))";
  }
  if (!filter.test_code.empty()) conditions += " AND a.test_code = ?";
  if (!filter.entity_type.empty()) conditions += " AND a.entity_type = ?";
  const auto bind_conditions = [&filter](Statement& statement) {
    if (!filter.patient_mrn.empty()) statement.bind_text(filter.patient_mrn);
    if (!filter.accession_number.empty()) {
      statement.bind_text(filter.accession_number)
          .bind_text("result")
          .bind_text(filter.accession_number + "/")
          .bind_text(filter.accession_number + "0");
    }
    if (!filter.test_code.empty()) statement.bind_text(filter.test_code);
    if (!filter.entity_type.empty()) statement.bind_text(filter.entity_type);
  };

  // The entries up to indexed_through are found through audit_lookup, by the most selective
  // subject given; the ones after it (at most kAuditTailLimit once committed) are read. Both
  // parts check every condition, and they cannot overlap.
  constexpr char kEntitySeparator = '\x1f';
  std::string lookup;
  std::vector<std::string> lookup_keys;
  if (!filter.patient_mrn.empty()) {
    lookup = "l.kind = 'p' AND l.key = ?";
    lookup_keys = {filter.patient_mrn};
  } else if (!filter.accession_number.empty()) {
    lookup = "(l.kind = 'a' AND l.key = ?) OR (l.kind = 'e' AND l.key >= ? AND l.key < ?)";
    const std::string results_of = std::string("result") + kEntitySeparator;
    lookup_keys = {filter.accession_number, results_of + filter.accession_number + "/",
                   results_of + filter.accession_number + "0"};
  } else if (!filter.test_code.empty()) {
    lookup = "l.kind = 't' AND l.key = ?";
    lookup_keys = {filter.test_code};
  } else if (!filter.entity_type.empty()) {
    // Every key of the type: from "TYPE\x1f" up to "TYPE\x20", the next character.
    lookup = "l.kind = 'e' AND l.key >= ? AND l.key < ?";
    lookup_keys = {filter.entity_type + kEntitySeparator,
                   filter.entity_type + static_cast<char>(kEntitySeparator + 1)};
  }

  std::string sql = "SELECT " ALIQUOT_AUDIT_COLUMNS " FROM audit_log a";
  if (lookup.empty()) {
    sql += " WHERE 1 = 1" + conditions + " ORDER BY a.sequence";
  } else {
    sql += " WHERE a.sequence IN (SELECT l.sequence FROM audit_lookup l WHERE " + lookup + ")" +
           conditions +
           " UNION ALL SELECT " ALIQUOT_AUDIT_COLUMNS
           " FROM audit_log a WHERE a.sequence >"
           " (SELECT s.indexed_through FROM audit_lookup_state s WHERE s.id = 1)" +
           conditions + " ORDER BY 1";
  }
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare(sql));
  if (!lookup.empty()) {
    for (const std::string& key : lookup_keys) statement.bind_text(key);
  }
  bind_conditions(statement);
  if (!lookup.empty()) bind_conditions(statement);
  return select_audit_entries(statement, "searching the audit trail");
}

// --- savepoints ---------------------------------------------------------------------------

namespace {

// Savepoint names go into the SQL text (they cannot be bound): only plain identifiers pass.
Result<void> check_savepoint_name(std::string_view name) {
  const bool plain =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      });
  if (!plain) {
    return invalid_argument("savepoint name '" + std::string(name) +
                            "' must be 1 to 64 of a-z, 0-9 and _");
  }
  return ok();
}

}  // namespace

Result<void> SqliteTransaction::savepoint(std::string_view name) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("savepoint"));
  ALIQUOT_RETURN_IF_ERROR(check_savepoint_name(name));
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SAVEPOINT " + std::string(name)));
  return statement.run("opening savepoint " + std::string(name));
}

Result<void> SqliteTransaction::rollback_to_savepoint(std::string_view name) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("rollback_to_savepoint"));
  ALIQUOT_RETURN_IF_ERROR(check_savepoint_name(name));
  // Appends since the savepoint are undone with everything else.
  forget_audit_end();
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("ROLLBACK TO SAVEPOINT " + std::string(name)));
  return statement.run("rolling back to savepoint " + std::string(name));
}

Result<void> SqliteTransaction::release_savepoint(std::string_view name) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("release_savepoint"));
  ALIQUOT_RETURN_IF_ERROR(check_savepoint_name(name));
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("RELEASE SAVEPOINT " + std::string(name)));
  return statement.run("releasing savepoint " + std::string(name));
}

// --- messages ------------------------------------------------------------------------------

#define ALIQUOT_APPLIED_COLUMNS "m.channel, m.sender, m.message_id, m.applied_at, m.summary"
#define ALIQUOT_QUARANTINE_COLUMNS                                                   \
  "q.id, q.received_at, q.channel, q.sender, q.message_id, q.message_type, q.peer, " \
  "q.reason, q.status, q.resolved_at, q.resolved_by, q.resolution"
#define ALIQUOT_OUTBOX_COLUMNS                                                              \
  "x.id, x.created_at, x.destination, x.message_type, x.message_id, x.subject, x.payload, " \
  "x.status, x.attempts, x.next_attempt_at, x.last_attempt_at, x.delivered_at, x.last_error"

namespace {

AppliedMessage read_applied(RowReader& row) {
  AppliedMessage message;
  message.channel = row.parse(parse_channel);
  message.sender = row.text();
  message.message_id = row.text();
  message.applied_at = row.instant();
  message.summary = row.text();
  return message;
}

// Reads ALIQUOT_QUARANTINE_COLUMNS; the content, when selected, follows them.
QuarantinedMessage read_quarantined(RowReader& row) {
  QuarantinedMessage message;
  message.id = row.int64();
  message.received_at = row.instant();
  message.channel = row.parse(parse_channel);
  message.sender = row.text();
  message.message_id = row.text();
  message.message_type = row.text();
  message.peer = row.text();
  message.reason = row.text();
  message.status = row.parse(parse_quarantine_status);
  message.resolved_at = row.optional_instant();
  message.resolved_by = row.text();
  message.resolution = row.text();
  return message;
}

OutboxMessage read_outbox(RowReader& row) {
  OutboxMessage message;
  message.id = row.int64();
  message.created_at = row.instant();
  message.destination = row.text();
  message.message_type = row.text();
  message.message_id = row.text();
  message.subject = row.text();
  message.payload = row.text();
  message.status = row.parse(parse_outbox_status);
  message.attempts = row.int32();
  message.next_attempt_at = row.instant();
  message.last_attempt_at = row.optional_instant();
  message.delivered_at = row.optional_instant();
  message.last_error = row.text();
  return message;
}

void bind_outbox(Statement& statement, const OutboxMessage& message) {
  statement.bind_instant(message.created_at)
      .bind_text(message.destination)
      .bind_text(message.message_type)
      .bind_text(message.message_id)
      .bind_text(message.subject)
      .bind_text(message.payload)
      .bind_text(to_code(message.status))
      .bind_int64(message.attempts)
      .bind_instant(message.next_attempt_at)
      .bind_optional_instant(message.last_attempt_at)
      .bind_optional_instant(message.delivered_at)
      .bind_text(message.last_error);
}

}  // namespace

Result<void> SqliteTransaction::insert_applied_message(const AppliedMessage& message) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_applied_message"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO applied_messages (channel, sender, message_id, applied_at, summary)"
              " VALUES (?, ?, ?, ?, ?)"));
  statement.bind_text(to_code(message.channel))
      .bind_text(message.sender)
      .bind_text(message.message_id)
      .bind_instant(message.applied_at)
      .bind_text(message.summary);
  return restate_conflict(statement.run("recording applied message '" + message.message_id + "'"),
                          [&] {
                            return "message '" + message.message_id + "' from '" + message.sender +
                                   "' was already applied";
                          });
}

Result<std::optional<AppliedMessage>> SqliteTransaction::find_applied_message(
    Channel channel, std::string_view sender, std::string_view message_id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT " ALIQUOT_APPLIED_COLUMNS " FROM applied_messages m"
                                   " WHERE m.channel = ? AND m.sender = ? AND m.message_id = ?"));
  statement.bind_text(to_code(channel)).bind_text(sender).bind_text(message_id);
  return read_one<AppliedMessage>(statement, "looking up applied message", read_applied);
}

Result<QuarantinedMessage> SqliteTransaction::insert_quarantined_message(
    QuarantinedMessage message) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_quarantined_message"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO quarantined_messages (received_at, channel, sender, message_id,"
              " message_type, peer, reason, content, status, resolved_at, resolved_by,"
              " resolution) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  statement.bind_instant(message.received_at)
      .bind_text(to_code(message.channel))
      .bind_text(message.sender)
      .bind_text(message.message_id)
      .bind_text(message.message_type)
      .bind_text(message.peer)
      .bind_text(message.reason)
      .bind_text(message.content)
      .bind_text(to_code(message.status))
      .bind_optional_instant(message.resolved_at)
      .bind_text(message.resolved_by)
      .bind_text(message.resolution);
  ALIQUOT_ASSIGN_OR_RETURN(message.id, returned_id(statement, "quarantining a message"));
  return message;
}

Result<void> SqliteTransaction::update_quarantined_message(const QuarantinedMessage& message) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("update_quarantined_message"));
  // What was received never changes: only the resolution is updated.
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("UPDATE quarantined_messages SET status = ?, resolved_at = ?, resolved_by = ?,"
              " resolution = ? WHERE id = ?"));
  statement.bind_text(to_code(message.status))
      .bind_optional_instant(message.resolved_at)
      .bind_text(message.resolved_by)
      .bind_text(message.resolution)
      .bind_int64(message.id);
  return updated_one(
      statement, [&] { return "updating quarantined message " + std::to_string(message.id); },
      "quarantined message", message.id);
}

Result<std::optional<QuarantinedMessage>> SqliteTransaction::find_quarantined_message(
    std::int64_t id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT " ALIQUOT_QUARANTINE_COLUMNS
                                   ", q.content FROM quarantined_messages q WHERE q.id = ?"));
  statement.bind_int64(id);
  return read_one<QuarantinedMessage>(
      statement, "reading quarantined message " + std::to_string(id), [](RowReader& row) {
        QuarantinedMessage message = read_quarantined(row);
        message.content = row.text();
        return message;
      });
}

Result<std::vector<QuarantinedMessage>> SqliteTransaction::list_quarantined_messages(
    std::optional<QuarantineStatus> status, std::int64_t limit) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT " ALIQUOT_QUARANTINE_COLUMNS " FROM quarantined_messages q"
              " WHERE (? = '' OR q.status = ?) ORDER BY q.id DESC LIMIT ?"));
  const std::string code = status ? std::string(to_code(*status)) : "";
  statement.bind_text(code).bind_text(code).bind_int64(limit);
  return read_all<QuarantinedMessage>(statement, "listing quarantined messages", read_quarantined);
}

Result<OutboxMessage> SqliteTransaction::insert_outbox_message(OutboxMessage message) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_outbox_message"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO outbox (created_at, destination, message_type, message_id, subject,"
              " payload, status, attempts, next_attempt_at, last_attempt_at, delivered_at,"
              " last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  bind_outbox(statement, message);
  ALIQUOT_ASSIGN_OR_RETURN(
      message.id, returned_id(statement, "queueing outbox message '" + message.message_id + "'"));
  return message;
}

Result<void> SqliteTransaction::update_outbox_message(const OutboxMessage& message) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("update_outbox_message"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("UPDATE outbox SET created_at = ?, destination = ?, message_type = ?,"
              " message_id = ?, subject = ?, payload = ?, status = ?, attempts = ?,"
              " next_attempt_at = ?, last_attempt_at = ?, delivered_at = ?, last_error = ?"
              " WHERE id = ?"));
  bind_outbox(statement, message);
  statement.bind_int64(message.id);
  return updated_one(
      statement, [&] { return "updating outbox message " + std::to_string(message.id); },
      "outbox message", message.id);
}

Result<std::optional<OutboxMessage>> SqliteTransaction::find_outbox_message(std::int64_t id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_OUTBOX_COLUMNS
                                                        " FROM outbox x WHERE x.id = ?"));
  statement.bind_int64(id);
  return read_one<OutboxMessage>(statement, "reading outbox message " + std::to_string(id),
                                 read_outbox);
}

Result<std::vector<OutboxMessage>> SqliteTransaction::due_outbox_messages(core::Instant now,
                                                                          std::int64_t limit) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT " ALIQUOT_OUTBOX_COLUMNS " FROM outbox x WHERE x.status = 'pending'"
              " AND x.next_attempt_at <= ? ORDER BY x.id LIMIT ?"));
  statement.bind_instant(now).bind_int64(limit);
  return read_all<OutboxMessage>(statement, "reading due outbox messages", read_outbox);
}

Result<std::vector<OutboxMessage>> SqliteTransaction::list_outbox_messages(
    std::optional<OutboxStatus> status, std::int64_t limit) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT " ALIQUOT_OUTBOX_COLUMNS " FROM outbox x WHERE (? = '' OR x.status = ?)"
              " ORDER BY x.id DESC LIMIT ?"));
  const std::string code = status ? std::string(to_code(*status)) : "";
  statement.bind_text(code).bind_text(code).bind_int64(limit);
  return read_all<OutboxMessage>(statement, "listing outbox messages", read_outbox);
}

}  // namespace aliquot::store::sqlite
