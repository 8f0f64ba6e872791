#include "people/ce_progress.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "people/ce_log.h"
#include "support/dates.h"
#include "support/diagnostics.h"

namespace aliquot::people {
namespace {

using test_support::date;

const CeProgram& cmp() { return *default_ce_rules().program_for("MLS(ASCP)"); }

core::CeActivity activity(const char* day, const char* category, double points) {
  core::CeActivity out;
  out.person = "jdoe";
  out.date = date(day);
  out.category = category;
  out.points = points;
  return out;
}

TEST(CeProgress, CountsTheActivitiesOfTheCycleOnly) {
  const CeProgress progress =
      ce_progress(default_ce_rules(), cmp(),
                  {activity("2024-02-29", "chemistry", 5), activity("2024-03-01", "chemistry", 2),
                   activity("2027-02-28", "hematology", 2), activity("2027-03-01", "safety", 1)},
                  date("2024-03-01"));
  EXPECT_EQ(progress.cycle_start, date("2024-03-01"));
  EXPECT_EQ(progress.cycle_end, date("2027-02-28"));
  EXPECT_EQ(progress.earned, 4);
  EXPECT_EQ(progress.needed, 36);
  ASSERT_EQ(progress.minimums.size(), 5u);
  EXPECT_EQ(progress.minimums[2].name, "chemistry");
  EXPECT_EQ(progress.minimums[2].earned, 2);
  EXPECT_EQ(progress.minimums[3].earned, 2);
}

TEST(CeProgress, SaysHowManyPointsAreStillNeededInEachCategoryAndInAll) {
  // 32 points, all but 1 in chemistry: the cycle needs 4 more, but the categories 6; 6 it is.
  std::vector<core::CeActivity> activities = {activity("2025-01-10", "chemistry", 31),
                                              activity("2025-02-10", "hematology", 1)};
  CeProgress progress = ce_progress(default_ce_rules(), cmp(), activities, date("2024-03-01"));
  EXPECT_EQ(progress.earned, 32);
  EXPECT_EQ(progress.still_needed, 6);
  EXPECT_FALSE(progress.met());
  EXPECT_EQ(progress.missing,
            (std::vector<std::string>{
                "1 more point in laboratory or patient safety", "2 more points in blood banking",
                "1 more point in hematology", "2 more points in microbiology"}));

  // With the categories met, what is left can come from any category.
  activities = {
      activity("2025-01-10", "safety", 1.5),     activity("2025-01-10", "blood-banking", 2),
      activity("2025-01-10", "chemistry", 2),    activity("2025-01-10", "hematology", 2),
      activity("2025-01-10", "microbiology", 2), activity("2025-06-10", "management", 14)};
  progress = ce_progress(default_ce_rules(), cmp(), activities, date("2024-03-01"));
  EXPECT_EQ(progress.still_needed, 12.5);
  EXPECT_EQ(progress.missing, std::vector<std::string>{"12.5 more points in any category"});

  activities.push_back(activity("2026-06-10", "molecular", 12.5));
  progress = ce_progress(default_ce_rules(), cmp(), activities, date("2024-03-01"));
  EXPECT_TRUE(progress.met());
  EXPECT_TRUE(progress.missing.empty());
}

TEST(CeLog, ReadsActivitiesAndNamesEveryProblemWithItsLine) {
  const CeLog good = read_ce_log(
      "Person,Date,Category,Points,Provider,Title,Certificate\n"
      "jdoe,2025-01-10,Chemistry,1.5,ASCLS,Lipid testing update,c-1\n"
      "jdoe,2025-02-10,safety,1,in-house,,\n",
      "ce.csv", default_ce_rules());
  ASSERT_TRUE(good.activities.has_value()) << test_support::error_texts(good.diagnostics).front();
  ASSERT_EQ(good.activities->size(), 2u);
  EXPECT_EQ((*good.activities)[0].category, "chemistry");
  EXPECT_EQ((*good.activities)[0].points, 1.5);
  EXPECT_EQ((*good.activities)[0].provider, "ASCLS");
  EXPECT_EQ((*good.activities)[0].title, "Lipid testing update");

  const CeLog bad = read_ce_log(
      "person,date,category,points\n"
      "jdoe,2025-01-10,chem,1\n"
      ",2025-13-10,safety,0\n",
      "ce.csv", default_ce_rules());
  EXPECT_FALSE(bad.activities.has_value());
  EXPECT_EQ(test_support::error_texts(bad.diagnostics),
            (std::vector<std::string>{
                "ce.csv:2: category 'chem' is not one of safety, blood-banking, chemistry, "
                "hematology, microbiology, immunology, molecular, urinalysis, ethics, management",
                "ce.csv:3: person is empty",
                "ce.csv:3: date '2025-13-10' is not a date (YYYY-MM-DD)",
                "ce.csv:3: points '0' is not a number greater than 0",
            }));
  EXPECT_EQ(test_support::error_texts(
                read_ce_log("person,date\n", "ce.csv", default_ce_rules()).diagnostics),
            (std::vector<std::string>{
                "ce.csv:1: the header has no column 'category' (it needs person, date, category, "
                "points)",
                "ce.csv:1: the header has no column 'points' (it needs person, date, category, "
                "points)"}));
}

}  // namespace
}  // namespace aliquot::people
