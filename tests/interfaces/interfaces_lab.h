#pragma once

// A lab in a SQLite file for the interface tests (the store's defaults: WAL, synchronous=FULL),
// with received specimens waiting for an analyzer, and the checks that what an analyzer was told
// is stored is stored exactly once.

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/error.h"
#include "core/time.h"
#include "ingest/instrument_profile.h"
#include "lab/lab_configuration.h"
#include "simulate/analyzer.h"
#include "store/store.h"

namespace aliquot::interfaces_test {

// The value, or an exception that fails the test with the error's message.
template <typename T>
T must(Result<T> result) {
  if (!result.has_value()) throw std::runtime_error(result.error().to_string());
  return std::move(result).value();
}
inline void must(Result<void> result) {
  if (!result.has_value()) throw std::runtime_error(result.error().to_string());
}

// The repository root (env ALIQUOT_SOURCE_DIR, else the one this build was configured from).
std::string source_directory();

// An instrument profile shipped in interfaces/instruments/, read against `catalog`.
ingest::InstrumentProfile shipped_profile(const std::string& file_name,
                                          const catalog::Catalog& catalog);

class TestLab {
 public:
  // Creates the lab at `path` (`aliquot init` with the default catalog) and a clerk.
  TestLab(const std::string& path, const core::Clock& clock);

  store::Store& store() { return *store_; }
  const catalog::Catalog& catalog() const { return *catalog_; }
  // The lab's configuration as `aliquot serve` puts it in force: the default menu's rules.
  lab::ConfigurationInForce& configuration() { return *configuration_; }

  // Registers `count` patients ("<prefix>0001"...), orders `tests` for each, accessions and
  // receives every specimen; the accession numbers of the specimens.
  std::vector<std::string> received_orders(int count, const std::vector<std::string>& tests,
                                           const std::string& mrn_prefix);

  // Closes the database (so that another process may take it over cleanly).
  void close() { store_.reset(); }
  // Opens it again.
  void reopen();

 private:
  std::string path_;
  const core::Clock& clock_;
  std::unique_ptr<store::Store> store_;
  std::optional<catalog::Catalog> catalog_;
  std::unique_ptr<lab::ConfigurationInForce> configuration_;
};

// Checks, on the lab's store, that
//   - every value of every delivered result message is stored on its specimen, equal to what was
//     sent, entered under `account`;
//   - no result of `accessions` has two result.enter audit entries;
//   - every test of `accessions` that `profile` performs holds a value (nothing unacknowledged
//     was left behind), and the values stored by `account` are exactly those delivered;
//   - the audit chain verifies.
// Returns the problems found, one line each; empty when all hold.
std::vector<std::string> check_stored_exactly_once(
    store::Store& store, const catalog::Catalog& catalog, const ingest::InstrumentProfile& profile,
    const std::vector<simulate::DeliveredMessage>& delivered,
    const std::vector<std::string>& accessions);

}  // namespace aliquot::interfaces_test
