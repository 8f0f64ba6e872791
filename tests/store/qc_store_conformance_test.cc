// The storage conformance suite for quality control and instrument schedules (store.h, "quality
// control" and "instrument calibration and maintenance"), and for where results were measured.
// The fixture and kBackends are in store_conformance.h.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/instrument_task.h"
#include "core/qc_records.h"
#include "store/store_conformance.h"

namespace aliquot::store::conformance {
namespace {

// --- field-by-field comparisons ------------------------------------------------------------

// The overloads below would otherwise hide those of store_conformance.h.
using conformance::expect_same;

void expect_same(const core::QcMaterial& a, const core::QcMaterial& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.product, b.product);
  EXPECT_EQ(a.manufacturer, b.manufacturer);
  EXPECT_EQ(a.lot, b.lot);
  EXPECT_EQ(a.level, b.level);
  EXPECT_TRUE(a.expires_on == b.expires_on)
      << core::format_date(a.expires_on) << " vs " << core::format_date(b.expires_on);
  EXPECT_EQ(ms(a.created_at), ms(b.created_at));
  EXPECT_EQ(a.created_by, b.created_by);
}

void expect_same(const core::QcTarget& a, const core::QcTarget& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.material_id, b.material_id);
  EXPECT_EQ(a.instrument, b.instrument);
  EXPECT_EQ(a.test_code, b.test_code);
  EXPECT_EQ(a.mean, b.mean);  // exact: numbers keep full precision
  EXPECT_EQ(a.sd, b.sd);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.established_from, b.established_from);
  EXPECT_EQ(ms(a.effective_from), ms(b.effective_from));
  EXPECT_EQ(ms(a.entered_at), ms(b.entered_at));
  EXPECT_EQ(a.entered_by, b.entered_by);
}

void expect_same(const core::QcRun& a, const core::QcRun& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.instrument, b.instrument);
  EXPECT_EQ(a.test_code, b.test_code);
  EXPECT_EQ(ms(a.measured_at), ms(b.measured_at));
  ASSERT_EQ(a.values.size(), b.values.size());
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    SCOPED_TRACE("value " + std::to_string(i));
    EXPECT_EQ(a.values[i].material_id, b.values[i].material_id);
    EXPECT_EQ(a.values[i].level, b.values[i].level);
    EXPECT_EQ(a.values[i].lot, b.values[i].lot);
    EXPECT_EQ(a.values[i].value, b.values[i].value);
    EXPECT_EQ(a.values[i].target_mean, b.values[i].target_mean);
    EXPECT_EQ(a.values[i].target_sd, b.values[i].target_sd);
  }
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.rules, b.rules);
  EXPECT_EQ(a.violations, b.violations);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(ms(a.recorded_at), ms(b.recorded_at));
  EXPECT_EQ(a.recorded_by, b.recorded_by);
  EXPECT_EQ(a.corrective_action, b.corrective_action);
  EXPECT_EQ(ms(a.corrected_at), ms(b.corrected_at));
  EXPECT_EQ(a.corrected_by, b.corrected_by);
}

void expect_same(const core::QcHold& a, const core::QcHold& b) {
  EXPECT_EQ(a.run_id, b.run_id);
  EXPECT_EQ(a.result_id, b.result_id);
  EXPECT_EQ(a.was_released, b.was_released);
  EXPECT_EQ(ms(a.resolved_at), ms(b.resolved_at));
  EXPECT_EQ(a.resolved_by, b.resolved_by);
  EXPECT_EQ(a.resolution, b.resolution);
}

void expect_same(const core::InstrumentTask& a, const core::InstrumentTask& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.instrument, b.instrument);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.test_code, b.test_code);
  EXPECT_EQ(a.frequency, b.frequency);
  EXPECT_EQ(a.every_runs, b.every_runs);
  EXPECT_EQ(a.active, b.active);
  EXPECT_EQ(ms(a.created_at), ms(b.created_at));
  EXPECT_EQ(a.created_by, b.created_by);
}

void expect_same(const core::InstrumentTaskLog& a, const core::InstrumentTaskLog& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.task_id, b.task_id);
  EXPECT_EQ(ms(a.done_at), ms(b.done_at));
  EXPECT_EQ(a.done_by, b.done_by);
  EXPECT_EQ(a.note, b.note);
  EXPECT_EQ(ms(a.recorded_at), ms(b.recorded_at));
}

// The ids of `rows`, in order.
template <typename T>
std::vector<std::int64_t> ids_of(const std::vector<T>& rows) {
  std::vector<std::int64_t> ids;
  for (const T& row : rows) ids.push_back(row.id);
  return ids;
}

// (run_id, result_id) of each hold, in order.
std::vector<std::pair<std::int64_t, std::int64_t>> keys_of(const std::vector<core::QcHold>& holds) {
  std::vector<std::pair<std::int64_t, std::int64_t>> keys;
  for (const core::QcHold& hold : holds) keys.emplace_back(hold.run_id, hold.result_id);
  return keys;
}

// --- sample entities -----------------------------------------------------------------------

core::QcMaterial sample_material(const std::string& lot, const std::string& level,
                                 const std::string& product = "Lyphochek Assayed Chemistry") {
  core::QcMaterial material;
  material.product = product;
  material.manufacturer = "Bio-Rad «Laboratories»";
  material.lot = lot;
  material.level = level;
  material.expires_on =
      core::Date{std::chrono::year{2027}, std::chrono::March, std::chrono::day{31}};
  material.created_at = at_minute(1);
  material.created_by = "tech1";
  return material;
}

core::QcTarget sample_target(std::int64_t material_id, int effective_minute, double mean,
                             const std::string& instrument = "cobas-c311",
                             const std::string& test_code = "GLU") {
  core::QcTarget target;
  target.material_id = material_id;
  target.instrument = instrument;
  target.test_code = test_code;
  target.mean = mean;
  target.sd = 0.123456789012345;
  target.source = core::QcTargetSource::kInsertMeanLabSd;
  target.established_from = 20;
  target.effective_from = at_minute(effective_minute);
  target.entered_at = at_minute(effective_minute + 100);
  target.entered_by = "sup1";
  return target;
}

core::QcRunValue sample_value(const core::QcMaterial& material, double value) {
  return core::QcRunValue{material.id, material.level, material.lot, value, 5.5, 0.25};
}

core::QcRun sample_run(int measured_minute, core::QcRunStatus status,
                       std::vector<core::QcRunValue> values,
                       const std::string& instrument = "cobas-c311",
                       const std::string& test_code = "GLU") {
  core::QcRun run;
  run.instrument = instrument;
  run.test_code = test_code;
  run.measured_at = at_minute(measured_minute);
  run.values = std::move(values);
  run.status = status;
  run.rules = "1-3s,2-2s,R-4s,4-1s,10-x";
  run.violations = status == core::QcRunStatus::kReject
                       ? R"([{"rule":"1-3s","action":"reject","values":[7.1]}])"
                       : "[]";
  run.source = "ASTM c311 msg 123";
  run.recorded_at = at_minute(measured_minute + 1);
  run.recorded_by = "interface.c311";
  return run;
}

core::InstrumentTask sample_task(const std::string& instrument, const std::string& name) {
  core::InstrumentTask task;
  task.instrument = instrument;
  task.name = name;
  task.kind = core::InstrumentTaskKind::kCalibration;
  task.test_code = "GLU";
  task.frequency = core::TaskFrequency::kEveryNRuns;
  task.every_runs = 500;
  task.active = true;
  task.created_at = at_minute(2);
  task.created_by = "sup1";
  return task;
}

core::InstrumentTaskLog sample_log(std::int64_t task_id, int done_minute) {
  core::InstrumentTaskLog entry;
  entry.task_id = task_id;
  entry.done_at = at_minute(done_minute);
  entry.done_by = "tech1";
  entry.note = "recalibrated, cal lot 1234, verification in range";
  entry.recorded_at = at_minute(done_minute + 5);
  return entry;
}

// A result of `test_code` measured on `instrument` at `minute`.
core::TestResult measured_result(std::int64_t order_id, std::int64_t specimen_id,
                                 const std::string& test_code, const std::string& instrument,
                                 int minute) {
  core::TestResult result = sample_result(order_id, specimen_id, test_code, "chemistry");
  result.status = core::ResultStatus::kPreliminary;
  result.value = core::ResultValue{core::ResultKind::kNumeric, 5.4, "", "", "mmol/L", 1};
  result.entered_at = at_minute(minute + 1);
  result.entered_by = "interface.c311";
  result.measured_at = at_minute(minute);
  result.instrument = instrument;
  return result;
}

// --- the fixture ---------------------------------------------------------------------------

class QcStoreConformanceTest : public StoreConformanceTest {
 protected:
  // Stores the three levels of lot "L1"; returns them with their ids.
  std::vector<core::QcMaterial> store_levels(Transaction& tx) {
    std::vector<core::QcMaterial> levels;
    for (const char* level : {"1", "2", "3"}) {
      Result<core::QcMaterial> material = tx.insert_qc_material(sample_material("L1", level));
      EXPECT_TRUE(material.has_value()) << material.error().message();
      if (material.has_value()) levels.push_back(*material);
    }
    return levels;
  }
};

// --- control materials ---------------------------------------------------------------------

TEST_P(QcStoreConformanceTest, QcMaterialRoundTripsByIdAndByLotAndLevel) {
  core::QcMaterial stored;
  in_write([&](Transaction& tx) {
    stored = *tx.insert_qc_material(sample_material("26451", "2"));
    ASSERT_TRUE(tx.insert_qc_material(sample_material("26451", "1")));
  });
  EXPECT_GT(stored.id, 0);
  auto tx = read();
  expect_same(**tx->find_qc_material(stored.id), stored);
  expect_same(**tx->find_qc_material_by_lot("26451", "2"), stored);
  EXPECT_FALSE(tx->find_qc_material_by_lot("26451", "3")->has_value());
  EXPECT_FALSE(tx->find_qc_material_by_lot("26452", "2")->has_value());
  EXPECT_FALSE(tx->find_qc_material(stored.id + 100)->has_value());
}

TEST_P(QcStoreConformanceTest, QcMaterialWithoutAnExpiryDateRoundTrips) {
  core::QcMaterial material = sample_material("26451", "1");
  material.expires_on = core::Date{};
  in_write([&](Transaction& tx) { material = *tx.insert_qc_material(material); });
  expect_same(**read()->find_qc_material(material.id), material);
}

TEST_P(QcStoreConformanceTest, QcMaterialsAreListedByProductThenLotThenLevel) {
  in_write([](Transaction& tx) {
    ASSERT_TRUE(tx.insert_qc_material(sample_material("B7", "2", "Liquichek Immunoassay")));
    ASSERT_TRUE(tx.insert_qc_material(sample_material("A9", "high", "Liquichek Immunoassay")));
    ASSERT_TRUE(tx.insert_qc_material(sample_material("B7", "1", "Liquichek Immunoassay")));
    ASSERT_TRUE(tx.insert_qc_material(sample_material("Z1", "1", "Cardiac Markers")));
  });
  std::vector<std::string> listed;
  const std::vector<core::QcMaterial> materials = *read()->list_qc_materials();
  for (const core::QcMaterial& material : materials) {
    listed.push_back(material.product + "/" + material.lot + "/" + material.level);
  }
  EXPECT_EQ(listed,
            (std::vector<std::string>{"Cardiac Markers/Z1/1", "Liquichek Immunoassay/A9/high",
                                      "Liquichek Immunoassay/B7/1", "Liquichek Immunoassay/B7/2"}));
}

TEST_P(QcStoreConformanceTest, DuplicateQcMaterialLotAndLevelIsRefused) {
  in_write(
      [](Transaction& tx) { ASSERT_TRUE(tx.insert_qc_material(sample_material("26451", "2"))); });
  auto tx = write();
  Result<core::QcMaterial> duplicate =
      tx->insert_qc_material(sample_material("26451", "2", "Another Product"));
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(duplicate.error().message(), "QC material lot '26451' level '2' already exists");
  // The same lot at another level is another material.
  EXPECT_TRUE(tx->insert_qc_material(sample_material("26451", "3")));
}

// --- targets -------------------------------------------------------------------------------

TEST_P(QcStoreConformanceTest, QcTargetsRoundTripAndAreListedByMaterialThenEffectiveFrom) {
  std::vector<core::QcMaterial> levels;
  std::vector<core::QcTarget> targets;
  in_write([&](Transaction& tx) {
    levels = store_levels(tx);
    // Entered out of order: level 2 first, then a later level 1 target before an earlier one.
    targets.push_back(*tx.insert_qc_target(sample_target(levels[1].id, 0, 7.25)));
    targets.push_back(*tx.insert_qc_target(sample_target(levels[0].id, 30, 5.5)));
    targets.push_back(*tx.insert_qc_target(sample_target(levels[0].id, 10, 5.25)));
    // Another analyte and another instrument are not listed.
    ASSERT_TRUE(tx.insert_qc_target(sample_target(levels[0].id, 0, 1.0, "cobas-c311", "K")));
    ASSERT_TRUE(tx.insert_qc_target(sample_target(levels[0].id, 0, 1.0, "cobas-c501", "GLU")));
  });
  auto tx = read();
  const std::vector<core::QcTarget> all = *tx->qc_targets("cobas-c311", "GLU", 0);
  ASSERT_EQ(all.size(), 3u);
  expect_same(all[0], targets[2]);
  expect_same(all[1], targets[1]);
  expect_same(all[2], targets[0]);
  EXPECT_EQ(ids_of(*tx->qc_targets("cobas-c311", "GLU", levels[0].id)),
            (std::vector<std::int64_t>{targets[2].id, targets[1].id}));
  EXPECT_TRUE(tx->qc_targets("cobas-c311", "GLU", levels[2].id)->empty());

  EXPECT_TRUE(*tx->has_qc_targets("cobas-c311", "GLU"));
  EXPECT_TRUE(*tx->has_qc_targets("cobas-c501", "GLU"));
  EXPECT_FALSE(*tx->has_qc_targets("cobas-c501", "K"));
  EXPECT_FALSE(*tx->has_qc_targets("cobas-c311", "NA"));
}

TEST_P(QcStoreConformanceTest, QcTargetInForceIsTheLatestEffectiveNotAfterTheInstant) {
  std::vector<core::QcMaterial> levels;
  std::int64_t first = 0, equal_earlier = 0, equal_later = 0, last = 0;
  in_write([&](Transaction& tx) {
    levels = store_levels(tx);
    last = tx.insert_qc_target(sample_target(levels[0].id, 30, 5.9))->id;
    first = tx.insert_qc_target(sample_target(levels[0].id, 10, 5.1))->id;
    equal_earlier = tx.insert_qc_target(sample_target(levels[0].id, 20, 5.2))->id;
    equal_later = tx.insert_qc_target(sample_target(levels[0].id, 20, 5.3))->id;
    // Another material's, another analyte's and another instrument's targets never count.
    ASSERT_TRUE(tx.insert_qc_target(sample_target(levels[1].id, 0, 7.0)));
    ASSERT_TRUE(tx.insert_qc_target(sample_target(levels[0].id, 0, 1.0, "cobas-c311", "K")));
    ASSERT_TRUE(tx.insert_qc_target(sample_target(levels[0].id, 0, 1.0, "cobas-c501", "GLU")));
  });
  auto tx = read();
  auto in_force = [&](int minute) -> std::int64_t {
    Result<std::optional<core::QcTarget>> target =
        tx->qc_target_in_force(levels[0].id, "cobas-c311", "GLU", at_minute(minute));
    EXPECT_TRUE(target.has_value()) << target.error().message();
    return target.has_value() && *target ? (*target)->id : 0;
  };
  EXPECT_EQ(in_force(9), 0) << "nothing is in force before the first target";
  EXPECT_EQ(in_force(10), first);
  EXPECT_EQ(in_force(19), first);
  EXPECT_NE(equal_earlier, 0);
  EXPECT_EQ(in_force(20), equal_later) << "the last entered of equal effective_from";
  EXPECT_EQ(in_force(29), equal_later);
  EXPECT_EQ(in_force(30), last);
  EXPECT_EQ(in_force(100000), last);

  const std::optional<core::QcTarget> found =
      *tx->qc_target_in_force(levels[0].id, "cobas-c311", "GLU", at_minute(25));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->mean, 5.3);
  EXPECT_FALSE(
      tx->qc_target_in_force(levels[2].id, "cobas-c311", "GLU", at_minute(100))->has_value());
}

TEST_P(QcStoreConformanceTest, QcTargetWithAMeanOrSdThatIsNotFiniteIsRefused) {
  auto tx = write();
  const std::vector<core::QcMaterial> levels = store_levels(*tx);
  core::QcTarget nan_mean = sample_target(levels[0].id, 0, std::nan(""));
  Result<core::QcTarget> refused = tx->insert_qc_target(nan_mean);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "the mean of the QC target of GLU on cobas-c311 for material " +
                std::to_string(levels[0].id) + " is not a finite number (NaN)");

  core::QcTarget infinite_sd = sample_target(levels[0].id, 0, 5.0);
  infinite_sd.sd = std::numeric_limits<double>::infinity();
  refused = tx->insert_qc_target(infinite_sd);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "the SD of the QC target of GLU on cobas-c311 for material " +
                std::to_string(levels[0].id) + " is not a finite number (Inf)");
  EXPECT_FALSE(*tx->has_qc_targets("cobas-c311", "GLU"));
}

// --- sample ids ----------------------------------------------------------------------------

TEST_P(QcStoreConformanceTest, QcSampleIdsAreSetPerInstrumentAndReplaced) {
  std::vector<core::QcMaterial> levels;
  in_write([&](Transaction& tx) {
    levels = store_levels(tx);
    EXPECT_FALSE(*tx.has_qc_sample_ids("cobas-c311"));
    ASSERT_TRUE(tx.set_qc_sample_id("cobas-c311", "QC-GLU-2", levels[1].id));
    EXPECT_TRUE(*tx.has_qc_sample_ids("cobas-c311"));
    EXPECT_FALSE(*tx.has_qc_sample_ids("cobas-c312"));
    ASSERT_TRUE(tx.set_qc_sample_id("cobas-c501", "QC-GLU-2", levels[2].id));
  });
  {
    auto tx = read();
    EXPECT_EQ(*tx->find_qc_sample_id("cobas-c311", "QC-GLU-2"), levels[1].id);
    EXPECT_EQ(*tx->find_qc_sample_id("cobas-c501", "QC-GLU-2"), levels[2].id);
    EXPECT_EQ(*tx->find_qc_sample_id("cobas-c311", "QC-GLU-3"), std::nullopt);
  }
  in_write([&](Transaction& tx) {
    ASSERT_TRUE(tx.set_qc_sample_id("cobas-c311", "QC-GLU-2", levels[0].id));
  });
  auto tx = read();
  EXPECT_EQ(*tx->find_qc_sample_id("cobas-c311", "QC-GLU-2"), levels[0].id);
  EXPECT_EQ(*tx->find_qc_sample_id("cobas-c501", "QC-GLU-2"), levels[2].id);
}

// --- runs ----------------------------------------------------------------------------------

TEST_P(QcStoreConformanceTest, QcRunRoundTripsWithItsValuesInLevelOrder) {
  std::vector<core::QcMaterial> levels;
  core::QcRun run;
  in_write([&](Transaction& tx) {
    // Inserted 3, 1, 2 so that the materials' ids are not in level order.
    core::QcMaterial level3 = *tx.insert_qc_material(sample_material("L1", "3"));
    core::QcMaterial level1 = *tx.insert_qc_material(sample_material("L1", "1"));
    core::QcMaterial level2 = *tx.insert_qc_material(sample_material("L1", "2"));
    core::QcRun sample = sample_run(0, core::QcRunStatus::kReject,
                                    {sample_value(level1, 5.123456789012345),
                                     sample_value(level2, 7.1), sample_value(level3, -0.5)});
    sample.values[2].target_mean = 14.25;
    sample.values[2].target_sd = 0.75;
    run = *tx.insert_qc_run(sample);
  });
  EXPECT_GT(run.id, 0);
  auto tx = read();
  const std::optional<core::QcRun> found = *tx->find_qc_run(run.id);
  ASSERT_TRUE(found.has_value());
  expect_same(*found, run);
  EXPECT_EQ(found->values[0].level, "1");
  EXPECT_EQ(found->values[2].level, "3");
  EXPECT_FALSE(tx->find_qc_run(run.id + 100)->has_value());
}

TEST_P(QcStoreConformanceTest, QcRunWithoutValuesRoundTrips) {
  core::QcRun run;
  in_write([&](Transaction& tx) {
    run = *tx.insert_qc_run(sample_run(0, core::QcRunStatus::kAccept, {}));
  });
  expect_same(**read()->find_qc_run(run.id), run);
}

TEST_P(QcStoreConformanceTest, CorrectingAQcRunChangesOnlyTheCorrectiveActionFields) {
  core::QcRun run;
  in_write([&](Transaction& tx) {
    const std::vector<core::QcMaterial> levels = store_levels(tx);
    run = *tx.insert_qc_run(
        sample_run(0, core::QcRunStatus::kReject, {sample_value(levels[0], 7.9)}));
  });
  core::QcRun corrected = run;
  corrected.corrective_action = "reagent lot changed, recalibrated";
  corrected.corrected_at = at_minute(45);
  corrected.corrected_by = "tech2";
  core::QcRun attempt = corrected;
  attempt.status = core::QcRunStatus::kAccept;
  attempt.rules = "1-2s";
  attempt.values.clear();
  attempt.measured_at = at_minute(99);
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.update_qc_run_correction(attempt)); });
  expect_same(**read()->find_qc_run(run.id), corrected);

  core::QcRun ghost = corrected;
  ghost.id = run.id + 100;
  Result<void> updated = write()->update_qc_run_correction(ghost);
  ASSERT_FALSE(updated.has_value());
  EXPECT_EQ(updated.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(updated.error().message(), "cannot update QC run " + std::to_string(ghost.id) +
                                           ": there is no QC run with that id");
}

TEST_P(QcStoreConformanceTest, QcRunWithAValueThatIsNotFiniteIsRefused) {
  auto tx = write();
  const std::vector<core::QcMaterial> levels = store_levels(*tx);
  core::QcRun run =
      sample_run(0, core::QcRunStatus::kAccept,
                 {sample_value(levels[0], 5.0), sample_value(levels[1], std::nan(""))});
  Result<core::QcRun> refused = tx->insert_qc_run(run);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "QC run of GLU on cobas-c311 at " + core::format_instant(at_minute(0)) +
                ": the value of level '2' (lot 'L1') is not a finite number (NaN)");

  run.values[1].value = 7.0;
  run.values[0].target_sd = -std::numeric_limits<double>::infinity();
  refused = tx->insert_qc_run(run);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "QC run of GLU on cobas-c311 at " + core::format_instant(at_minute(0)) +
                ": the target SD of level '1' (lot 'L1') is not a finite number (-Inf)");
  EXPECT_TRUE(tx->qc_analytes()->empty()) << "nothing of a refused run is stored";
}

TEST_P(QcStoreConformanceTest, QcRunsAreTheWindowOldestFirstAndTheNewestWhenLimited) {
  std::vector<core::QcMaterial> levels;
  std::vector<std::int64_t> run_ids;  // by measured_at, then id
  in_write([&](Transaction& tx) {
    levels = store_levels(tx);
    auto add = [&](int minute) {
      return tx
          .insert_qc_run(sample_run(minute, core::QcRunStatus::kAccept,
                                    {sample_value(levels[0], 5.0 + minute / 100.0),
                                     sample_value(levels[1], 7.0 + minute / 100.0)}))
          ->id;
    };
    // Inserted out of time order; two runs share minute 20.
    const std::int64_t at30 = add(30);
    const std::int64_t at0 = add(0);
    const std::int64_t at20a = add(20);
    const std::int64_t at10 = add(10);
    const std::int64_t at20b = add(20);
    const std::int64_t at40 = add(40);
    run_ids = {at0, at10, at20a, at20b, at30, at40};
    // Other analytes and instruments are never listed.
    ASSERT_TRUE(
        tx.insert_qc_run(sample_run(15, core::QcRunStatus::kAccept, {}, "cobas-c311", "K")));
    ASSERT_TRUE(
        tx.insert_qc_run(sample_run(15, core::QcRunStatus::kAccept, {}, "cobas-c501", "GLU")));
  });
  auto tx = read();
  // [10, 40): from is inclusive, to exclusive.
  const std::vector<core::QcRun> window =
      *tx->qc_runs("cobas-c311", "GLU", at_minute(10), at_minute(40), 100);
  EXPECT_EQ(ids_of(window),
            (std::vector<std::int64_t>{run_ids[1], run_ids[2], run_ids[3], run_ids[4]}));
  for (const core::QcRun& run : window) {
    ASSERT_EQ(run.values.size(), 2u) << run.id;
    EXPECT_EQ(run.values[0].level, "1");
    EXPECT_EQ(run.values[1].level, "2");
    EXPECT_EQ(run.values[1].value,
              7.0 + (run.measured_at - at_minute(0)) / std::chrono::minutes(1) / 100.0);
  }
  // Limited: the newest runs of the window, still oldest first.
  EXPECT_EQ(ids_of(*tx->qc_runs("cobas-c311", "GLU", at_minute(10), at_minute(40), 2)),
            (std::vector<std::int64_t>{run_ids[3], run_ids[4]}));
  EXPECT_EQ(ids_of(*tx->qc_runs("cobas-c311", "GLU", at_minute(0), at_minute(41), 6)), run_ids);
  EXPECT_TRUE(tx->qc_runs("cobas-c311", "GLU", at_minute(10), at_minute(40), 0)->empty());
  EXPECT_TRUE(tx->qc_runs("cobas-c311", "GLU", at_minute(41), at_minute(90), 10)->empty());

  Result<std::vector<core::QcRun>> negative =
      tx->qc_runs("cobas-c311", "GLU", at_minute(0), at_minute(40), -1);
  ASSERT_FALSE(negative.has_value());
  EXPECT_EQ(negative.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(negative.error().message(), "QC runs: the limit must not be negative (got -1)");
}

TEST_P(QcStoreConformanceTest, LastQcRunIsTheLatestAtOrBeforeTheInstantWithOrWithoutStatus) {
  std::int64_t accept0 = 0, reject10 = 0, warning20 = 0, accept30a = 0, accept30b = 0;
  in_write([&](Transaction& tx) {
    const std::vector<core::QcMaterial> levels = store_levels(tx);
    auto add = [&](int minute, core::QcRunStatus status) {
      return tx.insert_qc_run(sample_run(minute, status, {sample_value(levels[0], 5.0)}))->id;
    };
    accept30a = add(30, core::QcRunStatus::kAccept);
    warning20 = add(20, core::QcRunStatus::kWarning);
    reject10 = add(10, core::QcRunStatus::kReject);
    accept0 = add(0, core::QcRunStatus::kAccept);
    accept30b = add(30, core::QcRunStatus::kAccept);
    ASSERT_TRUE(
        tx.insert_qc_run(sample_run(25, core::QcRunStatus::kReject, {}, "cobas-c311", "K")));
  });
  auto tx = read();
  auto last = [&](int minute, std::optional<core::QcRunStatus> status) -> std::int64_t {
    Result<std::optional<core::QcRun>> run =
        tx->last_qc_run("cobas-c311", "GLU", at_minute(minute), status);
    EXPECT_TRUE(run.has_value()) << run.error().message();
    return run.has_value() && *run ? (*run)->id : 0;
  };
  EXPECT_EQ(last(-1, std::nullopt), 0) << "no run before the first";
  EXPECT_EQ(last(0, std::nullopt), accept0);
  EXPECT_EQ(last(10, std::nullopt), reject10) << "a run measured at the instant counts";
  EXPECT_EQ(last(25, std::nullopt), warning20);
  EXPECT_EQ(last(30, std::nullopt), accept30b) << "the higher id among equal measured_at";
  EXPECT_EQ(last(25, core::QcRunStatus::kAccept), accept0);
  EXPECT_EQ(last(25, core::QcRunStatus::kReject), reject10);
  EXPECT_EQ(last(9, core::QcRunStatus::kReject), 0);
  EXPECT_EQ(last(60, core::QcRunStatus::kWarning), warning20);
  EXPECT_EQ(last(60, core::QcRunStatus::kAccept), accept30b);
  EXPECT_NE(accept30a, accept30b);

  const std::optional<core::QcRun> found =
      *tx->last_qc_run("cobas-c311", "GLU", at_minute(60), core::QcRunStatus::kReject);
  ASSERT_TRUE(found.has_value());
  ASSERT_EQ(found->values.size(), 1u) << "the run comes with its values";
  EXPECT_EQ(found->values[0].value, 5.0);
  EXPECT_FALSE(tx->last_qc_run("cobas-c501", "GLU", at_minute(60), std::nullopt)->has_value());
}

TEST_P(QcStoreConformanceTest, QcAnalytesAreListedOnceByInstrumentThenTest) {
  in_write([](Transaction& tx) {
    for (const auto& [instrument, test] :
         std::vector<std::pair<std::string, std::string>>{{"cobas-c501", "TSH"},
                                                          {"cobas-c311", "K"},
                                                          {"cobas-c311", "GLU"},
                                                          {"cobas-c501", "TSH"},
                                                          {"cobas-c311", "GLU"}}) {
      ASSERT_TRUE(
          tx.insert_qc_run(sample_run(0, core::QcRunStatus::kAccept, {}, instrument, test)));
    }
  });
  EXPECT_EQ(*read()->qc_analytes(),
            (std::vector<std::pair<std::string, std::string>>{
                {"cobas-c311", "GLU"}, {"cobas-c311", "K"}, {"cobas-c501", "TSH"}}));
}

// --- results measured on an instrument -----------------------------------------------------

TEST_P(QcStoreConformanceTest, MeasuredAtAndInstrumentRoundTripThroughEverySelectOfResults) {
  Chain chain;
  core::TestResult measured, entered;
  in_write([&](Transaction& tx) {
    chain = store_chain(tx, "1");
    core::Specimen specimen = **tx.find_specimen(chain.specimen_id);
    specimen.status = core::SpecimenStatus::kReceived;
    specimen.received_at = at_minute(12);
    ASSERT_TRUE(tx.update_specimen(specimen));
    measured = *tx.insert_result(
        measured_result(chain.order_id, chain.specimen_id, "GLU", "cobas-c311", 20));
    // A value a person entered: no measuring time, no instrument.
    core::TestResult by_hand = sample_result(chain.order_id, chain.specimen_id, "K", "chemistry");
    by_hand.value = core::ResultValue{core::ResultKind::kNumeric, 4.1, "", "", "mmol/L", 1};
    by_hand.entered_at = at_minute(21);
    entered = *tx.insert_result(by_hand);
  });
  EXPECT_EQ(entered.measured_at, std::nullopt);
  EXPECT_EQ(entered.instrument, "");
  {
    auto tx = read();
    expect_same(**tx->find_result(measured.id), measured);
    const core::TestResult by_hand = **tx->find_result(entered.id);
    EXPECT_EQ(by_hand.measured_at, std::nullopt);
    EXPECT_EQ(by_hand.instrument, "");
    const std::vector<core::TestResult> of_order = *tx->results_for_order(chain.order_id);
    ASSERT_EQ(of_order.size(), 2u);
    expect_same(of_order[0], measured);
    expect_same(of_order[1], entered);
    const std::vector<core::TestResult> of_specimen = *tx->results_for_specimen(chain.specimen_id);
    ASSERT_EQ(of_specimen.size(), 2u);
    expect_same(of_specimen[0], measured);
    const std::vector<WorklistRow> worklist = *tx->worklist("chemistry");
    ASSERT_FALSE(worklist.empty());
    expect_same(worklist[0].result, measured);
    EXPECT_EQ(worklist[0].specimen.id, chain.specimen_id) << "the columns after a result's";
    const std::vector<core::TestResult> on_instrument =
        *tx->results_measured_on("cobas-c311", "GLU", at_minute(0), at_minute(60));
    ASSERT_EQ(on_instrument.size(), 1u);
    expect_same(on_instrument[0], measured);
  }
  // Updated in place (the same order, specimen, test and section) and with a new place.
  core::TestResult remeasured = entered;
  remeasured.measured_at = at_minute(25);
  remeasured.instrument = "cobas-c501";
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.update_result(remeasured)); });
  expect_same(**read()->find_result(entered.id), remeasured);
  remeasured.section = "immunoassay";
  remeasured.measured_at = at_minute(26);
  remeasured.instrument = "cobas-e411";
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.update_result(remeasured)); });
  expect_same(**read()->find_result(entered.id), remeasured);
  core::TestResult cleared = remeasured;
  cleared.measured_at.reset();
  cleared.instrument = "";
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.update_result(cleared)); });
  expect_same(**read()->find_result(entered.id), cleared);
}

TEST_P(QcStoreConformanceTest, ResultsMeasuredOnAreAfterExclusiveUpToInclusiveByTimeThenId) {
  std::vector<std::int64_t> glu;  // by measured_at, then id
  in_write([&](Transaction& tx) {
    const Chain chain = store_chain(tx, "1");
    auto add = [&](const std::string& test, const std::string& instrument, int minute) {
      return tx
          .insert_result(
              measured_result(chain.order_id, chain.specimen_id, test, instrument, minute))
          ->id;
    };
    const std::int64_t at30 = add("GLU", "cobas-c311", 30);
    const std::int64_t at10 = add("GLU", "cobas-c311", 10);
    const std::int64_t at20a = add("GLU", "cobas-c311", 20);
    const std::int64_t at20b = add("GLU", "cobas-c311", 20);
    const std::int64_t at40 = add("GLU", "cobas-c311", 40);
    glu = {at10, at20a, at20b, at30, at40};
    add("K", "cobas-c311", 20);
    add("GLU", "cobas-c501", 20);
    // Entered by hand: never measured on an instrument.
    ASSERT_TRUE(tx.insert_result(sample_result(chain.order_id, chain.specimen_id, "GLU", "x")));
  });
  auto tx = read();
  EXPECT_EQ(ids_of(*tx->results_measured_on("cobas-c311", "GLU", at_minute(10), at_minute(30))),
            (std::vector<std::int64_t>{glu[1], glu[2], glu[3]}));
  EXPECT_EQ(ids_of(*tx->results_measured_on("cobas-c311", "GLU", at_minute(0), at_minute(100))),
            glu);
  EXPECT_TRUE(tx->results_measured_on("cobas-c311", "GLU", at_minute(40), at_minute(100))->empty());
  EXPECT_TRUE(tx->results_measured_on("cobas-e411", "GLU", at_minute(0), at_minute(100))->empty());

  EXPECT_EQ(*tx->count_results_measured_on("cobas-c311", "GLU", at_minute(10)), 4);
  EXPECT_EQ(*tx->count_results_measured_on("cobas-c311", "", at_minute(10)), 5)
      << "every test of the instrument";
  EXPECT_EQ(*tx->count_results_measured_on("cobas-c311", "", at_minute(0)), 6);
  EXPECT_EQ(*tx->count_results_measured_on("cobas-c311", "GLU", at_minute(40)), 0);
  EXPECT_EQ(*tx->count_results_measured_on("cobas-c501", "", at_minute(0)), 1);
  EXPECT_EQ(*tx->count_results_measured_on("cobas-e411", "", at_minute(0)), 0);
}

// --- holds ---------------------------------------------------------------------------------

TEST_P(QcStoreConformanceTest, QcHoldsRoundTripAndOpenOnesLeaveOutTheResolved) {
  std::int64_t run1 = 0, run2 = 0, result_a = 0, result_b = 0, result_c = 0;
  in_write([&](Transaction& tx) {
    const Chain chain = store_chain(tx, "1");
    result_a =
        tx.insert_result(measured_result(chain.order_id, chain.specimen_id, "GLU", "cobas-c311", 5))
            ->id;
    result_b =
        tx.insert_result(measured_result(chain.order_id, chain.specimen_id, "GLU", "cobas-c311", 6))
            ->id;
    result_c =
        tx.insert_result(measured_result(chain.order_id, chain.specimen_id, "GLU", "cobas-c311", 7))
            ->id;
    run1 = tx.insert_qc_run(sample_run(10, core::QcRunStatus::kReject, {}))->id;
    run2 = tx.insert_qc_run(sample_run(20, core::QcRunStatus::kReject, {}))->id;
  });
  core::QcHold released{run1, result_b, true, std::nullopt, "", ""};
  core::QcHold held{run1, result_a, false, std::nullopt, "", ""};
  core::QcHold again{run2, result_a, false, std::nullopt, "", ""};
  core::QcHold third{run2, result_c, false, std::nullopt, "", ""};
  in_write([&](Transaction& tx) {
    for (const core::QcHold& hold : {released, third, held, again}) {
      ASSERT_TRUE(tx.insert_qc_hold(hold));
    }
  });
  {
    auto tx = read();
    const std::vector<core::QcHold> of_run1 = *tx->qc_holds_for_run(run1);
    ASSERT_EQ(of_run1.size(), 2u);
    expect_same(of_run1[0], held);  // by result
    expect_same(of_run1[1], released);
    EXPECT_EQ(keys_of(*tx->open_qc_holds()),
              (std::vector<std::pair<std::int64_t, std::int64_t>>{
                  {run1, result_a}, {run1, result_b}, {run2, result_a}, {run2, result_c}}));
  }
  core::QcHold resolved = held;
  resolved.resolved_at = at_minute(50);
  resolved.resolved_by = "tech2";
  resolved.resolution = "rerun";
  core::QcHold reviewed = third;
  reviewed.resolved_at = at_minute(51);
  reviewed.resolved_by = "tech2";
  reviewed.resolution = "released";
  in_write([&](Transaction& tx) {
    ASSERT_TRUE(tx.update_qc_hold(resolved));
    ASSERT_TRUE(tx.update_qc_hold(reviewed));
  });
  auto tx = read();
  const std::vector<core::QcHold> of_run1 = *tx->qc_holds_for_run(run1);
  ASSERT_EQ(of_run1.size(), 2u);
  expect_same(of_run1[0], resolved);
  EXPECT_EQ(keys_of(*tx->open_qc_holds()), (std::vector<std::pair<std::int64_t, std::int64_t>>{
                                               {run1, result_b}, {run2, result_a}}));
  const std::vector<core::QcHold> open_a = *tx->open_qc_holds_for_result(result_a);
  ASSERT_EQ(open_a.size(), 1u);
  expect_same(open_a[0], again);
  EXPECT_TRUE(tx->open_qc_holds_for_result(result_c)->empty());
  EXPECT_EQ(keys_of(*tx->open_qc_holds_for_result(result_b)),
            (std::vector<std::pair<std::int64_t, std::int64_t>>{{run1, result_b}}));
  EXPECT_TRUE(tx->qc_holds_for_run(run2 + 100)->empty());
}

TEST_P(QcStoreConformanceTest, OpenQcHoldsOfAResultAreByRun) {
  std::int64_t result = 0;
  std::vector<std::int64_t> runs;
  in_write([&](Transaction& tx) {
    const Chain chain = store_chain(tx, "1");
    result =
        tx.insert_result(measured_result(chain.order_id, chain.specimen_id, "GLU", "cobas-c311", 5))
            ->id;
    for (int minute : {10, 20, 30}) {
      runs.push_back(tx.insert_qc_run(sample_run(minute, core::QcRunStatus::kReject, {}))->id);
    }
    for (std::int64_t run : {runs[2], runs[0], runs[1]}) {
      ASSERT_TRUE(tx.insert_qc_hold(core::QcHold{run, result, false, std::nullopt, "", ""}));
    }
  });
  EXPECT_EQ(keys_of(*read()->open_qc_holds_for_result(result)),
            (std::vector<std::pair<std::int64_t, std::int64_t>>{
                {runs[0], result}, {runs[1], result}, {runs[2], result}}));
}

TEST_P(QcStoreConformanceTest, DuplicateQcHoldIsRefusedAndAMissingOneIsNotUpdated) {
  std::int64_t run = 0, result = 0;
  in_write([&](Transaction& tx) {
    const Chain chain = store_chain(tx, "1");
    result =
        tx.insert_result(measured_result(chain.order_id, chain.specimen_id, "GLU", "cobas-c311", 5))
            ->id;
    run = tx.insert_qc_run(sample_run(10, core::QcRunStatus::kReject, {}))->id;
    ASSERT_TRUE(tx.insert_qc_hold(core::QcHold{run, result, false, std::nullopt, "", ""}));
  });
  auto tx = write();
  Result<void> duplicate =
      tx->insert_qc_hold(core::QcHold{run, result, true, std::nullopt, "", ""});
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(duplicate.error().message(), "the QC hold of result " + std::to_string(result) +
                                             " by run " + std::to_string(run) + " already exists");

  Result<void> missing = tx->update_qc_hold(
      core::QcHold{run, result + 100, false, at_minute(50), "tech2", "released"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message(), "cannot update the QC hold of result " +
                                           std::to_string(result + 100) + " by run " +
                                           std::to_string(run) + ": there is no such hold");
}

TEST_P(QcStoreConformanceTest, QcRecordsReferringToMissingRowsAreRefused) {
  auto tx = write();
  Result<core::QcTarget> target = tx->insert_qc_target(sample_target(999, 0, 5.0));
  ASSERT_FALSE(target.has_value());
  EXPECT_EQ(target.error().code(), ErrorCode::kFailedPrecondition);

  Result<void> sample_id = tx->set_qc_sample_id("cobas-c311", "QC1", 999);
  ASSERT_FALSE(sample_id.has_value());
  EXPECT_EQ(sample_id.error().code(), ErrorCode::kFailedPrecondition);

  core::QcMaterial ghost;
  ghost.id = 999;
  ghost.level = "1";
  ghost.lot = "L0";
  Result<core::QcRun> run =
      tx->insert_qc_run(sample_run(0, core::QcRunStatus::kAccept, {sample_value(ghost, 5.0)}));
  ASSERT_FALSE(run.has_value());
  EXPECT_EQ(run.error().code(), ErrorCode::kFailedPrecondition);

  Result<void> hold = tx->insert_qc_hold(core::QcHold{999, 999, false, std::nullopt, "", ""});
  ASSERT_FALSE(hold.has_value());
  EXPECT_EQ(hold.error().code(), ErrorCode::kFailedPrecondition);

  Result<core::InstrumentTaskLog> log = tx->insert_instrument_task_log(sample_log(999, 0));
  ASSERT_FALSE(log.has_value());
  EXPECT_EQ(log.error().code(), ErrorCode::kFailedPrecondition);
}

// --- instrument calibration and maintenance ------------------------------------------------

TEST_P(QcStoreConformanceTest, InstrumentTasksRoundTripAndAreListedByInstrumentThenName) {
  std::vector<core::InstrumentTask> tasks;
  in_write([&](Transaction& tx) {
    core::InstrumentTask daily = sample_task("cobas-c501", "daily maintenance");
    daily.kind = core::InstrumentTaskKind::kMaintenance;
    daily.test_code = "";
    daily.frequency = core::TaskFrequency::kDaily;
    daily.every_runs = 0;
    tasks.push_back(*tx.insert_instrument_task(daily));
    tasks.push_back(*tx.insert_instrument_task(sample_task("cobas-c311", "GLU calibration")));
    core::InstrumentTask monthly = sample_task("cobas-c311", "probe cleaning");
    monthly.kind = core::InstrumentTaskKind::kMaintenance;
    monthly.frequency = core::TaskFrequency::kMonthly;
    monthly.active = false;
    tasks.push_back(*tx.insert_instrument_task(monthly));
    core::InstrumentTask weekly = sample_task("cobas-c311", "ISE cleaning");
    weekly.frequency = core::TaskFrequency::kWeekly;
    tasks.push_back(*tx.insert_instrument_task(weekly));
  });
  auto tx = read();
  for (const core::InstrumentTask& task : tasks) {
    SCOPED_TRACE(task.name);
    EXPECT_GT(task.id, 0);
    expect_same(**tx->find_instrument_task(task.instrument, task.name), task);
  }
  EXPECT_FALSE(tx->find_instrument_task("cobas-c501", "GLU calibration")->has_value());
  // Byte order: upper case before lower case.
  EXPECT_EQ(ids_of(*tx->list_instrument_tasks("")),
            (std::vector<std::int64_t>{tasks[1].id, tasks[3].id, tasks[2].id, tasks[0].id}));
  EXPECT_EQ(ids_of(*tx->list_instrument_tasks("cobas-c311")),
            (std::vector<std::int64_t>{tasks[1].id, tasks[3].id, tasks[2].id}));
  EXPECT_TRUE(tx->list_instrument_tasks("cobas-e411")->empty());
}

TEST_P(QcStoreConformanceTest, UpdateInstrumentTaskKeepsWhoCreatedItAndWhen) {
  core::InstrumentTask task;
  in_write([&](Transaction& tx) {
    task = *tx.insert_instrument_task(sample_task("cobas-c311", "GLU calibration"));
    ASSERT_TRUE(tx.insert_instrument_task(sample_task("cobas-c311", "K calibration")));
  });
  core::InstrumentTask changed = task;
  changed.name = "GLU/K calibration";
  changed.kind = core::InstrumentTaskKind::kMaintenance;
  changed.test_code = "";
  changed.frequency = core::TaskFrequency::kWeekly;
  changed.every_runs = 0;
  changed.active = false;
  core::InstrumentTask attempt = changed;
  attempt.created_at = at_minute(500);
  attempt.created_by = "someone else";
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.update_instrument_task(attempt)); });
  {
    auto tx = read();
    expect_same(**tx->find_instrument_task("cobas-c311", "GLU/K calibration"), changed);
    EXPECT_FALSE(tx->find_instrument_task("cobas-c311", "GLU calibration")->has_value());
  }

  auto tx = write();
  core::InstrumentTask taken = changed;
  taken.name = "K calibration";
  Result<void> conflict = tx->update_instrument_task(taken);
  ASSERT_FALSE(conflict.has_value());
  EXPECT_EQ(conflict.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(conflict.error().message(),
            "instrument task 'K calibration' of 'cobas-c311' already exists");

  core::InstrumentTask ghost = changed;
  ghost.id = task.id + 100;
  Result<void> missing = tx->update_instrument_task(ghost);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message(), "cannot update instrument task " + std::to_string(ghost.id) +
                                           ": there is no instrument task with that id");
}

TEST_P(QcStoreConformanceTest, DuplicateInstrumentTaskNameIsRefusedOnTheSameInstrumentOnly) {
  in_write([](Transaction& tx) {
    ASSERT_TRUE(tx.insert_instrument_task(sample_task("cobas-c311", "GLU calibration")));
  });
  auto tx = write();
  Result<core::InstrumentTask> duplicate =
      tx->insert_instrument_task(sample_task("cobas-c311", "GLU calibration"));
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(duplicate.error().message(),
            "instrument task 'GLU calibration' of 'cobas-c311' already exists");
  EXPECT_TRUE(tx->insert_instrument_task(sample_task("cobas-c501", "GLU calibration")));
}

TEST_P(QcStoreConformanceTest, InstrumentTaskLogIsNewestFirstAndLimited) {
  std::int64_t task = 0;
  std::vector<core::InstrumentTaskLog> entries;
  in_write([&](Transaction& tx) {
    task = tx.insert_instrument_task(sample_task("cobas-c311", "GLU calibration"))->id;
    const std::int64_t other =
        tx.insert_instrument_task(sample_task("cobas-c311", "K calibration"))->id;
    for (int minute : {10, 30, 20, 30}) {
      entries.push_back(*tx.insert_instrument_task_log(sample_log(task, minute)));
    }
    ASSERT_TRUE(tx.insert_instrument_task_log(sample_log(other, 40)));
  });
  auto tx = read();
  const std::vector<core::InstrumentTaskLog> log = *tx->instrument_task_log(task, 10);
  ASSERT_EQ(log.size(), 4u);
  // done_at descending, then id descending.
  expect_same(log[0], entries[3]);
  expect_same(log[1], entries[1]);
  expect_same(log[2], entries[2]);
  expect_same(log[3], entries[0]);
  EXPECT_EQ(ids_of(*tx->instrument_task_log(task, 2)),
            (std::vector<std::int64_t>{entries[3].id, entries[1].id}));
  EXPECT_TRUE(tx->instrument_task_log(task, 0)->empty());
  EXPECT_TRUE(tx->instrument_task_log(task + 100, 10)->empty());

  Result<std::vector<core::InstrumentTaskLog>> negative = tx->instrument_task_log(task, -5);
  ASSERT_FALSE(negative.has_value());
  EXPECT_EQ(negative.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(negative.error().message(),
            "instrument task log: the limit must not be negative (got -5)");
}

// --- transactions --------------------------------------------------------------------------

TEST_P(QcStoreConformanceTest, ReadTransactionRefusesEveryQcAndScheduleWrite) {
  auto tx = read();
  const std::vector<std::pair<std::string, std::function<Result<void>()>>> writes = {
      {"insert_qc_material",
       [&] { return status_of(tx->insert_qc_material(sample_material("L1", "1"))); }},
      {"insert_qc_target", [&] { return status_of(tx->insert_qc_target(sample_target(1, 0, 5))); }},
      {"set_qc_sample_id", [&] { return tx->set_qc_sample_id("cobas-c311", "QC1", 1); }},
      {"insert_qc_run",
       [&] { return status_of(tx->insert_qc_run(sample_run(0, core::QcRunStatus::kAccept, {}))); }},
      {"update_qc_run_correction", [&] { return tx->update_qc_run_correction(core::QcRun{}); }},
      {"insert_qc_hold", [&] { return tx->insert_qc_hold(core::QcHold{}); }},
      {"update_qc_hold", [&] { return tx->update_qc_hold(core::QcHold{}); }},
      {"insert_instrument_task",
       [&] { return status_of(tx->insert_instrument_task(sample_task("c311", "cal"))); }},
      {"update_instrument_task",
       [&] { return tx->update_instrument_task(core::InstrumentTask{}); }},
      {"insert_instrument_task_log",
       [&] { return status_of(tx->insert_instrument_task_log(sample_log(1, 0))); }},
  };
  for (const auto& [name, attempt] : writes) {
    SCOPED_TRACE(name);
    Result<void> result = attempt();
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_EQ(result.error().message(), name + " is a write and this is a read transaction");
  }
  // The read transaction itself still works.
  EXPECT_TRUE(tx->list_qc_materials()->empty());
}

TEST_P(QcStoreConformanceTest, QcRecordsSurviveCloseAndReopen) {
  if (!GetParam().persists) GTEST_SKIP() << GetParam().name << " keeps nothing after close";
  core::QcRun run;
  in_write([&](Transaction& tx) {
    const std::vector<core::QcMaterial> levels = store_levels(tx);
    run =
        *tx.insert_qc_run(sample_run(0, core::QcRunStatus::kWarning,
                                     {sample_value(levels[0], 5.0), sample_value(levels[1], 7.0)}));
  });
  store_.reset();
  open();
  expect_same(**read()->find_qc_run(run.id), run);
}

INSTANTIATE_TEST_SUITE_P(Backends, QcStoreConformanceTest, testing::ValuesIn(kBackends),
                         backend_name);

}  // namespace
}  // namespace aliquot::store::conformance
