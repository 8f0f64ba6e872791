#pragma once

// The simulated lab's staff and their shifts: who is at the front desk (accessioning) and at each
// bench at a given time. The day is covered by three eight-hour shifts (07-15, 15-23, 23-07).

#include <span>
#include <string_view>

#include "core/enums.h"
#include "core/time.h"

namespace aliquot::simulate {

struct StaffMember {
  std::string_view username{};
  std::string_view display_name{};
  core::Role role;
};

// Everyone, for adding the users to the lab.
std::span<const StaffMember> simulated_staff();

// The clerk on shift at `at` (the hour of day in UTC, the simulation's local time).
const StaffMember& front_desk_on_shift(core::Instant at);
// The technician or technologist working `section` at `at`.
const StaffMember& bench_on_shift(std::string_view section, core::Instant at);

}  // namespace aliquot::simulate
