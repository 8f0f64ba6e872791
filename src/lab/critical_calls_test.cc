#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class CriticalCallTest : public LabTest {
 protected:
  CriticalCallTest() { serum_ = received_order("MRN-1", {"K"})[0]; }

  DocumentCriticalCall command() const {
    DocumentCriticalCall call;
    call.accession_number = serum_.accession_number;
    call.test_code = "K";
    call.called_to = "RN Smith, ward 4";
    call.read_back_confirmed = true;
    return call;
  }
  Result<core::CriticalCall> document(const DocumentCriticalCall& call,
                                      const std::string& user = "tech") {
    return write(
        [&](store::Transaction& tx) { return document_critical_call(tx, as(user), call); });
  }
  Result<core::TestResult> try_release() {
    ReleaseResult release;
    release.accession_number = serum_.accession_number;
    release.test_code = "K";
    return write([&](store::Transaction& tx) { return release_result(tx, as("tech"), release); });
  }

  core::Specimen serum_;
};

TEST_F(CriticalCallTest, DocumentedCallWithReadBackAllowsRelease) {
  enter(serum_.accession_number, "K", "2.4");
  clock_.advance(std::chrono::minutes(4));
  DocumentCriticalCall call = command();
  call.called_at = clock_.now() - std::chrono::minutes(1);
  call.notes = "told of hemolysis-free recollection";
  const std::size_t before = audit_size();
  const core::CriticalCall documented = must(document(call));
  EXPECT_EQ(documented.result_revision, 0);
  EXPECT_EQ(documented.called_to, "RN Smith, ward 4");
  EXPECT_EQ(documented.called_by, "tech");
  EXPECT_EQ(documented.called_at, *call.called_at);
  EXPECT_EQ(documented.documented_at, clock_.now());
  EXPECT_EQ(documented.documented_by, "tech");
  EXPECT_TRUE(documented.read_back_confirmed);
  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].action, "critical_call.document");
  EXPECT_EQ(added[0].entity_type, "critical_call");
  EXPECT_EQ(added[0].entity_key, serum_.accession_number + "/K");
  EXPECT_EQ(added[0].accession_number, serum_.accession_number);
  EXPECT_EQ(added[0].test_code, "K");
  EXPECT_EQ(added[0].patient_mrn, "MRN-1");

  const core::TestResult released = must(try_release());
  EXPECT_EQ(released.status, core::ResultStatus::kFinal);
  EXPECT_EQ(released.flag, core::AbnormalFlag::kCriticalLow);
}

TEST_F(CriticalCallTest, RefusesACallWithoutReadBack) {
  enter(serum_.accession_number, "K", "2.4");
  DocumentCriticalCall call = command();
  call.read_back_confirmed = false;
  const std::size_t before = audit_size();
  const Result<core::CriticalCall> refused = document(call);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "read-back not confirmed: the call does not count as notification; call again and "
            "have the caregiver read back result K on " +
                serum_.accession_number);
  EXPECT_EQ(audit_size(), before);
  EXPECT_FALSE(try_release().has_value());
}

TEST_F(CriticalCallTest, RefusesAResultThatIsNotCritical) {
  enter(serum_.accession_number, "K", "2.6");
  const Result<core::CriticalCall> refused = document(command());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "result K on " + serum_.accession_number +
                " (2.6 mmol/L (L)) is not critical; a critical call is documented for LL or HH");
}

TEST_F(CriticalCallTest, RefusesAResultWithoutValue) {
  const Result<core::CriticalCall> refused = document(command());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(), "result K on " + serum_.accession_number +
                                           " has no value; there is no critical value to call");
}

TEST_F(CriticalCallTest, RefusesACallWithoutTheCaregiverCalled) {
  enter(serum_.accession_number, "K", "2.4");
  DocumentCriticalCall call = command();
  call.called_to = " ";
  const Result<core::CriticalCall> refused = document(call);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(), "the call about result K on " + serum_.accession_number +
                                           " needs the caregiver who received it (called to)");
}

TEST_F(CriticalCallTest, RefusesACallTimeInTheFuture) {
  enter(serum_.accession_number, "K", "2.4");
  DocumentCriticalCall call = command();
  call.called_at = clock_.now() + std::chrono::minutes(1);
  const Result<core::CriticalCall> refused = document(call);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(CriticalCallTest, RefusesClerks) {
  enter(serum_.accession_number, "K", "2.4");
  const Result<core::CriticalCall> refused = document(command(), "clerk");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(), "user 'clerk' (clerk) may not document critical calls");
}

TEST_F(CriticalCallTest, ACallCoversOnlyTheValueThatWasReadOut) {
  enter(serum_.accession_number, "K", "2.4");
  call(serum_.accession_number, "K");
  clock_.advance(std::chrono::minutes(3));
  // A rerun gives another critical value: the caregiver was told 2.4, not 2.2.
  const core::TestResult rerun = enter(serum_.accession_number, "K", "2.2");
  EXPECT_EQ(rerun.revision, 1);
  const Result<core::TestResult> refused = try_release();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(),
            "critical result K 2.2 mmol/L (LL) on " + serum_.accession_number +
                " cannot be released before the call to a caregiver is documented with "
                "read-back");
  // The value that was telephoned is kept.
  const SpecimenDetail detail = must(read([&](store::Transaction& tx) {
    return specimen_detail(tx, as("tech"), serum_.accession_number);
  }));
  ASSERT_EQ(detail.results.size(), 1u);
  ASSERT_EQ(detail.results[0].revisions.size(), 1u);
  const core::ResultRevision& called = detail.results[0].revisions[0];
  EXPECT_EQ(called.revision, 0);
  EXPECT_DOUBLE_EQ(called.value.number, 2.4);
  EXPECT_EQ(called.status, core::ResultStatus::kPreliminary);
  EXPECT_EQ(called.released_by, "tech");
  EXPECT_EQ(called.reason, "value telephoned to RN Smith, ward 4 replaced by a new entry");

  const core::CriticalCall second = call(serum_.accession_number, "K");
  EXPECT_EQ(second.result_revision, 1);
  EXPECT_TRUE(try_release().has_value());
}

TEST_F(CriticalCallTest, AReleasedCriticalValueMayBeCalledAgain) {
  enter(serum_.accession_number, "K", "7.0");
  call(serum_.accession_number, "K");
  release(serum_.accession_number, "K");
  DocumentCriticalCall escalation = command();
  escalation.called_to = "Dr. Oncall, attending";
  EXPECT_TRUE(document(escalation).has_value());
}

}  // namespace
}  // namespace aliquot::lab
