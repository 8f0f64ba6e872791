#pragma once

// What the label of a specimen tube shows: the accession number and its check character, the
// patient's identity (two identifiers: name and MRN, with the birth date; The Joint Commission
// NPSG.01.01.01), what the tube holds and for which tests, and when it was collected. The same
// content whether the label is printed at accession or reprinted later.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/enums.h"
#include "core/time.h"
#include "lab/context.h"
#include "store/store.h"

namespace aliquot::lab {

struct SpecimenLabel {
  std::string accession_number;  // "260000042H"
  char check_character = 0;      // its last character (core/accession_number.h)
  std::string patient_name;      // "Doe, Pat"
  std::string mrn;
  core::Date birth_date{};
  std::string specimen_type;
  std::string container_type;
  core::Priority priority = core::Priority::kRoutine;
  std::vector<std::string> tests;  // the codes of the tests not cancelled, by result id
  core::Instant collected_at{};
};

// The label of the specimen with `accession_number`. NotFound for an unknown specimen;
// InvalidArgument for a malformed accession number; FailedPrecondition for a rejected specimen,
// whose tube must not be labelled again (accession the order again for the recollection);
// PermissionDenied when the actor may not accession specimens.
Result<SpecimenLabel> specimen_label(store::Transaction& tx, const Context& ctx,
                                     const std::string& accession_number);

// {accession, check, patient_name, mrn, birth_date, specimen_type, container, priority, tests,
// collected_at}.
nlohmann::json to_json(const SpecimenLabel& label);

}  // namespace aliquot::lab
