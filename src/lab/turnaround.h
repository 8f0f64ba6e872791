#pragma once

// Turnaround time in the laboratory: from receipt of a specimen to the release of its results
// (ARCHITECTURE decision 6), per order priority and section, against the section's targets in
// the catalog (catalog::TurnaroundTargets). The summary is a pure function of the released
// results; turnaround_report() reads them from the store.
//
// Statistics of a group of n times, sorted:
// - the median: the middle time, or the mean of the two middle times when n is even;
// - the 90th percentile by nearest rank: the time at rank ceil(0.9 n), i.e. the shortest time
//   within which at least 90 % of the group's results were released, the "90 % completion time"
//   turnaround benchmarks are stated in (Hawkins, Clin Biochem Rev 2007;28:179).
// A result is outside its target when it took strictly longer than the target: one released
// exactly at the target meets it.

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/enums.h"
#include "core/time.h"
#include "lab/context.h"
#include "store/store.h"

namespace aliquot::lab {

struct TurnaroundGroup {
  core::Priority priority = core::Priority::kRoutine;
  std::string section;
  int count = 0;
  double median_minutes = 0;
  double p90_minutes = 0;
  std::optional<int> target_minutes;  // the section's target for the priority; absent: none
  int outside_target = 0;
};

// A result that took longer than its target.
struct TurnaroundOutlier {
  std::string accession_number;
  std::string test_code;
  std::string section;
  core::Priority priority = core::Priority::kRoutine;
  double minutes = 0;
  int target_minutes = 0;
};

struct TurnaroundReport {
  core::Instant from{};  // results released in [from, to)
  core::Instant to{};
  // STAT first, then ASAP, then routine; within a priority by section code.
  std::vector<TurnaroundGroup> groups;
  // Longest first (then by accession number and test).
  std::vector<TurnaroundOutlier> outside_target;
};

// Minutes from receipt to release, with millisecond precision.
double turnaround_minutes(const store::ReleasedResultTiming& released);

// The median and the 90th percentile (nearest rank) of `minutes`, as described above; 0 and 0
// for none.
double median_of(std::vector<double> minutes);
double nearest_rank_p90_of(std::vector<double> minutes);

// Groups `released` by priority and section and judges each result against its section's
// target in `catalog` (a section the catalog no longer has has no target).
TurnaroundReport summarize_turnaround(const std::vector<store::ReleasedResultTiming>& released,
                                      const catalog::Catalog& catalog, core::Instant from,
                                      core::Instant to);

// The report of the results released in [from, to), read in `tx`, with the targets of
// ctx.catalog. InvalidArgument when `to` is not after `from`; PermissionDenied unless the actor
// may view records.
Result<TurnaroundReport> turnaround_report(store::Transaction& tx, const Context& ctx,
                                           core::Instant from, core::Instant to);

}  // namespace aliquot::lab
