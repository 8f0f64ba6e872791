#pragma once

// What the bench reads beside one result before releasing it: the patient's earlier released
// values of the same test (a value that jumps from the patient's history is checked before it
// goes out, whether or not the catalog has a delta rule for the test), and the reference interval
// and critical limits that apply to this patient and specimen.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/patient.h"
#include "core/specimen.h"
#include "core/test_definition.h"
#include "core/test_result.h"
#include "lab/context.h"
#include "store/store.h"

namespace aliquot::lab {

// One earlier released value: when its specimen was collected, the value as it stands now (a
// corrected value replaces the one first released) and its flag.
struct PreviousResult {
  core::Instant collected_at{};
  std::string accession_number;
  core::TestResult result;  // final or corrected
};

// The patient's released (final or corrected) results of `test_code` on specimens collected
// strictly before `collected_before`, newest collection first, at most `limit`. Results of other
// tests, not released, or without a specimen are left out. NotFound for an unknown patient id.
// Any role may read (lab/queries.h): PermissionDenied for an actor who is no active user.
Result<std::vector<PreviousResult>> previous_released_results(
    store::Transaction& tx, const Context& ctx, std::int64_t patient_id,
    const std::string& test_code, core::Instant collected_before, std::size_t limit);

// The limits a value of `test` is judged against for this patient and specimen: the reference
// interval the flagging picks (rules::select_reference_interval: sex, age at collection,
// specimen type, and the method, i.e. the instrument profile id, "" for a value a person
// entered), absent when none applies; and the test's critical limits, which apply to everyone.
struct PatientLimits {
  std::optional<core::ReferenceInterval> reference;
  core::CriticalLimits critical;
};
PatientLimits limits_for_patient(const core::TestDefinition& test, const core::Patient& patient,
                                 const core::Specimen& specimen, const std::string& method);

}  // namespace aliquot::lab
