// rules_bench: how many results per second per core the full autoverification rule set judges,
// against range flagging alone (the reference interval and critical check every result already
// gets), measured in the same run.
//
// The stream: the default menu and the default rules as built into the program; 20,000 patients
// (fixed seed, half female, ages from newborn to 95 years); specimens are the menu's panels
// (CBC, BMP, CMP, lipid panel, ...), each measured for a random patient, every value drawn
// around the patient's reference interval with one in ten outside it and one in a hundred far
// outside; serum indices on every serum and plasma specimen, an instrument flag on one result in
// two hundred. Half the patients have a released earlier result of every test, 1 to 72 hours
// before: the patient history.
//
// Three measurements, each the best of three runs of at least --seconds (default 1), on one
// thread:
//   flagging      rules::flag_result for every result (interval selection, flag, range text)
//   evaluation    rules::evaluate_specimen for every specimen, history already in the candidates
//   with history  the same, filling the candidates per specimen and looking each result's
//                 previous value up in a hash map keyed by patient and test (the lab reads it
//                 from its store instead; see results_bench for the whole use case)
// Prints results per second per core for each, the ratios, the share autoverified, and the
// target: evaluation >= 1,000,000 results per second per core.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_support.h"
#include "catalog/catalog.h"
#include "rules/autoverification.h"
#include "rules/flagging.h"
#include "rules/loader.h"

namespace {

using aliquot::bench::check;
using aliquot::bench::fail;
namespace core = aliquot::core;
namespace rules = aliquot::rules;

constexpr int kPatients = 20000;
constexpr int kSpecimens = 20000;
constexpr double kTargetPerSecond = 1'000'000;

struct Patient {
  core::AdministrativeSex sex = core::AdministrativeSex::kFemale;
  int age_days = 0;
};

struct Specimen {
  int patient = 0;
  rules::SpecimenFacts facts;
  std::vector<const core::TestDefinition*> tests;
  std::vector<core::ResultValue> values;
  std::vector<std::vector<std::string>> flags;
  std::vector<rules::Candidate> candidates;  // history filled in: the evaluation-only stream
};

struct Options {
  double seconds = 1.0;
};

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--seconds" && i + 1 < argc) {
      options.seconds = std::atof(argv[++i]);
    } else {
      fail("usage: rules_bench [--seconds S]");
    }
  }
  return options;
}

// A value for `test` and `patient`: around the interval that applies, sometimes outside it.
double draw_value(const core::TestDefinition& test, const Patient& patient, std::mt19937_64& rng) {
  const core::ReferenceInterval* interval =
      rules::select_reference_interval(test, patient.sex, patient.age_days);
  double low = 1;
  double high = 10;
  if (interval != nullptr) {
    low = interval->low.value_or(interval->high.value_or(10) * 0.2);
    high = interval->high.value_or(low * 3);
  }
  const double width = std::max(high - low, 1e-3);
  std::uniform_real_distribution<double> unit(0, 1);
  const double u = unit(rng);
  double value = low + unit(rng) * width;
  if (u < 0.01) {
    value = high + width * (2 + 4 * unit(rng));  // far out
  } else if (u < 0.10) {
    value = unit(rng) < 0.5 ? low - width * 0.3 * unit(rng) : high + width * 0.3 * unit(rng);
  }
  return std::max(value, 0.0);
}

std::uint64_t history_key(int patient, const core::TestDefinition* test) {
  return (static_cast<std::uint64_t>(patient) << 20) ^ reinterpret_cast<std::uintptr_t>(test);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  aliquot::catalog::LoadOutcome loaded_catalog = aliquot::catalog::load_catalog(
      aliquot::catalog::default_catalog_text(), aliquot::catalog::kDefaultCatalogFileName);
  if (!loaded_catalog.catalog) fail("the default catalog does not load");
  const aliquot::catalog::Catalog& catalog = *loaded_catalog.catalog;
  rules::LoadOutcome loaded_rules =
      rules::load_rules(rules::default_rules_text(), rules::kDefaultRulesFileName, catalog);
  if (!loaded_rules.rules) fail("the default rules do not load");
  const rules::RuleSet& rule_set = *loaded_rules.rules;

  std::mt19937_64 rng(20261122);
  std::vector<Patient> patients(kPatients);
  for (Patient& patient : patients) {
    patient.sex =
        rng() % 2 == 0 ? core::AdministrativeSex::kFemale : core::AdministrativeSex::kMale;
    patient.age_days = static_cast<int>(rng() % (95 * 365));
  }

  // The panels of numeric and coded tests, as specimens are measured.
  std::vector<std::vector<const core::TestDefinition*>> panels;
  for (const core::PanelDefinition& panel : catalog.panels()) {
    std::vector<const core::TestDefinition*> tests =
        check(catalog.expand({panel.code}), "expand panel " + panel.code);
    std::erase_if(tests, [](const core::TestDefinition* test) {
      return test->kind == core::ResultKind::kText;
    });
    if (!tests.empty()) panels.push_back(std::move(tests));
  }
  if (panels.empty()) fail("the default catalog has no panels");

  const core::Instant day = core::Instant{} + std::chrono::days(20779);
  std::unordered_map<std::uint64_t, rules::PreviousResult> history;
  std::vector<Specimen> specimens(kSpecimens);
  std::size_t result_count = 0;
  for (int i = 0; i < kSpecimens; ++i) {
    Specimen& specimen = specimens[static_cast<std::size_t>(i)];
    specimen.patient = static_cast<int>(rng() % kPatients);
    const Patient& patient = patients[static_cast<std::size_t>(specimen.patient)];
    specimen.tests = panels[rng() % panels.size()];
    specimen.facts.sex = patient.sex;
    specimen.facts.age_days = patient.age_days;
    specimen.facts.collected_at = day + std::chrono::minutes(rng() % 1440);
    specimen.facts.measured_at =
        specimen.facts.collected_at + std::chrono::minutes(30 + rng() % 90);
    if (specimen.tests.front()->specimen_type != "whole-blood") {
      specimen.facts.indices = {static_cast<double>(rng() % 60), static_cast<double>(rng() % 5),
                                static_cast<double>(rng() % 40)};
    }
    for (const core::TestDefinition* test : specimen.tests) {
      core::ResultValue value;
      value.kind = test->kind;
      value.unit = test->unit;
      value.decimals = test->decimals;
      if (test->kind == core::ResultKind::kNumeric) {
        value.number = draw_value(*test, patient, rng);
      } else {
        const bool abnormal = !test->abnormal_answers.empty() && rng() % 20 == 0;
        value.text = abnormal ? test->abnormal_answers.front()
                              : (test->answers.empty() ? "negative" : test->answers.front());
      }
      specimen.values.push_back(value);
      specimen.flags.push_back(rng() % 200 == 0 ? std::vector<std::string>{"W"}
                                                : std::vector<std::string>{});
      if (specimen.patient % 2 == 0 && test->kind == core::ResultKind::kNumeric) {
        history[history_key(specimen.patient, test)] =
            rules::PreviousResult{draw_value(*test, patient, rng),
                                  specimen.facts.collected_at - std::chrono::hours(1 + rng() % 72)};
      }
    }
    result_count += specimen.tests.size();
  }
  for (Specimen& specimen : specimens) {
    specimen.candidates.resize(specimen.tests.size());
    for (std::size_t j = 0; j < specimen.tests.size(); ++j) {
      rules::Candidate& candidate = specimen.candidates[j];
      candidate.test = specimen.tests[j];
      candidate.value = &specimen.values[j];
      candidate.instrument_flags = specimen.flags[j];
      const auto found = history.find(history_key(specimen.patient, specimen.tests[j]));
      if (found != history.end()) candidate.previous = found->second;
    }
  }

  std::size_t largest = 0;
  for (const Specimen& specimen : specimens) largest = std::max(largest, specimen.tests.size());
  std::vector<rules::Decision> decisions(largest);
  std::size_t autoverified_once = 0;
  for (const Specimen& specimen : specimens) {
    rules::evaluate_specimen(rule_set, specimen.facts, specimen.candidates,
                             std::span(decisions.data(), specimen.candidates.size()));
    for (std::size_t j = 0; j < specimen.candidates.size(); ++j) {
      autoverified_once += decisions[j].autoverify ? 1 : 0;
    }
  }

  const auto flagging_pass = [&] {
    std::size_t flagged = 0;
    for (const Specimen& specimen : specimens) {
      for (std::size_t j = 0; j < specimen.tests.size(); ++j) {
        const rules::Flagging flagging = rules::flag_result(
            *specimen.tests[j], specimen.values[j], specimen.facts.sex, specimen.facts.age_days);
        flagged += flagging.flag != core::AbnormalFlag::kNone ? 1 : 0;
      }
    }
    return flagged;
  };
  const auto evaluation_pass = [&] {
    std::size_t autoverified = 0;
    for (const Specimen& specimen : specimens) {
      const std::span<rules::Decision> out(decisions.data(), specimen.candidates.size());
      rules::evaluate_specimen(rule_set, specimen.facts, specimen.candidates, out);
      for (const rules::Decision& decision : out) autoverified += decision.autoverify ? 1 : 0;
    }
    return autoverified;
  };
  std::vector<rules::Candidate> candidates(largest);
  const auto history_pass = [&] {
    std::size_t autoverified = 0;
    for (const Specimen& specimen : specimens) {
      const std::size_t n = specimen.tests.size();
      for (std::size_t j = 0; j < n; ++j) {
        rules::Candidate& candidate = candidates[j];
        candidate.test = specimen.tests[j];
        candidate.value = &specimen.values[j];
        candidate.instrument_flags = specimen.flags[j];
        candidate.previous.reset();
        const auto found = history.find(history_key(specimen.patient, specimen.tests[j]));
        if (found != history.end()) candidate.previous = found->second;
      }
      const std::span<rules::Decision> out(decisions.data(), n);
      rules::evaluate_specimen(rule_set, specimen.facts, std::span(candidates.data(), n), out);
      for (std::size_t j = 0; j < n; ++j) {
        autoverified += out[j].autoverify ? 1 : 0;
      }
    }
    return autoverified;
  };

  const double flagging = aliquot::bench::best_rate(flagging_pass, result_count, options.seconds);
  const double evaluation =
      aliquot::bench::best_rate(evaluation_pass, result_count, options.seconds);
  const double with_history =
      aliquot::bench::best_rate(history_pass, result_count, options.seconds);

  fmt::print(
      "rules_bench: {} specimens, {} results, {} patients ({} with history); rules '{}' "
      "version {}, {} analytes\n",
      kSpecimens, result_count, kPatients, kPatients / 2, rule_set.name(), rule_set.version(),
      rule_set.analytes().size());
  fmt::print("  autoverified in this stream: {:.1f}% (values drawn wide on purpose)\n",
             100.0 * static_cast<double>(autoverified_once) / static_cast<double>(result_count));
  fmt::print("  {:<34} {:>12.0f} results/s per core\n", "flagging only (baseline)", flagging);
  fmt::print("  {:<34} {:>12.0f} results/s per core  ({:.2f}x the baseline's time)\n",
             "full rule set, evaluation", evaluation, flagging / evaluation);
  fmt::print("  {:<34} {:>12.0f} results/s per core  ({:.2f}x the baseline's time)\n",
             "full rule set, with history lookup", with_history, flagging / with_history);
  const bool met = evaluation >= kTargetPerSecond;
  fmt::print("  target: evaluation >= {:.0f} results/s per core: {}\n", kTargetPerSecond,
             met ? "met" : "NOT met");
  return 0;
}
