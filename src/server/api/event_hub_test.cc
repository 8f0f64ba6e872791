#include "server/api/event_hub.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lab/lab_setup.h"
#include "lab/lab_test_fixture.h"
#include "lab/use_cases.h"
#include "store/sqlite/sqlite_store.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using nlohmann::json;
using namespace std::chrono_literals;

// One block of the stream's text, as EventSource would read it.
struct Received {
  std::string event;
  std::string id;
  json data;
};

// The events in `text` (blocks without data, such as retry: and comments, are left out).
std::vector<Received> parse_events(const std::string& text) {
  std::vector<Received> events;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find("\n\n", start);
    if (end == std::string::npos) break;
    Received received;
    std::string data;
    bool has_data = false;
    std::size_t line_start = start;
    while (line_start < end) {
      std::size_t line_end = text.find('\n', line_start);
      if (line_end == std::string::npos || line_end > end) line_end = end;
      const std::string line = text.substr(line_start, line_end - line_start);
      if (line.starts_with("event: ")) received.event = line.substr(7);
      if (line.starts_with("id: ")) received.id = line.substr(4);
      if (line.starts_with("data: ")) {
        data += (has_data ? "\n" : "") + line.substr(6);
        has_data = true;
      }
      line_start = line_end + 1;
    }
    if (has_data) {
      received.data = json::parse(data);
      events.push_back(std::move(received));
    }
    start = end + 2;
  }
  return events;
}

// Reads a stream as the listener does: woken by it, taking everything queued.
class StreamReader {
 public:
  explicit StreamReader(std::shared_ptr<http::EventStream> stream) : stream_(std::move(stream)) {
    stream_->attach([this] {
      std::lock_guard lock(mutex_);
      ++wakes_;
      woken_.notify_all();
    });
  }
  ~StreamReader() { stream_->disconnect(); }
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;

  // Takes what is queued now.
  const std::string& take() {
    http::EventStream::Taken taken = stream_->take();
    text_ += taken.text;
    end_ = taken.end;
    return text_;
  }

  // Waits until `done` holds for the events received, at most `timeout`.
  bool wait_for(const std::function<bool(const std::vector<Received>&)>& done,
                std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      std::uint64_t seen = 0;
      {
        std::lock_guard lock(mutex_);
        seen = wakes_;
      }
      if (done(parse_events(take()))) return true;
      std::unique_lock lock(mutex_);
      if (!woken_.wait_until(lock, deadline, [&] { return wakes_ > seen; })) {
        lock.unlock();
        return done(parse_events(take()));
      }
    }
  }

  std::vector<Received> events() { return parse_events(take()); }
  http::EventStream::End end() const { return end_; }

 private:
  std::shared_ptr<http::EventStream> stream_;
  std::mutex mutex_;
  std::condition_variable woken_;
  std::uint64_t wakes_ = 0;
  std::string text_;
  http::EventStream::End end_ = http::EventStream::End::kNone;
};

// Whether `events` hold a result event of `action` on `accession`.
bool has_result(const std::vector<Received>& events, const std::string& action,
                const std::string& accession) {
  for (const Received& event : events) {
    if (event.event == "result" && event.data["action"] == action &&
        event.data["accession"] == accession) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> actions(const std::vector<Received>& events) {
  std::vector<std::string> out;
  for (const Received& event : events) {
    if (event.data.contains("action")) out.push_back(event.data["action"].get<std::string>());
  }
  return out;
}

// The thread never polls by itself: the tests poll when they choose.
EventHubOptions polled_by_hand() {
  EventHubOptions options;
  options.poll_interval = 1h;
  return options;
}

class EventHubTest : public lab::LabTest {
 protected:
  std::int64_t head() { return audit_trail().back().sequence; }

  lab::ConfigurationInForce configuration_{must(lab::read_lab_configuration(*store_))};
};

TEST_F(EventHubTest, MakesAResultEventWithTheSectionFromTheCatalogAndTheStatusAfter) {
  const catalog::Catalog& catalog = *catalog_;
  core::AuditEntry entry;
  entry.sequence = 41;
  entry.at = lab::at("2026-03-10T09:15:00Z");
  entry.action = "result.release";
  entry.entity_type = "result";
  entry.patient_mrn = "MRN-1";
  entry.accession_number = "26000007";
  entry.test_code = "K";
  entry.after = R"({"test_code":"K","status":"final","value":{"number":4.1}})";
  const std::optional<LiveEvent> event = live_event(entry, catalog);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->name, "result");
  EXPECT_EQ(event->sequence, 41);
  EXPECT_EQ(event->section, "chemistry");
  EXPECT_EQ(event->data, (json{{"action", "result.release"},
                               {"accession", "26000007"},
                               {"test", "K"},
                               {"section", "chemistry"},
                               {"status", "final"},
                               {"at", "2026-03-10T09:15:00Z"},
                               {"sequence", 41}}));
  EXPECT_EQ(format_live_event(*event),
            "event: result\nid: 41\ndata: " + event->data.dump() + "\n\n");
  // No patient identifiers and no values leave in an event.
  EXPECT_EQ(format_live_event(*event).find("MRN-1"), std::string::npos);
  EXPECT_EQ(format_live_event(*event).find("4.1"), std::string::npos);
}

TEST_F(EventHubTest, MakesSpecimenEventsAndLeavesOtherEntriesOut) {
  const catalog::Catalog& catalog = *catalog_;
  core::AuditEntry received;
  received.sequence = 7;
  received.at = lab::at("2026-03-10T09:00:00Z");
  received.action = "specimen.receive";
  received.accession_number = "26000007";
  received.after = R"({"status":"received"})";
  const std::optional<LiveEvent> specimen = live_event(received, catalog);
  ASSERT_TRUE(specimen.has_value());
  EXPECT_EQ(specimen->name, "specimen");
  EXPECT_EQ(specimen->section, "");
  EXPECT_EQ(specimen->data, (json{{"action", "specimen.receive"},
                                  {"accession", "26000007"},
                                  {"status", "received"},
                                  {"at", "2026-03-10T09:00:00Z"},
                                  {"sequence", 7}}));

  core::AuditEntry call = received;
  call.action = "critical_call.document";
  call.test_code = "K";
  call.after = R"({"called_to":"Dr. A"})";
  const std::optional<LiveEvent> called = live_event(call, catalog);
  ASSERT_TRUE(called.has_value());
  EXPECT_EQ(called->name, "result");
  EXPECT_TRUE(called->data["status"].is_null());

  core::AuditEntry registered = received;
  registered.action = "patient.register";
  EXPECT_FALSE(live_event(registered, catalog).has_value());
  core::AuditEntry ordered = received;
  ordered.action = "result.order";
  ordered.accession_number = "";
  EXPECT_FALSE(live_event(ordered, catalog).has_value()) << "not on a specimen, on no worklist";
}

TEST_F(EventHubTest, OnePollSendsAReleaseMadeThroughTheUseCases) {
  EventHub hub(*store_, configuration_, polled_by_hand());
  must(hub.start());
  StreamReader reader(must(hub.subscribe("", std::nullopt)));
  const std::string accession = received_order("MRN-1", {"K"}).at(0).accession_number;
  enter(accession, "K", "4.1");
  release(accession, "K");
  EXPECT_FALSE(has_result(reader.events(), "result.release", accession)) << "nothing before a poll";

  must(hub.poll());
  const std::vector<Received> events = reader.events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().event, "ready");
  EXPECT_EQ(actions(events),
            (std::vector<std::string>{"specimen.accession", "result.accession", "specimen.receive",
                                      "result.enter", "result.release"}));
  const Received& released = events.back();
  EXPECT_EQ(released.event, "result");
  EXPECT_EQ(released.data["accession"], accession);
  EXPECT_EQ(released.data["test"], "K");
  EXPECT_EQ(released.data["section"], "chemistry");
  EXPECT_EQ(released.data["status"], "final");
  EXPECT_EQ(released.id, std::to_string(head()));
  EXPECT_EQ(released.data["sequence"], head());
  EXPECT_EQ(hub.position(), head());
  EXPECT_EQ(hub.actions_seen().at("result.release"), 1u);
  EXPECT_EQ(hub.actions_seen().at("result.enter"), 1u);
  // The ids follow the trail's order.
  for (std::size_t i = 2; i < events.size(); ++i) {
    EXPECT_LT(std::stoll(events[i - 1].id), std::stoll(events[i].id));
  }
}

TEST_F(EventHubTest, ReadsTheTrailInBatchesUntilItHasCaughtUp) {
  EventHubOptions options = polled_by_hand();
  options.batch = 1;
  EventHub hub(*store_, configuration_, options);
  must(hub.start());
  StreamReader reader(must(hub.subscribe("", std::nullopt)));
  const std::string accession = received_order("MRN-1", {"K"}).at(0).accession_number;
  enter(accession, "K", "4.1");
  must(hub.poll());
  EXPECT_EQ(hub.position(), head());
  EXPECT_EQ(actions(reader.events()).back(), "result.enter");
}

TEST_F(EventHubTest, ItsThreadSendsAReleaseWithinAPoll) {
  EventHubOptions options;
  options.poll_interval = 5ms;
  EventHub hub(*store_, configuration_, options);
  must(hub.start());
  StreamReader reader(must(hub.subscribe("", std::nullopt)));
  const std::string accession = received_order("MRN-1", {"K"}).at(0).accession_number;
  enter(accession, "K", "4.1");
  release(accession, "K");
  EXPECT_TRUE(reader.wait_for([&](const std::vector<Received>& events) {
    return has_result(events, "result.release", accession);
  })) << reader.take();
}

TEST_F(EventHubTest, StartsAtTheHeadOfTheTrail) {
  const std::string accession = received_order("MRN-1", {"K"}).at(0).accession_number;
  enter(accession, "K", "4.1");
  EventHub hub(*store_, configuration_, polled_by_hand());
  must(hub.start());
  EXPECT_EQ(hub.position(), head());
  StreamReader reader(must(hub.subscribe("", std::nullopt)));
  must(hub.poll());
  const std::vector<Received> events = reader.events();
  ASSERT_EQ(events.size(), 1u) << reader.take();
  EXPECT_EQ(events[0].event, "ready");
  EXPECT_EQ(events[0].id, std::to_string(head()));
  EXPECT_NE(reader.take().find("retry: 1000\n\n"), std::string::npos) << reader.take();
}

TEST_F(EventHubTest, SendsASubscriberOfASectionOnlyItsResultsAndEverySpecimen) {
  EventHub hub(*store_, configuration_, polled_by_hand());
  must(hub.start());
  StreamReader hematology(must(hub.subscribe("hematology", std::nullopt)));
  const std::vector<core::Specimen> specimens = received_order("MRN-1", {"K", "HGB"});
  ASSERT_EQ(specimens.size(), 2u);
  for (const core::Specimen& specimen : specimens) {
    const std::string code = specimen.container_type == "sst" ? "K" : "HGB";
    enter(specimen.accession_number, code, code == "K" ? "4.1" : "13.5");
  }
  must(hub.poll());
  const std::vector<Received> events = hematology.events();
  std::vector<std::string> tests;
  std::size_t specimen_events = 0;
  for (const Received& event : events) {
    if (event.event == "result") tests.push_back(event.data["test"].get<std::string>());
    if (event.event == "specimen") ++specimen_events;
  }
  EXPECT_EQ(tests, (std::vector<std::string>{"HGB", "HGB"})) << hematology.take();
  EXPECT_EQ(specimen_events, 4u) << "accessioned and received, both specimens";
}

TEST_F(EventHubTest, ReplaysWhatAReconnectingClientMissed) {
  EventHub hub(*store_, configuration_, polled_by_hand());
  must(hub.start());
  const std::int64_t seen = hub.position();
  const std::string accession = received_order("MRN-1", {"K"}).at(0).accession_number;
  enter(accession, "K", "4.1");
  must(hub.poll());
  release(accession, "K");  // not polled yet: the replay ends where the hub is

  StreamReader reader(must(hub.subscribe("", seen)));
  std::vector<Received> events = reader.events();
  EXPECT_EQ(actions(events), (std::vector<std::string>{"specimen.accession", "result.accession",
                                                       "specimen.receive", "result.enter"}));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event, "ready");
  EXPECT_EQ(events.back().id, std::to_string(hub.position()));

  must(hub.poll());
  const std::vector<std::string> all = actions(reader.events());
  EXPECT_EQ(all, (std::vector<std::string>{"specimen.accession", "result.accession",
                                           "specimen.receive", "result.enter", "result.release"}))
      << "each event once, in order";
}

TEST_F(EventHubTest, TellsAClientTooFarBehindToReload) {
  EventHubOptions options = polled_by_hand();
  options.replay_limit = 3;
  EventHub hub(*store_, configuration_, options);
  const std::int64_t seen = head();
  received_order("MRN-1", {"K"});
  must(hub.start());
  StreamReader behind(must(hub.subscribe("", seen)));
  std::vector<Received> events = behind.events();
  ASSERT_EQ(events.size(), 2u) << behind.take();
  EXPECT_EQ(events[0].event, "resync");
  EXPECT_EQ(events[1].event, "ready");

  StreamReader ahead(must(hub.subscribe("", hub.position() + 10)));
  events = ahead.events();
  ASSERT_EQ(events.size(), 2u) << ahead.take();
  EXPECT_EQ(events[0].event, "resync") << "an id this trail never reached";
}

TEST_F(EventHubTest, StopEndsEveryStreamAndRefusesNewSubscribers) {
  EventHub hub(*store_, configuration_, polled_by_hand());
  EXPECT_EQ(hub.subscribe("", std::nullopt).error().message(),
            "events: live updates are not running");
  must(hub.start());
  StreamReader reader(must(hub.subscribe("", std::nullopt)));
  EXPECT_EQ(hub.subscribers(), 1u);
  hub.stop();
  reader.take();
  EXPECT_EQ(reader.end(), http::EventStream::End::kClosed);
  EXPECT_EQ(hub.subscribers(), 0u);
  const auto refused = hub.subscribe("", std::nullopt);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
  hub.stop();  // again: nothing happens
}

TEST_F(EventHubTest, EndsASubscriptionWhenItsTimeIsUp) {
  EventHubOptions options = polled_by_hand();
  options.max_subscription = 0ms;
  EventHub hub(*store_, configuration_, options);
  must(hub.start());
  StreamReader reader(must(hub.subscribe("", std::nullopt)));
  must(hub.poll());
  reader.take();
  EXPECT_EQ(reader.end(), http::EventStream::End::kClosed);
  EXPECT_EQ(hub.subscribers(), 0u);
}

TEST_F(EventHubTest, ForgetsASubscriberWhoseConnectionIsGone) {
  EventHub hub(*store_, configuration_, polled_by_hand());
  must(hub.start());
  std::shared_ptr<http::EventStream> kept = must(hub.subscribe("", std::nullopt));
  std::shared_ptr<http::EventStream> gone = must(hub.subscribe("", std::nullopt));
  std::shared_ptr<http::EventStream> closed = must(hub.subscribe("", std::nullopt));
  gone.reset();
  closed->disconnect();
  must(hub.poll());
  EXPECT_EQ(hub.subscribers(), 1u);
}

// The command line in another process writes to the same database file: the hub, on its own
// connection, sees what it commits.
class EventHubOnAFileTest : public lab::LabTest {
 protected:
  EventHubOnAFileTest() {
    std::string pattern = (std::filesystem::temp_directory_path() / "aliquot-events-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    directory_ = pattern;
    path_ = directory_ + "/lab.db";
    store_ = must(store::open_sqlite_store(path_));
    lab::InitializeLab init;
    init.lab_name = "Test laboratory";
    init.catalog_text = lab::kTestCatalogText;
    init.catalog_file_name = "test-menu.toml";
    must(lab::initialize_lab(*store_, clock_, init));
    for (const auto& [username, role] :
         {std::pair{"clerk", core::Role::kClerk}, std::pair{"tech", core::Role::kTechnician}}) {
      lab::AddUser command;
      command.username = username;
      command.display_name = username;
      command.role = role;
      must(write([&](store::Transaction& tx) { return lab::add_user(tx, as("admin"), command); }));
    }
    configuration_.emplace(must(lab::read_lab_configuration(*store_)));
  }
  ~EventHubOnAFileTest() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }

  std::string directory_;
  std::string path_;
  std::optional<lab::ConfigurationInForce> configuration_;
};

TEST_F(EventHubOnAFileTest, SeesWhatAnotherConnectionCommits) {
  std::unique_ptr<store::Store> own = must(store::open_sqlite_store(path_));
  EventHub hub(*own, *configuration_, polled_by_hand());
  must(hub.start());
  StreamReader reader(must(hub.subscribe("", std::nullopt)));
  const std::string accession = received_order("MRN-1", {"K"}).at(0).accession_number;
  must(hub.poll());
  const std::vector<Received> events = reader.events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event, "specimen");
  EXPECT_EQ(events.back().data["action"], "specimen.receive");
  EXPECT_EQ(events.back().data["accession"], accession);
  EXPECT_EQ(events.back().data["status"], "received");
  hub.stop();
}

TEST_F(EventHubOnAFileTest, TellsWhenAnotherConnectionLoadsAVersionOfTheConfiguration) {
  std::unique_ptr<store::Store> own = must(store::open_sqlite_store(path_));
  EventHubOptions options = polled_by_hand();
  int loads_seen = 0;
  options.configuration_loaded = [&loads_seen] { ++loads_seen; };
  EventHub hub(*own, *configuration_, options);
  must(hub.start());
  received_order("MRN-1", {"K"});
  must(hub.poll());
  EXPECT_EQ(loads_seen, 0);  // results and specimens are not configuration

  must(lab::load_rules_version(*store_, clock_, "admin", "[rules]\nname = \"r\"\nversion = \"1\"\n",
                               "r.toml"));
  must(hub.poll());
  EXPECT_EQ(loads_seen, 1);
  must(hub.poll());
  EXPECT_EQ(loads_seen, 1);
  hub.stop();
}

}  // namespace
}  // namespace aliquot::server::api
