#include "lab/reruns.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "lab/lab_test_fixture.h"
#include "lab/use_cases.h"

namespace aliquot::lab {
namespace {

class RerunTest : public LabTest {
 protected:
  Result<core::HoldReason> rerun(const std::string& accession_number, const std::string& reason,
                                 int dilution = 0, const std::string& user = "mls") {
    RequestRerun command{accession_number, "K", reason, dilution};
    return write([&](store::Transaction& tx) { return request_rerun(tx, as(user), command); });
  }

  Result<core::TestResult> try_release(const std::string& accession_number) {
    ReleaseResult command{accession_number, "K"};
    return write([&](store::Transaction& tx) { return release_result(tx, as("mls"), command); });
  }

  Result<PostedResults> post(const std::string& accession_number, const std::string& value) {
    PostResults command;
    command.accession_number = accession_number;
    command.values = {{"K", value, "mmol/L", "R record 1", {}, ""}};
    command.source = "chem1";
    command.instrument = "chem1";
    return write([&](store::Transaction& tx) { return post_results(tx, as("analyzer"), command); });
  }

  std::vector<core::HoldReason> holds_of(const core::TestResult& result) {
    return must(read([&](store::Transaction& tx) { return tx.holds_for_result(result.id); }));
  }
};

TEST_F(RerunTest, ARequestKeepsTheValueFromReleaseUntilTheRepeatIsRecorded) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  must(post(serum.accession_number, "5.9"));
  const std::size_t before = audit_size();

  const core::HoldReason request = must(rerun(serum.accession_number, "  clot suspected  "));
  EXPECT_EQ(request.category, kRerunHold);
  EXPECT_EQ(request.action, "rerun");
  EXPECT_EQ(request.rule, "rerun requested by mls");
  EXPECT_EQ(request.observed, "first run 5.9 mmol/L (H)");
  EXPECT_EQ(request.message,
            "rerun requested by mls: clot suspected; not released until the repeat is recorded");
  const core::TestResult held = result_of(serum.accession_number, "K");
  EXPECT_EQ(held.status, core::ResultStatus::kPreliminary);
  ASSERT_NE(rerun_request(holds_of(held)), nullptr);

  const std::vector<core::AuditEntry> requested = audit_since(before);
  ASSERT_EQ(requested.size(), 1u);
  EXPECT_EQ(requested[0].action, "result.rerun");
  EXPECT_EQ(requested[0].actor, "mls");
  EXPECT_EQ(requested[0].reason, "rerun of 5.9 mmol/L (H): clot suspected");

  const Result<core::TestResult> refused = try_release(serum.accession_number);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message().find("waits for its rerun requested by mls: clot suspected"),
            std::string::npos)
      << refused.error().message();

  // The instrument repeats the same value: it is recorded as the repeat, not dropped as a
  // message delivered twice, and the request goes with the first run's reasons.
  const std::size_t before_repeat = audit_size();
  const PostedResults repeat = must(post(serum.accession_number, "5.9"));
  EXPECT_EQ(repeat.recorded, 1);
  EXPECT_EQ(repeat.unchanged, 0);
  const std::vector<core::AuditEntry> repeated = audit_since(before_repeat);
  ASSERT_FALSE(repeated.empty());
  EXPECT_NE(
      repeated[0].reason.find("repeat of the first run 5.9 mmol/L (H) (rerun requested by mls)"),
      std::string::npos)
      << repeated[0].reason;
  EXPECT_EQ(rerun_request(holds_of(result_of(serum.accession_number, "K"))), nullptr);
  EXPECT_EQ(must(try_release(serum.accession_number)).status, core::ResultStatus::kFinal);

  // Once the repeat is in and released, the same message again changes nothing.
  EXPECT_EQ(must(post(serum.accession_number, "5.9")).unchanged, 1);
}

TEST_F(RerunTest, ADilutionIsNamedAndALaterRequestReplacesTheEarlierOne) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "9.9");
  must(rerun(serum.accession_number, "check"));
  const core::HoldReason diluted = must(rerun(serum.accession_number, "above the range", 10));
  EXPECT_EQ(diluted.action, "rerun-diluted");
  EXPECT_EQ(diluted.threshold, "a repeat measurement on a 1:10 dilution");
  EXPECT_EQ(diluted.message,
            "rerun on a 1:10 dilution requested by mls: above the range; not released until the "
            "repeat is recorded");
  const std::vector<core::HoldReason> holds = holds_of(result_of(serum.accession_number, "K"));
  EXPECT_EQ(std::count_if(holds.begin(), holds.end(),
                          [](const core::HoldReason& hold) { return hold.category == kRerunHold; }),
            1);

  // Entering the value again by hand answers (and so withdraws) the request.
  enter(serum.accession_number, "K", "9.8");
  EXPECT_EQ(rerun_request(holds_of(result_of(serum.accession_number, "K"))), nullptr);
}

TEST_F(RerunTest, WhatCannotBeRerunIsRefusedWithTheReason) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  EXPECT_NE(rerun(serum.accession_number, "x")
                .error()
                .message()
                .find("has no value yet: there is nothing to measure again"),
            std::string::npos);
  enter(serum.accession_number, "K", "4.1");
  EXPECT_EQ(rerun(serum.accession_number, "   ").error().message(),
            "a rerun of K on " + serum.accession_number + " needs a reason");
  EXPECT_EQ(rerun(serum.accession_number, "x", 1).error().message(),
            "dilution 1:1 is not a dilution: give N from 2 to 10000 for 1:N");
  EXPECT_EQ(rerun(serum.accession_number, "x", 0, "clerk").error().code(),
            ErrorCode::kPermissionDenied);
  release(serum.accession_number, "K", "mls");
  EXPECT_NE(rerun(serum.accession_number, "x")
                .error()
                .message()
                .find("is already released; measure it again and correct it instead"),
            std::string::npos);
}

}  // namespace
}  // namespace aliquot::lab
