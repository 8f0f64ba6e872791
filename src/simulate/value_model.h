#pragma once

// Result values for simulated patients. Numeric values are centred on the catalog's reference
// interval for the patient's sex and age (read from the Catalog, so a lab's own menu shapes its
// simulated day); what the interval cannot say — skew, detection limits, how often an analyte is
// abnormal and in which direction, how related analytes agree — is data here, keyed by LOINC so
// that it follows the analyte whatever the lab calls its test.
//
// A patient's values are drawn from a stream keyed by the patient, so two orders for the same
// patient agree (within biological and analytical variation) and adding a test to one order does
// not change any other value. Values outside a critical limit appear only through a
// CriticalScenario: chance alone never makes a critical, so the day's critical rate is set by the
// scenarios' rate. Immutable after construction; thread-safe for concurrent reads.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/enums.h"
#include "core/error.h"
#include "core/test_definition.h"
#include "simulate/population.h"

namespace aliquot::simulate {

// A clinical picture that puts one analyte beyond its critical limit.
struct CriticalScenario {
  std::string loinc{};
  double value = 0;     // in the catalog's unit for that analyte
  std::string label{};  // "hyperkalemia", for the call's notes
};

// How a patient's clinical picture bends one analyte: how likely it is abnormal and, when the
// picture has a typical value (a diabetic's HbA1c, an anticoagulated patient's INR), around
// what value, in `unit` ("" = whatever unit the catalog uses).
struct Tendency {
  double probability = 0;
  std::optional<double> typical{};
  std::string unit{};
};

// What the value model needs to know about a patient.
struct PatientProfile {
  std::uint64_t key = 0;  // the patient's stream within the day
  core::AdministrativeSex sex = core::AdministrativeSex::kUnknown;
  int age_days = 0;
  CareSetting setting = CareSetting::kOutpatient;
  std::map<std::string, Tendency> tendencies{};  // by LOINC
  std::optional<CriticalScenario> critical{};
};

class ValueModel {
 public:
  // `catalog` must outlive the model.
  ValueModel(const catalog::Catalog& catalog, std::uint64_t seed);

  // The value to enter for `test`, as a technician would type it ("4.1", "<0.01", "negative").
  // `sample` distinguishes specimens of the same patient (order and recollection), which differ
  // by analytical and short-term biological variation only. InvalidArgument when the test has no
  // reference interval nor model data to centre a value on.
  Result<std::string> value_for(const core::TestDefinition& test, const PatientProfile& patient,
                                std::uint64_t sample) const;

  // Scenarios that would be critical under this catalog for one of `tests` (catalog test codes)
  // in `setting`, with their relative weights; empty when none applies.
  std::vector<std::pair<CriticalScenario, double>> scenarios_for(
      CareSetting setting, const std::vector<const core::TestDefinition*>& tests,
      std::uint64_t draw_key) const;

 private:
  // The patient's own (steady-state) value of a numeric analyte, before sample variation.
  Result<double> patient_value(const core::TestDefinition& test,
                               const PatientProfile& patient) const;
  // The value of one specimen: the patient's value with sample variation, or the critical
  // presentation's value.
  Result<double> independent_value(const core::TestDefinition& test, const PatientProfile& patient,
                                   std::uint64_t sample) const;
  // As independent_value, or computed from related analytes of the same specimen.
  Result<double> numeric_value(const core::TestDefinition& test, const PatientProfile& patient,
                               std::uint64_t sample) const;
  const core::TestDefinition* test_for_loinc(std::string_view loinc) const;

  const catalog::Catalog& catalog_;
  std::uint64_t seed_;
  std::map<std::string, const core::TestDefinition*, std::less<>> by_loinc_{};
};

}  // namespace aliquot::simulate
