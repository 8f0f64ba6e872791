#include "lab/cumulative_results.h"

#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class CumulativeResultsTest : public LabTest {
 protected:
  Result<CumulativeResults> cumulative(const std::string& mrn, const std::string& user = "doc") {
    return read([&](store::Transaction& tx) { return cumulative_results(tx, as(user), mrn); });
  }
};

TEST_F(CumulativeResultsTest, ListsReleasedValuesOldestFirstByCollectionTime) {
  const core::Specimen first = received_order("MRN-1", {"K"})[0];
  clock_.advance(std::chrono::hours(2));
  const core::Specimen second = received_order("MRN-1", {"K", "NA"})[0];
  // Released in the other order: the chart follows collection, not release.
  enter(second.accession_number, "K", "5.3");
  release(second.accession_number, "K");
  enter(first.accession_number, "K", "4.1");
  release(first.accession_number, "K");

  const CumulativeResults found = must(cumulative("MRN-1"));
  EXPECT_EQ(found.patient.mrn, "MRN-1");
  ASSERT_EQ(found.tests.size(), 1u);  // NA has no released value
  const CumulativeTest& potassium = found.tests[0];
  EXPECT_EQ(potassium.code, "K");
  ASSERT_NE(potassium.test, nullptr);
  EXPECT_EQ(potassium.test->unit, "mmol/L");
  ASSERT_EQ(potassium.points.size(), 2u);
  EXPECT_EQ(potassium.points[0].accession_number, first.accession_number);
  EXPECT_EQ(potassium.points[0].collected_at, first.collected_at);
  EXPECT_DOUBLE_EQ(potassium.points[0].value.number, 4.1);
  EXPECT_EQ(potassium.points[0].flag, core::AbnormalFlag::kNone);
  EXPECT_EQ(potassium.points[1].accession_number, second.accession_number);
  EXPECT_DOUBLE_EQ(potassium.points[1].value.number, 5.3);
  EXPECT_EQ(potassium.points[1].flag, core::AbnormalFlag::kHigh);
  EXPECT_EQ(potassium.points[1].reference_range, "3.5-5.1");
}

TEST_F(CumulativeResultsTest, KeepsPreliminaryValuesOut) {
  const core::Specimen serum = received_order("MRN-1", {"K", "GLU"})[0];
  enter(serum.accession_number, "K", "6.0");  // preliminary
  enter(serum.accession_number, "GLU", "90");
  release(serum.accession_number, "GLU");
  const CumulativeResults found = must(cumulative("MRN-1"));
  ASSERT_EQ(found.tests.size(), 1u);
  EXPECT_EQ(found.tests[0].code, "GLU");
}

TEST_F(CumulativeResultsTest, ShowsTheCorrectedValueOfACorrectedResult) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.1");
  release(serum.accession_number, "K");
  CorrectResult correction;
  correction.accession_number = serum.accession_number;
  correction.test_code = "K";
  correction.value = "4.6";
  correction.reason = "transcription error";
  must(write([&](store::Transaction& tx) { return correct_result(tx, as("mls"), correction); }));
  const CumulativeResults found = must(cumulative("MRN-1"));
  ASSERT_EQ(found.tests.size(), 1u);
  ASSERT_EQ(found.tests[0].points.size(), 1u);
  EXPECT_EQ(found.tests[0].points[0].status, core::ResultStatus::kCorrected);
  EXPECT_DOUBLE_EQ(found.tests[0].points[0].value.number, 4.6);
}

TEST_F(CumulativeResultsTest, OrdersTestsAsTheCatalogDoes) {
  const std::vector<core::Specimen> specimens = received_order("MRN-1", {"HGB", "K", "NA"});
  for (const core::Specimen& specimen : specimens) {
    if (specimen.container_type == "sst") {
      enter(specimen.accession_number, "K", "4.0");
      release(specimen.accession_number, "K");
      enter(specimen.accession_number, "NA", "140");
      release(specimen.accession_number, "NA");
    } else {
      enter(specimen.accession_number, "HGB", "13.1");
      release(specimen.accession_number, "HGB");
    }
  }
  const CumulativeResults found = must(cumulative("MRN-1"));
  ASSERT_EQ(found.tests.size(), 3u);
  EXPECT_EQ(found.tests[0].code, "NA");
  EXPECT_EQ(found.tests[1].code, "K");
  EXPECT_EQ(found.tests[2].code, "HGB");
}

TEST_F(CumulativeResultsTest, RefusesAnUnknownPatient) {
  const Result<CumulativeResults> refused = cumulative("MRN-404");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace aliquot::lab
