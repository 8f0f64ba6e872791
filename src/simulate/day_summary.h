#pragma once

// What a simulated (or real) day of the lab looks like, computed from the store's records after
// the fact — never from the simulator's own bookkeeping — so that it measures what the lab
// recorded: specimens received and rejected, results released, criticals and their calls, and
// turnaround times.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "core/error.h"
#include "store/store.h"

namespace aliquot::simulate {

// Turnaround times in minutes of the released results of one group. Percentiles are
// nearest-rank (the smallest value with at least p% of the values at or below it), so every
// figure is a turnaround that some result actually had.
struct Turnaround {
  int results = 0;
  double receipt_to_release_median = 0;
  double receipt_to_release_p90 = 0;
  double collection_to_release_median = 0;
  double collection_to_release_p90 = 0;

  friend bool operator==(const Turnaround&, const Turnaround&) = default;
};

struct DaySummary {
  int patients = 0;
  int orders = 0;
  std::map<std::string, int> orders_by_priority{};  // "routine", "asap", "stat"

  int specimens = 0;  // every accessioned specimen, recollections included
  int specimens_received = 0;
  int specimens_rejected = 0;
  std::map<std::string, int> rejected_by_reason{};  // core::to_code(RejectionReason) -> count
  int recollections = 0;  // specimens accessioned for an order after one of its was rejected

  int results_ordered = 0;    // every result row, cancelled ones included
  int results_released = 0;   // final or corrected
  int results_abnormal = 0;   // released with any flag (L, H, LL, HH, A)
  int results_critical = 0;   // released with LL or HH
  int results_cancelled = 0;  // cancelled, e.g. with a rejected specimen
  int results_pending = 0;    // not yet released nor cancelled when the day ended
  int criticals_called = 0;   // critical results with a documented call with read-back
  int patients_with_critical = 0;
  // Minutes from result entry to the first documented call, over the called criticals.
  double critical_call_median_minutes = 0;
  double critical_call_max_minutes = 0;

  std::map<std::string, Turnaround> turnaround_by_priority{};  // by order priority code
  std::map<std::string, Turnaround> turnaround_by_section{};   // by catalog section code

  std::int64_t audit_entries = 0;
  bool audit_intact = false;

  // A patient whose report is worth looking at (one with a called critical when there is one).
  std::string example_mrn{};
  std::string example_accession{};           // that patient's specimen with the critical
  std::string example_rejected_accession{};  // a rejected specimen, when there is one

  friend bool operator==(const DaySummary&, const DaySummary&) = default;
};

// Reads every patient, order, specimen, result and critical call the store holds (found through
// the audit trail, which records each of them) and verifies the audit chain. Errors only when the
// store cannot be read.
Result<DaySummary> summarize_day(store::Store& store);

nlohmann::json to_json(const DaySummary& summary);

// A human summary, a few dozen lines.
void print_summary(const DaySummary& summary, std::ostream& out);

}  // namespace aliquot::simulate
