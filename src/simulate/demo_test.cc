#include "simulate/demo.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "store/sqlite/sqlite_store.h"
#include "support/temp_directory.h"

namespace aliquot::simulate {
namespace {

namespace fs = std::filesystem;

class DemoTest : public ::testing::Test {
 protected:
  test_support::TempDirectory temp_{"aliquot-demo-test"};
  const fs::path root_{temp_.path()};
};

TEST_F(DemoTest, CreatesTheLabUnderDirAndShowsHowToExploreIt) {
  const std::string dir = (root_ / "var" / "nested").string();
  std::ostringstream out;
  const Result<DaySummary> summary =
      run_demo(DemoOptions{.dir = dir, .patients = 30, .seed = 5}, out);
  ASSERT_TRUE(summary.has_value()) << summary.error().message();
  EXPECT_EQ(demo_database_path(dir), (fs::path(dir) / "aliquot.db").string());
  EXPECT_TRUE(fs::exists(demo_database_path(dir)));
  EXPECT_EQ(summary->patients, 30);
  EXPECT_TRUE(summary->audit_intact);

  const std::string text = out.str();
  EXPECT_NE(text.find("Patients"), std::string::npos) << text;
  EXPECT_NE(text.find("Turnaround"), std::string::npos) << text;
  const std::string db = "--db " + demo_database_path(dir);
  EXPECT_NE(text.find(db + " worklist chemistry"), std::string::npos) << text;
  EXPECT_NE(text.find(db + " report " + summary->example_mrn), std::string::npos) << text;
  EXPECT_NE(text.find(db + " audit verify"), std::string::npos) << text;
  EXPECT_FALSE(summary->example_mrn.empty());

  // The database is a lab the CLI can open.
  Result<std::unique_ptr<store::Store>> store =
      store::open_sqlite_store(demo_database_path(dir), store::SqliteOptions{.must_exist = true});
  ASSERT_TRUE(store.has_value());
  auto tx = (*store)->begin(store::TransactionMode::kRead);
  ASSERT_TRUE(tx.has_value());
  auto patient = (*tx)->find_patient_by_mrn(summary->example_mrn);
  ASSERT_TRUE(patient.has_value());
  EXPECT_TRUE(patient->has_value());
}

TEST_F(DemoTest, ReplacesAPreviousDemoDatabaseAndItsWriteAheadLog) {
  const std::string dir = root_.string();
  std::ostringstream first_out;
  const Result<DaySummary> first =
      run_demo(DemoOptions{.dir = dir, .patients = 20, .seed = 6}, first_out);
  ASSERT_TRUE(first.has_value()) << first.error().message();
  // Leftovers a crashed earlier run could leave beside the database.
  std::ofstream(demo_database_path(dir) + "-wal") << "not a write-ahead log";
  std::ofstream(demo_database_path(dir) + "-shm") << "not shared memory";

  std::ostringstream second_out;
  const Result<DaySummary> second =
      run_demo(DemoOptions{.dir = dir, .patients = 20, .seed = 6}, second_out);
  ASSERT_TRUE(second.has_value()) << second.error().message();
  EXPECT_EQ(*first, *second);  // a fresh lab, not a second day added to the first
}

TEST_F(DemoTest, ReplacesAFileThatIsNotADatabase) {
  std::ofstream(demo_database_path(root_.string())) << "junk";
  std::ostringstream out;
  const Result<DaySummary> summary =
      run_demo(DemoOptions{.dir = root_.string(), .patients = 5, .seed = 7}, out);
  ASSERT_TRUE(summary.has_value()) << summary.error().message();
  EXPECT_EQ(summary->patients, 5);
}

TEST_F(DemoTest, RefusesADayWithoutPatients) {
  std::ostringstream out;
  const Result<DaySummary> summary =
      run_demo(DemoOptions{.dir = root_.string(), .patients = 0, .seed = 1}, out);
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(summary.error().message(), "a demo day needs at least 1 patient, not 0");
  EXPECT_FALSE(fs::exists(demo_database_path(root_.string())));
}

TEST_F(DemoTest, RefusesADirectoryItCannotCreate) {
  const fs::path file = root_ / "a-file";
  std::ofstream(file) << "x";
  std::ostringstream out;
  const Result<DaySummary> summary =
      run_demo(DemoOptions{.dir = (file / "sub").string(), .patients = 5, .seed = 1}, out);
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(summary.error().message().rfind(
                "cannot create the demo directory " + (file / "sub").string() + ": ", 0),
            0u)
      << summary.error().message();
}

}  // namespace
}  // namespace aliquot::simulate
