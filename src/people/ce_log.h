#pragma once

// Continuing-education activities as a CSV file, the way a lab or a person keeps them in a
// spreadsheet: a header row naming the columns person, date, category and points (in any order,
// any letter case), optionally provider and title; other columns are ignored. Each category must
// be one of the rules' categories (people/continuing_education.h).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "people/ce_progress.h"
#include "people/continuing_education.h"

namespace aliquot::people {

struct CeLog {
  std::optional<std::vector<core::CeActivity>> activities;  // in file order; set when no problems
  std::vector<Error> diagnostics;                           // every problem, each at FILE:LINE
};

CeLog read_ce_log(std::string_view text, const std::string& file, const CeRules& rules);

}  // namespace aliquot::people
