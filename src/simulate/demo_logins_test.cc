#include "simulate/demo_logins.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "lab/authentication.h"
#include "lab/lab_setup.h"
#include "simulate/demo.h"
#include "simulate/demo_lab_test_fixture.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_directory.h"

namespace aliquot::simulate {
namespace {

class DemoLoginsTest : public DemoLabTest {
 protected:
  DemoLoginsTest() : DemoLabTest("aliquot-demo-logins") {}

  void SetUp() override { ASSERT_NO_FATAL_FAILURE(open_demo_lab(5, 3)); }

  core::ManualClock clock_{
      core::Instant{std::chrono::sys_days{std::chrono::year{2026} / std::chrono::November / 20}}};
};

TEST(DemoLogins, CoverEveryRoleThatWorksInTheLabWithPasswordsLongEnough) {
  std::set<core::Role> roles;
  for (const DemoLogin& login : demo_logins()) {
    roles.insert(login.role);
    EXPECT_GE(login.password.size(), lab::kMinimumPasswordLength) << login.username;
    EXPECT_NE(login.password, login.username);
  }
  EXPECT_EQ(roles, (std::set<core::Role>{core::Role::kClerk, core::Role::kTechnician,
                                         core::Role::kTechnologist, core::Role::kSupervisor,
                                         core::Role::kPathologist, core::Role::kAdmin}));
}

TEST_F(DemoLoginsTest, EveryDemoLoginSignsInWithItsPasswordAndHasItsRole) {
  const Result<void> enabled = enable_demo_logins(*store_, *catalog_, clock_);
  ASSERT_TRUE(enabled.has_value()) << enabled.error().message();
  for (const DemoLogin& login : demo_logins()) {
    std::unique_ptr<store::Transaction> tx = *store_->begin(store::TransactionMode::kWrite);
    const Result<lab::LoginGrant> grant =
        lab::log_in(*tx, clock_, login.username, login.password, "127.0.0.1");
    ASSERT_TRUE(grant.has_value()) << login.username << ": " << grant.error().message();
    EXPECT_EQ(grant->user.role, login.role) << login.username;
    ASSERT_TRUE(tx->commit().has_value());
  }
}

TEST_F(DemoLoginsTest, RefusesALabWithoutTheAdminNamed) {
  const Result<void> enabled = enable_demo_logins(*store_, *catalog_, clock_, "nobody");
  ASSERT_FALSE(enabled.has_value());
  EXPECT_EQ(enabled.error().message(),
            "the demo lab has no admin 'nobody' to set the demo passwords");
}

}  // namespace
}  // namespace aliquot::simulate
