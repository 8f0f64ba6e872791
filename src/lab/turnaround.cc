#include "lab/turnaround.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>
#include <utility>

#include "lab/use_case_support.h"

namespace aliquot::lab {
namespace {

// STAT first: the order a turnaround report is read in.
int priority_rank(core::Priority priority) {
  switch (priority) {
    case core::Priority::kStat: return 0;
    case core::Priority::kAsap: return 1;
    case core::Priority::kRoutine: return 2;
  }
  return 3;
}

}  // namespace

double turnaround_minutes(const store::ReleasedResultTiming& released) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(released.released_at -
                                                                            released.received_at);
  return static_cast<double>(millis.count()) / 60'000.0;
}

double median_of(std::vector<double> minutes) {
  if (minutes.empty()) return 0;
  std::sort(minutes.begin(), minutes.end());
  const std::size_t middle = minutes.size() / 2;
  if (minutes.size() % 2 == 1) return minutes[middle];
  return (minutes[middle - 1] + minutes[middle]) / 2;
}

double nearest_rank_p90_of(std::vector<double> minutes) {
  if (minutes.empty()) return 0;
  std::sort(minutes.begin(), minutes.end());
  // Rank ceil(0.9 n), 1-based, computed in integers: ceil(9n / 10).
  const std::size_t rank = (9 * minutes.size() + 9) / 10;
  return minutes[rank - 1];
}

TurnaroundReport summarize_turnaround(const std::vector<store::ReleasedResultTiming>& released,
                                      const catalog::Catalog& catalog, core::Instant from,
                                      core::Instant to) {
  TurnaroundReport report;
  report.from = from;
  report.to = to;
  struct Times {
    std::vector<double> minutes;
    std::optional<int> target;
    int outside = 0;
  };
  std::map<std::pair<int, std::string>, Times> groups;  // (priority rank, section)
  for (const store::ReleasedResultTiming& row : released) {
    Times& group = groups[{priority_rank(row.priority), row.section}];
    const catalog::Section* section = catalog.find_section(row.section);
    group.target =
        section != nullptr ? section->turnaround.minutes_for(row.priority) : std::optional<int>();
    const double minutes = turnaround_minutes(row);
    group.minutes.push_back(minutes);
    if (group.target && minutes > *group.target) {
      ++group.outside;
      report.outside_target.push_back(TurnaroundOutlier{.accession_number = row.accession_number,
                                                        .test_code = row.test_code,
                                                        .section = row.section,
                                                        .priority = row.priority,
                                                        .minutes = minutes,
                                                        .target_minutes = *group.target});
    }
  }
  for (const auto& [key, times] : groups) {
    const core::Priority priority =
        key.first == 0 ? core::Priority::kStat
                       : (key.first == 1 ? core::Priority::kAsap : core::Priority::kRoutine);
    report.groups.push_back(TurnaroundGroup{.priority = priority,
                                            .section = key.second,
                                            .count = static_cast<int>(times.minutes.size()),
                                            .median_minutes = median_of(times.minutes),
                                            .p90_minutes = nearest_rank_p90_of(times.minutes),
                                            .target_minutes = times.target,
                                            .outside_target = times.outside});
  }
  std::sort(report.outside_target.begin(), report.outside_target.end(),
            [](const TurnaroundOutlier& a, const TurnaroundOutlier& b) {
              if (a.minutes != b.minutes) return a.minutes > b.minutes;
              return std::tie(a.accession_number, a.test_code) <
                     std::tie(b.accession_number, b.test_code);
            });
  return report;
}

Result<TurnaroundReport> turnaround_report(store::Transaction& tx, const Context& ctx,
                                           core::Instant from, core::Instant to) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kViewRecords));
  if (to <= from) {
    return invalid_argument("the period ends at " + core::format_instant(to) +
                            ", not after its start " + core::format_instant(from));
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<store::ReleasedResultTiming> released,
                           tx.results_released_between(from, to));
  return summarize_turnaround(released, ctx.catalog, from, to);
}

}  // namespace aliquot::lab
