#pragma once

// Whether a person may perform and release the tests of a section on a day, and if not, exactly
// which requirement is missing: their role, a current credential the role needs, a current
// licence of the lab's state where the state licenses laboratory personnel, and unexpired
// competency on the test system (people/competency.h). Pure: the person's records and the lab's
// requirements come in.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/enums.h"
#include "core/person_record.h"
#include "core/time.h"
#include "people/competency.h"
#include "people/requirements.h"

namespace aliquot::people {

// What is asked: may `person` report results of `section` measured on `test_system` (whose
// competency history is given, or absent when none is recorded) in a lab in `lab_state` on `on`.
struct QualificationQuestion {
  std::string section;
  std::string test_system;
  std::optional<CompetencyHistory> competency;
  std::string lab_state;  // postal code; empty when the lab is outside the US
  core::Date on{};
};

struct QualificationAnswer {
  // Each requirement that is not met, in the words shown to the person refused: "role clerk may
  // not perform or release tests", "needs a current MLS(ASCP) or MT(AMT) certification (MT(AMT)
  // 12345 expired on 2026-11-20)", "needs a current CA licence (none recorded)", "competency on
  // CHEM: annual assessment was due on 2026-11-01".
  std::vector<std::string> missing;
  // The roles that must review and release what the person performs (lab policy); empty when
  // none.
  std::vector<core::Role> reviewed_by;

  bool qualified() const { return missing.empty(); }
};

QualificationAnswer check_qualification(const Requirements& requirements,
                                        const core::PersonRecord& person,
                                        const QualificationQuestion& question);

}  // namespace aliquot::people
