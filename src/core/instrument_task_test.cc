#include "core/instrument_task.h"

#include <gtest/gtest.h>

namespace aliquot::core {
namespace {

TEST(InstrumentTaskKind, HasTheDocumentedCodesAndReadsThemBack) {
  EXPECT_EQ(to_code(InstrumentTaskKind::kCalibration), "calibration");
  EXPECT_EQ(to_code(InstrumentTaskKind::kMaintenance), "maintenance");
  for (InstrumentTaskKind kind :
       {InstrumentTaskKind::kCalibration, InstrumentTaskKind::kMaintenance}) {
    EXPECT_EQ(instrument_task_kind_from_code(to_code(kind)), kind) << to_code(kind);
  }
  EXPECT_EQ(instrument_task_kind_from_code("cleaning"), std::nullopt);
}

TEST(TaskFrequency, HasTheDocumentedCodesAndReadsThemBack) {
  EXPECT_EQ(to_code(TaskFrequency::kDaily), "daily");
  EXPECT_EQ(to_code(TaskFrequency::kWeekly), "weekly");
  EXPECT_EQ(to_code(TaskFrequency::kMonthly), "monthly");
  EXPECT_EQ(to_code(TaskFrequency::kEveryNRuns), "runs");
  for (TaskFrequency frequency : {TaskFrequency::kDaily, TaskFrequency::kWeekly,
                                  TaskFrequency::kMonthly, TaskFrequency::kEveryNRuns}) {
    EXPECT_EQ(task_frequency_from_code(to_code(frequency)), frequency) << to_code(frequency);
  }
  EXPECT_EQ(task_frequency_from_code("every-n-runs"), std::nullopt);
  EXPECT_EQ(task_frequency_from_code(""), std::nullopt);
}

}  // namespace
}  // namespace aliquot::core
