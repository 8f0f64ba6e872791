#pragma once

// The bench's view of one patient: every order with its specimens and all of its results as
// they stand, preliminary values and the reasons they are held included. For the lab's own
// people; clinicians read lab/queries.h patient_report, which shows released values only.

#include <string>
#include <vector>

#include "core/patient.h"
#include "lab/context.h"
#include "lab/queries.h"
#include "store/store.h"

namespace aliquot::lab {

struct PatientHistory {
  core::Patient patient;
  std::vector<OrderDetail> orders;  // newest first, as order_detail gives each
};

// The patient with MRN `mrn` and every order of theirs. NotFound for an unknown MRN;
// PermissionDenied when the actor may not view records.
Result<PatientHistory> patient_history(store::Transaction& tx, const Context& ctx,
                                       const std::string& mrn);

}  // namespace aliquot::lab
