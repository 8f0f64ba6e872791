#pragma once

// The live part of `aliquot demo --serve`: while the server runs, a clerk keeps ordering tests
// for the demo day's patients and the simulated analyzers (simulate/analyzer.h) measure them and
// report over the server's own ASTM port, so that results arrive the way an instrument's do —
// host query, results, acknowledgement after the commit, autoverification or a hold — and the
// web UI's worklists change while one watches. Some orders are STAT, some carry a critical
// potassium or glucose (a CriticalScenario of the value model), and now and then the chemistry
// analyzer runs its control material, judged by the lab's QC rules.
//
// The chemistry analyzer's QC is set up first (prepare_quality_control): a control material,
// the sample id the analyzer reports it under, a target per analyte, and an accepted run, so
// that the QC gate (lab/quality_control.h) lets results through from the first order.
//
// Not thread-safe: one thread drives a feeder. The store, catalog and clock must outlive it; the
// clock must be safe to read from the analyzers' threads.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/enums.h"
#include "core/error.h"
#include "core/time.h"
#include "ingest/instrument_profile.h"
#include "qc/qc_policy.h"
#include "simulate/analyzer_lane.h"
#include "simulate/day_generator.h"
#include "simulate/value_model.h"
#include "store/store.h"

namespace aliquot::simulate {

// The analyzers the feeder plays: the profiles interfaces/instruments/aliquot-sim-*.toml.
inline constexpr const char* kDemoChemistryAnalyzer = "sim-chem";
inline constexpr const char* kDemoHematologyAnalyzer = "sim-heme";

struct FeederOptions {
  std::string astm_host = "127.0.0.1";
  std::uint16_t astm_port = 0;
  std::chrono::milliseconds every{3000};  // one new order this often
  // The chemistry control after every N orders (about a run a minute at the default interval);
  // 0 never. With one control level, 10-x rejects about one run in 500 of an analyte in control
  // by chance alone: a run every few seconds would keep some analyte held.
  int qc_every = 20;
  int critical_every = 4;              // one order in N (the first included) has a critical value
  std::uint64_t seed = 1;              // the orders and the analyzers' values
  std::string clerk = "clerk.mendes";  // places, accessions and receives the orders
  std::string technologist = "mls.patel";         // sets up the QC
  std::chrono::milliseconds give_up_after{5000};  // an analyzer that cannot reach the host
};

// One order placed, accessioned and received, and what the analyzers are to measure on it.
struct PlacedOrder {
  std::string order_number;
  std::string mrn;
  std::vector<std::string> test_codes;  // as ordered (panels and tests)
  core::Priority priority = core::Priority::kRoutine;
  std::string critical;  // the critical scenario's label ("hyperkalemia"); "" when none
  std::vector<std::string> accession_numbers;
  std::vector<RackSpecimen> chemistry_rack;  // the specimens with tests the analyzer performs
  std::vector<RackSpecimen> hematology_rack;
};

// What the analyzers reported on one order.
struct FedOrder {
  PlacedOrder order;
  std::uint64_t results_delivered = 0;  // values the host acknowledged
  std::uint64_t results_failed = 0;     // values given up
  std::uint64_t qc_messages_delivered = 0;
  // When a control ran: the verdicts of its runs, "QC sim-chem: 20 accepted" or with the
  // analytes warned or rejected named ("QC sim-chem: 19 accepted, K rejected").
  std::string qc_verdict;
};

// "STAT order 000042 for MRN 1234567 (BMP), hyperkalemia: 11 results reported over ASTM" and,
// when a control ran, the verdict on its own line.
std::string describe(const FedOrder& fed);

class DemoFeeder {
 public:
  // `day` are the options of the simulated day in the store: its patients are the feeder's.
  // InvalidArgument when `profiles` lack the chemistry or hematology analyzer (naming them and
  // where they are looked for), or the day cannot be generated.
  static Result<std::unique_ptr<DemoFeeder>> create(store::Store& store,
                                                    const catalog::Catalog& catalog,
                                                    const core::Clock& clock, const DayOptions& day,
                                                    const ingest::InstrumentProfiles& profiles,
                                                    FeederOptions options);

  // A control material for the chemistry analyzer with its sample id, targets for the analytes
  // the analyzer reports as numbers (the mean of the material's simulated values and a wider SD,
  // as a package insert gives), and a first run, recorded by the technologist in one
  // transaction. The analytes with a target, for the console: "20 analytes".
  Result<std::string> prepare_quality_control();

  // The next order, for a patient of the day drawn at random, placed, accessioned and received
  // by the clerk in one transaction.
  Result<PlacedOrder> place_next_order();

  // The analyzers measure `order`'s specimens and report to the host (blocking until the host
  // acknowledged or they gave up); the chemistry control runs when it is due.
  Result<FedOrder> analyze(PlacedOrder order);

  // place_next_order then analyze.
  Result<FedOrder> feed_once();

  // Feeds one order at once and then one every `every` until `stop` is requested; each round's
  // description, or its error (the feeding goes on), is handed to `report`.
  void run(std::stop_token stop, const std::function<void(const std::string&)>& report);

  const FeederOptions& options() const { return options_; }

 private:
  DemoFeeder(store::Store& store, const catalog::Catalog& catalog, const core::Clock& clock,
             DayGenerator generator, ingest::InstrumentProfile chemistry,
             ingest::InstrumentProfile hematology, std::optional<qc::QcPolicy> qc_policy,
             FeederOptions options);

  Result<std::uint64_t> run_analyzer_on(const ingest::InstrumentProfile& profile,
                                        std::vector<RackSpecimen> rack, bool with_control,
                                        FedOrder& fed);
  Result<std::string> qc_verdict();

  store::Store& store_;
  const catalog::Catalog& catalog_;
  const core::Clock& clock_;
  DayGenerator generator_;
  ingest::InstrumentProfile chemistry_;  // only the codes whose control is a number
  ingest::InstrumentProfile hematology_;
  std::optional<qc::QcPolicy> qc_policy_;  // the lab's own; the default when none
  FeederOptions options_;
  ValueModel model_;
  std::vector<std::string> qc_tests_;  // catalog codes with a target
  std::uint64_t controls_measured_ = 0;
  std::uint64_t orders_placed_ = 0;
};

}  // namespace aliquot::simulate
