// Every mutating use case writes one audit entry per changed entity, with the subject keys that
// let a patient's, specimen's or result's history be listed; refused steps write nothing even
// when the transaction carrying them is committed; and the chain verifies afterwards.

#include <gtest/gtest.h>

#include "audit/chain.h"
#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class AuditTrailTest : public LabTest {
 protected:
  std::vector<core::AuditEntry> history(const store::AuditFilter& filter) {
    return must(read([&](store::Transaction& tx) { return tx.find_audit_entries(filter); }));
  }
  audit::VerifyReport verify_chain() {
    return must(read([&](store::Transaction& tx) { return audit::verify(tx); }));
  }
};

TEST_F(AuditTrailTest, AWholeWorkupLeavesAnIntactChainWithTheRightSubjects) {
  const std::size_t start = audit_size();
  patient("MRN-1");                                                             // 1
  const core::Order order = this->order("MRN-1", {"K", "HGB"});                 // 1 + 2
  const std::vector<core::Specimen> specimens = accession(order.order_number);  // 2 + 2
  receive(specimens[0].accession_number);                                       // 1
  receive(specimens[1].accession_number);                                       // 1
  enter(specimens[0].accession_number, "K", "2.4");                             // 1
  call(specimens[0].accession_number, "K");                                     // 1
  release(specimens[0].accession_number, "K");                                  // 1
  CorrectResult correction;
  correction.accession_number = specimens[0].accession_number;
  correction.test_code = "K";
  correction.value = "3.9";
  correction.reason = "sample from the wrong patient was run";
  must(write(
      [&](store::Transaction& tx) { return correct_result(tx, as("mls"), correction); }));  // 1
  RejectSpecimen reject;
  reject.accession_number = specimens[1].accession_number;
  reject.reason = core::RejectionReason::kClotted;
  must(write(
      [&](store::Transaction& tx) { return reject_specimen(tx, as("tech"), reject); }));  // 1 + 2
  EXPECT_EQ(audit_size() - start, 17u);

  const audit::VerifyReport report = verify_chain();
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.entries_checked, static_cast<std::int64_t>(audit_size()));

  store::AuditFilter by_result;
  by_result.accession_number = specimens[0].accession_number;
  by_result.test_code = "K";
  std::vector<std::string> actions;
  for (const core::AuditEntry& entry : history(by_result)) actions.push_back(entry.action);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"result.accession", "result.enter", "critical_call.document",
                                      "result.release", "result.correct"}));

  store::AuditFilter by_patient;
  by_patient.patient_mrn = "MRN-1";
  const std::vector<core::AuditEntry> patient_history = history(by_patient);
  EXPECT_EQ(patient_history.size(), 17u);
  for (const core::AuditEntry& entry : patient_history) EXPECT_EQ(entry.patient_mrn, "MRN-1");
}

// Runs a refused use case and a permitted one in one transaction that is then committed, as the
// ingest pipeline's group commit does: only the permitted one may leave a trace.
TEST_F(AuditTrailTest, ARefusedStepWritesNothingEvenWhenItsTransactionCommits) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  enter(serum.accession_number, "K", "2.4");
  enter(serum.accession_number, "NA", "140");
  const std::size_t before = audit_size();
  const core::TestResult k_before = result_of(serum.accession_number, "K");

  std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kWrite));
  ReleaseResult release_k;
  release_k.accession_number = serum.accession_number;
  release_k.test_code = "K";
  EXPECT_FALSE(release_result(*tx, as("tech"), release_k).has_value());  // critical, no call
  RejectSpecimen reject;
  reject.accession_number = serum.accession_number;
  EXPECT_FALSE(reject_specimen(*tx, as("doc"), reject).has_value());  // not permitted
  AccessionOrder future;
  future.order_number = "O26-0000001";
  future.collected_at = clock_.now() + std::chrono::hours(1);
  EXPECT_FALSE(accession_order(*tx, as("clerk"), future).has_value());
  CorrectResult no_reason;
  no_reason.accession_number = serum.accession_number;
  no_reason.test_code = "NA";
  no_reason.value = "141";
  EXPECT_FALSE(correct_result(*tx, as("mls"), no_reason).has_value());
  ReleaseResult release_na;
  release_na.accession_number = serum.accession_number;
  release_na.test_code = "NA";
  EXPECT_TRUE(release_result(*tx, as("tech"), release_na).has_value());
  must(tx->commit());

  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].action, "result.release");
  EXPECT_EQ(added[0].test_code, "NA");
  const core::TestResult k_after = result_of(serum.accession_number, "K");
  EXPECT_EQ(k_after.status, core::ResultStatus::kPreliminary);
  EXPECT_EQ(k_after.revision, k_before.revision);
  EXPECT_EQ(result_of(serum.accession_number, "NA").status, core::ResultStatus::kFinal);
  EXPECT_TRUE(verify_chain().intact);
}

}  // namespace
}  // namespace aliquot::lab
