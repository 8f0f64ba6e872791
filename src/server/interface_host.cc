#include "server/interface_host.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <mutex>

#include "astm/io/link_connection.h"
#include "astm/io/serial.h"
#include "astm/io/tcp.h"
#include "core/thread_name.h"
#include "ingest/accounts.h"
#include "ingest/astm_ingest.h"
#include "ingest/hl7_ingest.h"
#include "mllp/server.h"
#include "server/http/health.h"
#include "server/http/listener.h"
#include "server/http/metrics.h"

namespace aliquot::server {

class InterfaceHost::Impl {
 public:
  // The ingests of one configuration: a message is received, applied and answered by the ones in
  // force when it arrived, which its job keeps alive.
  struct Ingests {
    Ingests(std::shared_ptr<const lab::LabConfiguration> in_force,
            const ingest::InstrumentProfiles& profiles, const core::Clock& clock,
            const std::string& default_hl7_account,
            std::shared_ptr<std::atomic<std::uint64_t>> ack_counter)
        : configuration(std::move(in_force)),
          hl7(configuration->catalog, profiles, clock,
              {.default_account = default_hl7_account,
               .control_id_prefix = "ALQ",
               .rules = configuration->rules_in_force(),
               .qc_policy = &configuration->qc_policy_in_force(),
               .personnel = &configuration->personnel_in_force(),
               .ack_counter = std::move(ack_counter)}),
          astm(configuration->catalog, profiles, clock, configuration->rules_in_force(),
               &configuration->qc_policy_in_force(), &configuration->personnel_in_force()) {}

    const std::shared_ptr<const lab::LabConfiguration> configuration;
    const ingest::Hl7Ingest hl7;
    const ingest::AstmIngest astm;
  };

  Impl(store::Store& store, lab::ConfigurationInForce& configuration,
       ingest::InstrumentProfiles profiles, const core::Clock& clock, InterfaceHostOptions options)
      : store_(store),
        configuration_(configuration),
        profiles_(std::move(profiles)),
        clock_(clock),
        options_(std::move(options)) {
    // A catalog version without a test the instruments send is refused before it is in force:
    // their results would otherwise be quarantined one by one.
    configuration_.add_acceptance([profiles = profiles_](const lab::LabConfiguration& next) {
      return ingest::check_profiles_fit(profiles, next.catalog);
    });
  }

  Result<void> start() {
    {
      ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                               store_.begin(store::TransactionMode::kWrite));
      ALIQUOT_ASSIGN_OR_RETURN(const std::vector<std::string> added,
                               ingest::ensure_interface_accounts(*tx, clock_, profiles_,
                                                                 {options_.default_hl7_account}));
      (void)added;
      ALIQUOT_RETURN_IF_ERROR(tx->commit());
    }
    pipeline_ = std::make_unique<ingest::Pipeline>(store_, options_.pipeline);

    if (options_.mllp) {
      mllp::ServerOptions server_options;
      server_options.host = options_.mllp->host;
      server_options.port = options_.mllp->port;
      server_options.max_message_size = options_.max_message_size;
      server_options.clock = &clock_;
      server_options.ack_control_id_prefix = "ALQ-MLLP";
      server_options.on_rejected = [this](const mllp::RejectedMessage& rejected) {
        keep_rejected_frame(rejected);
      };
      mllp_ = std::make_unique<mllp::Server>(
          io_, server_options, [this](mllp::InboundMessage message, mllp::Reply reply) {
            on_hl7(std::move(message), std::move(reply));
          });
      ALIQUOT_RETURN_IF_ERROR(mllp_->start());
    }
    astm::io::LinkHandlers handlers;
    handlers.on_message = [this](astm::io::ReceivedMessage message,
                                 astm::io::CompletionToken done) {
      on_astm(std::move(message), std::move(done));
    };
    if (options_.astm) {
      astm::io::TcpServerOptions server_options;
      server_options.host = options_.astm->host;
      server_options.port = options_.astm->port;
      server_options.link = options_.link;
      astm_server_ = std::make_unique<astm::io::TcpServer>(io_, server_options, handlers);
      ALIQUOT_RETURN_IF_ERROR(astm_server_->start());
    }
    for (const SerialLine& line : options_.serial) {
      ALIQUOT_ASSIGN_OR_RETURN(
          std::shared_ptr<astm::io::LinkConnection> connection,
          astm::io::open_serial(io_, line.device, line.baud, options_.link, handlers));
      serial_.push_back(std::move(connection));
    }
    if (options_.http) ALIQUOT_RETURN_IF_ERROR(start_http());
    for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
      threads_.emplace_back([this] {
        core::name_this_thread("host-io");
        io_.run();
      });
    }
    return ok();
  }

  void stop() {
    if (stopped_.exchange(true)) return;
    // Stop taking new messages, let the pipeline apply and answer what it has, then end.
    if (http_) http_->stop();
    if (mllp_) mllp_->stop();
    if (astm_server_) astm_server_->stop();
    for (const auto& connection : serial_) connection->close();
    if (pipeline_) pipeline_->stop();
    work_.reset();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }

  std::uint16_t mllp_port() const { return mllp_ ? mllp_->port() : 0; }
  std::uint16_t astm_port() const { return astm_server_ ? astm_server_->port() : 0; }
  std::uint16_t http_port() const { return http_ ? http_->port() : 0; }

  InterfaceCounters counters() const {
    InterfaceCounters counters;
    counters.hl7_messages = hl7_messages_;
    counters.astm_messages = astm_messages_;
    counters.acknowledged = acknowledged_;
    counters.refused = refused_;
    counters.not_stored = not_stored_;
    if (pipeline_) counters.pipeline = pipeline_->stats();
    counters.hl7_ack_latency = hl7_latency_.summary();
    counters.astm_ack_latency = astm_latency_.summary();
    return counters;
  }

 private:
  Result<void> start_http() {
    ALIQUOT_RETURN_IF_ERROR(http::add_health_route(router_, store_));
    ALIQUOT_RETURN_IF_ERROR(http::add_metrics_route(
        router_, http_metrics_, [this] { return counters(); }, options_.metrics_exposition));
    if (options_.http_routes) ALIQUOT_RETURN_IF_ERROR(options_.http_routes(router_));
    http::ListenerOptions listener_options;
    listener_options.host = options_.http->host;
    listener_options.port = options_.http->port;
    listener_options.body_limit = options_.http_body_limit;
    listener_options.request_timeout = options_.http_request_timeout;
    listener_options.authenticate = options_.authenticate;
    listener_options.access_log = options_.http_access_log;
    listener_options.metrics = &http_metrics_;
    http_ = std::make_unique<http::Listener>(io_, router_, std::move(listener_options));
    return http_->start();
  }

  void count(const ingest::JobOutcome& outcome) {
    if (!outcome.durable) {
      ++not_stored_;
    } else if (outcome.applied.has_value()) {
      ++acknowledged_;
    } else {
      ++refused_;
    }
  }

  // The ingests of the configuration in force, made again when a new one was put in force.
  std::shared_ptr<const Ingests> ingests() {
    std::shared_ptr<const lab::LabConfiguration> in_force = configuration_.current();
    std::lock_guard lock(ingests_mutex_);
    if (!ingests_ || ingests_->configuration != in_force) {
      ingests_ = std::make_shared<const Ingests>(std::move(in_force), profiles_, clock_,
                                                 options_.default_hl7_account, ack_counter_);
    }
    return ingests_;
  }

  void on_hl7(mllp::InboundMessage message, mllp::Reply reply) {
    ++hl7_messages_;
    const std::shared_ptr<const Ingests> in_force = ingests();
    std::shared_ptr<ingest::Hl7Received> received =
        in_force->hl7.receive(std::move(message.bytes), std::move(message.peer));
    ingest::Job job =
        in_force->hl7.job(received, [reply](std::string ack) { reply(std::move(ack)); });
    // Count before the ACK leaves (on the pipeline's syncer thread). on_done runs last and
    // keeps the ingests the job was made by alive until then.
    job.on_done = [this, in_force, received, reply,
                   received_at = message.received_at](const ingest::JobOutcome& outcome) {
      count(outcome);
      reply(in_force->hl7.acknowledge(*received, outcome));
      if (outcome.durable) hl7_latency_.record(std::chrono::steady_clock::now() - received_at);
    };
    if (Result<void> queued = pipeline_->submit(std::move(job)); !queued.has_value()) {
      ++not_stored_;
      reply(in_force->hl7.acknowledge(*received, ingest::JobOutcome{false, queued.error()}));
    }
  }

  void on_astm(astm::io::ReceivedMessage message, astm::io::CompletionToken done) {
    ++astm_messages_;
    const std::shared_ptr<const Ingests> in_force = ingests();
    std::shared_ptr<ingest::AstmReceived> received =
        in_force->astm.receive(std::move(message.records), std::move(message.peer));
    ingest::Job job = in_force->astm.job(
        received, [this, in_force, received, done,
                   received_at = message.received_at](const ingest::JobOutcome& outcome) {
          count(outcome);
          // Not stored: the final frame stays unanswered and the instrument sends again.
          if (!outcome.durable) return;
          done(received->reply);
          astm_latency_.record(std::chrono::steady_clock::now() - received_at);
        });
    if (!pipeline_->submit(std::move(job)).has_value()) ++not_stored_;
  }

  // An MLLP frame too large to take was answered AR by the listener; its first bytes are kept
  // in the quarantine so that the lab sees what was refused.
  void keep_rejected_frame(const mllp::RejectedMessage& rejected) {
    const std::shared_ptr<const Ingests> in_force = ingests();
    auto received = std::shared_ptr<ingest::Hl7Received>(
        in_force->hl7.receive(rejected.first_bytes, rejected.peer).release());
    ingest::Job job;
    const Error why = invalid_argument(rejected.text);
    job.apply = [why](store::Transaction&) -> Result<std::string> { return why; };
    job.on_refused = [in_force, received](store::Transaction& tx, const Error& error) {
      return in_force->hl7.quarantine(tx, *received, error);
    };
    (void)pipeline_->submit(std::move(job));
  }

  store::Store& store_;
  lab::ConfigurationInForce& configuration_;
  const ingest::InstrumentProfiles profiles_;
  const core::Clock& clock_;
  const InterfaceHostOptions options_;
  std::mutex ingests_mutex_;
  std::shared_ptr<const Ingests> ingests_;  // guarded by ingests_mutex_
  // One sequence of ACK control IDs (MSH-10) across the configurations.
  const std::shared_ptr<std::atomic<std::uint64_t>> ack_counter_ =
      std::make_shared<std::atomic<std::uint64_t>>(0);
  // Before io_: the connections' handlers use them until the io_context is gone.
  http::Router router_;
  http::HttpMetrics http_metrics_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  std::unique_ptr<ingest::Pipeline> pipeline_;
  std::unique_ptr<mllp::Server> mllp_;
  std::unique_ptr<astm::io::TcpServer> astm_server_;
  std::unique_ptr<http::Listener> http_;
  std::vector<std::shared_ptr<astm::io::LinkConnection>> serial_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopped_{false};
  std::atomic<std::uint64_t> hl7_messages_{0}, astm_messages_{0}, acknowledged_{0}, refused_{0},
      not_stored_{0};
  LatencyHistogram hl7_latency_;
  LatencyHistogram astm_latency_;
};

InterfaceHost::InterfaceHost(store::Store& store, lab::ConfigurationInForce& configuration,
                             ingest::InstrumentProfiles profiles, const core::Clock& clock,
                             InterfaceHostOptions options)
    : impl_(std::make_unique<Impl>(store, configuration, std::move(profiles), clock,
                                   std::move(options))) {}

InterfaceHost::~InterfaceHost() { stop(); }

Result<void> InterfaceHost::start() { return impl_->start(); }
void InterfaceHost::stop() { impl_->stop(); }
std::uint16_t InterfaceHost::mllp_port() const { return impl_->mllp_port(); }
std::uint16_t InterfaceHost::astm_port() const { return impl_->astm_port(); }
std::uint16_t InterfaceHost::http_port() const { return impl_->http_port(); }
InterfaceCounters InterfaceHost::counters() const { return impl_->counters(); }

}  // namespace aliquot::server
