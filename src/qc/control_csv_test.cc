#include "qc/control_csv.h"

#include <gtest/gtest.h>

#include "support/diagnostics.h"

namespace aliquot::qc {
namespace {

std::vector<std::string> messages(const ControlCsv& csv) {
  return test_support::error_texts(csv.diagnostics);
}

TEST(ControlCsv, GroupsTheRowsOfEachRunInOrder) {
  const ControlCsv csv = read_control_csv(
      "run,level,value,mean,sd\n1,1,101,100,2\n1,2,252,250,5\n2,1,99.5,100,2\n", "qc.csv");
  ASSERT_TRUE(csv.runs.has_value()) << messages(csv)[0];
  ASSERT_EQ(csv.runs->size(), 2u);
  EXPECT_EQ((*csv.runs)[0].id, "1");
  ASSERT_EQ((*csv.runs)[0].values.size(), 2u);
  EXPECT_EQ((*csv.runs)[0].values[1].level, "2");
  EXPECT_EQ((*csv.runs)[0].values[1].value, 252);
  EXPECT_EQ((*csv.runs)[0].values[1].mean, 250);
  EXPECT_EQ((*csv.runs)[0].values[1].sd, 5);
  EXPECT_EQ((*csv.runs)[1].values[0].value, 99.5);
}

TEST(ControlCsv, FindsItsColumnsByNameInAnyOrderAndIgnoresOthers) {
  const ControlCsv csv = read_control_csv(
      "Date,SD,Mean,Value,Level,Run,Lot\r\n2026-11-02,2,100,104,L1,a,77\r\n", "qc.csv");
  ASSERT_TRUE(csv.runs.has_value()) << messages(csv)[0];
  EXPECT_EQ((*csv.runs)[0].id, "a");
  EXPECT_EQ((*csv.runs)[0].values[0].level, "L1");
  EXPECT_EQ((*csv.runs)[0].values[0].value, 104);
  EXPECT_EQ((*csv.runs)[0].values[0].sd, 2);
}

TEST(ControlCsv, NamesEveryMissingColumn) {
  const ControlCsv csv = read_control_csv("run,level,value\n1,1,5\n", "qc.csv");
  EXPECT_FALSE(csv.runs.has_value());
  EXPECT_EQ(messages(csv),
            (std::vector<std::string>{
                "qc.csv:1: the header has no column 'mean' (it needs run, level, value, mean, sd)",
                "qc.csv:1: the header has no column 'sd' (it needs run, level, value, mean, sd)"}));
}

TEST(ControlCsv, NamesEveryBadRowWithItsLine) {
  const ControlCsv csv = read_control_csv(
      "run,level,value,mean,sd\n1,1,abc,100,2\n1,2,5,5,0\n2,,5,5,1\n2,1,5,5,-1\n", "qc.csv");
  EXPECT_FALSE(csv.runs.has_value());
  EXPECT_EQ(messages(csv),
            (std::vector<std::string>{
                "qc.csv:2: value 'abc' is not a number", "qc.csv:3: sd '0' must be greater than 0",
                "qc.csv:4: level is empty", "qc.csv:5: sd '-1' must be greater than 0"}));
}

TEST(ControlCsv, RefusesARunWhoseRowsAreNotTogether) {
  const ControlCsv csv =
      read_control_csv("run,level,value,mean,sd\n1,1,5,5,1\n2,1,5,5,1\n1,2,5,5,1\n", "qc.csv");
  EXPECT_EQ(messages(csv),
            std::vector<std::string>{"qc.csv:4: run 1 appears again after run 2 (its rows start "
                                     "at line 2); the rows of a run must be together"});
}

TEST(ControlCsv, RefusesALevelTwiceInARun) {
  const ControlCsv csv =
      read_control_csv("run,level,value,mean,sd\n1,1,5,5,1\n1,1,6,5,1\n", "qc.csv");
  EXPECT_EQ(messages(csv),
            std::vector<std::string>{"qc.csv:3: run 1 has level 1 twice (also at line 2)"});
}

TEST(ControlCsv, RefusesAFileWithoutValues) {
  EXPECT_EQ(messages(read_control_csv("", "qc.csv")),
            std::vector<std::string>{
                "qc.csv: the file is empty; it needs a header row run,level,value,mean,sd"});
  EXPECT_EQ(messages(read_control_csv("run,level,value,mean,sd\n", "qc.csv")),
            std::vector<std::string>{"qc.csv:1: no control values after the header"});
}

TEST(ControlCsv, RefusesAValueThatIsNotFinite) {
  EXPECT_EQ(messages(read_control_csv("run,level,value,mean,sd\n1,1,inf,5,1\n", "qc.csv")),
            std::vector<std::string>{"qc.csv:2: value 'inf' is not a number"});
}

}  // namespace
}  // namespace aliquot::qc
