#pragma once

#include <cstdint>
#include <string>

#include "core/enums.h"
#include "core/time.h"

namespace aliquot::core {

// A person the lab tests, identified by the medical record number (MRN) of the facility.
struct Patient {
  std::int64_t id = 0;  // store key; 0 until stored
  std::string mrn;
  std::string family_name;
  std::string given_name;
  Date birth_date{};
  AdministrativeSex sex = AdministrativeSex::kUnknown;
  Instant registered_at{};
  std::string registered_by;
};

// An MRN is 1-20 characters of letters, digits and '-'; the error says which character is not.
Result<void> validate_mrn(std::string_view mrn);

}  // namespace aliquot::core
