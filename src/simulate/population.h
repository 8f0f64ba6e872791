#pragma once

// The people of a simulated day who are not lab staff: patients' names, the providers who order,
// the nurses and phlebotomists who collect, and the caregivers who take critical calls. Invented
// names drawn from fixed lists; any resemblance to a real person is chance.

#include <string>
#include <string_view>

#include "core/enums.h"
#include "simulate/random.h"

namespace aliquot::simulate {

// Where a patient is seen; it decides arrival times, orders, priorities and how specimens travel.
enum class CareSetting { kOutpatient, kInpatient, kEmergency };
std::string_view to_code(CareSetting setting);  // "outpatient", "inpatient", "emergency"

struct PersonName {
  std::string family{};
  std::string given{};
};

PersonName draw_patient_name(Random& random, core::AdministrativeSex sex);
// "Dr. Amara Chen" — the ordering provider for a setting.
std::string draw_ordering_provider(Random& random, CareSetting setting);
// Ward or department: "4 West", "Emergency department", "Family medicine clinic".
std::string draw_location(Random& random, CareSetting setting);
// Who draws the blood: phlebotomists for outpatients and morning rounds, ED nurses in the ED.
std::string draw_collector(Random& random, CareSetting setting);
// The licensed caregiver who takes a critical call: the patient's nurse on a ward or in the ED,
// the ordering or on-call physician for an outpatient (results.md, notification policy).
std::string draw_call_recipient(Random& random, CareSetting setting, std::string_view location,
                                std::string_view ordering_provider);

}  // namespace aliquot::simulate
