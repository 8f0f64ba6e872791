#include "simulate/value_model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "core/test_result.h"
#include "rules/flagging.h"
#include "simulate/random.h"

namespace aliquot::simulate {
namespace {

enum class Shape { kNormal, kLogNormal };

// What the reference interval does not say about an analyte. Medians and limits are in `unit`
// and are used only when the catalog's unit is the same; otherwise the value is centred on the
// interval alone.
struct AnalyteData {
  std::string_view loinc{};
  Shape shape = Shape::kNormal;
  std::string_view unit{};
  double median = 0;        // log-normal: the healthy population's median
  double geometric_sd = 1;  // log-normal: its geometric standard deviation
  double lower_limit = 0;   // results below are reported as "<lower_limit" (limit of quantitation)
  double high_share = 0.5;  // of abnormal values, the share above the interval
  double cv = 0.03;         // specimen-to-specimen variation (within-subject plus analytical)
  double abnormal_scale = 1;  // how often abnormal, relative to the setting's base rate
};

// Shapes and directions as seen in a general hospital's core lab: hyperglycemia, renal
// impairment and anemia are the common abnormalities; lipids and TSH are right-skewed; troponin
// is mostly below the limit of quantitation. Within-subject variation after Ricos et al.'s
// biological variation database (Westgard QC, "desirable specifications"), rounded up to include
// analytical variation.
constexpr std::array kAnalyteData = {
    AnalyteData{.loinc = "2951-2", .high_share = 0.3, .cv = 0.008},  // sodium
    AnalyteData{.loinc = "2823-3", .high_share = 0.45, .cv = 0.05},  // potassium
    AnalyteData{.loinc = "6298-4", .high_share = 0.45, .cv = 0.05},  // potassium, plasma
    AnalyteData{.loinc = "2075-0", .high_share = 0.4, .cv = 0.015},  // chloride
    AnalyteData{.loinc = "2028-9", .high_share = 0.3, .cv = 0.05},   // CO2
    AnalyteData{.loinc = "3094-0", .high_share = 0.9, .cv = 0.12},   // urea nitrogen
    AnalyteData{.loinc = "2160-0", .high_share = 0.9, .cv = 0.06},   // creatinine
    AnalyteData{
        .loinc = "2345-7", .high_share = 0.85, .cv = 0.06, .abnormal_scale = 1.8},  // glucose
    AnalyteData{.loinc = "17861-6", .high_share = 0.3, .cv = 0.02},                 // calcium
    AnalyteData{.loinc = "2885-2", .high_share = 0.3, .cv = 0.03},                  // total protein
    AnalyteData{.loinc = "1751-7", .high_share = 0.05, .cv = 0.03},                 // albumin
    AnalyteData{.loinc = "1975-2", .high_share = 0.95, .cv = 0.2},                  // bilirubin
    AnalyteData{.loinc = "6768-6", .high_share = 0.9, .cv = 0.06},                  // ALP
    AnalyteData{.loinc = "1742-6", .high_share = 0.95, .cv = 0.15},                 // ALT
    AnalyteData{.loinc = "1920-8", .high_share = 0.95, .cv = 0.12},                 // AST
    AnalyteData{
        .loinc = "2093-3", .high_share = 1, .cv = 0.06, .abnormal_scale = 3.5},  // cholesterol
    AnalyteData{.loinc = "2571-8",
                .shape = Shape::kLogNormal,
                .unit = "mg/dL",
                .median = 115,
                .geometric_sd = 1.55,
                .high_share = 1,
                .cv = 0.2},  // triglycerides
    AnalyteData{.loinc = "2085-9", .high_share = 0, .cv = 0.07, .abnormal_scale = 1.5},  // HDL
    AnalyteData{.loinc = "13457-7", .high_share = 1, .cv = 0.08},  // LDL (calculated)
    AnalyteData{
        .loinc = "18262-6", .high_share = 1, .cv = 0.08, .abnormal_scale = 3.5},       // LDL direct
    AnalyteData{.loinc = "19123-9", .high_share = 0.3, .cv = 0.04},                    // magnesium
    AnalyteData{.loinc = "2777-1", .high_share = 0.5, .cv = 0.08},                     // phosphorus
    AnalyteData{.loinc = "3024-7", .high_share = 0.4, .cv = 0.06},                     // free T4
    AnalyteData{.loinc = "4548-4", .high_share = 1, .cv = 0.02, .abnormal_scale = 2},  // HbA1c
    AnalyteData{.loinc = "3016-3",
                .shape = Shape::kLogNormal,
                .unit = "m[IU]/L",
                .median = 1.6,
                .geometric_sd = 1.6,
                .high_share = 0.75,
                .cv = 0.18},  // TSH
    AnalyteData{.loinc = "11580-8",
                .shape = Shape::kLogNormal,
                .unit = "m[IU]/L",
                .median = 1.6,
                .geometric_sd = 1.6,
                .high_share = 0.75,
                .cv = 0.18},  // TSH (sensitive assay)
    AnalyteData{.loinc = "10839-9",
                .shape = Shape::kLogNormal,
                .unit = "ng/mL",
                .median = 0.006,
                .geometric_sd = 1.8,
                .lower_limit = 0.01,
                .high_share = 1,
                .cv = 0.1,
                .abnormal_scale = 0.5},  // troponin I
    AnalyteData{.loinc = "89579-7",
                .shape = Shape::kLogNormal,
                .unit = "ng/L",
                .median = 3,
                .geometric_sd = 2,
                .lower_limit = 2,
                .high_share = 1,
                .cv = 0.1,
                .abnormal_scale = 0.5},                             // troponin I, high-sensitivity
    AnalyteData{.loinc = "6690-2", .high_share = 0.7, .cv = 0.1},   // WBC
    AnalyteData{.loinc = "789-8", .high_share = 0.15, .cv = 0.03},  // RBC
    AnalyteData{.loinc = "718-7", .high_share = 0.08, .cv = 0.03, .abnormal_scale = 1.4},  // Hgb
    AnalyteData{.loinc = "4544-3", .high_share = 0.08, .cv = 0.03},   // hematocrit
    AnalyteData{.loinc = "787-2", .high_share = 0.4, .cv = 0.01},     // MCV
    AnalyteData{.loinc = "785-6", .high_share = 0.4, .cv = 0.01},     // MCH
    AnalyteData{.loinc = "786-4", .high_share = 0.3, .cv = 0.01},     // MCHC
    AnalyteData{.loinc = "788-0", .high_share = 0.95, .cv = 0.03},    // RDW
    AnalyteData{.loinc = "777-3", .high_share = 0.35, .cv = 0.08},    // platelets
    AnalyteData{.loinc = "32623-1", .high_share = 0.5, .cv = 0.04},   // MPV
    AnalyteData{.loinc = "770-8", .high_share = 0.7, .cv = 0.05},     // neutrophils %
    AnalyteData{.loinc = "736-9", .high_share = 0.3, .cv = 0.08},     // lymphocytes %
    AnalyteData{.loinc = "5905-5", .high_share = 0.7, .cv = 0.12},    // monocytes %
    AnalyteData{.loinc = "713-8", .high_share = 1, .cv = 0.2},        // eosinophils %
    AnalyteData{.loinc = "706-2", .high_share = 1, .cv = 0.2},        // basophils %
    AnalyteData{.loinc = "5902-2", .high_share = 0.95, .cv = 0.03},   // PT
    AnalyteData{.loinc = "6301-6", .high_share = 0.95, .cv = 0.04},   // INR
    AnalyteData{.loinc = "34714-6", .high_share = 0.95, .cv = 0.04},  // INR
    AnalyteData{.loinc = "14979-9", .high_share = 0.8, .cv = 0.04},   // aPTT
    AnalyteData{.loinc = "3173-2", .high_share = 0.8, .cv = 0.04},    // aPTT
    AnalyteData{.loinc = "3255-7", .high_share = 0.7, .cv = 0.06},    // fibrinogen
    AnalyteData{.loinc = "5811-5", .high_share = 0.5, .cv = 0.002},   // urine specific gravity
    AnalyteData{.loinc = "2965-2", .high_share = 0.5, .cv = 0.002},   // urine specific gravity
    AnalyteData{.loinc = "5803-2", .high_share = 0.6, .cv = 0.04},    // urine pH
    AnalyteData{.loinc = "2756-5", .high_share = 0.6, .cv = 0.04},    // urine pH
    AnalyteData{.loinc = "20405-7", .high_share = 0.8, .cv = 0.1},    // urobilinogen
};

const AnalyteData* find_data(std::string_view loinc) {
  for (const AnalyteData& data : kAnalyteData) {
    if (data.loinc == loinc) return &data;
  }
  return nullptr;
}

// Analytes whose value follows from others in the same specimen. Computing them keeps a report
// self-consistent (Hgb ~ Hct/3, the anion gap from its electrolytes, PT from INR); formulas from
// calculations.md.
constexpr std::string_view kHemoglobin = "718-7";
constexpr std::string_view kHematocrit = "4544-3";
constexpr std::string_view kMcv = "787-2";
constexpr std::string_view kMch = "785-6";
constexpr std::string_view kMchc = "786-4";
constexpr std::string_view kRbc = "789-8";
constexpr std::array<std::string_view, 2> kInr = {"6301-6", "34714-6"};
constexpr std::string_view kProthrombinTime = "5902-2";
constexpr std::string_view kSodium = "2951-2";
constexpr std::string_view kChloride = "2075-0";
constexpr std::string_view kCarbonDioxide = "2028-9";
constexpr std::array<std::string_view, 3> kAnionGap = {"33037-3", "1863-0", "10466-1"};
constexpr std::string_view kCholesterol = "2093-3";
constexpr std::string_view kHdl = "2085-9";
constexpr std::string_view kTriglycerides = "2571-8";
constexpr std::string_view kLdlCalculated = "13457-7";
constexpr std::string_view kCreatinine = "2160-0";
constexpr std::string_view kWhiteCells = "6690-2";
// Neutrophils, lymphocytes, monocytes, eosinophils, basophils: percentages, then the absolute
// counts in the same order.
constexpr std::array<std::string_view, 5> kDifferentialPercent = {"770-8", "736-9", "5905-5",
                                                                  "713-8", "706-2"};
constexpr std::array<std::string_view, 5> kDifferentialAbsolute = {"751-8", "731-0", "742-7",
                                                                   "711-2", "704-7"};
constexpr std::array<std::string_view, 2> kEgfr = {"98979-8", "62238-1"};

struct ScenarioData {
  std::string_view loinc{};
  std::string_view unit{};
  double value;   // typical presentation, in `unit`
  double spread;  // standard deviation around it
  bool high;      // beyond the high critical limit (else the low one)
  std::string_view label{};
  std::array<double, 3> weight;  // outpatient, inpatient, emergency
};

// Presentations that produce critical values in a general hospital, with rough relative
// frequencies per setting: ED hyperkalemia and hypoglycemia, myocardial infarction in the ED,
// over-anticoagulation from the anticoagulation clinic, anemia and cytopenias on the wards.
constexpr std::array kScenarios = {
    ScenarioData{"2823-3", "mmol/L", 6.9, 0.25, true, "hyperkalemia", {0.5, 1.5, 1.5}},
    ScenarioData{"6298-4", "mmol/L", 6.9, 0.25, true, "hyperkalemia", {0.5, 1.5, 1.5}},
    ScenarioData{"2823-3", "mmol/L", 2.4, 0.12, false, "hypokalemia", {0.8, 1, 1}},
    ScenarioData{"6298-4", "mmol/L", 2.4, 0.12, false, "hypokalemia", {0.8, 1, 1}},
    ScenarioData{"2345-7", "mg/dL", 38, 4, false, "hypoglycemia", {0.3, 1, 1.5}},
    ScenarioData{"2345-7", "mg/dL", 560, 60, true, "hyperglycemia", {0.6, 0.4, 1.2}},
    ScenarioData{"2951-2", "mmol/L", 116, 2, false, "hyponatremia", {0.3, 1, 0.8}},
    ScenarioData{"718-7", "g/dL", 5.8, 0.3, false, "severe anemia", {0.2, 1.5, 1}},
    ScenarioData{"777-3", "10*3/uL", 14, 3, false, "thrombocytopenia", {0.2, 1, 0.3}},
    ScenarioData{"6690-2", "10*3/uL", 0.7, 0.15, false, "neutropenia", {0.1, 0.8, 0.3}},
    ScenarioData{"10839-9", "ng/mL", 3.5, 1.5, true, "myocardial infarction", {0, 0.3, 3}},
    ScenarioData{"89579-7", "ng/L", 2500, 900, true, "myocardial infarction", {0, 0.3, 3}},
    ScenarioData{"6301-6", "{INR}", 6.8, 0.8, true, "over-anticoagulation", {2, 0.6, 1}},
    ScenarioData{"34714-6", "{INR}", 6.8, 0.8, true, "over-anticoagulation", {2, 0.6, 1}},
    ScenarioData{"17861-6", "mg/dL", 13.9, 0.4, true, "hypercalcemia", {0.3, 0.6, 0.4}},
};

// The share of a patient's analytes that are abnormal, by setting: outpatients are mostly
// well, inpatients are the sickest.
double base_abnormal_rate(CareSetting setting) {
  switch (setting) {
    case CareSetting::kOutpatient: return 0.06;
    case CareSetting::kInpatient: return 0.2;
    case CareSetting::kEmergency: return 0.15;
  }
  return 0.1;
}

int setting_index(CareSetting setting) {
  switch (setting) {
    case CareSetting::kOutpatient: return 0;
    case CareSetting::kInpatient: return 1;
    case CareSetting::kEmergency: return 2;
  }
  return 0;
}

bool contains(std::span<const std::string_view> list, std::string_view loinc) {
  return std::find(list.begin(), list.end(), loinc) != list.end();
}

// The smallest step the test reports.
double reporting_step(const core::TestDefinition& test) {
  return std::pow(10.0, -std::max(0, test.decimals));
}

// The smallest value a draw may take: positive, and under the limit of quantitation for
// analytes reported as "<limit" so that those reports occur.
double smallest_value(const core::TestDefinition& test);

double rounded(const core::TestDefinition& test, double value) {
  const double step = reporting_step(test);
  return std::round(value / step) * step;
}

bool is_critical_value(const core::TestDefinition& test, double value) {
  return (test.critical.low && value <= *test.critical.low) ||
         (test.critical.high && value >= *test.critical.high);
}

// Moves a value that chance alone drew beyond a critical limit back to between the reference
// interval and the limit, judged on the value as it will be reported (limits are inclusive).
double keep_off_critical(const core::TestDefinition& test, double value,
                         const core::ReferenceInterval* interval, Random& random) {
  const double step = reporting_step(test);
  if (test.critical.high && rounded(test, value) >= *test.critical.high) {
    const double limit = *test.critical.high;
    const double floor =
        interval && interval->high && *interval->high < limit ? *interval->high : limit * 0.9;
    value = floor + (limit - floor) * random.uniform(0.2, 0.8);
    if (rounded(test, value) >= limit) value = limit - step;
  }
  if (test.critical.low && rounded(test, value) <= *test.critical.low) {
    const double limit = *test.critical.low;
    const double ceiling =
        interval && interval->low && *interval->low > limit ? *interval->low : limit * 1.1 + step;
    value = limit + (ceiling - limit) * random.uniform(0.2, 0.8);
    if (rounded(test, value) <= limit) value = limit + step;
  }
  return value;
}

const core::ReferenceInterval* interval_for(const core::TestDefinition& test,
                                            const PatientProfile& patient) {
  if (const core::ReferenceInterval* interval =
          rules::select_reference_interval(test, patient.sex, patient.age_days)) {
    return interval;
  }
  return test.reference_intervals.empty() ? nullptr : &test.reference_intervals.front();
}

double smallest_value(const core::TestDefinition& test) {
  const AnalyteData* data = find_data(test.loinc);
  if (data && data->lower_limit > 0 && data->unit == test.unit) return data->lower_limit / 10;
  return reporting_step(test);
}

}  // namespace

ValueModel::ValueModel(const catalog::Catalog& catalog, std::uint64_t seed)
    : catalog_(catalog), seed_(seed) {
  for (const core::TestDefinition& test : catalog_.tests()) {
    if (!test.loinc.empty()) by_loinc_.emplace(test.loinc, &test);
  }
}

const core::TestDefinition* ValueModel::test_for_loinc(std::string_view loinc) const {
  const auto it = by_loinc_.find(loinc);
  return it == by_loinc_.end() ? nullptr : it->second;
}

Result<double> ValueModel::patient_value(const core::TestDefinition& test,
                                         const PatientProfile& patient) const {
  Random random = Random::derive(seed_, {patient.key, hash_text(test.loinc), hash_text(test.code)});
  const AnalyteData* data = find_data(test.loinc);
  const core::ReferenceInterval* interval = interval_for(test, patient);
  // Plain values rather than optionals: the branches below test has_low/has_high first.
  const bool has_low = interval != nullptr && interval->low.has_value();
  const bool has_high = interval != nullptr && interval->high.has_value();
  const double low = has_low ? *interval->low : 0;
  const double high = has_high ? *interval->high : 0;
  const bool data_applies = data && data->shape == Shape::kLogNormal && data->unit == test.unit;
  if (!has_low && !has_high && !data_applies) {
    return invalid_argument("no reference interval nor model data to simulate a value of test " +
                            test.code + " (LOINC " + test.loinc + ")");
  }

  double abnormal_rate = base_abnormal_rate(patient.setting) * (data ? data->abnormal_scale : 1);
  const Tendency* tendency = nullptr;
  if (const auto it = patient.tendencies.find(test.loinc); it != patient.tendencies.end()) {
    tendency = &it->second;
    abnormal_rate = std::max(abnormal_rate, tendency->probability);
  }
  const bool abnormal = random.bernoulli(std::min(abnormal_rate, 0.95));
  if (abnormal && tendency && tendency->typical &&
      (tendency->unit.empty() || tendency->unit == test.unit)) {
    const double value =
        std::max(random.log_normal(*tendency->typical, 1.15), smallest_value(test));
    return keep_off_critical(test, value, interval, random);
  }
  const double high_share = data ? data->high_share : 0.5;
  const bool above = has_high && (!has_low || random.bernoulli(high_share));

  double value = 0;
  if (!abnormal) {
    if (data_applies) {
      value = random.log_normal(data->median, data->geometric_sd);
      // A healthy draw stays at or under the interval's upper limit; the tail is the abnormal
      // branch's business.
      if (has_high && value > high) value = high * random.uniform(0.5, 1.0);
    } else if (has_low && has_high) {
      // sd = width / 4.4: about 95% of healthy values inside, as an interval is defined.
      value = random.normal((low + high) / 2, (high - low) / 4.4);
    } else if (has_high) {
      value = high * random.uniform(0.45, 0.98);
    } else {
      value = low * random.normal(1.35, 0.15);
    }
  } else if (above) {
    const double width = has_low ? high - low : high;
    // Mostly mildly high: half-normal beyond the limit, a third of the interval's width wide;
    // right-skewed analytes (troponin, TSH, triglycerides) run further, multiplicatively.
    value = high + std::abs(random.normal(0, width * 0.35)) + reporting_step(test);
    if (data && data->shape == Shape::kLogNormal) {
      value = high * std::exp(std::abs(random.normal(0, 0.7))) + reporting_step(test);
    }
  } else if (has_low) {
    const double width = has_high ? high - low : low;
    value = low - std::abs(random.normal(0, width * 0.25)) - reporting_step(test);
    if (value <= 0) value = low * random.uniform(0.4, 0.9);
  } else {
    value = high * random.uniform(0.45, 0.98);
  }
  value = std::max(value, smallest_value(test));
  return keep_off_critical(test, value, interval, random);
}

Result<double> ValueModel::numeric_value(const core::TestDefinition& test,
                                         const PatientProfile& patient,
                                         std::uint64_t sample) const {
  Random random =
      Random::derive(seed_, {patient.key, hash_text(test.loinc), hash_text(test.code), sample});
  const core::ReferenceInterval* interval = interval_for(test, patient);

  // Derived analytes first: they follow their inputs in the same specimen.
  auto input = [&](std::string_view loinc) -> std::optional<double> {
    const core::TestDefinition* other = test_for_loinc(loinc);
    if (other == nullptr || other == &test) return std::nullopt;
    Result<double> v = numeric_value(*other, patient, sample);
    return v ? std::optional<double>(*v) : std::nullopt;
  };
  std::optional<double> derived{};
  if (test.loinc == kHematocrit) {
    if (auto hgb = input(kHemoglobin)) {
      // HCT/HGB is 100/MCHC. Each patient keeps a set point of their own, between-person CV about
      // 2.3 % (NHANES 1999-2002 hematology biological variation, CDC); specimens vary around it
      // by the within-person CV of MCHC, about 1.6 % (Arch Pathol Lab Med 1992;116:825).
      Random set_point = Random::derive(seed_, {patient.key, hash_text("mchc set point")});
      const double ratio = 2.95 * set_point.normal(1, 0.023);
      derived = *hgb * ratio * random.normal(1, 0.016);
    }
  } else if (test.loinc == kMchc) {
    if (auto hgb = input(kHemoglobin); hgb) {
      if (auto hct = input(kHematocrit)) derived = *hgb / *hct * 100;
    }
  } else if (test.loinc == kMch) {
    if (auto mcv = input(kMcv); mcv) {
      if (auto mchc = input(kMchc)) derived = *mcv * *mchc / 100;
    }
  } else if (test.loinc == kRbc) {
    if (auto hct = input(kHematocrit); hct) {
      if (auto mcv = input(kMcv)) derived = *hct * 10 / *mcv;
    }
  } else if (test.loinc == kProthrombinTime) {
    for (std::string_view inr_loinc : kInr) {
      if (auto inr = input(inr_loinc); inr && interval && interval->low && interval->high) {
        // INR = (PT / MNPT)^ISI with ISI = 1 (calculations.md); MNPT at mid-interval.
        derived = (*interval->low + *interval->high) / 2 * *inr;
        break;
      }
    }
  } else if (contains(kAnionGap, test.loinc)) {
    auto na = input(kSodium);
    auto cl = input(kChloride);
    auto co2 = input(kCarbonDioxide);
    if (na && cl && co2) derived = std::max(3.0, *na - (*cl + *co2));
  } else if (test.loinc == kLdlCalculated) {
    auto tc = input(kCholesterol);
    auto hdl = input(kHdl);
    auto tg = input(kTriglycerides);
    // Friedewald (calculations.md): TC - HDL - TG/5 in mg/dL.
    if (tc && hdl && tg && test.unit == "mg/dL") derived = std::max(10.0, *tc - *hdl - *tg / 5);
  } else if (contains(kDifferentialPercent, test.loinc)) {
    // The five percentages of a differential count add up to 100.
    double sum = 0;
    std::optional<double> own{};
    for (std::string_view loinc : kDifferentialPercent) {
      const core::TestDefinition* cell = test_for_loinc(loinc);
      if (cell == nullptr) continue;
      ALIQUOT_ASSIGN_OR_RETURN(const double raw, independent_value(*cell, patient, sample));
      sum += raw;
      if (cell == &test) own = raw;
    }
    if (own && sum > 0) derived = *own / sum * 100;
  } else if (contains(kDifferentialAbsolute, test.loinc)) {
    // Absolute count = WBC x percentage / 100 (calculations.md).
    const auto index = static_cast<std::size_t>(
        std::find(kDifferentialAbsolute.begin(), kDifferentialAbsolute.end(), test.loinc) -
        kDifferentialAbsolute.begin());
    auto wbc = input(kWhiteCells);
    auto share = input(kDifferentialPercent[index]);
    if (wbc && share) derived = *wbc * *share / 100;
  } else if (contains(kEgfr, test.loinc)) {
    if (auto scr = input(kCreatinine); scr && test_for_loinc(kCreatinine)->unit == "mg/dL") {
      // CKD-EPI 2021 creatinine equation (Inker et al., NEJM 2021;385:1737).
      const bool female = patient.sex == core::AdministrativeSex::kFemale;
      const double kappa = female ? 0.7 : 0.9;
      const double alpha = female ? -0.241 : -0.302;
      const double age = patient.age_days / 365.25;
      derived = 142 * std::pow(std::min(*scr / kappa, 1.0), alpha) *
                std::pow(std::max(*scr / kappa, 1.0), -1.200) * std::pow(0.9938, age) *
                (female ? 1.012 : 1.0);
    }
  }
  if (derived) return std::max(*derived, reporting_step(test));
  return independent_value(test, patient, sample);
}

Result<double> ValueModel::independent_value(const core::TestDefinition& test,
                                             const PatientProfile& patient,
                                             std::uint64_t sample) const {
  Random random = Random::derive(
      seed_, {patient.key, hash_text(test.loinc), hash_text(test.code), sample, 0x1d});
  const core::ReferenceInterval* interval = interval_for(test, patient);
  const AnalyteData* data = find_data(test.loinc);
  const double cv = data ? data->cv : 0.03;
  if (patient.critical && patient.critical->loinc == test.loinc) {
    // The presentation itself; later specimens stay beyond the limit (nothing was treated yet).
    double value = patient.critical->value * (1 + random.normal(0, cv / 2));
    if (!is_critical_value(test, rounded(test, value))) value = patient.critical->value;
    return value;
  }
  ALIQUOT_ASSIGN_OR_RETURN(const double steady, patient_value(test, patient));
  const double value = std::max(steady * (1 + random.normal(0, cv)), smallest_value(test));
  return keep_off_critical(test, value, interval, random);
}

Result<std::string> ValueModel::value_for(const core::TestDefinition& test,
                                          const PatientProfile& patient,
                                          std::uint64_t sample) const {
  switch (test.kind) {
    case core::ResultKind::kNumeric: {
      ALIQUOT_ASSIGN_OR_RETURN(const double value, numeric_value(test, patient, sample));
      const AnalyteData* data = find_data(test.loinc);
      if (data && data->lower_limit > 0 && data->unit == test.unit && value < data->lower_limit) {
        return "<" + core::format_decimal(data->lower_limit, test.decimals);
      }
      return core::format_decimal(value, test.decimals);
    }
    case core::ResultKind::kCoded: {
      if (test.answers.empty()) {
        return invalid_argument("coded test " + test.code + " has no answers to choose from");
      }
      Random random = Random::derive(seed_, {patient.key, hash_text(test.code), sample});
      std::vector<std::string> normal_answers{};
      std::vector<std::string> abnormal_answers{};
      for (const std::string& answer : test.answers) {
        const bool is_abnormal =
            std::find(test.abnormal_answers.begin(), test.abnormal_answers.end(), answer) !=
            test.abnormal_answers.end();
        (is_abnormal ? abnormal_answers : normal_answers).push_back(answer);
      }
      double abnormal_rate = base_abnormal_rate(patient.setting);
      if (const auto it = patient.tendencies.find(test.loinc); it != patient.tendencies.end()) {
        abnormal_rate = std::max(abnormal_rate, it->second.probability);
      }
      if (!abnormal_answers.empty() &&
          (normal_answers.empty() || random.bernoulli(abnormal_rate))) {
        // The milder answers are listed first and seen most: weight 1/(rank+1).
        std::vector<double> weights{};
        for (std::size_t i = 0; i < abnormal_answers.size(); ++i) weights.push_back(1.0 / (i + 1));
        return abnormal_answers[random.weighted_index(weights)];
      }
      // The expected answer when the interval names one, else the first normal answer.
      const core::ReferenceInterval* interval = interval_for(test, patient);
      if (interval && !interval->text.empty()) {
        for (const std::string& answer : normal_answers) {
          if (answer == interval->text) return answer;
        }
      }
      return normal_answers.front();
    }
    case core::ResultKind::kText: return std::string("No abnormality detected.");
  }
  return internal_error("unknown result kind of test " + test.code);
}

std::vector<std::pair<CriticalScenario, double>> ValueModel::scenarios_for(
    CareSetting setting, const std::vector<const core::TestDefinition*>& tests,
    std::uint64_t draw_key) const {
  std::vector<std::pair<CriticalScenario, double>> result{};
  Random random = Random::derive(seed_, {draw_key, 0x5ce7a210});
  for (const ScenarioData& scenario : kScenarios) {
    const double weight = scenario.weight[setting_index(setting)];
    if (weight <= 0) continue;
    const auto it = std::find_if(tests.begin(), tests.end(), [&](const core::TestDefinition* t) {
      return t->loinc == scenario.loinc;
    });
    if (it == tests.end()) continue;
    const core::TestDefinition& test = **it;
    const std::optional<double> limit = scenario.high ? test.critical.high : test.critical.low;
    if (!limit) continue;  // this lab does not call this analyte on that side
    double value = scenario.value + random.normal(0, scenario.spread);
    const bool beyond = [&] {
      const double reported = rounded(test, value);
      return scenario.high ? reported >= *limit : reported <= *limit && reported > 0;
    }();
    if (scenario.unit != test.unit || !beyond) {
      // Another unit or a stricter limit than the presentation's: place it beyond the limit.
      value =
          scenario.high ? *limit * random.uniform(1.1, 1.6) : *limit * random.uniform(0.8, 0.95);
      if (scenario.high && rounded(test, value) < *limit) value = *limit;
      if (!scenario.high && rounded(test, value) > *limit) value = *limit;
    }
    result.push_back(
        {CriticalScenario{
             .loinc = test.loinc, .value = value, .label = std::string(scenario.label)},
         weight});
  }
  return result;
}

}  // namespace aliquot::simulate
