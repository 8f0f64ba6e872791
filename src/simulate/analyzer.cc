#include "simulate/analyzer.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "astm/io/link_connection.h"
#include "astm/io/tcp.h"
#include "core/thread_name.h"

namespace aliquot::simulate {
namespace {

using SteadyClock = std::chrono::steady_clock;

// What a lane's connection tells its thread.
struct LinkEvent {
  enum class Type { kDelivered, kFailed, kAnswer, kClosed };
  Type type = Type::kDelivered;
  std::uint64_t generation = 0;      // the connection it came from
  std::uint64_t key = 0;             // kDelivered, kFailed
  std::vector<std::string> records;  // kAnswer
  std::string text;                  // kFailed, kClosed: why
};

// What the lanes share: the options, the value model, the callbacks' serialization and the
// latencies.
struct Shared {
  Shared(const catalog::Catalog& catalog_in, const ingest::InstrumentProfile& profile_in,
         const core::Clock& clock_in, const AnalyzerOptions& options_in,
         boost::asio::io_context& io_in)
      : catalog(catalog_in),
        profile(profile_in),
        clock(clock_in),
        options(options_in),
        model(catalog_in, options_in.seed),
        io(io_in) {}

  const catalog::Catalog& catalog;
  const ingest::InstrumentProfile& profile;
  const core::Clock& clock;
  const AnalyzerOptions& options;
  ValueModel model;
  boost::asio::io_context& io;

  std::mutex mutex;  // guards what follows and serializes the callbacks
  std::vector<std::chrono::microseconds> latencies;
  std::uint64_t connects = 0;
  std::uint64_t connections_lost = 0;

  void tell(const std::string& text) {
    if (!options.on_event) return;
    std::lock_guard<std::mutex> lock(mutex);
    options.on_event(text);
  }
};

// One link: its thread drives a Lane over a connection, connecting again when it is lost.
class LaneDriver {
 public:
  LaneDriver(Shared& shared, int number, std::vector<RackSpecimen> rack)
      : shared_(shared),
        number_(number),
        lane_(shared.catalog, shared.profile, shared.model, shared.clock, shared.options.lane,
              std::move(rack)) {}

  void run() {
    const AnalyzerOptions& options = shared_.options;
    auto delay = options.reconnect_delay;
    SteadyClock::time_point disconnected_since = SteadyClock::now();
    while (!lane_.finished()) {
      if (!connection_) {
        if (!connect()) {
          if (SteadyClock::now() - disconnected_since >= options.give_up_after) {
            shared_.tell(name() + ": no connection to " + where() + " for " +
                         std::to_string(options.give_up_after.count()) +
                         " ms; giving up what is not acknowledged");
            lane_.abandon();
            break;
          }
          wait_until(SteadyClock::now() + delay);
          delay = std::min(delay * 2, options.max_reconnect_delay);
          continue;
        }
        delay = options.reconnect_delay;
      }
      if (SteadyClock::now() >= resend_not_before_) send();
      if (lane_.finished()) break;
      std::optional<SteadyClock::time_point> deadline = answer_deadline_;
      if (resend_not_before_ > SteadyClock::now() &&
          (!deadline || resend_not_before_ < *deadline)) {
        deadline = resend_not_before_;
      }
      std::optional<LinkEvent> event = next_event(deadline);
      if (!event) {
        if (answer_deadline_ && SteadyClock::now() >= *answer_deadline_) {
          shared_.tell(name() + ": no answer to the query within " +
                       std::to_string(options.answer_timeout.count()) + " ms; asking again");
          answer_deadline_.reset();
          lane_.on_answer_lost();
        }
        continue;
      }
      if (event->generation != generation_) continue;  // from a connection already closed
      handle(std::move(*event));
      if (!connection_) disconnected_since = SteadyClock::now();
    }
    if (connection_) connection_->close();
  }

  const LaneCounters& counters() const { return lane_.counters(); }

 private:
  std::string name() const { return "connection " + std::to_string(number_); }
  std::string where() const {
    return shared_.options.host + ":" + std::to_string(shared_.options.port);
  }

  bool connect() {
    const std::uint64_t generation = generation_ + 1;
    astm::io::LinkHandlers handlers;
    handlers.on_message = [this, generation](astm::io::ReceivedMessage message,
                                             astm::io::CompletionToken done) {
      // Nothing to commit on the instrument's side: acknowledge at once.
      done();
      LinkEvent event;
      event.type = LinkEvent::Type::kAnswer;
      event.generation = generation;
      event.records = std::move(message.records);
      push(std::move(event));
    };
    handlers.on_closed = [this, generation](const std::string&, const Error& reason) {
      LinkEvent event;
      event.type = LinkEvent::Type::kClosed;
      event.generation = generation;
      event.text = reason.message();
      push(std::move(event));
    };
    Result<std::shared_ptr<astm::io::LinkConnection>> connected = astm::io::connect_tcp(
        shared_.io, shared_.options.host, shared_.options.port, shared_.options.link, handlers);
    if (!connected.has_value()) {
      if (!refused_told_) {
        shared_.tell(name() + ": " + connected.error().message() + "; trying again");
        refused_told_ = true;
      }
      return false;
    }
    refused_told_ = false;
    connection_ = std::move(connected).value();
    generation_ = generation;
    {
      std::lock_guard<std::mutex> lock(shared_.mutex);
      ++shared_.connects;
    }
    if (generation > 1) shared_.tell(name() + ": connected again to " + where());
    return true;
  }

  void send() {
    for (LaneMessage& message : lane_.take_sendable()) {
      if (shared_.options.on_sent) {
        std::lock_guard<std::mutex> lock(shared_.mutex);
        shared_.options.on_sent({number_, message.kind, message.specimen_id, message.attempts});
      }
      sent_at_[message.key] = SteadyClock::now();
      const std::uint64_t key = message.key;
      const std::uint64_t generation = generation_;
      connection_->send(std::move(message.records), [this, key, generation](Result<void> outcome) {
        LinkEvent event;
        event.type = outcome.has_value() ? LinkEvent::Type::kDelivered : LinkEvent::Type::kFailed;
        event.generation = generation;
        event.key = key;
        if (!outcome.has_value()) event.text = outcome.error().message();
        push(std::move(event));
      });
    }
  }

  void handle(LinkEvent event) {
    switch (event.type) {
      case LinkEvent::Type::kDelivered: {
        std::optional<LaneMessage> message = lane_.on_delivered(event.key);
        if (!message) return;
        const auto sent = sent_at_.find(event.key);
        const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(
            SteadyClock::now() - (sent == sent_at_.end() ? SteadyClock::now() : sent->second));
        if (sent != sent_at_.end()) sent_at_.erase(sent);
        if (message->kind == MessageKind::kQuery) {
          answer_deadline_ = SteadyClock::now() + shared_.options.answer_timeout;
          return;
        }
        DeliveredMessage delivered;
        delivered.connection = number_;
        delivered.kind = message->kind;
        delivered.specimen_id = std::move(message->specimen_id);
        delivered.measurements = std::move(message->measurements);
        delivered.attempts = message->attempts;
        delivered.latency = latency;
        std::lock_guard<std::mutex> lock(shared_.mutex);
        if (delivered.kind == MessageKind::kResults) shared_.latencies.push_back(latency);
        if (shared_.options.on_delivered) shared_.options.on_delivered(delivered);
        return;
      }
      case LinkEvent::Type::kFailed: {
        sent_at_.erase(event.key);
        lane_.on_failed(event.key);
        // If the connection is closing, its kClosed event comes before this delay ends and the
        // message goes on the next connection instead of failing again on this one.
        resend_not_before_ = SteadyClock::now() + shared_.options.retry_delay;
        return;
      }
      case LinkEvent::Type::kAnswer: {
        answer_deadline_.reset();
        if (Result<void> read = lane_.on_answer(event.records); !read.has_value()) {
          shared_.tell(name() + ": " + read.error().message());
        }
        return;
      }
      case LinkEvent::Type::kClosed: {
        shared_.tell(name() + ": " + event.text + "; connecting again");
        answer_deadline_.reset();
        sent_at_.clear();
        lane_.on_connection_lost();
        connection_.reset();
        resend_not_before_ = {};
        std::lock_guard<std::mutex> lock(shared_.mutex);
        ++shared_.connections_lost;
        return;
      }
    }
  }

  void push(LinkEvent event) {
    {
      std::lock_guard<std::mutex> lock(events_mutex_);
      events_.push_back(std::move(event));
    }
    wake_.notify_one();
  }

  // The next event, or std::nullopt when `deadline` passed first.
  std::optional<LinkEvent> next_event(std::optional<SteadyClock::time_point> deadline) {
    std::unique_lock<std::mutex> lock(events_mutex_);
    const auto ready = [this] { return !events_.empty(); };
    if (deadline) {
      if (!wake_.wait_until(lock, *deadline, ready)) return std::nullopt;
    } else {
      wake_.wait(lock, ready);
    }
    LinkEvent event = std::move(events_.front());
    events_.pop_front();
    return event;
  }

  // Waits until `until`; events of closed connections that arrive meanwhile are dropped.
  void wait_until(SteadyClock::time_point until) {
    std::unique_lock<std::mutex> lock(events_mutex_);
    while (wake_.wait_until(lock, until) != std::cv_status::timeout) {
      events_.clear();
    }
    events_.clear();
  }

  Shared& shared_;
  const int number_;
  Lane lane_;
  std::shared_ptr<astm::io::LinkConnection> connection_;
  std::uint64_t generation_ = 0;
  bool refused_told_ = false;
  std::map<std::uint64_t, SteadyClock::time_point> sent_at_;
  std::optional<SteadyClock::time_point> answer_deadline_;
  SteadyClock::time_point resend_not_before_{};

  std::mutex events_mutex_;
  std::condition_variable wake_;
  std::deque<LinkEvent> events_;
};

void add(LaneCounters& total, const LaneCounters& lane) {
  total.queries_answered += lane.queries_answered;
  total.specimens_with_orders += lane.specimens_with_orders;
  total.specimens_without_orders += lane.specimens_without_orders;
  total.result_messages_delivered += lane.result_messages_delivered;
  total.results_delivered += lane.results_delivered;
  total.qc_messages_delivered += lane.qc_messages_delivered;
  total.messages_resent += lane.messages_resent;
  total.results_resent += lane.results_resent;
  total.messages_failed += lane.messages_failed;
  total.results_failed += lane.results_failed;
  total.specimens_not_run += lane.specimens_not_run;
  total.answers_ignored += lane.answers_ignored;
}

}  // namespace

double AnalyzerReport::results_per_second() const {
  return elapsed_seconds > 0 ? static_cast<double>(totals.results_delivered) / elapsed_seconds : 0;
}

double AnalyzerReport::latency_percentile_ms(double p) const {
  if (result_latencies.empty()) return 0;
  std::vector<std::chrono::microseconds> sorted = result_latencies;
  std::sort(sorted.begin(), sorted.end());
  // Nearest rank.
  const double rank =
      std::ceil(std::clamp(p, 0.0, 100.0) / 100 * static_cast<double>(sorted.size()));
  const std::size_t index = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
  return static_cast<double>(sorted[std::min(index, sorted.size() - 1)].count()) / 1000;
}

Result<AnalyzerReport> run_analyzer(const catalog::Catalog& catalog,
                                    const ingest::InstrumentProfile& profile,
                                    const core::Clock& clock, std::vector<RackSpecimen> rack,
                                    const AnalyzerOptions& options) {
  if (profile.protocol != ingest::Protocol::kAstm) {
    return invalid_argument("instrument profile '" + profile.id + "' (" + profile.file +
                            ") is not an ASTM profile; the simulated analyzer speaks ASTM");
  }
  if (options.connections < 1) {
    return invalid_argument("the number of connections must be at least 1, not " +
                            std::to_string(options.connections));
  }
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::vector<std::thread> io_threads;
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    io_threads.emplace_back([&io] {
      core::name_this_thread("analyzer-io");
      io.run();
    });
  }

  Shared shared(catalog, profile, clock, options, io);
  const auto connections = static_cast<std::size_t>(options.connections);
  std::vector<std::vector<RackSpecimen>> racks(connections);
  AnalyzerReport report;
  report.connections = options.connections;
  report.specimens = rack.size() * static_cast<std::uint64_t>(std::max(1, options.lane.rounds));
  for (std::size_t i = 0; i < rack.size(); ++i)
    racks[i % connections].push_back(std::move(rack[i]));

  const auto start = SteadyClock::now();
  std::vector<std::unique_ptr<LaneDriver>> drivers;
  for (std::size_t i = 0; i < connections; ++i) {
    drivers.push_back(
        std::make_unique<LaneDriver>(shared, static_cast<int>(i + 1), std::move(racks[i])));
  }
  std::vector<std::thread> lane_threads;
  for (const auto& driver : drivers) {
    lane_threads.emplace_back([&driver] {
      core::name_this_thread("analyzer-lane");
      driver->run();
    });
  }
  for (std::thread& thread : lane_threads) thread.join();
  report.elapsed_seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();

  // The connections were closed by their lanes; let the io_context finish their work.
  work.reset();
  for (std::thread& thread : io_threads) thread.join();

  for (const auto& driver : drivers) add(report.totals, driver->counters());
  report.connects = shared.connects;
  report.connections_lost = shared.connections_lost;
  report.result_latencies = std::move(shared.latencies);
  return report;
}

}  // namespace aliquot::simulate
