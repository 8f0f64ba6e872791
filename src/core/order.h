#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/enums.h"
#include "core/time.h"

namespace aliquot::core {

// A request for tests on one patient. `requested_codes` keeps what the provider asked for (panels
// as panels); the orderable tests they expand to become results, one per test.
struct Order {
  std::int64_t id = 0;
  std::string order_number;  // the lab's (filler) order number, e.g. "O26-0000042"
  // The ordering system's own number (HL7 ORC-2/OBR-2) when the order came from an EHR; results
  // sent back carry it so the EHR can match them. "" for orders placed in the lab.
  std::string placer_order_number;
  std::int64_t patient_id = 0;
  std::string ordering_provider;
  Priority priority = Priority::kRoutine;
  std::string clinical_info;
  std::vector<std::string> requested_codes;
  Instant ordered_at{};
  std::string ordered_by;
};

}  // namespace aliquot::core
