#pragma once

// Live updates for the browser's worklists (GET /api/events, docs/api.md): the hub follows the
// audit trail and turns the entries about results and specimens into server-sent events for
// every subscriber.
//
// Why the audit trail: every change to a result or a specimen appends an entry in the same
// transaction (ARCHITECTURE decision 3), whoever made it — a person through the API, an
// instrument through the interfaces of this process, or the `aliquot` command line in another
// process on the same database. Reading the trail's new entries every poll_interval sees them
// all, in commit order, without any writer having to know about the hub. The audit sequence is
// the event's id, so a browser that reconnects with Last-Event-ID is sent what it missed.
//
// Events carry identifiers of specimens and tests and the new status, never patient data or
// values: the browser fetches those through the routes that check and log the read.
//
// Threads: start() runs a thread of its own that polls; subscribe(), poll() and stop() may be
// called from any thread. The store and the configuration must outlive the hub.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.h"
#include "core/audit_entry.h"
#include "core/error.h"
#include "lab/lab_configuration.h"
#include "server/http/event_stream.h"
#include "store/store.h"

namespace aliquot::server::api {

struct EventHubOptions {
  // How often the trail is read: a result released shows up on open worklists within this and
  // the time to write it out.
  std::chrono::milliseconds poll_interval{250};
  // Entries read per query; a poll reads on until it has caught up, at most 20 queries.
  std::int64_t batch = 500;
  // How far behind (in audit entries) a reconnecting client may be and still be sent what it
  // missed; further behind, it is told to reload (event `resync`).
  std::int64_t replay_limit = 2000;
  // What may wait for one subscriber before it is disconnected (http::EventStream).
  std::size_t max_queued_bytes = std::size_t{256} * 1024;
  // How long one subscription lasts. Then the stream ends and the browser reconnects, which
  // checks the session again: a user who logged out or whose session expired stops receiving
  // events within this time.
  std::chrono::milliseconds max_subscription = std::chrono::minutes(5);
  // How long the browser waits before reconnecting (the stream's `retry:` field).
  std::chrono::milliseconds reconnect_after = std::chrono::seconds(1);
  // Told of a poll that failed (the database busy or gone); the hub tries again at the next
  // poll. Called on the hub's thread.
  std::function<void(const Error&)> report;
  // Called after a poll that saw a new version of the lab's configuration recorded (a catalog,
  // rules, QC policy, personnel requirements or CE rules loaded: lab::is_configuration_load),
  // whichever process recorded it; the server puts it in force. Called on the hub's thread.
  std::function<void()> configuration_loaded;
};

// One event for the browser, made from an audit entry.
struct LiveEvent {
  std::int64_t sequence = 0;  // the audit entry's: the event's id
  std::string name;           // "result" or "specimen"
  // The catalog section of the result's test ("chemistry"); "" for specimens and for a test
  // the catalog no longer has.
  std::string section;
  nlohmann::json data;
};

// The event for `entry`: `result` for result.* and critical_call.* entries of a specimen
// ({action, accession, test, section, status, at, sequence}), `specimen` for specimen.* entries
// ({action, accession, status, at, sequence}); status is the entity's status after the change
// (null when the entry has none). Nothing for other entries, and for results not yet on a
// specimen (ordered, not accessioned).
std::optional<LiveEvent> live_event(const core::AuditEntry& entry, const catalog::Catalog& catalog);

// The event in the stream's format: event name, id = sequence, data = the JSON.
std::string format_live_event(const LiveEvent& event);

class EventHub {
 public:
  // Result events name the section of their test in the catalog in force in `configuration`.
  EventHub(store::Store& store, const lab::ConfigurationInForce& configuration,
           EventHubOptions options = {});
  ~EventHub();  // stop()
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // Starts at the trail's head (entries already there are history, not news) and starts
  // polling. Unavailable when the head cannot be read; FailedPrecondition when started before.
  Result<void> start();

  // Stops polling, waits for the thread, and ends every subscriber's stream. Idempotent.
  void stop();

  // A stream for a new subscriber: result events of `section` (every section when ""; the
  // caller checks the code against the catalog) and every specimen event. With
  // `last_event_id`, the events after it are sent first, or `resync` when it is more than
  // replay_limit entries behind or not in the trail; then `ready` with the current position as
  // id. The hub keeps only a weak reference: the stream lives as long as its response.
  // Unavailable when the hub is not running or the missed events cannot be read.
  Result<std::shared_ptr<http::EventStream>> subscribe(std::string section,
                                                       std::optional<std::int64_t> last_event_id);

  // Reads the entries appended since the last poll and sends their events; ends subscriptions
  // that are over. The thread calls it every poll_interval; tests may call it directly. Polls
  // never overlap.
  Result<void> poll();

  // The sequence of the last audit entry seen.
  std::int64_t position() const;
  // How many subscribers are connected (as of the last poll or subscription).
  std::size_t subscribers() const;
  // How many audit entries of each action the hub has seen since it started ("result.release":
  // 12, "result.autoverify": 240, ...), for /metrics: results released and held in the whole
  // lab, whichever door they came through.
  std::map<std::string, std::uint64_t> actions_seen() const;

 private:
  struct Subscriber {
    std::weak_ptr<http::EventStream> stream;
    std::string section;
    std::chrono::steady_clock::time_point ends_at;
  };

  void run();
  // Sends `event` to the subscribers that want it; with mutex_ held.
  void fan_out(const LiveEvent& event);

  store::Store& store_;
  const lab::ConfigurationInForce& configuration_;
  const EventHubOptions options_;

  std::mutex poll_mutex_;  // one poll at a time

  mutable std::mutex mutex_;  // guards the members below
  bool running_ = false;
  bool started_ = false;
  std::int64_t position_ = 0;
  std::vector<Subscriber> subscribers_;
  std::map<std::string, std::uint64_t> actions_seen_;

  std::mutex thread_mutex_;  // guards stopping_, with wake_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace aliquot::server::api
