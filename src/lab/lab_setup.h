#pragma once

// Creating and opening a lab: the database, its catalog version and its first user.

#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "core/time.h"
#include "qc/qc_policy.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace aliquot::lab {

struct InitializeLab {
  std::string lab_name = "aliquot laboratory";
  std::string catalog_text;       // TOML; the default menu when empty
  std::string catalog_file_name;  // for diagnostics and the catalog version record
  // The autoverification rules (TOML). When empty: the default rules with the default menu, and
  // none with a catalog of the lab's own (nothing autoverifies until the lab loads its rules).
  std::string rules_text;
  std::string rules_file_name;
  std::string admin_username = "admin";
  std::string admin_display_name = "Administrator";
};

// On an empty store: loads and records the catalog (refusing it with every diagnostic when it is
// invalid, and when its calculated tests do not fit the default calculations:
// calc/catalog_links.h) and adds the admin user, audited, in one transaction. FailedPrecondition
// when the store already holds a lab.
Result<void> initialize_lab(store::Store& store, const core::Clock& clock,
                            const InitializeLab& command);

// Loads a new catalog version into an existing lab (admin only), refusing an invalid one, and
// one that the autoverification rules in force no longer fit (a test or section they name is
// gone, or is no longer numeric): load rules without it first.
Result<void> load_catalog_version(store::Store& store, const core::Clock& clock,
                                  const std::string& actor_username,
                                  const std::string& catalog_text, const std::string& file_name);

// Loads a new version of the autoverification rules (admin only), checked against the catalog
// in force; refused with every diagnostic when invalid, AlreadyExists when identical to the
// version in force. Audited as rules.load.
Result<void> load_rules_version(store::Store& store, const core::Clock& clock,
                                const std::string& actor_username, const std::string& rules_text,
                                const std::string& file_name);

// The rules in force, read against `catalog`; nullopt when the lab has loaded none (then nothing
// autoverifies). DataLoss when the recorded text was altered or no longer loads.
Result<std::optional<rules::RuleSet>> current_rules(store::Store& store,
                                                    const catalog::Catalog& catalog);

// Loads a new version of the lab's QC policy (qc/qc_policy.h): which rules judge each analyte's
// QC, how long results may be released after the last accepted run, and what becomes of the
// results a rejected run held. Technologists, pathologists and supervisors (kManageQc). Refused
// with every problem when invalid, or when an [[analyte]] names a test the catalog in force does
// not have; AlreadyExists when identical to the version in force. Audited as qc_policy.load.
Result<void> load_qc_policy_version(store::Store& store, const core::Clock& clock,
                                    const std::string& actor_username,
                                    const std::string& policy_text, const std::string& file_name);

// The QC policy in force; nullopt when the lab has loaded none (the default policy applies:
// qc::default_qc_policy()). DataLoss when the recorded text was altered or no longer loads.
Result<std::optional<qc::QcPolicy>> current_qc_policy(store::Store& store);

// The catalog in force: the latest version recorded in the store. FailedPrecondition when the
// store holds no lab yet (run `aliquot init`).
Result<catalog::Catalog> current_catalog(store::Store& store);

}  // namespace aliquot::lab
