#pragma once

// A lab in a SQLite file for the benchmarks that record results: the default catalog, and a
// clerk, a technician and an analyzer's interface account to act as. Header-only, like
// bench_support.h.

#include <memory>
#include <string>

#include "bench_support.h"
#include "catalog/catalog.h"
#include "core/time.h"
#include "core/user.h"
#include "lab/lab_setup.h"
#include "lab/use_cases.h"
#include "store/sqlite/sqlite_store.h"

namespace aliquot::bench {

struct Lab {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<catalog::Catalog> catalog;
  core::User clerk;
  core::User technician;
  core::User analyzer;  // an interface account, as an instrument's messages are filed under
};

inline Lab set_up_lab(const std::string& path, const core::Clock& clock) {
  Lab lab;
  lab.store = check(store::open_sqlite_store(path), "open " + path);
  check(lab::initialize_lab(*lab.store, clock, lab::InitializeLab{}), "initialize the lab");
  lab.catalog = std::make_unique<catalog::Catalog>(
      check(lab::current_catalog(*lab.store), "read the catalog"));
  auto tx = check(lab.store->begin(store::TransactionMode::kWrite), "begin");
  const auto admin = check(tx->find_user("admin"), "find admin");
  if (!admin) fail("initialize_lab added no admin user");
  const lab::Context as_admin{*lab.catalog, clock, *admin};
  lab.clerk =
      check(lab::add_user(*tx, as_admin, {"clerk.bench", "Bench Clerk", core::Role::kClerk}),
            "add clerk");
  lab.technician = check(
      lab::add_user(*tx, as_admin, {"tech.bench", "Bench Technician", core::Role::kTechnician}),
      "add technician");
  lab.analyzer =
      check(lab::add_user(*tx, as_admin, {"if.bench", "Bench analyzer", core::Role::kInterface}),
            "add analyzer account");
  check(tx->commit(), "commit users");
  return lab;
}

}  // namespace aliquot::bench
