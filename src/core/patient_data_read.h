#pragma once

#include <cstdint>
#include <string>

#include "core/time.h"

namespace aliquot::core {

// One look at a patient's data by a person (ARCHITECTURE decision 9): who, when, which patient,
// which view, from where. Kept apart from the audit trail, which records changes: reads are far
// more frequent and change nothing.
struct PatientDataRead {
  std::int64_t id = 0;  // set by the store
  Instant at{};
  std::string username;
  std::string mrn;
  std::string what;  // "patient report", "specimen 26000123", "worklist CHEM"
  std::string peer;  // the client's address; "" for the command line
};

}  // namespace aliquot::core
