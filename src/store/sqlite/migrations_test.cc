#include "store/sqlite/migrations.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/enums.h"
#include "core/person_record.h"
#include "core/test_result.h"
#include "core/time.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_directory.h"

namespace aliquot::store::sqlite {
namespace {

class MigrationsTest : public testing::Test {
 protected:
  std::unique_ptr<Connection> connect() {
    Result<std::unique_ptr<Connection>> connection =
        Connection::open(path_, Access::kReadWrite, Create::kIfMissing);
    EXPECT_TRUE(connection.has_value()) << connection.error().message();
    return connection.has_value() ? std::move(connection).value() : nullptr;
  }

  // (version, applied_at) rows of schema_migrations.
  static std::vector<std::pair<int, std::int64_t>> recorded(Connection& connection) {
    std::vector<std::pair<int, std::int64_t>> rows;
    Statement statement =
        std::move(connection.prepare("SELECT version, applied_at FROM schema_migrations"
                                     " ORDER BY version"))
            .value();
    while (*statement.step("reading")) {
      RowReader row(statement);
      const int version = row.int32();
      rows.emplace_back(version, row.int64());
    }
    return rows;
  }

  static bool has_table(Connection& connection, const std::string& name) {
    Statement statement =
        std::move(connection.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = ?")).value();
    statement.bind_text(name);
    EXPECT_TRUE(*statement.step("reading"));
    return sqlite3_column_int64(statement.handle(), 0) == 1;
  }

  test_support::TempDirectory temp_{"aliquot-migrations"};
  const std::string path_ = temp_.file("lab.db");
};

TEST(Migrations, AreNumberedFromOneWithoutGaps) {
  int expected = 1;
  for (const Migration& migration : migrations()) {
    EXPECT_EQ(migration.version, expected++);
    EXPECT_FALSE(migration.description.empty());
  }
  EXPECT_EQ(latest_schema_version(), expected - 1);
}

TEST_F(MigrationsTest, NewDatabaseGetsEveryMigrationRecorded) {
  auto connection = connect();
  EXPECT_EQ(*apply_migrations(*connection), latest_schema_version());
  const auto rows = recorded(*connection);
  ASSERT_EQ(rows.size(), migrations().size());
  EXPECT_EQ(rows.back().first, latest_schema_version());
  EXPECT_GT(rows.back().second, 0);
  for (const char* table : {"users",
                            "settings",
                            "sequences",
                            "catalog_versions",
                            "patients",
                            "orders",
                            "order_requested_codes",
                            "specimens",
                            "results",
                            "result_revisions",
                            "critical_calls",
                            "audit_log",
                            "audit_head",
                            "qc_materials",
                            "qc_targets",
                            "qc_sample_ids",
                            "qc_runs",
                            "qc_run_values",
                            "qc_holds",
                            "instrument_tasks",
                            "instrument_task_log",
                            "qc_policy_versions",
                            "user_credentials",
                            "sessions",
                            "patient_data_reads",
                            "people",
                            "person_certifications",
                            "person_licences",
                            "person_semester_hours",
                            "person_programs",
                            "person_military_courses",
                            "person_experience",
                            "person_experience_areas",
                            "competency_events",
                            "competency_elements",
                            "ce_activities",
                            "qualification_exceptions",
                            "personnel_requirements_versions",
                            "ce_rules_versions"}) {
    EXPECT_TRUE(has_table(*connection, table)) << table;
  }
}

TEST_F(MigrationsTest, ReapplyingIsANoOp) {
  auto connection = connect();
  ASSERT_TRUE(apply_migrations(*connection));
  const auto first = recorded(*connection);
  EXPECT_EQ(*apply_migrations(*connection), latest_schema_version());
  EXPECT_EQ(recorded(*connection), first);
}

TEST_F(MigrationsTest, OlderDatabaseGetsOnlyTheNewMigrations) {
  const std::vector<Migration> older(migrations().begin(), migrations().end());
  std::vector<Migration> newer = older;
  const int next = latest_schema_version() + 1;
  newer.push_back({next, "test addition", "CREATE TABLE added_later (x INTEGER);"});

  auto connection = connect();
  ASSERT_EQ(*apply_migrations(*connection, older), latest_schema_version());
  const auto before = recorded(*connection);
  EXPECT_FALSE(has_table(*connection, "added_later"));

  // If the earlier migrations ran again, their CREATE TABLE would fail on existing tables.
  Result<int> reached = apply_migrations(*connection, newer);
  ASSERT_TRUE(reached.has_value()) << reached.error().message();
  EXPECT_EQ(*reached, next);
  EXPECT_TRUE(has_table(*connection, "added_later"));
  const auto after = recorded(*connection);
  ASSERT_EQ(after.size(), before.size() + 1);
  EXPECT_TRUE(std::equal(before.begin(), before.end(), after.begin()));
  EXPECT_EQ(after.back().first, next);
}

TEST_F(MigrationsTest, ResultsOfAVersion3DatabaseReadBackAsNotMeasuredOnAnInstrument) {
  const std::vector<Migration> version3(migrations().begin(), migrations().begin() + 3);
  ASSERT_EQ(version3.back().version, 3);
  {
    auto connection = connect();
    ASSERT_EQ(*apply_migrations(*connection, version3), 3);
    ASSERT_TRUE(connection->execute_script(
        "INSERT INTO patients (id, mrn, family_name, given_name, birth_date, sex, registered_at,"
        " registered_by) VALUES (1, 'M1', 'Doe', 'Jane', '1961-02-28', 'F', 1772438400000,"
        " 'clerk1');"
        "INSERT INTO orders (id, order_number, patient_id, ordering_provider, priority,"
        " clinical_info, ordered_at, ordered_by, placer_order_number) VALUES (1, 'O1', 1,"
        " 'Dr. Ada', 'routine', '', 1772438400000, 'clerk1', '');"
        "INSERT INTO results (id, order_id, specimen_id, test_code, section, status, value_kind,"
        " value_number, value_comparator, value_text, value_unit, value_decimals, flag,"
        " reference_range, entered_at, entered_by, released_at, released_by, corrected_at,"
        " corrected_by, correction_reason, cancelled_at, cancelled_by, cancel_reason, revision)"
        " VALUES (7, 1, NULL, 'K', 'chemistry', 'final', 'numeric', 4.2, '', '', 'mmol/L', 1,"
        " '', '3.5-5.1', 1772438460000, 'tech1', 1772438520000, 'tech2', NULL, '', '', NULL,"
        " '', '', 0);",
        "storing a result at version 3"));
  }
  Result<std::unique_ptr<Store>> store = open_sqlite_store(path_);
  ASSERT_TRUE(store.has_value()) << store.error().message();
  EXPECT_EQ((*store)->schema_version(), latest_schema_version());
  Result<std::unique_ptr<Transaction>> tx = (*store)->begin(TransactionMode::kRead);
  ASSERT_TRUE(tx.has_value()) << tx.error().message();
  Result<std::optional<core::TestResult>> result = (*tx)->find_result(7);
  ASSERT_TRUE(result.has_value()) << result.error().message();
  ASSERT_TRUE(result->has_value());
  const core::TestResult& stored = **result;
  EXPECT_EQ(stored.measured_at, std::nullopt);
  EXPECT_EQ(stored.instrument, "");
  // Who performed it was not kept then; the account that entered it is not claimed instead.
  EXPECT_EQ(stored.performed_by, "");
  // The columns before and after the new ones are read where they were.
  EXPECT_EQ(stored.entered_by, "tech1");
  EXPECT_EQ(stored.released_by, "tech2");
  ASSERT_TRUE(stored.value.has_value());
  EXPECT_EQ(stored.value->number, 4.2);
  EXPECT_EQ(stored.status, core::ResultStatus::kFinal);
  EXPECT_EQ(*(*tx)->count_results_measured_on("", "", core::from_unix_millis(0)), 0);
}

TEST_F(MigrationsTest, AuditTrailOfAVersion10DatabaseIsIndexedByTheMigration) {
  const std::vector<Migration> version10(migrations().begin(), migrations().begin() + 10);
  ASSERT_EQ(version10.back().version, 10);
  {
    auto connection = connect();
    ASSERT_EQ(*apply_migrations(*connection, version10), 10);
    ASSERT_TRUE(connection->execute_script(
        "INSERT INTO audit_log (sequence, recorded_at, actor, action, entity_type, entity_key,"
        " patient_mrn, accession_number, test_code, before_json, after_json, reason,"
        " previous_hash, hash) VALUES"
        " (1, 1772438400000, 'clerk1', 'patient.register', 'patient', 'M1', 'M1', '', '', '',"
        " '{}', '', '', 'h1'),"
        " (2, 1772438460000, 'tech1', 'result.enter', 'result', '260000042H/K', 'M1',"
        " '260000042H', 'K', '{}', '{}', '', 'h1', 'h2'),"
        " (3, 1772438520000, 'admin', 'user.add', 'user', 'tech2', '', '', '', '', '{}', '',"
        " 'h2', 'h3');"
        "INSERT INTO audit_head (id, last_sequence, last_hash) VALUES (1, 3, 'h3');",
        "storing an audit trail at version 10"));
  }
  Result<std::unique_ptr<Store>> store = open_sqlite_store(path_);
  ASSERT_TRUE(store.has_value()) << store.error().message();
  // Everything already in the trail is indexed: nothing waits for the bulk.
  EXPECT_EQ(*(*store)->index_audit_trail(1, 100), 0);
  auto connection = connect();
  Statement lookups =
      std::move(connection->prepare("SELECT kind || ':' || replace(key, char(31), '|') || ':' ||"
                                    " sequence FROM audit_lookup ORDER BY kind, key, sequence"))
          .value();
  std::vector<std::string> rows;
  while (*lookups.step("reading")) rows.push_back(RowReader(lookups).text());
  EXPECT_EQ(rows,
            (std::vector<std::string>{"a:260000042H:2", "e:patient|M1:1", "e:result|260000042H/K:2",
                                      "e:user|tech2:3", "p:M1:1", "p:M1:2", "t:K:2"}));
  Result<std::unique_ptr<Transaction>> tx = (*store)->begin(TransactionMode::kRead);
  ASSERT_TRUE(tx.has_value()) << tx.error().message();
  Result<std::vector<core::AuditEntry>> by_test = (*tx)->find_audit_entries({"", "", "K", ""});
  ASSERT_TRUE(by_test.has_value()) << by_test.error().message();
  ASSERT_EQ(by_test->size(), 1U);
  EXPECT_EQ(by_test->front().sequence, 2);
}

TEST_F(MigrationsTest, PeopleOfAVersion11DatabaseKeepTheirMonthsAsUndatedExperience) {
  const std::vector<Migration> version11(migrations().begin(), migrations().begin() + 11);
  ASSERT_EQ(version11.back().version, 11);
  {
    auto connection = connect();
    ASSERT_EQ(*apply_migrations(*connection, version11), 11);
    ASSERT_TRUE(connection->execute_script(
        "INSERT INTO users (username, display_name, role, active, created_at) VALUES"
        " ('jdoe', 'Jane Doe', 'technician', 1, 1772438400000);"
        "INSERT INTO people (person, name, role, employment_start, degree, semester_hours_total,"
        " experience_months) VALUES ('jdoe', 'Jane Doe', 'technician', '2021-08-02', 'associate',"
        " 64, 13);"
        "INSERT INTO person_military_courses (person, position, course) VALUES"
        " ('jdoe', 0, '50-week-medical-laboratory');",
        "storing a person at version 11"));
  }
  Result<std::unique_ptr<Store>> store = open_sqlite_store(path_);
  ASSERT_TRUE(store.has_value()) << store.error().message();
  Result<std::unique_ptr<Transaction>> tx = (*store)->begin(TransactionMode::kRead);
  ASSERT_TRUE(tx.has_value()) << tx.error().message();
  Result<std::optional<core::PersonRecord>> person = (*tx)->find_person("jdoe");
  ASSERT_TRUE(person.has_value()) << person.error().message();
  ASSERT_TRUE(person->has_value());
  const core::Education& education = (*person)->education;
  // The months were kept without dates: they stay so, and no period is made up for them.
  EXPECT_EQ(education.undated_experience_months, 13);
  EXPECT_TRUE(education.experience.empty());
  ASSERT_EQ(education.military_courses.size(), 1u);
  EXPECT_EQ(education.military_courses[0].kind, "50-week-medical-laboratory");
  EXPECT_FALSE(education.military_courses[0].completed.has_value());
}

TEST_F(MigrationsTest, FailingMigrationLeavesTheDatabaseAsItWas) {
  std::vector<Migration> broken(migrations().begin(), migrations().end());
  const int next = latest_schema_version() + 1;
  broken.push_back({next, "half good", "CREATE TABLE half (x INTEGER); CREATE TABLE oops ("});
  auto connection = connect();
  ASSERT_TRUE(apply_migrations(*connection));
  Result<int> reached = apply_migrations(*connection, broken);
  ASSERT_FALSE(reached.has_value());
  EXPECT_EQ(reached.error().code(), ErrorCode::kInternal);
  EXPECT_NE(
      reached.error().message().find("applying migration " + std::to_string(next) + " (half good)"),
      std::string::npos)
      << reached.error().message();
  EXPECT_FALSE(has_table(*connection, "half"));
  EXPECT_EQ(recorded(*connection).back().first, latest_schema_version());
  EXPECT_FALSE(connection->in_transaction());
}

TEST_F(MigrationsTest, DatabaseFromANewerProgramIsRefusedNamingBothVersions) {
  {
    auto connection = connect();
    ASSERT_TRUE(apply_migrations(*connection));
    Statement statement =
        std::move(connection->prepare("INSERT INTO schema_migrations VALUES (99, 0)")).value();
    ASSERT_TRUE(statement.run("recording a future version"));
  }
  Result<std::unique_ptr<Store>> store = open_sqlite_store(path_);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(store.error().message(), "database '" + path_ +
                                         "' has schema version 99, newer than version " +
                                         std::to_string(latest_schema_version()) +
                                         " that this program knows; use a newer aliquot");
}

TEST_F(MigrationsTest, DatabaseOfAnotherProgramIsRefused) {
  {
    auto connection = connect();
    ASSERT_TRUE(connection->execute_script("CREATE TABLE contacts (name TEXT)", "setup"));
  }
  Result<std::unique_ptr<Store>> store = open_sqlite_store(path_);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store.error().message(), "'" + path_ +
                                         "' is an SQLite database of another program: it has "
                                         "tables but no schema_migrations");
}

}  // namespace
}  // namespace aliquot::store::sqlite
