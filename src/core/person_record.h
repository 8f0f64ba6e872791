#pragma once

// What the lab records about one of its people for qualification: role, certifications, state
// licences, and the education and experience that make them eligible for further certification.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/enums.h"
#include "core/time.h"

namespace aliquot::core {

// A certification: "MLS(ASCP)", its number, and the last day it is valid (none: no expiry).
struct Certification {
  std::string credential;
  std::string number;
  std::optional<Date> expires;
  std::optional<Date> issued;  // or last renewed: the start of its maintenance cycle
};

// A state licence: "CA", its type ("CLS", "MLT"), number and last valid day.
struct StateLicence {
  std::string state;
  std::string type;
  std::string number;
  std::optional<Date> expires;
};

enum class DegreeLevel { kNone, kAssociate, kBaccalaureate, kMaster, kDoctorate };
std::string_view to_code(DegreeLevel level);  // "none", "associate", "baccalaureate", ...
std::optional<DegreeLevel> degree_level_from_code(std::string_view code);
// "an associate degree", "a baccalaureate degree", "no degree".
std::string describe(DegreeLevel level);

// An accredited program completed: its kind ("NAACLS-MLS", "ABHES-MLT") and when.
struct ProgramCompletion {
  std::string kind;
  Date completed{};
};

// A military laboratory training course ("50-week-medical-laboratory") and when it was completed
// (none: not recorded).
struct MilitaryCourse {
  std::string kind;
  std::optional<Date> completed;
};

// A time of clinical laboratory work, as certification bodies count experience: where, from the
// first to the last day (none: continuing), at what share of full time (0.5: half time), and the
// areas it covered ("blood-banking", "chemistry", "hematology", ...).
struct ExperiencePeriod {
  std::string laboratory;
  Date from{};
  std::optional<Date> to{};
  double full_time_share = 1;
  std::vector<std::string> areas{};
};

struct Education {
  DegreeLevel degree = DegreeLevel::kNone;
  double semester_hours_total = 0;               // college credit of every subject
  std::map<std::string, double> semester_hours;  // by subject: "biology", "chemistry"
  std::vector<ProgramCompletion> programs;
  std::vector<MilitaryCourse> military_courses;
  std::vector<ExperiencePeriod> experience;
  // Full-time clinical laboratory experience known only as a number of months, without its dates
  // or areas (as older records kept it): it counts towards a route's months when the route asks
  // for them at any time, never within recent years, and it shows no area covered.
  double undated_experience_months = 0;
};

// A person of the lab. `person` is their username: the record belongs to that user account, and
// the qualifications checked when the account releases a result are the ones recorded here.
struct PersonRecord {
  std::string person;
  std::string name;
  Role role = Role::kTechnician;
  std::optional<Date> employment_start;  // the first day in this lab's employ
  std::vector<Certification> certifications;
  std::vector<StateLicence> licences;
  Education education;
};

// Whether a credential or licence with this last valid day is valid on `on`: valid through the
// day it expires, expired from the next.
bool valid_on(const std::optional<Date>& expires, Date on);

}  // namespace aliquot::core
