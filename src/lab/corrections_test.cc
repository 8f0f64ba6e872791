#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class CorrectResultTest : public LabTest {
 protected:
  CorrectResultTest() {
    serum_ = received_order("MRN-1", {"K"})[0];
    enter(serum_.accession_number, "K", "4.1");
    released_ = release(serum_.accession_number, "K");
    clock_.advance(std::chrono::hours(2));
  }
  CorrectResult command(const std::string& value,
                        const std::string& reason = "wrong specimen tested on the analyzer") {
    CorrectResult correct;
    correct.accession_number = serum_.accession_number;
    correct.test_code = "K";
    correct.value = value;
    correct.reason = reason;
    return correct;
  }
  Result<core::TestResult> correct(const CorrectResult& correction,
                                   const std::string& user = "mls") {
    return write([&](store::Transaction& tx) { return correct_result(tx, as(user), correction); });
  }
  ResultDetail detail() {
    const SpecimenDetail specimen = must(read([&](store::Transaction& tx) {
      return specimen_detail(tx, as("mls"), serum_.accession_number);
    }));
    return specimen.results.at(0);
  }
  static CallDocumentation read_back_call() {
    CallDocumentation call;
    call.called_to = "Dr. Who, ED";
    call.read_back_confirmed = true;
    return call;
  }

  core::Specimen serum_;
  core::TestResult released_;
};

TEST_F(CorrectResultTest, KeepsTheReleasedValueAsARevision) {
  const std::size_t before = audit_size();
  const core::TestResult corrected = must(correct(command("5.4")));
  EXPECT_EQ(corrected.status, core::ResultStatus::kCorrected);
  EXPECT_EQ(corrected.revision, 1);
  EXPECT_DOUBLE_EQ(corrected.value->number, 5.4);
  EXPECT_EQ(corrected.flag, core::AbnormalFlag::kHigh);
  EXPECT_EQ(corrected.corrected_at, clock_.now());
  EXPECT_EQ(corrected.corrected_by, "mls");
  EXPECT_EQ(corrected.correction_reason, "wrong specimen tested on the analyzer");
  EXPECT_EQ(corrected.released_at, released_.released_at);  // first release kept

  const ResultDetail now = detail();
  ASSERT_EQ(now.revisions.size(), 1u);
  const core::ResultRevision& original = now.revisions[0];
  EXPECT_EQ(original.revision, 0);
  EXPECT_DOUBLE_EQ(original.value.number, 4.1);
  EXPECT_EQ(original.flag, core::AbnormalFlag::kNone);
  EXPECT_EQ(original.status, core::ResultStatus::kFinal);
  EXPECT_EQ(original.released_at, *released_.released_at);
  EXPECT_EQ(original.released_by, "tech");
  EXPECT_EQ(original.replaced_at, clock_.now());
  EXPECT_EQ(original.replaced_by, "mls");
  EXPECT_EQ(original.reason, "wrong specimen tested on the analyzer");

  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].action, "result.correct");
  EXPECT_EQ(added[0].entity_key, serum_.accession_number + "/K");
  EXPECT_EQ(added[0].reason, "wrong specimen tested on the analyzer");
  EXPECT_NE(added[0].before.find("\"reported\":\"4.1\""), std::string::npos);
  EXPECT_NE(added[0].after.find("\"reported\":\"5.4\""), std::string::npos);
}

TEST_F(CorrectResultTest, CorrectingTwiceKeepsBothEarlierValues) {
  must(correct(command("5.4")));
  const core::Instant first_correction = clock_.now();
  clock_.advance(std::chrono::minutes(30));
  const core::TestResult again = must(correct(command("4.8", "transcription error"), "super"));
  EXPECT_EQ(again.revision, 2);
  const ResultDetail now = detail();
  ASSERT_EQ(now.revisions.size(), 2u);
  EXPECT_DOUBLE_EQ(now.revisions[0].value.number, 4.1);
  EXPECT_DOUBLE_EQ(now.revisions[1].value.number, 5.4);
  EXPECT_EQ(now.revisions[1].status, core::ResultStatus::kCorrected);
  EXPECT_EQ(now.revisions[1].released_at, first_correction);
  EXPECT_EQ(now.revisions[1].released_by, "mls");
  EXPECT_EQ(now.revisions[1].reason, "transcription error");
}

TEST_F(CorrectResultTest, RequiresAReason) {
  const Result<core::TestResult> refused = correct(command("5.4", "  "));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "a correction of result K on " + serum_.accession_number + " needs a reason");
}

TEST_F(CorrectResultTest, RefusesAResultNotReleased) {
  const core::Specimen other = received_order("MRN-1", {"NA"})[0];
  enter(other.accession_number, "NA", "140");
  CorrectResult correction = command("141");
  correction.accession_number = other.accession_number;
  correction.test_code = "NA";
  const Result<core::TestResult> refused = correct(correction);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "result NA on " + other.accession_number +
                " is not released; enter the value again instead of correcting it");
}

TEST_F(CorrectResultTest, RefusesTheValueAlreadyReleased) {
  const Result<core::TestResult> refused = correct(command("4.10"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(), "the corrected value 4.1 of result K on " +
                                           serum_.accession_number + " equals the released value");
}

TEST_F(CorrectResultTest, RefusesTechniciansAndAdmins) {
  const Result<core::TestResult> tech = correct(command("5.4"), "tech");
  ASSERT_FALSE(tech.has_value());
  EXPECT_EQ(tech.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(tech.error().message(), "user 'tech' (technician) may not correct released results");
  const Result<core::TestResult> admin = correct(command("5.4"), "admin");
  ASSERT_FALSE(admin.has_value());
  EXPECT_EQ(admin.error().message(), "user 'admin' (admin) may not correct released results");
  EXPECT_TRUE(correct(command("5.4"), "path").has_value());
}

TEST_F(CorrectResultTest, RefusesACriticalCorrectionWithoutItsCallAndChangesNothing) {
  const std::size_t before = audit_size();
  const Result<core::TestResult> refused = correct(command("2.4"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "corrected value K 2.4 mmol/L (LL) on " + serum_.accession_number +
                " is critical: telephone it to a caregiver and record the correction together "
                "with the call (called to, read-back confirmed)");
  EXPECT_EQ(audit_size(), before);
  const ResultDetail unchanged = detail();
  EXPECT_EQ(unchanged.result.status, core::ResultStatus::kFinal);
  EXPECT_DOUBLE_EQ(unchanged.result.value->number, 4.1);
  EXPECT_TRUE(unchanged.revisions.empty());
}

TEST_F(CorrectResultTest, RefusesACriticalCorrectionWhoseCallHadNoReadBack) {
  CorrectResult correction = command("2.4");
  correction.critical_call = read_back_call();
  correction.critical_call->read_back_confirmed = false;
  const Result<core::TestResult> refused = correct(correction);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "read-back not confirmed: the call does not count as notification; call again and "
            "have the caregiver read back the corrected value K 2.4 mmol/L (LL) on " +
                serum_.accession_number);
  EXPECT_TRUE(detail().revisions.empty());
}

TEST_F(CorrectResultTest, RecordsACriticalCorrectionTogetherWithItsCall) {
  CorrectResult correction = command("2.4");
  correction.critical_call = read_back_call();
  correction.critical_call->called_at = clock_.now() - std::chrono::minutes(2);
  const std::size_t before = audit_size();
  const core::TestResult corrected = must(correct(correction));
  EXPECT_EQ(corrected.flag, core::AbnormalFlag::kCriticalLow);
  EXPECT_EQ(corrected.status, core::ResultStatus::kCorrected);
  const ResultDetail now = detail();
  ASSERT_EQ(now.critical_calls.size(), 1u);
  EXPECT_EQ(now.critical_calls[0].result_revision, corrected.revision);
  EXPECT_EQ(now.critical_calls[0].called_to, "Dr. Who, ED");
  EXPECT_EQ(now.critical_calls[0].called_by, "mls");
  EXPECT_EQ(now.critical_calls[0].called_at, *correction.critical_call->called_at);
  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[0].action, "result.correct");
  EXPECT_EQ(added[1].action, "critical_call.document");
  EXPECT_EQ(added[1].entity_key, serum_.accession_number + "/K");
}

TEST_F(CorrectResultTest, RefusesACallForACorrectionThatIsNotCritical) {
  CorrectResult correction = command("5.4");
  correction.critical_call = read_back_call();
  const Result<core::TestResult> refused = correct(correction);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "corrected value K 5.4 mmol/L (H) on " + serum_.accession_number +
                " is not critical; record the correction without a critical call");
}

TEST_F(CorrectResultTest, AnEarlierCallDoesNotCoverACorrectedCriticalValue) {
  // Released critical 7.0 with its call; corrected to another critical value 6.8.
  const core::Specimen other = received_order("MRN-1", {"K"})[0];
  enter(other.accession_number, "K", "7.0");
  call(other.accession_number, "K");
  release(other.accession_number, "K");
  CorrectResult correction = command("6.8");
  correction.accession_number = other.accession_number;
  const Result<core::TestResult> refused = correct(correction);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace aliquot::lab
