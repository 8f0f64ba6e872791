#include "catalog/ucum.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aliquot::catalog {
namespace {

std::string error_of(std::string_view unit) {
  const auto result = validate_ucum(unit);
  return result.has_value() ? std::string("(accepted)") : result.error().message();
}

TEST(ValidateUcum, AcceptsTheUnitsOfAClinicalLabMenu) {
  const std::vector<std::string> units = {
      "mmol/L",     "mg/dL",
      "g/dL",       "10*3/uL",
      "10*6/uL",    "10*12/L",
      "10*9/L",     "fL",
      "pg",         "%",
      "U/L",        "[IU]/L",
      "m[IU]/L",    "u[IU]/mL",
      "s",          "{ratio}",
      "1",          "ng/mL",
      "ug/dL",      "ng/L",
      "pmol/L",     "umol/L",
      "mosm/kg",    "/[HPF]",
      "/[LPF]",     "mL/min/{1.73_m2}",
      "[pH]",       "mm[Hg]",
      "cm[H2O]",    "meq/L",
      "mmol/l",     "g/L",
      "kg/m2",      "Cel",
      "[degF]",     "mL/min",
      "{INR}",      "{cells}/uL",
      "[arb'U]/mL", "[CFU]/mL",
      "kU/L",       "g.m-2",
      "mg/(24.h)",  "mmol/mol",
      "10*-3",      "[in_i]",
      "[lb_av]",    "kat/L",
      "ukat/L",     "/d",
  };
  for (const std::string& unit : units) {
    const auto result = validate_ucum(unit);
    EXPECT_TRUE(result.has_value()) << unit << ": " << result.error().message();
  }
}

TEST(ValidateUcum, AcceptsTheCaretFormOfPowersOfTenBecauseUcumDefinesIt) {
  // ucum-essence.xml defines both "10*" and "10^" ("the number ten for arbitrary powers");
  // "10*" is the form LOINC and the core menu use.
  EXPECT_TRUE(validate_ucum("10^3/uL").has_value());
}

TEST(ValidateUcum, NamesAnUnknownAtomAndTheExpression) {
  EXPECT_EQ(error_of("mmoll/L"), "unknown UCUM unit atom 'mmoll' in 'mmoll/L'");
  EXPECT_EQ(error_of("mg/dl/xyz"), "unknown UCUM unit atom 'xyz' in 'mg/dl/xyz'");
}

TEST(ValidateUcum, IsCaseSensitive) {
  EXPECT_EQ(error_of("MG/DL"), "unknown UCUM unit atom 'MG' in 'MG/DL'");
  EXPECT_EQ(error_of("MMOL/L"), "unknown UCUM unit atom 'MMOL' in 'MMOL/L'");
}

TEST(ValidateUcum, SuggestsTheUcumSpellingOfCommonLabUnits) {
  EXPECT_EQ(error_of("mIU/L"), "unknown UCUM unit atom 'mIU' in 'mIU/L'; did you mean 'm[IU]'?");
  EXPECT_EQ(error_of("mcg/dL"), "unknown UCUM unit atom 'mcg' in 'mcg/dL'; did you mean 'ug'?");
  EXPECT_EQ(error_of("mmHg"), "unknown UCUM unit atom 'mmHg' in 'mmHg'; did you mean 'mm[Hg]'?");
  EXPECT_EQ(error_of("/hpf"), "unknown UCUM unit atom 'hpf' in '/hpf'; did you mean '[HPF]'?");
}

TEST(ValidateUcum, RefusesAPrefixOnANonMetricAtom) {
  EXPECT_EQ(error_of("kh"), "UCUM unit atom 'h' does not take the prefix 'k' in 'kh'");
  EXPECT_EQ(error_of("m[pH]"), "UCUM unit atom '[pH]' does not take the prefix 'm' in 'm[pH]'");
  EXPECT_EQ(error_of("k%"), "UCUM unit atom '%' does not take the prefix 'k' in 'k%'");
}

TEST(ValidateUcum, PrefersTheAtomOverAPrefixReading) {
  // "cd" is candela, not centi-day; "Pa" is pascal, not peta-year; "min" is minute.
  EXPECT_TRUE(validate_ucum("cd").has_value());
  EXPECT_TRUE(validate_ucum("kPa").has_value());
  EXPECT_TRUE(validate_ucum("min").has_value());
  EXPECT_TRUE(validate_ucum("dam").has_value());  // deka-metre, "da" before "d"
}

TEST(ValidateUcum, ReadsSignedExponents) {
  EXPECT_TRUE(validate_ucum("s-1").has_value());
  EXPECT_TRUE(validate_ucum("m+2").has_value());
  EXPECT_TRUE(validate_ucum("10*-6").has_value());
  EXPECT_EQ(error_of("m-"), "sign '-' outside an exponent at position 2 in 'm-'");
  EXPECT_EQ(error_of("-1"), "exponent without a unit at position 1 in '-1'");
}

TEST(ValidateUcum, RefusesMalformedStructure) {
  EXPECT_EQ(error_of(""), "empty UCUM unit");
  EXPECT_EQ(error_of("mg/"), "missing unit after '/' at the end in 'mg/'");
  EXPECT_EQ(error_of("/"), "missing unit after '/' at the end in '/'");
  EXPECT_EQ(error_of("mg//dL"), "missing unit before '/' at position 4 in 'mg//dL'");
  EXPECT_EQ(error_of("mg.(L"), "unclosed '(' at position 4 in 'mg.(L'");
  EXPECT_EQ(error_of("mg)"), "unexpected ')' at position 3 in 'mg)'");
  EXPECT_EQ(error_of("mL/{1.73"), "unclosed annotation '{' at position 4 in 'mL/{1.73'");
  EXPECT_EQ(error_of("mL}"), "unexpected '}' at position 3 in 'mL}'");
  EXPECT_EQ(error_of("[IU/L"), "unclosed '[' at position 1 in '[IU/L'");
  EXPECT_EQ(error_of("mg(L)"), "unexpected '(' at position 3 in 'mg(L)'");
}

TEST(ValidateUcum, RefusesSpacesAndNonAsciiCharacters) {
  EXPECT_EQ(error_of("mg /dL"), "space at position 3 in 'mg /dL'");
  EXPECT_EQ(error_of("\xC2\xB5g/L"),
            "non-ASCII character at position 1 (UCUM writes micro as 'u') in '\xC2\xB5g/L'");
}

TEST(ValidateUcum, AllowsAnnotationsAloneOrAfterAUnit) {
  EXPECT_TRUE(validate_ucum("{copies}/mL").has_value());
  EXPECT_TRUE(validate_ucum("mL{total}").has_value());
  // UCUM §2.2 attaches annotations to simple units, not to a parenthesised term.
  EXPECT_EQ(error_of("g/(24.h){urine}"), "unexpected '{' at position 9 in 'g/(24.h){urine}'");
  EXPECT_TRUE(validate_ucum("m2{BSA}").has_value());
}

TEST(IsUcumAtom, KnowsAtomsButNotPrefixedUnits) {
  EXPECT_TRUE(is_ucum_atom("g"));
  EXPECT_TRUE(is_ucum_atom("[IU]"));
  EXPECT_TRUE(is_ucum_atom("10*"));
  EXPECT_FALSE(is_ucum_atom("mg"));
  EXPECT_FALSE(is_ucum_atom("IU"));
}

}  // namespace
}  // namespace aliquot::catalog
