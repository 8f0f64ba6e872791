#include "lab/patient_history.h"

#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class PatientHistoryTest : public LabTest {
 protected:
  Result<PatientHistory> history(const std::string& mrn, const std::string& user = "tech") {
    return read([&](store::Transaction& tx) { return patient_history(tx, as(user), mrn); });
  }
};

TEST_F(PatientHistoryTest, ShowsEveryOrderNewestFirstWithPreliminaryValues) {
  const core::Specimen first = received_order("MRN-1", {"K"})[0];
  enter(first.accession_number, "K", "4.2");
  release(first.accession_number, "K");
  clock_.advance(std::chrono::hours(1));
  const core::Specimen second = received_order("MRN-1", {"NA"})[0];
  enter(second.accession_number, "NA", "141");  // preliminary: the bench sees it

  const PatientHistory found = must(history("MRN-1"));
  EXPECT_EQ(found.patient.mrn, "MRN-1");
  ASSERT_EQ(found.orders.size(), 2u);
  ASSERT_EQ(found.orders[0].specimens.size(), 1u);
  EXPECT_EQ(found.orders[0].specimens[0].accession_number, second.accession_number);
  ASSERT_EQ(found.orders[0].results.size(), 1u);
  const core::TestResult& sodium = found.orders[0].results[0].result;
  EXPECT_EQ(sodium.status, core::ResultStatus::kPreliminary);
  ASSERT_TRUE(sodium.value.has_value());
  EXPECT_DOUBLE_EQ(sodium.value->number, 141);
  ASSERT_EQ(found.orders[1].results.size(), 1u);
  EXPECT_EQ(found.orders[1].results[0].result.status, core::ResultStatus::kFinal);
}

TEST_F(PatientHistoryTest, ShowsAPatientWithoutOrders) {
  patient("MRN-2");
  const PatientHistory found = must(history("MRN-2"));
  EXPECT_EQ(found.patient.family_name, "Doe");
  EXPECT_TRUE(found.orders.empty());
}

TEST_F(PatientHistoryTest, RefusesAnUnknownPatient) {
  const Result<PatientHistory> refused = history("MRN-404");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().message(), "no patient with MRN 'MRN-404'");
}

TEST_F(PatientHistoryTest, RefusesAnInactiveUser) {
  patient("MRN-1");
  const Result<PatientHistory> refused = history("MRN-1", "gone");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace aliquot::lab
