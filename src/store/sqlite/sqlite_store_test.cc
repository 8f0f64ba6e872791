// What the SQLite backend promises beyond the conformance suite (tests/store/): its pragmas,
// how it opens files, maps errors, caches statements and isolates readers.

#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/competency_event.h"
#include "core/enums.h"
#include "core/person_record.h"
#include "core/qc_records.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/log_sync.h"
#include "store/sqlite/sqlite_transaction.h"
#include "support/temp_directory.h"

namespace aliquot::store::sqlite {
namespace {

class SqliteStoreTest : public testing::Test {
 protected:
  static std::string pragma(Connection& connection, const std::string& name) {
    Statement statement = std::move(connection.prepare("PRAGMA " + name)).value();
    EXPECT_TRUE(*statement.step("reading " + name));
    RowReader row(statement);
    return row.text();
  }

  test_support::TempDirectory temp_{"aliquot-sqlite"};
  const std::string directory_ = temp_.path();
  const std::string path_ = temp_.file("lab.db");
};

TEST_F(SqliteStoreTest, FileDatabaseIsInWalModeWithNormalSyncAndForeignKeys) {
  ASSERT_TRUE(open_sqlite_store(path_));
  auto connection = std::move(Connection::open(path_, Access::kReadWrite, Create::kNever)).value();
  EXPECT_EQ(pragma(*connection, "journal_mode"), "wal");
  // NORMAL: the store syncs the log itself after COMMIT (store/sqlite/log_sync.h).
  EXPECT_EQ(pragma(*connection, "synchronous"), "1");
  EXPECT_EQ(pragma(*connection, "foreign_keys"), "1");
  EXPECT_EQ(pragma(*connection, "query_only"), "0");
}

TEST_F(SqliteStoreTest, WriterKeepsALargePageCacheAndItsSubJournalsInMemory) {
  ASSERT_TRUE(open_sqlite_store(path_));
  auto writer = std::move(Connection::open(path_, Access::kReadWrite, Create::kNever)).value();
  EXPECT_EQ(pragma(*writer, "cache_size"), "-65536");
  EXPECT_EQ(pragma(*writer, "temp_store"), "2");  // MEMORY
  auto reader = std::move(Connection::open(path_, Access::kReadOnly, Create::kNever)).value();
  EXPECT_EQ(pragma(*reader, "temp_store"), "0");  // the default
}

// update_result first tries an UPDATE that leaves order, specimen, test and section alone; a
// change of any one of them alone must still reach the row.
TEST_F(SqliteStoreTest, UpdateResultChangesEachPlacingColumnOnItsOwn) {
  std::unique_ptr<Store> store = std::move(open_sqlite_store(path_)).value();
  core::TestResult result;
  std::int64_t other_order = 0;
  std::int64_t other_specimen = 0;
  {
    auto tx = std::move(store->begin(TransactionMode::kWrite)).value();
    core::Patient patient;
    patient.mrn = "M1";
    patient.birth_date = *core::parse_date("1980-01-01");
    patient.id = tx->insert_patient(patient)->id;
    core::Order order;
    order.order_number = "O1";
    order.patient_id = patient.id;
    result.order_id = tx->insert_order(order)->id;
    order.order_number = "O2";
    other_order = tx->insert_order(order)->id;
    core::Specimen specimen;
    specimen.accession_number = "A1";
    specimen.order_id = result.order_id;
    result.specimen_id = tx->insert_specimen(specimen)->id;
    specimen.accession_number = "A2";
    other_specimen = tx->insert_specimen(specimen)->id;
    result.test_code = "K";
    result.section = "chemistry";
    result = *tx->insert_result(result);
    ASSERT_TRUE(tx->commit());
  }
  const std::vector<std::function<void(core::TestResult&)>> changes = {
      [](core::TestResult& r) { r.status = core::ResultStatus::kPreliminary; },
      [&](core::TestResult& r) { r.order_id = other_order; },
      [&](core::TestResult& r) { r.specimen_id = other_specimen; },
      [](core::TestResult& r) { r.specimen_id = 0; },
      [](core::TestResult& r) { r.test_code = "k"; },
      [](core::TestResult& r) { r.section = "Chemistry"; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    SCOPED_TRACE("change " + std::to_string(i));
    changes[i](result);
    auto tx = std::move(store->begin(TransactionMode::kWrite)).value();
    ASSERT_TRUE(tx->update_result(result));
    const core::TestResult stored = **tx->find_result(result.id);
    EXPECT_EQ(stored.status, result.status);
    EXPECT_EQ(stored.order_id, result.order_id);
    EXPECT_EQ(stored.specimen_id, result.specimen_id);
    EXPECT_EQ(stored.test_code, result.test_code);
    EXPECT_EQ(stored.section, result.section);
    ASSERT_TRUE(tx->commit());
  }
}

// A stored code this program does not know is reported with the table and the row it is in,
// so that whoever repairs the database knows where to look.
TEST_F(SqliteStoreTest, UnreadablePeopleCodesAreDataLossNamingTheTableAndTheRow) {
  std::int64_t event_id = 0;
  {
    std::unique_ptr<Store> store = std::move(open_sqlite_store(path_)).value();
    auto tx = std::move(store->begin(TransactionMode::kWrite)).value();
    core::User user;
    user.username = "ann";
    ASSERT_TRUE(tx->insert_user(user));
    core::PersonRecord person;
    person.person = "ann";
    ASSERT_TRUE(tx->put_person(person));
    core::CompetencyEvent event;
    event.person = "ann";
    event.test_system = "cobas-c311";
    event_id = tx->insert_competency_event(event)->id;
    ASSERT_TRUE(tx->commit());
  }
  {
    auto connection =
        std::move(Connection::open(path_, Access::kReadWrite, Create::kNever)).value();
    ASSERT_TRUE(std::move(connection->prepare("UPDATE people SET degree = 'wizardry'"))
                    .value()
                    .run("corrupting the degree"));
    ASSERT_TRUE(std::move(connection->prepare("UPDATE competency_events SET kind = 'dreamt'"))
                    .value()
                    .run("corrupting the event kind"));
  }
  std::unique_ptr<Store> store = std::move(open_sqlite_store(path_)).value();
  auto tx = std::move(store->begin(TransactionMode::kRead)).value();
  const std::string person_error =
      "table people, the row of person 'ann': the database holds a value this program cannot "
      "read in column 'degree': unknown degree level 'wizardry'";
  const Result<std::optional<core::PersonRecord>> found = tx->find_person("ann");
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(found.error().message(), person_error);
  const Result<std::vector<core::PersonRecord>> listed = tx->list_people();
  ASSERT_FALSE(listed.has_value());
  EXPECT_EQ(listed.error().message(), person_error);
  const Result<std::vector<core::CompetencyEvent>> events = tx->competency_events("ann", "");
  ASSERT_FALSE(events.has_value());
  EXPECT_EQ(events.error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(events.error().message(),
            "table competency_events, the row with id " + std::to_string(event_id) +
                ": the database holds a value this program cannot read in column 'kind': "
                "unknown competency event kind 'dreamt'");
}

TEST_F(SqliteStoreTest, ReadOnlyConnectionCannotWrite) {
  ASSERT_TRUE(open_sqlite_store(path_));
  auto connection = std::move(Connection::open(path_, Access::kReadOnly, Create::kNever)).value();
  EXPECT_EQ(pragma(*connection, "query_only"), "1");
  Result<void> written =
      connection->execute_script("INSERT INTO settings (name, value) VALUES ('a', 'b')", "writing");
  ASSERT_FALSE(written.has_value());
}

TEST_F(SqliteStoreTest, MustExistRefusesAMissingFileWithoutCreatingIt) {
  SqliteOptions options;
  options.must_exist = true;
  Result<std::unique_ptr<Store>> store = open_sqlite_store(path_, options);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store.error().message(), "there is no database at '" + path_ + "'");
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(SqliteStoreTest, MustExistOpensAnExistingDatabase) {
  ASSERT_TRUE(open_sqlite_store(path_));
  SqliteOptions options;
  options.must_exist = true;
  EXPECT_TRUE(open_sqlite_store(path_, options));
}

TEST_F(SqliteStoreTest, FileThatIsNotADatabaseIsDataLoss) {
  {
    std::ofstream file(path_, std::ios::binary);
    file << std::string(4096, 'x');
  }
  Result<std::unique_ptr<Store>> store = open_sqlite_store(path_);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(store.error().message(),
            "configuring database '" + path_ + "': file is not a database");
}

TEST_F(SqliteStoreTest, UnopenableLocationIsUnavailable) {
  Result<std::unique_ptr<Store>> store = open_sqlite_store(directory_ + "/no/such/dir/lab.db");
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
}

TEST_F(SqliteStoreTest, ReopeningKeepsTheSchemaVersion) {
  const int version = (*open_sqlite_store(path_))->schema_version();
  EXPECT_EQ((*open_sqlite_store(path_))->schema_version(), version);
}

TEST_F(SqliteStoreTest, ReadTransactionKeepsItsSnapshotWhileAWriterCommits) {
  auto store = std::move(open_sqlite_store(path_)).value();
  auto reader = std::move(store->begin(TransactionMode::kRead)).value();
  {
    auto writer = std::move(store->begin(TransactionMode::kWrite)).value();
    ASSERT_TRUE(writer->set_setting("lab.name", "Central"));
    ASSERT_TRUE(writer->commit());
  }
  EXPECT_FALSE(reader->get_setting("lab.name")->has_value());
  auto later = std::move(store->begin(TransactionMode::kRead)).value();
  EXPECT_EQ(**later->get_setting("lab.name"), "Central");
}

TEST_F(SqliteStoreTest, ACommitBeforeSyncIsVisibleAtOnceAndSurvivesReopeningAfterTheSync) {
  {
    auto store = std::move(open_sqlite_store(path_)).value();
    auto writer = std::move(store->begin(TransactionMode::kWrite)).value();
    ASSERT_TRUE(writer->set_setting("lab.name", "Central"));
    ASSERT_TRUE(writer->commit_before_sync());
    // Committed: the writer lock is free again and readers see it before any sync.
    auto next = std::move(store->begin(TransactionMode::kWrite)).value();
    EXPECT_EQ(**next->get_setting("lab.name"), "Central");
    ASSERT_TRUE(next->commit());
    ASSERT_TRUE(store->sync());
  }
  auto reopened = std::move(open_sqlite_store(path_)).value();
  auto reader = std::move(reopened->begin(TransactionMode::kRead)).value();
  EXPECT_EQ(**reader->get_setting("lab.name"), "Central");
}

TEST_F(SqliteStoreTest, ACommitBeforeSyncCannotBeCommittedAgain) {
  auto store = std::move(open_sqlite_store(path_)).value();
  auto writer = std::move(store->begin(TransactionMode::kWrite)).value();
  ASSERT_TRUE(writer->commit_before_sync());
  EXPECT_FALSE(writer->commit().has_value());
  EXPECT_FALSE(writer->commit_before_sync().has_value());
}

TEST(SyncWriteAheadLog, HasNothingToDoWithoutALogOrForAMemoryDatabase) {
  EXPECT_TRUE(sync_write_ahead_log("/nonexistent-directory/lab.db"));
  EXPECT_TRUE(sync_write_ahead_log(":memory:"));
  EXPECT_TRUE(sync_write_ahead_log(""));
}

TEST_F(SqliteStoreTest, SyncingTheLogOfAWrittenDatabaseSucceeds) {
  auto store = std::move(open_sqlite_store(path_)).value();
  auto writer = std::move(store->begin(TransactionMode::kWrite)).value();
  ASSERT_TRUE(writer->set_setting("lab.name", "Central"));
  ASSERT_TRUE(writer->commit_before_sync());
  ASSERT_TRUE(std::filesystem::exists(path_ + "-wal"));
  EXPECT_TRUE(sync_write_ahead_log(path_));
  EXPECT_TRUE(store->sync());
}

TEST_F(SqliteStoreTest, ReadersRunBesideAnOpenWriter) {
  auto store = std::move(open_sqlite_store(path_)).value();
  auto writer = std::move(store->begin(TransactionMode::kWrite)).value();
  ASSERT_TRUE(writer->set_setting("lab.name", "Central"));
  // Same thread, writer still open: a file database serves the read from its own connection,
  // which does not see the uncommitted write.
  auto reader = store->begin(TransactionMode::kRead);
  ASSERT_TRUE(reader.has_value()) << reader.error().message();
  EXPECT_FALSE((*reader)->get_setting("lab.name")->has_value());
}

TEST_F(SqliteStoreTest, InMemoryReadOnTheWritingThreadFailsInsteadOfDeadlocking) {
  auto store = std::move(open_sqlite_store(":memory:")).value();
  auto writer = std::move(store->begin(TransactionMode::kWrite)).value();
  Result<std::unique_ptr<Transaction>> reader = store->begin(TransactionMode::kRead);
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, WriteWaitsForAnotherProcessAndReportsUnavailableWhenItKeepsTheLock) {
  ASSERT_TRUE(open_sqlite_store(path_));
  SqliteOptions options;
  options.busy_timeout = std::chrono::milliseconds(200);
  auto store = std::move(open_sqlite_store(path_, options)).value();
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  Result<std::unique_ptr<Transaction>> writer = store->begin(TransactionMode::kWrite);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  ASSERT_FALSE(writer.has_value());
  EXPECT_EQ(writer.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(writer.error().message(), "beginning a transaction: database is locked");
  // The failed begin released the store's writer lock.
  EXPECT_TRUE(store->begin(TransactionMode::kWrite).has_value());
}

TEST(SqliteError, MapsResultCodesToErrorCodes) {
  EXPECT_EQ(sqlite_error(nullptr, SQLITE_CONSTRAINT_UNIQUE, "x").code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(sqlite_error(nullptr, SQLITE_CONSTRAINT_PRIMARYKEY, "x").code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(sqlite_error(nullptr, SQLITE_CONSTRAINT_FOREIGNKEY, "x").code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(sqlite_error(nullptr, SQLITE_BUSY, "x").code(), ErrorCode::kUnavailable);
  EXPECT_EQ(sqlite_error(nullptr, SQLITE_BUSY_SNAPSHOT, "x").code(), ErrorCode::kUnavailable);
  EXPECT_EQ(sqlite_error(nullptr, SQLITE_LOCKED, "x").code(), ErrorCode::kUnavailable);
  EXPECT_EQ(sqlite_error(nullptr, SQLITE_CORRUPT, "x").code(), ErrorCode::kDataLoss);
  EXPECT_EQ(sqlite_error(nullptr, SQLITE_NOTADB, "x").code(), ErrorCode::kDataLoss);
  EXPECT_EQ(sqlite_error(nullptr, SQLITE_CONSTRAINT_NOTNULL, "x").code(), ErrorCode::kInternal);
  EXPECT_EQ(sqlite_error(nullptr, SQLITE_IOERR, "x").code(), ErrorCode::kInternal);
  EXPECT_EQ(sqlite_error(nullptr, SQLITE_BUSY, "committing").message(),
            "committing: database is locked");
}

TEST(Connection, PreparesEachStatementOnceAndReusesIt) {
  auto connection =
      std::move(Connection::open(":memory:", Access::kReadWrite, Create::kIfMissing)).value();
  sqlite3_stmt* first = nullptr;
  {
    Statement statement = std::move(connection->prepare("SELECT ?")).value();
    statement.bind_int64(7);
    ASSERT_TRUE(*statement.step("selecting"));
    first = statement.handle();
  }
  Statement again = std::move(connection->prepare("SELECT ?")).value();
  EXPECT_EQ(again.handle(), first);
  // The bindings of the earlier execution were cleared.
  ASSERT_TRUE(*again.step("selecting"));
  EXPECT_EQ(sqlite3_column_type(again.handle(), 0), SQLITE_NULL);
}

TEST(Connection, FindsAStatementByItsTextWhateverTheAddress) {
  auto connection =
      std::move(Connection::open(":memory:", Access::kReadWrite, Create::kIfMissing)).value();
  std::string text = "SELECT 1";
  sqlite3_stmt* first = nullptr;
  {
    Statement statement = std::move(connection->prepare(text)).value();
    first = statement.handle();
  }
  const std::string copy = text;  // the same text at another address
  {
    Statement statement = std::move(connection->prepare(copy)).value();
    EXPECT_EQ(statement.handle(), first);
  }
  // Other text at an address used before is another statement.
  text[7] = '2';
  Statement statement = std::move(connection->prepare(text)).value();
  EXPECT_NE(statement.handle(), first);
  ASSERT_TRUE(*statement.step("selecting"));
  EXPECT_EQ(sqlite3_column_int64(statement.handle(), 0), 2);
}

TEST(Connection, RefusesAStatementStillInUse) {
  auto connection =
      std::move(Connection::open(":memory:", Access::kReadWrite, Create::kIfMissing)).value();
  Statement held = std::move(connection->prepare("SELECT 1")).value();
  Result<Statement> nested = connection->prepare("SELECT 1");
  ASSERT_FALSE(nested.has_value());
  EXPECT_EQ(nested.error().code(), ErrorCode::kInternal);
}

TEST(RowReader, UndecodableStoredValueIsDataLossNamingTheColumn) {
  auto connection =
      std::move(Connection::open(":memory:", Access::kReadWrite, Create::kIfMissing)).value();
  Statement statement = std::move(connection->prepare("SELECT 'purple' AS status")).value();
  ASSERT_TRUE(*statement.step("selecting"));
  RowReader row(statement);
  (void)row.parse(core::parse_result_status);
  ASSERT_TRUE(row.error().has_value());
  EXPECT_EQ(row.error()->code(), ErrorCode::kDataLoss);
  EXPECT_EQ(row.error()->message(),
            "the database holds a value this program cannot read in column 'status': unknown "
            "result status 'purple'; one of: pending, preliminary, final, corrected, cancelled");
}

TEST(RowReader, UnknownCodeIsDataLossNamingTheColumnAndTheVocabulary) {
  auto connection =
      std::move(Connection::open(":memory:", Access::kReadWrite, Create::kIfMissing)).value();
  Statement statement =
      std::move(connection->prepare("SELECT 'reject' AS status, 'rejected' AS verdict")).value();
  ASSERT_TRUE(*statement.step("selecting"));
  RowReader row(statement);
  EXPECT_EQ(row.code(core::qc_run_status_from_code, "QC run status"), core::QcRunStatus::kReject);
  EXPECT_FALSE(row.error().has_value());
  (void)row.code(core::qc_run_status_from_code, "QC run status");
  ASSERT_TRUE(row.error().has_value());
  EXPECT_EQ(row.error()->code(), ErrorCode::kDataLoss);
  EXPECT_EQ(row.error()->message(),
            "the database holds a value this program cannot read in column 'verdict': unknown QC "
            "run status 'rejected'");
}

TEST(Statement, BindsAnEmptyViewAsEmptyTextNeverAsNull) {
  auto connection =
      std::move(Connection::open(":memory:", Access::kReadWrite, Create::kIfMissing)).value();
  Statement statement =
      std::move(connection->prepare("SELECT ? IS NULL, ? = '', ? IS NULL, ? = ''")).value();
  statement.bind_text(std::string_view())
      .bind_text(std::string_view())
      .bind_text_in_place(std::string_view())
      .bind_text_in_place(std::string_view());
  ASSERT_TRUE(*statement.step("selecting"));
  RowReader row(statement);
  EXPECT_FALSE(row.boolean());
  EXPECT_TRUE(row.boolean());
  EXPECT_FALSE(row.boolean());
  EXPECT_TRUE(row.boolean());
}

// --- the audit trail's lookups, indexed in bulk -------------------------------------------------

core::AuditEntry numbered_entry(std::int64_t sequence) {
  core::AuditEntry entry;
  entry.sequence = sequence;
  entry.at = core::from_unix_millis(1772438400000 + sequence);
  entry.actor = "tech1";
  entry.action = "result.enter";
  entry.entity_type = "result";
  entry.entity_key = "260000042H/K";
  entry.patient_mrn = "M1";
  entry.accession_number = "260000042H";
  entry.test_code = "K";
  entry.previous_hash = sequence == 1 ? "" : "hash" + std::to_string(sequence - 1);
  entry.hash = "hash" + std::to_string(sequence);
  return entry;
}

void append_entries(Store& store, std::int64_t first, std::int64_t last) {
  auto tx = std::move(store.begin(TransactionMode::kWrite)).value();
  for (std::int64_t sequence = first; sequence <= last; ++sequence) {
    ASSERT_TRUE(tx->append_audit_entry(numbered_entry(sequence)));
  }
  ASSERT_TRUE(tx->commit());
}

std::int64_t indexed_through(const std::string& path) {
  auto connection = std::move(Connection::open(path, Access::kReadOnly, Create::kNever)).value();
  Statement statement =
      std::move(connection->prepare("SELECT indexed_through FROM audit_lookup_state")).value();
  EXPECT_TRUE(*statement.step("reading"));
  return sqlite3_column_int64(statement.handle(), 0);
}

TEST_F(SqliteStoreTest, AuditTrailIsIndexedInBulkOnlyWhenTheLeastAskedForWaits) {
  std::unique_ptr<Store> store = std::move(open_sqlite_store(path_)).value();
  append_entries(*store, 1, 5);
  EXPECT_EQ(indexed_through(path_), 0);             // a small commit leaves its entries to the bulk
  EXPECT_EQ(*store->index_audit_trail(6, 100), 0);  // five wait, fewer than asked for
  EXPECT_EQ(*store->index_audit_trail(1, 2), 2);    // no more than the most asked for
  EXPECT_EQ(indexed_through(path_), 2);
  EXPECT_EQ(*store->index_audit_trail(4, 100), 0);
  EXPECT_EQ(*store->index_audit_trail(3, 100), 3);
  EXPECT_EQ(indexed_through(path_), 5);
  EXPECT_EQ(*store->index_audit_trail(1, 100), 0);
}

TEST_F(SqliteStoreTest, ACommitIndexesTheWholeTailOnceItReachesTheLimit) {
  std::unique_ptr<Store> store = std::move(open_sqlite_store(path_)).value();
  constexpr std::int64_t kLimit = SqliteTransaction::kAuditTailLimit;
  append_entries(*store, 1, kLimit - 1);
  EXPECT_EQ(indexed_through(path_), 0);
  append_entries(*store, kLimit, kLimit);
  EXPECT_EQ(indexed_through(path_), kLimit);
  // And the lookups answer: every entry is found by its patient, none of them in the tail.
  auto tx = std::move(store->begin(TransactionMode::kRead)).value();
  EXPECT_EQ(tx->find_audit_entries({"M1", "", "", ""})->size(), static_cast<std::size_t>(kLimit));
}

TEST_F(SqliteStoreTest, ALookupOfAnEntryTheTailAlsoHoldsIsNotCountedTwice) {
  // Indexed entries and the tail cannot overlap; the accession's two lookups (its own key and
  // its results' entity keys) can both find one entry.
  std::unique_ptr<Store> store = std::move(open_sqlite_store(path_)).value();
  append_entries(*store, 1, 3);
  ASSERT_EQ(*store->index_audit_trail(1, 2), 2);
  auto tx = std::move(store->begin(TransactionMode::kRead)).value();
  const Result<std::vector<core::AuditEntry>> entries =
      tx->find_audit_entries({"", "260000042H", "", ""});
  ASSERT_TRUE(entries.has_value()) << entries.error().message();
  std::vector<std::int64_t> found;
  for (const core::AuditEntry& entry : *entries) found.push_back(entry.sequence);
  EXPECT_EQ(found, (std::vector<std::int64_t>{1, 2, 3}));
}

}  // namespace
}  // namespace aliquot::store::sqlite
