// Tampering with the audit trail behind the program's back, directly in the SQLite file, must be
// reported by audit::verify with the sequence number where the trail was changed.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "audit/chain.h"
#include "core/time.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_directory.h"

namespace aliquot::audit {
namespace {

class AuditTamperTest : public testing::Test {
 protected:
  std::unique_ptr<store::Store> open() {
    Result<std::unique_ptr<store::Store>> store = store::open_sqlite_store(path_);
    EXPECT_TRUE(store.has_value()) << store.error().message();
    return store.has_value() ? std::move(store).value() : nullptr;
  }

  // Records `count` entries, each a result release of its own accession, and closes the store.
  void record_entries(int count) {
    std::unique_ptr<store::Store> store = open();
    ASSERT_NE(store, nullptr);
    auto tx = std::move(store->begin(store::TransactionMode::kWrite)).value();
    for (int i = 1; i <= count; ++i) {
      Change change;
      change.action = "result.release";
      change.entity_type = "result";
      change.accession_number = "2600000" + std::to_string(i);
      change.entity_key = change.accession_number + "/K";
      change.patient_mrn = "M" + std::to_string(i % 3);
      change.test_code = "K";
      change.before = "{\"status\":\"preliminary\"}";
      change.after = "{\"status\":\"final\",\"value\":\"4." + std::to_string(i) + "\"}";
      Result<core::AuditEntry> recorded = record(
          *tx, "tech1", core::from_unix_millis(1794947201000) + std::chrono::minutes(i), change);
      ASSERT_TRUE(recorded.has_value()) << recorded.error().message();
    }
    ASSERT_TRUE(tx->commit());
  }

  // Runs `sql` on the database file with the plain SQLite C API, as an intruder would.
  void tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    const std::string error = message != nullptr ? message : "";
    sqlite3_free(message);
    ASSERT_EQ(sqlite3_changes(db), 1) << sql;
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << error;
  }

  VerifyReport verify_file() {
    std::unique_ptr<store::Store> store = open();
    EXPECT_NE(store, nullptr);
    if (store == nullptr) return {};
    auto tx = std::move(store->begin(store::TransactionMode::kRead)).value();
    Result<VerifyReport> report = verify(*tx);
    EXPECT_TRUE(report.has_value()) << report.error().message();
    return report.has_value() ? *report : VerifyReport{};
  }

  test_support::TempDirectory temp_{"aliquot-tamper"};
  const std::string path_ = temp_.file("lab.db");
};

TEST_F(AuditTamperTest, UntouchedTrailIsIntact) {
  record_entries(6);
  VerifyReport report = verify_file();
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.entries_checked, 6);
  EXPECT_FALSE(report.first_bad_sequence.has_value());
  EXPECT_EQ(report.problem, "");
}

TEST_F(AuditTamperTest, ChangedAfterColumnIsReportedAtThatEntry) {
  record_entries(6);
  tamper(
      "UPDATE audit_log SET after_json = '{\"status\":\"final\",\"value\":\"9.9\"}'"
      " WHERE sequence = 4");
  VerifyReport report = verify_file();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_sequence, 4);
  EXPECT_EQ(report.entries_checked, 3);
  EXPECT_EQ(report.problem,
            "entry 4 (result.release 26000004/K at 2026-11-17T20:30:41Z by tech1) was altered: "
            "its content no longer matches its hash");
}

TEST_F(AuditTamperTest, ChangedActorIsReportedAtThatEntry) {
  record_entries(5);
  tamper("UPDATE audit_log SET actor = 'someone-else' WHERE sequence = 2");
  VerifyReport report = verify_file();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_sequence, 2);
  EXPECT_NE(report.problem.find("by someone-else) was altered"), std::string::npos)
      << report.problem;
}

TEST_F(AuditTamperTest, DeletedMiddleEntryIsReportedAsAGap) {
  record_entries(6);
  tamper("DELETE FROM audit_log WHERE sequence = 3");
  VerifyReport report = verify_file();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_sequence, 3);
  EXPECT_EQ(report.problem, "entry 3 is missing (found 4 after 2)");
}

TEST_F(AuditTamperTest, DeletedFirstEntryIsReportedAsAGap) {
  record_entries(3);
  tamper("DELETE FROM audit_log WHERE sequence = 1");
  VerifyReport report = verify_file();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_sequence, 1);
  EXPECT_EQ(report.problem, "entry 1 is missing (found 2 at the start of the trail)");
}

TEST_F(AuditTamperTest, DeletedLastEntryIsDetectedThroughTheHead) {
  record_entries(6);
  tamper("DELETE FROM audit_log WHERE sequence = 6");
  VerifyReport report = verify_file();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_sequence, 6);
  EXPECT_EQ(report.entries_checked, 5);
  EXPECT_EQ(report.problem,
            "entry 6 is missing (the trail ends at 5 but the chain head records entry 6)");
}

TEST_F(AuditTamperTest, TrailWithItsLastEntryDeletedCannotBeExtended) {
  record_entries(4);
  tamper("DELETE FROM audit_log WHERE sequence = 4");
  std::unique_ptr<store::Store> store = open();
  auto tx = std::move(store->begin(store::TransactionMode::kWrite)).value();
  Change change;
  change.action = "patient.register";
  Result<core::AuditEntry> recorded = record(*tx, "clerk1", core::from_unix_millis(0), change);
  ASSERT_FALSE(recorded.has_value());
  EXPECT_EQ(recorded.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(recorded.error().message(),
            "audit entry 4 refused: the audit trail ends at entry 4, so the next entry must be 5");
}

TEST_F(AuditTamperTest, AlteredEntryWithRecomputedHashIsDetectedByTheNextLink) {
  record_entries(6);
  // Rewrite entry 3 completely, recomputing its hash as an informed intruder would.
  std::string new_hash;
  {
    std::unique_ptr<store::Store> store = open();
    auto tx = std::move(store->begin(store::TransactionMode::kRead)).value();
    core::AuditEntry entry = (*tx->audit_entries(3, 1)).at(0);
    entry.actor = "nobody";
    new_hash = compute_hash(entry);
  }
  tamper("UPDATE audit_log SET actor = 'nobody', hash = '" + new_hash + "' WHERE sequence = 3");
  VerifyReport report = verify_file();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_sequence, 3);
  EXPECT_EQ(report.problem,
            "entry 3 (result.release 26000003/K at 2026-11-17T20:29:41Z by nobody) was altered: "
            "its hash was recomputed, but entry 4 is chained to a different hash");
}

TEST_F(AuditTamperTest, AlteredLastEntryWithRecomputedHashIsDetectedByTheHead) {
  record_entries(3);
  std::string new_hash;
  {
    std::unique_ptr<store::Store> store = open();
    auto tx = std::move(store->begin(store::TransactionMode::kRead)).value();
    core::AuditEntry entry = **tx->last_audit_entry();
    entry.after = "{}";
    new_hash = compute_hash(entry);
  }
  tamper("UPDATE audit_log SET after_json = '{}', hash = '" + new_hash + "' WHERE sequence = 3");
  VerifyReport report = verify_file();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_sequence, 3);
  EXPECT_NE(report.problem.find("the chain head records a different hash"), std::string::npos)
      << report.problem;
}

TEST_F(AuditTamperTest, EntryInsertedAroundTheStoreIsDetectedThroughTheHead) {
  record_entries(2);
  // A well-formed entry 3, chained correctly, but not appended through the store.
  core::AuditEntry forged;
  {
    std::unique_ptr<store::Store> store = open();
    auto tx = std::move(store->begin(store::TransactionMode::kRead)).value();
    forged.sequence = 3;
    forged.actor = "intruder";
    forged.action = "result.release";
    forged.previous_hash = (**tx->last_audit_entry()).hash;
    forged.hash = compute_hash(forged);
  }
  tamper(
      "INSERT INTO audit_log (sequence, recorded_at, actor, action, entity_type, entity_key,"
      " patient_mrn, accession_number, test_code, before_json, after_json, reason,"
      " previous_hash, hash) VALUES (3, 0, 'intruder', 'result.release', '', '', '', '', '',"
      " '', '', '', '" +
      forged.previous_hash + "', '" + forged.hash + "')");
  VerifyReport report = verify_file();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_sequence, 3);
  EXPECT_EQ(report.problem,
            "entry 3 was added outside the store: the chain head records entry 2 as the last");
}

TEST_F(AuditTamperTest, TheFirstOfSeveralProblemsIsReported) {
  record_entries(8);
  tamper("DELETE FROM audit_log WHERE sequence = 7");
  tamper("UPDATE audit_log SET reason = 'x' WHERE sequence = 5");
  VerifyReport report = verify_file();
  EXPECT_EQ(report.first_bad_sequence, 5);
}

TEST_F(AuditTamperTest, TamperingBeyondTheFirstPageIsFound) {
  // verify() reads 10,000 entries at a time; the altered entry is on the second page.
  record_entries(10'005);
  tamper("UPDATE audit_log SET test_code = 'NA' WHERE sequence = 10003");
  VerifyReport report = verify_file();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_bad_sequence, 10'003);
  EXPECT_EQ(report.entries_checked, 10'002);
}

}  // namespace
}  // namespace aliquot::audit
