#pragma once

// The fixture of the storage conformance suite (STYLE.md: written once, run against every
// backend), shared by its files. Each test runs once per entry of kBackends; a new backend adds
// one line there.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/audit_entry.h"
#include "core/enums.h"
#include "core/order.h"
#include "core/patient.h"
#include "core/specimen.h"
#include "core/test_result.h"
#include "core/time.h"
#include "core/user.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "support/temp_directory.h"

namespace aliquot::store::conformance {

using core::Instant;

// How to open a backend's store. `open` is given a fresh, empty temporary directory owned by the
// test; calling it again with the same directory reopens the same database.
struct BackendFactory {
  std::string name;
  std::function<Result<std::unique_ptr<Store>>(const std::string& directory)> open;
  bool persists = false;  // whether reopening finds the data committed before
};

// Names the backend in test output instead of dumping the struct's bytes.
inline void PrintTo(const BackendFactory& backend, std::ostream* out) { *out << backend.name; }

inline const BackendFactory kBackends[] = {
    {"sqlite_file",
     [](const std::string& directory) { return open_sqlite_store(directory + "/lab.db"); }, true},
    {"sqlite_memory", [](const std::string&) { return open_sqlite_store(":memory:"); }, false},
};

inline Instant at_minute(int minute) {
  // 2026-03-02T08:00:00Z plus `minute` minutes, with a millisecond part to prove precision.
  return core::from_unix_millis(1772438400000 + 123) + std::chrono::minutes(minute);
}

inline std::int64_t ms(Instant t) { return core::to_unix_millis(t); }
inline std::optional<std::int64_t> ms(const std::optional<Instant>& t) {
  if (!t) return std::nullopt;
  return core::to_unix_millis(*t);
}

// The error of `result`, or success: lets calls of any result type be checked alike.
template <typename T>
Result<void> status_of(const Result<T>& result) {
  if (result.has_value()) return ok();
  return result.error();
}

// --- field-by-field comparisons (the core types have no operator==) ----------------------

inline void expect_same(const core::Patient& a, const core::Patient& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.mrn, b.mrn);
  EXPECT_EQ(a.family_name, b.family_name);
  EXPECT_EQ(a.given_name, b.given_name);
  EXPECT_TRUE(a.birth_date == b.birth_date)
      << core::format_date(a.birth_date) << " vs " << core::format_date(b.birth_date);
  EXPECT_EQ(a.sex, b.sex);
  EXPECT_EQ(ms(a.registered_at), ms(b.registered_at));
  EXPECT_EQ(a.registered_by, b.registered_by);
}

inline void expect_same(const core::User& a, const core::User& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.username, b.username);
  EXPECT_EQ(a.display_name, b.display_name);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.active, b.active);
  EXPECT_EQ(ms(a.created_at), ms(b.created_at));
}

inline void expect_same(const core::Order& a, const core::Order& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.order_number, b.order_number);
  EXPECT_EQ(a.patient_id, b.patient_id);
  EXPECT_EQ(a.ordering_provider, b.ordering_provider);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.clinical_info, b.clinical_info);
  EXPECT_EQ(a.requested_codes, b.requested_codes);
  EXPECT_EQ(ms(a.ordered_at), ms(b.ordered_at));
  EXPECT_EQ(a.ordered_by, b.ordered_by);
  EXPECT_EQ(a.placer_order_number, b.placer_order_number);
}

inline void expect_same(const core::Specimen& a, const core::Specimen& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.accession_number, b.accession_number);
  EXPECT_EQ(a.order_id, b.order_id);
  EXPECT_EQ(a.specimen_type, b.specimen_type);
  EXPECT_EQ(a.container_type, b.container_type);
  EXPECT_EQ(ms(a.collected_at), ms(b.collected_at));
  EXPECT_EQ(a.collected_by, b.collected_by);
  EXPECT_EQ(ms(a.received_at), ms(b.received_at));
  EXPECT_EQ(a.received_by, b.received_by);
  EXPECT_EQ(a.condition, b.condition);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.rejection_reason, b.rejection_reason);
  EXPECT_EQ(a.rejection_comment, b.rejection_comment);
  EXPECT_EQ(ms(a.rejected_at), ms(b.rejected_at));
  EXPECT_EQ(a.rejected_by, b.rejected_by);
}

inline void expect_same(const core::ResultValue& a, const core::ResultValue& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.number, b.number);  // exact: numbers keep full precision
  EXPECT_EQ(a.comparator, b.comparator);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.unit, b.unit);
  EXPECT_EQ(a.decimals, b.decimals);
}

inline void expect_same(const core::TestResult& a, const core::TestResult& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.order_id, b.order_id);
  EXPECT_EQ(a.specimen_id, b.specimen_id);
  EXPECT_EQ(a.test_code, b.test_code);
  EXPECT_EQ(a.section, b.section);
  EXPECT_EQ(a.status, b.status);
  ASSERT_EQ(a.value.has_value(), b.value.has_value());
  if (a.value) expect_same(*a.value, *b.value);
  EXPECT_EQ(a.flag, b.flag);
  EXPECT_EQ(a.reference_range, b.reference_range);
  EXPECT_EQ(ms(a.entered_at), ms(b.entered_at));
  EXPECT_EQ(a.entered_by, b.entered_by);
  EXPECT_EQ(ms(a.measured_at), ms(b.measured_at));
  EXPECT_EQ(a.instrument, b.instrument);
  EXPECT_EQ(a.performed_by, b.performed_by);
  EXPECT_EQ(ms(a.released_at), ms(b.released_at));
  EXPECT_EQ(a.released_by, b.released_by);
  EXPECT_EQ(ms(a.corrected_at), ms(b.corrected_at));
  EXPECT_EQ(a.corrected_by, b.corrected_by);
  EXPECT_EQ(a.correction_reason, b.correction_reason);
  EXPECT_EQ(ms(a.cancelled_at), ms(b.cancelled_at));
  EXPECT_EQ(a.cancelled_by, b.cancelled_by);
  EXPECT_EQ(a.cancel_reason, b.cancel_reason);
  EXPECT_EQ(a.revision, b.revision);
}

inline void expect_same(const core::ResultRevision& a, const core::ResultRevision& b) {
  EXPECT_EQ(a.result_id, b.result_id);
  EXPECT_EQ(a.revision, b.revision);
  expect_same(a.value, b.value);
  EXPECT_EQ(a.flag, b.flag);
  EXPECT_EQ(a.reference_range, b.reference_range);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(ms(a.released_at), ms(b.released_at));
  EXPECT_EQ(a.released_by, b.released_by);
  EXPECT_EQ(ms(a.replaced_at), ms(b.replaced_at));
  EXPECT_EQ(a.replaced_by, b.replaced_by);
  EXPECT_EQ(a.reason, b.reason);
}

inline void expect_same(const core::CriticalCall& a, const core::CriticalCall& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.result_id, b.result_id);
  EXPECT_EQ(a.result_revision, b.result_revision);
  EXPECT_EQ(a.called_by, b.called_by);
  EXPECT_EQ(a.called_to, b.called_to);
  EXPECT_EQ(ms(a.called_at), ms(b.called_at));
  EXPECT_EQ(a.read_back_confirmed, b.read_back_confirmed);
  EXPECT_EQ(a.notes, b.notes);
  EXPECT_EQ(ms(a.documented_at), ms(b.documented_at));
  EXPECT_EQ(a.documented_by, b.documented_by);
}

inline void expect_same(const core::AuditEntry& a, const core::AuditEntry& b) {
  EXPECT_EQ(a.sequence, b.sequence);
  EXPECT_EQ(ms(a.at), ms(b.at));
  EXPECT_EQ(a.actor, b.actor);
  EXPECT_EQ(a.action, b.action);
  EXPECT_EQ(a.entity_type, b.entity_type);
  EXPECT_EQ(a.entity_key, b.entity_key);
  EXPECT_EQ(a.patient_mrn, b.patient_mrn);
  EXPECT_EQ(a.accession_number, b.accession_number);
  EXPECT_EQ(a.test_code, b.test_code);
  EXPECT_EQ(a.before, b.before);
  EXPECT_EQ(a.after, b.after);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.previous_hash, b.previous_hash);
  EXPECT_EQ(a.hash, b.hash);
}

// --- sample entities ---------------------------------------------------------------------

inline core::Patient sample_patient(const std::string& mrn) {
  core::Patient patient;
  patient.mrn = mrn;
  patient.family_name = "Østergård-Nuñez";
  patient.given_name = "Zoë 李";
  patient.birth_date =
      core::Date{std::chrono::year{1961}, std::chrono::February, std::chrono::day{28}};
  patient.sex = core::AdministrativeSex::kFemale;
  patient.registered_at = at_minute(0);
  patient.registered_by = "clerk1";
  return patient;
}

inline core::Order sample_order(const std::string& number, std::int64_t patient_id) {
  core::Order order;
  order.order_number = number;
  order.patient_id = patient_id;
  order.ordering_provider = "Dr. Ada Lovelace";
  order.priority = core::Priority::kAsap;
  order.clinical_info = "fasting; «polyuria»";
  order.requested_codes = {"BMP", "HBA1C", "K"};
  order.ordered_at = at_minute(5);
  order.ordered_by = "clerk1";
  order.placer_order_number = "EHR-" + number;
  return order;
}

inline core::Specimen sample_specimen(const std::string& accession, std::int64_t order_id) {
  core::Specimen specimen;
  specimen.accession_number = accession;
  specimen.order_id = order_id;
  specimen.specimen_type = "serum";
  specimen.container_type = "sst";
  specimen.collected_at = at_minute(10);
  specimen.collected_by = "phleb1";
  specimen.condition = "acceptable";
  return specimen;
}

inline core::TestResult sample_result(std::int64_t order_id, std::int64_t specimen_id,
                                      const std::string& code, const std::string& section) {
  core::TestResult result;
  result.order_id = order_id;
  result.specimen_id = specimen_id;
  result.test_code = code;
  result.section = section;
  return result;
}

// A result with every field set to something other than its default.
inline core::TestResult fully_set_result(std::int64_t order_id, std::int64_t specimen_id) {
  core::TestResult result = sample_result(order_id, specimen_id, "K", "chemistry");
  result.status = core::ResultStatus::kCorrected;
  result.value =
      core::ResultValue{core::ResultKind::kNumeric, 6.123456789012345, ">", "", "mmol/L", 1};
  result.flag = core::AbnormalFlag::kCriticalHigh;
  result.reference_range = "3.5-5.1";
  result.entered_at = at_minute(30);
  result.entered_by = "tech1";
  result.measured_at = at_minute(29);
  result.instrument = "cobas-c311";
  result.performed_by = "tech4";
  result.released_at = at_minute(31);
  result.released_by = "tech2";
  result.corrected_at = at_minute(40);
  result.corrected_by = "tech3";
  result.correction_reason = "hemolysis found on review";
  result.cancelled_at = at_minute(50);
  result.cancelled_by = "sup1";
  result.cancel_reason = "duplicate order";
  result.revision = 2;
  return result;
}

inline core::AuditEntry sample_entry(std::int64_t sequence) {
  core::AuditEntry entry;
  entry.sequence = sequence;
  entry.at = at_minute(static_cast<int>(sequence));
  entry.actor = "tech1";
  entry.action = "patient.register";
  entry.entity_type = "patient";
  entry.entity_key = "M" + std::to_string(sequence);
  entry.patient_mrn = "M" + std::to_string(sequence);
  entry.before = "";
  entry.after = "{\"mrn\":\"M" + std::to_string(sequence) + "\"}";
  entry.reason = "";
  entry.previous_hash = sequence == 1 ? "" : "hash" + std::to_string(sequence - 1);
  entry.hash = "hash" + std::to_string(sequence);
  return entry;
}

// --- the fixture -------------------------------------------------------------------------

class StoreConformanceTest : public testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override { open(); }

  void open() {
    Result<std::unique_ptr<Store>> opened = GetParam().open(directory_);
    ASSERT_TRUE(opened.has_value()) << opened.error().message();
    store_ = std::move(opened).value();
  }

  std::unique_ptr<Transaction> begin(TransactionMode mode) {
    Result<std::unique_ptr<Transaction>> tx = store_->begin(mode);
    EXPECT_TRUE(tx.has_value()) << tx.error().message();
    return tx.has_value() ? std::move(tx).value() : nullptr;
  }
  std::unique_ptr<Transaction> write() { return begin(TransactionMode::kWrite); }
  std::unique_ptr<Transaction> read() { return begin(TransactionMode::kRead); }

  // Runs `body` in a write transaction and commits it.
  void in_write(const std::function<void(Transaction&)>& body) {
    std::unique_ptr<Transaction> tx = write();
    ASSERT_NE(tx, nullptr);
    body(*tx);
    Result<void> committed = tx->commit();
    ASSERT_TRUE(committed.has_value()) << committed.error().message();
  }

  // Stores a patient, an order and a specimen; returns their ids.
  struct Chain {
    std::int64_t patient_id = 0;
    std::int64_t order_id = 0;
    std::int64_t specimen_id = 0;
  };
  Chain store_chain(Transaction& tx, const std::string& suffix) {
    Chain chain;
    chain.patient_id = tx.insert_patient(sample_patient("M" + suffix))->id;
    chain.order_id = tx.insert_order(sample_order("O" + suffix, chain.patient_id))->id;
    chain.specimen_id = tx.insert_specimen(sample_specimen("A" + suffix, chain.order_id))->id;
    return chain;
  }

  // Declared before the store, so that the store is closed before its directory is removed.
  test_support::TempDirectory temp_{"aliquot-store"};
  const std::string directory_ = temp_.path();
  std::unique_ptr<Store> store_;
};

inline std::string backend_name(const testing::TestParamInfo<BackendFactory>& info) {
  return info.param.name;
}

}  // namespace aliquot::store::conformance
