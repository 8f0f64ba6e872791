#pragma once

// When a person's competency on a test system is next due, and whether they may report results
// on it today. CLIA (42 CFR 493.1451(b)(8) and 493.1235) asks for an assessment of the six
// elements twice in the first year a person tests patient specimens (about 6 and 12 months in),
// annually after that, and again before they report results with a new method or instrument
// (../shared/reference/personnel.md). Pure: the history comes in, the status goes out with the
// requirement it is measured against.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace aliquot::people {

// One person on one test system (an analyzer, a method, a manual procedure).
struct CompetencyHistory {
  // The first day the person tested patient specimens on the system. Assessments before it were
  // part of training and do not count towards the schedule.
  core::Date started_testing{};
  // Dates of complete assessments (all six elements), in any order.
  std::vector<core::Date> assessments;
  // Dates the system's method changed or a new instrument was brought in, in any order.
  std::vector<core::Date> method_changes;
};

enum class CompetencyState {
  kCurrent,             // assessed as required; the next one is not yet near
  kDueSoon,             // the next one falls due within the warning window (or today)
  kOverdue,             // its due date has passed: the person may not report on the system
  kNeededForNewMethod,  // not assessed since the method or instrument changed
};

struct CompetencyStatus {
  CompetencyState state = CompetencyState::kCurrent;
  // The last day on which the requirement below is met in time.
  core::Date due{};
  // What is due: "6-month assessment of the first year", "12-month assessment of the first
  // year", "annual assessment", "assessment before reporting with the method or instrument
  // introduced on 2026-05-01".
  std::string requirement;
  std::optional<core::Date> last_assessed;  // counted assessments only

  // Whether results may be reported on the system: current or due soon.
  bool may_report() const {
    return state == CompetencyState::kCurrent || state == CompetencyState::kDueSoon;
  }
};

// The status on day `on`, warning `warning_days` before the due date. Assessments and method
// changes after `on` are not yet known on that day and are left out, so that the status of any
// past day can be asked again. Due on a day means in time through that day: overdue from the
// next.
CompetencyStatus competency_status(const CompetencyHistory& history, core::Date on,
                                   int warning_days);

// "current", "due-soon", "overdue", "needed-for-new-method".
std::string_view to_code(CompetencyState state);

}  // namespace aliquot::people
