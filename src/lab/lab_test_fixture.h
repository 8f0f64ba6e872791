#pragma once

// A lab for the use-case tests: an in-memory SQLite store initialized with a small test catalog,
// a ManualClock, and one user of each role. Test-only.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "core/audit_entry.h"
#include "core/time.h"
#include "lab/context.h"
#include "lab/queries.h"
#include "lab/use_cases.h"
#include "store/store.h"

namespace aliquot::lab {

// The test catalog: chemistry (K, NA, GLU, TROPI on serum/SST; BMP panel), hematology (HGB with
// a newborn band and sex-specific adult intervals on K2EDTA), urinalysis (UNIT, coded, on a
// urine cup). Limits are stated in the text.
extern const char* const kTestCatalogText;

// The value of `result`, or a thrown exception that fails the test with the error's message.
template <typename T>
T must(Result<T> result) {
  if (!result.has_value())
    throw std::runtime_error("unexpected error: " + result.error().to_string());
  return std::move(result).value();
}
inline void must(Result<void> result) {
  if (!result.has_value())
    throw std::runtime_error("unexpected error: " + result.error().to_string());
}

core::Instant at(const char* rfc3339);
core::Date date(const char* yyyy_mm_dd);

class LabTest : public ::testing::Test {
 protected:
  LabTest();
  // The same lab with the catalog `catalog_text` (TOML) instead of kTestCatalogText.
  explicit LabTest(const std::string& catalog_text);

  // The context of one of the users: "admin", "clerk", "tech" (technician), "mls"
  // (technologist), "super" (supervisor), "path" (pathologist), "doc" (clinician), "gone"
  // (an inactive technologist), "analyzer" (an interface account).
  Context as(const std::string& username) const;

  // Runs `fn(tx)` in a write transaction and commits when it succeeded; a refusal rolls back.
  template <typename Fn>
  auto write(Fn&& fn) {
    std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kWrite));
    auto result = fn(*tx);
    if (result.has_value()) must(tx->commit());
    return result;
  }
  template <typename Fn>
  auto read(Fn&& fn) {
    std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kRead));
    return fn(*tx);
  }

  // Shortcuts that must succeed.
  core::Patient patient(const std::string& mrn,
                        core::AdministrativeSex sex = core::AdministrativeSex::kFemale,
                        core::Date birth_date = date("1980-05-01"));
  core::Order order(const std::string& mrn, std::vector<std::string> codes,
                    core::Priority priority = core::Priority::kRoutine);
  std::vector<core::Specimen> accession(const std::string& order_number);
  core::Specimen receive(const std::string& accession_number);
  // Registers MRN (once), orders `codes`, accessions and receives: the received specimens.
  std::vector<core::Specimen> received_order(const std::string& mrn, std::vector<std::string> codes,
                                             core::Priority priority = core::Priority::kRoutine);
  core::TestResult enter(const std::string& accession_number, const std::string& code,
                         const std::string& value, const std::string& user = "tech");
  core::CriticalCall call(const std::string& accession_number, const std::string& code);
  core::TestResult release(const std::string& accession_number, const std::string& code,
                           const std::string& user = "tech");

  // The result of `code` on the specimen (the live one, else the last cancelled one).
  core::TestResult result_of(const std::string& accession_number, const std::string& code);
  std::vector<core::TestResult> results_of_order(const std::string& order_number);
  std::vector<core::AuditEntry> audit_trail();
  std::size_t audit_size() { return audit_trail().size(); }
  // The audit entries appended since the trail had `size` entries.
  std::vector<core::AuditEntry> audit_since(std::size_t size);

  core::ManualClock clock_;
  std::unique_ptr<store::Store> store_;
  std::optional<catalog::Catalog> catalog_;
};

}  // namespace aliquot::lab
