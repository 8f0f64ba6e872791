#include "people/competency_log.h"

#include <gtest/gtest.h>

#include "support/dates.h"
#include "support/diagnostics.h"

namespace aliquot::people {
namespace {

using test_support::date;

TEST(CompetencyLog, GathersTheEventsOfEachPersonOnEachSystem) {
  const CompetencyLog log = read_competency_log(
      "Date,Person,Event,Test_System,Note\n"
      "2026-01-15,jdoe,started,CHEM,\n"
      "2026-01-20,asmith,started,HEME,\n"
      "2026-07-10,jdoe,assessed,CHEM,\"observed by \"\"Lee\"\"\"\n"
      "2026-10-01,jdoe,method-changed,CHEM,new analyzer\n"
      "2026-02-01,jdoe,started,HEME,\n"
      "2026-03-10,jdoe,assessed,CHEM,\n",
      "log.csv");
  ASSERT_TRUE(log.entries.has_value()) << test_support::error_texts(log.diagnostics).front();
  ASSERT_EQ(log.entries->size(), 3u);
  const PersonOnSystem& first = (*log.entries)[0];
  EXPECT_EQ(first.person, "jdoe");
  EXPECT_EQ(first.test_system, "CHEM");
  EXPECT_EQ(first.history.started_testing, date("2026-01-15"));
  EXPECT_EQ(first.history.assessments,
            (std::vector<core::Date>{date("2026-07-10"), date("2026-03-10")}));
  EXPECT_EQ(first.history.method_changes, std::vector<core::Date>{date("2026-10-01")});
  EXPECT_EQ((*log.entries)[1].person, "asmith");
  EXPECT_EQ((*log.entries)[2].test_system, "HEME");
  EXPECT_TRUE((*log.entries)[2].history.assessments.empty());
}

TEST(CompetencyLog, NamesEveryProblemWithItsLine) {
  const CompetencyLog log = read_competency_log(
      "person,test_system,event,date\n"
      "jdoe,CHEM,started,2026-01-15\n"
      ",CHEM,assessed,2026-07-10\n"
      "jdoe,CHEM,observed,2026-07-11\n"
      "jdoe,CHEM,assessed,2026-13-01\n"
      "jdoe,CHEM,started,2026-02-01\n"
      "asmith,HEME,assessed,2026-03-01\n",
      "log.csv");
  EXPECT_FALSE(log.entries.has_value());
  EXPECT_EQ(test_support::error_texts(log.diagnostics),
            (std::vector<std::string>{
                "log.csv:3: person is empty",
                "log.csv:4: event 'observed' is not one of started, assessed, method-changed",
                "log.csv:5: date '2026-13-01' is not a date (YYYY-MM-DD)",
                "log.csv:6: person 'jdoe' on test system 'CHEM' already started at line 2",
                "log.csv:7: person 'asmith' on test system 'HEME' has no 'started' row",
            }));
}

TEST(CompetencyLog, NeedsItsColumnsAndSomeEvents) {
  EXPECT_EQ(test_support::error_texts(read_competency_log("", "log.csv").diagnostics),
            std::vector<std::string>{
                "log.csv: the file is empty; it needs a header row person,test_system,event,date"});
  EXPECT_EQ(
      test_support::error_texts(read_competency_log("person,event,date\n", "log.csv").diagnostics),
      std::vector<std::string>{
          "log.csv:1: the header has no column 'test_system' (it needs person, "
          "test_system, event, date)"});
  EXPECT_EQ(test_support::error_texts(
                read_competency_log("person,test_system,event,date\n", "log.csv").diagnostics),
            std::vector<std::string>{"log.csv:1: no events after the header"});
}

}  // namespace
}  // namespace aliquot::people
