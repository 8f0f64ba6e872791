#include "simulate/staff.h"

#include <array>
#include <chrono>

namespace aliquot::simulate {
namespace {

constexpr std::array kStaff = {
    StaffMember{"clerk.mendes", "Lucia Mendes", core::Role::kClerk},
    StaffMember{"clerk.obi", "Chinedu Obi", core::Role::kClerk},
    StaffMember{"clerk.ruiz", "Ana Ruiz", core::Role::kClerk},
    StaffMember{"tech.nguyen", "Linh Nguyen", core::Role::kTechnician},
    StaffMember{"tech.okafor", "Emeka Okafor", core::Role::kTechnician},
    StaffMember{"tech.silva", "Joana Silva", core::Role::kTechnician},
    StaffMember{"tech.larsen", "Mikkel Larsen", core::Role::kTechnician},
    StaffMember{"mls.patel", "Anjali Patel", core::Role::kTechnologist},
};

enum Shift { kDay, kEvening, kNight };

Shift shift_at(core::Instant at) {
  const auto since_midnight = at - std::chrono::floor<std::chrono::days>(at);
  const auto hour = std::chrono::duration_cast<std::chrono::hours>(since_midnight).count();
  if (hour >= 7 && hour < 15) return kDay;
  if (hour >= 15 && hour < 23) return kEvening;
  return kNight;
}

}  // namespace

std::span<const StaffMember> simulated_staff() { return kStaff; }

const StaffMember& front_desk_on_shift(core::Instant at) {
  switch (shift_at(at)) {
    case kDay: return kStaff[0];
    case kEvening: return kStaff[1];
    case kNight: return kStaff[2];
  }
  return kStaff[0];
}

const StaffMember& bench_on_shift(std::string_view section, core::Instant at) {
  switch (shift_at(at)) {
    case kDay:
      // The day shift has a person per bench; the technologist runs coagulation and urinalysis.
      if (section == "chemistry") return kStaff[3];
      if (section == "hematology") return kStaff[4];
      return kStaff[7];
    case kEvening: return kStaff[5];
    case kNight: return kStaff[6];
  }
  return kStaff[3];
}

}  // namespace aliquot::simulate
