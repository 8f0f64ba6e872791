#pragma once

// How far a person is towards keeping a certification current in its continuing-education cycle:
// the points earned in the cycle, per minimum category and in all, and what is still needed,
// e.g. "12 more points: 2 in microbiology, 10 in any category".

#include <string>
#include <vector>

#include "core/ce_activity.h"
#include "core/time.h"
#include "people/continuing_education.h"

namespace aliquot::people {

struct CeCategoryProgress {
  std::string category;
  std::string name;
  double earned = 0;
  double needed = 0;
};

struct CeProgress {
  core::Date cycle_start{};
  core::Date cycle_end{};  // the cycle's last day
  double earned = 0;       // in the cycle, every category
  double needed = 0;       // the cycle's points
  std::vector<CeCategoryProgress> minimums;
  // Points still to earn: the cycle's shortfall, and at least the shortfalls of the categories
  // together (points in a category count towards both).
  double still_needed = 0;
  // "2 more points in microbiology", ..., "10 more points in any category"; empty when met.
  std::vector<std::string> missing;

  bool met() const { return still_needed <= 0; }
};

// The progress of the activities dated within the cycle that starts on `cycle_start` (the
// certification's issue or last renewal date) and lasts the program's cycle_years.
CeProgress ce_progress(const CeRules& rules, const CeProgram& program,
                       const std::vector<core::CeActivity>& activities, core::Date cycle_start);

}  // namespace aliquot::people
