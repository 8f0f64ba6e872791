// Authorization on every route, proven by walking the route table: each route is tried as
// nobody and as a user of every role, and must answer 401 without a user, 403 to a role whose
// permissions lack the route's, and never 401 or 403 to a role that has it. A refused request
// changes nothing: the audit trail does not grow.

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "core/enums.h"
#include "lab/permissions.h"
#include "server/api/api_test_fixture.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using lab::must;

// The users of LabTest, one per role.
const std::vector<std::pair<std::string, core::Role>> kUsers = {
    {"admin", core::Role::kAdmin},      {"clerk", core::Role::kClerk},
    {"tech", core::Role::kTechnician},  {"mls", core::Role::kTechnologist},
    {"super", core::Role::kSupervisor}, {"path", core::Role::kPathologist},
    {"doc", core::Role::kClinician},    {"analyzer", core::Role::kInterface},
};

// A concrete path for a pattern: every {name} becomes a value that names nothing in the lab.
std::string path_for(const std::string& pattern) {
  return std::regex_replace(pattern, std::regex("\\{[a-z_]+\\}"), "1");
}

class ApiAuthorizationTest : public ApiTest {
 protected:
  void SetUp() override {
    routes_ = all_routes(api());
    use(routes_);
  }
  ApiRoutes routes_;
};

TEST_F(ApiAuthorizationTest, EveryRouteButLogInNeedsAUser) {
  std::set<std::string> public_routes;
  for (const ApiRoute& route : routes_) {
    const std::string target = path_for(route.pattern);
    const http::Response response = call(route.method, target, "", nlohmann::json::object());
    if (route.access == http::Access::kPublic) {
      public_routes.insert(std::string(http::to_string(route.method)) + " " + route.pattern);
      continue;
    }
    EXPECT_EQ(response.status, 401) << http::to_string(route.method) << " " << route.pattern;
  }
  EXPECT_EQ(public_routes, (std::set<std::string>{"POST /api/session"}));
}

TEST_F(ApiAuthorizationTest, EveryRouteRefusesTheRolesWithoutItsPermissionAndNoOthers) {
  ASSERT_GT(routes_.size(), 30u);
  for (const ApiRoute& route : routes_) {
    if (route.access == http::Access::kPublic) continue;
    // The event stream does not end while the lab runs; its authorization is the same table's.
    if (route.pattern == "/api/events") continue;
    // The session's own routes read the session cookie, which these requests made by user name
    // do not carry; session_routes_test.cc tries them with real sessions.
    if (route.pattern == "/api/session") continue;
    const std::string target = path_for(route.pattern);
    for (const auto& [username, role] : kUsers) {
      const std::size_t trail = audit_size();
      const http::Response response =
          call(route.method, target, username, nlohmann::json::object());
      const std::string where = std::string(http::to_string(route.method)) + " " + route.pattern +
                                " as " + username + ": " + std::to_string(response.status) + " " +
                                response.body;
      const bool permitted = !route.permission || lab::role_permits(role, *route.permission);
      if (permitted) {
        EXPECT_NE(response.status, 401) << where;
        // A route open to every user may still be refused by its use case (a user setting
        // another's password); one with a permission is never refused to a role that has it.
        if (route.permission) {
          EXPECT_NE(response.status, 403) << where;
        }
      } else {
        EXPECT_EQ(response.status, 403) << where;
        EXPECT_EQ(body_of(response)["code"], "permission_denied") << where;
        EXPECT_EQ(audit_size(), trail) << where;
      }
    }
  }
}

TEST_F(ApiAuthorizationTest, EveryRouteHasASummaryAndAUniqueShape) {
  std::set<std::string> seen;
  for (const ApiRoute& route : routes_) {
    EXPECT_FALSE(route.summary.empty()) << route.pattern;
    EXPECT_TRUE(route.pattern.starts_with("/api/")) << route.pattern;
    EXPECT_TRUE(
        seen.insert(std::string(http::to_string(route.method)) + " " + route.pattern).second)
        << route.pattern;
  }
}

}  // namespace
}  // namespace aliquot::server::api
