#include "server/http/health.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/sqlite/sqlite_store.h"

namespace aliquot::server::http {
namespace {

// A private in-memory database whose begin() can be made to fail, as a lost disk would.
class FailingStore : public store::Store {
 public:
  FailingStore() : inner_(store::open_sqlite_store(":memory:").value()) {}
  Result<std::unique_ptr<store::Transaction>> begin(store::TransactionMode mode) override {
    if (failing_) return unavailable("database is locked");
    return inner_->begin(mode);
  }
  int schema_version() const override { return inner_->schema_version(); }
  Result<void> sync() override { return inner_->sync(); }
  void fail() { failing_ = true; }

 private:
  std::unique_ptr<store::Store> inner_;
  bool failing_ = false;
};

Response get_healthz(const Router& router) {
  Request request;
  EXPECT_TRUE(parse_target("/healthz", request));
  return router.dispatch(request, no_user()).response;
}

TEST(HealthRoute, AnswersOkWhileTheStoreCanBeRead) {
  FailingStore store;
  Router router;
  ASSERT_TRUE(add_health_route(router, store).has_value());
  EXPECT_EQ(router.routes()[0].access, Access::kPublic);
  const Response response = get_healthz(router);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"status":"ok"})");
}

TEST(HealthRoute, AnswersUnavailableWhenTheStoreCannotBeginARead) {
  FailingStore store;
  store.fail();
  Router router;
  ASSERT_TRUE(add_health_route(router, store).has_value());
  const Response response = get_healthz(router);
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(nlohmann::json::parse(response.body),
            nlohmann::json::parse(R"({"status":"unavailable","code":"unavailable",
                                      "error":"store: database is locked"})"));
}

}  // namespace
}  // namespace aliquot::server::http
