#pragma once

// One of the lab's people as a TOML file: how a person's record is written by hand or exported
// from the spreadsheet a lab kept before, and read by `aliquot people eligibility` and
// `aliquot people qualify`. Every problem is named at file:line:column.
//
//   [person]
//   id = "jdoe"                 # required: the username they work under
//   name = "Jane Doe"
//   role = "technician"         # required
//   employment_start = "2021-08-02"
//
//   [education]
//   degree = "baccalaureate"    # none, associate, baccalaureate, master, doctorate
//   semester_hours_total = 124
//   semester_hours = { biology = 20, chemistry = 8 }
//   military_courses = []       # courses whose completion date is not known
//   experience_months = 0       # full-time experience known only as months, without dates
//
//   [[education.program]]
//   kind = "NAACLS-MLT"
//   completed = "2021-05-15"
//
//   [[education.military_course]]
//   kind = "50-week-medical-laboratory"
//   completed = "2015-06-12"
//
//   [[education.experience]]     # clinical laboratory work, one table per job or rotation
//   laboratory = "County Hospital core laboratory"
//   from = "2021-08-02"
//   to = "2023-01-31"           # none: continuing
//   full_time_share = 0.5       # default 1
//   areas = ["chemistry", "hematology", "urinalysis"]
//
//   [[certification]]
//   credential = "MLT(ASCP)"
//   number = "123456"
//   issued = "2021-07-01"
//   expires = "2027-06-30"
//
//   [[licence]]
//   state = "CA"
//   type = "MLT"
//   number = "MLT-777"
//   expires = "2027-03-31"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/person_record.h"

namespace aliquot::people {

struct PersonFile {
  std::optional<core::PersonRecord> person;  // set when the file has no problems
  std::vector<Error> diagnostics;
};

PersonFile read_person_file(std::string_view text, const std::string& file);

}  // namespace aliquot::people
