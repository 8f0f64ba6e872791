#include "catalog/loinc.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aliquot::catalog {
namespace {

TEST(LoincCheckDigit, MatchesPublishedCodes) {
  // Codes as published by LOINC for common core-lab analytes.
  const std::vector<std::string> codes = {
      "2823-3",  // potassium
      "2951-2",  // sodium
      "718-7",   // hemoglobin
      "6690-2",  // leukocytes
      "2345-7",  // glucose
      "4548-4",  // hemoglobin A1c
      "3016-3",  // thyrotropin
      "5902-2",  // prothrombin time
      "6301-6",  // INR
      "3173-2",  // aPTT
      "10839-9", "18262-6", "20454-5", "25428-4", "32623-1",
  };
  for (const std::string& code : codes) {
    const std::size_t hyphen = code.find('-');
    EXPECT_EQ(loinc_check_digit(code.substr(0, hyphen)), code.back()) << code;
    EXPECT_TRUE(validate_loinc(code).has_value()) << code;
  }
}

TEST(LoincCheckDigit, FollowsTheUsersGuideWorkedExample) {
  // LOINC Users' Guide, Mod 10 example: 12345 has check digit 5.
  EXPECT_EQ(loinc_check_digit("12345"), '5');
}

TEST(LoincCheckDigit, IsZeroWhenTheSumIsAMultipleOfTen) {
  EXPECT_EQ(loinc_check_digit("788"), '0');   // 788-0, RDW
  EXPECT_EQ(loinc_check_digit("2075"), '0');  // 2075-0, chloride
}

TEST(LoincCheckDigit, RefusesEmptyOrNonDigitInput) {
  EXPECT_FALSE(loinc_check_digit("").has_value());
  EXPECT_FALSE(loinc_check_digit("28a3").has_value());
}

TEST(ValidateLoinc, NamesTheExpectedCheckDigit) {
  const auto result = validate_loinc("2823-4");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message(), "LOINC code '2823-4' has check digit 4; expected 3");
}

TEST(ValidateLoinc, DetectsEverySingleDigitTypoInTheBody) {
  const std::string good = "2951-2";
  for (std::size_t i = 0; i < 4; ++i) {
    for (char c = '0'; c <= '9'; ++c) {
      if (c == good[i] || (i == 0 && c == '0')) continue;
      std::string typo = good;
      typo[i] = c;
      EXPECT_FALSE(validate_loinc(typo).has_value()) << typo;
    }
  }
}

TEST(ValidateLoinc, RefusesMalformedCodes) {
  const std::string expected_tail =
      "': expected 1 to 7 digits without a leading zero, a hyphen and one check digit, e.g. "
      "2823-3";
  for (const std::string code :
       {"28233", "2823-", "-3", "2823-33", "28a3-3", "0718-7", "12345678-9", "2823-x", " 2823-3"}) {
    const auto result = validate_loinc(code);
    ASSERT_FALSE(result.has_value()) << code;
    EXPECT_EQ(result.error().message(), "malformed LOINC code '" + code + expected_tail);
  }
  EXPECT_EQ(validate_loinc("").error().message(), "empty LOINC code");
}

}  // namespace
}  // namespace aliquot::catalog
