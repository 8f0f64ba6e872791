#include "simulate/day_driver.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "audit/chain.h"
#include "catalog/catalog.h"
#include "lab/lab_setup.h"
#include "simulate/day_generator.h"
#include "simulate/day_summary.h"
#include "store/sqlite/sqlite_store.h"

namespace aliquot::simulate {
namespace {

// One simulated day in a private in-memory lab.
struct SimulatedDay {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<catalog::Catalog> catalog;
  DriverStats stats;
  DaySummary summary;
};

std::unique_ptr<SimulatedDay> simulate(std::uint64_t seed, int patients = 240) {
  auto day = std::make_unique<SimulatedDay>();
  Result<std::unique_ptr<store::Store>> store = store::open_sqlite_store(":memory:");
  EXPECT_TRUE(store.has_value());
  if (!store) return nullptr;
  day->store = std::move(store).value();
  const DayOptions options{.patients = patients, .seed = seed};
  core::ManualClock clock(
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::sys_days(options.date)) -
      std::chrono::hours(1));
  Result<void> initialized = lab::initialize_lab(*day->store, clock, lab::InitializeLab{});
  EXPECT_TRUE(initialized.has_value()) << initialized.error().message();
  Result<catalog::Catalog> catalog = lab::current_catalog(*day->store);
  EXPECT_TRUE(catalog.has_value());
  if (!catalog) return nullptr;
  day->catalog = std::make_unique<catalog::Catalog>(std::move(catalog).value());
  Result<DayGenerator> generator = DayGenerator::create(*day->catalog, options);
  EXPECT_TRUE(generator.has_value());
  if (!generator) return nullptr;
  Result<DayDriver> driver = DayDriver::create(*day->store, *generator, clock);
  EXPECT_TRUE(driver.has_value()) << driver.error().message();
  if (!driver) return nullptr;
  Result<void> ran = driver->run_day();
  EXPECT_TRUE(ran.has_value()) << ran.error().message();
  if (!ran) return nullptr;
  EXPECT_EQ(clock.now(), generator->day_end());
  day->stats = driver->stats();
  Result<DaySummary> summary = summarize_day(*day->store);
  EXPECT_TRUE(summary.has_value());
  if (!summary) return nullptr;
  day->summary = *summary;
  return day;
}

// Each simulated day is run once, when a test first needs it, and shared by the suite: this test
// binary is registered as one ctest entry (src/simulate/CMakeLists.txt) so that the days are not
// simulated again for every test.
class DayDriverTest : public ::testing::Test {
 protected:
  static const SimulatedDay* day() { return run_once(day_, 20261121); }
  static const SimulatedDay* same_seed() { return run_once(same_seed_, 20261121); }
  static const SimulatedDay* other_seed() { return run_once(other_seed_, 4242); }

  static void TearDownTestSuite() {
    day_.reset();
    same_seed_.reset();
    other_seed_.reset();
  }
  void SetUp() override { ASSERT_NE(day(), nullptr); }

 private:
  static const SimulatedDay* run_once(std::unique_ptr<SimulatedDay>& slot, std::uint64_t seed) {
    if (!slot) slot = simulate(seed);
    return slot.get();
  }
  static std::unique_ptr<SimulatedDay> day_;
  static std::unique_ptr<SimulatedDay> same_seed_;
  static std::unique_ptr<SimulatedDay> other_seed_;
};

std::unique_ptr<SimulatedDay> DayDriverTest::day_;
std::unique_ptr<SimulatedDay> DayDriverTest::same_seed_;
std::unique_ptr<SimulatedDay> DayDriverTest::other_seed_;

TEST_F(DayDriverTest, RecordsAFullDayOfPatientsOrdersAndResults) {
  const DaySummary& s = day()->summary;
  EXPECT_GE(s.patients, 200);
  EXPECT_GE(s.orders, s.patients);
  EXPECT_GE(s.specimens_received, s.orders);
  EXPECT_GT(s.results_released, s.orders * 5);
  // Most of what was ordered is released by midnight; a little stays on the benches.
  EXPECT_GT(s.results_released, s.results_ordered * 0.85);
  EXPECT_GT(s.results_pending, 0);
  // Batched: far fewer commits than use cases.
  EXPECT_LT(day()->stats.transactions * 5, day()->stats.use_cases);
}

TEST_F(DayDriverTest, FlagsARealisticShareOfResultsAbnormalAndAFewCritical) {
  const DaySummary& s = day()->summary;
  EXPECT_GT(s.results_abnormal, s.results_released * 0.05);
  EXPECT_LT(s.results_abnormal, s.results_released * 0.35);
  EXPECT_GE(s.patients_with_critical, 1);
  EXPECT_LE(s.patients_with_critical, s.patients * 0.05);
  EXPECT_EQ(s.criticals_called, s.results_critical);
  EXPECT_LE(s.critical_call_max_minutes, 30);
}

// Walks the store itself (not the summary): every release of a critical result must follow a
// documented call with read-back for the value released.
TEST_F(DayDriverTest, CallsEveryCriticalWithReadBackBeforeReleasingIt) {
  auto tx = day()->store->begin(store::TransactionMode::kRead);
  ASSERT_TRUE(tx.has_value());
  store::AuditFilter filter;
  filter.entity_type = "result";
  auto releases = (*tx)->find_audit_entries(filter);
  ASSERT_TRUE(releases.has_value());
  int criticals_released = 0;
  std::set<std::string> staff_roles;
  for (const core::AuditEntry& entry : *releases) {
    if (entry.action != "result.release") continue;
    auto user = (*tx)->find_user(entry.actor);
    ASSERT_TRUE(user.has_value() && user->has_value());
    staff_roles.emplace(core::to_code((*user)->role));
    auto specimen = (*tx)->find_specimen_by_accession(entry.accession_number);
    ASSERT_TRUE(specimen.has_value() && specimen->has_value()) << entry.entity_key;
    auto results = (*tx)->results_for_specimen((*specimen)->id);
    ASSERT_TRUE(results.has_value());
    for (const core::TestResult& result : *results) {
      if (result.test_code != entry.test_code || !core::is_critical(result.flag)) continue;
      ++criticals_released;
      ASSERT_TRUE(result.released_at.has_value());
      auto calls = (*tx)->critical_calls_for_result(result.id);
      ASSERT_TRUE(calls.has_value());
      bool called_before_release = false;
      for (const core::CriticalCall& call : *calls) {
        if (call.read_back_confirmed && call.result_revision == result.revision &&
            call.called_at <= *result.released_at && !call.called_to.empty()) {
          called_before_release = true;
        }
      }
      EXPECT_TRUE(called_before_release) << entry.entity_key;
    }
  }
  EXPECT_GT(criticals_released, 0);
  // Results are released by bench staff only.
  for (const std::string& role : staff_roles) {
    EXPECT_TRUE(role == "technician" || role == "technologist") << role;
  }
}

TEST_F(DayDriverTest, RejectsAFewSpecimensAndRecollectsOnTheWardsAndInTheEd) {
  const DaySummary& s = day()->summary;
  EXPECT_GT(s.specimens_rejected, 0);
  EXPECT_LT(s.specimens_rejected, s.specimens * 0.05);
  int by_reason = 0;
  for (const auto& [reason, count] : s.rejected_by_reason) by_reason += count;
  EXPECT_EQ(by_reason, s.specimens_rejected);
  EXPECT_GT(s.recollections, 0);
  EXPECT_LE(s.recollections, s.specimens_rejected);
  EXPECT_GT(s.results_cancelled, 0);
}

TEST_F(DayDriverTest, MeasuresTurnaroundWithOrderedPercentiles) {
  const DaySummary& s = day()->summary;
  ASSERT_EQ(s.turnaround_by_priority.size(), 3u);
  ASSERT_GE(s.turnaround_by_section.size(), 4u);
  for (const auto* groups : {&s.turnaround_by_priority, &s.turnaround_by_section}) {
    for (const auto& [name, t] : *groups) {
      EXPECT_GT(t.results, 0) << name;
      EXPECT_GT(t.receipt_to_release_median, 0) << name;
      EXPECT_GE(t.receipt_to_release_p90, t.receipt_to_release_median) << name;
      EXPECT_GE(t.collection_to_release_p90, t.collection_to_release_median) << name;
      EXPECT_GT(t.collection_to_release_median, t.receipt_to_release_median) << name;
    }
  }
}

TEST_F(DayDriverTest, TurnsStatAroundFasterThanRoutine) {
  const auto& by_priority = day()->summary.turnaround_by_priority;
  const Turnaround& stat = by_priority.at("stat");
  const Turnaround& routine = by_priority.at("routine");
  EXPECT_LT(stat.receipt_to_release_median, routine.receipt_to_release_median);
  EXPECT_LT(stat.collection_to_release_median, routine.collection_to_release_median);
  EXPECT_LT(stat.receipt_to_release_p90, routine.receipt_to_release_p90);
}

TEST_F(DayDriverTest, ReplaysTheSameDayForTheSameSeedAndAnotherForAnotherSeed) {
  ASSERT_NE(same_seed(), nullptr);
  ASSERT_NE(other_seed(), nullptr);
  EXPECT_EQ(day()->summary, same_seed()->summary);
  EXPECT_EQ(to_json(day()->summary), to_json(same_seed()->summary));
  EXPECT_NE(day()->summary, other_seed()->summary);
  EXPECT_NE(day()->summary.example_mrn, other_seed()->summary.example_mrn);
}

TEST_F(DayDriverTest, LeavesAnIntactAuditTrail) {
  EXPECT_TRUE(day()->summary.audit_intact);
  auto tx = day()->store->begin(store::TransactionMode::kRead);
  ASSERT_TRUE(tx.has_value());
  Result<audit::VerifyReport> report = audit::verify(**tx);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->intact) << report->problem;
  EXPECT_EQ(report->entries_checked, day()->summary.audit_entries);
  EXPECT_GT(report->entries_checked, day()->stats.use_cases);
}

TEST(DayDriver, ContinuesADayInSlicesAsWellAsInOneRun) {
  Result<std::unique_ptr<store::Store>> store = store::open_sqlite_store(":memory:");
  ASSERT_TRUE(store.has_value());
  const DayOptions options{.patients = 40, .seed = 99};
  core::ManualClock clock(
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::sys_days(options.date)));
  ASSERT_TRUE(lab::initialize_lab(**store, clock, lab::InitializeLab{}).has_value());
  Result<catalog::Catalog> catalog = lab::current_catalog(**store);
  ASSERT_TRUE(catalog.has_value());
  Result<DayGenerator> generator = DayGenerator::create(*catalog, options);
  ASSERT_TRUE(generator.has_value());
  Result<DayDriver> driver = DayDriver::create(**store, *generator, clock);
  ASSERT_TRUE(driver.has_value());
  // An hour at a time, as a server driving it live would.
  for (int hour = 1; hour <= 24; ++hour) {
    ASSERT_TRUE(driver->run_until(generator->day_start() + std::chrono::hours(hour)).has_value());
    EXPECT_EQ(clock.now(), generator->day_start() + std::chrono::hours(hour));
  }
  Result<DaySummary> sliced = summarize_day(**store);
  ASSERT_TRUE(sliced.has_value());

  std::unique_ptr<SimulatedDay> whole = simulate(99, 40);
  ASSERT_NE(whole, nullptr);
  EXPECT_EQ(sliced->patients, whole->summary.patients);
  EXPECT_EQ(sliced->results_released, whole->summary.results_released);
  EXPECT_EQ(sliced->specimens_rejected, whole->summary.specimens_rejected);
}

TEST(DayDriver, NeedsTheAdministratorToAddItsStaff) {
  Result<std::unique_ptr<store::Store>> store = store::open_sqlite_store(":memory:");
  ASSERT_TRUE(store.has_value());
  core::ManualClock clock(core::from_unix_millis(1'795'000'000'000));
  ASSERT_TRUE(lab::initialize_lab(**store, clock, lab::InitializeLab{}).has_value());
  Result<catalog::Catalog> catalog = lab::current_catalog(**store);
  ASSERT_TRUE(catalog.has_value());
  Result<DayGenerator> generator = DayGenerator::create(*catalog, DayOptions{.patients = 5});
  ASSERT_TRUE(generator.has_value());
  Result<DayDriver> driver =
      DayDriver::create(**store, *generator, clock, DriverOptions{.admin_username = "root"});
  ASSERT_FALSE(driver.has_value());
  EXPECT_EQ(driver.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(
      driver.error().message(),
      "the simulated day needs the lab's administrator 'root' to add its staff; no such user");
}

}  // namespace
}  // namespace aliquot::simulate
