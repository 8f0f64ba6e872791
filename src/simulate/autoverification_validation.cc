#include "simulate/autoverification_validation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "core/test_result.h"
#include "core/text.h"
#include "rules/autoverification.h"
#include "rules/flagging.h"
#include "simulate/day_generator.h"
#include "simulate/random.h"

namespace aliquot::simulate {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

// Random stream tags, apart from the day generator's: the clean day's additions and each
// injection draw from streams of their own, so that changing one does not move another.
enum ValidationStream : std::uint64_t {
  kHistoryStream = 0x76616c0001,
  kBenchStream,
  kIndexStream,
  kInjectionStream,
};

// The patient's previous specimen is drawn from the value model as another order of the same
// patient: the same biology, with day-to-day (within-subject and analytical) variation.
constexpr int kHistoryOrderIndex = 0x7fff;

// Failed QC: the specimens measured on one analyte's rejected run.
constexpr int kQcBatchSize = 10;

// A specimen as the instrument reports it to the LIS, with what the engine is told about it.
struct Specimen {
  int visit = 0;
  std::string specimen_type{};
  std::string container{};
  std::string tests_key{};  // the sorted test codes: specimens of the same order type share it
  std::vector<const core::TestDefinition*> tests{};
  std::vector<core::ResultValue> values{};
  std::vector<std::vector<std::string>> flags{};
  std::vector<rules::QcState> qc{};
  rules::SpecimenFacts facts{};
  bool measures_indices = false;  // a chemistry analyzer's serum or plasma specimen
};

// The patient's previous released numeric result per test code.
using History = std::map<std::string, rules::PreviousResult, std::less<>>;

std::uint64_t key(int number) { return static_cast<std::uint64_t>(number); }

bool is_numeric(const core::ResultValue& value) {
  return value.kind == core::ResultKind::kNumeric && value.comparator.empty();
}

bool has_loinc(const core::TestDefinition& test, std::initializer_list<std::string_view> codes) {
  return std::find(codes.begin(), codes.end(), test.loinc) != codes.end();
}

// Whether two values would be reported differently.
bool reported_differently(const core::ResultValue& a, const core::ResultValue& b) {
  if (a.kind != b.kind || a.comparator != b.comparator) return true;
  if (a.kind != core::ResultKind::kNumeric) return a.text != b.text;
  return core::format_reported(a) != core::format_reported(b);
}

// `number` as the instrument would send it for `test`: rounded to the test's decimals and read
// the way the lab reads an entered value.
Result<core::ResultValue> instrument_value(const core::TestDefinition& test, double number) {
  return rules::parse_result_value(test, core::format_decimal(number, test.decimals), "");
}

// The indices of the results of `specimen` that calculated `test` is computed from.
std::vector<std::size_t> inputs_of(const Specimen& specimen, const core::TestDefinition& test) {
  std::vector<std::size_t> found;
  for (const core::CalculationInput& input : test.calculated->inputs) {
    for (std::size_t i = 0; i < specimen.tests.size(); ++i) {
      if (specimen.tests[i]->code == input.test_code) found.push_back(i);
    }
  }
  return found;
}

// Whether the result at `i` comes from the instrument rather than from a calculation: only
// those can be flagged, miscalculated by a dilution or measured on a failing QC run.
bool is_measured_number(const Specimen& specimen, std::size_t i) {
  return is_numeric(specimen.values[i]) && !specimen.tests[i]->calculated;
}

// Mirrors lab::judge_values (lab/verification.cc) with the store replaced by `history`: the
// previous result is looked up only for a numeric value of a test whose rules compare with it.
std::vector<rules::Decision> judge(const rules::RuleSet& rules, const Specimen& specimen,
                                   const History& history) {
  std::vector<rules::Candidate> candidates(specimen.tests.size());
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    rules::Candidate& candidate = candidates[i];
    const core::TestDefinition& test = *specimen.tests[i];
    candidate.test = &test;
    candidate.value = &specimen.values[i];
    candidate.instrument_flags = specimen.flags[i];
    candidate.qc = specimen.qc[i];
    if (specimen.values[i].kind != core::ResultKind::kNumeric ||
        !rules.compares_with_previous(test.code)) {
      continue;
    }
    if (const auto found = history.find(test.code); found != history.end()) {
      candidate.previous = found->second;
    }
  }
  std::vector<rules::Decision> decisions(candidates.size());
  rules::evaluate_specimen(rules, specimen.facts, candidates, decisions);
  // A calculated result is released only with its inputs (lab/calculated_results.h).
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const core::TestDefinition& test = *specimen.tests[i];
    if (!test.calculated) continue;
    for (const std::size_t input : inputs_of(specimen, test)) {
      if (decisions[input].autoverify || input == i) continue;
      decisions[i].autoverify = false;
      decisions[i].reasons.push_back(rules::Reason{
          rules::Category::kCalculation, rules::Action::kReview, test.code + " inputs",
          specimen.tests[input]->code + " held", "every input released",
          test.code + " waits for " + specimen.tests[input]->code});
    }
  }
  return decisions;
}

// The clean day: every specimen of the day with the patients' histories.
struct CleanDay {
  std::vector<Specimen> specimens;
  std::vector<History> histories;  // by visit
};

Result<CleanDay> simulate_clean_day(const catalog::Catalog& catalog,
                                    const ValidationOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const DayGenerator generator,
                           DayGenerator::create(catalog, DayOptions{.date = options.date,
                                                                    .patients = options.patients,
                                                                    .seed = options.seed}));
  CleanDay day;
  day.histories.resize(generator.visits().size());
  for (const Visit& visit : generator.visits()) {
    if (visit.orders.empty()) continue;
    History& history = day.histories[static_cast<std::size_t>(visit.index)];
    // One previous specimen 1-3 days before the patient's first collection today.
    Random history_random = Random::derive(options.seed, {kHistoryStream, key(visit.index)});
    const core::Instant previous_collected_at =
        visit.orders.front().collected_at -
        std::chrono::round<seconds>(
            std::chrono::duration<double, std::ratio<86400>>(history_random.uniform(1.0, 3.0)));
    PlannedOrder history_order = visit.orders.front();
    history_order.index = kHistoryOrderIndex;

    for (const PlannedOrder& order : visit.orders) {
      ALIQUOT_ASSIGN_OR_RETURN(const std::vector<const core::TestDefinition*> tests,
                               catalog.expand(order.test_codes));
      // One specimen per container and specimen type, as accessioning draws them.
      std::vector<Specimen> drawn;
      for (const core::TestDefinition* test : tests) {
        auto it = std::find_if(drawn.begin(), drawn.end(), [&](const Specimen& specimen) {
          return specimen.container == test->container_type &&
                 specimen.specimen_type == test->specimen_type;
        });
        if (it == drawn.end()) {
          drawn.push_back(Specimen{.visit = visit.index,
                                   .specimen_type = test->specimen_type,
                                   .container = test->container_type});
          it = std::prev(drawn.end());
        }
        it->tests.push_back(test);
      }
      for (std::size_t s = 0; s < drawn.size(); ++s) {
        Specimen& specimen = drawn[s];
        std::vector<std::string> codes;
        for (const core::TestDefinition* test : specimen.tests) {
          ALIQUOT_ASSIGN_OR_RETURN(const std::string text,
                                   generator.result_value(visit, order, 0, *test));
          ALIQUOT_ASSIGN_OR_RETURN(core::ResultValue value,
                                   rules::parse_result_value(*test, text, ""));
          specimen.values.push_back(std::move(value));
          codes.push_back(test->code);
          specimen.measures_indices =
              specimen.measures_indices ||
              (test->section == "chemistry" && test->specimen_type != "whole-blood");
          if (test->kind != core::ResultKind::kNumeric || history.contains(test->code)) continue;
          ALIQUOT_ASSIGN_OR_RETURN(const std::string previous_text,
                                   generator.result_value(visit, history_order, 0, *test));
          ALIQUOT_ASSIGN_OR_RETURN(const core::ResultValue previous,
                                   rules::parse_result_value(*test, previous_text, ""));
          // A previous "<x" or ">x" is no number to measure a change against (as in the lab).
          if (is_numeric(previous)) {
            history.emplace(test->code,
                            rules::PreviousResult{previous.number, previous_collected_at});
          }
        }
        std::sort(codes.begin(), codes.end());
        specimen.tests_key = core::join(codes, ",");
        specimen.flags.assign(specimen.tests.size(), {});
        specimen.qc.assign(specimen.tests.size(), rules::QcState::kAcceptable);

        specimen.facts.sex = visit.patient.sex;
        specimen.facts.age_days = core::age_in_days(visit.patient.birth_date, order.collected_at);
        specimen.facts.collected_at = order.collected_at;
        // Measured 20-90 minutes after collection: well within every stability.
        Random bench = Random::derive(options.seed,
                                      {kBenchStream, key(visit.index), key(order.index), key(s)});
        specimen.facts.measured_at =
            order.collected_at + std::chrono::round<seconds>(Minutes(bench.uniform(20, 90)));
        if (specimen.measures_indices) {
          // A specimen drawn well: no visible hemolysis (H below 50 mg/dL free hemoglobin),
          // clear serum; the I index follows the patient's bilirubin (mg/dL) when measured.
          Random indices = Random::derive(
              options.seed, {kIndexStream, key(visit.index), key(order.index), key(s)});
          specimen.facts.indices.hemolysis = static_cast<double>(indices.uniform_int(0, 15));
          specimen.facts.indices.lipemia = static_cast<double>(indices.uniform_int(0, 30));
          double icterus = static_cast<double>(indices.uniform_int(0, 2));
          for (std::size_t i = 0; i < specimen.tests.size(); ++i) {
            if (has_loinc(*specimen.tests[i], {"1975-2"}) && is_numeric(specimen.values[i])) {
              icterus = std::round(specimen.values[i].number);
            }
          }
          specimen.facts.indices.icterus = icterus;
        }
        day.specimens.push_back(std::move(specimen));
      }
    }
  }
  return day;
}

// --- injections ---------------------------------------------------------------------------------

// A clean specimen with one error injected, and the results the error affected.
struct Injection {
  Specimen specimen;
  std::vector<bool> affected;
};

// Results that change when hemolysis releases red cell contents into the serum, with the ratio
// of the analyte's concentration in red cells to that in plasma (Caraway, cited by Frank et al.,
// Clin Chem 1978;24:1966): potassium 23, AST 20, LDH 160.
std::optional<double> red_cell_ratio(const core::TestDefinition& test) {
  if (has_loinc(test, {"2823-3", "6298-4"})) return 23;
  if (has_loinc(test, {"1920-8", "30239-8"})) return 20;
  if (has_loinc(test, {"2532-0", "14804-9"})) return 160;
  return std::nullopt;
}

// Free hemoglobin released by lysing red cells of about 330 g/L hemoglobin (MCHC 33 g/dL)
// releases their other contents with them: 1 g/L of free hemoglobin is the content of 1/330 of
// a litre of red cells. For potassium at 4.2 mmol/L this gives 4.2 × 23 / 330 ≈ 0.29 mmol/L per
// 100 mg/dL, the rise results.md cites (about 0.3 mmol/L per 100 mg/dL).
constexpr double kRedCellHemoglobinGramsPerLitre = 330;

// The concentration of an analyte in the IV fluid, in the test's unit; nullopt when the
// fluid's concentration is not known in that unit (the test is then left as it is).
enum class Fluid { kSaline, kDextrose };
std::optional<double> fluid_concentration(Fluid fluid, const core::TestDefinition& test) {
  const bool sodium_or_chloride = has_loinc(test, {"2951-2", "2947-0", "2075-0", "2069-3"});
  const bool glucose = has_loinc(test, {"2345-7", "2339-0"});
  if (fluid == Fluid::kSaline && sodium_or_chloride) {
    // 0.9 % NaCl: 154 mmol/L of each ion.
    return test.unit == "mmol/L" ? std::optional<double>(154) : std::nullopt;
  }
  if (fluid == Fluid::kDextrose && glucose) {
    // 5 % dextrose: 50 g/L = 5000 mg/dL = 277.5 mmol/L.
    if (test.unit == "mg/dL") return 5000;
    if (test.unit == "mmol/L") return 277.5;
    return std::nullopt;
  }
  if (sodium_or_chloride && test.unit != "mmol/L") return std::nullopt;
  if (glucose && test.unit != "mg/dL" && test.unit != "mmol/L") return std::nullopt;
  return 0;  // not in the fluid: diluted
}

bool has_fluid_marker(const Specimen& specimen, Fluid fluid) {
  for (std::size_t i = 0; i < specimen.tests.size(); ++i) {
    const core::TestDefinition& test = *specimen.tests[i];
    if (!is_numeric(specimen.values[i])) continue;
    const std::optional<double> concentration = fluid_concentration(fluid, test);
    if (concentration && *concentration > 0) return true;
  }
  return false;
}

// Stability at room temperature, collection to measurement (results.md "Specimens"); nullopt
// when results.md gives none for the test.
std::optional<hours> known_stability(const core::TestDefinition& test) {
  if (has_loinc(test, {"5902-2", "6301-6", "34714-6"})) return hours(24);  // PT/INR
  if (has_loinc(test, {"14979-9", "3173-2"})) return hours(4);             // aPTT
  if (has_loinc(test, {"1742-6"})) return hours(72);                       // ALT
  // Glucose in a tube without fluoride falls 5-7 % per hour until the serum is separated.
  if (has_loinc(test, {"2345-7"}) && test.container_type != "fluoride-oxalate") return hours(2);
  if (test.section == "hematology" && test.specimen_type == "whole-blood") return hours(24);  // CBC
  return std::nullopt;
}
constexpr hours kLateMeasurementMinimum{26};
constexpr hours kLateMeasurementMaximum{60};

// Error flags of the kind analyzers send: clot detected, short sample, bubble, reagent short.
constexpr std::array<std::string_view, 4> kErrorFlags = {"CLOT", "QNS", "BUBBLE", "REAGENT"};

bool any_measured_number(const Specimen& specimen) {
  for (std::size_t i = 0; i < specimen.values.size(); ++i) {
    if (is_measured_number(specimen, i)) return true;
  }
  return false;
}

// Index of a measured numeric result chosen at random; the specimen must have one.
std::size_t pick_measured_number(const Specimen& specimen, Random& random, bool nonzero) {
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < specimen.values.size(); ++i) {
    if (is_measured_number(specimen, i) && (!nonzero || specimen.values[i].number != 0)) {
      candidates.push_back(i);
    }
  }
  return candidates[static_cast<std::size_t>(
      random.uniform_int(0, static_cast<std::int64_t>(candidates.size()) - 1))];
}

// The largest value a healthy person has for the test: its highest reference limit, else its
// high critical limit; 1 when the catalog gives neither.
double upper_limit(const core::TestDefinition& test) {
  std::optional<double> highest;
  for (const core::ReferenceInterval& interval : test.reference_intervals) {
    if (interval.high) highest = std::max(highest.value_or(*interval.high), *interval.high);
  }
  if (!highest) highest = test.critical.high;
  return highest && *highest > 0 ? *highest : 1.0;
}

class Injector {
 public:
  Injector(const CleanDay& day, std::uint64_t seed) : day_(day), seed_(seed) {
    for (std::size_t i = 0; i < day.specimens.size(); ++i) {
      by_tests_[day.specimens[i].tests_key].push_back(i);
    }
  }

  bool eligible(ErrorClass error_class, std::size_t index) const {
    const Specimen& specimen = day_.specimens[index];
    switch (error_class) {
      case ErrorClass::kSampleSwap: return !donors(index).empty();
      case ErrorClass::kHemolysis:
        if (!specimen.measures_indices) return false;
        for (std::size_t i = 0; i < specimen.tests.size(); ++i) {
          if (red_cell_ratio(*specimen.tests[i]) && is_numeric(specimen.values[i])) return true;
        }
        return false;
      case ErrorClass::kIvFluidContamination:
        return specimen.measures_indices && (has_fluid_marker(specimen, Fluid::kSaline) ||
                                             has_fluid_marker(specimen, Fluid::kDextrose));
      case ErrorClass::kInstrumentFlag:
        return std::any_of(specimen.tests.begin(), specimen.tests.end(),
                           [](const core::TestDefinition* test) { return !test->calculated; });
      case ErrorClass::kFailedQc:
      case ErrorClass::kAbsurdValue: return any_measured_number(specimen);
      case ErrorClass::kDilutionError:
        for (std::size_t i = 0; i < specimen.values.size(); ++i) {
          if (is_measured_number(specimen, i) && specimen.values[i].number != 0) return true;
        }
        return false;
      case ErrorClass::kPastStability:
        return std::any_of(specimen.tests.begin(), specimen.tests.end(),
                           [](const core::TestDefinition* test) {
                             const std::optional<hours> stability = known_stability(*test);
                             return stability && *stability < kLateMeasurementMinimum;
                           });
    }
    return false;
  }

  // `error_class` injected into the clean specimen `index`.
  Result<Injection> inject(ErrorClass error_class, std::size_t index) const {
    Injection injection{day_.specimens[index],
                        std::vector<bool>(day_.specimens[index].tests.size(), false)};
    Random random = Random::derive(
        seed_, {kInjectionStream, static_cast<std::uint64_t>(error_class), key(int(index))});
    switch (error_class) {
      case ErrorClass::kSampleSwap: ALIQUOT_RETURN_IF_ERROR(swap(injection, index, random)); break;
      case ErrorClass::kHemolysis: ALIQUOT_RETURN_IF_ERROR(hemolyse(injection, random)); break;
      case ErrorClass::kIvFluidContamination:
        ALIQUOT_RETURN_IF_ERROR(contaminate(injection, random));
        break;
      case ErrorClass::kInstrumentFlag: flag(injection, random); break;
      case ErrorClass::kFailedQc: break;  // batches: see fail_qc
      case ErrorClass::kAbsurdValue: ALIQUOT_RETURN_IF_ERROR(absurd(injection, random)); break;
      case ErrorClass::kDilutionError: ALIQUOT_RETURN_IF_ERROR(dilute(injection, random)); break;
      case ErrorClass::kPastStability: late(injection, random); break;
    }
    return injection;
  }

  // A failed QC run of test `code`, with the clean specimen `index` measured on it.
  Injection fail_qc(std::size_t index, const std::string& code) const {
    Injection injection{day_.specimens[index],
                        std::vector<bool>(day_.specimens[index].tests.size(), false)};
    for (std::size_t i = 0; i < injection.specimen.tests.size(); ++i) {
      if (injection.specimen.tests[i]->code != code) continue;
      injection.specimen.qc[i] = rules::QcState::kFailing;
      injection.affected[i] = true;
    }
    return injection;
  }

 private:
  // Specimens of other patients with exactly the same tests.
  std::vector<std::size_t> donors(std::size_t index) const {
    std::vector<std::size_t> found;
    const Specimen& specimen = day_.specimens[index];
    for (const std::size_t other : by_tests_.at(specimen.tests_key)) {
      if (day_.specimens[other].visit != specimen.visit) found.push_back(other);
    }
    return found;
  }

  Result<void> swap(Injection& injection, std::size_t index, Random& random) const {
    const std::vector<std::size_t> candidates = donors(index);
    const Specimen& donor = day_.specimens[candidates[static_cast<std::size_t>(
        random.uniform_int(0, static_cast<std::int64_t>(candidates.size()) - 1))]];
    Specimen& specimen = injection.specimen;
    for (std::size_t i = 0; i < specimen.tests.size(); ++i) {
      const auto at = std::find(donor.tests.begin(), donor.tests.end(), specimen.tests[i]);
      if (at == donor.tests.end()) {
        return internal_error("sample swap: donor specimen lacks " + specimen.tests[i]->code);
      }
      specimen.values[i] = donor.values[static_cast<std::size_t>(at - donor.tests.begin())];
      injection.affected[i] =
          reported_differently(specimen.values[i], day_.specimens[index].values[i]);
    }
    // The serum in the tube is the donor's, and so are its indices.
    specimen.facts.indices = donor.facts.indices;
    return ok();
  }

  Result<void> hemolyse(Injection& injection, Random& random) const {
    // Log-uniform, so that mild hemolysis is as well represented as gross.
    const double free_hemoglobin =
        std::round(std::exp(random.uniform(std::log(50.0), std::log(500.0))));  // mg/dL
    Specimen& specimen = injection.specimen;
    specimen.facts.indices.hemolysis = free_hemoglobin;
    const double lysed_fraction = free_hemoglobin / 100 / kRedCellHemoglobinGramsPerLitre;
    for (std::size_t i = 0; i < specimen.tests.size(); ++i) {
      const std::optional<double> ratio = red_cell_ratio(*specimen.tests[i]);
      if (!ratio || !is_numeric(specimen.values[i])) continue;
      const core::ResultValue clean = specimen.values[i];
      ALIQUOT_ASSIGN_OR_RETURN(
          specimen.values[i],
          instrument_value(*specimen.tests[i], clean.number * (1 + *ratio * lysed_fraction)));
      injection.affected[i] = reported_differently(specimen.values[i], clean);
    }
    return ok();
  }

  Result<void> contaminate(Injection& injection, Random& random) const {
    Specimen& specimen = injection.specimen;
    const bool saline_possible = has_fluid_marker(specimen, Fluid::kSaline);
    const bool dextrose_possible = has_fluid_marker(specimen, Fluid::kDextrose);
    const bool pick_saline = random.bernoulli(0.5);
    const Fluid fluid =
        (pick_saline && saline_possible) || !dextrose_possible ? Fluid::kSaline : Fluid::kDextrose;
    const double share = random.uniform(0.10, 0.40);
    for (std::size_t i = 0; i < specimen.tests.size(); ++i) {
      const std::optional<double> concentration = fluid_concentration(fluid, *specimen.tests[i]);
      if (!concentration || !is_numeric(specimen.values[i])) continue;
      const core::ResultValue clean = specimen.values[i];
      ALIQUOT_ASSIGN_OR_RETURN(specimen.values[i],
                               instrument_value(*specimen.tests[i], (1 - share) * clean.number +
                                                                        share * *concentration));
      injection.affected[i] = reported_differently(specimen.values[i], clean);
    }
    return ok();
  }

  static void flag(Injection& injection, Random& random) {
    Specimen& specimen = injection.specimen;
    bool any = false;
    std::vector<std::size_t> measured;
    for (std::size_t i = 0; i < specimen.tests.size(); ++i) {
      if (specimen.tests[i]->calculated) continue;
      measured.push_back(i);
      if (!random.bernoulli(0.5)) continue;
      specimen.flags[i].emplace_back(kErrorFlags[static_cast<std::size_t>(
          random.uniform_int(0, static_cast<std::int64_t>(kErrorFlags.size()) - 1))]);
      injection.affected[i] = true;
      any = true;
    }
    if (!any) {
      const std::size_t i = measured[static_cast<std::size_t>(
          random.uniform_int(0, static_cast<std::int64_t>(measured.size()) - 1))];
      specimen.flags[i].emplace_back(kErrorFlags[0]);
      injection.affected[i] = true;
    }
  }

  static Result<void> absurd(Injection& injection, Random& random) {
    Specimen& specimen = injection.specimen;
    const std::size_t i = pick_measured_number(specimen, random, false);
    const core::TestDefinition& test = *specimen.tests[i];
    const double limit = upper_limit(test);
    const double number = random.bernoulli(0.5) ? -limit : 1000 * limit;
    const core::ResultValue clean = specimen.values[i];
    ALIQUOT_ASSIGN_OR_RETURN(specimen.values[i], instrument_value(test, number));
    injection.affected[i] = reported_differently(specimen.values[i], clean);
    return ok();
  }

  static Result<void> dilute(Injection& injection, Random& random) {
    Specimen& specimen = injection.specimen;
    const std::size_t i = pick_measured_number(specimen, random, true);
    const double factor = random.bernoulli(0.5) ? 10.0 : 0.1;
    const core::ResultValue clean = specimen.values[i];
    ALIQUOT_ASSIGN_OR_RETURN(specimen.values[i],
                             instrument_value(*specimen.tests[i], clean.number * factor));
    injection.affected[i] = reported_differently(specimen.values[i], clean);
    return ok();
  }

  static void late(Injection& injection, Random& random) {
    Specimen& specimen = injection.specimen;
    const auto delay =
        std::chrono::round<seconds>(std::chrono::duration<double, std::ratio<3600>>(random.uniform(
            double(kLateMeasurementMinimum.count()), double(kLateMeasurementMaximum.count()))));
    specimen.facts.measured_at = specimen.facts.collected_at + delay;
    for (std::size_t i = 0; i < specimen.tests.size(); ++i) {
      const std::optional<hours> stability = known_stability(*specimen.tests[i]);
      injection.affected[i] = stability && delay > *stability;
    }
  }

  const CleanDay& day_;
  std::uint64_t seed_;
  std::map<std::string, std::vector<std::size_t>, std::less<>> by_tests_;
};

// Whether `injected` lies within a delta limit of the test from `truth`.
bool within_delta_limit(const rules::RuleSet& rules, const core::TestDefinition& test,
                        const core::ResultValue& truth, const core::ResultValue& injected) {
  const rules::AnalyteRules* analyte = rules.find_analyte(test.code);
  if (analyte == nullptr || !is_numeric(truth) || !is_numeric(injected)) return false;
  const double change = std::fabs(injected.number - truth.number);
  for (const rules::DeltaRule& rule : analyte->deltas) {
    if (rule.mode == rules::DeltaMode::kAbsolute && change <= rule.limit) return true;
    if (rule.mode == rules::DeltaMode::kPercent && truth.number != 0 &&
        change / std::fabs(truth.number) * 100 <= rule.limit) {
      return true;
    }
  }
  return false;
}

void tally(const rules::RuleSet& rules, const Specimen& clean, Injection injection,
           const History& history, ClassOutcome& outcome) {
  // The lab computes a calculated result from its inputs: an error in an input is in it too.
  for (std::size_t i = 0; i < injection.specimen.tests.size(); ++i) {
    if (!injection.specimen.tests[i]->calculated) continue;
    for (const std::size_t input : inputs_of(injection.specimen, *injection.specimen.tests[i])) {
      if (injection.affected[input]) injection.affected[i] = true;
    }
  }
  const std::vector<rules::Decision> decisions = judge(rules, injection.specimen, history);
  ++outcome.specimens;
  bool missed = false;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    if (!injection.affected[i]) continue;
    ++outcome.affected_results;
    if (!decisions[i].autoverify) continue;
    ++outcome.wrongly_autoverified;
    ++outcome.misses_by_test[injection.specimen.tests[i]->code];
    missed = true;
    if (within_delta_limit(rules, *clean.tests[i], clean.values[i], injection.specimen.values[i])) {
      ++outcome.within_delta_limit;
    }
  }
  if (missed) ++outcome.specimens_with_a_miss;
}

// `count` of `items`, chosen at random without repetition (a partial Fisher-Yates shuffle).
std::vector<std::size_t> sample(std::vector<std::size_t> items, std::size_t count, Random& random) {
  count = std::min(count, items.size());
  for (std::size_t i = 0; i < count; ++i) {
    const auto j = static_cast<std::size_t>(random.uniform_int(
        static_cast<std::int64_t>(i), static_cast<std::int64_t>(items.size()) - 1));
    std::swap(items[i], items[j]);
  }
  items.resize(count);
  return items;
}

std::size_t injected_count(std::size_t eligible, double rate) {
  const auto by_rate = static_cast<std::size_t>(std::ceil(rate * static_cast<double>(eligible)));
  return std::min(eligible, std::max(by_rate, static_cast<std::size_t>(kMinimumInjected)));
}

Result<ClassOutcome> run_class(const rules::RuleSet& rules, const CleanDay& day,
                               const Injector& injector, ErrorClass error_class,
                               const ValidationOptions& options) {
  ClassOutcome outcome;
  outcome.error_class = error_class;
  std::vector<std::size_t> eligible;
  for (std::size_t i = 0; i < day.specimens.size(); ++i) {
    if (injector.eligible(error_class, i)) eligible.push_back(i);
  }
  outcome.eligible_specimens = static_cast<int>(eligible.size());
  const std::size_t count = injected_count(eligible.size(), options.injection_rate);
  Random random =
      Random::derive(options.seed, {kInjectionStream, static_cast<std::uint64_t>(error_class)});

  if (error_class == ErrorClass::kFailedQc) {
    // Runs of one analyte fail; each takes the next specimens measured with that analyte.
    std::map<std::string, std::vector<std::size_t>> by_test;
    for (const std::size_t index : eligible) {
      const Specimen& specimen = day.specimens[index];
      for (std::size_t i = 0; i < specimen.tests.size(); ++i) {
        if (is_measured_number(specimen, i)) by_test[specimen.tests[i]->code].push_back(index);
      }
    }
    std::vector<std::pair<std::size_t, std::string>> cases;
    while (cases.size() < count && !by_test.empty()) {
      auto run = by_test.begin();
      std::advance(run, random.uniform_int(0, static_cast<std::int64_t>(by_test.size()) - 1));
      std::vector<std::size_t> measured = run->second;
      std::stable_sort(measured.begin(), measured.end(), [&](std::size_t a, std::size_t b) {
        return day.specimens[a].facts.measured_at < day.specimens[b].facts.measured_at;
      });
      std::size_t at = static_cast<std::size_t>(
          random.uniform_int(0, static_cast<std::int64_t>(measured.size()) - 1));
      for (int taken = 0; taken < kQcBatchSize && at < measured.size() && cases.size() < count;
           ++taken, ++at) {
        cases.emplace_back(measured[at], run->first);
      }
    }
    for (const auto& [index, code] : cases) {
      const Specimen& clean = day.specimens[index];
      tally(rules, clean, injector.fail_qc(index, code),
            day.histories[static_cast<std::size_t>(clean.visit)], outcome);
    }
    return outcome;
  }

  for (const std::size_t index : sample(std::move(eligible), count, random)) {
    const Specimen& clean = day.specimens[index];
    ALIQUOT_ASSIGN_OR_RETURN(const Injection injection, injector.inject(error_class, index));
    // A swapped specimen is judged against the history of the patient on its label.
    tally(rules, clean, injection, day.histories[static_cast<std::size_t>(clean.visit)], outcome);
  }
  return outcome;
}

}  // namespace

std::string_view to_code(ErrorClass error_class) {
  switch (error_class) {
    case ErrorClass::kSampleSwap: return "sample-swap";
    case ErrorClass::kHemolysis: return "hemolysis";
    case ErrorClass::kIvFluidContamination: return "iv-fluid-contamination";
    case ErrorClass::kInstrumentFlag: return "instrument-flag";
    case ErrorClass::kFailedQc: return "failed-qc";
    case ErrorClass::kAbsurdValue: return "absurd-value";
    case ErrorClass::kDilutionError: return "dilution-error";
    case ErrorClass::kPastStability: return "past-stability";
  }
  return "unknown";
}

std::string_view describe(ErrorClass error_class) {
  switch (error_class) {
    case ErrorClass::kSampleSwap:
      return "another patient's specimen with the same tests under this patient's label; "
             "affected: results whose value differs from the patient's own";
    case ErrorClass::kHemolysis:
      return "free hemoglobin 50-500 mg/dL: K, AST, LDH raised, H index set; affected: results "
             "the hemolysis changed";
    case ErrorClass::kIvFluidContamination:
      return "10-40% saline or 5% dextrose mixed in; affected: results the mixing changed";
    case ErrorClass::kInstrumentFlag:
      return "analyzer error flags (clot, short sample, bubble, reagent); affected: flagged "
             "results";
    case ErrorClass::kFailedQc:
      return "one analyte's QC run failed for a batch of up to 10 specimens; affected: that "
             "analyte's results";
    case ErrorClass::kAbsurdValue:
      return "one value negative or 1000 times the upper reference limit; affected: that result";
    case ErrorClass::kDilutionError:
      return "one value 10 times too high or too low; affected: that result";
    case ErrorClass::kPastStability:
      return "measured 26-60 h after collection; affected: CBC, PT/INR, aPTT, serum glucose";
  }
  return "";
}

int ValidationReport::wrongly_autoverified() const {
  int total = 0;
  for (const ClassOutcome& outcome : classes) total += outcome.wrongly_autoverified;
  return total;
}

bool ValidationReport::target_met() const {
  return results > 0 && wrongly_autoverified() == 0 && clean_rate() >= kTargetCleanRate;
}

Result<ValidationReport> validate_autoverification(const catalog::Catalog& catalog,
                                                   const rules::RuleSet& rules,
                                                   const ValidationOptions& options) {
  if (options.patients < 1) {
    return invalid_argument("validation needs at least 1 patient; got " +
                            std::to_string(options.patients));
  }
  if (!(options.injection_rate > 0 && options.injection_rate <= 1)) {
    return invalid_argument("injection rate must be above 0 and at most 1; got " +
                            core::number_text(options.injection_rate));
  }
  ALIQUOT_ASSIGN_OR_RETURN(const CleanDay day, simulate_clean_day(catalog, options));

  ValidationReport report;
  report.options = options;
  report.catalog_name = catalog.name();
  report.catalog_version = catalog.version();
  report.rules_name = rules.name();
  report.rules_version = rules.version();
  report.specimens = static_cast<int>(day.specimens.size());

  // 1. The clean day.
  std::map<std::string, SectionRate> sections;
  std::map<std::pair<std::string, std::string>, int> holds;
  for (const Specimen& specimen : day.specimens) {
    const std::vector<rules::Decision> decisions =
        judge(rules, specimen, day.histories[static_cast<std::size_t>(specimen.visit)]);
    for (std::size_t i = 0; i < decisions.size(); ++i) {
      SectionRate& section = sections[specimen.tests[i]->section];
      ++section.results;
      ++report.results;
      if (decisions[i].autoverify) {
        ++section.autoverified;
        ++report.autoverified;
        continue;
      }
      for (const rules::Reason& reason : decisions[i].reasons) {
        ++holds[{std::string(rules::to_code(reason.category)), reason.rule}];
      }
    }
  }
  for (const catalog::Section& section : catalog.sections()) {
    const auto found = sections.find(section.code);
    if (found == sections.end()) continue;
    found->second.section = section.code;
    report.sections.push_back(found->second);
    sections.erase(found);
  }
  for (auto& [code, rate] : sections) {  // tests of a section the catalog does not list
    rate.section = code;
    report.sections.push_back(rate);
  }
  for (const auto& [what, count] : holds) {
    report.holds.push_back(HoldCount{what.first, what.second, count});
  }
  std::stable_sort(report.holds.begin(), report.holds.end(),
                   [](const HoldCount& a, const HoldCount& b) { return a.results > b.results; });

  // 2. Each error class, injected into its own sample and judged apart.
  const Injector injector(day, options.seed);
  for (const ErrorClass error_class : kErrorClasses) {
    ALIQUOT_ASSIGN_OR_RETURN(ClassOutcome outcome,
                             run_class(rules, day, injector, error_class, options));
    report.classes.push_back(std::move(outcome));
  }
  return report;
}

}  // namespace aliquot::simulate
