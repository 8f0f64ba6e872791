// The storage conformance suite: transactions, and the lab's entities from users to the message
// queues. The fixture and kBackends are in store_conformance.h.

#include "store/store_conformance.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace aliquot::store::conformance {
namespace {

// --- transactions ------------------------------------------------------------------------

TEST_P(StoreConformanceTest, ReportsTheSchemaVersionItMigratedTo) {
  EXPECT_GE(store_->schema_version(), 1);
}

TEST_P(StoreConformanceTest, CommittedWritesAreVisibleToLaterTransactions) {
  in_write([](Transaction& tx) { ASSERT_TRUE(tx.insert_patient(sample_patient("M1"))); });
  auto tx = read();
  EXPECT_TRUE(tx->find_patient_by_mrn("M1")->has_value());
}

TEST_P(StoreConformanceTest, DestroyingAnUncommittedTransactionRollsEverythingBack) {
  {
    auto tx = write();
    ASSERT_TRUE(tx->insert_patient(sample_patient("M1")));
    ASSERT_TRUE(tx->set_setting("lab.name", "Central"));
    ASSERT_TRUE(tx->next_sequence("accession.26"));
  }
  auto tx = read();
  EXPECT_FALSE(tx->find_patient_by_mrn("M1")->has_value());
  EXPECT_FALSE(tx->get_setting("lab.name")->has_value());
}

TEST_P(StoreConformanceTest, ReadTransactionRefusesEveryWrite) {
  in_write([](Transaction& tx) { ASSERT_TRUE(tx.insert_patient(sample_patient("M1"))); });
  auto tx = read();
  core::Patient patient = **tx->find_patient_by_mrn("M1");
  const std::vector<std::pair<std::string, std::function<Result<void>()>>> writes = {
      {"next_sequence", [&] { return status_of(tx->next_sequence("x")); }},
      {"set_setting", [&] { return tx->set_setting("k", "v"); }},
      {"insert_user", [&] { return status_of(tx->insert_user(core::User{})); }},
      {"insert_catalog_version",
       [&] { return status_of(tx->insert_catalog_version(CatalogVersion{})); }},
      {"insert_qc_policy_version",
       [&] { return status_of(tx->insert_qc_policy_version(CatalogVersion{})); }},
      {"insert_patient", [&] { return status_of(tx->insert_patient(sample_patient("M2"))); }},
      {"update_patient", [&] { return tx->update_patient(patient); }},
      {"insert_order", [&] { return status_of(tx->insert_order(core::Order{})); }},
      {"insert_specimen", [&] { return status_of(tx->insert_specimen(core::Specimen{})); }},
      {"update_specimen", [&] { return tx->update_specimen(core::Specimen{}); }},
      {"insert_result", [&] { return status_of(tx->insert_result(core::TestResult{})); }},
      {"update_result", [&] { return tx->update_result(core::TestResult{}); }},
      {"insert_result_revision",
       [&] { return tx->insert_result_revision(core::ResultRevision{}); }},
      {"insert_critical_call",
       [&] { return status_of(tx->insert_critical_call(core::CriticalCall{})); }},
      {"insert_result_comment",
       [&] { return status_of(tx->insert_result_comment(core::ResultComment{})); }},
      {"append_audit_entry", [&] { return tx->append_audit_entry(sample_entry(1)); }},
  };
  for (const auto& [name, attempt] : writes) {
    SCOPED_TRACE(name);
    Result<void> result = attempt();
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_EQ(result.error().message(), name + " is a write and this is a read transaction");
  }
  // The read transaction itself still works.
  EXPECT_TRUE(tx->find_patient_by_mrn("M1")->has_value());
}

TEST_P(StoreConformanceTest, TransactionRefusesUseAfterCommit) {
  auto tx = write();
  ASSERT_TRUE(tx->commit());
  Result<std::optional<core::Patient>> found = tx->find_patient(1);
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(tx->commit().error().code(), ErrorCode::kFailedPrecondition);
}

TEST_P(StoreConformanceTest, ReadTransactionCanCommit) {
  auto tx = read();
  EXPECT_TRUE(tx->commit());
}

TEST_P(StoreConformanceTest, ManyResultsInOneTransactionCommitTogether) {
  // The group-commit shape: one transaction carries many use cases' writes.
  constexpr int kResults = 500;
  Chain chain;
  in_write([&](Transaction& tx) { chain = store_chain(tx, "1"); });
  {
    auto tx = write();
    for (int i = 0; i < kResults; ++i) {
      ASSERT_TRUE(tx->insert_result(
          sample_result(chain.order_id, chain.specimen_id, "T" + std::to_string(i), "chemistry")));
    }
    // Not committed: none of them is kept.
  }
  EXPECT_TRUE(read()->results_for_order(chain.order_id)->empty());
  {
    auto tx = write();
    for (int i = 0; i < kResults; ++i) {
      ASSERT_TRUE(tx->insert_result(
          sample_result(chain.order_id, chain.specimen_id, "T" + std::to_string(i), "chemistry")));
    }
    ASSERT_TRUE(tx->commit());
  }
  std::vector<core::TestResult> results = *read()->results_for_order(chain.order_id);
  ASSERT_EQ(results.size(), static_cast<std::size_t>(kResults));
  EXPECT_EQ(results.front().test_code, "T0");
  EXPECT_EQ(results.back().test_code, "T" + std::to_string(kResults - 1));
}

TEST_P(StoreConformanceTest, ConcurrentWriteTransactionsSerializeWithoutError) {
  // Each transaction reads a counter and writes it back incremented; a lost update or a
  // conflict error would show as a wrong total or a failed step.
  constexpr int kPerThread = 100;
  in_write([](Transaction& tx) { ASSERT_TRUE(tx.set_setting("counter", "0")); });
  auto work = [this](std::vector<std::string>* errors) {
    for (int i = 0; i < kPerThread; ++i) {
      Result<std::unique_ptr<Transaction>> tx = store_->begin(TransactionMode::kWrite);
      if (!tx) {
        errors->push_back(tx.error().message());
        continue;
      }
      Result<std::optional<std::string>> value = (*tx)->get_setting("counter");
      if (!value || !*value) {
        errors->push_back(value ? std::string("counter missing") : value.error().message());
        continue;
      }
      const int next = std::stoi(**value) + 1;
      Result<void> set = (*tx)->set_setting("counter", std::to_string(next));
      Result<void> committed = set ? (*tx)->commit() : set;
      if (!committed) errors->push_back(committed.error().message());
    }
  };
  std::vector<std::string> errors_a, errors_b;
  std::thread a(work, &errors_a);
  std::thread b(work, &errors_b);
  a.join();
  b.join();
  EXPECT_TRUE(errors_a.empty()) << errors_a.front();
  EXPECT_TRUE(errors_b.empty()) << errors_b.front();
  EXPECT_EQ(**read()->get_setting("counter"), std::to_string(2 * kPerThread));
}

TEST_P(StoreConformanceTest, WriteBeginOnAThreadAlreadyWritingFailsInsteadOfDeadlocking) {
  auto first = write();
  Result<std::unique_ptr<Transaction>> second = store_->begin(TransactionMode::kWrite);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(first->commit());
  // Once committed, the lock is free again.
  EXPECT_TRUE(store_->begin(TransactionMode::kWrite).has_value());
}

TEST_P(StoreConformanceTest, DataSurvivesCloseAndReopen) {
  if (!GetParam().persists) GTEST_SKIP() << GetParam().name << " keeps nothing after close";
  Chain chain;
  in_write([&](Transaction& tx) {
    chain = store_chain(tx, "1");
    ASSERT_TRUE(tx.set_setting("lab.name", "Central"));
    ASSERT_TRUE(tx.next_sequence("order.26"));
    ASSERT_TRUE(tx.append_audit_entry(sample_entry(1)));
  });
  {
    // Uncommitted work must not survive.
    auto tx = write();
    ASSERT_TRUE(tx->insert_patient(sample_patient("M-uncommitted")));
  }
  store_.reset();
  open();
  auto tx = write();
  expect_same(**tx->find_patient(chain.patient_id), [&] {
    core::Patient expected = sample_patient("M1");
    expected.id = chain.patient_id;
    return expected;
  }());
  EXPECT_FALSE(tx->find_patient_by_mrn("M-uncommitted")->has_value());
  EXPECT_EQ(**tx->get_setting("lab.name"), "Central");
  EXPECT_EQ(*tx->next_sequence("order.26"), 2);
  EXPECT_EQ((*tx->last_audit_entry())->sequence, 1);
  EXPECT_TRUE(tx->append_audit_entry(sample_entry(2)));
}

// --- sequences, settings, catalog versions -----------------------------------------------

TEST_P(StoreConformanceTest, SequencesStartAtOneAndIncreasePerName) {
  in_write([](Transaction& tx) {
    EXPECT_EQ(*tx.next_sequence("accession.26"), 1);
    EXPECT_EQ(*tx.next_sequence("accession.26"), 2);
    EXPECT_EQ(*tx.next_sequence("order.26"), 1);
    EXPECT_EQ(*tx.next_sequence("accession.26"), 3);
  });
  in_write([](Transaction& tx) {
    EXPECT_EQ(*tx.next_sequence("accession.26"), 4);
    EXPECT_EQ(*tx.next_sequence("order.26"), 2);
  });
}

TEST_P(StoreConformanceTest, SettingsAreStoredAndReplaced) {
  in_write([](Transaction& tx) {
    EXPECT_FALSE(tx.get_setting("lab.name")->has_value());
    ASSERT_TRUE(tx.set_setting("lab.name", "Central Lab"));
    ASSERT_TRUE(tx.set_setting("catalog.version", "3"));
    ASSERT_TRUE(tx.set_setting("lab.name", "Labor Zürich"));
  });
  auto tx = read();
  EXPECT_EQ(**tx->get_setting("lab.name"), "Labor Zürich");
  EXPECT_EQ(**tx->get_setting("catalog.version"), "3");
}

TEST_P(StoreConformanceTest, CatalogVersionsAreNumberedAndTheLatestIsFound) {
  in_write([](Transaction& tx) {
    EXPECT_FALSE(tx.latest_catalog_version()->has_value());
    CatalogVersion first{0, "catalog.toml", "[tests]\n", "ab12", at_minute(1), "admin"};
    CatalogVersion stored = *tx.insert_catalog_version(first);
    EXPECT_EQ(stored.version, 1);
    CatalogVersion second{0,      "catalog-2.toml", "[tests.K]\nname = \"Kalium\"\n",
                          "cd34", at_minute(2),     "admin2"};
    EXPECT_EQ(tx.insert_catalog_version(second)->version, 2);
  });
  auto tx = read();
  CatalogVersion latest = **tx->latest_catalog_version();
  EXPECT_EQ(latest.version, 2);
  EXPECT_EQ(latest.name, "catalog-2.toml");
  EXPECT_EQ(latest.content, "[tests.K]\nname = \"Kalium\"\n");
  EXPECT_EQ(latest.sha256, "cd34");
  EXPECT_EQ(ms(latest.loaded_at), ms(at_minute(2)));
  EXPECT_EQ(latest.loaded_by, "admin2");
}

// The QC policy is versioned apart from the catalog and the rules.
TEST_P(StoreConformanceTest, QcPolicyVersionsAreNumberedApartFromTheCatalog) {
  in_write([](Transaction& tx) {
    EXPECT_FALSE(tx.latest_qc_policy_version()->has_value());
    ASSERT_TRUE(tx.insert_catalog_version(CatalogVersion{0, "c.toml", "", "", at_minute(1), "a"}));
    CatalogVersion policy{0, "qc_policy.toml", "[qc_policy]\n", "ef56", at_minute(2), "super"};
    EXPECT_EQ(tx.insert_qc_policy_version(policy)->version, 1);
    policy.content = "[qc_policy]\nrules = \"1-3s\"\n";
    EXPECT_EQ(tx.insert_qc_policy_version(policy)->version, 2);
  });
  auto tx = read();
  const CatalogVersion latest = **tx->latest_qc_policy_version();
  EXPECT_EQ(latest.version, 2);
  EXPECT_EQ(latest.content, "[qc_policy]\nrules = \"1-3s\"\n");
  EXPECT_EQ(latest.loaded_by, "super");
  EXPECT_EQ((*tx->latest_catalog_version())->version, 1);
}

TEST_P(StoreConformanceTest, CatalogVersionWithATakenNumberIsRefused) {
  auto tx = write();
  ASSERT_TRUE(tx->insert_catalog_version(CatalogVersion{4, "a", "", "", at_minute(1), "admin"}));
  Result<CatalogVersion> again =
      tx->insert_catalog_version(CatalogVersion{4, "b", "", "", at_minute(2), "admin"});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(), "catalog version 4 already exists");
}

// --- users -------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, UserRoundTripsEveryField) {
  core::User user{0, "tech1", "Ana Müller", core::Role::kTechnologist, false, at_minute(3)};
  std::int64_t id = 0;
  in_write([&](Transaction& tx) {
    core::User stored = *tx.insert_user(user);
    EXPECT_GT(stored.id, 0);
    id = stored.id;
  });
  user.id = id;
  auto tx = read();
  expect_same(**tx->find_user("tech1"), user);
  EXPECT_FALSE(tx->find_user("nobody")->has_value());
}

TEST_P(StoreConformanceTest, DuplicateUsernameIsRefused) {
  auto tx = write();
  ASSERT_TRUE(tx->insert_user(core::User{0, "tech1", "A", core::Role::kTechnician, true, {}}));
  Result<core::User> again =
      tx->insert_user(core::User{0, "tech1", "B", core::Role::kClerk, true, {}});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(), "user 'tech1' already exists");
}

TEST_P(StoreConformanceTest, UsersAreListedByUsername) {
  in_write([](Transaction& tx) {
    for (const char* name : {"zed", "admin", "mia", "bob"}) {
      ASSERT_TRUE(tx.insert_user(core::User{0, name, name, core::Role::kClerk, true, {}}));
    }
  });
  std::vector<std::string> names;
  const std::vector<core::User> users = *read()->list_users();
  for (const core::User& user : users) names.push_back(user.username);
  EXPECT_EQ(names, (std::vector<std::string>{"admin", "bob", "mia", "zed"}));
}

// --- patients ----------------------------------------------------------------------------

TEST_P(StoreConformanceTest, PatientRoundTripsEveryField) {
  core::Patient patient = sample_patient("M-001");
  in_write([&](Transaction& tx) { patient = *tx.insert_patient(patient); });
  EXPECT_GT(patient.id, 0);
  auto tx = read();
  expect_same(**tx->find_patient(patient.id), patient);
  expect_same(**tx->find_patient_by_mrn("M-001"), patient);
}

TEST_P(StoreConformanceTest, PatientWithoutBirthDateRoundTrips) {
  core::Patient patient = sample_patient("M-002");
  patient.birth_date = core::Date{};
  patient.sex = core::AdministrativeSex::kUnknown;
  patient.given_name = "";
  in_write([&](Transaction& tx) { patient = *tx.insert_patient(patient); });
  expect_same(**read()->find_patient(patient.id), patient);
}

TEST_P(StoreConformanceTest, MissingPatientIsNotFoundAsNullopt) {
  auto tx = read();
  EXPECT_FALSE(tx->find_patient(424242)->has_value());
  EXPECT_FALSE(tx->find_patient_by_mrn("NOPE")->has_value());
}

TEST_P(StoreConformanceTest, DuplicateMrnIsRefused) {
  auto tx = write();
  ASSERT_TRUE(tx->insert_patient(sample_patient("M1")));
  Result<core::Patient> again = tx->insert_patient(sample_patient("M1"));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(), "patient with MRN 'M1' already exists");
}

TEST_P(StoreConformanceTest, UpdatePatientReplacesEveryField) {
  core::Patient patient;
  in_write([&](Transaction& tx) { patient = *tx.insert_patient(sample_patient("M1")); });
  core::Patient changed;
  changed.id = patient.id;
  changed.mrn = "M1-NEW";
  changed.family_name = "Smith";
  changed.given_name = "John";
  changed.birth_date =
      core::Date{std::chrono::year{2020}, std::chrono::December, std::chrono::day{31}};
  changed.sex = core::AdministrativeSex::kMale;
  changed.registered_at = at_minute(99);
  changed.registered_by = "clerk2";
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.update_patient(changed)); });
  auto tx = read();
  expect_same(**tx->find_patient(patient.id), changed);
  EXPECT_FALSE(tx->find_patient_by_mrn("M1")->has_value());
}

TEST_P(StoreConformanceTest, UpdateOfAMissingPatientIsNotFound) {
  core::Patient ghost = sample_patient("M9");
  ghost.id = 777;
  Result<void> updated = write()->update_patient(ghost);
  ASSERT_FALSE(updated.has_value());
  EXPECT_EQ(updated.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(updated.error().message(),
            "cannot update patient 777: there is no patient with that id");
}

TEST_P(StoreConformanceTest, UpdatePatientToATakenMrnIsRefused) {
  auto tx = write();
  ASSERT_TRUE(tx->insert_patient(sample_patient("M1")));
  core::Patient second = *tx->insert_patient(sample_patient("M2"));
  second.mrn = "M1";
  Result<void> updated = tx->update_patient(second);
  ASSERT_FALSE(updated.has_value());
  EXPECT_EQ(updated.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(updated.error().message(), "patient with MRN 'M1' already exists");
}

// --- orders ------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, OrderRoundTripsEveryFieldWithRequestedCodesInOrder) {
  core::Order order;
  core::Order empty;
  in_write([&](Transaction& tx) {
    const std::int64_t patient_id = tx.insert_patient(sample_patient("M1"))->id;
    order = *tx.insert_order(sample_order("O26-0000042", patient_id));
    core::Order without_codes = sample_order("O26-0000043", patient_id);
    without_codes.requested_codes.clear();
    without_codes.priority = core::Priority::kStat;
    without_codes.clinical_info = "";
    empty = *tx.insert_order(without_codes);
  });
  EXPECT_GT(order.id, 0);
  auto tx = read();
  expect_same(**tx->find_order(order.id), order);
  expect_same(**tx->find_order_by_number("O26-0000042"), order);
  expect_same(**tx->find_order(empty.id), empty);
  EXPECT_FALSE(tx->find_order(999)->has_value());
  EXPECT_FALSE(tx->find_order_by_number("O-NONE")->has_value());
}

TEST_P(StoreConformanceTest, DuplicateOrderNumberIsRefused) {
  auto tx = write();
  const std::int64_t patient_id = tx->insert_patient(sample_patient("M1"))->id;
  ASSERT_TRUE(tx->insert_order(sample_order("O1", patient_id)));
  Result<core::Order> again = tx->insert_order(sample_order("O1", patient_id));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(), "order 'O1' already exists");
}

TEST_P(StoreConformanceTest, OrderForAMissingPatientIsRefused) {
  Result<core::Order> order = write()->insert_order(sample_order("O1", 4242));
  ASSERT_FALSE(order.has_value());
  EXPECT_EQ(order.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_P(StoreConformanceTest, OrdersForPatientAreNewestFirstThenByIdDescending) {
  std::int64_t patient_id = 0;
  std::vector<std::int64_t> ids;
  in_write([&](Transaction& tx) {
    patient_id = tx.insert_patient(sample_patient("M1"))->id;
    const std::int64_t other = tx.insert_patient(sample_patient("M2"))->id;
    const int minutes[] = {10, 30, 20, 30};
    for (int i = 0; i < 4; ++i) {
      core::Order order = sample_order("O" + std::to_string(i), patient_id);
      order.ordered_at = at_minute(minutes[i]);
      ids.push_back(tx.insert_order(order)->id);
    }
    ASSERT_TRUE(tx.insert_order(sample_order("O-other", other)));
  });
  std::vector<std::int64_t> listed;
  const std::vector<core::Order> orders = *read()->orders_for_patient(patient_id);
  for (const core::Order& order : orders) {
    listed.push_back(order.id);
    EXPECT_EQ(order.requested_codes, (std::vector<std::string>{"BMP", "HBA1C", "K"}));
  }
  EXPECT_EQ(listed, (std::vector<std::int64_t>{ids[3], ids[1], ids[2], ids[0]}));
}

// --- specimens ---------------------------------------------------------------------------

TEST_P(StoreConformanceTest, SpecimenRoundTripsWithOptionalFieldsEmptyAndSet) {
  core::Specimen collected;
  core::Specimen rejected;
  in_write([&](Transaction& tx) {
    const std::int64_t patient_id = tx.insert_patient(sample_patient("M1"))->id;
    const std::int64_t order_id = tx.insert_order(sample_order("O1", patient_id))->id;
    collected = *tx.insert_specimen(sample_specimen("260000001A", order_id));
    core::Specimen with_all = sample_specimen("260000002B", order_id);
    with_all.received_at = at_minute(20);
    with_all.received_by = "clerk2";
    with_all.condition = "lipemic, slightly";
    with_all.status = core::SpecimenStatus::kRejected;
    with_all.rejection_reason = core::RejectionReason::kIncorrectFillRatio;
    with_all.rejection_comment = "tube ¾ full";
    with_all.rejected_at = at_minute(21);
    with_all.rejected_by = "tech1";
    rejected = *tx.insert_specimen(with_all);
  });
  auto tx = read();
  expect_same(**tx->find_specimen(collected.id), collected);
  expect_same(**tx->find_specimen_by_accession("260000002B"), rejected);
  EXPECT_FALSE(tx->find_specimen(999)->has_value());
  EXPECT_FALSE(tx->find_specimen_by_accession("260000099Z")->has_value());
}

TEST_P(StoreConformanceTest, UpdateSpecimenReplacesEveryField) {
  core::Specimen specimen;
  std::int64_t second_order = 0;
  in_write([&](Transaction& tx) {
    const std::int64_t patient_id = tx.insert_patient(sample_patient("M1"))->id;
    const std::int64_t order_id = tx.insert_order(sample_order("O1", patient_id))->id;
    second_order = tx.insert_order(sample_order("O2", patient_id))->id;
    specimen = *tx.insert_specimen(sample_specimen("A1", order_id));
  });
  core::Specimen changed = specimen;
  changed.accession_number = "A1-NEW";
  changed.order_id = second_order;
  changed.specimen_type = "whole-blood";
  changed.container_type = "k2edta";
  changed.collected_at = at_minute(11);
  changed.collected_by = "phleb2";
  changed.received_at = at_minute(25);
  changed.received_by = "clerk3";
  changed.condition = "hemolyzed";
  changed.status = core::SpecimenStatus::kRejected;
  changed.rejection_reason = core::RejectionReason::kHemolyzed;
  changed.rejection_comment = "gross hemolysis";
  changed.rejected_at = at_minute(26);
  changed.rejected_by = "tech2";
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.update_specimen(changed)); });
  expect_same(**read()->find_specimen(specimen.id), changed);

  // And back to no optional fields: the update clears them.
  core::Specimen cleared = changed;
  cleared.received_at.reset();
  cleared.rejection_reason.reset();
  cleared.rejected_at.reset();
  cleared.status = core::SpecimenStatus::kCollected;
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.update_specimen(cleared)); });
  expect_same(**read()->find_specimen(specimen.id), cleared);
}

TEST_P(StoreConformanceTest, UpdateOfAMissingSpecimenIsNotFound) {
  core::Specimen ghost = sample_specimen("A9", 1);
  ghost.id = 31;
  Result<void> updated = write()->update_specimen(ghost);
  ASSERT_FALSE(updated.has_value());
  EXPECT_EQ(updated.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(updated.error().message(),
            "cannot update specimen 31: there is no specimen with that id");
}

TEST_P(StoreConformanceTest, DuplicateAccessionNumberIsRefused) {
  auto tx = write();
  Chain chain = store_chain(*tx, "1");
  Result<core::Specimen> again = tx->insert_specimen(sample_specimen("A1", chain.order_id));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(), "specimen with accession number 'A1' already exists");
}

TEST_P(StoreConformanceTest, SpecimensForOrderAreById) {
  std::int64_t order_id = 0;
  std::vector<std::int64_t> ids;
  in_write([&](Transaction& tx) {
    Chain chain = store_chain(tx, "1");
    order_id = chain.order_id;
    ids.push_back(chain.specimen_id);
    ids.push_back(tx.insert_specimen(sample_specimen("A0", order_id))->id);
    ids.push_back(tx.insert_specimen(sample_specimen("Z9", order_id))->id);
    store_chain(tx, "2");
  });
  std::vector<std::int64_t> listed;
  const std::vector<core::Specimen> specimens = *read()->specimens_for_order(order_id);
  for (const core::Specimen& specimen : specimens) {
    listed.push_back(specimen.id);
  }
  EXPECT_EQ(listed, ids);
}

// --- results -----------------------------------------------------------------------------

TEST_P(StoreConformanceTest, ResultRoundTripsEveryFieldAndEveryKindOfValue) {
  std::vector<core::TestResult> stored;
  in_write([&](Transaction& tx) {
    Chain chain = store_chain(tx, "1");
    // No value at all, not accessioned (specimen 0).
    stored.push_back(*tx.insert_result(sample_result(chain.order_id, 0, "GLU", "chemistry")));
    // Every field set, numeric with a comparator and full precision.
    stored.push_back(*tx.insert_result(fully_set_result(chain.order_id, chain.specimen_id)));
    // A coded value.
    core::TestResult coded = sample_result(chain.order_id, chain.specimen_id, "ABO", "blood bank");
    coded.status = core::ResultStatus::kPreliminary;
    coded.value = core::ResultValue{core::ResultKind::kCoded, 0, "", "A Rh(D) positive", "", 0};
    coded.flag = core::AbnormalFlag::kAbnormal;
    stored.push_back(*tx.insert_result(coded));
    // Free text with unicode and a negative number.
    core::TestResult text = sample_result(chain.order_id, chain.specimen_id, "COMMENT", "micro");
    text.value =
        core::ResultValue{core::ResultKind::kText, -0.5, "", "Gram-negative Stäbchen ✓", "", 3};
    stored.push_back(*tx.insert_result(text));
    // An extreme numeric value.
    core::TestResult tiny = sample_result(chain.order_id, chain.specimen_id, "TSH", "chemistry");
    tiny.value = core::ResultValue{
        core::ResultKind::kNumeric, std::numeric_limits<double>::denorm_min(), "<", "", "mIU/L", 2};
    stored.push_back(*tx.insert_result(tiny));
  });
  auto tx = read();
  for (const core::TestResult& result : stored) {
    SCOPED_TRACE(result.test_code);
    EXPECT_GT(result.id, 0);
    expect_same(**tx->find_result(result.id), result);
  }
  EXPECT_FALSE(tx->find_result(9999)->has_value());
}

TEST_P(StoreConformanceTest, UpdateResultReplacesEveryFieldIncludingClearingTheValue) {
  core::TestResult result;
  std::int64_t other_specimen = 0;
  in_write([&](Transaction& tx) {
    Chain chain = store_chain(tx, "1");
    other_specimen = tx.insert_specimen(sample_specimen("A2", chain.order_id))->id;
    result = *tx.insert_result(sample_result(chain.order_id, 0, "K", "chemistry"));
  });
  core::TestResult full = fully_set_result(result.order_id, other_specimen);
  full.id = result.id;
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.update_result(full)); });
  expect_same(**read()->find_result(result.id), full);

  core::TestResult cleared = full;
  cleared.value.reset();
  cleared.specimen_id = 0;
  cleared.entered_at.reset();
  cleared.measured_at.reset();
  cleared.instrument = "";
  cleared.performed_by = "";
  cleared.released_at.reset();
  cleared.corrected_at.reset();
  cleared.cancelled_at.reset();
  cleared.status = core::ResultStatus::kPending;
  cleared.flag = core::AbnormalFlag::kNone;
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.update_result(cleared)); });
  expect_same(**read()->find_result(result.id), cleared);
}

TEST_P(StoreConformanceTest, UpdateOfAMissingResultIsNotFound) {
  core::TestResult ghost;
  ghost.id = 5;
  Result<void> updated = write()->update_result(ghost);
  ASSERT_FALSE(updated.has_value());
  EXPECT_EQ(updated.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(updated.error().message(), "cannot update result 5: there is no result with that id");
}

TEST_P(StoreConformanceTest, ResultWithANanValueIsRefused) {
  auto tx = write();
  Chain chain = store_chain(*tx, "1");
  core::TestResult result = sample_result(chain.order_id, chain.specimen_id, "K", "chemistry");
  result.value = core::ResultValue{core::ResultKind::kNumeric, std::nan(""), "", "", "mmol/L", 1};
  Result<core::TestResult> inserted = tx->insert_result(result);
  ASSERT_FALSE(inserted.has_value());
  EXPECT_EQ(inserted.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformanceTest, ResultsForOrderAndSpecimenAreById) {
  Chain chain;
  std::vector<std::int64_t> on_first, all;
  in_write([&](Transaction& tx) {
    chain = store_chain(tx, "1");
    const std::int64_t second = tx.insert_specimen(sample_specimen("A1b", chain.order_id))->id;
    for (int i = 0; i < 6; ++i) {
      const std::int64_t specimen = i % 2 == 0 ? chain.specimen_id : second;
      const std::int64_t id =
          tx.insert_result(sample_result(chain.order_id, specimen, "T" + std::to_string(i), "x"))
              ->id;
      all.push_back(id);
      if (specimen == chain.specimen_id) on_first.push_back(id);
    }
    Chain other = store_chain(tx, "2");
    ASSERT_TRUE(tx.insert_result(sample_result(other.order_id, other.specimen_id, "T", "x")));
  });
  auto ids = [](const std::vector<core::TestResult>& results) {
    std::vector<std::int64_t> out;
    for (const auto& result : results) out.push_back(result.id);
    return out;
  };
  auto tx = read();
  EXPECT_EQ(ids(*tx->results_for_order(chain.order_id)), all);
  EXPECT_EQ(ids(*tx->results_for_specimen(chain.specimen_id)), on_first);
}

// --- worklist ----------------------------------------------------------------------------

TEST_P(StoreConformanceTest, WorklistHoldsOpenResultsOfReceivedSpecimensByPriorityThenReceipt) {
  in_write([&](Transaction& tx) {
    const std::int64_t patient_id = tx.insert_patient(sample_patient("M1"))->id;
    // One order per priority; specimens received at the given minute (or not received).
    auto add = [&](const std::string& number, core::Priority priority) {
      core::Order order = sample_order(number, patient_id);
      order.priority = priority;
      return tx.insert_order(order)->id;
    };
    const std::int64_t routine = add("O-R", core::Priority::kRoutine);
    const std::int64_t stat = add("O-S", core::Priority::kStat);
    const std::int64_t asap = add("O-A", core::Priority::kAsap);
    auto specimen = [&](const std::string& accession, std::int64_t order_id,
                        core::SpecimenStatus status, int received_minute) {
      core::Specimen s = sample_specimen(accession, order_id);
      s.status = status;
      if (received_minute >= 0) s.received_at = at_minute(received_minute);
      return tx.insert_specimen(s)->id;
    };
    const std::int64_t routine_early = specimen("R1", routine, core::SpecimenStatus::kReceived, 5);
    const std::int64_t routine_late = specimen("R2", routine, core::SpecimenStatus::kReceived, 50);
    const std::int64_t stat_late = specimen("S1", stat, core::SpecimenStatus::kReceived, 40);
    const std::int64_t asap_mid = specimen("A1", asap, core::SpecimenStatus::kReceived, 20);
    const std::int64_t not_received = specimen("N1", stat, core::SpecimenStatus::kCollected, -1);
    const std::int64_t rejected = specimen("X1", stat, core::SpecimenStatus::kRejected, 1);
    auto result = [&](std::int64_t order_id, std::int64_t specimen_id, const std::string& code,
                      const std::string& section, core::ResultStatus status) {
      core::TestResult r = sample_result(order_id, specimen_id, code, section);
      r.status = status;
      ASSERT_TRUE(tx.insert_result(r));
    };
    using core::ResultStatus;
    // Inserted out of order so that the id does not give the expected order by accident.
    result(routine, routine_late, "routine-late", "chemistry", ResultStatus::kPending);
    result(routine, routine_early, "routine-early-b", "chemistry", ResultStatus::kPreliminary);
    result(routine, routine_early, "routine-early-c", "chemistry", ResultStatus::kPending);
    result(asap, asap_mid, "asap", "chemistry", ResultStatus::kPending);
    result(stat, stat_late, "stat", "chemistry", ResultStatus::kPending);
    result(stat, stat_late, "stat-hematology", "hematology", ResultStatus::kPending);
    // Excluded: released, corrected or cancelled results; specimens not received or rejected.
    result(stat, stat_late, "final", "chemistry", ResultStatus::kFinal);
    result(stat, stat_late, "corrected", "chemistry", ResultStatus::kCorrected);
    result(stat, stat_late, "cancelled", "chemistry", ResultStatus::kCancelled);
    result(stat, not_received, "not-received", "chemistry", ResultStatus::kPending);
    result(stat, rejected, "rejected", "chemistry", ResultStatus::kPending);
    result(stat, 0, "not-accessioned", "chemistry", ResultStatus::kPending);
  });
  auto codes = [](const std::vector<WorklistRow>& rows) {
    std::vector<std::string> out;
    for (const WorklistRow& row : rows) out.push_back(row.result.test_code);
    return out;
  };
  auto tx = read();
  std::vector<WorklistRow> chemistry = *tx->worklist("chemistry");
  EXPECT_EQ(codes(chemistry), (std::vector<std::string>{"stat", "asap", "routine-early-b",
                                                        "routine-early-c", "routine-late"}));
  EXPECT_EQ(codes(*tx->worklist("hematology")), (std::vector<std::string>{"stat-hematology"}));
  EXPECT_EQ(codes(*tx->worklist("")),
            (std::vector<std::string>{"stat", "stat-hematology", "asap", "routine-early-b",
                                      "routine-early-c", "routine-late"}));
  EXPECT_TRUE(tx->worklist("microbiology")->empty());

  // Each row carries its specimen, order and patient in full.
  ASSERT_FALSE(chemistry.empty());
  const WorklistRow& first = chemistry.front();
  EXPECT_EQ(first.specimen.accession_number, "S1");
  EXPECT_EQ(first.specimen.id, first.result.specimen_id);
  EXPECT_EQ(first.order.order_number, "O-S");
  EXPECT_EQ(first.order.priority, core::Priority::kStat);
  EXPECT_EQ(first.order.requested_codes, (std::vector<std::string>{"BMP", "HBA1C", "K"}));
  EXPECT_EQ(first.order.id, first.result.order_id);
  expect_same(first.patient, **tx->find_patient_by_mrn("M1"));
}

// --- revisions and critical calls --------------------------------------------------------

TEST_P(StoreConformanceTest, ResultRevisionsRoundTripInRevisionOrder) {
  std::int64_t result_id = 0;
  std::vector<core::ResultRevision> revisions(2);
  in_write([&](Transaction& tx) {
    Chain chain = store_chain(tx, "1");
    result_id = tx.insert_result(fully_set_result(chain.order_id, chain.specimen_id))->id;
    for (int i = 1; i >= 0; --i) {  // inserted newest first
      core::ResultRevision& revision = revisions[static_cast<std::size_t>(i)];
      revision.result_id = result_id;
      revision.revision = i;
      revision.value = core::ResultValue{
          core::ResultKind::kNumeric, 7.25 + i, i == 0 ? ">" : "", "", "mmol/L", 2};
      revision.flag = i == 0 ? core::AbnormalFlag::kHigh : core::AbnormalFlag::kNone;
      revision.reference_range = "3.5-5.1";
      revision.status = i == 0 ? core::ResultStatus::kFinal : core::ResultStatus::kCorrected;
      revision.released_at = at_minute(30 + i);
      revision.released_by = "tech" + std::to_string(i);
      revision.replaced_at = at_minute(60 + i);
      revision.replaced_by = "techno" + std::to_string(i);
      revision.reason = "specimen mix-up №" + std::to_string(i);
      ASSERT_TRUE(tx.insert_result_revision(revision));
    }
  });
  std::vector<core::ResultRevision> read_back = *read()->revisions_for_result(result_id);
  ASSERT_EQ(read_back.size(), 2u);
  expect_same(read_back[0], revisions[0]);
  expect_same(read_back[1], revisions[1]);
  EXPECT_TRUE(read()->revisions_for_result(result_id + 1)->empty());
}

TEST_P(StoreConformanceTest, DuplicateRevisionIsRefused) {
  auto tx = write();
  Chain chain = store_chain(*tx, "1");
  const std::int64_t result_id =
      tx->insert_result(fully_set_result(chain.order_id, chain.specimen_id))->id;
  core::ResultRevision revision;
  revision.result_id = result_id;
  revision.revision = 1;
  ASSERT_TRUE(tx->insert_result_revision(revision));
  Result<void> again = tx->insert_result_revision(revision);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(),
            "revision 1 of result " + std::to_string(result_id) + " already exists");
}

TEST_P(StoreConformanceTest, CriticalCallsRoundTripById) {
  std::int64_t result_id = 0;
  std::vector<core::CriticalCall> calls;
  in_write([&](Transaction& tx) {
    Chain chain = store_chain(tx, "1");
    result_id = tx.insert_result(fully_set_result(chain.order_id, chain.specimen_id))->id;
    const std::int64_t other = tx.insert_result(fully_set_result(chain.order_id, 0))->id;
    for (int i = 0; i < 2; ++i) {
      core::CriticalCall call{0,
                              result_id,
                              i,
                              "tech1",
                              "RN Jo Ørsted, 4W",
                              at_minute(40 + i),
                              i == 1,
                              "no answer at first",
                              at_minute(45 + i),
                              "tech" + std::to_string(i)};
      calls.push_back(*tx.insert_critical_call(call));
    }
    ASSERT_TRUE(
        tx.insert_critical_call(core::CriticalCall{0, other, 0, "a", "b", {}, true, "", {}, "c"}));
  });
  std::vector<core::CriticalCall> read_back = *read()->critical_calls_for_result(result_id);
  ASSERT_EQ(read_back.size(), 2u);
  EXPECT_LT(calls[0].id, calls[1].id);
  expect_same(read_back[0], calls[0]);
  expect_same(read_back[1], calls[1]);
}

TEST_P(StoreConformanceTest, ResultCommentsRoundTripInTheOrderWritten) {
  std::int64_t result_id = 0;
  std::vector<core::ResultComment> comments;
  in_write([&](Transaction& tx) {
    Chain chain = store_chain(tx, "1");
    result_id = tx.insert_result(fully_set_result(chain.order_id, chain.specimen_id))->id;
    const std::int64_t other = tx.insert_result(fully_set_result(chain.order_id, 0))->id;
    comments.push_back(*tx.insert_result_comment(
        {0, result_id, "Specimen slightly hemolysed; Ørsted's ward informed", true, at_minute(41),
         "tech1"}));
    comments.push_back(*tx.insert_result_comment(
        {0, result_id, "checked the tube: no clot", false, at_minute(42), "mls1"}));
    ASSERT_TRUE(tx.insert_result_comment({0, other, "other", false, at_minute(43), "x"}));
  });
  const std::vector<core::ResultComment> read_back = *read()->comments_for_result(result_id);
  ASSERT_EQ(read_back.size(), 2u);
  EXPECT_LT(comments[0].id, comments[1].id);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(read_back[i].id, comments[i].id);
    EXPECT_EQ(read_back[i].result_id, result_id);
    EXPECT_EQ(read_back[i].text, comments[i].text);
    EXPECT_EQ(read_back[i].on_report, comments[i].on_report);
    EXPECT_EQ(ms(read_back[i].written_at), ms(comments[i].written_at));
    EXPECT_EQ(read_back[i].written_by, comments[i].written_by);
  }
  EXPECT_TRUE(read()->comments_for_result(9999)->empty());
}

// --- audit -------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, AuditEntriesRoundTripAndTheHeadFollowsTheLast) {
  {
    auto tx = read();
    EXPECT_FALSE(tx->last_audit_entry()->has_value());
    EXPECT_FALSE(tx->audit_head()->has_value());
  }
  core::AuditEntry full = sample_entry(2);
  full.accession_number = "260000042H";
  full.test_code = "K";
  full.before = "{\"value\":\"4.1\"}";
  full.reason = "Verwechslung — corrected";
  in_write([&](Transaction& tx) {
    ASSERT_TRUE(tx.append_audit_entry(sample_entry(1)));
    ASSERT_TRUE(tx.append_audit_entry(full));
  });
  auto tx = read();
  expect_same(**tx->last_audit_entry(), full);
  std::optional<AuditHead> head = *tx->audit_head();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->sequence, 2);
  EXPECT_EQ(head->hash, "hash2");
  std::vector<core::AuditEntry> all = *tx->audit_entries(1, 100);
  ASSERT_EQ(all.size(), 2u);
  expect_same(all[0], sample_entry(1));
  expect_same(all[1], full);
}

TEST_P(StoreConformanceTest, AuditAppendRefusesASequenceThatIsNotLastPlusOne) {
  auto tx = write();
  Result<void> not_first = tx->append_audit_entry(sample_entry(2));
  ASSERT_FALSE(not_first.has_value());
  EXPECT_EQ(not_first.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(not_first.error().message(),
            "audit entry 2 refused: the audit trail ends at entry 0, so the next entry must be 1");
  ASSERT_TRUE(tx->append_audit_entry(sample_entry(1)));
  ASSERT_TRUE(tx->append_audit_entry(sample_entry(2)));
  for (std::int64_t sequence : {1, 2, 4, 0, -1}) {
    SCOPED_TRACE(sequence);
    Result<void> refused = tx->append_audit_entry(sample_entry(sequence));
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  }
  EXPECT_TRUE(tx->append_audit_entry(sample_entry(3)));
}

TEST_P(StoreConformanceTest, AuditEntriesArePagedInSequenceOrder) {
  in_write([](Transaction& tx) {
    for (int i = 1; i <= 7; ++i) ASSERT_TRUE(tx.append_audit_entry(sample_entry(i)));
  });
  auto sequences = [](const std::vector<core::AuditEntry>& entries) {
    std::vector<std::int64_t> out;
    for (const auto& entry : entries) out.push_back(entry.sequence);
    return out;
  };
  auto tx = read();
  EXPECT_EQ(sequences(*tx->audit_entries(1, 3)), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(sequences(*tx->audit_entries(4, 3)), (std::vector<std::int64_t>{4, 5, 6}));
  EXPECT_EQ(sequences(*tx->audit_entries(7, 3)), (std::vector<std::int64_t>{7}));
  EXPECT_TRUE(tx->audit_entries(8, 3)->empty());
  EXPECT_TRUE(tx->audit_entries(1, 0)->empty());
  EXPECT_EQ((*tx->last_audit_entry())->sequence, 7);
}

TEST_P(StoreConformanceTest, AuditEntriesAreFoundBySubject) {
  // (sequence, entity type, entity key, patient, accession, test code)
  struct Row {
    const char* entity_type;
    const char* entity_key;
    const char* patient_mrn;
    const char* accession_number;
    const char* test_code;
  };
  const Row rows[] = {
      {"patient", "M1", "M1", "", ""},                        // 1
      {"order", "O1", "M1", "", ""},                          // 2
      {"specimen", "260000042H", "M1", "260000042H", ""},     // 3
      {"result", "260000042H/K", "M1", "260000042H", "K"},    // 4
      {"result", "260000042H/NA", "M1", "", "NA"},            // 5: found by its key alone
      {"patient", "M2", "M2", "", ""},                        // 6
      {"result", "260000042HX/K", "M2", "260000042HX", "K"},  // 7: a longer accession
      {"specimen", "260000042", "M2", "260000042", ""},       // 8: a shorter one
      {"user", "tech1", "", "", ""},                          // 9
      {"result", "260000042H/K", "M1", "260000042H", "K"},    // 10
  };
  in_write([&](Transaction& tx) {
    std::int64_t sequence = 0;
    for (const Row& row : rows) {
      core::AuditEntry entry = sample_entry(++sequence);
      entry.entity_type = row.entity_type;
      entry.entity_key = row.entity_key;
      entry.patient_mrn = row.patient_mrn;
      entry.accession_number = row.accession_number;
      entry.test_code = row.test_code;
      ASSERT_TRUE(tx.append_audit_entry(entry));
    }
  });
  auto find = [this](const AuditFilter& filter) {
    std::vector<std::int64_t> out;
    const std::vector<core::AuditEntry> entries = *read()->find_audit_entries(filter);
    for (const auto& entry : entries) out.push_back(entry.sequence);
    return out;
  };
  using Sequences = std::vector<std::int64_t>;
  // The same answers whether an entry was found through the lookups (Store::index_audit_trail)
  // or in the trail's tail: none indexed yet, the first four, then all.
  const auto expect_every_search = [&](const std::string& when) {
    SCOPED_TRACE(when);
    EXPECT_EQ(find({"M1", "", "", ""}), (Sequences{1, 2, 3, 4, 5, 10}));
    EXPECT_EQ(find({"", "260000042H", "", ""}), (Sequences{3, 4, 5, 10}));
    EXPECT_EQ(find({"", "", "K", ""}), (Sequences{4, 7, 10}));
    EXPECT_EQ(find({"", "", "", "result"}), (Sequences{4, 5, 7, 10}));
    EXPECT_EQ(find({"", "", "", "user"}), (Sequences{9}));
    EXPECT_EQ(find({"M2", "", "K", "result"}), (Sequences{7}));
    EXPECT_EQ(find({"", "260000042H", "NA", ""}), (Sequences{5}));
    EXPECT_EQ(find({"", "", "", ""}), (Sequences{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    EXPECT_TRUE(find({"M9", "", "", ""}).empty());
  };
  expect_every_search("nothing indexed");
  ASSERT_TRUE(store_->index_audit_trail(1, 4).has_value());
  expect_every_search("entries 1 to 4 indexed");
  ASSERT_TRUE(store_->index_audit_trail(1, 100).has_value());
  expect_every_search("every entry indexed");
  EXPECT_EQ(*store_->index_audit_trail(1, 100), 0);  // nothing left
}

// --- savepoints and messages -----------------------------------------------------------

TEST_P(StoreConformanceTest, RollingBackToASavepointUndoesOnlyWhatFollowedIt) {
  in_write([](Transaction& tx) {
    ASSERT_TRUE(tx.insert_patient(sample_patient("KEPT")));
    ASSERT_TRUE(tx.savepoint("message_1"));
    ASSERT_TRUE(tx.insert_patient(sample_patient("UNDONE")));
    ASSERT_TRUE(tx.rollback_to_savepoint("message_1"));
    ASSERT_TRUE(tx.release_savepoint("message_1"));
    ASSERT_TRUE(tx.savepoint("message_2"));
    ASSERT_TRUE(tx.insert_patient(sample_patient("ALSO")));
    ASSERT_TRUE(tx.release_savepoint("message_2"));
  });
  auto tx = read();
  EXPECT_TRUE(tx->find_patient_by_mrn("KEPT")->has_value());
  EXPECT_FALSE(tx->find_patient_by_mrn("UNDONE")->has_value());
  EXPECT_TRUE(tx->find_patient_by_mrn("ALSO")->has_value());
}

TEST_P(StoreConformanceTest, RefusesASavepointNameThatIsNotAPlainIdentifier) {
  auto tx = write();
  const Result<void> refused = tx->savepoint("x; DROP TABLE patients");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformanceTest, AppliedMessagesAreFoundByChannelSenderAndIdAndNeverTwice) {
  AppliedMessage applied;
  applied.channel = Channel::kHl7;
  applied.sender = "EPIC^GENHOSP";
  applied.message_id = "MSG00042";
  applied.applied_at = at_minute(3);
  applied.summary = "3 results posted";
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.insert_applied_message(applied)); });

  auto tx = write();
  const auto found = tx->find_applied_message(Channel::kHl7, "EPIC^GENHOSP", "MSG00042");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->summary, "3 results posted");
  EXPECT_EQ(ms((*found)->applied_at), ms(applied.applied_at));
  EXPECT_FALSE(tx->find_applied_message(Channel::kAstm, "EPIC^GENHOSP", "MSG00042")->has_value());
  EXPECT_FALSE(tx->find_applied_message(Channel::kHl7, "OTHER", "MSG00042")->has_value());
  const Result<void> again = tx->insert_applied_message(applied);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(), "message 'MSG00042' from 'EPIC^GENHOSP' was already applied");
}

TEST_P(StoreConformanceTest, QuarantineKeepsTheBytesAsReceivedAndRecordsTheResolution) {
  QuarantinedMessage held;
  held.received_at = at_minute(1);
  held.channel = Channel::kHl7;
  held.sender = "LAB^X";
  held.message_id = "Q1";
  held.message_type = "ORU^R01";
  held.peer = "127.0.0.1:5000";
  held.reason = "OBX(2)-3: unknown test";
  held.content = std::string("MSH|^~\\&|\r\0\x1c\xff", 13);
  std::int64_t id = 0;
  in_write([&](Transaction& tx) {
    id = tx.insert_quarantined_message(held)->id;
    QuarantinedMessage other = held;
    other.message_id = "Q2";
    other.status = QuarantineStatus::kDiscarded;
    ASSERT_TRUE(tx.insert_quarantined_message(other));
  });
  ASSERT_GT(id, 0);
  {
    auto tx = write();
    auto found = tx->find_quarantined_message(id);
    ASSERT_TRUE(found.has_value() && found->has_value());
    EXPECT_EQ((*found)->content, held.content);
    EXPECT_EQ((*found)->reason, held.reason);
    EXPECT_EQ((*found)->status, QuarantineStatus::kHeld);
    QuarantinedMessage resolved = **found;
    resolved.status = QuarantineStatus::kReplayed;
    resolved.resolved_at = at_minute(9);
    resolved.resolved_by = "tech1";
    resolved.resolution = "AA: 3 results posted";
    resolved.content = "changed";  // content is never rewritten
    ASSERT_TRUE(tx->update_quarantined_message(resolved));
    ASSERT_TRUE(tx->commit());
  }
  auto tx = read();
  auto found = tx->find_quarantined_message(id);
  EXPECT_EQ((*found)->status, QuarantineStatus::kReplayed);
  EXPECT_EQ(ms((*found)->resolved_at), ms(at_minute(9)));
  EXPECT_EQ((*found)->content, held.content);
  const auto held_only = tx->list_quarantined_messages(QuarantineStatus::kHeld, 10);
  EXPECT_TRUE(held_only->empty());
  const auto all = tx->list_quarantined_messages(std::nullopt, 10);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].message_id, "Q2");   // newest first
  EXPECT_TRUE((*all)[0].content.empty());  // lists leave the bytes out
}

TEST_P(StoreConformanceTest, OutboxHandsOutDueMessagesOldestFirst) {
  auto message = [](const std::string& id, int due_minute) {
    OutboxMessage m;
    m.created_at = at_minute(0);
    m.destination = "ehr";
    m.message_type = "ORU^R01";
    m.message_id = id;
    m.subject = "A1/K";
    m.payload = "MSH|...\r";
    m.next_attempt_at = at_minute(due_minute);
    return m;
  };
  std::int64_t first = 0;
  in_write([&](Transaction& tx) {
    first = tx.insert_outbox_message(message("M1", 1))->id;
    ASSERT_TRUE(tx.insert_outbox_message(message("M2", 5)));
    ASSERT_TRUE(tx.insert_outbox_message(message("M3", 2)));
  });
  {
    auto tx = write();
    const auto due = tx->due_outbox_messages(at_minute(2), 10);
    ASSERT_EQ(due->size(), 2u);
    EXPECT_EQ((*due)[0].message_id, "M1");
    EXPECT_EQ((*due)[1].message_id, "M3");
    OutboxMessage delivered = (*due)[0];
    delivered.status = OutboxStatus::kDelivered;
    delivered.attempts = 1;
    delivered.delivered_at = at_minute(2);
    ASSERT_TRUE(tx->update_outbox_message(delivered));
    ASSERT_TRUE(tx->commit());
  }
  auto tx = read();
  EXPECT_EQ(tx->due_outbox_messages(at_minute(2), 10)->size(), 1u);
  const auto stored = tx->find_outbox_message(first);
  EXPECT_EQ((*stored)->status, OutboxStatus::kDelivered);
  EXPECT_EQ((*stored)->attempts, 1);
  EXPECT_EQ(tx->list_outbox_messages(OutboxStatus::kPending, 10)->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest, testing::ValuesIn(kBackends),
                         backend_name);

}  // namespace
}  // namespace aliquot::store::conformance
