#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/enums.h"
#include "server/api/api_test_fixture.h"
#include "server/api/event_hub.h"
#include "server/api/routes.h"
#include "server/http/event_stream.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using nlohmann::json;

class EventRoutesTest : public ApiTest {
 protected:
  EventRoutesTest() {
    EventHubOptions options;
    options.poll_interval = std::chrono::hours(1);  // polled by the tests
    hub_.emplace(*store_, configuration_, options);
    must(hub_->start());
  }

  // GET `target` as `username` with a Last-Event-ID header, as a reconnecting browser sends.
  http::Response get_with_last_event_id(const std::string& target, const std::string& username,
                                        const std::string& last_event_id) {
    http::Request request;
    request.target = target;
    EXPECT_TRUE(http::parse_target(target, request));
    request.headers.emplace_back("Last-Event-ID", last_event_id);
    const http::Authenticate as_user = [this,
                                        username](const http::Request&) -> Result<http::Principal> {
      std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kRead));
      const std::optional<core::User> user = must(tx->find_user(username));
      return http::Principal{user->username, std::string(core::to_code(user->role))};
    };
    return router_.dispatch(std::move(request), as_user).response;
  }

  // Everything the stream of `response` holds now.
  static std::string text_of(const http::Response& response) {
    EXPECT_NE(response.stream, nullptr) << response.body;
    return response.stream ? response.stream->take().text : "";
  }

  std::optional<EventHub> hub_;
};

TEST_F(EventRoutesTest, AnswersUnavailableWithoutAHub) {
  use(event_routes(api()));
  const http::Response response = get("/api/events", "tech");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(body_of(response), (json{{"error", "live updates are not running on this server"},
                                     {"code", "unavailable"}}));
  EXPECT_EQ(response.stream, nullptr);
}

TEST_F(EventRoutesTest, AnswersAnEventStreamThatCarriesWhatIsReleased) {
  api().events = &*hub_;
  use(event_routes(api()));
  const http::Response response = get("/api/events", "doc");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "text/event-stream");
  const std::string opening = text_of(response);
  EXPECT_NE(opening.find("event: ready\nid: " + std::to_string(hub_->position()) + "\n"),
            std::string::npos)
      << opening;

  const std::string accession = received_order("MRN-1", {"K"}).at(0).accession_number;
  enter(accession, "K", "4.1");
  release(accession, "K");
  must(hub_->poll());
  const std::string text = text_of(response);
  EXPECT_NE(text.find(R"("action":"result.release")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("accession":")" + accession + "\""), std::string::npos) << text;
}

TEST_F(EventRoutesTest, NeedsASignedInActiveUser) {
  api().events = &*hub_;
  use(event_routes(api()));
  EXPECT_EQ(get("/api/events", "").status, 401);
  const http::Response inactive = get("/api/events", "gone");
  EXPECT_EQ(inactive.status, 403) << inactive.body;
  EXPECT_EQ(inactive.stream, nullptr);
  EXPECT_EQ(hub_->subscribers(), 0u);
}

TEST_F(EventRoutesTest, RefusesASectionTheCatalogDoesNotHave) {
  api().events = &*hub_;
  use(event_routes(api()));
  const http::Response response = get("/api/events?section=MICRO", "tech");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(body_of(response),
            (json{{"error",
                   "unknown section 'MICRO'; the catalog has: chemistry, hematology, "
                   "urinalysis"},
                  {"code", "not_found"}}));
}

TEST_F(EventRoutesTest, FiltersResultsByTheSectionAsTheCatalogSpellsIt) {
  api().events = &*hub_;
  use(event_routes(api()));
  const http::Response response = get("/api/events?section=HEMATOLOGY", "tech");
  ASSERT_EQ(response.status, 200) << response.body;
  text_of(response);
  const std::string accession = received_order("MRN-1", {"K"}).at(0).accession_number;
  enter(accession, "K", "4.1");
  must(hub_->poll());
  const std::string text = text_of(response);
  EXPECT_NE(text.find("specimen.receive"), std::string::npos) << text;
  EXPECT_EQ(text.find("event: result"), std::string::npos) << text;
}

TEST_F(EventRoutesTest, ReplaysFromTheLastEventIdTheBrowserSends) {
  api().events = &*hub_;
  use(event_routes(api()));
  const std::int64_t seen = hub_->position();
  const std::string accession = received_order("MRN-1", {"K"}).at(0).accession_number;
  enter(accession, "K", "4.1");
  must(hub_->poll());

  const http::Response replayed =
      get_with_last_event_id("/api/events", "tech", std::to_string(seen));
  const std::string text = text_of(replayed);
  EXPECT_NE(text.find(R"("action":"result.enter")"), std::string::npos) << text;
  EXPECT_LT(text.find("result.enter"), text.find("event: ready")) << text;

  const http::Response fresh = get_with_last_event_id("/api/events", "tech", "not-a-number");
  EXPECT_EQ(text_of(fresh).find("result.enter"), std::string::npos)
      << "an id that is not ours is ignored";
}

}  // namespace
}  // namespace aliquot::server::api
