// The storage conformance suite for the turnaround read (store.h, "turnaround"). The fixture and
// kBackends are in store_conformance.h.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store_conformance.h"

namespace aliquot::store::conformance {
namespace {

class TurnaroundStoreConformanceTest : public StoreConformanceTest {};

TEST_P(TurnaroundStoreConformanceTest,
       GivesResultsReleasedInTheWindowOfReceivedSpecimensByReleaseTime) {
  in_write([&](Transaction& tx) {
    const std::int64_t patient_id = tx.insert_patient(sample_patient("M1"))->id;
    core::Order stat_order = sample_order("O-S", patient_id);
    stat_order.priority = core::Priority::kStat;
    const std::int64_t stat = tx.insert_order(stat_order)->id;
    core::Order routine_order = sample_order("O-R", patient_id);
    routine_order.priority = core::Priority::kRoutine;
    const std::int64_t routine = tx.insert_order(routine_order)->id;
    auto specimen = [&](const std::string& accession, std::int64_t order_id, int received_minute) {
      core::Specimen s = sample_specimen(accession, order_id);
      s.status = core::SpecimenStatus::kReceived;
      if (received_minute >= 0) s.received_at = at_minute(received_minute);
      return tx.insert_specimen(s)->id;
    };
    const std::int64_t stat_serum = specimen("S1", stat, 12);
    const std::int64_t routine_serum = specimen("R1", routine, 20);
    const std::int64_t never_received = specimen("N1", routine, -1);
    auto result = [&](std::int64_t order_id, std::int64_t specimen_id, const std::string& code,
                      const std::string& section, core::ResultStatus status, int released_minute) {
      core::TestResult r = sample_result(order_id, specimen_id, code, section);
      r.status = status;
      if (released_minute >= 0) r.released_at = at_minute(released_minute);
      ASSERT_TRUE(tx.insert_result(r));
    };
    using core::ResultStatus;
    // Inserted out of release order so that the id does not give the expected order.
    result(routine, routine_serum, "late", "hematology", ResultStatus::kFinal, 119);
    result(stat, stat_serum, "first", "chemistry", ResultStatus::kFinal, 60);
    result(stat, stat_serum, "corrected", "chemistry", ResultStatus::kCorrected, 70);
    // Outside [60, 120): released at the end of the window, or before it.
    result(stat, stat_serum, "at-end", "chemistry", ResultStatus::kFinal, 120);
    result(stat, stat_serum, "before", "chemistry", ResultStatus::kFinal, 59);
    // Not released, or of a specimen never received.
    result(stat, stat_serum, "preliminary", "chemistry", ResultStatus::kPreliminary, -1);
    result(routine, never_received, "not-received", "chemistry", ResultStatus::kFinal, 80);
  });
  auto tx = read();
  const std::vector<ReleasedResultTiming> rows =
      *tx->results_released_between(at_minute(60), at_minute(120));
  std::vector<std::string> codes;
  for (const ReleasedResultTiming& row : rows) codes.push_back(row.test_code);
  EXPECT_EQ(codes, (std::vector<std::string>{"first", "corrected", "late"}));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].accession_number, "S1");
  EXPECT_EQ(rows[0].section, "chemistry");
  EXPECT_EQ(rows[0].priority, core::Priority::kStat);
  EXPECT_EQ(ms(rows[0].received_at), ms(at_minute(12)));
  EXPECT_EQ(ms(rows[0].released_at), ms(at_minute(60)));
  EXPECT_NE(rows[0].result_id, 0);
  EXPECT_EQ(rows[2].accession_number, "R1");
  EXPECT_EQ(rows[2].section, "hematology");
  EXPECT_EQ(rows[2].priority, core::Priority::kRoutine);
  EXPECT_TRUE(tx->results_released_between(at_minute(200), at_minute(300))->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, TurnaroundStoreConformanceTest, testing::ValuesIn(kBackends),
                         backend_name);

}  // namespace
}  // namespace aliquot::store::conformance
