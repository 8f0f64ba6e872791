#include "server/api/api_test_fixture.h"

#include <memory>

#include "core/enums.h"

namespace aliquot::server::api {

using lab::must;

ApiTest::ApiTest()
    : configuration_(must(lab::read_lab_configuration(*store_))),
      api_{.store = *store_, .configuration = configuration_, .clock = clock_} {}

void ApiTest::configure(const std::function<void(lab::LabConfiguration&)>& edit) {
  lab::LabConfiguration next = *configuration_.current();
  edit(next);
  configuration_.put_in_force(std::move(next));
}

void ApiTest::use(const ApiRoutes& routes) { must(register_routes(router_, routes)); }

http::Response ApiTest::call(http::Method method, const std::string& target,
                             const std::string& username, const nlohmann::json& body) {
  http::Request request;
  request.method = method;
  request.target = target;
  EXPECT_TRUE(http::parse_target(target, request)) << target;
  request.peer = "127.0.0.1:40000";
  if (!body.is_null()) {
    request.body = body.dump();
    request.headers.emplace_back("Content-Type", "application/json");
  }
  const http::Authenticate as_user = [this,
                                      username](const http::Request&) -> Result<http::Principal> {
    if (username.empty()) return Error(ErrorCode::kUnauthenticated, "authentication required");
    std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kRead));
    const std::optional<core::User> user = must(tx->find_user(username));
    if (!user) return Error(ErrorCode::kUnauthenticated, "no user " + username);
    return http::Principal{user->username, std::string(core::to_code(user->role))};
  };
  return router_.dispatch(std::move(request), as_user).response;
}

nlohmann::json ApiTest::body_of(const http::Response& response) {
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  EXPECT_FALSE(body.is_discarded()) << response.body;
  return body;
}

}  // namespace aliquot::server::api
