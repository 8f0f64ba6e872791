#include "core/text.h"

#include <gtest/gtest.h>

namespace aliquot::core {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("unit", "unit"), 0u);
  EXPECT_EQ(edit_distance("unti", "unit"), 2u);  // a swap is two edits
  EXPECT_EQ(edit_distance("decimal", "decimals"), 1u);
  EXPECT_EQ(edit_distance("critcal", "critical"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
}

TEST(Join, SeparatesItemsAndLeavesOneOrNoneAlone) {
  EXPECT_EQ(join({}), "");
  EXPECT_EQ(join({"a"}), "a");
  EXPECT_EQ(join({"a", "b", "c"}), "a, b, c");
  EXPECT_EQ(join({"a", "b"}, " | "), "a | b");
}

TEST(NearestSpelling, SuggestsOnlyWithinTwoEditsAndTheFirstOfEquallyNearOnes) {
  const std::vector<std::string> keys = {"unit", "units", "name"};
  EXPECT_EQ(nearest_spelling("unti", keys, LetterCase::kMatters), "unit");
  EXPECT_EQ(nearest_spelling("nmae", keys, LetterCase::kMatters), "name");
  EXPECT_EQ(nearest_spelling("decimals", keys, LetterCase::kMatters), "");
  EXPECT_EQ(nearest_spelling("UNIT", keys, LetterCase::kMatters), "");
  EXPECT_EQ(nearest_spelling("UNIT", keys, LetterCase::kIgnored), "unit");
  // Not a suggestion that replaces every letter of a short candidate.
  EXPECT_EQ(nearest_spelling("xy", {"K"}, LetterCase::kIgnored), "");
}

TEST(AsciiCase, ChangesOnlyAsciiLetters) {
  EXPECT_EQ(ascii_upper("k2edta-µ"), "K2EDTA-µ");
  EXPECT_EQ(ascii_lower("HbA1c"), "hba1c");
  EXPECT_TRUE(equals_ignoring_case("Hemolyzed", "HEMOLYZED"));
  EXPECT_FALSE(equals_ignoring_case("K", "KK"));
  EXPECT_FALSE(equals_ignoring_case("NA", "NB"));
}

}  // namespace
}  // namespace aliquot::core
