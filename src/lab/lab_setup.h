#pragma once

// Creating and opening a lab: the database, its catalog version and its first user.

#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "core/time.h"
#include "store/store.h"

namespace aliquot::lab {

struct InitializeLab {
  std::string lab_name = "aliquot laboratory";
  std::string catalog_text;       // TOML; the default menu when empty
  std::string catalog_file_name;  // for diagnostics and the catalog version record
  std::string admin_username = "admin";
  std::string admin_display_name = "Administrator";
};

// On an empty store: loads and records the catalog (refusing it with every diagnostic when it is
// invalid) and adds the admin user, audited, in one transaction. FailedPrecondition when the
// store already holds a lab.
Result<void> initialize_lab(store::Store& store, const core::Clock& clock,
                            const InitializeLab& command);

// Loads a new catalog version into an existing lab (admin only), refusing an invalid one.
Result<void> load_catalog_version(store::Store& store, const core::Clock& clock,
                                  const std::string& actor_username,
                                  const std::string& catalog_text, const std::string& file_name);

// The catalog in force: the latest version recorded in the store. FailedPrecondition when the
// store holds no lab yet (run `aliquot init`).
Result<catalog::Catalog> current_catalog(store::Store& store);

}  // namespace aliquot::lab
