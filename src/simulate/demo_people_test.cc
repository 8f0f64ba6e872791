#include "simulate/demo_people.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "lab/lab_setup.h"
#include "lab/people_records.h"
#include "simulate/demo.h"
#include "simulate/demo_lab_test_fixture.h"
#include "simulate/demo_logins.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_directory.h"

namespace aliquot::simulate {
namespace {

class DemoPeopleTest : public DemoLabTest {
 protected:
  DemoPeopleTest() : DemoLabTest("aliquot-demo-people") {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_demo_lab(5, 3));
    const Result<void> logins = enable_demo_logins(*store_, *catalog_, clock_);
    ASSERT_TRUE(logins.has_value()) << logins.error().message();
  }

  // As the demo supervisor reads it on the dashboard.
  lab::StaffInspection inspection() {
    std::unique_ptr<store::Transaction> tx = *store_->begin(store::TransactionMode::kRead);
    const std::optional<core::User> supervisor = *tx->find_user("sup.kowalski");
    const lab::Context ctx{.catalog = *catalog_, .clock = clock_, .actor = *supervisor};
    Result<lab::StaffInspection> read = lab::staff_inspection(*tx, ctx, std::nullopt);
    EXPECT_TRUE(read.has_value()) << read.error().message();
    return read.has_value() ? *read : lab::StaffInspection{};
  }

  core::ManualClock clock_{
      core::Instant{std::chrono::sys_days{std::chrono::year{2026} / std::chrono::November / 20}}};
};

TEST_F(DemoPeopleTest, PutsSomethingInEveryWindowOfTheStaffDashboard) {
  const Result<void> enabled = enable_demo_people(*store_, *catalog_, clock_);
  ASSERT_TRUE(enabled.has_value()) << enabled.error().message();
  const lab::StaffInspection read = inspection();
  EXPECT_EQ(read.people.size(), 7u);
  std::set<std::string> windows;
  std::set<std::string> kinds;
  for (const people::ExpiringItem& item : read.expiring) {
    windows.insert(item.days_left < 0     ? "lapsed"
                   : item.days_left <= 30 ? "30"
                   : item.days_left <= 60 ? "60"
                                          : "90");
    kinds.insert(std::string(people::to_code(item.kind)));
  }
  EXPECT_EQ(windows, (std::set<std::string>{"lapsed", "30", "60", "90"}));
  EXPECT_EQ(kinds, (std::set<std::string>{"certification", "licence", "competency"}));

  // Each state of competency a supervisor acts on is there.
  std::set<std::string> states;
  for (const lab::PersonSummary& person : read.people) {
    for (const lab::CompetencyOnSystem& system : person.competency) {
      ASSERT_TRUE(system.status.has_value()) << person.person.person << " " << system.test_system;
      states.insert(std::string(people::to_code(system.status->state)));
    }
  }
  EXPECT_EQ(states, (std::set<std::string>{"current", "due-soon", "overdue"}));
}

TEST_F(DemoPeopleTest, ServingTheSameLabAgainChangesNoRecord) {
  ASSERT_TRUE(enable_demo_people(*store_, *catalog_, clock_).has_value());
  const lab::StaffInspection first = inspection();
  clock_.advance(std::chrono::days(3));
  const Result<void> again = enable_demo_people(*store_, *catalog_, clock_);
  ASSERT_TRUE(again.has_value()) << again.error().message();
  const lab::StaffInspection second = inspection();
  ASSERT_EQ(second.people.size(), first.people.size());
  for (std::size_t i = 0; i < first.people.size(); ++i) {
    EXPECT_EQ(second.people[i].competency.size(), first.people[i].competency.size());
    for (std::size_t s = 0; s < first.people[i].competency.size(); ++s) {
      EXPECT_EQ(second.people[i].competency[s].events.size(),
                first.people[i].competency[s].events.size());
    }
    EXPECT_EQ(second.people[i].ce_activities.size(), first.people[i].ce_activities.size());
    EXPECT_EQ(second.people[i].exceptions.size(), first.people[i].exceptions.size());
  }
}

}  // namespace
}  // namespace aliquot::simulate
