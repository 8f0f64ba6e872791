#include "people/requirements.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/dates.h"
#include "support/diagnostics.h"

namespace aliquot::people {
namespace {

using core::Role;

using test_support::date;

constexpr const char* kHeader = "[personnel]\nname = \"test\"\nversion = \"1\"\n";

RequirementsLoad load(const std::string& body) {
  return load_requirements(std::string(kHeader) + body, "personnel.toml");
}

std::vector<std::string> problems(const std::string& body) {
  return test_support::error_texts(load(body).diagnostics);
}

TEST(DefaultRequirements, LoadAndNameTheLicensureStatesAndRoles) {
  const Requirements& requirements = default_requirements();
  EXPECT_FALSE(requirements.name().empty());
  EXPECT_EQ(requirements.licensure().size(), 12u);
  EXPECT_TRUE(requirements.licensure_required("CA", date("2026-11-23")));
  EXPECT_TRUE(requirements.licensure_required("ny", date("2026-11-23")));
  EXPECT_FALSE(requirements.licensure_required("TX", date("2026-11-23")));
  // Georgia licenses its directors only.
  EXPECT_FALSE(requirements.licensure_required("GA", date("2026-11-23")));
  ASSERT_NE(requirements.requirement_for(Role::kTechnician), nullptr);
  EXPECT_EQ(requirements.requirement_for(Role::kTechnologist)->credentials,
            (std::vector<std::string>{"MLS(ASCP)", "MT(AMT)", "MLS(AMT)"}));
  EXPECT_FALSE(requirements.requirement_for(Role::kPathologist)->licence);
  EXPECT_EQ(requirements.requirement_for(Role::kClerk), nullptr);
  EXPECT_EQ(requirements.reviewers_for(Role::kTechnician, "microbiology"),
            (std::vector<Role>{Role::kTechnologist, Role::kSupervisor, Role::kPathologist}));
  EXPECT_TRUE(requirements.reviewers_for(Role::kTechnician, "chemistry").empty());
}

TEST(Requirements, LicensureAppliesFromItsEffectiveDate) {
  const RequirementsLoad loaded = load(
      "[[licensure]]\nstate = \"ny\"\neffective = \"2006-09-01\"\n"
      "[[role]]\nrole = \"technician\"\ncredentials = []\n");
  ASSERT_TRUE(loaded.requirements.has_value())
      << test_support::error_texts(loaded.diagnostics).front();
  EXPECT_EQ(loaded.requirements->licensure().front().state, "NY");
  EXPECT_FALSE(loaded.requirements->licensure_required("NY", date("2006-08-31")));
  EXPECT_TRUE(loaded.requirements->licensure_required("NY", date("2006-09-01")));
}

TEST(Requirements, ASectionIsOpenOnlyToItsRolesAndOthersToEveryRoleWithRequirements) {
  const RequirementsLoad loaded = load(
      "[[role]]\nrole = \"technician\"\ncredentials = []\n"
      "[[role]]\nrole = \"technologist\"\ncredentials = []\n"
      "[[section]]\nsection = \"microbiology\"\nroles = [\"technologist\"]\n");
  ASSERT_TRUE(loaded.requirements.has_value());
  const Requirements& requirements = *loaded.requirements;
  EXPECT_FALSE(requirements.may_work_in(Role::kTechnician, "Microbiology"));
  EXPECT_TRUE(requirements.may_work_in(Role::kTechnologist, "microbiology"));
  EXPECT_TRUE(requirements.may_work_in(Role::kTechnician, "chemistry"));
  EXPECT_FALSE(requirements.may_work_in(Role::kSupervisor, "chemistry"));
}

TEST(Requirements, NamesEveryProblemAtItsPlace) {
  EXPECT_EQ(
      problems("[[licensure]]\nstate = \"California\"\n"
               "[[licensure]]\nstate = \"TN\"\neffective = \"2026-02-30\"\n"
               "[[licensure]]\nstate = \"tn\"\n"
               "[[role]]\nrole = \"clerk\"\ncredentials = []\n"
               "[[role]]\nrole = \"technican\"\ncredentials = [\"MLT(ASCP)\"]\nlicense = true\n"
               "[[review]]\nperformed_by = \"technologist\"\nsections = []\n"
               "reviewed_by = [\"technologist\"]\n"),
      (std::vector<std::string>{
          "personnel.toml:5:9: key 'state' of licensure of state 'California' must be a "
          "two-letter postal code (\"CA\"), not 'California'",
          "personnel.toml:8:13: key 'effective' of licensure of state 'TN' must be a date "
          "YYYY-MM-DD, not '2026-02-30'",
          "personnel.toml:10:9: key 'state' of licensure of state 'tn' names 'tn' again "
          "(first at line 7)",
          "personnel.toml:12:8: key 'role' of role 'clerk' names role 'clerk', which never "
          "performs or releases tests (technician, technologist, supervisor or pathologist)",
          "personnel.toml:15:8: key 'role' of role 'technican' names 'technican', which is "
          "not a role (did you mean 'technician'?)",
          "personnel.toml:17:1: unknown key 'license' in role 'technican' (did you mean "
          "'licence'?)",
          "personnel.toml:20:12: key 'sections' of review 1 must name at least one section",
          "personnel.toml:21:15: key 'reviewed_by' of review 1 includes the role whose "
          "results it reviews",
      }));
  EXPECT_EQ(test_support::error_texts(load_requirements("", "personnel.toml").diagnostics),
            std::vector<std::string>{
                "personnel.toml: the file has no [personnel] table with its name and version"});
}

}  // namespace
}  // namespace aliquot::people
