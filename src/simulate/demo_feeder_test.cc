#include "simulate/demo_feeder.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "lab/lab_setup.h"
#include "lab/quality_control.h"
#include "simulate/demo.h"
#include "simulate/demo_lab_test_fixture.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_directory.h"

namespace aliquot::simulate {
namespace {

constexpr int kPatients = 12;
constexpr std::uint64_t kSeed = 11;

// A demo lab after its simulated day, with the repository's instrument profiles.
class DemoFeederTest : public DemoLabTest {
 protected:
  DemoFeederTest() : DemoLabTest("aliquot-demo-feeder") {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_demo_lab(kPatients, kSeed));
    const char* source = std::getenv("ALIQUOT_SOURCE_DIR");
    ASSERT_NE(source, nullptr) << "ALIQUOT_SOURCE_DIR names the repository";
    Result<ingest::InstrumentProfiles> loaded = ingest::load_instrument_profiles(
        std::string(source) + "/interfaces/instruments", *catalog_);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
    profiles_ = std::move(*loaded);
  }

  std::unique_ptr<DemoFeeder> feeder(FeederOptions options = {}) {
    options.seed = kSeed;
    Result<std::unique_ptr<DemoFeeder>> made =
        DemoFeeder::create(*store_, *catalog_, clock_,
                           DayOptions{.patients = kPatients, .seed = kSeed}, profiles_, options);
    EXPECT_TRUE(made.has_value()) << made.error().message();
    return made.has_value() ? std::move(*made) : nullptr;
  }

  ingest::InstrumentProfiles profiles_;
  // Two days after the simulated day (2026-11-18), at 10:00.
  core::ManualClock clock_{
      core::Instant{std::chrono::sys_days{std::chrono::year{2026} / std::chrono::November / 20}} +
      std::chrono::hours(10)};
};

TEST_F(DemoFeederTest, TheFirstOrderIsAStatPanelWithACriticalValueReceivedForTheAnalyzer) {
  std::unique_ptr<DemoFeeder> made = feeder();
  ASSERT_NE(made, nullptr);
  const Result<PlacedOrder> placed = made->place_next_order();
  ASSERT_TRUE(placed.has_value()) << placed.error().message();
  EXPECT_EQ(placed->priority, core::Priority::kStat);
  EXPECT_EQ(placed->test_codes, std::vector<std::string>{"BMP"});
  EXPECT_FALSE(placed->critical.empty());
  ASSERT_EQ(placed->chemistry_rack.size(), 1u);
  EXPECT_TRUE(placed->hematology_rack.empty());
  ASSERT_TRUE(placed->chemistry_rack.front().patient.critical.has_value());

  std::unique_ptr<store::Transaction> tx = *store_->begin(store::TransactionMode::kRead);
  const auto specimen =
      *tx->find_specimen_by_accession(placed->chemistry_rack.front().accession_number);
  ASSERT_TRUE(specimen.has_value());
  EXPECT_EQ(specimen->status, core::SpecimenStatus::kReceived);
  EXPECT_EQ(specimen->received_by, "clerk.mendes");
  const auto order = *tx->find_order_by_number(placed->order_number);
  ASSERT_TRUE(order.has_value());
  const auto patient = *tx->find_patient(order->patient_id);
  ASSERT_TRUE(patient.has_value());
  EXPECT_EQ(patient->mrn, placed->mrn);
}

TEST_F(DemoFeederTest, OnlyOneOrderInCriticalEveryHasACriticalValue) {
  std::unique_ptr<DemoFeeder> made = feeder(FeederOptions{.critical_every = 3});
  ASSERT_NE(made, nullptr);
  for (int round = 1; round <= 6; ++round) {
    const Result<PlacedOrder> placed = made->place_next_order();
    ASSERT_TRUE(placed.has_value()) << placed.error().message();
    EXPECT_EQ(!placed->critical.empty(), round % 3 == 1) << "order " << round;
    EXPECT_FALSE(placed->accession_numbers.empty());
  }
}

TEST_F(DemoFeederTest, QualityControlIsSetUpSoThatTheAnalyzersResultsPassTheGate) {
  std::unique_ptr<DemoFeeder> made = feeder();
  ASSERT_NE(made, nullptr);
  const Result<std::string> prepared = made->prepare_quality_control();
  ASSERT_TRUE(prepared.has_value()) << prepared.error().message();
  EXPECT_NE(prepared->find("on sim-chem under QC"), std::string::npos) << *prepared;

  std::unique_ptr<store::Transaction> tx = *store_->begin(store::TransactionMode::kRead);
  const core::User technologist = **tx->find_user("mls.patel");
  const lab::Context ctx{.catalog = *catalog_, .clock = clock_, .actor = technologist};
  for (const char* test : {"K", "GLU", "NA", "CREAT"}) {
    EXPECT_TRUE(*tx->has_qc_targets("sim-chem", test)) << test;
    const auto run = *tx->last_qc_run("sim-chem", test, clock_.now(), std::nullopt);
    ASSERT_TRUE(run.has_value()) << test;
    EXPECT_EQ(run->status, core::QcRunStatus::kAccept) << test << " " << run->violations;
    const Result<lab::QcFinding> finding =
        lab::qc_finding(*tx, ctx, "sim-chem", test, clock_.now() + std::chrono::minutes(5));
    ASSERT_TRUE(finding.has_value()) << finding.error().message();
    EXPECT_EQ(finding->state, rules::QcState::kAcceptable) << test << ": " << finding->detail;
  }
  // The control is registered under the id the simulated analyzer reports it with.
  EXPECT_TRUE(*tx->has_qc_sample_ids("sim-chem"));
}

TEST_F(DemoFeederTest, RefusesProfilesWithoutTheDemoAnalyzers) {
  Result<std::unique_ptr<DemoFeeder>> made =
      DemoFeeder::create(*store_, *catalog_, clock_, DayOptions{.patients = kPatients},
                         ingest::InstrumentProfiles{}, FeederOptions{});
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().message(),
            "the demo's analyzers need the instrument profiles 'sim-chem' and 'sim-heme' "
            "(interfaces/instruments/aliquot-sim-chem.toml and aliquot-sim-heme.toml)");
}

TEST(DescribeFedOrder, NamesTheOrderItsCriticalAndTheResultsReported) {
  FedOrder fed;
  fed.order.order_number = "O26-0000042";
  fed.order.mrn = "1234567";
  fed.order.test_codes = {"BMP", "CBC"};
  fed.order.priority = core::Priority::kStat;
  fed.order.critical = "hyperkalemia";
  fed.results_delivered = 29;
  fed.qc_verdict = "QC sim-chem: 20 accepted";
  EXPECT_EQ(describe(fed),
            "STAT order O26-0000042 for MRN 1234567 (BMP, CBC), hyperkalemia: 29 result(s) "
            "reported over ASTM\nQC sim-chem: 20 accepted");
}

}  // namespace
}  // namespace aliquot::simulate
