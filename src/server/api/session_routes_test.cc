#include <gtest/gtest.h>

#include <string>

#include "lab/authentication.h"
#include "server/api/api_test_fixture.h"
#include "server/api/login_rate_limit.h"
#include "server/api/routes.h"
#include "server/api/session_authentication.h"

namespace aliquot::server::api {
namespace {

using lab::must;

constexpr const char* kPassword = "correct horse battery";

class SessionRoutesTest : public ApiTest {
 protected:
  void SetUp() override {
    must(write([&](store::Transaction& tx) {
      return lab::set_password(tx, as("admin"), "tech", kPassword);
    }));
    ApiRoutes routes = session_routes(api());
    // A change and a read behind the session, to see the hook at work.
    routes.push_back(
        {http::Method::kPost, "/api/probe", lab::Action::kEnterResult,
         [](const http::Request& request) {
           return http::json_response(
               200, nlohmann::json{{"user", request.user->username}, {"role", request.user->role}}
                        .dump());
         },
         "probe"});
    routes.push_back({http::Method::kGet, "/api/probe", std::nullopt,
                      [](const http::Request&) { return http::json_response(200, "{}"); },
                      "probe"});
    use(routes);
  }

  http::Response send(http::Method method, const std::string& target, const std::string& body,
                      const http::Headers& headers, const std::string& peer = "192.0.2.7:1000") {
    http::Request request;
    request.method = method;
    request.target = target;
    EXPECT_TRUE(http::parse_target(target, request));
    request.body = body;
    request.headers = headers;
    request.peer = peer;
    return router_.dispatch(std::move(request), session_authenticate(*store_, clock_)).response;
  }

  http::Response log_in(const std::string& username, const std::string& password,
                        const std::string& peer = "192.0.2.7:1000") {
    return send(http::Method::kPost, "/api/session",
                nlohmann::json{{"username", username}, {"password", password}}.dump(), {}, peer);
  }

  static std::string cookie_of(const http::Response& response) {
    const std::optional<std::string> set = http::find_header(response.headers, "Set-Cookie");
    EXPECT_TRUE(set.has_value());
    return set ? set->substr(0, set->find(';')) : "";
  }
};

TEST_F(SessionRoutesTest, LogInSetsAnHttpOnlyStrictCookieAndReturnsTheCsrfToken) {
  const http::Response response = log_in("tech", kPassword);
  ASSERT_EQ(response.status, 201) << response.body;
  const nlohmann::json body = body_of(response);
  EXPECT_EQ(body["user"]["username"], "tech");
  EXPECT_EQ(body["user"]["role"], "technician");
  EXPECT_EQ(body["csrf_token"].get<std::string>().size(), 43u);
  const std::string set_cookie = *http::find_header(response.headers, "Set-Cookie");
  EXPECT_EQ(set_cookie.rfind("aliquot_session=", 0), 0u) << set_cookie;
  EXPECT_NE(set_cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(set_cookie.find("; Max-Age=43200"), std::string::npos);
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos);  // plain HTTP unless configured
  // The token is only in the cookie, never in the body a script can read.
  const std::string token = cookie_of(response).substr(std::string("aliquot_session=").size());
  EXPECT_EQ(response.body.find(token), std::string::npos);
}

TEST(SessionCookie, IsSecureOnlyWhenTheServerIsBehindATlsProxy) {
  EXPECT_EQ(session_cookie("t0k", false),
            "aliquot_session=t0k; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200");
  EXPECT_EQ(session_cookie("t0k", true),
            "aliquot_session=t0k; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=43200");
  EXPECT_EQ(cleared_session_cookie(true),
            "aliquot_session=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0");
  EXPECT_EQ(cleared_session_cookie(false).find("Secure"), std::string::npos);
}

TEST_F(SessionRoutesTest, TheCookieAuthenticatesAndTheSessionTellsWhoAndTheToken) {
  const http::Response login = log_in("tech", kPassword);
  const std::string cookie = cookie_of(login);
  const http::Response me = send(http::Method::kGet, "/api/session", "", {{"Cookie", cookie}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(body_of(me)["user"]["username"], "tech");
  EXPECT_EQ(body_of(me)["csrf_token"], body_of(login)["csrf_token"]);
  EXPECT_EQ(
      send(http::Method::kGet, "/api/probe", "", {{"Cookie", "a=b; " + cookie + "; c=d"}}).status,
      200);
  EXPECT_EQ(send(http::Method::kGet, "/api/probe", "", {}).status, 401);
  EXPECT_EQ(
      send(http::Method::kGet, "/api/probe", "", {{"Cookie", "aliquot_session=forged"}}).status,
      401);
}

TEST_F(SessionRoutesTest, AChangeNeedsTheSessionsCsrfToken) {
  const http::Response login = log_in("tech", kPassword);
  const std::string cookie = cookie_of(login);
  const std::string csrf = body_of(login)["csrf_token"];
  const http::Response without =
      send(http::Method::kPost, "/api/probe", "{}", {{"Cookie", cookie}});
  EXPECT_EQ(without.status, 403);
  EXPECT_EQ(body_of(without)["error"],
            "POST /api/probe: the X-CSRF-Token header is missing or does not match the session");
  EXPECT_EQ(send(http::Method::kPost, "/api/probe", "{}",
                 {{"Cookie", cookie}, {"X-CSRF-Token", csrf + "x"}})
                .status,
            403);
  const http::Response with =
      send(http::Method::kPost, "/api/probe", "{}", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(with.status, 200) << with.body;
  EXPECT_EQ(body_of(with)["role"], "technician");
}

TEST_F(SessionRoutesTest, ARefusedLogInSaysOnlyThatNameOrPasswordIsWrong) {
  for (const auto& [user, password] :
       {std::pair{"tech", "wrong password!"}, std::pair{"nobody", kPassword}}) {
    const http::Response refused = log_in(user, password);
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(body_of(refused)["error"], "user name or password is wrong");
    EXPECT_FALSE(http::find_header(refused.headers, "Set-Cookie").has_value());
  }
  const http::Response malformed =
      send(http::Method::kPost, "/api/session", R"({"username":"tech"})", {});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(body_of(malformed)["error"], "field 'password': required, a string");
}

TEST_F(SessionRoutesTest, FiveWrongPasswordsLockTheAccountEvenForTheRightOne) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(log_in("tech", "wrong password!").status, 401);
  EXPECT_EQ(log_in("tech", kPassword).status, 401);
  clock_.advance(std::chrono::minutes(15));
  EXPECT_EQ(log_in("tech", kPassword).status, 201);
}

TEST_F(SessionRoutesTest, OneAddressGetsTenAttemptsAMinute) {
  for (int i = 0; i < kLoginAttemptsPerWindow; ++i) {
    EXPECT_EQ(
        log_in("nobody" + std::to_string(i), kPassword, "198.51.100.1:" + std::to_string(i)).status,
        401);
  }
  const http::Response limited = log_in("tech", kPassword, "198.51.100.1:9999");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(body_of(limited)["code"], "rate_limited");
  EXPECT_TRUE(http::find_header(limited.headers, "Retry-After").has_value());
  // Another address is not affected.
  EXPECT_EQ(log_in("tech", kPassword, "198.51.100.2:1").status, 201);
}

TEST_F(SessionRoutesTest, LogOutEndsTheSessionAndClearsTheCookie) {
  const http::Response login = log_in("tech", kPassword);
  const std::string cookie = cookie_of(login);
  const std::string csrf = body_of(login)["csrf_token"];
  const http::Response out =
      send(http::Method::kDelete, "/api/session", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(http::find_header(out.headers, "Set-Cookie")->find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(send(http::Method::kGet, "/api/session", "", {{"Cookie", cookie}}).status, 401);
}

TEST_F(SessionRoutesTest, AnIdleSessionIsRefused) {
  const std::string cookie = cookie_of(log_in("tech", kPassword));
  clock_.advance(std::chrono::minutes(31));
  const http::Response refused = send(http::Method::kGet, "/api/probe", "", {{"Cookie", cookie}});
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(body_of(refused)["error"],
            "the session ended after 30 minutes without activity; log in again");
}

TEST(AddressOf, DropsThePort) {
  EXPECT_EQ(address_of("192.0.2.7:53012"), "192.0.2.7");
  EXPECT_EQ(address_of("::1:53012"), "::1");
  EXPECT_EQ(address_of("local"), "local");
}

}  // namespace
}  // namespace aliquot::server::api
