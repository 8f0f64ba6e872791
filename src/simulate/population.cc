#include "simulate/population.h"

#include <array>

namespace aliquot::simulate {
namespace {

constexpr std::array<std::string_view, 60> kFamilyNames = {
    "Abara",    "Alvarez", "Andersen",  "Baptiste",  "Becker",    "Bianchi",  "Brennan",
    "Castillo", "Chen",    "Cohen",     "Dang",      "Delacroix", "Diallo",   "Dubois",
    "Eriksen",  "Farouk",  "Fischer",   "Gallagher", "Garcia",    "Goldberg", "Gupta",
    "Haddad",   "Hansen",  "Hernandez", "Ibrahim",   "Ito",       "Jansen",   "Johnson",
    "Kaur",     "Kim",     "Kowalski",  "Larsen",    "Le",        "Lopez",    "Mbeki",
    "Moreau",   "Murphy",  "Nakamura",  "Novak",     "Nowak",     "Okafor",   "Olsen",
    "Park",     "Patel",   "Petrov",    "Quinn",     "Ramos",     "Reyes",    "Rossi",
    "Santos",   "Schmidt", "Silva",     "Sullivan",  "Tanaka",    "Thompson", "Tran",
    "Vargas",   "Walsh",   "Williams",  "Yilmaz"};

constexpr std::array<std::string_view, 30> kFemaleGivenNames = {
    "Aisha", "Amara", "Ana",     "Beatriz", "Chloe", "Dana",  "Elena", "Fatima",
    "Grace", "Hana",  "Ingrid",  "Joanna",  "Keiko", "Laila", "Leah",  "Maria",
    "Mei",   "Nadia", "Nora",    "Olivia",  "Priya", "Rosa",  "Sara",  "Sofia",
    "Tamar", "Uma",   "Valeria", "Wanjiru", "Yara",  "Zofia"};

constexpr std::array<std::string_view, 30> kMaleGivenNames = {
    "Adam",  "Ahmed",   "Andre", "Arjun", "Ben",   "Carlos", "Daniel", "David", "Emeka",  "Erik",
    "Felix", "Gabriel", "Hiro",  "Ivan",  "James", "Jonas",  "Kwame",  "Lars",  "Luis",   "Marco",
    "Mateo", "Miguel",  "Noah",  "Omar",  "Pavel", "Rafael", "Samuel", "Tomas", "Viktor", "Yusuf"};

constexpr std::array<std::string_view, 8> kClinicProviders = {
    "Dr. Amara Chen", "Dr. Luis Ramos",  "Dr. Ingrid Hansen", "Dr. Kwame Mensah",
    "Dr. Priya Nair", "Dr. Tomas Novak", "Dr. Leah Cohen",    "Dr. Omar Haddad"};
constexpr std::array<std::string_view, 6> kHospitalists = {
    "Dr. Elena Petrova", "Dr. James Whitfield", "Dr. Mei Tanaka",
    "Dr. Samuel Osei",   "Dr. Sofia Marchetti", "Dr. Arjun Mehta"};
constexpr std::array<std::string_view, 5> kEmergencyPhysicians = {
    "Dr. Nora Quinlan", "Dr. Rafael Duarte", "Dr. Hana Sato", "Dr. Viktor Lind",
    "Dr. Grace Adeyemi"};

constexpr std::array<std::string_view, 3> kClinics = {
    "Family medicine clinic", "Internal medicine clinic", "Anticoagulation clinic"};
constexpr std::array<std::string_view, 6> kWards = {"3 East", "3 West", "4 East",
                                                    "4 West", "ICU",    "Cardiac step-down"};

constexpr std::array<std::string_view, 4> kPhlebotomists = {
    "phlebotomist D. Okoro", "phlebotomist J. Lindqvist", "phlebotomist M. Farah",
    "phlebotomist R. Castro"};
constexpr std::array<std::string_view, 5> kEmergencyNurses = {
    "RN T. Brennan", "RN A. Mwangi", "RN C. Dufour", "RN K. Yamamoto", "RN P. Ferreira"};
constexpr std::array<std::string_view, 6> kWardNurses = {"RN L. Andersson", "RN B. Achebe",
                                                         "RN S. Moretti",   "RN F. Kowalczyk",
                                                         "RN G. Oyelaran",  "RN H. Lindgren"};

template <std::size_t N>
std::string pick(Random& random, const std::array<std::string_view, N>& list) {
  return std::string(list[static_cast<std::size_t>(random.uniform_int(0, N - 1))]);
}

}  // namespace

std::string_view to_code(CareSetting setting) {
  switch (setting) {
    case CareSetting::kOutpatient: return "outpatient";
    case CareSetting::kInpatient: return "inpatient";
    case CareSetting::kEmergency: return "emergency";
  }
  return "outpatient";
}

PersonName draw_patient_name(Random& random, core::AdministrativeSex sex) {
  PersonName name;
  name.family = pick(random, kFamilyNames);
  name.given = sex == core::AdministrativeSex::kFemale ? pick(random, kFemaleGivenNames)
                                                       : pick(random, kMaleGivenNames);
  return name;
}

std::string draw_ordering_provider(Random& random, CareSetting setting) {
  switch (setting) {
    case CareSetting::kOutpatient: return pick(random, kClinicProviders);
    case CareSetting::kInpatient: return pick(random, kHospitalists);
    case CareSetting::kEmergency: return pick(random, kEmergencyPhysicians);
  }
  return pick(random, kClinicProviders);
}

std::string draw_location(Random& random, CareSetting setting) {
  switch (setting) {
    case CareSetting::kOutpatient: return pick(random, kClinics);
    case CareSetting::kInpatient: return pick(random, kWards);
    case CareSetting::kEmergency: return "Emergency department";
  }
  return "Emergency department";
}

std::string draw_collector(Random& random, CareSetting setting) {
  switch (setting) {
    case CareSetting::kOutpatient:
    case CareSetting::kInpatient: return pick(random, kPhlebotomists);
    case CareSetting::kEmergency: return pick(random, kEmergencyNurses);
  }
  return pick(random, kPhlebotomists);
}

std::string draw_call_recipient(Random& random, CareSetting setting, std::string_view location,
                                std::string_view ordering_provider) {
  switch (setting) {
    case CareSetting::kOutpatient:
      // The clinic has closed or the patient has gone home: the ordering physician is called.
      return std::string(ordering_provider);
    case CareSetting::kInpatient: return pick(random, kWardNurses) + ", " + std::string(location);
    case CareSetting::kEmergency:
      return pick(random, kEmergencyNurses) + ", " + std::string(location);
  }
  return std::string(ordering_provider);
}

}  // namespace aliquot::simulate
