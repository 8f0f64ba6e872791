#include <gtest/gtest.h>

#include <cctype>
#include <utility>

#include "core/accession_number.h"
#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class SpecimenTest : public LabTest {
 protected:
  Result<core::Specimen> receive_as(const std::string& user, const std::string& accession_number,
                                    const std::string& condition = "") {
    ReceiveSpecimen command;
    command.accession_number = accession_number;
    command.condition = condition;
    return write([&](store::Transaction& tx) { return receive_specimen(tx, as(user), command); });
  }
  Result<core::Specimen> reject_as(const std::string& user, const std::string& accession_number,
                                   core::RejectionReason reason = core::RejectionReason::kHemolyzed,
                                   const std::string& comment = "") {
    RejectSpecimen command;
    command.accession_number = accession_number;
    command.reason = reason;
    command.comment = comment;
    return write([&](store::Transaction& tx) { return reject_specimen(tx, as(user), command); });
  }
  std::vector<core::Specimen> collected(std::vector<std::string> codes) {
    patient("MRN-1");
    return accession(order("MRN-1", std::move(codes)).order_number);
  }
};

TEST_F(SpecimenTest, ReceiveStampsTheReceiptWithTheCondition) {
  const core::Specimen specimen = collected({"K"})[0];
  clock_.advance(std::chrono::minutes(25));
  const core::Specimen received = must(receive_as("clerk", specimen.accession_number));
  EXPECT_EQ(received.status, core::SpecimenStatus::kReceived);
  EXPECT_EQ(received.received_at, clock_.now());
  EXPECT_EQ(received.received_by, "clerk");
  EXPECT_EQ(received.condition, "acceptable");
}

TEST_F(SpecimenTest, ReceiveKeepsTheConditionFound) {
  const core::Specimen specimen = collected({"K"})[0];
  const core::Specimen received =
      must(receive_as("tech", specimen.accession_number, "slightly lipemic"));
  EXPECT_EQ(received.condition, "slightly lipemic");
}

TEST_F(SpecimenTest, ReceiveAcceptsTheNumberInLowerCase) {
  const core::Specimen specimen = collected({"K"})[0];
  std::string typed = specimen.accession_number;
  typed.back() = static_cast<char>(std::tolower(static_cast<unsigned char>(typed.back())));
  EXPECT_TRUE(receive_as("clerk", typed).has_value());
}

TEST_F(SpecimenTest, ReceiveRefusesASpecimenAlreadyReceived) {
  const core::Specimen specimen = collected({"K"})[0];
  must(receive_as("clerk", specimen.accession_number));
  const std::string when = core::format_instant(clock_.now());
  clock_.advance(std::chrono::minutes(1));
  const Result<core::Specimen> again = receive_as("clerk", specimen.accession_number);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(again.error().message(), "specimen " + specimen.accession_number +
                                         " was already received at " + when + " by clerk");
}

TEST_F(SpecimenTest, ReceiveRefusesASpecimenAlreadyRejected) {
  const core::Specimen specimen = collected({"K"})[0];
  must(reject_as("clerk", specimen.accession_number, core::RejectionReason::kClotted));
  const Result<core::Specimen> refused = receive_as("clerk", specimen.accession_number);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(), "specimen " + specimen.accession_number +
                                           " was rejected (clotted) and cannot be received");
}

TEST_F(SpecimenTest, ReceiveRefusesAMistypedAccessionNumber) {
  const core::Specimen specimen = collected({"K"})[0];
  std::string typo = specimen.accession_number;
  std::swap(typo[7], typo[8]);  // adjacent transposition, caught by MOD 37-2
  if (typo == specimen.accession_number) typo[8] = typo[8] == '9' ? '0' : '9';
  const Result<core::Specimen> refused = receive_as("clerk", typo);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message().find("fails its check character"), std::string::npos);
}

TEST_F(SpecimenTest, ReceiveRefusesAnAccessionNumberNotIssued) {
  collected({"K"});
  const std::string unissued = must(core::AccessionNumber::make(26, 4242)).text();
  const Result<core::Specimen> refused = receive_as("clerk", unissued);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().message(), "no specimen with accession number '" + unissued + "'");
}

TEST_F(SpecimenTest, ReceiveRefusesClinicians) {
  const core::Specimen specimen = collected({"K"})[0];
  const Result<core::Specimen> refused = receive_as("doc", specimen.accession_number);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(), "user 'doc' (clinician) may not receive specimens");
}

TEST_F(SpecimenTest, ReceiveIsAudited) {
  const core::Specimen specimen = collected({"K"})[0];
  const std::size_t before = audit_size();
  must(receive_as("clerk", specimen.accession_number));
  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].action, "specimen.receive");
  EXPECT_EQ(added[0].entity_type, "specimen");
  EXPECT_EQ(added[0].entity_key, specimen.accession_number);
  EXPECT_EQ(added[0].accession_number, specimen.accession_number);
  EXPECT_EQ(added[0].patient_mrn, "MRN-1");
  EXPECT_NE(added[0].before.find("\"status\":\"collected\""), std::string::npos);
  EXPECT_NE(added[0].after.find("\"status\":\"received\""), std::string::npos);
}

TEST_F(SpecimenTest, RejectCancelsItsResultsAndKeepsTheTestsOutstanding) {
  const std::vector<core::Specimen> specimens = received_order("MRN-1", {"K", "NA", "HGB"});
  const core::Specimen& serum = specimens[0];
  enter(serum.accession_number, "K", "7.9");  // a preliminary value on a hemolyzed specimen
  const std::size_t before = audit_size();
  const core::Specimen rejected =
      must(reject_as("tech", serum.accession_number, core::RejectionReason::kHemolyzed,
                     "gross hemolysis, H-index 400"));
  EXPECT_EQ(rejected.status, core::SpecimenStatus::kRejected);
  EXPECT_EQ(rejected.rejection_reason, core::RejectionReason::kHemolyzed);
  EXPECT_EQ(rejected.rejection_comment, "gross hemolysis, H-index 400");
  EXPECT_EQ(rejected.rejected_at, clock_.now());
  EXPECT_EQ(rejected.rejected_by, "tech");

  // History: the rejected specimen's results are cancelled, the preliminary value kept.
  const core::TestResult k = result_of(serum.accession_number, "K");
  EXPECT_EQ(k.status, core::ResultStatus::kCancelled);
  EXPECT_EQ(k.cancel_reason, "specimen rejected: hemolyzed");
  EXPECT_EQ(k.cancelled_by, "tech");
  ASSERT_TRUE(k.value.has_value());
  EXPECT_DOUBLE_EQ(k.value->number, 7.9);
  EXPECT_EQ(result_of(serum.accession_number, "NA").status, core::ResultStatus::kCancelled);

  // Outstanding: new pending results for K and NA without a specimen; HGB untouched.
  const std::vector<core::TestResult> results = results_of_order("O26-0000001");
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[3].test_code, "K");
  EXPECT_EQ(results[3].status, core::ResultStatus::kPending);
  EXPECT_EQ(results[3].specimen_id, 0);
  EXPECT_EQ(results[4].test_code, "NA");
  EXPECT_EQ(results[4].status, core::ResultStatus::kPending);
  EXPECT_EQ(result_of(specimens[1].accession_number, "HGB").status, core::ResultStatus::kPending);

  // Audit: the specimen, then per result its cancellation and its recollection.
  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 5u);
  EXPECT_EQ(added[0].action, "specimen.reject");
  EXPECT_EQ(added[0].reason, "hemolyzed: gross hemolysis, H-index 400");
  EXPECT_EQ(added[1].action, "result.cancel");
  EXPECT_EQ(added[1].entity_key, serum.accession_number + "/K");
  EXPECT_EQ(added[1].reason, "specimen rejected: hemolyzed");
  EXPECT_EQ(added[2].action, "result.recollect");
  EXPECT_EQ(added[2].entity_key, "O26-0000001/K");
  EXPECT_EQ(added[2].test_code, "K");
  EXPECT_EQ(added[3].action, "result.cancel");
  EXPECT_EQ(added[4].action, "result.recollect");
}

TEST_F(SpecimenTest, RejectWorksOnASpecimenNotYetReceived) {
  const core::Specimen specimen = collected({"K"})[0];
  const core::Specimen rejected =
      must(reject_as("clerk", specimen.accession_number, core::RejectionReason::kUnlabeled));
  EXPECT_EQ(rejected.status, core::SpecimenStatus::kRejected);
  EXPECT_FALSE(rejected.received_at.has_value());
}

TEST_F(SpecimenTest, RejectRefusesASpecimenWithAReleasedResult) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  enter(serum.accession_number, "K", "4.1");
  release(serum.accession_number, "K");
  const std::size_t before = audit_size();
  const Result<core::Specimen> refused = reject_as("tech", serum.accession_number);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "specimen " + serum.accession_number +
                " cannot be rejected: result K is already released; correct the released "
                "result instead");
  EXPECT_EQ(audit_size(), before);
  EXPECT_EQ(result_of(serum.accession_number, "NA").status, core::ResultStatus::kPending);
}

TEST_F(SpecimenTest, RejectRefusesASpecimenAlreadyRejected) {
  const core::Specimen specimen = collected({"K"})[0];
  must(reject_as("clerk", specimen.accession_number, core::RejectionReason::kLeaked));
  const Result<core::Specimen> again = reject_as("clerk", specimen.accession_number);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(again.error().message(),
            "specimen " + specimen.accession_number + " is already rejected (leaked)");
}

TEST_F(SpecimenTest, RejectRefusesClinicians) {
  const core::Specimen specimen = collected({"K"})[0];
  const Result<core::Specimen> refused = reject_as("doc", specimen.accession_number);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(), "user 'doc' (clinician) may not reject specimens");
}

TEST_F(SpecimenTest, RecollectionAfterRejectionAccessionsANewSpecimenForTheSameTests) {
  const std::vector<core::Specimen> first = received_order("MRN-1", {"K", "NA", "HGB"});
  const core::Specimen& serum = first[0];
  must(reject_as("tech", serum.accession_number, core::RejectionReason::kHemolyzed));

  const std::vector<core::Specimen> again = accession("O26-0000001");
  ASSERT_EQ(again.size(), 1u);  // only the serum tube: HGB's specimen is live
  const core::Specimen& recollected = again[0];
  EXPECT_EQ(recollected.container_type, "sst");
  EXPECT_NE(recollected.accession_number, serum.accession_number);

  // The rejected specimen keeps its history; the new one carries the outstanding tests.
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kCancelled);
  const core::TestResult k = result_of(recollected.accession_number, "K");
  EXPECT_EQ(k.status, core::ResultStatus::kPending);
  EXPECT_EQ(k.specimen_id, recollected.id);
  EXPECT_EQ(result_of(recollected.accession_number, "NA").status, core::ResultStatus::kPending);

  // The recollection is worked up as usual; the rejected specimen takes no value.
  receive(recollected.accession_number);
  EXPECT_EQ(enter(recollected.accession_number, "K", "4.2").status,
            core::ResultStatus::kPreliminary);
  EnterResult on_rejected;
  on_rejected.accession_number = serum.accession_number;
  on_rejected.test_code = "K";
  on_rejected.value = "4.2";
  const Result<core::TestResult> refused =
      write([&](store::Transaction& tx) { return enter_result(tx, as("tech"), on_rejected); });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(), "specimen " + serum.accession_number +
                                           " was rejected (hemolyzed); results cannot be "
                                           "entered on it");

  // Nothing is outstanding any more.
  AccessionOrder command;
  command.order_number = "O26-0000001";
  EXPECT_FALSE(write([&](store::Transaction& tx) {
                 return accession_order(tx, as("clerk"), command);
               }).has_value());
}

}  // namespace
}  // namespace aliquot::lab
