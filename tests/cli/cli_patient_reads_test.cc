// Every look at a patient's data from the command line is recorded (`aliquot audit reads`), as
// the server records the API's.

#include <gtest/gtest.h>

#include <string>

#include "cli_fixture.h"

namespace aliquot::cli_test {
namespace {

using ::testing::HasSubstr;

class CliPatientReadsTest : public CliTest {};

TEST_F(CliPatientReadsTest, ShowsAndReportsAreRecordedWithTheViewAndTheUser) {
  const nlohmann::json specimens = received_order("MRN-7", "K");
  const std::string accession = accession_with(specimens, "K");
  (void)succeed({"report", "MRN-7"}, kTechnician);
  (void)succeed({"specimen", "show", accession}, kClerk);
  (void)succeed({"worklist"}, kTechnologist);

  const nlohmann::json reads = succeed_json({"audit", "reads", "--patient", "MRN-7"}, kAdmin);
  ASSERT_EQ(reads.size(), 3u) << reads.dump(2);
  // Newest first.
  EXPECT_EQ(reads[0]["what"], "worklist");
  EXPECT_EQ(reads[0]["username"], kTechnologist);
  EXPECT_EQ(reads[1]["what"], "specimen " + accession);
  EXPECT_EQ(reads[1]["username"], kClerk);
  EXPECT_EQ(reads[2]["what"], "patient report");
  EXPECT_EQ(reads[2]["username"], kTechnician);
  EXPECT_EQ(reads[2]["mrn"], "MRN-7");
  EXPECT_EQ(reads[2]["peer"], "");

  EXPECT_EQ(succeed_json({"audit", "reads", "--user", kClerk}, kAdmin).size(), 1u);
  EXPECT_THAT(succeed({"audit", "reads"}, kAdmin).out, HasSubstr("command line"));
}

TEST_F(CliPatientReadsTest, OnlyAdminsListTheReads) {
  const CommandOutput refused = lab_.run({"audit", "reads"}, kTechnician);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("may not add users"));
}

}  // namespace
}  // namespace aliquot::cli_test
