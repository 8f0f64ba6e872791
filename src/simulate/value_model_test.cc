#include "simulate/value_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "catalog/catalog.h"
#include "rules/flagging.h"
#include "simulate/default_catalog_for_tests.h"
#include "simulate/random.h"

namespace aliquot::simulate {
namespace {

const core::TestDefinition& test_with_loinc(const std::string& loinc) {
  for (const core::TestDefinition& test : default_catalog().tests()) {
    if (test.loinc == loinc) return test;
  }
  ADD_FAILURE() << "the default catalog has no test with LOINC " << loinc;
  std::abort();
}

PatientProfile adult(std::uint64_t key, CareSetting setting) {
  PatientProfile profile;
  profile.key = mix64(key);
  profile.sex = key % 2 ? core::AdministrativeSex::kFemale : core::AdministrativeSex::kMale;
  profile.age_days = 50 * 365;
  profile.setting = setting;
  return profile;
}

// How the lab would judge a value: the same parser and flagging rules as enter_result.
rules::Flagging judge(const core::TestDefinition& test, const std::string& text,
                      const PatientProfile& patient) {
  Result<core::ResultValue> value = rules::parse_result_value(test, text, "");
  EXPECT_TRUE(value.has_value()) << test.code << " = " << text;
  if (!value) return {};
  return rules::flag_result(test, *value, patient.sex, patient.age_days);
}

TEST(ValueModel, CentresPotassiumOnItsReferenceInterval) {
  const ValueModel model(default_catalog(), 11);
  const core::TestDefinition& potassium = test_with_loinc("2823-3");
  int inside = 0;
  for (std::uint64_t key = 0; key < 2000; ++key) {
    const Result<std::string> text =
        model.value_for(potassium, adult(key, CareSetting::kOutpatient), 0);
    ASSERT_TRUE(text.has_value());
    const double value = std::stod(*text);
    if (value >= 3.5 && value <= 5.1) ++inside;
  }
  EXPECT_GT(inside, 1700);  // mostly normal
  EXPECT_LT(inside, 1990);  // but not all
}

TEST(ValueModel, NeverProducesACriticalValueWithoutACriticalPresentation) {
  const ValueModel model(default_catalog(), 12);
  for (const core::TestDefinition& test : default_catalog().tests()) {
    if (test.kind != core::ResultKind::kNumeric) continue;
    for (std::uint64_t key = 0; key < 400; ++key) {
      PatientProfile patient = adult(key, key % 3 == 0   ? CareSetting::kInpatient
                                          : key % 3 == 1 ? CareSetting::kEmergency
                                                         : CareSetting::kOutpatient);
      // Tendencies push values out of range, still never to a critical one.
      patient.tendencies["6301-6"] = Tendency{0.9, 2.5, ""};
      patient.tendencies["3173-2"] = Tendency{0.9, 70, "s"};
      patient.tendencies["2345-7"] = Tendency{0.9, 330, "mg/dL"};
      const Result<std::string> text = model.value_for(test, patient, key % 4);
      ASSERT_TRUE(text.has_value()) << text.error().message();
      EXPECT_FALSE(judge(test, *text, patient).critical) << test.code << " = " << *text;
    }
  }
}

TEST(ValueModel, CriticalPresentationsAreCriticalUnderTheCatalogsLimits) {
  const ValueModel model(default_catalog(), 13);
  const Result<std::vector<const core::TestDefinition*>> tests =
      default_catalog().expand({"CBC", "BMP", "TNI", "PTINR"});
  ASSERT_TRUE(tests.has_value());
  for (const CareSetting setting :
       {CareSetting::kOutpatient, CareSetting::kInpatient, CareSetting::kEmergency}) {
    const auto scenarios = model.scenarios_for(setting, *tests, 99);
    ASSERT_GE(scenarios.size(), 5u);
    for (const auto& [scenario, weight] : scenarios) {
      EXPECT_GT(weight, 0);
      PatientProfile patient = adult(5, setting);
      patient.critical = scenario;
      const core::TestDefinition& test = test_with_loinc(scenario.loinc);
      for (std::uint64_t sample = 0; sample < 3; ++sample) {
        const Result<std::string> text = model.value_for(test, patient, sample);
        ASSERT_TRUE(text.has_value());
        EXPECT_TRUE(judge(test, *text, patient).critical)
            << scenario.label << ": " << test.code << " = " << *text;
      }
    }
  }
}

TEST(ValueModel, OffersNoScenarioForAnAnalyteNotOrdered) {
  const ValueModel model(default_catalog(), 14);
  const Result<std::vector<const core::TestDefinition*>> tests =
      default_catalog().expand({"TSH", "LIPID"});  // no critical limits among these
  ASSERT_TRUE(tests.has_value());
  EXPECT_TRUE(model.scenarios_for(CareSetting::kEmergency, *tests, 1).empty());
}

TEST(ValueModel, GivesTheSameValueForTheSameSampleAndACloseOneForAnother) {
  const ValueModel model(default_catalog(), 15);
  const core::TestDefinition& sodium = test_with_loinc("2951-2");
  const PatientProfile patient = adult(77, CareSetting::kInpatient);
  const std::string first = *model.value_for(sodium, patient, 0);
  EXPECT_EQ(*model.value_for(sodium, patient, 0), first);
  const std::string later = *model.value_for(sodium, patient, 1);
  EXPECT_NEAR(std::stod(later), std::stod(first), 6);
}

TEST(ValueModel, KeepsTheBloodCountConsistent) {
  const ValueModel model(default_catalog(), 16);
  for (std::uint64_t key = 0; key < 200; ++key) {
    const PatientProfile patient = adult(key, CareSetting::kInpatient);
    const double hgb = std::stod(*model.value_for(test_with_loinc("718-7"), patient, 0));
    const double hct = std::stod(*model.value_for(test_with_loinc("4544-3"), patient, 0));
    const double mchc = std::stod(*model.value_for(test_with_loinc("786-4"), patient, 0));
    EXPECT_NEAR(hct / hgb, 2.95, 0.3) << "Hgb " << hgb << " Hct " << hct;
    EXPECT_NEAR(mchc, hgb / hct * 100, 0.3);
    double percent_sum = 0;
    for (const char* loinc : {"770-8", "736-9", "5905-5", "713-8", "706-2"}) {
      percent_sum += std::stod(*model.value_for(test_with_loinc(loinc), patient, 0));
    }
    EXPECT_NEAR(percent_sum, 100, 0.3);
    const double wbc = std::stod(*model.value_for(test_with_loinc("6690-2"), patient, 0));
    const double neutrophil_percent =
        std::stod(*model.value_for(test_with_loinc("770-8"), patient, 0));
    const double neutrophils = std::stod(*model.value_for(test_with_loinc("751-8"), patient, 0));
    EXPECT_NEAR(neutrophils, wbc * neutrophil_percent / 100, 0.1);
  }
}

TEST(ValueModel, ReportsMostTroponinsBelowTheQuantitationLimit) {
  const ValueModel model(default_catalog(), 17);
  const core::TestDefinition& troponin = test_with_loinc("10839-9");
  int below = 0;
  for (std::uint64_t key = 0; key < 1000; ++key) {
    if (*model.value_for(troponin, adult(key, CareSetting::kEmergency), 0) == "<0.01") ++below;
  }
  EXPECT_GT(below, 700);
}

TEST(ValueModel, AnswersCodedTestsFromTheCatalogMostlyNormal) {
  const ValueModel model(default_catalog(), 18);
  const core::TestDefinition& nitrite = test_with_loinc("5802-4");
  int negative = 0;
  for (std::uint64_t key = 0; key < 1000; ++key) {
    const std::string answer = *model.value_for(nitrite, adult(key, CareSetting::kOutpatient), 0);
    ASSERT_TRUE(answer == "negative" || answer == "positive") << answer;
    if (answer == "negative") ++negative;
  }
  EXPECT_GT(negative, 850);
  EXPECT_LT(negative, 1000);
}

TEST(ValueModel, FollowsAClinicalPicturesTendency) {
  const ValueModel model(default_catalog(), 19);
  const core::TestDefinition& hba1c = test_with_loinc("4548-4");
  int high = 0;
  for (std::uint64_t key = 0; key < 1000; ++key) {
    PatientProfile diabetic = adult(key, CareSetting::kOutpatient);
    diabetic.tendencies["4548-4"] = Tendency{0.8, 7.6, "%"};
    if (std::stod(*model.value_for(hba1c, diabetic, 0)) > 5.6) ++high;
  }
  EXPECT_GT(high, 700);
}

TEST(ValueModel, RefusesATestItCannotCentre) {
  const ValueModel model(default_catalog(), 20);
  core::TestDefinition test;
  test.code = "XYZ";
  test.loinc = "12345-6";
  test.unit = "U/L";
  const Result<std::string> value = model.value_for(test, adult(1, CareSetting::kOutpatient), 0);
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(value.error().message(),
            "no reference interval nor model data to simulate a value of test XYZ (LOINC 12345-6)");
}

}  // namespace
}  // namespace aliquot::simulate
