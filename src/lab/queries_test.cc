#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class QueriesTest : public LabTest {
 protected:
  Result<std::vector<store::WorklistRow>> worklist(const std::string& section,
                                                   const std::string& user = "tech") {
    return read([&](store::Transaction& tx) { return section_worklist(tx, as(user), section); });
  }
  Result<PatientReport> report(const std::string& mrn, const std::string& user = "doc") {
    return read([&](store::Transaction& tx) { return patient_report(tx, as(user), mrn); });
  }
};

TEST_F(QueriesTest, WorklistPutsStatFirstThenOldestReceipt) {
  const core::Specimen routine = received_order("MRN-1", {"K"})[0];
  const core::Specimen asap = received_order("MRN-2", {"K"}, core::Priority::kAsap)[0];
  const core::Specimen stat = received_order("MRN-3", {"K"}, core::Priority::kStat)[0];
  const std::vector<store::WorklistRow> rows = must(worklist("chemistry"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].specimen.accession_number, stat.accession_number);
  EXPECT_EQ(rows[0].order.priority, core::Priority::kStat);
  EXPECT_EQ(rows[0].patient.mrn, "MRN-3");
  EXPECT_EQ(rows[1].specimen.accession_number, asap.accession_number);
  EXPECT_EQ(rows[2].specimen.accession_number, routine.accession_number);
}

TEST_F(QueriesTest, WorklistShowsOpenResultsOfReceivedSpecimensOfTheSection) {
  const std::vector<core::Specimen> specimens = received_order("MRN-1", {"K", "NA", "HGB"});
  patient("MRN-2");
  accession(order("MRN-2", {"K"}).order_number);  // collected, not received
  enter(specimens[0].accession_number, "NA", "140");
  release(specimens[0].accession_number, "NA");
  enter(specimens[0].accession_number, "K", "4.0");  // preliminary: still open
  const std::vector<store::WorklistRow> chemistry = must(worklist("Chemistry"));
  ASSERT_EQ(chemistry.size(), 1u);
  EXPECT_EQ(chemistry[0].result.test_code, "K");
  EXPECT_EQ(chemistry[0].result.status, core::ResultStatus::kPreliminary);
  const std::vector<store::WorklistRow> hematology = must(worklist("hematology"));
  ASSERT_EQ(hematology.size(), 1u);
  EXPECT_EQ(hematology[0].result.test_code, "HGB");
  EXPECT_EQ(must(worklist("")).size(), 2u);
}

TEST_F(QueriesTest, WorklistRefusesAnUnknownSection) {
  const Result<std::vector<store::WorklistRow>> refused = worklist("virology");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().message().rfind("unknown section 'virology'; the catalog has: ", 0),
            0u);
  EXPECT_NE(refused.error().message().find("chemistry"), std::string::npos);
}

TEST_F(QueriesTest, ReportShowsTheCorrectedValueWithTheOriginalKept) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  enter(serum.accession_number, "K", "4.1");
  release(serum.accession_number, "K");
  CorrectResult correction;
  correction.accession_number = serum.accession_number;
  correction.test_code = "K";
  correction.value = "5.6";
  correction.reason = "dilution error";
  must(write([&](store::Transaction& tx) { return correct_result(tx, as("mls"), correction); }));

  const PatientReport patient_report = must(report("MRN-1"));
  EXPECT_EQ(patient_report.patient.mrn, "MRN-1");
  EXPECT_EQ(patient_report.produced_at, clock_.now());
  ASSERT_EQ(patient_report.orders.size(), 1u);
  const OrderDetail& order = patient_report.orders[0];
  ASSERT_EQ(order.results.size(), 2u);
  const ResultDetail& k = order.results[0];
  EXPECT_EQ(k.result.status, core::ResultStatus::kCorrected);
  EXPECT_DOUBLE_EQ(k.result.value->number, 5.6);
  EXPECT_EQ(k.result.flag, core::AbnormalFlag::kHigh);
  ASSERT_NE(k.test, nullptr);
  EXPECT_EQ(k.test->name, "Potassium");
  ASSERT_EQ(k.revisions.size(), 1u);
  EXPECT_DOUBLE_EQ(k.revisions[0].value.number, 4.1);
  EXPECT_EQ(k.revisions[0].reason, "dilution error");
  EXPECT_EQ(order.results[1].result.status, core::ResultStatus::kPending);
}

TEST_F(QueriesTest, ReportWithholdsValuesNotYetReleased) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "2.4");
  call(serum.accession_number, "K");
  const PatientReport patient_report = must(report("MRN-1"));
  const ResultDetail& k = patient_report.orders.at(0).results.at(0);
  EXPECT_EQ(k.result.status, core::ResultStatus::kPending);
  EXPECT_FALSE(k.result.value.has_value());
  EXPECT_EQ(k.result.flag, core::AbnormalFlag::kNone);
  EXPECT_TRUE(k.critical_calls.empty());
  EXPECT_EQ(k.result.entered_by, "");
  EXPECT_EQ(k.result.performed_by, "");  // who is working on it is the bench's business
  // The bench still sees it.
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kPreliminary);
}

TEST_F(QueriesTest, ReportListsOrdersNewestFirstWithRejectedHistory) {
  const core::Specimen first = received_order("MRN-1", {"K"})[0];
  RejectSpecimen reject;
  reject.accession_number = first.accession_number;
  reject.reason = core::RejectionReason::kHemolyzed;
  must(write([&](store::Transaction& tx) { return reject_specimen(tx, as("tech"), reject); }));
  clock_.advance(std::chrono::hours(1));
  received_order("MRN-1", {"HGB"});
  const PatientReport patient_report = must(report("MRN-1"));
  ASSERT_EQ(patient_report.orders.size(), 2u);
  EXPECT_EQ(patient_report.orders[0].order.order_number, "O26-0000002");
  const OrderDetail& older = patient_report.orders[1];
  ASSERT_EQ(older.results.size(), 2u);
  EXPECT_EQ(older.results[0].result.status, core::ResultStatus::kCancelled);
  EXPECT_EQ(older.results[0].result.cancel_reason, "specimen rejected: hemolyzed");
  EXPECT_EQ(older.results[1].result.status, core::ResultStatus::kPending);
  ASSERT_EQ(older.specimens.size(), 1u);
  EXPECT_EQ(older.specimens[0].status, core::SpecimenStatus::kRejected);
}

TEST_F(QueriesTest, ReportRefusesAnUnknownPatient) {
  const Result<PatientReport> refused = report("MRN-404");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().message(), "no patient with MRN 'MRN-404'");
}

TEST_F(QueriesTest, ReadingRequiresAnActiveUserOfTheLab) {
  patient("MRN-1");
  const Result<PatientReport> stranger = report("MRN-1", "stranger");
  ASSERT_FALSE(stranger.has_value());
  EXPECT_EQ(stranger.error().code(), ErrorCode::kPermissionDenied);
  const Result<PatientReport> gone = report("MRN-1", "gone");
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().message(), "user 'gone' is inactive and may not view records");
}

TEST_F(QueriesTest, OrderDetailListsSpecimensAndEveryResult) {
  const std::vector<core::Specimen> specimens = received_order("MRN-1", {"BMP", "HGB"});
  const OrderDetail detail = must(
      read([&](store::Transaction& tx) { return order_detail(tx, as("doc"), "O26-0000001"); }));
  EXPECT_EQ(detail.patient.mrn, "MRN-1");
  EXPECT_EQ(detail.specimens.size(), 2u);
  ASSERT_EQ(detail.results.size(), 4u);
  EXPECT_EQ(detail.results[3].test->code, "HGB");
  const Result<OrderDetail> unknown =
      read([&](store::Transaction& tx) { return order_detail(tx, as("doc"), "O26-0000404"); });
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

TEST_F(QueriesTest, SpecimenDetailShowsItsResultsOrderAndPatient) {
  const std::vector<core::Specimen> specimens = received_order("MRN-1", {"BMP", "HGB"});
  const SpecimenDetail detail = must(read([&](store::Transaction& tx) {
    return specimen_detail(tx, as("clerk"), specimens[1].accession_number);
  }));
  EXPECT_EQ(detail.specimen.container_type, "k2edta");
  EXPECT_EQ(detail.order.order_number, "O26-0000001");
  EXPECT_EQ(detail.patient.mrn, "MRN-1");
  ASSERT_EQ(detail.results.size(), 1u);
  EXPECT_EQ(detail.results[0].result.test_code, "HGB");
}

}  // namespace
}  // namespace aliquot::lab
