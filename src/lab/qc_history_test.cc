#include "lab/qc_history.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "lab/lab_test_fixture.h"
#include "lab/lab_time_zone.h"
#include "lab/outbound.h"
#include "lab/quality_control.h"

namespace aliquot::lab {
namespace {

class QcHistoryTest : public LabTest {
 protected:
  QcHistoryTest() {
    must(write([&](store::Transaction& tx) {
      return set_outbound_setting(tx, as("admin"), {std::string(kLabTimeZone), "UTC"});
    }));
    for (const char* lot : {"L1", "L2"}) {
      must(write([&](store::Transaction& tx) {
        return add_qc_material(tx, as("mls"),
                               {"Lyphochek", "Bio-Rad", lot, "1", date("2027-12-31")});
      }));
      SetQcTarget target;
      target.material = {lot, "1", ""};
      target.instrument = "c311";
      target.test_code = "GLU";
      target.mean = 100;
      target.sd = 2;
      must(write([&](store::Transaction& tx) { return set_qc_target(tx, as("mls"), target); }));
    }
  }

  RecordedQcRun run(const std::string& lot, const std::string& value) {
    clock_.advance(std::chrono::hours(1));
    RecordQcRun command;
    command.instrument = "c311";
    command.test_code = "GLU";
    command.values = {{{lot, "1", ""}, value, "level 1"}};
    return must(
        write([&](store::Transaction& tx) { return record_qc_run(tx, as("tech"), command); }));
  }

  QcHistory history(QcHistoryQuery query = {}) {
    query.instrument = "c311";
    query.test_code = "GLU";
    return must(read([&](store::Transaction& tx) { return read_qc_history(tx, query); }));
  }
};

TEST(ParseQcMonth, ReadsYearAndMonthAndRefusesAnythingElse) {
  const std::chrono::year_month month = must(parse_qc_month("2026-03"));
  EXPECT_EQ(month, std::chrono::year{2026} / std::chrono::March);
  for (const char* bad : {"2026-13", "2026-3", "2026/03", "march"}) {
    const Result<std::chrono::year_month> refused = parse_qc_month(bad);
    ASSERT_FALSE(refused.has_value()) << bad;
    EXPECT_EQ(refused.error().message(), "'" + std::string(bad) + "' is not a month YYYY-MM");
  }
}

TEST_F(QcHistoryTest, ReadsTheRunsOfAMonthWithTheirStoredVerdicts) {
  run("L1", "100");
  const RecordedQcRun rejected = run("L1", "107");  // 3.5 SD: 1-3s
  QcHistoryQuery query;
  query.month = std::chrono::year{2026} / std::chrono::March;
  const QcHistory march = history(query);
  ASSERT_EQ(march.stored.size(), 2u);
  EXPECT_EQ(march.from, at("2026-03-01T00:00:00Z"));
  EXPECT_EQ(march.to, at("2026-04-01T00:00:00Z"));
  EXPECT_EQ(march.runs[1].id, std::to_string(rejected.run.id));
  EXPECT_EQ(march.evaluations[1].status, qc::RunStatus::kReject);
  ASSERT_FALSE(march.evaluations[1].violations.empty());
  EXPECT_EQ(march.lots[1], std::vector<std::string>{"L1"});
  query.month = std::chrono::year{2026} / std::chrono::April;
  EXPECT_TRUE(history(query).stored.empty());
}

TEST_F(QcHistoryTest, ChartKeysTakeTheLatestLotOfALevelOrEveryLevelAndLot) {
  run("L1", "100");
  run("L2", "101");
  const QcHistory all = history();
  EXPECT_EQ(must(qc_chart_keys(all, "1", "")), (std::vector<QcChartKey>{{"1", "L2"}}));
  EXPECT_EQ(must(qc_chart_keys(all, "", "")), (std::vector<QcChartKey>{{"1", "L1"}, {"1", "L2"}}));
  const Result<std::vector<QcChartKey>> none = qc_chart_keys(all, "3", "");
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(none.error().message(), "no QC values of level 3 of c311/GLU");
}

TEST_F(QcHistoryTest, ChartSeriesGivesEachValueItsZMarksAndCorrectiveAction) {
  run("L1", "101");
  const RecordedQcRun rejected = run("L1", "107");
  must(write([&](store::Transaction& tx) {
    return document_corrective_action(tx, as("mls"), {rejected.run.id, "recalibrated"});
  }));
  run("L2", "99");  // another lot: not in the series
  const QcChartSeries series = qc_chart_series(history(), {"1", "L1"});
  ASSERT_EQ(series.points.size(), 2u);
  EXPECT_DOUBLE_EQ(series.points[0].z, 0.5);
  EXPECT_TRUE(series.points[0].marks.empty());
  EXPECT_EQ(series.points[1].run_id, rejected.run.id);
  EXPECT_DOUBLE_EQ(series.points[1].z, 3.5);
  EXPECT_EQ(series.points[1].status, core::QcRunStatus::kReject);
  ASSERT_FALSE(series.points[1].marks.empty());
  EXPECT_EQ(series.points[1].marks[0].rule, "1-3s");
  EXPECT_EQ(series.points[1].marks[0].action, qc::RuleAction::kReject);
  EXPECT_EQ(series.points[1].corrective_action, "recalibrated");
  EXPECT_EQ(first_other_target(series), nullptr);
}

TEST_F(QcHistoryTest, FindsTheFirstValueJudgedAgainstAnotherTarget) {
  run("L1", "100");
  SetQcTarget target;
  target.material = {"L1", "1", ""};
  target.instrument = "c311";
  target.test_code = "GLU";
  target.mean = 102;
  target.sd = 2;
  must(write([&](store::Transaction& tx) { return set_qc_target(tx, as("mls"), target); }));
  const RecordedQcRun later = run("L1", "102");
  const QcChartSeries series = qc_chart_series(history(), {"1", "L1"});
  const QcChartPoint* other = first_other_target(series);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->run_id, later.run.id);
  EXPECT_EQ(other->target_mean, 102);
}

}  // namespace
}  // namespace aliquot::lab
