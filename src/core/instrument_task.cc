#include "core/instrument_task.h"

namespace aliquot::core {

std::string_view to_code(InstrumentTaskKind kind) {
  switch (kind) {
    case InstrumentTaskKind::kCalibration: return "calibration";
    case InstrumentTaskKind::kMaintenance: return "maintenance";
  }
  return "?";
}

std::optional<InstrumentTaskKind> instrument_task_kind_from_code(std::string_view code) {
  for (InstrumentTaskKind kind :
       {InstrumentTaskKind::kCalibration, InstrumentTaskKind::kMaintenance}) {
    if (to_code(kind) == code) return kind;
  }
  return std::nullopt;
}

std::string_view to_code(TaskFrequency frequency) {
  switch (frequency) {
    case TaskFrequency::kDaily: return "daily";
    case TaskFrequency::kWeekly: return "weekly";
    case TaskFrequency::kMonthly: return "monthly";
    case TaskFrequency::kEveryNRuns: return "runs";
  }
  return "?";
}

std::optional<TaskFrequency> task_frequency_from_code(std::string_view code) {
  for (TaskFrequency frequency : {TaskFrequency::kDaily, TaskFrequency::kWeekly,
                                  TaskFrequency::kMonthly, TaskFrequency::kEveryNRuns}) {
    if (to_code(frequency) == code) return frequency;
  }
  return std::nullopt;
}

}  // namespace aliquot::core
