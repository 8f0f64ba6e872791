#include "people/competency.h"

#include <gtest/gtest.h>

#include "support/dates.h"

namespace aliquot::people {
namespace {

using test_support::date;

CompetencyHistory started(const char* day) {
  CompetencyHistory history;
  history.started_testing = date(day);
  return history;
}

TEST(CompetencyStatus, TheFirstAssessmentIsDueSixMonthsAfterTestingStarts) {
  const CompetencyHistory history = started("2026-01-15");
  const CompetencyStatus status = competency_status(history, date("2026-03-01"), 30);
  EXPECT_EQ(status.state, CompetencyState::kCurrent);
  EXPECT_EQ(status.due, date("2026-07-15"));
  EXPECT_EQ(status.requirement, "6-month assessment of the first year");
  EXPECT_FALSE(status.last_assessed.has_value());
  EXPECT_TRUE(status.may_report());
}

TEST(CompetencyStatus, IsDueSoonInTheWarningWindowStillDueOnItsDayAndOverdueTheDayAfter) {
  const CompetencyHistory history = started("2026-01-15");
  EXPECT_EQ(competency_status(history, date("2026-06-14"), 30).state, CompetencyState::kCurrent);
  EXPECT_EQ(competency_status(history, date("2026-06-15"), 30).state, CompetencyState::kDueSoon);
  const CompetencyStatus due_today = competency_status(history, date("2026-07-15"), 30);
  EXPECT_EQ(due_today.state, CompetencyState::kDueSoon);
  EXPECT_TRUE(due_today.may_report());
  const CompetencyStatus late = competency_status(history, date("2026-07-16"), 30);
  EXPECT_EQ(late.state, CompetencyState::kOverdue);
  EXPECT_FALSE(late.may_report());
}

TEST(CompetencyStatus, TheSecondAssessmentOfTheFirstYearIsDueTwelveMonthsAfterTheStart) {
  CompetencyHistory history = started("2026-01-15");
  // Late for the 6-month one: the 12-month one keeps its date from the start.
  history.assessments = {date("2026-09-01")};
  const CompetencyStatus status = competency_status(history, date("2026-10-01"), 30);
  EXPECT_EQ(status.state, CompetencyState::kCurrent);
  EXPECT_EQ(status.due, date("2027-01-15"));
  EXPECT_EQ(status.requirement, "12-month assessment of the first year");
  EXPECT_EQ(status.last_assessed, date("2026-09-01"));
}

TEST(CompetencyStatus, AfterTheFirstYearItIsDueAYearAfterTheLastAssessment) {
  CompetencyHistory history = started("2025-01-15");
  history.assessments = {date("2026-01-10"), date("2025-07-10")};  // in any order
  const CompetencyStatus status = competency_status(history, date("2026-12-01"), 30);
  EXPECT_EQ(status.requirement, "annual assessment");
  EXPECT_EQ(status.due, date("2027-01-10"));
  EXPECT_EQ(status.state, CompetencyState::kCurrent);
  EXPECT_EQ(competency_status(history, date("2027-01-11"), 30).state, CompetencyState::kOverdue);
}

TEST(CompetencyStatus, AssessmentsDuringTrainingDoNotCount) {
  CompetencyHistory history = started("2026-01-15");
  history.assessments = {date("2026-01-10")};
  const CompetencyStatus status = competency_status(history, date("2026-02-01"), 30);
  EXPECT_EQ(status.requirement, "6-month assessment of the first year");
  EXPECT_FALSE(status.last_assessed.has_value());
}

TEST(CompetencyStatus, ANewMethodNeedsAnAssessmentBeforeReporting) {
  CompetencyHistory history = started("2024-01-15");
  history.assessments = {date("2024-07-01"), date("2025-01-10"), date("2026-01-05")};
  history.method_changes = {date("2026-05-01")};
  const CompetencyStatus before = competency_status(history, date("2026-04-30"), 30);
  EXPECT_EQ(before.state, CompetencyState::kCurrent);
  const CompetencyStatus after = competency_status(history, date("2026-05-01"), 30);
  EXPECT_EQ(after.state, CompetencyState::kNeededForNewMethod);
  EXPECT_FALSE(after.may_report());
  EXPECT_EQ(after.due, date("2026-05-01"));
  EXPECT_EQ(after.requirement,
            "assessment before reporting with the method or instrument introduced on 2026-05-01");

  // Assessed on the day of the change: the annual clock restarts from it.
  history.assessments.push_back(date("2026-05-01"));
  const CompetencyStatus assessed = competency_status(history, date("2026-05-02"), 30);
  EXPECT_EQ(assessed.state, CompetencyState::kCurrent);
  EXPECT_EQ(assessed.due, date("2027-05-01"));
}

TEST(CompetencyStatus, LeavesOutWhatHappensAfterTheDayAsked) {
  CompetencyHistory history = started("2026-01-15");
  history.assessments = {date("2026-07-01")};
  history.method_changes = {date("2026-09-01")};
  const CompetencyStatus status = competency_status(history, date("2026-06-01"), 30);
  EXPECT_EQ(status.requirement, "6-month assessment of the first year");
  EXPECT_EQ(status.state, CompetencyState::kCurrent);
}

TEST(CompetencyState, HasACodeForEachState) {
  EXPECT_EQ(to_code(CompetencyState::kCurrent), "current");
  EXPECT_EQ(to_code(CompetencyState::kDueSoon), "due-soon");
  EXPECT_EQ(to_code(CompetencyState::kOverdue), "overdue");
  EXPECT_EQ(to_code(CompetencyState::kNeededForNewMethod), "needed-for-new-method");
}

}  // namespace
}  // namespace aliquot::people
