#include "server/http/health.h"

#include <memory>
#include <nlohmann/json.hpp>

namespace aliquot::server::http {

Result<void> add_health_route(Router& router, store::Store& store) {
  return router.add(
      Method::kGet, "/healthz",
      [&store](const Request&) {
        Result<std::unique_ptr<store::Transaction>> tx = store.begin(store::TransactionMode::kRead);
        if (!tx.has_value()) {
          const nlohmann::json body = {{"status", "unavailable"},
                                       {"error", "store: " + tx.error().message()},
                                       {"code", "unavailable"}};
          return json_response(503,
                               body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        }
        return json_response(200, R"({"status":"ok"})");
      },
      Access::kPublic);
}

}  // namespace aliquot::server::http
