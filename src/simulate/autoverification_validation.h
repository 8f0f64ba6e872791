#pragma once

// Validation of a set of autoverification rules before use (CLSI AUTO10 (2006) / AUTO15 (2019):
// a lab validates its rules as a whole, per discipline, before they release anything). A
// simulated day of the lab (day_generator.h) is judged by the same engine, with the same inputs
// the lab gives it (lab/verification.cc: the patient's previous result of each delta-checked
// test, instrument flags, serum indices, QC state), but in memory and without a database:
//
//   1. The clean day: every specimen of the day, each patient with a previous specimen collected
//      1-3 days before, low serum indices, no instrument flags, QC acceptable, measured well
//      within stability. How many results release themselves, per section, and why the others
//      were held.
//   2. Known errors injected, each class into its own seeded sample of the clean specimens and
//      judged apart from the clean day and from the other classes: sample swap, hemolysis, IV
//      fluid contamination, instrument flags, failed QC, absurd values, dilution errors, specimens
//      measured past their stability. For each class, which results the error changed (the
//      "affected" results, defined per class in ErrorClass) and how many of them autoverified
//      anyway. Every affected result that autoverified counts as a miss; none is excused.
//
// Pure and deterministic: the same catalog, rules and options give the same report.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/error.h"
#include "core/time.h"
#include "rules/rule_set.h"

namespace aliquot::simulate {

// The errors injected. Each says which results it affects: the results judged as wrong.
enum class ErrorClass : std::uint8_t {
  // The tube of another patient with the same tests is labelled with this patient's identity:
  // the values are the other patient's, the history this patient's. Affected: every result whose
  // reported value differs from this patient's own value.
  kSampleSwap,
  // In-vitro hemolysis (free hemoglobin 50-500 mg/dL, visible from about 50: Koseoglu et al.,
  // Biochem Med 2011;21:79): potassium, AST and LDH released from red cells, and an H index equal
  // to the free hemoglobin. Affected: the results whose reported value the hemolysis changed.
  kHemolysis,
  // Blood drawn above an IV line: 10-40 % 0.9 % saline (Na and Cl 154 mmol/L) or 5 % dextrose
  // (glucose 5000 mg/dL) mixed into the specimen, every other analyte diluted. Affected: the
  // results whose reported value the mixing changed.
  kIvFluidContamination,
  // The analyzer flagged results (clot, short sample, bubble, reagent short). Affected: the
  // flagged results.
  kInstrumentFlag,
  // The QC run of one analyte on the instrument failed, and a batch of specimens was measured on
  // it. Affected: the results of that analyte on those specimens.
  kFailedQc,
  // An impossible value from the instrument: negative, or a thousand times the upper reference
  // limit. Affected: that result.
  kAbsurdValue,
  // A dilution factor applied wrongly: the value ten times too high or too low. Affected: that
  // result.
  kDilutionError,
  // Measured 26-60 hours after collection. Affected: the results of tests whose stability at room
  // temperature is shorter (results.md: CBC and PT/INR 24 h, aPTT 4 h, serum glucose 2 h).
  kPastStability,
};
inline constexpr ErrorClass kErrorClasses[] = {
    ErrorClass::kSampleSwap,     ErrorClass::kHemolysis,     ErrorClass::kIvFluidContamination,
    ErrorClass::kInstrumentFlag, ErrorClass::kFailedQc,      ErrorClass::kAbsurdValue,
    ErrorClass::kDilutionError,  ErrorClass::kPastStability,
};
std::string_view to_code(ErrorClass error_class);  // "sample-swap", "hemolysis", ...
// What the class injects and which results it counts as affected, in one sentence.
std::string_view describe(ErrorClass error_class);

struct ValidationOptions {
  // A Wednesday: a full outpatient day (as DayOptions).
  core::Date date = std::chrono::year{2026} / std::chrono::November / 18;
  int patients = 1000;
  std::uint64_t seed = 20261121;
  // The share of the specimens an error can apply to that are given it, per class; at least
  // kMinimumInjected of them (or all, when fewer are eligible).
  double injection_rate = 0.1;
};
inline constexpr int kMinimumInjected = 30;

// Target: no injected error released unseen, and the clean day mostly released by itself.
inline constexpr double kTargetCleanRate = 0.90;

// Published autoverification rates to compare the clean rate with (results.md).
struct PublishedRate {
  std::string_view what;
  std::string_view rate;
  std::string_view source;
};
inline constexpr PublishedRate kPublishedRates[] = {
    {"routine biochemistry", "77-85%", "Biochem Med 2022;32:030704"},
    {"coagulation", "63.3%", "Diagnosis 2025"},
    {"academic core chemistry after 13 years", "about 99.5%",
     "Krasowski et al., J Pathol Inform 2014;5:13"},
};

struct SectionRate {
  std::string section;  // catalog section code
  int results = 0;
  int autoverified = 0;
};

// One rule that held clean results, and how many.
struct HoldCount {
  std::string category;  // rules::to_code(Category): "delta-check", ...
  std::string rule;      // as the rule set names it: "K delta absolute within 3d"
  int results = 0;
};

struct ClassOutcome {
  ErrorClass error_class = ErrorClass::kSampleSwap;
  int eligible_specimens = 0;  // specimens of the day the error could apply to
  int specimens = 0;           // injected
  int affected_results = 0;
  int wrongly_autoverified = 0;  // affected results that released themselves
  // Of the wrongly autoverified, those whose injected value lies within a delta limit of the
  // analyte from the patient's true value (an absolute or percent delta rule of the rule set):
  // told apart from the others, never subtracted from them.
  int within_delta_limit = 0;
  int specimens_with_a_miss = 0;
  std::map<std::string, int> misses_by_test;  // test code -> wrongly autoverified results
};

struct ValidationReport {
  ValidationOptions options;
  std::string catalog_name;
  std::string catalog_version;
  std::string rules_name;
  std::string rules_version;
  int specimens = 0;  // of the clean day
  int results = 0;
  int autoverified = 0;
  std::vector<SectionRate> sections;  // in catalog order, sections with results only
  std::vector<HoldCount> holds;       // every rule that held a clean result, most frequent first
  std::vector<ClassOutcome> classes;  // in kErrorClasses order

  double clean_rate() const { return results == 0 ? 0.0 : double(autoverified) / results; }
  int wrongly_autoverified() const;
  bool target_met() const;
};

// Simulates the day, judges it clean and with every error class injected. InvalidArgument for
// options out of range (patients below 1, an injection rate outside (0, 1]) or a catalog the
// day cannot be generated from; the error of a value that cannot be read names the test.
Result<ValidationReport> validate_autoverification(const catalog::Catalog& catalog,
                                                   const rules::RuleSet& rules,
                                                   const ValidationOptions& options);

}  // namespace aliquot::simulate
