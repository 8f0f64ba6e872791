#include "store/sqlite/migrations.h"

#include <array>
#include <string>

#include "core/time.h"

namespace aliquot::store::sqlite {
namespace {

// Conventions of the schema, shared by every table:
// - instants are INTEGER unix milliseconds UTC; NULL when the event has not happened;
// - civil dates are TEXT 'YYYY-MM-DD'; NULL when not set;
// - enums are TEXT holding their codes from core/enums.h ("stat", "received", "HH", ...);
// - booleans are INTEGER 0/1;
// - text that is "" when absent is NOT NULL with ''.
// `INTEGER PRIMARY KEY` is SQLite's row id (ids assigned on insert); a PostgreSQL schema uses
// BIGINT GENERATED ALWAYS AS IDENTITY for the same columns. Everything else here is portable.
constexpr const char* kSchemaVersion1 = R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL,
  active        INTEGER NOT NULL,
  created_at    INTEGER NOT NULL
);

CREATE TABLE settings (
  name   TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);

CREATE TABLE sequences (
  name   TEXT PRIMARY KEY,
  value  INTEGER NOT NULL
);

CREATE TABLE catalog_versions (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  content    TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  loaded_at  INTEGER NOT NULL,
  loaded_by  TEXT NOT NULL
);

CREATE TABLE patients (
  id             INTEGER PRIMARY KEY,
  mrn            TEXT NOT NULL UNIQUE,
  family_name    TEXT NOT NULL,
  given_name     TEXT NOT NULL,
  birth_date     TEXT,
  sex            TEXT NOT NULL,
  registered_at  INTEGER NOT NULL,
  registered_by  TEXT NOT NULL
);

CREATE TABLE orders (
  id                 INTEGER PRIMARY KEY,
  order_number       TEXT NOT NULL UNIQUE,
  patient_id         INTEGER NOT NULL REFERENCES patients (id),
  ordering_provider  TEXT NOT NULL,
  priority           TEXT NOT NULL,
  clinical_info      TEXT NOT NULL,
  ordered_at         INTEGER NOT NULL,
  ordered_by         TEXT NOT NULL
);
CREATE INDEX orders_by_patient ON orders (patient_id, ordered_at);

-- The codes as requested (panels as panels), in the order given.
CREATE TABLE order_requested_codes (
  order_id  INTEGER NOT NULL REFERENCES orders (id),
  ordinal   INTEGER NOT NULL,
  code      TEXT NOT NULL,
  PRIMARY KEY (order_id, ordinal)
);

CREATE TABLE specimens (
  id                 INTEGER PRIMARY KEY,
  accession_number   TEXT NOT NULL UNIQUE,
  order_id           INTEGER NOT NULL REFERENCES orders (id),
  specimen_type      TEXT NOT NULL,
  container_type     TEXT NOT NULL,
  collected_at       INTEGER NOT NULL,
  collected_by       TEXT NOT NULL,
  received_at        INTEGER,
  received_by        TEXT NOT NULL,
  receipt_condition  TEXT NOT NULL,
  status             TEXT NOT NULL,
  rejection_reason   TEXT,
  rejection_comment  TEXT NOT NULL,
  rejected_at        INTEGER,
  rejected_by        TEXT NOT NULL
);
CREATE INDEX specimens_by_order ON specimens (order_id);

-- value_* columns are all NULL when the result has no value yet (value_kind IS NULL).
CREATE TABLE results (
  id                 INTEGER PRIMARY KEY,
  order_id           INTEGER NOT NULL REFERENCES orders (id),
  specimen_id        INTEGER REFERENCES specimens (id),
  test_code          TEXT NOT NULL,
  section            TEXT NOT NULL,
  status             TEXT NOT NULL,
  value_kind         TEXT,
  value_number       REAL,
  value_comparator   TEXT,
  value_text         TEXT,
  value_unit         TEXT,
  value_decimals     INTEGER,
  flag               TEXT NOT NULL,
  reference_range    TEXT NOT NULL,
  entered_at         INTEGER,
  entered_by         TEXT NOT NULL,
  released_at        INTEGER,
  released_by        TEXT NOT NULL,
  corrected_at       INTEGER,
  corrected_by       TEXT NOT NULL,
  correction_reason  TEXT NOT NULL,
  cancelled_at       INTEGER,
  cancelled_by       TEXT NOT NULL,
  cancel_reason      TEXT NOT NULL,
  revision           INTEGER NOT NULL
);
CREATE INDEX results_by_order ON results (order_id);
CREATE INDEX results_by_specimen ON results (specimen_id);
-- The worklist selects open results (pending, preliminary) of one section or of all.
CREATE INDEX results_by_status_section ON results (status, section);

CREATE TABLE result_revisions (
  result_id         INTEGER NOT NULL REFERENCES results (id),
  revision          INTEGER NOT NULL,
  value_kind        TEXT NOT NULL,
  value_number      REAL NOT NULL,
  value_comparator  TEXT NOT NULL,
  value_text        TEXT NOT NULL,
  value_unit        TEXT NOT NULL,
  value_decimals    INTEGER NOT NULL,
  flag              TEXT NOT NULL,
  reference_range   TEXT NOT NULL,
  status            TEXT NOT NULL,
  released_at       INTEGER NOT NULL,
  released_by       TEXT NOT NULL,
  replaced_at       INTEGER NOT NULL,
  replaced_by       TEXT NOT NULL,
  reason            TEXT NOT NULL,
  PRIMARY KEY (result_id, revision)
);

CREATE TABLE critical_calls (
  id                   INTEGER PRIMARY KEY,
  result_id            INTEGER NOT NULL REFERENCES results (id),
  result_revision      INTEGER NOT NULL,
  called_by            TEXT NOT NULL,
  called_to            TEXT NOT NULL,
  called_at            INTEGER NOT NULL,
  read_back_confirmed  INTEGER NOT NULL,
  notes                TEXT NOT NULL,
  documented_at        INTEGER NOT NULL,
  documented_by        TEXT NOT NULL
);
CREATE INDEX critical_calls_by_result ON critical_calls (result_id);

-- The hash-chained audit trail (audit/chain.h). `sequence` has no gaps; rows are only inserted.
CREATE TABLE audit_log (
  sequence          INTEGER PRIMARY KEY,
  recorded_at       INTEGER NOT NULL,
  actor             TEXT NOT NULL,
  action            TEXT NOT NULL,
  entity_type       TEXT NOT NULL,
  entity_key        TEXT NOT NULL,
  patient_mrn       TEXT NOT NULL,
  accession_number  TEXT NOT NULL,
  test_code         TEXT NOT NULL,
  before_json       TEXT NOT NULL,
  after_json        TEXT NOT NULL,
  reason            TEXT NOT NULL,
  previous_hash     TEXT NOT NULL,
  hash              TEXT NOT NULL
);
CREATE INDEX audit_log_by_patient ON audit_log (patient_mrn);
CREATE INDEX audit_log_by_accession ON audit_log (accession_number);
CREATE INDEX audit_log_by_test ON audit_log (test_code);
CREATE INDEX audit_log_by_entity ON audit_log (entity_type, entity_key);

-- The chain head: one row, rewritten with every append, so that removing the last entries of
-- audit_log is detectable.
CREATE TABLE audit_head (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  last_sequence  INTEGER NOT NULL,
  last_hash      TEXT NOT NULL
);
)sql";

// Interfaces: the EHR's order number, the log of applied messages (idempotent ingest), the
// quarantine of refused messages and the outbox of messages to send.
constexpr const char* kSchemaVersion2 = R"sql(
ALTER TABLE orders ADD COLUMN placer_order_number TEXT NOT NULL DEFAULT '';

CREATE TABLE applied_messages (
  channel     TEXT NOT NULL,
  sender      TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  applied_at  INTEGER NOT NULL,
  summary     TEXT NOT NULL,
  PRIMARY KEY (channel, sender, message_id)
);

CREATE TABLE quarantined_messages (
  id            INTEGER PRIMARY KEY,
  received_at   INTEGER NOT NULL,
  channel       TEXT NOT NULL,
  sender        TEXT NOT NULL,
  message_id    TEXT NOT NULL,
  message_type  TEXT NOT NULL,
  peer          TEXT NOT NULL,
  reason        TEXT NOT NULL,
  content       BLOB NOT NULL,
  status        TEXT NOT NULL,
  resolved_at   INTEGER,
  resolved_by   TEXT NOT NULL,
  resolution    TEXT NOT NULL
);
CREATE INDEX quarantined_messages_by_status ON quarantined_messages (status, id);

CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  created_at       INTEGER NOT NULL,
  destination      TEXT NOT NULL,
  message_type     TEXT NOT NULL,
  message_id       TEXT NOT NULL,
  subject          TEXT NOT NULL,
  payload          BLOB NOT NULL,
  status           TEXT NOT NULL,
  attempts         INTEGER NOT NULL,
  next_attempt_at  INTEGER NOT NULL,
  last_attempt_at  INTEGER,
  delivered_at     INTEGER,
  last_error       TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
)sql";

constexpr const char* kSchemaVersion3 = R"sql(
CREATE TABLE rules_versions (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  content    TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  loaded_at  INTEGER NOT NULL,
  loaded_by  TEXT NOT NULL
);

-- Why a result is held for review; replaced whenever the result is judged again.
CREATE TABLE result_holds (
  result_id   INTEGER NOT NULL REFERENCES results (id),
  position    INTEGER NOT NULL,
  category    TEXT NOT NULL,
  action      TEXT NOT NULL,
  rule        TEXT NOT NULL,
  observed    TEXT NOT NULL,
  threshold   TEXT NOT NULL,
  message     TEXT NOT NULL,
  suppresses  INTEGER NOT NULL,
  PRIMARY KEY (result_id, position)
) WITHOUT ROWID;
)sql";

// Quality control (core/qc_records.h) and the instruments' calibration and maintenance schedules
// (core/instrument_task.h); results now say when and on which instrument they were measured,
// which a failed QC run looks back over.
constexpr const char* kSchemaVersion4 = R"sql(
ALTER TABLE results ADD COLUMN measured_at INTEGER;
ALTER TABLE results ADD COLUMN instrument TEXT NOT NULL DEFAULT '';
-- The look-back of a rejected QC run and the run counter of "every N runs" schedules.
CREATE INDEX results_by_instrument ON results (instrument, test_code, measured_at);

CREATE TABLE qc_materials (
  id            INTEGER PRIMARY KEY,
  product       TEXT NOT NULL,
  manufacturer  TEXT NOT NULL,
  lot           TEXT NOT NULL,
  level         TEXT NOT NULL,
  expires_on    TEXT,
  created_at    INTEGER NOT NULL,
  created_by    TEXT NOT NULL,
  UNIQUE (lot, level)
);

-- A target is never changed: a new one takes over from its effective_from.
CREATE TABLE qc_targets (
  id                INTEGER PRIMARY KEY,
  material_id       INTEGER NOT NULL REFERENCES qc_materials (id),
  instrument        TEXT NOT NULL,
  test_code         TEXT NOT NULL,
  mean              REAL NOT NULL,
  sd                REAL NOT NULL,
  source            TEXT NOT NULL,
  established_from  INTEGER NOT NULL,
  effective_from    INTEGER NOT NULL,
  entered_at        INTEGER NOT NULL,
  entered_by        TEXT NOT NULL
);
CREATE INDEX qc_targets_by_analyte ON qc_targets (instrument, test_code, material_id,
                                                  effective_from);

-- The sample ids under which instruments report control materials.
CREATE TABLE qc_sample_ids (
  instrument   TEXT NOT NULL,
  sample_id    TEXT NOT NULL,
  material_id  INTEGER NOT NULL REFERENCES qc_materials (id),
  PRIMARY KEY (instrument, sample_id)
);

CREATE TABLE qc_runs (
  id                 INTEGER PRIMARY KEY,
  instrument         TEXT NOT NULL,
  test_code          TEXT NOT NULL,
  measured_at        INTEGER NOT NULL,
  status             TEXT NOT NULL,
  rules              TEXT NOT NULL,
  violations         TEXT NOT NULL,
  source             TEXT NOT NULL,
  recorded_at        INTEGER NOT NULL,
  recorded_by        TEXT NOT NULL,
  corrective_action  TEXT NOT NULL,
  corrected_at       INTEGER,
  corrected_by       TEXT NOT NULL
);
CREATE INDEX qc_runs_by_analyte ON qc_runs (instrument, test_code, measured_at);

-- A run's control values in level order (position), with the target each was judged against.
CREATE TABLE qc_run_values (
  run_id       INTEGER NOT NULL REFERENCES qc_runs (id),
  position     INTEGER NOT NULL,
  material_id  INTEGER NOT NULL REFERENCES qc_materials (id),
  level        TEXT NOT NULL,
  lot          TEXT NOT NULL,
  value        REAL NOT NULL,
  target_mean  REAL NOT NULL,
  target_sd    REAL NOT NULL,
  PRIMARY KEY (run_id, position)
);

-- Patient results a rejected run held or found released; open until resolved_at is set.
CREATE TABLE qc_holds (
  run_id        INTEGER NOT NULL REFERENCES qc_runs (id),
  result_id     INTEGER NOT NULL REFERENCES results (id),
  was_released  INTEGER NOT NULL,
  resolved_at   INTEGER,
  resolved_by   TEXT NOT NULL,
  resolution    TEXT NOT NULL,
  PRIMARY KEY (run_id, result_id)
);
CREATE INDEX qc_holds_by_result ON qc_holds (result_id, run_id);
-- The open holds are few among all ever made; release_result asks for them often.
CREATE INDEX qc_holds_open ON qc_holds (run_id, result_id) WHERE resolved_at IS NULL;

CREATE TABLE instrument_tasks (
  id          INTEGER PRIMARY KEY,
  instrument  TEXT NOT NULL,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL,
  test_code   TEXT NOT NULL,
  frequency   TEXT NOT NULL,
  every_runs  INTEGER NOT NULL,
  active      INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  UNIQUE (instrument, name)
);

CREATE TABLE instrument_task_log (
  id           INTEGER PRIMARY KEY,
  task_id      INTEGER NOT NULL REFERENCES instrument_tasks (id),
  done_at      INTEGER NOT NULL,
  done_by      TEXT NOT NULL,
  note         TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL
);
CREATE INDEX instrument_task_log_by_task ON instrument_task_log (task_id, done_at);

-- The lab's QC policy (qc/qc_policy.h) as loaded, versioned like the rules.
CREATE TABLE qc_policy_versions (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  content    TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  loaded_at  INTEGER NOT NULL,
  loaded_by  TEXT NOT NULL
);
)sql";

// Passwords and sessions (core/credentials.h, core/user_session.h). A session's id is the hex
// SHA-256 of its token: the token itself is never stored.
constexpr const char* kSchemaVersion5 = R"sql(
CREATE TABLE user_credentials (
  username         TEXT PRIMARY KEY REFERENCES users (username),
  password_hash    TEXT NOT NULL,
  password_set_at  INTEGER NOT NULL,
  failed_logins    INTEGER NOT NULL,
  locked_until     INTEGER
);

CREATE TABLE sessions (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL REFERENCES users (username),
  csrf_token    TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  ends_at       INTEGER NOT NULL,
  ended_at      INTEGER,
  end_reason    TEXT NOT NULL
);
-- Ending every open session of a user (a password change, a deactivation) finds them here.
CREATE INDEX sessions_open_by_user ON sessions (username) WHERE ended_at IS NULL;
)sql";

// Who read which patient's data (core/patient_data_read.h). No foreign keys: the log must keep an
// entry even for a patient whose MRN is later merged away, and it is written in batches after
// the reads.
constexpr const char* kSchemaVersion6 = R"sql(
CREATE TABLE patient_data_reads (
  id        INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  username  TEXT NOT NULL,
  mrn       TEXT NOT NULL,
  what      TEXT NOT NULL,
  peer      TEXT NOT NULL
);
CREATE INDEX patient_data_reads_by_mrn ON patient_data_reads (mrn, at);
CREATE INDEX patient_data_reads_by_user ON patient_data_reads (username, at);

-- The turnaround dashboard reads the results released in a time window.
CREATE INDEX results_by_released_at ON results (released_at) WHERE released_at IS NOT NULL;
)sql";

// The lab's people (core/person_record.h, core/competency_event.h, core/ce_activity.h,
// core/qualification_exception.h). A person's record belongs to their user account; the lists
// of a record keep the order they were given in (`position`), except the semester hours, which
// are keyed by subject.
constexpr const char* kSchemaVersion7 = R"sql(
CREATE TABLE people (
  person                TEXT PRIMARY KEY REFERENCES users (username),
  name                  TEXT NOT NULL,
  role                  TEXT NOT NULL,
  employment_start      TEXT,
  degree                TEXT NOT NULL,
  semester_hours_total  REAL NOT NULL,
  experience_months     REAL NOT NULL
);

CREATE TABLE person_certifications (
  person      TEXT NOT NULL REFERENCES people (person),
  position    INTEGER NOT NULL,
  credential  TEXT NOT NULL,
  number      TEXT NOT NULL,
  issued      TEXT,
  expires     TEXT,
  PRIMARY KEY (person, position)
);

CREATE TABLE person_licences (
  person    TEXT NOT NULL REFERENCES people (person),
  position  INTEGER NOT NULL,
  state     TEXT NOT NULL,
  type      TEXT NOT NULL,
  number    TEXT NOT NULL,
  expires   TEXT,
  PRIMARY KEY (person, position)
);

CREATE TABLE person_semester_hours (
  person   TEXT NOT NULL REFERENCES people (person),
  subject  TEXT NOT NULL,
  hours    REAL NOT NULL,
  PRIMARY KEY (person, subject)
);

CREATE TABLE person_programs (
  person     TEXT NOT NULL REFERENCES people (person),
  position   INTEGER NOT NULL,
  kind       TEXT NOT NULL,
  completed  TEXT,
  PRIMARY KEY (person, position)
);

CREATE TABLE person_military_courses (
  person    TEXT NOT NULL REFERENCES people (person),
  position  INTEGER NOT NULL,
  course    TEXT NOT NULL,
  PRIMARY KEY (person, position)
);

CREATE TABLE competency_events (
  id           INTEGER PRIMARY KEY,
  person       TEXT NOT NULL REFERENCES people (person),
  test_system  TEXT NOT NULL,
  kind         TEXT NOT NULL,
  on_date      TEXT,
  assessor     TEXT NOT NULL,
  notes        TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL,
  recorded_by  TEXT NOT NULL
);
CREATE INDEX competency_events_by_person ON competency_events (person, test_system, on_date);

-- How each element of an assessment was assessed, by element code.
CREATE TABLE competency_elements (
  event_id  INTEGER NOT NULL REFERENCES competency_events (id),
  element   TEXT NOT NULL,
  how       TEXT NOT NULL,
  PRIMARY KEY (event_id, element)
);

CREATE TABLE ce_activities (
  id        INTEGER PRIMARY KEY,
  person    TEXT NOT NULL REFERENCES people (person),
  date      TEXT,
  category  TEXT NOT NULL,
  points    REAL NOT NULL,
  provider  TEXT NOT NULL,
  title     TEXT NOT NULL
);
CREATE INDEX ce_activities_by_person ON ce_activities (person, date);

CREATE TABLE qualification_exceptions (
  id           INTEGER PRIMARY KEY,
  person       TEXT NOT NULL REFERENCES people (person),
  section      TEXT NOT NULL,
  test_system  TEXT NOT NULL,
  from_date    TEXT,
  until_date   TEXT,
  reason       TEXT NOT NULL,
  granted_by   TEXT NOT NULL,
  granted_at   INTEGER NOT NULL
);
CREATE INDEX qualification_exceptions_by_person ON qualification_exceptions (person, from_date);
)sql";

// The lab's own personnel requirements (people/requirements.h) and continuing-education rules
// (people/continuing_education.h) as loaded, versioned like the rules.
constexpr const char* kSchemaVersion8 = R"sql(
CREATE TABLE personnel_requirements_versions (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  content    TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  loaded_at  INTEGER NOT NULL,
  loaded_by  TEXT NOT NULL
);
CREATE TABLE ce_rules_versions (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  content    TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  loaded_at  INTEGER NOT NULL,
  loaded_by  TEXT NOT NULL
);
)sql";

// Who performed each test (core/test_result.h performed_by). Results recorded before are left
// without one: the account that entered a value is not always the person who performed it.
constexpr const char* kSchemaVersion9 = R"sql(
ALTER TABLE results ADD COLUMN performed_by TEXT NOT NULL DEFAULT '';
)sql";

// Comments on results (core/test_result.h ResultComment).
constexpr const char* kSchemaVersion10 = R"sql(
CREATE TABLE result_comments (
  id          INTEGER PRIMARY KEY,
  result_id   INTEGER NOT NULL REFERENCES results (id),
  text        TEXT NOT NULL,
  on_report   INTEGER NOT NULL,
  written_at  INTEGER NOT NULL,
  written_by  TEXT NOT NULL
);
CREATE INDEX result_comments_by_result ON result_comments (result_id);
)sql";

// Cheaper writes at ingest rates, with the same answers to every search:
// - The audit trail's lookups (by patient, accession, test, entity) leave audit_log's own indexes
//   for audit_lookup, which is brought up to date in bulk (SqliteTransaction::index_audit_trail)
//   rather than in every commit: an index led by the test code otherwise takes a page per test in
//   every commit. The entries after indexed_through are found by reading the trail's tail.
// - results_by_instrument is led by the instrument and the time of measurement, so that a commit
//   adds to the end of each instrument's range instead of to one place per test; the test code
//   stays in the index, so counting one analyte's results needs no row.
constexpr const char* kSchemaVersion11 = R"sql(
CREATE TABLE audit_lookup (
  kind      TEXT NOT NULL,  -- 'p' patient MRN, 'a' accession number, 't' test code,
                            -- 'e' entity type, char(31), entity key
  key       TEXT NOT NULL,
  sequence  INTEGER NOT NULL,
  PRIMARY KEY (kind, key, sequence)
) WITHOUT ROWID;
CREATE TABLE audit_lookup_state (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_through  INTEGER NOT NULL
);
INSERT INTO audit_lookup (kind, key, sequence)
  SELECT 'p', patient_mrn, sequence FROM audit_log WHERE patient_mrn <> '';
INSERT INTO audit_lookup (kind, key, sequence)
  SELECT 'a', accession_number, sequence FROM audit_log WHERE accession_number <> '';
INSERT INTO audit_lookup (kind, key, sequence)
  SELECT 't', test_code, sequence FROM audit_log WHERE test_code <> '';
INSERT INTO audit_lookup (kind, key, sequence)
  SELECT 'e', entity_type || char(31) || entity_key, sequence FROM audit_log;
INSERT INTO audit_lookup_state (id, indexed_through)
  SELECT 1, COALESCE(MAX(sequence), 0) FROM audit_log;
DROP INDEX audit_log_by_patient;
DROP INDEX audit_log_by_accession;
DROP INDEX audit_log_by_test;
DROP INDEX audit_log_by_entity;

DROP INDEX results_by_instrument;
CREATE INDEX results_by_instrument ON results (instrument, measured_at, test_code);
)sql";

// Experience as periods of work and dated military courses, so that eligibility routes can ask
// for experience within recent years and in named areas (core/person_record.h). The months kept
// in people.experience_months are those recorded without dates.
constexpr const char* kSchemaVersion12 = R"sql(
ALTER TABLE person_military_courses ADD COLUMN completed TEXT;
CREATE TABLE person_experience (
  person           TEXT NOT NULL REFERENCES people (person),
  position         INTEGER NOT NULL,
  laboratory       TEXT NOT NULL,
  first_day        TEXT NOT NULL,
  last_day         TEXT,
  full_time_share  REAL NOT NULL,
  PRIMARY KEY (person, position)
);
CREATE TABLE person_experience_areas (
  person    TEXT NOT NULL,
  period    INTEGER NOT NULL,
  position  INTEGER NOT NULL,
  area      TEXT NOT NULL,
  PRIMARY KEY (person, period, position),
  FOREIGN KEY (person, period) REFERENCES person_experience (person, position)
);
)sql";

constexpr std::array<Migration, 12> kMigrations{{
    {1, "initial schema", kSchemaVersion1},
    {2, "interfaces: placer order numbers, applied messages, quarantine, outbox", kSchemaVersion2},
    {3, "autoverification: rules versions, result holds", kSchemaVersion3},
    {4, "quality control and instrument schedules; where results were measured", kSchemaVersion4},
    {5, "authentication: passwords and sessions", kSchemaVersion5},
    {6, "the log of patient data reads; results by release time", kSchemaVersion6},
    {7, "the lab's people: records, competency, continuing education, exceptions", kSchemaVersion7},
    {8, "the lab's personnel requirements and continuing-education rules", kSchemaVersion8},
    {9, "who performed each test", kSchemaVersion9},
    {10, "comments on results", kSchemaVersion10},
    {11, "audit lookups kept up to date in bulk; results by instrument and time", kSchemaVersion11},
    {12, "the lab's people: experience as dated periods with areas; dated military courses",
     kSchemaVersion12},
}};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations.back().version; }

Result<int> apply_migrations(Connection& connection) {
  return apply_migrations(connection, migrations());
}

Result<int> apply_migrations(Connection& connection, std::span<const Migration> list) {
  const std::string& path = connection.path();
  const int known = list.empty() ? 0 : list.back().version;
  ALIQUOT_RETURN_IF_ERROR(
      connection.execute_script("BEGIN IMMEDIATE", "migrating database '" + path + "'"));
  // Runs the steps; the transaction is rolled back below when any of them fails.
  auto migrate = [&]() -> Result<int> {
    // A database of some other program must not have our tables added to it.
    {
      ALIQUOT_ASSIGN_OR_RETURN(
          Statement tables,
          connection.prepare("SELECT"
                             " SUM(CASE WHEN name = 'schema_migrations' THEN 1 ELSE 0 END),"
                             " COUNT(*)"
                             " FROM sqlite_master WHERE type = 'table'"));
      ALIQUOT_RETURN_IF_ERROR(tables.step("reading the tables of '" + path + "'"));
      const bool has_migrations_table = sqlite3_column_int64(tables.handle(), 0) > 0;
      const std::int64_t table_count = sqlite3_column_int64(tables.handle(), 1);
      if (!has_migrations_table && table_count > 0) {
        return failed_precondition("'" + path +
                                   "' is an SQLite database of another program: it has tables "
                                   "but no schema_migrations");
      }
    }
    ALIQUOT_RETURN_IF_ERROR(
        connection.execute_script("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                  " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
                                  "creating schema_migrations in '" + path + "'"));

    int recorded = 0;
    {
      ALIQUOT_ASSIGN_OR_RETURN(Statement current,
                               connection.prepare("SELECT MAX(version) FROM schema_migrations"));
      ALIQUOT_RETURN_IF_ERROR(current.step("reading the schema version of '" + path + "'"));
      recorded = static_cast<int>(sqlite3_column_int64(current.handle(), 0));
    }
    if (recorded > known) {
      return data_loss("database '" + path + "' has schema version " + std::to_string(recorded) +
                       ", newer than version " + std::to_string(known) +
                       " that this program knows; use a newer aliquot");
    }
    const std::int64_t now = core::to_unix_millis(core::SystemClock().now());
    for (const Migration& migration : list) {
      if (migration.version <= recorded) continue;
      const std::string doing = "applying migration " + std::to_string(migration.version) + " (" +
                                std::string(migration.description) + ") to '" + path + "'";
      ALIQUOT_RETURN_IF_ERROR(connection.execute_script(migration.sql, doing));
      ALIQUOT_ASSIGN_OR_RETURN(
          Statement record,
          connection.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"));
      ALIQUOT_RETURN_IF_ERROR(record.bind_int64(migration.version).bind_int64(now).run(doing));
    }
    return known;
  };
  Result<int> reached = migrate();
  if (!reached.has_value()) {
    if (connection.in_transaction()) {
      // The error of the failed step is what matters; a failed rollback adds nothing to it.
      (void)connection.execute_script("ROLLBACK", "rolling back the migration");
    }
    return reached.error();
  }
  ALIQUOT_RETURN_IF_ERROR(
      connection.execute_script("COMMIT", "committing the migration of '" + path + "'"));
  return reached;
}

}  // namespace aliquot::store::sqlite
