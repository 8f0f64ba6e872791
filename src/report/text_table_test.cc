#include "report/text_table.h"

#include <gtest/gtest.h>

namespace aliquot::report {
namespace {

TEST(TextTable, AlignsColumnsToTheWidestCellWithARuleUnderTheHeader) {
  TextTable table({"Test", "Result", "Flag"});
  table.add_row({"Potassium", "6.8 mmol/L", "HH"});
  table.add_row({"Na", "140 mmol/L", ""});
  EXPECT_EQ(table.render(),
            "Test       Result      Flag\n"
            "---------  ----------  ----\n"
            "Potassium  6.8 mmol/L  HH\n"
            "Na         140 mmol/L\n");
}

TEST(TextTable, RightAlignsAColumnAndIndentsEveryLine) {
  TextTable table({"Seq", "Action"});
  table.align(0, Alignment::kRight);
  table.add_row({"9", "result.enter"});
  table.add_row({"10", "result.release"});
  EXPECT_EQ(table.render("  "),
            "  Seq  Action\n"
            "  ---  --------------\n"
            "    9  result.enter\n"
            "   10  result.release\n");
}

TEST(TextTable, WithoutHeadersPrintsOnlyTheRows) {
  TextTable table;
  table.add_row({"260000001X", "sst", "serum"});
  table.add_row({"260000002Y", "k2edta", "whole-blood"});
  EXPECT_EQ(table.render(),
            "260000001X  sst     serum\n"
            "260000002Y  k2edta  whole-blood\n");
}

TEST(TextTable, CountsUtf8CodePointsNotBytesWhenAligning) {
  TextTable table;
  table.add_row({"Müller", "x"});
  table.add_row({"Miller", "y"});
  EXPECT_EQ(table.render(),
            "Müller  x\n"
            "Miller  y\n");
  EXPECT_EQ(display_width("Müller"), 6u);
}

}  // namespace
}  // namespace aliquot::report
