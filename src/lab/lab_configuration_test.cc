#include "lab/lab_configuration.h"

#include <gtest/gtest.h>

#include "lab/lab_setup.h"
#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

// Rules with nothing in them but their name: enough to be a version of their own.
constexpr const char* kBenchRules = "[rules]\nname = \"bench rules\"\nversion = \"b1\"\n";

class LabConfigurationTest : public LabTest {};

TEST_F(LabConfigurationTest, ReadsEveryDocumentInForceWithItsVersion) {
  const LabConfiguration configuration = must(read_lab_configuration(*store_));
  EXPECT_EQ(configuration.catalog.name(), catalog_->name());
  EXPECT_EQ(configuration.versions.catalog, 1);
  // A lab with its own catalog has no rules until it loads them; the rest are built in.
  EXPECT_FALSE(configuration.rules.has_value());
  EXPECT_EQ(configuration.versions.rules, 0);
  EXPECT_EQ(&configuration.qc_policy_in_force(), &qc::default_qc_policy());
  EXPECT_EQ(&configuration.personnel_in_force(), &people::default_requirements());

  const Context context = configuration.context(clock_, core::User{});
  EXPECT_EQ(&context.catalog, &configuration.catalog);
  EXPECT_EQ(context.rules, nullptr);
  EXPECT_EQ(context.ce_rules, &people::default_ce_rules());
}

TEST_F(LabConfigurationTest, RefreshPutsALoadedVersionInForceAndLeavesEarlierSnapshotsAlone) {
  ConfigurationInForce in_force(must(read_lab_configuration(*store_)));
  EXPECT_FALSE(must(in_force.refresh(*store_)));  // nothing was loaded
  EXPECT_EQ(in_force.generation(), 1u);
  const std::shared_ptr<const LabConfiguration> before = in_force.current();

  must(load_rules_version(*store_, clock_, "admin", kBenchRules, "bench.toml"));
  EXPECT_TRUE(must(in_force.refresh(*store_)));
  EXPECT_EQ(in_force.generation(), 2u);
  const std::shared_ptr<const LabConfiguration> after = in_force.current();
  ASSERT_TRUE(after->rules.has_value());
  EXPECT_EQ(after->rules->version(), "b1");
  EXPECT_EQ(after->versions.rules, 1);
  // Work that began before the load keeps judging by what it started with.
  EXPECT_FALSE(before->rules.has_value());
  EXPECT_FALSE(must(in_force.refresh(*store_)));
}

TEST_F(LabConfigurationTest, AConfigurationAnAcceptanceRefusesIsNotPutInForce) {
  ConfigurationInForce in_force(must(read_lab_configuration(*store_)));
  bool accept = false;
  in_force.add_acceptance([&accept](const LabConfiguration& next) -> Result<void> {
    if (accept) return ok();
    return failed_precondition("instrument profile 'c311' maps test K, which catalog " +
                               next.catalog.version() + " lacks");
  });
  must(load_rules_version(*store_, clock_, "admin", kBenchRules, "bench.toml"));

  const Result<bool> refused = in_force.refresh(*store_);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message().find("instrument profile 'c311'"), std::string::npos);
  EXPECT_EQ(in_force.generation(), 1u);
  EXPECT_FALSE(in_force.current()->rules.has_value());

  // Once the cause is fixed, the next refresh takes the version it refused.
  accept = true;
  EXPECT_TRUE(must(in_force.refresh(*store_)));
  EXPECT_TRUE(in_force.current()->rules.has_value());
}

}  // namespace
}  // namespace aliquot::lab
