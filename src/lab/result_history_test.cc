#include "lab/result_history.h"

#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class ResultHistoryTest : public LabTest {
 protected:
  Result<std::vector<PreviousResult>> previous(const std::string& mrn, const std::string& test,
                                               core::Instant before, std::size_t limit = 10,
                                               const std::string& user = "tech") {
    return read([&](store::Transaction& tx) -> Result<std::vector<PreviousResult>> {
      ALIQUOT_ASSIGN_OR_RETURN(const core::Patient found, find_patient(tx, mrn));
      return previous_released_results(tx, as(user), found.id, test, before, limit);
    });
  }

  // A received specimen of MRN with K released as `value`.
  core::Specimen released_k(const std::string& mrn, const std::string& value) {
    const core::Specimen specimen = received_order(mrn, {"K"})[0];
    enter(specimen.accession_number, "K", value);
    release(specimen.accession_number, "K");
    return specimen;
  }
};

TEST_F(ResultHistoryTest, GivesTheReleasedValuesCollectedBeforeNewestFirst) {
  const core::Specimen first = released_k("MRN-1", "4.0");
  const core::Specimen second = released_k("MRN-1", "4.4");
  const core::Specimen current = received_order("MRN-1", {"K"})[0];
  enter(current.accession_number, "K", "5.0");  // preliminary: not history
  const std::vector<PreviousResult> found = must(previous("MRN-1", "K", current.collected_at));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].accession_number, second.accession_number);
  EXPECT_EQ(core::format_reported(*found[0].result.value), "4.4");
  EXPECT_EQ(found[0].collected_at, second.collected_at);
  EXPECT_EQ(found[1].accession_number, first.accession_number);
  EXPECT_EQ(core::format_reported(*found[1].result.value), "4.0");
}

TEST_F(ResultHistoryTest, LeavesOutTheSpecimenItselfLaterOnesOtherTestsAndOtherPatients) {
  const core::Specimen earlier = released_k("MRN-1", "4.0");
  const core::Specimen current = released_k("MRN-1", "4.2");
  released_k("MRN-1", "4.6");  // collected after the one looked at
  released_k("MRN-2", "3.9");  // another patient
  const core::Specimen sodium = received_order("MRN-1", {"NA"})[0];
  enter(sodium.accession_number, "NA", "140");
  release(sodium.accession_number, "NA");
  const std::vector<PreviousResult> found = must(previous("MRN-1", "K", current.collected_at));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].accession_number, earlier.accession_number);
}

TEST_F(ResultHistoryTest, GivesACorrectedValueAsItStandsNow) {
  const core::Specimen earlier = released_k("MRN-1", "4.0");
  CorrectResult command;
  command.accession_number = earlier.accession_number;
  command.test_code = "K";
  command.value = "4.3";
  command.reason = "transcription error";
  must(write([&](store::Transaction& tx) { return correct_result(tx, as("mls"), command); }));
  const std::vector<PreviousResult> found = must(previous("MRN-1", "K", clock_.now()));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].result.status, core::ResultStatus::kCorrected);
  EXPECT_EQ(core::format_reported(*found[0].result.value), "4.3");
}

TEST_F(ResultHistoryTest, KeepsTheNewestUpToTheLimit) {
  std::vector<core::Specimen> specimens;
  for (const char* value : {"4.0", "4.1", "4.2", "4.3"})
    specimens.push_back(released_k("MRN-1", value));
  const std::vector<PreviousResult> found = must(previous("MRN-1", "K", clock_.now(), 3));
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].accession_number, specimens[3].accession_number);
  EXPECT_EQ(found[2].accession_number, specimens[1].accession_number);
}

TEST_F(ResultHistoryTest, RefusesAnInactiveUser) {
  released_k("MRN-1", "4.0");
  const Result<std::vector<PreviousResult>> refused =
      previous("MRN-1", "K", clock_.now(), 10, "gone");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
}

TEST_F(ResultHistoryTest, LimitsForThePatientFollowSexAndAge) {
  const core::TestDefinition& hemoglobin = *catalog_->find_test("HGB");
  core::Patient woman;
  woman.sex = core::AdministrativeSex::kFemale;
  woman.birth_date = date("1980-05-01");
  core::Specimen blood;
  blood.specimen_type = "whole-blood";
  blood.collected_at = at("2026-03-10T08:00:00Z");
  const PatientLimits adult = limits_for_patient(hemoglobin, woman, blood, "");
  ASSERT_TRUE(adult.reference.has_value());
  EXPECT_EQ(adult.reference->low, 12.0);
  EXPECT_EQ(adult.reference->high, 15.5);
  EXPECT_EQ(adult.critical.low, 6.0);
  EXPECT_FALSE(adult.critical.high.has_value());

  core::Patient newborn = woman;
  newborn.birth_date = date("2026-03-01");  // 9 days old: the newborn band [0, 30d)
  const PatientLimits baby = limits_for_patient(hemoglobin, newborn, blood, "");
  ASSERT_TRUE(baby.reference.has_value());
  EXPECT_EQ(baby.reference->low, 13.5);
  EXPECT_EQ(baby.reference->high, 21.5);
}

TEST_F(ResultHistoryTest, LimitsHaveNoReferenceWhenNoIntervalApplies) {
  const core::TestDefinition& hemoglobin = *catalog_->find_test("HGB");
  core::Patient unknown_sex;
  unknown_sex.sex = core::AdministrativeSex::kUnknown;
  unknown_sex.birth_date = date("1980-05-01");
  core::Specimen blood;
  blood.collected_at = at("2026-03-10T08:00:00Z");
  const PatientLimits limits = limits_for_patient(hemoglobin, unknown_sex, blood, "");
  EXPECT_FALSE(limits.reference.has_value());  // adult intervals are sex-specific
  EXPECT_EQ(limits.critical.low, 6.0);
}

}  // namespace
}  // namespace aliquot::lab
