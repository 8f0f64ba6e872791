#include "people/ce_progress.h"

#include <algorithm>
#include <chrono>

#include "core/text.h"

namespace aliquot::people {
namespace {

std::string points_text(double points) {
  return core::number_text(points) + (points == 1 ? " more point" : " more points");
}

}  // namespace

CeProgress ce_progress(const CeRules& rules, const CeProgram& program,
                       const std::vector<core::CeActivity>& activities, core::Date cycle_start) {
  CeProgress progress;
  progress.cycle_start = cycle_start;
  // The next cycle starts on the same day years later (28 February for a cycle that started on
  // 29 February); this one ends the day before.
  progress.cycle_end =
      core::Date(std::chrono::sys_days(core::add_months(cycle_start, 12 * program.cycle_years)) -
                 std::chrono::days(1));
  progress.needed = program.points;
  for (const CeMinimum& minimum : program.minimums) {
    const CeCategory* category = rules.find_category(minimum.category);
    progress.minimums.push_back({minimum.category,
                                 category != nullptr ? category->name : minimum.category, 0,
                                 minimum.points});
  }
  const auto in_cycle = [&](core::Date date) {
    return std::chrono::sys_days(date) >= std::chrono::sys_days(progress.cycle_start) &&
           std::chrono::sys_days(date) <= std::chrono::sys_days(progress.cycle_end);
  };
  for (const core::CeActivity& activity : activities) {
    if (!in_cycle(activity.date)) continue;
    progress.earned += activity.points;
    for (CeCategoryProgress& minimum : progress.minimums) {
      if (minimum.category == activity.category) minimum.earned += activity.points;
    }
  }

  double category_shortfall = 0;
  for (const CeCategoryProgress& minimum : progress.minimums) {
    const double short_by = std::max(0.0, minimum.needed - minimum.earned);
    if (short_by > 0) progress.missing.push_back(points_text(short_by) + " in " + minimum.name);
    category_shortfall += short_by;
  }
  progress.still_needed =
      std::max(category_shortfall, std::max(0.0, progress.needed - progress.earned));
  if (progress.still_needed > category_shortfall) {
    progress.missing.push_back(points_text(progress.still_needed - category_shortfall) +
                               " in any category");
  }
  return progress;
}

}  // namespace aliquot::people
