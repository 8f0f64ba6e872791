#include "ingest/instrument_profile.h"

#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"

namespace aliquot::ingest {
namespace {

class InstrumentProfileTest : public lab::LabTest {};

TEST_F(InstrumentProfileTest, ReadsAProfileAndMapsCodesAndUnits) {
  const InstrumentProfile profile = lab::must(parse_instrument_profile(R"toml(
[instrument]
id = "c311"
name = "Roche cobas c311"
protocol = "astm"
sender = "c311"
specimen_id_component = 2

[codes]
"717/" = "glu"
"989" = { test = "K", unit = "mmol/l" }
)toml",
                                                                       "c311.toml", *catalog_));
  EXPECT_EQ(profile.account(), "if.c311");
  EXPECT_EQ(profile.specimen_id_component, 2);
  EXPECT_EQ(profile.test_code_component, 4);
  const MappedTest glucose = lab::must(map_test(profile, " 717/ ", "mg/dL", *catalog_));
  EXPECT_EQ(glucose.test_code, "GLU");
  EXPECT_EQ(glucose.unit, "mg/dL");
  // The instrument's own spelling of the unit stands for the catalog's UCUM unit.
  EXPECT_EQ(lab::must(map_test(profile, "989", "mmol/l", *catalog_)).unit, "mmol/L");
  const Result<MappedTest> unknown = map_test(profile, "123", "", *catalog_);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().message(),
            "test code '123' of instrument c311 is not mapped to a catalog test (add it to "
            "c311.toml)");
}

TEST_F(InstrumentProfileTest, NamesEveryProblemWithFileLineAndColumn) {
  const Result<InstrumentProfile> bad = parse_instrument_profile(R"toml([instrument]
id = "c311"
name = "x"
protocol = "serial"
sender = "c311"
colour = "blue"

[codes]
"1" = "NOPE"
)toml",
                                                                 "bad.toml", *catalog_);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(),
            "bad.toml:6:1: unknown key 'colour' in [instrument] (known: id, ignored_codes, name, "
            "point_of_care, protocol, sender, specimen_id_component, specimen_id_field, "
            "test_code_component)\n"
            "bad.toml:4:12: protocol 'serial' is not one of: astm, hl7\n"
            "bad.toml:9:7: code '1' maps to 'NOPE', which is not a test of the catalog");
}

TEST_F(InstrumentProfileTest, FindsAProfileBySenderIgnoringCaseAndPadding) {
  InstrumentProfile xn;
  xn.id = "xn";
  xn.sender = "XN-550";
  InstrumentProfile hl7 = xn;
  hl7.id = "xn-hl7";
  hl7.protocol = Protocol::kHl7;
  const InstrumentProfiles profiles({xn, hl7});
  ASSERT_NE(profiles.find_by_sender(Protocol::kAstm, "    xn-550"), nullptr);
  EXPECT_EQ(profiles.find_by_sender(Protocol::kAstm, "    xn-550")->id, "xn");
  EXPECT_EQ(profiles.find_by_sender(Protocol::kHl7, "XN-550")->id, "xn-hl7");
  EXPECT_EQ(profiles.find_by_sender(Protocol::kAstm, "XN-1000"), nullptr);
}

}  // namespace
}  // namespace aliquot::ingest
