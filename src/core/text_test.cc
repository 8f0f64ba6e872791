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

TEST(AsciiCase, ChangesOnlyAsciiLetters) {
  EXPECT_EQ(ascii_upper("k2edta-µ"), "K2EDTA-µ");
  EXPECT_EQ(ascii_lower("HbA1c"), "hba1c");
  EXPECT_TRUE(equals_ignoring_case("Hemolyzed", "HEMOLYZED"));
  EXPECT_FALSE(equals_ignoring_case("K", "KK"));
  EXPECT_FALSE(equals_ignoring_case("NA", "NB"));
}

}  // namespace
}  // namespace aliquot::core
