#include "server/api/event_hub.h"

#include <algorithm>
#include <iterator>
#include <string_view>
#include <utility>

#include "core/thread_name.h"
#include "core/time.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

constexpr int kBatchesPerPoll = 20;

// A member of the entity's JSON after the change, or null when there is none (no after image,
// not JSON, no such string member).
json after_member(const core::AuditEntry& entry, std::string_view name) {
  if (entry.after.empty()) return nullptr;
  const json after = json::parse(entry.after, nullptr, /*allow_exceptions=*/false);
  if (!after.is_object()) return nullptr;
  const auto found = after.find(name);
  if (found == after.end() || !found->is_string()) return nullptr;
  return *found;
}

// The blank-line-terminated `retry:` field (WHATWG HTML section 9.2.6): how long the browser
// waits before it reconnects.
std::string retry_field(std::chrono::milliseconds after) {
  return "retry: " + std::to_string(after.count()) + "\n\n";
}

// Whether a subscriber of `section` ("" for all) wants `event`: results of other sections are
// left out; specimen events go to everyone, as a specimen's tests may span sections.
bool wants(const std::string& section, const LiveEvent& event) {
  return event.name != "result" || section.empty() || section == event.section;
}

}  // namespace

std::optional<LiveEvent> live_event(const core::AuditEntry& entry,
                                    const catalog::Catalog& catalog) {
  const std::string_view action = entry.action;
  if (entry.accession_number.empty()) return std::nullopt;
  LiveEvent event;
  event.sequence = entry.sequence;
  if (action.starts_with("result.") || action.starts_with("critical_call.")) {
    event.name = "result";
    if (const core::TestDefinition* test = catalog.find_test(entry.test_code)) {
      event.section = test->section;
    } else if (const json section = after_member(entry, "section"); section.is_string()) {
      event.section = section.get<std::string>();
    }
    event.data = json{{"action", entry.action},
                      {"accession", entry.accession_number},
                      {"test", entry.test_code},
                      {"section", event.section},
                      {"status", after_member(entry, "status")},
                      {"at", core::format_instant(entry.at)},
                      {"sequence", entry.sequence}};
    return event;
  }
  if (action.starts_with("specimen.")) {
    event.name = "specimen";
    event.data = json{{"action", entry.action},
                      {"accession", entry.accession_number},
                      {"status", after_member(entry, "status")},
                      {"at", core::format_instant(entry.at)},
                      {"sequence", entry.sequence}};
    return event;
  }
  return std::nullopt;
}

std::string format_live_event(const LiveEvent& event) {
  // Replacing bytes that are not UTF-8 rather than throwing, on the hub's thread: an event
  // stream is UTF-8 only (WHATWG HTML section 9.2.5).
  return http::format_event(event.name, std::to_string(event.sequence),
                            event.data.dump(-1, ' ', false, json::error_handler_t::replace));
}

EventHub::EventHub(store::Store& store, const lab::ConfigurationInForce& configuration,
                   EventHubOptions options)
    : store_(store), configuration_(configuration), options_(std::move(options)) {}

EventHub::~EventHub() { stop(); }

Result<void> EventHub::start() {
  std::lock_guard poll_lock(poll_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (started_) return failed_precondition("events: the hub was started before");
  }
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store_.begin(store::TransactionMode::kRead));
  Result<std::optional<store::AuditHead>> head = tx->audit_head();
  if (!head) return unavailable("events: cannot read the audit trail: " + head.error().message());
  tx.reset();
  {
    std::lock_guard lock(mutex_);
    started_ = true;
    running_ = true;
    position_ = head->has_value() ? (*head)->sequence : 0;
  }
  thread_ = std::thread([this] {
    core::name_this_thread("event-hub");
    run();
  });
  return ok();
}

void EventHub::stop() {
  {
    std::lock_guard lock(thread_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::vector<Subscriber> ending;
  {
    std::lock_guard lock(mutex_);
    running_ = false;
    ending.swap(subscribers_);
  }
  for (const Subscriber& subscriber : ending) {
    if (std::shared_ptr<http::EventStream> stream = subscriber.stream.lock()) stream->close();
  }
}

void EventHub::run() {
  std::unique_lock lock(thread_mutex_);
  while (!stopping_) {
    if (wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; })) break;
    lock.unlock();
    Result<void> polled = poll();
    if (!polled && options_.report) options_.report(polled.error());
    lock.lock();
  }
}

Result<void> EventHub::poll() {
  std::lock_guard poll_lock(poll_mutex_);
  std::int64_t from = 0;
  {
    std::lock_guard lock(mutex_);
    if (!running_) return ok();
    from = position_ + 1;
  }
  // Reads outside mutex_, so that subscribers are not kept waiting on the database; only this
  // function advances position_, and polls never overlap.
  std::vector<core::AuditEntry> entries;
  {
    ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                             store_.begin(store::TransactionMode::kRead));
    // Bounded, so that a poll after a bulk load holds a bounded number of entries; the rest
    // waits for the next poll.
    for (int batches = 0; batches < kBatchesPerPoll; ++batches) {
      ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::AuditEntry> batch,
                               tx->audit_entries(from, options_.batch));
      if (batch.empty()) break;
      from = batch.back().sequence + 1;
      const bool more = static_cast<std::int64_t>(batch.size()) >= options_.batch;
      std::move(batch.begin(), batch.end(), std::back_inserter(entries));
      if (!more) break;
    }
  }

  const auto now = std::chrono::steady_clock::now();
  const std::shared_ptr<const lab::LabConfiguration> configuration = configuration_.current();
  std::vector<std::shared_ptr<http::EventStream>> over;
  bool configuration_loaded = false;
  std::unique_lock lock(mutex_);
  for (const core::AuditEntry& entry : entries) {
    position_ = entry.sequence;
    ++actions_seen_[entry.action];
    configuration_loaded = configuration_loaded || lab::is_configuration_load(entry.action);
    if (std::optional<LiveEvent> event = live_event(entry, configuration->catalog)) {
      fan_out(*event);
    }
  }
  std::erase_if(subscribers_, [&](const Subscriber& subscriber) {
    std::shared_ptr<http::EventStream> stream = subscriber.stream.lock();
    if (!stream || !stream->open()) return true;
    if (now < subscriber.ends_at) return false;
    over.push_back(std::move(stream));
    return true;
  });
  // The browser reconnects by itself, through authentication, and catches up by its
  // Last-Event-ID.
  for (const auto& stream : over) stream->close();
  lock.unlock();
  if (configuration_loaded && options_.configuration_loaded) options_.configuration_loaded();
  return ok();
}

std::map<std::string, std::uint64_t> EventHub::actions_seen() const {
  std::lock_guard lock(mutex_);
  return actions_seen_;
}

void EventHub::fan_out(const LiveEvent& event) {
  const std::string text = format_live_event(event);
  for (const Subscriber& subscriber : subscribers_) {
    if (!wants(subscriber.section, event)) continue;
    // A failed push (the client is gone or too slow) is pruned at the end of the poll.
    if (std::shared_ptr<http::EventStream> stream = subscriber.stream.lock()) stream->push(text);
  }
}

Result<std::shared_ptr<http::EventStream>> EventHub::subscribe(
    std::string section, std::optional<std::int64_t> last_event_id) {
  auto stream = std::make_shared<http::EventStream>(options_.max_queued_bytes);
  stream->push(retry_field(options_.reconnect_after));

  // Under mutex_ from the position read to the registration, so that no event falls between
  // the replay and the live ones.
  std::lock_guard lock(mutex_);
  if (!running_) return unavailable("events: live updates are not running");
  if (last_event_id && *last_event_id != position_) {
    // Sent whole or not at all: a replay that did not fit the stream's backlog would end it,
    // and the browser would come back with the same id.
    std::string replay;
    bool replayable = *last_event_id >= 0 && *last_event_id < position_ &&
                      position_ - *last_event_id <= options_.replay_limit;
    if (replayable) {
      ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                               store_.begin(store::TransactionMode::kRead));
      ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::AuditEntry> missed,
                               tx->audit_entries(*last_event_id + 1, position_ - *last_event_id));
      const std::shared_ptr<const lab::LabConfiguration> configuration = configuration_.current();
      for (const core::AuditEntry& entry : missed) {
        if (entry.sequence > position_) break;
        std::optional<LiveEvent> event = live_event(entry, configuration->catalog);
        if (event && wants(section, *event)) replay += format_live_event(*event);
      }
      replayable = replay.size() <= options_.max_queued_bytes / 2;
    }
    // Too far behind, or an id this trail never reached (another database, or one restored
    // from a backup): the browser reloads what it shows.
    stream->push(replayable ? std::move(replay) : http::format_event("resync", "", "{}"));
  }
  stream->push(
      http::format_event("ready", std::to_string(position_), json{{"sequence", position_}}.dump()));
  subscribers_.push_back(Subscriber{stream, std::move(section),
                                    std::chrono::steady_clock::now() + options_.max_subscription});
  return stream;
}

std::int64_t EventHub::position() const {
  std::lock_guard lock(mutex_);
  return position_;
}

std::size_t EventHub::subscribers() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

}  // namespace aliquot::server::api
