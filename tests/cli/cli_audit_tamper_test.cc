// Tampering with the audit trail behind the lab's back is detected by `aliquot audit verify`.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "cli_fixture.h"

namespace aliquot::cli_test {
namespace {

// Runs one SQL statement on the lab's database file directly, as someone with file access could.
void execute_sql(const std::string& database, const std::string& sql) {
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

class CliTamperTest : public CliTest {
 protected:
  // A released potassium, and the sequence number of its release in the trail.
  void SetUp() override {
    CliTest::SetUp();
    const nlohmann::json specimens = received_order("MRN-T", "K");
    serum_ = accession_with(specimens, "K");
    succeed({"result", "enter", serum_, "K", "5.0"}, kTechnician);
    succeed({"result", "release", serum_, "K"}, kTechnician);
    const nlohmann::json trail = succeed_json({"audit", "show", "--result", serum_ + "/K"}, kAdmin);
    for (const nlohmann::json& entry : trail) {
      if (entry["action"] == "result.release") release_sequence_ = entry["sequence"];
    }
    ASSERT_GT(release_sequence_, 0);
    succeed({"audit", "verify"}, kAdmin);
  }

  std::string serum_;
  std::int64_t release_sequence_ = 0;
};

TEST_F(CliTamperTest, AnAlteredEntryIsNamedBySequenceNumber) {
  execute_sql(lab_.database_path(), "UPDATE audit_log SET actor = 'mls1' WHERE sequence = " +
                                        std::to_string(release_sequence_));
  const CommandOutput output = lab_.run({"audit", "verify"}, kAdmin);
  EXPECT_EQ(output.exit_code, 1) << ::testing::PrintToString(output);
  EXPECT_EQ(output.out, "");
  EXPECT_EQ(
      output.err.rfind(
          "aliquot: audit trail broken at entry " + std::to_string(release_sequence_) + ":", 0),
      0u)
      << output.err;

  const CommandOutput json = lab_.run({"audit", "verify", "--json"}, kAdmin);
  EXPECT_EQ(json.exit_code, 1);
  const nlohmann::json body = nlohmann::json::parse(json.out);
  EXPECT_EQ(body["intact"], false);
  EXPECT_EQ(body["first_bad_sequence"], release_sequence_);
  EXPECT_EQ(body["error"]["code"], "DATA_LOSS");
}

TEST_F(CliTamperTest, AnAlteredAfterImageIsDetectedToo) {
  execute_sql(lab_.database_path(),
              "UPDATE audit_log SET after_json = replace(after_json, '5.0', '4.0') WHERE "
              "sequence = " +
                  std::to_string(release_sequence_));
  const CommandOutput output = lab_.run({"audit", "verify"}, kAdmin);
  EXPECT_EQ(output.exit_code, 1) << ::testing::PrintToString(output);
  EXPECT_THAT(output.err, ::testing::HasSubstr("entry " + std::to_string(release_sequence_)));
}

}  // namespace
}  // namespace aliquot::cli_test
