#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class PostResultsTest : public LabTest {
 protected:
  Result<PostedResults> post(const std::string& accession_number, std::vector<PostedValue> values,
                             const std::string& user = "analyzer") {
    PostResults command;
    command.accession_number = accession_number;
    command.values = std::move(values);
    command.source = "cobas c311 (SN 1234)";
    return write([&](store::Transaction& tx) { return post_results(tx, as(user), command); });
  }
};

TEST_F(PostResultsTest, RecordsEveryValueOnTheSpecimenFlaggedAndAudited) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  const std::size_t before = audit_size();
  const PostedResults posted = must(post(
      serum.accession_number, {{"K", "5.4", "mmol/L", "R1", {}}, {"NA", "140", "", "R2", {}}}));
  EXPECT_EQ(posted.recorded, 2);
  EXPECT_EQ(posted.unchanged, 0);
  ASSERT_EQ(posted.results.size(), 2u);
  EXPECT_EQ(posted.results[0].test_code, "K");
  EXPECT_EQ(posted.results[0].flag, core::AbnormalFlag::kHigh);
  EXPECT_EQ(posted.results[0].status, core::ResultStatus::kPreliminary);
  EXPECT_EQ(posted.results[0].entered_by, "analyzer");
  EXPECT_EQ(result_of(serum.accession_number, "NA").value->number, 140);

  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "result.enter");
  EXPECT_EQ(entries[0].actor, "analyzer");
  EXPECT_EQ(entries[0].reason, "reported by cobas c311 (SN 1234)");
}

TEST_F(PostResultsTest, TheSameValuesPostedAgainAreStoredOnce) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  must(post(serum.accession_number, {{"K", "4.0", "", "R1", {}}, {"NA", "140", "", "R2", {}}}));
  const std::size_t before = audit_size();
  const PostedResults again =
      must(post(serum.accession_number, {{"K", "4.0", "", "R1", {}}, {"NA", "141", "", "R2", {}}}));
  EXPECT_EQ(again.unchanged, 1);
  EXPECT_EQ(again.recorded, 1);
  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].test_code, "NA");
}

TEST_F(PostResultsTest, RefusesTheWholePostAndNamesEveryProblem) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  const std::size_t before = audit_size();
  const Result<PostedResults> refused = post(serum.accession_number, {{"K", "4.0", "", "R1", {}},
                                                                      {"HGB", "12", "", "R2", {}},
                                                                      {"NA", "abc", "", "R3", {}},
                                                                      {"NOPE", "1", "", "R4", {}}});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  const std::string& message = refused.error().message();
  EXPECT_NE(message.find("R2: test HGB is not ordered on specimen " + serum.accession_number),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("R3: "), std::string::npos) << message;
  EXPECT_NE(message.find("R4: "), std::string::npos) << message;
  EXPECT_EQ(message.find("R1"), std::string::npos) << message;
  // Nothing of it was applied: K has no value and no audit entry was added.
  EXPECT_FALSE(result_of(serum.accession_number, "K").value.has_value());
  EXPECT_EQ(audit_size(), before);
}

TEST_F(PostResultsTest, AValueForATestNotOrderedIsNotFound) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const Result<PostedResults> refused = post(serum.accession_number, {{"NA", "140", "", "R1", {}}});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
}

TEST_F(PostResultsTest, RefusesASpecimenNotReceivedAndAReleasedResult) {
  patient("MRN-1");
  const core::Order o = order("MRN-1", {"K"});
  const core::Specimen collected = accession(o.order_number)[0];
  const Result<PostedResults> not_received =
      post(collected.accession_number, {{"K", "4", "", "", {}}});
  ASSERT_FALSE(not_received.has_value());
  EXPECT_EQ(not_received.error().message(),
            "value 1: specimen " + collected.accession_number +
                " is not received yet; receive it before entering results");

  receive(collected.accession_number);
  must(post(collected.accession_number, {{"K", "4", "", "", {}}}));
  release(collected.accession_number, "K");
  const Result<PostedResults> released =
      post(collected.accession_number, {{"K", "4.2", "", "", {}}});
  ASSERT_FALSE(released.has_value());
  EXPECT_NE(released.error().message().find("is already released"), std::string::npos);
}

TEST_F(PostResultsTest, AnInterfaceAccountMayPostButNeverRelease) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  must(post(serum.accession_number, {{"K", "4.0", "", "", {}}}));
  ReleaseResult command{serum.accession_number, "K"};
  const Result<core::TestResult> refused =
      write([&](store::Transaction& tx) { return release_result(tx, as("analyzer"), command); });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_FALSE(post(serum.accession_number, {{"K", "4.1", "", "", {}}}, "doc").has_value());
}

}  // namespace
}  // namespace aliquot::lab
