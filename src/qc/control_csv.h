#pragma once

// Control values in a CSV file, the way a lab exports them from a spreadsheet or another QC
// program: a header row naming the columns run, level, value, mean and sd (in any order, any
// letter case; other columns are ignored), then one row per level per run, the runs in time order
// and the rows of one run together.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "qc/westgard.h"

namespace aliquot::qc {

struct ControlCsv {
  std::optional<std::vector<ControlRun>> runs;  // set when the file has no problems
  std::vector<Error> diagnostics;               // every problem, each at FILE:LINE
};

// Reads `text`; `file` names it in the diagnostics. Every run read passes check_run.
ControlCsv read_control_csv(std::string_view text, const std::string& file);

}  // namespace aliquot::qc
