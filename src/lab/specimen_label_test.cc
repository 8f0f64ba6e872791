#include "lab/specimen_label.h"

#include <gtest/gtest.h>

#include "core/accession_number.h"
#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class SpecimenLabelTest : public LabTest {
 protected:
  Result<SpecimenLabel> label(const std::string& accession_number,
                              const std::string& user = "clerk") {
    return read(
        [&](store::Transaction& tx) { return specimen_label(tx, as(user), accession_number); });
  }
};

TEST_F(SpecimenLabelTest, ShowsThePatientTheTubeAndItsTests) {
  patient("MRN-1", core::AdministrativeSex::kFemale, date("1975-02-03"));
  const core::Order placed = order("MRN-1", {"BMP", "HGB"}, core::Priority::kStat);
  const std::vector<core::Specimen> specimens = accession(placed.order_number);
  ASSERT_EQ(specimens.size(), 2u);
  const core::Specimen& serum = specimens[0];
  ASSERT_EQ(serum.container_type, "sst");

  const SpecimenLabel found = must(label(serum.accession_number));
  EXPECT_EQ(found.accession_number, serum.accession_number);
  EXPECT_EQ(found.check_character, serum.accession_number.back());
  EXPECT_EQ(found.patient_name, "Doe, Pat");
  EXPECT_EQ(found.mrn, "MRN-1");
  EXPECT_EQ(found.birth_date, date("1975-02-03"));
  EXPECT_EQ(found.specimen_type, "serum");
  EXPECT_EQ(found.container_type, "sst");
  EXPECT_EQ(found.priority, core::Priority::kStat);
  EXPECT_EQ(found.tests, (std::vector<std::string>{"NA", "K", "GLU"}));
  EXPECT_EQ(found.collected_at, serum.collected_at);

  const nlohmann::json json = to_json(found);
  EXPECT_EQ(json["accession"], serum.accession_number);
  EXPECT_EQ(json["check"], std::string(1, serum.accession_number.back()));
  EXPECT_EQ(json["birth_date"], "1975-02-03");
  EXPECT_EQ(json["container"], "sst");
  EXPECT_EQ(json["priority"], "stat");
  EXPECT_EQ(json["collected_at"], core::format_instant(serum.collected_at));
}

TEST_F(SpecimenLabelTest, RefusesARejectedSpecimen) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  RejectSpecimen command;
  command.accession_number = serum.accession_number;
  command.reason = core::RejectionReason::kClotted;
  must(write([&](store::Transaction& tx) { return reject_specimen(tx, as("clerk"), command); }));
  const Result<SpecimenLabel> refused = label(serum.accession_number);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "specimen " + serum.accession_number +
                " was rejected; its tube is not labelled again (accession the order again for "
                "the recollection)");
}

TEST_F(SpecimenLabelTest, RefusesAnUnknownSpecimenAndARoleThatDoesNotAccession) {
  const std::string unknown = must(core::AccessionNumber::make(26, 999)).text();
  EXPECT_EQ(label(unknown).error().code(), ErrorCode::kNotFound);
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  EXPECT_EQ(label(serum.accession_number, "doc").error().code(), ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace aliquot::lab
