#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class AddUserTest : public LabTest {
 protected:
  Result<core::User> add(const std::string& actor, const std::string& username,
                         core::Role role = core::Role::kTechnician) {
    AddUser command;
    command.username = username;
    command.display_name = "New Person";
    command.role = role;
    return write([&](store::Transaction& tx) { return add_user(tx, as(actor), command); });
  }
};

TEST_F(AddUserTest, AdminAddsAUserWithAnAuditEntry) {
  const std::size_t before = audit_size();
  const core::User user = must(add("admin", "newtech"));
  EXPECT_EQ(user.username, "newtech");
  EXPECT_EQ(user.role, core::Role::kTechnician);
  EXPECT_TRUE(user.active);
  EXPECT_EQ(user.created_at, clock_.now());
  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].action, "user.add");
  EXPECT_EQ(added[0].entity_type, "user");
  EXPECT_EQ(added[0].entity_key, "newtech");
  EXPECT_EQ(added[0].actor, "admin");
  EXPECT_EQ(added[0].before, "");
  EXPECT_NE(added[0].after.find("\"role\":\"technician\""), std::string::npos);
}

TEST_F(AddUserTest, RefusesAUsernameTaken) {
  const Result<core::User> again = add("admin", "tech");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(), "user 'tech' already exists");
}

TEST_F(AddUserTest, RefusesAMalformedUsername) {
  for (const char* bad : {"", "Tech", "a b", "x/y"}) {
    const Result<core::User> refused = add("admin", bad);
    ASSERT_FALSE(refused.has_value()) << bad;
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(add("admin", std::string(65, 'a')).has_value());
  EXPECT_TRUE(add("admin", std::string(64, 'a')).has_value());
}

TEST_F(AddUserTest, RefusesEveryoneButAdmins) {
  const Result<core::User> refused = add("super", "newtech");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message(), "user 'super' (supervisor) may not add users");
}

TEST_F(AddUserTest, RefusesAnActorTheLabDoesNotHave) {
  const Result<core::User> refused = add("stranger", "newtech");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message(),
            "user 'stranger' is not a user of this lab and may not add users");
}

TEST_F(AddUserTest, DecidesByTheStoredRoleNotTheContextsRole) {
  AddUser command;
  command.username = "sneaky";
  command.role = core::Role::kAdmin;
  Context claimed = as("tech");
  claimed.actor.role = core::Role::kAdmin;  // a stale or forged context
  const Result<core::User> refused =
      write([&](store::Transaction& tx) { return add_user(tx, claimed, command); });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(), "user 'tech' (technician) may not add users");
}

}  // namespace
}  // namespace aliquot::lab
