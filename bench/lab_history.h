#pragma once

// A large lab's database for the load benchmarks (api_load_bench): patients with cumulative
// history, orders, specimens and results in every section, most of them released, and today's
// work still open on the benches.
//
// How it is built, and why that way. A million results through the use cases (each audited,
// hash-chained, flagged, judged by the rules) takes several minutes on a small machine, so the
// released history is written through the store's own API (store/store.h) in large
// transactions, the way the use cases would have left it: values from the simulator's value
// model (simulate/value_model.h, consistent per patient so trends are real), flags and reference
// ranges from rules/flagging.h, released by "autoverification" or by the technician on shift,
// critical values with their documented call. It has no audit entries of its own: none of the
// reads measured looks at the audit trail. Patients are registered, and today's work is placed,
// accessioned, received and posted through the lab's use cases (lab/use_cases.h) with the
// default autoverification rules, so the open worklist rows and the reasons they are held are
// exactly what the lab would show.
//
// The shape: patients of six kinds (wellness visits, diabetes, hypertension, thyroid, warfarin
// clinic, hospital episodes with an emergency visit and daily inpatient labs), each with the
// orders of their kind over `history_days` before today; patients are added until the history
// holds `results` less today's results. Today: `today_orders` orders between midnight and
// 13:00, of which some specimens are still in transport, some received and waiting for
// analysis (pending) and the rest analyzed (autoverified or held, preliminary).
//
// Deterministic: the same options give the same database.

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/time.h"

namespace aliquot::bench {

struct LabHistoryOptions {
  std::int64_t results = 1'000'000;  // in the database: history and today's work
  int history_days = 180;
  int today_orders = 700;
  core::Date today = std::chrono::year{2026} / std::chrono::November / 18;
  std::uint64_t seed = 20261118;
};

// The user the load benchmark signs in as (a technologist), added by build_lab_history.
inline constexpr const char* kLoadUser = "load.bench";

// What the load benchmark needs to know of a database built by build_lab_history.
struct LabHistory {
  std::int64_t patients = 0;
  std::int64_t orders = 0;
  std::int64_t specimens = 0;
  std::int64_t results = 0;
  std::int64_t released = 0;  // final or corrected
  // The worklist rows each section shows (lab::section_worklist), most first.
  std::vector<std::pair<std::string, std::int64_t>> open_by_section;
  // The patients with the longest history: MRN and number of results, most first.
  std::vector<std::pair<std::string, std::int64_t>> long_histories;
  // Accession numbers spread over the whole database, today's included.
  std::vector<std::string> accessions;
  double build_seconds = 0;
};

// Builds the database at `path` (which must not exist yet) and says what it holds. Writes a
// line of progress to `progress` every few seconds.
Result<LabHistory> build_lab_history(const std::string& path, const LabHistoryOptions& options,
                                     std::ostream& progress);

// The LabHistory as a text file beside the database, so that a cached database is described
// without reading it again. load_lab_history: NotFound when there is no file, DataLoss when it
// is not one save_lab_history wrote.
Result<void> save_lab_history(const LabHistory& history, const std::string& path);
Result<LabHistory> load_lab_history(const std::string& path);

}  // namespace aliquot::bench
