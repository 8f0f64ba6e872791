#pragma once

// What of the lab's people's qualifications runs out soon: certifications and licences that
// expire, and competency assessments that fall due, within a window (the staff dashboard's 30, 60
// and 90 days), with what has already lapsed first.

#include <string>
#include <vector>

#include "core/person_record.h"
#include "core/time.h"
#include "people/competency_log.h"

namespace aliquot::people {

enum class ExpiringKind { kCertification, kLicence, kCompetency };
std::string_view to_code(ExpiringKind kind);  // "certification", "licence", "competency"

struct ExpiringItem {
  std::string person;
  ExpiringKind kind = ExpiringKind::kCertification;
  // "MLT(ASCP) 123456", "CA licence MLT MLT-777", "CHEM: annual assessment".
  std::string what;
  core::Date due{};   // the last valid day, or the day the assessment is due
  int days_left = 0;  // from the day asked to `due`; negative once lapsed
};

// Every certification and licence of `people` with an expiry date, and every competency of `log`,
// that is due within `within_days` of `on` or has lapsed, soonest first (then by person).
std::vector<ExpiringItem> expiring_within(const std::vector<core::PersonRecord>& people,
                                          const std::vector<PersonOnSystem>& log, core::Date on,
                                          int within_days);

}  // namespace aliquot::people
