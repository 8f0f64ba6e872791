#include "lab/permissions.h"

#include <gtest/gtest.h>

#include <vector>

namespace aliquot::lab {
namespace {

using core::Role;

const std::vector<Action> kFrontOffice = {Action::kRegisterPatient, Action::kPlaceOrder,
                                          Action::kAccessionSpecimen, Action::kReceiveSpecimen,
                                          Action::kRejectSpecimen};
const std::vector<Action> kBench = {Action::kEnterResult, Action::kDocumentCriticalCall,
                                    Action::kReleaseResult};

TEST(RolePermits, ClerksDoTheFrontOfficeOnly) {
  for (Action action : kFrontOffice) EXPECT_TRUE(role_permits(Role::kClerk, action));
  for (Action action : kBench) EXPECT_FALSE(role_permits(Role::kClerk, action));
  EXPECT_FALSE(role_permits(Role::kClerk, Action::kCorrectResult));
  EXPECT_FALSE(role_permits(Role::kClerk, Action::kAddUser));
  EXPECT_TRUE(role_permits(Role::kClerk, Action::kViewRecords));
}

TEST(RolePermits, TechniciansReleaseButDoNotCorrect) {
  for (Action action : kFrontOffice) EXPECT_TRUE(role_permits(Role::kTechnician, action));
  for (Action action : kBench) EXPECT_TRUE(role_permits(Role::kTechnician, action));
  EXPECT_FALSE(role_permits(Role::kTechnician, Action::kCorrectResult));
  EXPECT_FALSE(role_permits(Role::kTechnician, Action::kLoadCatalog));
}

TEST(RolePermits, TechnologistsSupervisorsAndPathologistsAlsoCorrect) {
  for (Role role : {Role::kTechnologist, Role::kSupervisor, Role::kPathologist}) {
    for (Action action : kFrontOffice) EXPECT_TRUE(role_permits(role, action));
    for (Action action : kBench) EXPECT_TRUE(role_permits(role, action));
    EXPECT_TRUE(role_permits(role, Action::kCorrectResult));
    EXPECT_FALSE(role_permits(role, Action::kAddUser));
    EXPECT_FALSE(role_permits(role, Action::kLoadCatalog));
  }
}

TEST(RolePermits, CliniciansOnlyRead) {
  for (Action action : kFrontOffice) EXPECT_FALSE(role_permits(Role::kClinician, action));
  for (Action action : kBench) EXPECT_FALSE(role_permits(Role::kClinician, action));
  EXPECT_FALSE(role_permits(Role::kClinician, Action::kCorrectResult));
  EXPECT_TRUE(role_permits(Role::kClinician, Action::kViewRecords));
}

TEST(RolePermits, AdminsManageUsersAndCatalogsButNeverResults) {
  EXPECT_TRUE(role_permits(Role::kAdmin, Action::kAddUser));
  EXPECT_TRUE(role_permits(Role::kAdmin, Action::kLoadCatalog));
  for (Action action : kBench) EXPECT_FALSE(role_permits(Role::kAdmin, action));
  EXPECT_FALSE(role_permits(Role::kAdmin, Action::kCorrectResult));
  EXPECT_FALSE(role_permits(Role::kAdmin, Action::kRegisterPatient));
}

TEST(RolePermits, InterfacesFileOrdersAndValuesButNeverVerifyCallOrCorrect) {
  for (Action action : kFrontOffice) EXPECT_TRUE(role_permits(Role::kInterface, action));
  EXPECT_TRUE(role_permits(Role::kInterface, Action::kEnterResult));
  EXPECT_FALSE(role_permits(Role::kInterface, Action::kReleaseResult));
  EXPECT_FALSE(role_permits(Role::kInterface, Action::kDocumentCriticalCall));
  EXPECT_FALSE(role_permits(Role::kInterface, Action::kCorrectResult));
  EXPECT_FALSE(role_permits(Role::kInterface, Action::kAddUser));
  EXPECT_FALSE(role_permits(Role::kInterface, Action::kLoadCatalog));
}

TEST(CheckPermission, NamesTheUserTheRoleAndTheAction) {
  core::User clerk;
  clerk.username = "x";
  clerk.role = Role::kClerk;
  const Result<void> refused = check_permission(clerk, Action::kReleaseResult);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message(), "user 'x' (clerk) may not release results");
  EXPECT_TRUE(check_permission(clerk, Action::kReceiveSpecimen).has_value());
}

TEST(CheckPermission, RefusesAnInactiveUserWhateverTheRole) {
  core::User former;
  former.username = "former";
  former.role = Role::kSupervisor;
  former.active = false;
  const Result<void> refused = check_permission(former, Action::kViewRecords);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message(), "user 'former' is inactive and may not view records");
}

}  // namespace
}  // namespace aliquot::lab
