// The server process as a function (cli/server_runner.h).

#include "cli/server_runner.h"

#include <signal.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli/interface_options.h"
#include "core/text.h"
#include "lab/lab_configuration.h"
#include "outbox/sender.h"
#include "server/api/api_context.h"
#include "server/api/event_hub.h"
#include "server/api/lab_metrics.h"
#include "server/api/patient_read_log.h"
#include "server/api/routes.h"
#include "server/api/session_authentication.h"
#include "server/http/access_log.h"
#include "server/http/static_files.h"
#include "server/interface_host.h"
#include "server/mllp_transport.h"
#include "server/serve_config.h"

namespace aliquot::cli {
namespace {

// One line per HTTP request on standard error: key=value for people, or one JSON object per
// line for a log collector.
server::http::AccessLog access_log(server::LogFormat format, const core::Clock& clock) {
  auto log_mutex = std::make_shared<std::mutex>();
  if (format == server::LogFormat::kJson) {
    return [log_mutex, &clock](const server::http::AccessLogEntry& entry) {
      const nlohmann::json line = {{"at", core::format_instant(clock.now())},
                                   {"event", "http"},
                                   {"method", std::string(to_string(entry.method))},
                                   {"path", entry.path},
                                   {"status", entry.status},
                                   {"micros", entry.elapsed.count()}};
      std::lock_guard lock(*log_mutex);
      std::cerr << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    };
  }
  return [log_mutex](const server::http::AccessLogEntry& entry) {
    std::lock_guard lock(*log_mutex);
    std::cerr << server::http::format_access_log(entry) << '\n';
  };
}

// Microseconds as milliseconds with two decimals, for people.
std::string latency_ms(std::chrono::microseconds micros) {
  return core::format_decimal(static_cast<double>(micros.count()) / 1000, 2);
}

nlohmann::json latency_json(const server::LatencySummary& latency) {
  return {{"messages", latency.count},
          {"p50_ms", static_cast<double>(latency.p50.count()) / 1000},
          {"p99_ms", static_cast<double>(latency.p99.count()) / 1000},
          {"max_ms", static_cast<double>(latency.max.count()) / 1000}};
}

}  // namespace

Result<void> run_server(Session& session, const server::ServeConfig& config,
                        const ServerHooks& hooks) {
  if (!config.mllp && !config.astm && !config.http && !config.serial && !config.outbound) {
    return invalid_argument(
        "serve: give at least one of --mllp, --astm, --http, --serial, --outbound (or a "
        "--config file that does)");
  }
  if (config.web && !config.http) {
    return invalid_argument("serve: --web needs --http (the web UI is served by the HTTP API)");
  }
  const std::vector<std::string> outbound = config.outbound.value_or(std::vector<std::string>{});
  const std::string instruments = config.instruments.value_or(kDefaultInstruments);
  server::MllpTransport transport;
  for (const std::string& destination : outbound) {
    ALIQUOT_RETURN_IF_ERROR(transport.add_destination(destination));
  }
  ALIQUOT_ASSIGN_OR_RETURN(store::Store * store, session.store());
  // The lab's documents in force, put in force again whenever a new version is loaded, through
  // the API or by another process (lab/lab_configuration.h).
  ALIQUOT_ASSIGN_OR_RETURN(lab::LabConfiguration initial, lab::read_lab_configuration(*store));
  lab::ConfigurationInForce configuration(std::move(initial));
  ALIQUOT_ASSIGN_OR_RETURN(ingest::InstrumentProfiles profiles,
                           profiles_from(instruments, configuration.current()->catalog));
  server::InterfaceHostOptions host_options;
  if (config.mllp) {
    ALIQUOT_ASSIGN_OR_RETURN(host_options.mllp, parse_listen("--mllp", *config.mllp));
  }
  if (config.astm) {
    ALIQUOT_ASSIGN_OR_RETURN(host_options.astm, parse_listen("--astm", *config.astm));
  }
  if (config.http) {
    ALIQUOT_ASSIGN_OR_RETURN(host_options.http, parse_listen("--http", *config.http));
  }
  for (const std::string& line : config.serial.value_or(std::vector<std::string>{})) {
    server::SerialLine serial;
    const auto at = line.find('@');
    serial.device = line.substr(0, at);
    if (at != std::string::npos) {
      try {
        serial.baud = static_cast<unsigned>(std::stoul(line.substr(at + 1)));
      } catch (const std::exception&) {
        return invalid_argument("--serial " + line + ": the baud rate must be a number");
      }
    }
    host_options.serial.push_back(serial);
  }
  host_options.max_message_size = config.max_message_size.value_or(std::size_t{1} << 20);
  // HTTP handlers run their transactions on these threads; a few keep one slow request (a
  // log-in's password hash, a large report) from holding up the others.
  host_options.io_threads = config.threads.value_or(4);
  const std::size_t instrument_count = profiles.all().size();
  // The API replays quarantined instrument messages with them; the host gets its own copy.
  const ingest::InstrumentProfiles host_profiles = profiles;

  // SIGINT and SIGTERM are taken by sigwait below, in this thread only: blocked before the
  // server's threads start, so that they inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  host_options.http_access_log =
      access_log(config.log_format.value_or(server::LogFormat::kText), session.clock());

  // The JSON API and the web UI (docs/api.md): sessions from the lab's database, every read of
  // patient data recorded.
  server::api::PatientReadLog read_log(*store);
  // The busiest views' answers, kept while the lab's records do not change
  // (server/api/view_cache.h).
  constexpr std::int64_t kViewCacheDefaultMb = 256;
  server::api::ViewCache views(
      static_cast<std::size_t>(config.view_cache_mb.value_or(kViewCacheDefaultMb)) << 20);
  // Live updates for the browsers' worklists, from the audit trail (server/api/event_hub.h).
  // Made before the host, so that it outlives the HTTP threads that stream its events.
  server::api::EventHubOptions event_options;
  auto report_mutex = std::make_shared<std::mutex>();
  event_options.report = [report_mutex](const Error& error) {
    std::lock_guard lock(*report_mutex);
    std::cerr << "events: " << error.message() << '\n';
  };
  // A version loaded by another process (the command line) is seen in the trail by the hub.
  event_options.configuration_loaded = [report_mutex, store, &configuration] {
    const Result<bool> refreshed = configuration.refresh(*store);
    std::lock_guard lock(*report_mutex);
    if (!refreshed.has_value()) {
      std::cerr << "configuration: a new version was recorded but is not in force: "
                << refreshed.error().message() << '\n';
    } else if (*refreshed) {
      std::cerr << "configuration: " << lab::describe(configuration.current()->versions)
                << " in force\n";
    }
  };
  server::api::EventHub events(*store, configuration, event_options);
  server::api::ApiContext api{.store = *store,
                              .configuration = configuration,
                              .clock = session.clock(),
                              .instruments = &host_profiles,
                              .read_log = &read_log,
                              .events = &events,
                              .view_cache = &views,
                              .secure_cookie = config.secure_cookie.value_or(false)};
  host_options.metrics_exposition = [store, &events, &read_log, &views] {
    return server::api::lab_exposition(*store, &events, &read_log, &views);
  };
  if (host_options.http) {
    host_options.authenticate = server::api::session_authenticate(*store, session.clock());
    const std::optional<std::string> web = config.web;
    host_options.http_routes = [&api, web](server::http::Router& router) -> Result<void> {
      ALIQUOT_RETURN_IF_ERROR(server::api::register_routes(router, server::api::all_routes(api)));
      if (web) ALIQUOT_RETURN_IF_ERROR(server::http::add_static_routes(router, *web));
      return ok();
    };
  }
  server::InterfaceHost host(*store, configuration, std::move(profiles), session.clock(),
                             host_options);
  ALIQUOT_RETURN_IF_ERROR(events.start());
  ALIQUOT_RETURN_IF_ERROR(host.start());
  read_log.start();
  std::ostream& out = session.json() ? std::cerr : session.out();
  if (host_options.http) {
    out << "listening http " << host_options.http->host << ":" << host.http_port() << "\n";
    if (config.web) {
      out << "web UI at http://" << host_options.http->host << ":" << host.http_port() << "/ from "
          << *config.web << "\n";
    }
  }
  if (host_options.mllp) {
    out << "listening mllp " << host_options.mllp->host << ":" << host.mllp_port() << "\n";
  }
  if (host_options.astm) {
    out << "listening astm " << host_options.astm->host << ":" << host.astm_port() << "\n";
  }
  for (const server::SerialLine& line : host_options.serial) {
    out << "listening serial " << line.device << " at " << line.baud << " baud\n";
  }
  // The outbox sender: results released anywhere (this server, the CLI) leave from here.
  std::optional<outbox::Sender> sender;
  std::jthread sending;
  if (!transport.empty()) {
    sender.emplace(*store, transport, session.clock());
    sending = std::jthread(
        [&sender](std::stop_token stop) { (void)sender->run(stop, std::chrono::seconds(1)); });
    for (const std::string& destination : outbound) {
      out << "sending results to " << destination << "\n";
    }
  }
  out << instrument_count << " instrument profile(s) from " << instruments << "; stop with Ctrl-C"
      << std::endl;

  const auto shut_down = [&] {
    // The host before the hub: browsers whose streams end reconnect to a server still coming
    // back, rather than to a hub that answers 503 (after which they give up).
    host.stop();
    events.stop();
    read_log.stop();
    if (sending.joinable()) {
      sending.request_stop();
      sender->wake();
      sending.join();
    }
  };
  if (hooks.started) {
    const ServerPorts ports{
        .http_host = host_options.http ? host_options.http->host : std::string(),
        .http = host_options.http ? host.http_port() : std::uint16_t{0},
        .astm_host = host_options.astm ? host_options.astm->host : std::string(),
        .astm = host_options.astm ? host.astm_port() : std::uint16_t{0},
        .mllp_host = host_options.mllp ? host_options.mllp->host : std::string(),
        .mllp = host_options.mllp ? host.mllp_port() : std::uint16_t{0}};
    const Result<void> started = hooks.started(ports, out);
    if (!started.has_value()) {
      if (hooks.stopping) hooks.stopping();
      shut_down();
      return started.error();
    }
  }

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  out << "stopping (" << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
      << "): finishing messages in flight" << std::endl;
  if (hooks.stopping) hooks.stopping();
  shut_down();
  const server::InterfaceCounters counters = host.counters();
  if (session.json()) {
    session.set_json({{"hl7_messages", counters.hl7_messages},
                      {"astm_messages", counters.astm_messages},
                      {"acknowledged", counters.acknowledged},
                      {"refused", counters.refused},
                      {"not_stored", counters.not_stored},
                      {"transactions", counters.pipeline.batches},
                      {"syncs", counters.pipeline.syncs},
                      {"hl7_ack_latency", latency_json(counters.hl7_ack_latency)},
                      {"astm_ack_latency", latency_json(counters.astm_ack_latency)}});
  } else {
    out << "stopped: " << counters.hl7_messages << " HL7 and " << counters.astm_messages
        << " ASTM message(s); " << counters.acknowledged << " applied, " << counters.refused
        << " quarantined, " << counters.not_stored << " not stored; " << counters.pipeline.batches
        << " transaction(s)\n";
    for (const auto& [protocol, latency] : {std::pair{"HL7", counters.hl7_ack_latency},
                                            std::pair{"ASTM", counters.astm_ack_latency}}) {
      if (latency.count == 0) continue;
      out << protocol << " last byte received to ACK sent: p50 " << latency_ms(latency.p50)
          << " ms, p99 " << latency_ms(latency.p99) << " ms, max " << latency_ms(latency.max)
          << " ms over " << latency.count << " message(s)\n";
    }
  }
  return ok();
}

}  // namespace aliquot::cli
