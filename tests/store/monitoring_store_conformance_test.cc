// The storage conformance suite for what monitoring and the privacy log read (store.h, "gauges
// for /metrics" and "reads of patient data"). The fixture and kBackends are in
// store_conformance.h.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store_conformance.h"

namespace aliquot::store::conformance {
namespace {

class MonitoringStoreConformanceTest : public StoreConformanceTest {};

TEST_P(MonitoringStoreConformanceTest, GaugesCountOpenAndHeldResultsAndWaitingMessages) {
  in_write([&](Transaction& tx) {
    const std::int64_t patient_id = tx.insert_patient(sample_patient("M1"))->id;
    const std::int64_t order_id = tx.insert_order(sample_order("O-1", patient_id))->id;
    const std::int64_t specimen_id = tx.insert_specimen(sample_specimen("S1", order_id))->id;
    auto result = [&](const std::string& code, const std::string& section,
                      core::ResultStatus status) {
      core::TestResult r = sample_result(order_id, specimen_id, code, section);
      r.status = status;
      return tx.insert_result(r)->id;
    };
    using core::ResultStatus;
    result("K", "chemistry", ResultStatus::kPending);
    result("NA", "chemistry", ResultStatus::kPending);
    result("HGB", "hematology", ResultStatus::kPending);
    const std::int64_t held = result("GLU", "chemistry", ResultStatus::kPreliminary);
    result("CL", "chemistry", ResultStatus::kPreliminary);
    result("CREAT", "chemistry", ResultStatus::kFinal);
    result("PLT", "hematology", ResultStatus::kCancelled);
    core::HoldReason delta;
    delta.category = "delta-check";
    delta.action = "review";
    core::HoldReason critical;
    critical.category = "critical-value";
    critical.action = "call-caregiver";
    ASSERT_TRUE(tx.replace_result_holds(held, {delta, critical}));

    QuarantinedMessage quarantined;
    quarantined.received_at = at_minute(1);
    quarantined.channel = Channel::kHl7;
    quarantined.message_id = "Q1";
    quarantined.content = "MSH|";
    ASSERT_TRUE(tx.insert_quarantined_message(quarantined));
    quarantined.message_id = "Q2";
    quarantined.status = QuarantineStatus::kReplayed;
    ASSERT_TRUE(tx.insert_quarantined_message(quarantined));
  });
  auto tx = read();
  const LabGauges gauges = *tx->lab_gauges();
  ASSERT_EQ(gauges.open_results.size(), 3u);
  EXPECT_EQ(gauges.open_results[0].status, "pending");
  EXPECT_EQ(gauges.open_results[0].section, "chemistry");
  EXPECT_EQ(gauges.open_results[0].count, 2);
  EXPECT_EQ(gauges.open_results[1].section, "hematology");
  EXPECT_EQ(gauges.open_results[1].count, 1);
  EXPECT_EQ(gauges.open_results[2].status, "preliminary");
  EXPECT_EQ(gauges.open_results[2].count, 2);
  EXPECT_EQ(gauges.held_results, 1);  // counted once, whatever its number of reasons
  EXPECT_EQ(gauges.quarantine_held, 1);
  EXPECT_EQ(gauges.outbox_pending, 0);
  EXPECT_EQ(gauges.outbox_failed, 0);
}

TEST_P(MonitoringStoreConformanceTest, ReadsOfPatientDataAreListedNewestFirstAndFiltered) {
  in_write([&](Transaction& tx) {
    int minute = 0;
    for (const auto& [user, mrn] : {std::pair{"tom", "M1"}, std::pair{"ana", "M1"},
                                    std::pair{"tom", "M2"}, std::pair{"tom", "M1"}}) {
      ASSERT_TRUE(tx.insert_patient_data_read(core::PatientDataRead{.at = at_minute(++minute),
                                                                    .username = user,
                                                                    .mrn = mrn,
                                                                    .what = "patient report",
                                                                    .peer = "192.0.2.7:4000"}));
    }
  });
  auto tx = read();
  const std::vector<core::PatientDataRead> all = *tx->patient_data_reads("", "", 10);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(ms(all[0].at), ms(at_minute(4)));
  EXPECT_EQ(all[0].what, "patient report");
  EXPECT_EQ(all[0].peer, "192.0.2.7:4000");
  EXPECT_NE(all[0].id, 0);
  EXPECT_EQ(tx->patient_data_reads("M1", "", 10)->size(), 3u);
  EXPECT_EQ(tx->patient_data_reads("M1", "tom", 10)->size(), 2u);
  EXPECT_EQ(tx->patient_data_reads("", "ana", 10)->size(), 1u);
  EXPECT_EQ(tx->patient_data_reads("", "", 2)->size(), 2u);
  EXPECT_FALSE(tx->patient_data_reads("", "", -1).has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, MonitoringStoreConformanceTest, testing::ValuesIn(kBackends),
                         backend_name);

}  // namespace
}  // namespace aliquot::store::conformance
