#pragma once

// The bench's view of one patient: their orders, newest first, with specimens and all of the
// results as they stand, preliminary values and the reasons they are held included. For the
// lab's own people; clinicians read lab/queries.h patient_report, which shows released values
// only.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/patient.h"
#include "lab/context.h"
#include "lab/queries.h"
#include "store/store.h"

namespace aliquot::lab {

struct PatientHistory {
  core::Patient patient;
  std::vector<OrderDetail> orders;  // newest first, each as order_detail gives it
  // The order number to ask the next page `before` for older orders; empty when there are none.
  std::string older_than;
};

// The patient with MRN `mrn` and every order of theirs. NotFound for an unknown MRN;
// PermissionDenied when the actor may not view records.
Result<PatientHistory> patient_history(store::Transaction& tx, const Context& ctx,
                                       const std::string& mrn);

// As patient_history, at most `limit` orders (at least 1), starting after order
// `before_order_number` (newest first) when it is given. InvalidArgument when that order is not
// one of the patient's. A fixed number of reads whatever the page holds.
Result<PatientHistory> patient_history_page(store::Transaction& tx, const Context& ctx,
                                            const std::string& mrn,
                                            const std::optional<std::string>& before_order_number,
                                            std::int64_t limit);

}  // namespace aliquot::lab
