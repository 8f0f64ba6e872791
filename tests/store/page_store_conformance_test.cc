// The storage conformance suite for the pages and batches the web API reads (store.h, "pages and
// batches for the web API"). The fixture and kBackends are in store_conformance.h.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/store_conformance.h"

namespace aliquot::store::conformance {
namespace {

class PageStoreConformanceTest : public StoreConformanceTest {
 protected:
  static std::vector<std::string> codes(const std::vector<WorklistRow>& rows) {
    std::vector<std::string> out;
    for (const WorklistRow& row : rows) out.push_back(row.result.test_code);
    return out;
  }
};

TEST_P(PageStoreConformanceTest, WorklistPagesFollowTheWorklistOrderAndCountIt) {
  std::map<std::string, std::int64_t> id_of;
  in_write([&](Transaction& tx) {
    const std::int64_t patient_id = tx.insert_patient(sample_patient("M1"))->id;
    auto add = [&](const std::string& number, core::Priority priority) {
      core::Order order = sample_order(number, patient_id);
      order.priority = priority;
      return tx.insert_order(order)->id;
    };
    const std::int64_t routine = add("O-R", core::Priority::kRoutine);
    const std::int64_t stat = add("O-S", core::Priority::kStat);
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
    const std::int64_t not_received = specimen("N1", stat, core::SpecimenStatus::kCollected, -1);
    auto result = [&](std::int64_t order_id, std::int64_t specimen_id, const std::string& code,
                      const std::string& section, core::ResultStatus status) {
      core::TestResult r = sample_result(order_id, specimen_id, code, section);
      r.status = status;
      id_of[code] = tx.insert_result(r)->id;
    };
    using core::ResultStatus;
    // Inserted out of order so that the id does not give the expected order by accident.
    result(routine, routine_late, "routine-late", "chemistry", ResultStatus::kPending);
    result(routine, routine_early, "routine-early-b", "chemistry", ResultStatus::kPreliminary);
    result(routine, routine_early, "routine-early-c", "chemistry", ResultStatus::kPending);
    result(stat, stat_late, "stat", "chemistry", ResultStatus::kPending);
    result(stat, stat_late, "stat-hematology", "hematology", ResultStatus::kPending);
    result(stat, stat_late, "final", "chemistry", ResultStatus::kFinal);
    result(stat, not_received, "not-received", "chemistry", ResultStatus::kPending);
  });
  auto tx = read();
  const std::vector<WorklistRow> first = *tx->worklist_page("chemistry", std::nullopt, 2);
  EXPECT_EQ(codes(first), (std::vector<std::string>{"stat", "routine-early-b"}));
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].order.requested_codes, (std::vector<std::string>{"BMP", "HBA1C", "K"}));
  EXPECT_EQ(first[0].patient.mrn, "M1");
  EXPECT_EQ(first[0].specimen.accession_number, "S1");
  const std::vector<WorklistRow> second =
      *tx->worklist_page("chemistry", first.back().result.id, 2);
  EXPECT_EQ(codes(second), (std::vector<std::string>{"routine-early-c", "routine-late"}));
  EXPECT_TRUE(tx->worklist_page("chemistry", id_of["routine-late"], 2)->empty());
  // A result that has left the worklist still places the page by its own row.
  EXPECT_EQ(codes(*tx->worklist_page("chemistry", id_of["final"], 10)),
            (std::vector<std::string>{"routine-early-b", "routine-early-c", "routine-late"}));
  EXPECT_EQ(codes(*tx->worklist_page("", std::nullopt, 3)),
            (std::vector<std::string>{"stat", "stat-hematology", "routine-early-b"}));

  EXPECT_EQ(*tx->count_worklist("chemistry"), 4);
  EXPECT_EQ(*tx->count_worklist("hematology"), 1);
  EXPECT_EQ(*tx->count_worklist(""), 5);
  EXPECT_EQ(*tx->count_worklist("microbiology"), 0);
  EXPECT_FALSE(tx->worklist_page("chemistry", std::nullopt, -1).has_value());
}

TEST_P(PageStoreConformanceTest, ReadsHoldsRevisionsAndCallsOfManyResultsAtOnce) {
  std::vector<std::int64_t> ids;
  in_write([&](Transaction& tx) {
    const Chain chain = store_chain(tx, "1");
    for (const char* code : {"K", "NA", "CL"}) {
      ids.push_back(
          tx.insert_result(sample_result(chain.order_id, chain.specimen_id, code, "chemistry"))
              ->id);
    }
    core::HoldReason first;
    first.category = "delta-check";
    first.rule = "K delta";
    core::HoldReason second;
    second.category = "critical-value";
    second.suppresses = true;
    ASSERT_TRUE(tx.replace_result_holds(ids[0], {first, second}));
    ASSERT_TRUE(tx.replace_result_holds(ids[2], {second}));
    for (int revision : {2, 1}) {
      core::ResultRevision old;
      old.result_id = ids[1];
      old.revision = revision;
      old.value =
          core::ResultValue{core::ResultKind::kNumeric, 140.0 + revision, "", "", "mmol/L", 0};
      old.status = core::ResultStatus::kFinal;
      ASSERT_TRUE(tx.insert_result_revision(old));
    }
    core::CriticalCall call;
    call.result_id = ids[0];
    call.called_by = "tech1";
    call.called_to = "Dr Who";
    call.called_at = at_minute(7);
    call.documented_at = at_minute(8);
    ASSERT_TRUE(tx.insert_critical_call(call));
  });
  auto tx = read();
  // Ids in any order, repeated or unknown, are accepted.
  const std::vector<std::int64_t> asked = {ids[2], ids[0], ids[1], ids[0], ids[2] + 100};
  const auto holds = *tx->holds_for_results(asked);
  ASSERT_EQ(holds.size(), 2u);
  ASSERT_EQ(holds.at(ids[0]).size(), 2u);
  EXPECT_EQ(holds.at(ids[0])[0].rule, "K delta");
  EXPECT_EQ(holds.at(ids[0])[1].category, "critical-value");
  EXPECT_TRUE(holds.at(ids[0])[1].suppresses);
  EXPECT_EQ(holds.at(ids[2]).size(), 1u);
  EXPECT_EQ(holds.count(ids[1]), 0u);

  const auto revisions = *tx->revisions_for_results(asked);
  ASSERT_EQ(revisions.size(), 1u);
  ASSERT_EQ(revisions.at(ids[1]).size(), 2u);
  EXPECT_EQ(revisions.at(ids[1])[0].revision, 1);
  EXPECT_EQ(revisions.at(ids[1])[1].revision, 2);
  EXPECT_EQ(revisions.at(ids[1])[1].value.number, 142.0);

  const auto calls = *tx->critical_calls_for_results(asked);
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_EQ(calls.at(ids[0]).size(), 1u);
  EXPECT_EQ(calls.at(ids[0])[0].called_to, "Dr Who");

  EXPECT_TRUE(tx->holds_for_results({})->empty());
  EXPECT_TRUE(tx->revisions_for_results({})->empty());
  EXPECT_TRUE(tx->critical_calls_for_results({})->empty());
}

TEST_P(PageStoreConformanceTest, PagesAPatientsOrdersNewestFirstWithTheirResultsAndSpecimens) {
  std::vector<std::int64_t> order_ids;  // oldest first
  in_write([&](Transaction& tx) {
    const std::int64_t patient_id = tx.insert_patient(sample_patient("M1"))->id;
    const std::int64_t other_id = tx.insert_patient(sample_patient("M2"))->id;
    for (int i = 0; i < 4; ++i) {
      core::Order order = sample_order("O-" + std::to_string(i), patient_id);
      // Two orders share a time: the id breaks the tie.
      order.ordered_at = at_minute(i < 2 ? 10 : 10 + i);
      order_ids.push_back(tx.insert_order(order)->id);
      const std::int64_t specimen_id =
          tx.insert_specimen(sample_specimen("A-" + std::to_string(i), order_ids.back()))->id;
      for (const char* code : {"K", "NA"}) {
        ASSERT_TRUE(
            tx.insert_result(sample_result(order_ids.back(), specimen_id, code, "chemistry")));
      }
    }
    ASSERT_TRUE(tx.insert_order(sample_order("O-other", other_id)));
  });
  auto tx = read();
  const std::int64_t patient_id = (*tx->find_patient_by_mrn("M1"))->id;
  auto numbers = [](const std::vector<core::Order>& orders) {
    std::vector<std::string> out;
    for (const core::Order& order : orders) out.push_back(order.order_number);
    return out;
  };
  const std::vector<core::Order> first = *tx->orders_for_patient_page(patient_id, std::nullopt, 3);
  EXPECT_EQ(numbers(first), (std::vector<std::string>{"O-3", "O-2", "O-1"}));
  EXPECT_EQ(first[0].requested_codes, (std::vector<std::string>{"BMP", "HBA1C", "K"}));
  EXPECT_EQ(numbers(*tx->orders_for_patient_page(patient_id, first.back().id, 3)),
            (std::vector<std::string>{"O-0"}));
  EXPECT_EQ(numbers(*tx->orders_for_patient(patient_id)),
            (std::vector<std::string>{"O-3", "O-2", "O-1", "O-0"}));

  const std::vector<std::int64_t> asked = {order_ids[3], order_ids[1]};
  const std::vector<core::TestResult> results = *tx->results_for_orders(asked);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].order_id, order_ids[1]);
  EXPECT_EQ(results[0].test_code, "K");
  EXPECT_EQ(results[1].test_code, "NA");
  EXPECT_EQ(results[3].order_id, order_ids[3]);
  const std::vector<core::Specimen> specimens = *tx->specimens_for_orders(asked);
  ASSERT_EQ(specimens.size(), 2u);
  EXPECT_EQ(specimens[0].accession_number, "A-1");
  EXPECT_EQ(specimens[1].accession_number, "A-3");
  EXPECT_TRUE(tx->results_for_orders({})->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, PageStoreConformanceTest, testing::ValuesIn(kBackends),
                         backend_name);

}  // namespace
}  // namespace aliquot::store::conformance
