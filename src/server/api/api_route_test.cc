#include "server/api/api_route.h"

#include <gtest/gtest.h>

#include "server/api/api_test_fixture.h"

namespace aliquot::server::api {
namespace {

ApiRoutes probe_routes(int& calls) {
  const http::Handler counted = [&calls](const http::Request&) {
    ++calls;
    return http::json_response(200, "{}");
  };
  return {{http::Method::kPost, "/api/probe/release", lab::Action::kReleaseResult, counted,
           "release something"},
          {http::Method::kGet, "/api/probe/config", std::nullopt, counted, "read configuration"}};
}

class ApiRouteTest : public ApiTest {};

TEST_F(ApiRouteTest, RefusesARoleWithoutThePermissionBeforeTheHandlerRuns) {
  int calls = 0;
  use(probe_routes(calls));
  const http::Response refused = post("/api/probe/release", "clerk");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["error"], "user 'clerk' (clerk) may not release results");
  EXPECT_EQ(body_of(refused)["code"], "permission_denied");
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(post("/api/probe/release", "tech").status, 200);
  EXPECT_EQ(calls, 1);
}

TEST_F(ApiRouteTest, LetsEverySignedInUserUseARouteWithoutAPermission) {
  int calls = 0;
  use(probe_routes(calls));
  for (const char* user : {"admin", "clerk", "tech", "mls", "super", "path", "doc"}) {
    EXPECT_EQ(get("/api/probe/config", user).status, 200) << user;
  }
  EXPECT_EQ(get("/api/probe/config", "").status, 401);
  EXPECT_EQ(calls, 7);
}

TEST(Authorize, RefusesARoleCodeItDoesNotKnow) {
  const ApiRoute route{http::Method::kGet, "/x", lab::Action::kViewRecords, nullptr, "x"};
  const Result<void> refused = authorize(route, http::Principal{"u", "wizard"});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace aliquot::server::api
