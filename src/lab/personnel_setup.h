#pragma once

// The lab's own personnel requirements (people/requirements.h: who may work in which section,
// what each role needs, which states license, whose results another role reviews) and
// continuing-education rules (people/continuing_education.h), loaded as versions like the
// autoverification rules. Until a lab loads its own, the built-in ones (catalog/personnel.toml,
// catalog/continuing_education.toml) are in force.

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/error.h"
#include "core/time.h"
#include "people/continuing_education.h"
#include "people/requirements.h"
#include "store/store.h"

namespace aliquot::lab {

// Each section of `requirements` ([[section]], [[review]]) that `catalog` does not have, as an
// error at `file` and the line that names it, with the nearest spelling when there is one.
std::vector<Error> unknown_requirement_sections(const people::Requirements& requirements,
                                                const catalog::Catalog& catalog,
                                                const std::string& file);

// Loads a new version of the personnel requirements, checked against the catalog in force:
// refused with every problem when invalid or naming a section the catalog does not have;
// AlreadyExists when identical to the version in force. They decide who may release results, so
// the lab's direction sets them: supervisors and pathologists. Audited as personnel.load.
Result<void> load_personnel_requirements_version(store::Store& store, const core::Clock& clock,
                                                 const std::string& actor_username,
                                                 const std::string& text,
                                                 const std::string& file_name);

// The personnel requirements in force; nullopt when the lab has loaded none (the built-in ones
// apply). DataLoss when the recorded text was altered or no longer loads.
Result<std::optional<people::Requirements>> current_personnel_requirements(store::Store& store);

// Loads a new version of the continuing-education rules: refused with every problem when
// invalid; AlreadyExists when identical to the version in force. Supervisors, pathologists and
// admins (who keep the people's records). Audited as ce_rules.load.
Result<void> load_ce_rules_version(store::Store& store, const core::Clock& clock,
                                   const std::string& actor_username, const std::string& text,
                                   const std::string& file_name);

// The continuing-education rules in force; nullopt when the lab has loaded none (the built-in
// ones apply). DataLoss when the recorded text was altered or no longer loads.
Result<std::optional<people::CeRules>> current_ce_rules(store::Store& store);

}  // namespace aliquot::lab
