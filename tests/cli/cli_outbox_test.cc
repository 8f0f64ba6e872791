// Results leaving the lab: a destination switched on with `aliquot outbox destination set`, an
// ORU^R01 queued by `aliquot result release`, and the outbox looked at and managed.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "cli_fixture.h"

namespace aliquot::cli_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Runs one SQL statement on the lab's database file directly (what a sender would record).
void run_sql(const std::string& database, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  char* message = nullptr;
  const int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  const std::string error = message != nullptr ? message : "";
  sqlite3_free(message);
  EXPECT_EQ(sqlite3_changes(db), 1) << sql;
  sqlite3_close(db);
  ASSERT_EQ(code, SQLITE_OK) << error;
}

class CliOutboxTest : public CliTest {
 protected:
  // A potassium entered and released; returns the specimen's accession number.
  std::string release_potassium(const std::string& mrn) {
    const std::string serum = accession_with(received_order(mrn, "K"), "K");
    succeed({"result", "enter", serum, "K", "4.2"}, kTechnician);
    succeed({"result", "release", serum, "K"}, kTechnician);
    return serum;
  }
};

TEST_F(CliOutboxTest, ReleaseQueuesNothingUntilADestinationIsSet) {
  EXPECT_EQ(succeed({"outbox", "destination", "show"}, kAdmin).out,
            "released results are not sent (no destination)\n");
  release_potassium("MRN-O1");
  EXPECT_EQ(succeed_json({"outbox", "list"}, kAdmin), nlohmann::json::array());
  EXPECT_EQ(succeed({"outbox", "list"}, kAdmin).out, "no outbox messages\n");
}

TEST_F(CliOutboxTest, AReleasedResultIsListedAsOnePendingOru) {
  const CommandOutput refused = lab_.run({"outbox", "destination", "set", "ehr"}, kTechnician);
  EXPECT_EQ(refused.exit_code, 1) << ::testing::PrintToString(refused);
  EXPECT_EQ(refused.err, "aliquot: user 'tech1' (technician) may not manage interfaces\n");

  EXPECT_EQ(succeed({"outbox", "destination", "set", "ehr"}, kAdmin).out,
            "released and corrected results are now queued for ehr\n");
  EXPECT_EQ(succeed({"outbox", "destination", "show"}, kClerk).out,
            "released results are sent to ehr\n");
  const std::string serum = release_potassium("MRN-O2");

  const nlohmann::json listed = succeed_json({"outbox", "list"}, kClerk);
  ASSERT_EQ(listed.size(), 1u) << listed.dump(2);
  const nlohmann::json& message = listed[0];
  EXPECT_EQ(message["status"], "pending");
  EXPECT_EQ(message["message_type"], "ORU^R01");
  EXPECT_EQ(message["message_id"], "ALQ1");
  EXPECT_EQ(message["destination"], "ehr");
  EXPECT_EQ(message["subject"], serum + "/K");
  EXPECT_EQ(message["attempts"], 0);
  EXPECT_FALSE(message.contains("payload"));
  EXPECT_EQ(succeed_json({"outbox", "list", "--status", "failed"}, kClerk),
            nlohmann::json::array());

  const CommandOutput table = succeed({"outbox", "list", "--status", "pending"}, kClerk);
  EXPECT_THAT(table.out, HasSubstr("ORU^R01"));
  EXPECT_THAT(table.out, HasSubstr(serum + "/K"));

  const std::string id = std::to_string(message["id"].get<std::int64_t>());
  const CommandOutput shown = succeed({"outbox", "show", id}, kClerk);
  EXPECT_THAT(shown.out,
              HasSubstr("message " + id + ": ORU^R01 ALQ1 for " + serum + "/K to ehr\n"));
  EXPECT_THAT(shown.out, HasSubstr("\nMSH|^~\\&|ALIQUOT|Riverside General Laboratory|ehr||"));
  EXPECT_THAT(shown.out, HasSubstr("\nOBX|1|NM|2823-3^Potassium^LN^K^Potassium^L||4.2|"));
  EXPECT_THAT(shown.out, Not(HasSubstr("\r")));
  const nlohmann::json document = succeed_json({"outbox", "show", id}, kClerk);
  EXPECT_THAT(document["payload"].get<std::string>(), HasSubstr("|ALQ1|P|2.5.1|"));
  EXPECT_THAT(document["payload"].get<std::string>(), HasSubstr("\rPID|1||MRN-O2^^^"));

  const CommandOutput missing = lab_.run({"outbox", "show", "999"}, kClerk);
  EXPECT_EQ(missing.exit_code, 1) << ::testing::PrintToString(missing);
  EXPECT_EQ(missing.err, "aliquot: no outbox message 999\n");
}

TEST_F(CliOutboxTest, AFailedMessageIsRetriedByAnAdmin) {
  succeed({"outbox", "destination", "set", "ehr"}, kAdmin);
  release_potassium("MRN-O3");
  const nlohmann::json listed = succeed_json({"outbox", "list"}, kAdmin);
  ASSERT_EQ(listed.size(), 1u);
  const std::string id = std::to_string(listed[0]["id"].get<std::int64_t>());

  const CommandOutput pending = lab_.run({"outbox", "retry", id}, kAdmin);
  EXPECT_EQ(pending.exit_code, 1) << ::testing::PrintToString(pending);
  EXPECT_THAT(pending.err, HasSubstr("is pending; only a failed message can be retried"));

  run_sql(lab_.database_path(),
          "UPDATE outbox SET status = 'failed', attempts = 1, last_error = 'refused by ehr: "
          "AR: unknown patient' WHERE id = " +
              id);
  EXPECT_EQ(succeed_json({"outbox", "list", "--status", "failed"}, kAdmin).size(), 1u);
  const CommandOutput retried = succeed({"outbox", "retry", id}, kAdmin);
  EXPECT_THAT(retried.out, HasSubstr("is pending again"));
  const nlohmann::json after = succeed_json({"outbox", "list"}, kAdmin);
  EXPECT_EQ(after[0]["status"], "pending");
  EXPECT_EQ(after[0]["attempts"], 0);
  EXPECT_EQ(after[0]["last_error"].get<std::string>().rfind("retried by admin at ", 0), 0u)
      << after[0]["last_error"];
  EXPECT_THAT(after[0]["last_error"].get<std::string>(),
              HasSubstr("; before: refused by ehr: AR: unknown patient"));
}

TEST_F(CliOutboxTest, TheLabsIdentityIsConfigurable) {
  succeed({"outbox", "setting", "lab.clia_id", "05D2191150"}, kAdmin);
  const CommandOutput bad = lab_.run({"outbox", "setting", "lab.clia_id", "none"}, kAdmin);
  EXPECT_EQ(bad.exit_code, 2) << ::testing::PrintToString(bad);
  const nlohmann::json settings = succeed_json({"outbox", "settings"}, kClerk);
  bool found = false;
  for (const nlohmann::json& setting : settings) {
    if (setting["key"] == "lab.clia_id") {
      EXPECT_EQ(setting["value"], "05D2191150");
      found = true;
    }
  }
  EXPECT_TRUE(found) << settings.dump(2);

  succeed({"outbox", "destination", "set", "ehr"}, kAdmin);
  succeed({"outbox", "destination", "off"}, kAdmin);
  release_potassium("MRN-O4");
  EXPECT_EQ(succeed_json({"outbox", "list"}, kAdmin), nlohmann::json::array());
}

}  // namespace
}  // namespace aliquot::cli_test
