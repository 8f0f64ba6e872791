#include "calc/band_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace aliquot::calc {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

Band band(const std::string& text) {
  Result<Band> parsed = parse_band(text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << parsed.error().message();
  return parsed.value_or(Band{});
}

std::string parse_error(const std::string& text) {
  Result<Band> parsed = parse_band(text);
  return parsed ? "parsed" : parsed.error().message();
}

TEST(ParseBand, ReadsIntervalNotation) {
  const Band closed_open = band("[7, 50)");
  EXPECT_EQ(closed_open.lower, 7);
  EXPECT_EQ(closed_open.upper, 50);
  EXPECT_EQ(closed_open.lower_edge, Edge::kIncluded);
  EXPECT_EQ(closed_open.upper_edge, Edge::kExcluded);
  const Band open_closed = band(" (0.5,1.25] ");
  EXPECT_EQ(open_closed.lower, 0.5);
  EXPECT_EQ(open_closed.upper, 1.25);
  EXPECT_EQ(open_closed.lower_edge, Edge::kExcluded);
  EXPECT_EQ(open_closed.upper_edge, Edge::kIncluded);
  EXPECT_EQ(band("(-inf, 100)").lower, -kInfinity);
  EXPECT_EQ(band("[220, inf)").upper, kInfinity);
  EXPECT_EQ(band("[220, +inf)").upper, kInfinity);
  EXPECT_EQ(band("[5, 5]").to_string(), "[5, 5]");
}

TEST(ParseBand, WritesItBackTheSameWay) {
  for (const char* text : {"[7, 50)", "(-inf, 100)", "[220, inf)", "(0.5, 1.25]", "[-3, -1]"}) {
    EXPECT_EQ(band(text).to_string(), text);
  }
}

TEST(ParseBand, ExplainsWhatIsWrong) {
  EXPECT_EQ(parse_error("7-49"),
            "a band is written like '[7, 50)' or '(-inf, 100)', not '7-49' ('[' and ']' include "
            "the edge, '(' and ')' exclude it)");
  EXPECT_EQ(parse_error("[7, 50, 60)"),
            "a band is written like '[7, 50)' or '(-inf, 100)', not '[7, 50, 60)' ('[' and ']' "
            "include the edge, '(' and ')' exclude it)");
  EXPECT_EQ(parse_error("[seven, 50)"),
            "the lower edge 'seven' of band '[seven, 50)' is not a number (or -inf)");
  EXPECT_EQ(parse_error("[7, )"), "the upper edge '' of band '[7, )' is not a number (or inf)");
  EXPECT_EQ(parse_error("[-inf, 0)"),
            "band '[-inf, 0)' cannot include an infinite edge: write '('");
  EXPECT_EQ(parse_error("[0, inf]"), "band '[0, inf]' cannot include an infinite edge: write ')'");
  EXPECT_EQ(parse_error("[50, 7)"),
            "band '[50, 7)' contains no value: its lower edge 50 is not below its upper edge 7");
  EXPECT_EQ(parse_error("[5, 5)"),
            "band '[5, 5)' contains no value: its lower edge 5 is not below its upper edge 5");
}

TEST(Band, IncludesOrExcludesEachEdgeAsWritten) {
  const Band closed_open = band("[7, 50)");
  EXPECT_FALSE(closed_open.contains(6.999));
  EXPECT_TRUE(closed_open.contains(7));
  EXPECT_TRUE(closed_open.contains(49.999));
  EXPECT_FALSE(closed_open.contains(50));
  const Band open_closed = band("(7, 50]");
  EXPECT_FALSE(open_closed.contains(7));
  EXPECT_TRUE(open_closed.contains(7.001));
  EXPECT_TRUE(open_closed.contains(50));
  EXPECT_FALSE(open_closed.contains(50.001));
  EXPECT_FALSE(closed_open.contains(std::nan("")));
}

TEST(CheckAxis, AcceptsContiguousBands) {
  EXPECT_TRUE(check_axis({band("(-inf, 100)"), band("[100, 130)"), band("[130, inf)")}).empty());
  EXPECT_TRUE(check_axis({band("[0, 1]"), band("(1, 2]")}).empty());
}

TEST(CheckAxis, NamesGapsOverlapsAndSharedEdges) {
  const std::vector<AxisProblem> problems =
      check_axis({band("[7, 50)"), band("[51, 57)"), band("[56, 62)"), band("[62, 67]"),
                  band("[67, 72)"), band("(72, 76)")});
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[0].band, 1u);
  EXPECT_EQ(problems[0].message,
            "band 2 [51, 57) and band 1 [7, 50) leave a gap: band 2 must start at 50");
  EXPECT_EQ(problems[1].message,
            "band 3 [56, 62) and band 2 [51, 57) overlap: band 3 must start at 57");
  EXPECT_EQ(problems[2].message, "band 5 [67, 72) and band 4 [62, 67] both include 67");
  EXPECT_EQ(problems[3].band, 5u);
  EXPECT_EQ(problems[3].message,
            "band 6 (72, 76) and band 5 [67, 72) both exclude 72, which then falls in no band");
}

TEST(FindBand, FindsTheOneBandHoldingEachValueAtEveryEdge) {
  const std::vector<Band> bands = {band("[7, 50)"), band("[50, 57)"), band("[57, 62)")};
  EXPECT_EQ(find_band(bands, 6.99), std::nullopt);
  EXPECT_EQ(find_band(bands, 7), 0u);
  EXPECT_EQ(find_band(bands, 49.99), 0u);
  EXPECT_EQ(find_band(bands, 50), 1u);
  EXPECT_EQ(find_band(bands, 56.99), 1u);
  EXPECT_EQ(find_band(bands, 57), 2u);
  EXPECT_EQ(find_band(bands, 61.99), 2u);
  EXPECT_EQ(find_band(bands, 62), std::nullopt);
  EXPECT_EQ(find_band(bands, std::nan("")), std::nullopt);
  const std::vector<Band> upper_included = {band("(-inf, 1]"), band("(1, 2]")};
  EXPECT_EQ(find_band(upper_included, -1e300), 0u);
  EXPECT_EQ(find_band(upper_included, 1), 0u);
  EXPECT_EQ(find_band(upper_included, 1.0000001), 1u);
  EXPECT_EQ(find_band(upper_included, 2), 1u);
  EXPECT_EQ(find_band(upper_included, 2.0000001), std::nullopt);
}

TEST(BandTable, LooksUpTheCellOfBothBands) {
  Result<BandTable> table = BandTable::make("t", {band("[0, 10)"), band("[10, 20)")},
                                            {band("(-inf, 5)"), band("[5, inf)")}, {1, 2, 3, 4});
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->lookup(0, 4.9), 1);
  EXPECT_EQ(table->lookup(9.9, 5), 2);
  EXPECT_EQ(table->lookup(10, -100), 3);
  EXPECT_EQ(table->lookup(19.9, 100), 4);
  EXPECT_EQ(table->lookup(20, 0), std::nullopt);
  EXPECT_EQ(table->row_coverage(), "[0, 20)");
  EXPECT_EQ(table->column_coverage(), "(-inf, inf)");
}

TEST(BandTable, RefusesABrokenAxisOrAWrongNumberOfCells) {
  Result<BandTable> gap =
      BandTable::make("t", {band("[0, 10)"), band("[11, 20)")}, {band("[0, 1)")}, {1, 2});
  ASSERT_FALSE(gap.has_value());
  EXPECT_EQ(gap.error().message(),
            "table 't', row band 2 [11, 20) and band 1 [0, 10) leave a gap: band 2 must start at "
            "10");
  Result<BandTable> cells =
      BandTable::make("t", {band("[0, 10)"), band("[10, 20)")}, {band("[0, 1)")}, {1, 2, 3});
  ASSERT_FALSE(cells.has_value());
  EXPECT_EQ(cells.error().message(), "table 't' has 3 cells; 2 rows of 1 columns need 2");
  Result<BandTable> empty = BandTable::make("t", {}, {band("[0, 1)")}, {});
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().message(), "table 't' needs at least one row and one column");
}

}  // namespace
}  // namespace aliquot::calc
