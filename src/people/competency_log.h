#pragma once

// The competency events of a lab's people as a CSV file, the way a lab keeps them in a
// spreadsheet until they move into aliquot: a header row naming the columns person,
// test_system, event and date (in any order, any letter case; other columns are ignored), then
// one row per event. Events: `started` (the first day the person tested patient specimens on the
// system; one per person and system), `assessed` (a complete assessment of the six elements) and
// `method-changed` (a new method or instrument on the system; given once per person it affects).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "people/competency.h"

namespace aliquot::people {

struct PersonOnSystem {
  std::string person;
  std::string test_system;
  CompetencyHistory history;
};

struct CompetencyLog {
  // One per person and test system, in the order they first appear; set when there are no
  // problems.
  std::optional<std::vector<PersonOnSystem>> entries;
  std::vector<Error> diagnostics;  // every problem, each at FILE:LINE
};

// Reads `text`; `file` names it in the diagnostics.
CompetencyLog read_competency_log(std::string_view text, const std::string& file);

}  // namespace aliquot::people
