#include "people/continuing_education.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/diagnostics.h"

namespace aliquot::people {
namespace {

constexpr const char* kCeHeader = "[continuing_education]\nname = \"test\"\nversion = \"1\"\n";

std::vector<std::string> ce_problems(const std::string& body) {
  return test_support::error_texts(
      load_ce_rules(std::string(kCeHeader) + body, "ce.toml").diagnostics);
}

TEST(DefaultCeRules, MaintainAscpAndAmtCertificationsAndAreMarkedForVerification) {
  const CeRules& rules = default_ce_rules();
  const CeProgram* cmp = rules.program_for("mls(ascp)");
  ASSERT_NE(cmp, nullptr);
  EXPECT_EQ(cmp, rules.program_for("MLT(ASCP)"));
  EXPECT_EQ(cmp->cycle_years, 3);
  EXPECT_EQ(cmp->points, 36);
  ASSERT_EQ(cmp->minimums.size(), 5u);
  EXPECT_EQ(cmp->minimums[0].category, "safety");
  EXPECT_EQ(cmp->minimums[0].points, 1);
  EXPECT_TRUE(cmp->verify);
  const CeProgram* amt = rules.program_for("MT(AMT)");
  ASSERT_NE(amt, nullptr);
  EXPECT_EQ(amt->points, 45);
  // The credential's name since 2023 keeps the same program.
  EXPECT_EQ(rules.program_for("MLS(AMT)"), amt);
  EXPECT_EQ(rules.program_for("PBT(ASCP)"), nullptr);
  ASSERT_NE(rules.find_category("blood-banking"), nullptr);
  EXPECT_EQ(rules.find_category("blood-banking")->name, "blood banking");
}

TEST(CeRules, NamesEveryProblemAtItsPlace) {
  EXPECT_EQ(
      ce_problems("[[category]]\ncode = \"chemistry\"\nname = \"chemistry\"\n"
                  "[[category]]\ncode = \"Chemistry\"\nname = \"again\"\n"
                  "[[category]]\ncode = \"chemistry\"\nname = \"again\"\n"
                  "[[program]]\nname = \"CMP\"\nsource = \"s\"\ncredentials = [\"MLS(ASCP)\"]\n"
                  "cycle_years = 0\npoints = 3\n"
                  "[[program.minimum]]\ncategory = \"chemstry\"\npoints = 2\n"
                  "[[program.minimum]]\ncategory = \"chemistry\"\npoints = 4\n"
                  "[[program]]\nname = \"other\"\nsource = \"s\"\ncredentials = [\"mls(ascp)\"]\n"
                  "cycle_years = 2\npoints = 10\n"),
      (std::vector<std::string>{
          "ce.toml:8:8: key 'code' of category 'Chemistry' must be lower-case letters, "
          "digits and dashes, not 'Chemistry'",
          "ce.toml:11:8: key 'code' of category 'chemistry' names 'chemistry' again (first "
          "at line 5)",
          "ce.toml:17:15: key 'cycle_years' of program 'CMP' must be 1 to 10, not 0",
          "ce.toml:19:1: key 'minimum' of program 'CMP' asks for 6 points in categories, "
          "more than the cycle's 3",
          "ce.toml:20:12: key 'category' of minimum 1 of program 'CMP' names 'chemstry', "
          "which is not a [[category]] (did you mean 'chemistry'?)",
          "ce.toml:28:15: key 'credentials' of program 'other' names 'mls(ascp)', which "
          "program 'CMP' already maintains",
      }));
  EXPECT_EQ(ce_problems(""), std::vector<std::string>{"ce.toml: the file has no [[program]]: no "
                                                      "certification could be kept current"});
}

}  // namespace
}  // namespace aliquot::people
