#pragma once

// The simulated day's content, with no lab attached: who comes, when, what is ordered, how long
// specimens travel, which are rejected, how long the bench takes, which values come out, and
// when criticals are phoned. Pure and deterministic: the same catalog, date, patient count and
// seed give the same day on every run and platform. DayDriver (day_driver.h) plays it through
// the lab's use cases; a server can use the same generator as a simulated analyzer.
//
// Every decision is drawn from a stream keyed by what it is about (visit, order, container,
// attempt, section, test), so decisions do not depend on the order in which they are asked for.
// Immutable after create(); thread-safe for concurrent reads. The catalog must outlive it.
//
// The day runs on the lab's local time, taken as UTC: 00:00 is the start of `date`.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/enums.h"
#include "core/error.h"
#include "core/time.h"
#include "lab/use_cases.h"
#include "simulate/population.h"
#include "simulate/value_model.h"

namespace aliquot::simulate {

using Minutes = std::chrono::duration<double, std::ratio<60>>;

struct DayOptions {
  // A Wednesday: a full outpatient day.
  core::Date date = std::chrono::year{2026} / std::chrono::November / 18;
  int patients = 240;
  std::uint64_t seed = 20261121;
};

struct PlannedOrder {
  int index = 0;                          // within the visit
  std::vector<std::string> test_codes{};  // catalog tests and panels
  core::Priority priority = core::Priority::kRoutine;
  std::string ordering_provider{};
  std::string clinical_info{};
  core::Instant ordered_at{};
  core::Instant collected_at{};
  std::string collected_by{};
};

// One patient's encounter with the lab during the day.
struct Visit {
  int index = 0;  // 0-based, in order of generation
  CareSetting setting = CareSetting::kOutpatient;
  std::string location{};
  lab::RegisterPatient patient{};
  PatientProfile profile{};
  std::vector<PlannedOrder> orders{};  // by time ordered
};

// What happens to one specimen between collection and the bench.
struct SpecimenPlan {
  Minutes transport{};  // collection to receipt
  std::optional<core::RejectionReason> rejection{};
  std::string rejection_comment{};
  // Found at receipt (quantity, fill ratio, leaks: the clerk) or on the bench (hemolysis index,
  // clots: the technician), but always before a result of the specimen is entered.
  Minutes rejection_after_receipt{};
  bool rejected_at_bench = false;
  // After the rejection; empty when nobody recollects today (the outpatient has gone home: the
  // clinic recalls the patient).
  std::optional<Minutes> recollect_after{};
  std::string recollected_by{};
};

// The phone call for a critical result.
struct CallPlan {
  Minutes after_entry{};  // from the result's entry to the call (policy: within 30 minutes)
  Minutes release_after_call{};
  std::string called_to{};
};

class DayGenerator {
 public:
  // InvalidArgument naming every order code the catalog does not know (the order mixes name
  // panels such as "CBC" and "BMP"), or a patient count below 1.
  static Result<DayGenerator> create(const catalog::Catalog& catalog, const DayOptions& options);

  const DayOptions& options() const { return options_; }
  const catalog::Catalog& catalog() const { return *catalog_; }
  core::Instant day_start() const;
  core::Instant day_end() const;  // 24 hours later; work still open then stays open

  // Every visit of the day, in order of generation (not of time).
  const std::vector<Visit>& visits() const { return visits_; }

  // `attempt` is 0 for the first collection and counts recollections.
  SpecimenPlan plan_specimen(const Visit& visit, const PlannedOrder& order,
                             std::string_view specimen_type, std::string_view container,
                             int attempt) const;
  // From receipt to results entered for the tests of one section on one specimen. Routine work
  // received in the morning peak waits longer.
  Minutes analysis_time(const Visit& visit, const PlannedOrder& order, std::string_view section,
                        std::string_view container, int attempt, core::Instant received_at) const;
  // From entry to release of results that need no call (technical review).
  Minutes review_time(const Visit& visit, const PlannedOrder& order, std::string_view section,
                      std::string_view container, int attempt) const;
  CallPlan plan_call(const Visit& visit, const PlannedOrder& order,
                     std::string_view test_code) const;
  // The value to enter; differs between specimens (order and attempt) by sample variation only.
  Result<std::string> result_value(const Visit& visit, const PlannedOrder& order, int attempt,
                                   const core::TestDefinition& test) const;

 private:
  DayGenerator(const catalog::Catalog& catalog, const DayOptions& options)
      : catalog_(&catalog), options_(options), values_(catalog, options.seed) {}
  Result<void> generate();

  const catalog::Catalog* catalog_;
  DayOptions options_;
  ValueModel values_;
  std::vector<Visit> visits_{};
};

}  // namespace aliquot::simulate
