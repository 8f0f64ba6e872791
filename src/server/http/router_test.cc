#include "server/http/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace aliquot::server::http {
namespace {

Request request_for(Method method, std::string target) {
  Request request;
  request.method = method;
  request.target = target;
  EXPECT_TRUE(parse_target(target, request)) << target;
  return request;
}

Authenticate as(std::string user) {
  return [user](const Request&) -> Result<Principal> { return Principal{user, "technician"}; };
}

Handler echo_params() {
  return [](const Request& request) {
    nlohmann::json body = {{"user", request.user ? request.user->username : ""}};
    for (const auto& [name, value] : request.path_params) body["params"][name] = value;
    return json_response(200, body.dump());
  };
}

TEST(Router, HandsTheNamedSegmentsAndTheUserToTheHandler) {
  Router router;
  ASSERT_TRUE(router.add(Method::kGet, "/api/specimens/{accession}/results/{code}", echo_params())
                  .has_value());
  const Dispatched dispatched =
      router.dispatch(request_for(Method::kGet, "/api/specimens/A%2F1/results/K"), as("tech1"));
  EXPECT_EQ(dispatched.response.status, 200);
  EXPECT_EQ(dispatched.route, "/api/specimens/{accession}/results/{code}");
  EXPECT_EQ(nlohmann::json::parse(dispatched.response.body),
            nlohmann::json::parse(R"({"user":"tech1","params":{"accession":"A/1","code":"K"}})"));
}

TEST(Router, AnswersNotFoundWithAJsonErrorWhenNoPatternFits) {
  Router router;
  ASSERT_TRUE(router.add(Method::kGet, "/api/specimens/{accession}", echo_params()).has_value());
  for (const std::string target : {"/api/specimens", "/api/specimens/A1/x", "/api/specimens/"}) {
    const Dispatched dispatched = router.dispatch(request_for(Method::kGet, target), as("u"));
    EXPECT_EQ(dispatched.response.status, 404) << target;
    EXPECT_EQ(dispatched.route, "");
    EXPECT_EQ(nlohmann::json::parse(dispatched.response.body),
              (nlohmann::json{{"error", "no route for " + target}, {"code", "not_found"}}));
  }
}

TEST(Router, AnswersMethodNotAllowedWithTheMethodsThePathHas) {
  Router router;
  ASSERT_TRUE(router.add(Method::kGet, "/api/orders/{id}", echo_params()).has_value());
  ASSERT_TRUE(router.add(Method::kDelete, "/api/orders/{order}", echo_params()).has_value());
  ASSERT_TRUE(router.add(Method::kPost, "/api/orders", echo_params()).has_value());
  const Dispatched dispatched =
      router.dispatch(request_for(Method::kPut, "/api/orders/9"), as("u"));
  EXPECT_EQ(dispatched.response.status, 405);
  EXPECT_EQ(find_header(dispatched.response.headers, "allow"), "GET, DELETE");
  EXPECT_EQ(nlohmann::json::parse(dispatched.response.body),
            (nlohmann::json{{"error", "PUT is not allowed on /api/orders/9"},
                            {"code", "method_not_allowed"}}));
}

TEST(Router, RoutesNeedAnAuthenticatedUserUnlessDeclaredPublic) {
  Router router;
  ASSERT_TRUE(router.add(Method::kGet, "/api/patients", echo_params()).has_value());
  ASSERT_TRUE(router.add(Method::kGet, "/open", echo_params(), Access::kPublic).has_value());
  ASSERT_EQ(router.routes().size(), 2u);
  EXPECT_EQ(router.routes()[0].access, Access::kAuthenticated);
  EXPECT_EQ(router.routes()[1].access, Access::kPublic);

  const Dispatched refused = router.dispatch(request_for(Method::kGet, "/api/patients"), no_user());
  EXPECT_EQ(refused.response.status, 401);
  EXPECT_EQ(refused.response.body,
            R"({"code":"unauthenticated","error":"authentication required"})");

  const Authenticate must_not_ask = [](const Request&) -> Result<Principal> {
    ADD_FAILURE() << "a public route asked for a user";
    return Principal{"intruder", "admin"};
  };
  const Dispatched open = router.dispatch(request_for(Method::kGet, "/open"), must_not_ask);
  EXPECT_EQ(open.response.status, 200);
  EXPECT_EQ(nlohmann::json::parse(open.response.body)["user"], "");
}

TEST(Router, IgnoresAUserTheClientClaimsInTheRequest) {
  Router router;
  ASSERT_TRUE(router.add(Method::kGet, "/api/me", echo_params()).has_value());
  Request request = request_for(Method::kGet, "/api/me");
  request.user = Principal{"admin", "admin"};
  EXPECT_EQ(router.dispatch(request, no_user()).response.status, 401);
}

TEST(Router, PrefersALiteralSegmentToAParameter) {
  Router router;
  ASSERT_TRUE(router.add(Method::kGet, "/api/specimens/{accession}", echo_params()).has_value());
  ASSERT_TRUE(router.add(Method::kGet, "/api/specimens/pending", echo_params()).has_value());
  EXPECT_EQ(router.match(Method::kGet, "/api/specimens/pending").route->pattern,
            "/api/specimens/pending");
  EXPECT_EQ(router.match(Method::kGet, "/api/specimens/A7").route->pattern,
            "/api/specimens/{accession}");
}

TEST(Router, RefusesMalformedAndOverlappingPatterns) {
  Router router;
  EXPECT_EQ(router.add(Method::kGet, "api/x", echo_params()).error().message(),
            "route api/x: a pattern starts with '/'");
  EXPECT_EQ(router.add(Method::kGet, "/a/{}", echo_params()).error().message(),
            "route /a/{}: segment {} needs a name");
  EXPECT_EQ(router.add(Method::kGet, "/a/{x}/{x}", echo_params()).error().message(),
            "route /a/{x}/{x}: segment name x is used twice");
  EXPECT_EQ(router.add(Method::kGet, "/a/id-{x}", echo_params()).error().message(),
            "route /a/id-{x}: a parameter is a whole segment, not id-{x}");
  ASSERT_TRUE(router.add(Method::kGet, "/a/{x}", echo_params()).has_value());
  const Result<void> overlap = router.add(Method::kGet, "/a/{y}", echo_params());
  ASSERT_FALSE(overlap.has_value());
  EXPECT_EQ(overlap.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(overlap.error().message(), "route GET /a/{y} overlaps /a/{x}");
  EXPECT_TRUE(router.add(Method::kPost, "/a/{y}", echo_params()).has_value());
  EXPECT_EQ(router.routes().size(), 2u);
}

TEST(Router, AnswersInternalErrorWithoutTheMessageWhenAHandlerThrows) {
  Router router;
  ASSERT_TRUE(router
                  .add(
                      Method::kGet, "/boom",
                      [](const Request&) -> Response { throw std::runtime_error("secret detail"); },
                      Access::kPublic)
                  .has_value());
  const Dispatched dispatched = router.dispatch(request_for(Method::kGet, "/boom"), no_user());
  EXPECT_EQ(dispatched.response.status, 500);
  EXPECT_EQ(dispatched.response.body.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace aliquot::server::http
