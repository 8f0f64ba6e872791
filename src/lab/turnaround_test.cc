#include "lab/turnaround.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

// The test catalog with targets for chemistry (STAT 60, routine 240 minutes); hematology has
// none.
std::string catalog_with_targets() {
  std::string text = kTestCatalogText;
  const std::string chemistry = "code = \"chemistry\"\nname = \"Chemistry\"\n";
  const std::size_t at_chemistry = text.find(chemistry);
  EXPECT_NE(at_chemistry, std::string::npos);
  text.insert(at_chemistry + chemistry.size(), "turnaround = { stat = 60, routine = 240 }\n");
  return text;
}

const catalog::Catalog& targets_catalog() {
  static const catalog::Catalog catalog =
      *catalog::load_catalog(catalog_with_targets(), "test-menu.toml").catalog;
  return catalog;
}

core::Instant minute(int m) { return at("2026-03-10T08:00:00Z") + std::chrono::minutes(m); }

store::ReleasedResultTiming released(const std::string& accession, const std::string& section,
                                     core::Priority priority, int received_minute, double minutes) {
  store::ReleasedResultTiming row;
  row.accession_number = accession;
  row.test_code = section == "chemistry" ? "K" : "HGB";
  row.section = section;
  row.priority = priority;
  row.received_at = minute(received_minute);
  row.released_at =
      row.received_at + std::chrono::milliseconds(static_cast<long>(minutes * 60'000));
  return row;
}

TEST(TurnaroundStatistics, MedianIsTheMiddleOrTheMeanOfTheTwoMiddles) {
  EXPECT_EQ(median_of({}), 0);
  EXPECT_EQ(median_of({42}), 42);
  EXPECT_EQ(median_of({50, 10, 30}), 30);
  EXPECT_EQ(median_of({40, 10, 30, 20}), 25);
}

TEST(TurnaroundStatistics, NinetiethPercentileIsTheNearestRank) {
  EXPECT_EQ(nearest_rank_p90_of({}), 0);
  EXPECT_EQ(nearest_rank_p90_of({7}), 7);
  // Ten values: rank 9.
  EXPECT_EQ(nearest_rank_p90_of({10, 20, 30, 40, 50, 60, 70, 80, 90, 100}), 90);
  // Eleven values: rank ceil(9.9) = 10.
  EXPECT_EQ(nearest_rank_p90_of({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}), 10);
  // Two values: rank ceil(1.8) = 2, the longer; five: rank ceil(4.5) = 5.
  EXPECT_EQ(nearest_rank_p90_of({30, 10}), 30);
  EXPECT_EQ(nearest_rank_p90_of({5, 1, 4, 2, 3}), 5);
}

TEST(TurnaroundStatistics, MinutesKeepMilliseconds) {
  EXPECT_DOUBLE_EQ(turnaround_minutes(released("A", "chemistry", core::Priority::kStat, 0, 45.5)),
                   45.5);
}

TEST(SummarizeTurnaround, GroupsByPriorityThenSectionWithTheSectionsTargets) {
  const std::vector<store::ReleasedResultTiming> rows = {
      released("R1", "chemistry", core::Priority::kRoutine, 0, 100),
      released("S1", "chemistry", core::Priority::kStat, 0, 30),
      released("S2", "chemistry", core::Priority::kStat, 5, 50),
      released("H1", "hematology", core::Priority::kStat, 0, 20),
  };
  const TurnaroundReport report =
      summarize_turnaround(rows, targets_catalog(), minute(0), minute(600));
  ASSERT_EQ(report.groups.size(), 3u);
  EXPECT_EQ(report.groups[0].priority, core::Priority::kStat);
  EXPECT_EQ(report.groups[0].section, "chemistry");
  EXPECT_EQ(report.groups[0].count, 2);
  EXPECT_EQ(report.groups[0].median_minutes, 40);
  EXPECT_EQ(report.groups[0].p90_minutes, 50);
  EXPECT_EQ(report.groups[0].target_minutes, 60);
  EXPECT_EQ(report.groups[1].priority, core::Priority::kStat);
  EXPECT_EQ(report.groups[1].section, "hematology");
  EXPECT_EQ(report.groups[1].target_minutes, std::nullopt);
  EXPECT_EQ(report.groups[2].priority, core::Priority::kRoutine);
  EXPECT_EQ(report.groups[2].target_minutes, 240);
  EXPECT_TRUE(report.outside_target.empty());
}

TEST(SummarizeTurnaround, AResultAtItsTargetMeetsItAndOneAMillisecondLongerDoesNot) {
  std::vector<store::ReleasedResultTiming> rows = {
      released("AT", "chemistry", core::Priority::kStat, 0, 60),
      released("OVER", "chemistry", core::Priority::kStat, 0, 60),
      released("LONG", "chemistry", core::Priority::kStat, 0, 95),
      released("NOTARGET", "hematology", core::Priority::kStat, 0, 500),
  };
  rows[1].released_at += std::chrono::milliseconds(1);
  const TurnaroundReport report =
      summarize_turnaround(rows, targets_catalog(), minute(0), minute(600));
  ASSERT_EQ(report.groups.size(), 2u);
  EXPECT_EQ(report.groups[0].outside_target, 2);
  EXPECT_EQ(report.groups[1].outside_target, 0);  // no target: never outside
  ASSERT_EQ(report.outside_target.size(), 2u);
  EXPECT_EQ(report.outside_target[0].accession_number, "LONG");  // longest first
  EXPECT_EQ(report.outside_target[0].minutes, 95);
  EXPECT_EQ(report.outside_target[0].target_minutes, 60);
  EXPECT_EQ(report.outside_target[0].priority, core::Priority::kStat);
  EXPECT_EQ(report.outside_target[1].accession_number, "OVER");
}

class TurnaroundReportTest : public LabTest {
 protected:
  TurnaroundReportTest() : LabTest(catalog_with_targets()) {}
};

TEST_F(TurnaroundReportTest, MeasuresFromReceiptToReleaseForResultsReleasedInThePeriod) {
  const core::Instant start = clock_.now();
  const core::Specimen stat = received_order("MRN-1", {"K"}, core::Priority::kStat)[0];
  enter(stat.accession_number, "K", "4.0");
  clock_.advance(std::chrono::minutes(70));
  release(stat.accession_number, "K");
  const core::Specimen routine = received_order("MRN-2", {"NA"})[0];
  enter(routine.accession_number, "NA", "140");
  release(routine.accession_number, "NA");
  const core::Instant end = clock_.now() + std::chrono::minutes(1);

  const TurnaroundReport report = must(
      read([&](store::Transaction& tx) { return turnaround_report(tx, as("doc"), start, end); }));
  ASSERT_EQ(report.groups.size(), 2u);
  EXPECT_EQ(report.groups[0].priority, core::Priority::kStat);
  EXPECT_EQ(report.groups[0].count, 1);
  // Received, then 5 minutes of the fixture and 70 before release.
  EXPECT_EQ(report.groups[0].median_minutes, 75);
  EXPECT_EQ(report.groups[0].outside_target, 1);
  ASSERT_EQ(report.outside_target.size(), 1u);
  EXPECT_EQ(report.outside_target[0].accession_number, stat.accession_number);
  EXPECT_EQ(report.outside_target[0].test_code, "K");
  EXPECT_EQ(report.groups[1].priority, core::Priority::kRoutine);
  EXPECT_EQ(report.groups[1].median_minutes, 5);
  EXPECT_EQ(report.groups[1].outside_target, 0);

  // A period that ends before the release holds nothing.
  const TurnaroundReport before = must(read([&](store::Transaction& tx) {
    return turnaround_report(tx, as("doc"), start, start + std::chrono::minutes(10));
  }));
  EXPECT_TRUE(before.groups.empty());
}

TEST_F(TurnaroundReportTest, RefusesAPeriodThatDoesNotEndAfterItStarts) {
  const Result<TurnaroundReport> refused = read([&](store::Transaction& tx) {
    return turnaround_report(tx, as("doc"), clock_.now(), clock_.now());
  });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "the period ends at 2026-03-10T08:05:00Z, not after its start 2026-03-10T08:05:00Z");
}

}  // namespace
}  // namespace aliquot::lab
