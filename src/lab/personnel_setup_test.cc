#include "lab/personnel_setup.h"

#include <gtest/gtest.h>

#include <string>

#include "lab/lab_test_fixture.h"
#include "lab/people_records.h"

namespace aliquot::lab {
namespace {

constexpr const char* kOwnRequirements = R"toml([personnel]
name = "our requirements"
version = "2026-11"

[[role]]
role = "technician"
credentials = ["MLT(ASCP)"]

[[role]]
role = "technologist"
credentials = ["MLS(ASCP)"]

[[section]]
section = "hematology"
roles = ["technologist"]
)toml";

constexpr const char* kOwnCeRules = R"toml([continuing_education]
name = "our CE"
version = "1"

[[category]]
code = "chemistry"
name = "chemistry"

[[program]]
name = "in-house"
source = "lab policy"
credentials = ["MLS(ASCP)"]
cycle_years = 2
points = 12
)toml";

class PersonnelSetupTest : public LabTest {};

TEST_F(PersonnelSetupTest, TheBuiltInRequirementsApplyUntilTheLabLoadsItsOwn) {
  EXPECT_FALSE(must(current_personnel_requirements(*store_)).has_value());
  const std::size_t trail = audit_size();
  must(load_personnel_requirements_version(*store_, clock_, "super", kOwnRequirements,
                                           "our-personnel.toml"));
  const std::optional<people::Requirements> own = must(current_personnel_requirements(*store_));
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->name(), "our requirements");
  EXPECT_FALSE(own->may_work_in(core::Role::kTechnician, "hematology"));
  const std::vector<core::AuditEntry> added = audit_since(trail);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].action, "personnel.load");
  EXPECT_NE(added[0].after.find("\"name\":\"our-personnel.toml\""), std::string::npos)
      << added[0].after;

  const Result<void> again =
      load_personnel_requirements_version(*store_, clock_, "path", kOwnRequirements, "copy.toml");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
}

TEST_F(PersonnelSetupTest, RefusesASectionTheCatalogDoesNotHaveAtItsLineAndKeepsWhatWasInForce) {
  std::string misspelt = kOwnRequirements;
  misspelt.replace(misspelt.find("\"hematology\""), 12, "\"hematolgy\"");
  const Result<void> refused =
      load_personnel_requirements_version(*store_, clock_, "super", misspelt, "ours.toml");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message().find("ours.toml:14"), std::string::npos)
      << refused.error().message();
  EXPECT_NE(refused.error().message().find("did you mean 'hematology'?"), std::string::npos)
      << refused.error().message();
  EXPECT_FALSE(must(current_personnel_requirements(*store_)).has_value());
}

TEST_F(PersonnelSetupTest, OnlyTheLabsDirectionSetsTheRequirements) {
  for (const char* user : {"tech", "mls", "admin", "clerk"}) {
    const Result<void> refused =
        load_personnel_requirements_version(*store_, clock_, user, kOwnRequirements, "ours.toml");
    ASSERT_FALSE(refused.has_value()) << user;
    EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied) << user;
  }
  EXPECT_FALSE(must(current_personnel_requirements(*store_)).has_value());
}

TEST_F(PersonnelSetupTest, TheLabsCeRulesDecideWhichCategoriesAnActivityMayHave) {
  EXPECT_FALSE(must(current_ce_rules(*store_)).has_value());
  const Result<void> refused_role =
      load_ce_rules_version(*store_, clock_, "tech", kOwnCeRules, "ce.toml");
  ASSERT_FALSE(refused_role.has_value());
  EXPECT_EQ(refused_role.error().code(), ErrorCode::kPermissionDenied);
  const Result<void> broken =
      load_ce_rules_version(*store_, clock_, "super", "[continuing_education\n", "broken.toml");
  ASSERT_FALSE(broken.has_value());
  EXPECT_NE(broken.error().message().find("broken.toml:1"), std::string::npos)
      << broken.error().message();

  must(load_ce_rules_version(*store_, clock_, "admin", kOwnCeRules, "ce.toml"));
  const std::optional<people::CeRules> own = must(current_ce_rules(*store_));
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->programs().size(), 1u);

  // Recorded under the lab's rules: "safety" is a category of the built-in rules, not of these.
  core::PersonRecord mls;
  mls.person = "mls";
  mls.role = core::Role::kTechnologist;
  must(write([&](store::Transaction& tx) { return save_person(tx, as("super"), mls); }));
  Context ctx = as("mls");
  ctx.ce_rules = &*own;
  core::CeActivity activity;
  activity.person = "mls";
  activity.date = date("2026-03-01");
  activity.category = "safety";
  activity.points = 1;
  const Result<core::CeActivity> refused = write([&](store::Transaction& tx) {
    return record_ce_activity(tx, ctx, ce_rules_in_force(ctx), activity);
  });
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message().find("safety"), std::string::npos)
      << refused.error().message();
  activity.category = "chemistry";
  must(write([&](store::Transaction& tx) {
    return record_ce_activity(tx, ctx, ce_rules_in_force(ctx), activity);
  }));
}

}  // namespace
}  // namespace aliquot::lab
