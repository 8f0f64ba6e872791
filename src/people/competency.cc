#include "people/competency.h"

#include <algorithm>
#include <chrono>

namespace aliquot::people {
namespace {

using core::add_months;

// CLIA's "semiannually during the first year": at about 6 months, then at 12.
constexpr int kFirstYearInterval = 6;
constexpr int kAnnualInterval = 12;

std::chrono::sys_days days(core::Date date) { return std::chrono::sys_days(date); }

}  // namespace

std::string_view to_code(CompetencyState state) {
  switch (state) {
    case CompetencyState::kCurrent: return "current";
    case CompetencyState::kDueSoon: return "due-soon";
    case CompetencyState::kOverdue: return "overdue";
    case CompetencyState::kNeededForNewMethod: return "needed-for-new-method";
  }
  return "current";
}

CompetencyStatus competency_status(const CompetencyHistory& history, core::Date on,
                                   int warning_days) {
  std::vector<core::Date> counted;
  for (const core::Date& assessed : history.assessments) {
    if (days(assessed) >= days(history.started_testing) && days(assessed) <= days(on)) {
      counted.push_back(assessed);
    }
  }
  std::sort(counted.begin(), counted.end());

  CompetencyStatus status;
  if (!counted.empty()) status.last_assessed = counted.back();

  std::optional<core::Date> latest_change;
  for (const core::Date& changed : history.method_changes) {
    if (days(changed) <= days(on) && (!latest_change || days(changed) > days(*latest_change))) {
      latest_change = changed;
    }
  }
  if (latest_change &&
      (!status.last_assessed || days(*status.last_assessed) < days(*latest_change))) {
    status.state = CompetencyState::kNeededForNewMethod;
    status.due = *latest_change;
    status.requirement =
        "assessment before reporting with the method or instrument introduced on " +
        core::format_date(*latest_change);
    return status;
  }

  if (counted.empty()) {
    status.due = add_months(history.started_testing, kFirstYearInterval);
    status.requirement = "6-month assessment of the first year";
  } else if (counted.size() == 1) {
    status.due = add_months(history.started_testing, 2 * kFirstYearInterval);
    status.requirement = "12-month assessment of the first year";
  } else {
    status.due = add_months(counted.back(), kAnnualInterval);
    status.requirement = "annual assessment";
  }
  if (days(on) > days(status.due)) {
    status.state = CompetencyState::kOverdue;
  } else if (days(on) >= days(status.due) - std::chrono::days(warning_days)) {
    status.state = CompetencyState::kDueSoon;
  } else {
    status.state = CompetencyState::kCurrent;
  }
  return status;
}

}  // namespace aliquot::people
