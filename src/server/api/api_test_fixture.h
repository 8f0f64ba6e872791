#pragma once

// The JSON API over the test lab of lab/lab_test_fixture.h: its routes registered in a Router,
// and requests dispatched as one of the lab's users without sockets or sessions (the session
// routes and the authentication hook have tests of their own). Test-only.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "lab/lab_test_fixture.h"
#include "server/api/api_context.h"
#include "server/api/api_route.h"
#include "server/http/message.h"
#include "server/http/router.h"

namespace aliquot::server::api {

class ApiTest : public lab::LabTest {
 protected:
  ApiTest();

  // Registers `routes` (made from api()) in the router the calls below use.
  void use(const ApiRoutes& routes);

  // Dispatches a request as `username` (one of LabTest's users; "" for nobody), with `body` as
  // the request body (serialised; null sends none). The principal's role is the user's stored
  // role, as the authentication hook would give it.
  http::Response call(http::Method method, const std::string& target, const std::string& username,
                      const nlohmann::json& body = nullptr);
  http::Response get(const std::string& target, const std::string& username) {
    return call(http::Method::kGet, target, username);
  }
  http::Response post(const std::string& target, const std::string& username,
                      const nlohmann::json& body = nlohmann::json::object()) {
    return call(http::Method::kPost, target, username, body);
  }

  // The response body as JSON (fails the test when it is not).
  static nlohmann::json body_of(const http::Response& response);

  ApiContext& api() { return api_; }

  // Puts in force the configuration in force as `edit` changes it (rules, a QC policy, ...), as
  // a load would.
  void configure(const std::function<void(lab::LabConfiguration&)>& edit);

  http::Router router_;
  // What the test lab recorded: its catalog, no rules, the built-in policies.
  lab::ConfigurationInForce configuration_;
  ApiContext api_;
};

}  // namespace aliquot::server::api
