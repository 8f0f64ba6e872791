// `aliquot specimen label`: a specimen's label reprinted at the bench, as text or as the document a
// label printer's driver draws (the same as the API's).

#include <gtest/gtest.h>

#include <string>

#include "cli_fixture.h"

namespace aliquot::cli_test {
namespace {

using ::testing::HasSubstr;

class CliSpecimenLabelTest : public CliTest {};

TEST_F(CliSpecimenLabelTest, PrintsTheLabelWithItsBarcodeAndRecordsTheRead) {
  const nlohmann::json specimens = received_order("MRN-L1", "K,NA", "stat");
  const std::string serum = accession_with(specimens, "K");

  const nlohmann::json label = succeed_json({"specimen", "label", serum}, kClerk);
  EXPECT_EQ(label.at("accession"), serum);
  EXPECT_EQ(label.at("mrn"), "MRN-L1");
  EXPECT_EQ(label.at("birth_date"), "1980-06-15");
  EXPECT_EQ(label.at("priority"), "stat");
  EXPECT_EQ(label.at("tests"), nlohmann::json({"K", "NA"}));
  EXPECT_EQ(label.at("barcode").at("symbology"), "code128");
  EXPECT_FALSE(label.at("barcode").at("bars").empty());
  const CommandOutput text = succeed({"specimen", "label", serum}, kClerk);
  EXPECT_THAT(text.out, HasSubstr(serum + "  "));
  EXPECT_THAT(text.out, HasSubstr("MRN-L1  DOB 1980-06-15"));
  EXPECT_THAT(text.out, HasSubstr("K NA"));

  const nlohmann::json reads = succeed_json({"audit", "reads", "--patient", "MRN-L1"}, kAdmin);
  EXPECT_THAT(reads.dump(), HasSubstr("label " + serum));
}

TEST_F(CliSpecimenLabelTest, RefusesAnUnknownSpecimenAndAUserWhoMayNotAccession) {
  const CommandOutput unknown = lab_.run({"specimen", "label", "269999999X"}, kClerk);
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_FALSE(unknown.err.empty());

  const nlohmann::json specimens = received_order("MRN-L2", "K");
  const std::string serum = accession_with(specimens, "K");
  succeed({"user", "add", "doc1", "--role", "clinician"}, kAdmin);
  const CommandOutput refused = lab_.run({"specimen", "label", serum}, "doc1");
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("doc1"));
}

}  // namespace
}  // namespace aliquot::cli_test
