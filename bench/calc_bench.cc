// calc_bench: how fast the calculation engine computes calculated tests, against the same
// formulas written by hand in C++, measured in the same run.
//
// The work, the same for both: for each of 4096 input sets (fixed seed, plausible adult values;
// a few fall outside the validity limits on purpose), check the inputs' limits and the validity
// rules and compute the value:
//   egfr-ckd-epi-2021   creatinine, age, sex: limits, age >= 18, the CKD-EPI 2021 equation
//                       (five powers)
//   ldl-martin-hopkins  total cholesterol, HDL, triglycerides: limits, the table's triglyceride
//                       range, non-HDL, the factor from the 180-cell table, LDL >= 0
// The engine runs calc::Calculation::compute() on the default calculations file as built into
// the program, with an InputValues filled per set as autoverification would fill it. The
// hand-written functions use the constants and table compiled in. Both run on one thread; each
// measurement repeats passes over the 4096 sets for at least --seconds (default 1) after a
// warm-up pass, and the best of three measurements is reported. Both must agree on every
// decision and value (1e-12 relative), or the benchmark fails.
//
// Prints evaluations per second per core for each, and the ratio: how many times longer the
// engine takes than the hand-written function.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bench_support.h"
#include "calc/calculation_set.h"

namespace {

constexpr std::size_t kSets = 4096;

// --- hand-written formulas ----------------------------------------------------------------------

struct EgfrInput {
  double creatinine;
  double age;
  bool female;
};

// CKD-EPI 2021 creatinine (Inker, NEJM 2021;385:1737), with the same limits as the data file.
std::optional<double> egfr_by_hand(const EgfrInput& in) {
  if (!(in.creatinine > 0) || !(in.age >= 0) || in.age < 18) return std::nullopt;
  const double kappa = in.female ? 0.7 : 0.9;
  const double alpha = in.female ? -0.241 : -0.302;
  const double scr = in.creatinine / kappa;
  const double value = 142 * std::pow(std::min(scr, 1.0), alpha) *
                       std::pow(std::max(scr, 1.0), -1.200) * std::pow(0.9938, in.age) *
                       (in.female ? 1.012 : 1.0);
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

struct LipidInput {
  double tc;
  double hdl;
  double tg;
};

// Martin–Hopkins factors (Martin, JAMA 2013;310:2061), rows by triglycerides from each lower
// edge, columns by non-HDL from each lower edge.
constexpr std::array<double, 30> kTgFrom = {7,   50,  57,  62,  67,  72,  76,  80,  84,  88,
                                            93,  97,  101, 106, 111, 116, 121, 127, 133, 139,
                                            147, 155, 164, 174, 186, 202, 221, 248, 293, 400};
constexpr double kTgEnd = 13976;
constexpr std::array<double, 5> kNonHdlFrom = {100, 130, 160, 190, 220};
constexpr std::array<std::array<double, 6>, 30> kFactors = {{
    {3.5, 3.4, 3.3, 3.3, 3.2, 3.1}, {4.0, 3.9, 3.7, 3.6, 3.6, 3.4},
    {4.3, 4.1, 4.0, 3.9, 3.8, 3.6}, {4.5, 4.3, 4.1, 4.0, 3.9, 3.9},
    {4.7, 4.4, 4.3, 4.2, 4.1, 3.9}, {4.8, 4.6, 4.4, 4.2, 4.2, 4.1},
    {4.9, 4.6, 4.5, 4.3, 4.3, 4.2}, {5.0, 4.8, 4.6, 4.4, 4.3, 4.2},
    {5.1, 4.8, 4.6, 4.5, 4.4, 4.3}, {5.2, 4.9, 4.7, 4.6, 4.4, 4.3},
    {5.3, 5.0, 4.8, 4.7, 4.5, 4.4}, {5.4, 5.1, 4.8, 4.7, 4.5, 4.3},
    {5.5, 5.2, 5.0, 4.7, 4.6, 4.5}, {5.6, 5.3, 5.0, 4.8, 4.6, 4.5},
    {5.7, 5.4, 5.1, 4.9, 4.7, 4.5}, {5.8, 5.5, 5.2, 5.0, 4.8, 4.6},
    {6.0, 5.5, 5.3, 5.0, 4.8, 4.6}, {6.1, 5.7, 5.3, 5.1, 4.9, 4.7},
    {6.2, 5.8, 5.4, 5.2, 5.0, 4.7}, {6.3, 5.9, 5.6, 5.3, 5.0, 4.8},
    {6.5, 6.0, 5.7, 5.4, 5.1, 4.8}, {6.7, 6.2, 5.8, 5.4, 5.2, 4.9},
    {6.8, 6.3, 5.9, 5.5, 5.3, 5.0}, {7.0, 6.5, 6.0, 5.7, 5.4, 5.1},
    {7.3, 6.7, 6.2, 5.8, 5.5, 5.2}, {7.6, 6.9, 6.4, 6.0, 5.6, 5.3},
    {8.0, 7.2, 6.6, 6.2, 5.9, 5.4}, {8.5, 7.6, 7.0, 6.5, 6.1, 5.6},
    {9.5, 8.3, 7.5, 7.0, 6.5, 5.9}, {11.9, 10.0, 8.8, 8.1, 7.5, 6.7},
}};

std::optional<double> ldl_by_hand(const LipidInput& in) {
  if (!(in.tc > 0) || !(in.hdl > 0) || !(in.tg >= 0)) return std::nullopt;
  if (in.tg < 7 || in.tg >= kTgEnd) return std::nullopt;
  const double non_hdl = in.tc - in.hdl;
  const std::size_t row =
      static_cast<std::size_t>(std::upper_bound(kTgFrom.begin(), kTgFrom.end(), in.tg) -
                               kTgFrom.begin()) -
      1;
  const std::size_t column = static_cast<std::size_t>(
      std::upper_bound(kNonHdlFrom.begin(), kNonHdlFrom.end(), non_hdl) - kNonHdlFrom.begin());
  const double ldl = non_hdl - in.tg / kFactors[row][column];
  if (ldl < 0 || !std::isfinite(ldl)) return std::nullopt;
  return ldl;
}

// --- measuring ----------------------------------------------------------------------------------

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
      aliquot::bench::fail("usage: calc_bench [--seconds S]");
    }
  }
  return options;
}

void check_agreement(const std::string& name, const std::optional<double>& by_hand,
                     const aliquot::calc::Outcome& engine, std::size_t set) {
  const bool same_decision = by_hand.has_value() == engine.reportable();
  const bool same_value =
      !by_hand || std::fabs(*by_hand - engine.value) <= std::fabs(*by_hand) * 1e-12;
  if (!same_decision || !same_value) {
    aliquot::bench::fail(
        fmt::format("{}: input set {} differs: by hand {}, engine {}", name, set,
                    by_hand ? fmt::format("{}", *by_hand) : "not reportable",
                    engine.reportable() ? fmt::format("{}", engine.value) : "not reportable"));
  }
}

void report(const std::string& name, double engine, double by_hand) {
  fmt::print("{:<20} {:>16.0f} {:>16.0f} {:>21.2f}x\n", name, engine, by_hand, by_hand / engine);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  aliquot::calc::LoadOutcome loaded = aliquot::calc::load_calculations(
      aliquot::calc::default_calculations_text(), aliquot::calc::kDefaultCalculationsFileName);
  if (!loaded.calculations) aliquot::bench::fail(loaded.diagnostics.front().to_string());
  const aliquot::calc::CalculationSet& set = *loaded.calculations;
  const aliquot::calc::Calculation* egfr = set.find("egfr-ckd-epi-2021");
  const aliquot::calc::Calculation* ldl = set.find("ldl-martin-hopkins");
  if (egfr == nullptr || ldl == nullptr) aliquot::bench::fail("a calculation is missing");
  const std::size_t creatinine = *egfr->find_input("creatinine");
  const std::size_t age = *egfr->find_input("age");
  const std::size_t sex = *egfr->find_input("sex");
  const std::size_t tc = *ldl->find_input("tc");
  const std::size_t hdl = *ldl->find_input("hdl");
  const std::size_t tg = *ldl->find_input("tg");

  std::mt19937_64 random(20260301);
  std::vector<EgfrInput> egfr_inputs(kSets);
  for (EgfrInput& in : egfr_inputs) {
    in.creatinine = std::uniform_real_distribution<double>(0.4, 6.0)(random);
    in.age = std::uniform_real_distribution<double>(16.0, 95.0)(random);  // a few children
    in.female = std::bernoulli_distribution(0.5)(random);
  }
  std::vector<LipidInput> lipid_inputs(kSets);
  for (LipidInput& in : lipid_inputs) {
    in.tc = std::uniform_real_distribution<double>(110.0, 320.0)(random);
    in.hdl = std::uniform_real_distribution<double>(25.0, 95.0)(random);
    in.tg = std::uniform_real_distribution<double>(4.0, 900.0)(random);
  }

  // The same decisions and values, set by set.
  aliquot::calc::InputValues values;
  for (std::size_t i = 0; i < kSets; ++i) {
    values.set(creatinine, egfr_inputs[i].creatinine);
    values.set(age, egfr_inputs[i].age);
    values.set(sex, egfr_inputs[i].female ? 0 : 1);
    check_agreement("egfr-ckd-epi-2021", egfr_by_hand(egfr_inputs[i]), egfr->compute(values), i);
  }
  for (std::size_t i = 0; i < kSets; ++i) {
    aliquot::calc::InputValues lipid;
    lipid.set(tc, lipid_inputs[i].tc);
    lipid.set(hdl, lipid_inputs[i].hdl);
    lipid.set(tg, lipid_inputs[i].tg);
    check_agreement("ldl-martin-hopkins", ldl_by_hand(lipid_inputs[i]), ldl->compute(lipid), i);
  }

  const auto engine_egfr = [&] {
    aliquot::calc::InputValues in;
    double sum = 0;
    for (const EgfrInput& set_values : egfr_inputs) {
      in.set(creatinine, set_values.creatinine);
      in.set(age, set_values.age);
      in.set(sex, set_values.female ? 0 : 1);
      const aliquot::calc::Outcome outcome = egfr->compute(in);
      sum += outcome.reportable() ? outcome.value : 1;
    }
    return sum;
  };
  const auto hand_egfr = [&] {
    double sum = 0;
    for (const EgfrInput& in : egfr_inputs) sum += egfr_by_hand(in).value_or(1);
    return sum;
  };
  const auto engine_ldl = [&] {
    aliquot::calc::InputValues in;
    double sum = 0;
    for (const LipidInput& set_values : lipid_inputs) {
      in.set(tc, set_values.tc);
      in.set(hdl, set_values.hdl);
      in.set(tg, set_values.tg);
      const aliquot::calc::Outcome outcome = ldl->compute(in);
      sum += outcome.reportable() ? outcome.value : 1;
    }
    return sum;
  };
  const auto hand_ldl = [&] {
    double sum = 0;
    for (const LipidInput& in : lipid_inputs) sum += ldl_by_hand(in).value_or(1);
    return sum;
  };

  fmt::print("calc_bench: one thread, {} input sets, best of 3 measurements of >= {} s each\n",
             kSets, options.seconds);
  fmt::print("{:<20} {:>16} {:>16} {:>22}\n", "calculation", "engine evals/s", "C++ evals/s",
             "engine time / C++ time");
  report("egfr-ckd-epi-2021", aliquot::bench::best_rate(engine_egfr, kSets, options.seconds),
         aliquot::bench::best_rate(hand_egfr, kSets, options.seconds));
  report("ldl-martin-hopkins", aliquot::bench::best_rate(engine_ldl, kSets, options.seconds),
         aliquot::bench::best_rate(hand_ldl, kSets, options.seconds));
  return 0;
}
