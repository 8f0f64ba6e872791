// `aliquot serve`, `aliquot quarantine list|show|replay|discard` and `aliquot interfaces check`:
// the lab's instrument and EHR interfaces (server/interface_host.h, ingest/).

#include <signal.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>

#include "cli/commands.h"
#include "core/test_result.h"
#include "ingest/instrument_profile.h"
#include "ingest/quarantine.h"
#include "mllp/endpoint.h"
#include "outbox/sender.h"
#include "report/text_table.h"
#include "server/http/access_log.h"
#include "server/interface_host.h"
#include "server/mllp_transport.h"

namespace aliquot::cli {
namespace {

constexpr const char* kDefaultInstruments = "interfaces/instruments";

// Instrument profiles from `directory`; none when it is the default and absent (a lab without
// instruments still takes HL7 from its EHR).
Result<ingest::InstrumentProfiles> profiles_from(const std::string& directory,
                                                 const catalog::Catalog& catalog) {
  Result<ingest::InstrumentProfiles> profiles =
      ingest::load_instrument_profiles(directory, catalog);
  if (!profiles.has_value() && profiles.error().code() == ErrorCode::kNotFound &&
      directory == kDefaultInstruments) {
    return ingest::InstrumentProfiles();
  }
  return profiles;
}

// "HOST:PORT", where PORT 0 lets the system choose.
Result<server::Listen> parse_listen(const std::string& option, const std::string& text) {
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ":0") == 0) {
    return server::Listen{text.substr(0, text.size() - 2), 0};
  }
  Result<mllp::Endpoint> endpoint = mllp::parse_endpoint(text);
  if (!endpoint.has_value()) return invalid_argument(option + ": " + endpoint.error().message());
  return server::Listen{endpoint->host, endpoint->port};
}

struct ServeOptions {
  std::string mllp;
  std::string astm;
  std::string http;
  std::vector<std::string> serial;    // DEVICE[@BAUD]
  std::vector<std::string> outbound;  // NAME=HOST:PORT
  std::string instruments = kDefaultInstruments;
  std::size_t max_message_size = std::size_t{1} << 20;
};

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

Result<void> run_serve(Session& session, const ServeOptions& options) {
  if (options.mllp.empty() && options.astm.empty() && options.http.empty() &&
      options.serial.empty() && options.outbound.empty()) {
    return invalid_argument(
        "serve: give at least one of --mllp, --astm, --http, --serial, --outbound");
  }
  server::MllpTransport transport;
  for (const std::string& destination : options.outbound) {
    ALIQUOT_RETURN_IF_ERROR(transport.add_destination(destination));
  }
  ALIQUOT_ASSIGN_OR_RETURN(store::Store * store, session.store());
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog* catalog, session.catalog());
  ALIQUOT_ASSIGN_OR_RETURN(ingest::InstrumentProfiles profiles,
                           profiles_from(options.instruments, *catalog));
  server::InterfaceHostOptions host_options;
  if (!options.mllp.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(host_options.mllp, parse_listen("--mllp", options.mllp));
  }
  if (!options.astm.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(host_options.astm, parse_listen("--astm", options.astm));
  }
  if (!options.http.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(host_options.http, parse_listen("--http", options.http));
  }
  for (const std::string& line : options.serial) {
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
  host_options.max_message_size = options.max_message_size;
  const std::size_t instrument_count = profiles.all().size();

  // SIGINT and SIGTERM are taken by sigwait below, in this thread only: blocked before the
  // server's threads start, so that they inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ALIQUOT_ASSIGN_OR_RETURN(host_options.rules, session.rules());
  ALIQUOT_ASSIGN_OR_RETURN(host_options.qc_policy, session.qc_policy());
  // One access-log line per HTTP request, on stderr beside the other server messages.
  auto log_mutex = std::make_shared<std::mutex>();
  host_options.http_access_log = [log_mutex](const server::http::AccessLogEntry& entry) {
    std::lock_guard lock(*log_mutex);
    std::cerr << server::http::format_access_log(entry) << '\n';
  };
  server::InterfaceHost host(*store, *catalog, std::move(profiles), session.clock(), host_options);
  ALIQUOT_RETURN_IF_ERROR(host.start());
  std::ostream& out = session.json() ? std::cerr : session.out();
  if (host_options.http) {
    out << "listening http " << host_options.http->host << ":" << host.http_port() << "\n";
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
    for (const std::string& destination : options.outbound) {
      out << "sending results to " << destination << "\n";
    }
  }
  out << instrument_count << " instrument profile(s) from " << options.instruments
      << "; stop with Ctrl-C" << std::endl;

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  out << "stopping (" << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
      << "): finishing messages in flight" << std::endl;
  host.stop();
  if (sending.joinable()) {
    sending.request_stop();
    sender->wake();
    sending.join();
  }
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

nlohmann::json to_json(const store::QuarantinedMessage& message, bool with_content) {
  nlohmann::json json = {
      {"id", message.id},
      {"received_at", core::format_instant(message.received_at)},
      {"channel", std::string(store::to_code(message.channel))},
      {"sender", message.sender},
      {"message_id", message.message_id},
      {"message_type", message.message_type},
      {"peer", message.peer},
      {"reason", message.reason},
      {"status", std::string(store::to_code(message.status))},
      {"resolved_at",
       message.resolved_at ? nlohmann::json(core::format_instant(*message.resolved_at)) : nullptr},
      {"resolved_by", message.resolved_by},
      {"resolution", message.resolution}};
  if (with_content) json["content"] = message.content;
  return json;
}

Result<void> run_quarantine_list(Session& session, const std::string& status_text) {
  std::optional<store::QuarantineStatus> status;
  if (status_text != "all") {
    ALIQUOT_ASSIGN_OR_RETURN(status, store::parse_quarantine_status(status_text));
  }
  std::vector<store::QuarantinedMessage> messages;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(messages, tx.list_quarantined_messages(status, 1000));
        return ok();
      },
      lab::Action::kViewRecords));
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& message : messages) list.push_back(to_json(message, false));
    session.set_json(list);
    return ok();
  }
  if (messages.empty()) {
    session.out() << "no " << (status ? status_text + " " : "") << "quarantined messages\n";
    return ok();
  }
  report::TextTable table(
      {"Id", "Received", "Channel", "Sender", "Message", "Type", "Status", "Reason"});
  for (const auto& message : messages) {
    const std::string first_reason = message.reason.substr(0, message.reason.find('\n'));
    table.add_row({std::to_string(message.id), core::format_instant(message.received_at),
                   std::string(store::to_code(message.channel)), message.sender,
                   message.message_id.substr(0, 20), message.message_type,
                   std::string(store::to_code(message.status)), first_reason});
  }
  session.out() << table.render();
  return ok();
}

Result<void> run_quarantine_show(Session& session, std::int64_t id) {
  std::optional<store::QuarantinedMessage> message;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(message, tx.find_quarantined_message(id));
        return ok();
      },
      lab::Action::kViewRecords));
  if (!message) return not_found("there is no quarantined message " + std::to_string(id));
  if (session.json()) {
    session.set_json(to_json(*message, true));
    return ok();
  }
  std::ostream& out = session.out();
  out << "message " << message->id << " (" << store::to_code(message->status) << ")\n"
      << "received   " << core::format_instant(message->received_at) << " from " << message->peer
      << " over " << store::to_code(message->channel) << "\n"
      << "sender     " << message->sender << "\n"
      << "message id " << message->message_id << "\n"
      << "type       " << message->message_type << "\n"
      << "why        " << message->reason << "\n";
  if (!message->resolution.empty()) out << "resolution " << message->resolution << "\n";
  out << "content:\n";
  // Segments and records end with CR; shown one per line.
  for (char c : message->content) out << (c == '\r' ? '\n' : c);
  if (!message->content.empty() && message->content.back() != '\r') out << '\n';
  return ok();
}

Result<void> run_quarantine_replay(Session& session, std::int64_t id,
                                   const std::string& instruments) {
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog* catalog, session.catalog());
  ALIQUOT_ASSIGN_OR_RETURN(const ingest::InstrumentProfiles profiles,
                           profiles_from(instruments, *catalog));
  ALIQUOT_ASSIGN_OR_RETURN(const rules::RuleSet* lab_rules, session.rules());
  ALIQUOT_ASSIGN_OR_RETURN(const qc::QcPolicy* lab_qc_policy, session.qc_policy());
  const ingest::Hl7Ingest hl7(*catalog, profiles, session.clock(),
                              {.rules = lab_rules, .qc_policy = lab_qc_policy});
  const ingest::AstmIngest astm(*catalog, profiles, session.clock(), lab_rules, lab_qc_policy);
  ingest::ReplayOutcome outcome;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(outcome, ingest::replay_quarantined(tx, ctx, id, hl7, astm));
        return ok();
      }));
  if (session.json()) {
    session.set_json({{"id", id}, {"applied", outcome.applied}, {"outcome", outcome.text}});
  } else if (outcome.applied) {
    session.out() << "message " << id << " replayed: " << outcome.text << "\n";
  }
  if (!outcome.applied) {
    session.report_finding(failed_precondition("message " + std::to_string(id) +
                                               " refused again and kept in quarantine:\n" +
                                               outcome.text));
  }
  return ok();
}

Result<void> run_quarantine_discard(Session& session, std::int64_t id, const std::string& reason) {
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        return ingest::discard_quarantined(tx, ctx, id, reason);
      }));
  if (session.json()) {
    session.set_json({{"id", id}, {"status", "discarded"}, {"reason", reason}});
  } else {
    session.out() << "message " << id << " discarded\n";
  }
  return ok();
}

Result<void> run_interfaces_check(Session& session, const std::string& directory,
                                  const std::string& catalog_file) {
  std::optional<catalog::Catalog> own;
  const catalog::Catalog* catalog = nullptr;
  if (!catalog_file.empty()) {
    catalog::LoadOutcome loaded = catalog::load_catalog_file(catalog_file);
    if (!loaded.catalog) {
      return invalid_argument(catalog_file +
                              " is not a valid catalog; run `aliquot catalog check`");
    }
    own = std::move(loaded.catalog);
    catalog = &*own;
  } else {
    catalog::LoadOutcome loaded =
        catalog::load_catalog(catalog::default_catalog_text(), catalog::kDefaultCatalogFileName);
    own = std::move(loaded.catalog);
    catalog = &*own;
  }
  Result<ingest::InstrumentProfiles> profiles =
      ingest::load_instrument_profiles(directory, *catalog);
  if (!profiles.has_value()) {
    if (session.json())
      session.set_json({{"valid", false}, {"problems", profiles.error().message()}});
    session.report_finding(profiles.error());
    return ok();
  }
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const ingest::InstrumentProfile& profile : profiles->all()) {
      list.push_back({{"id", profile.id},
                      {"name", profile.name},
                      {"protocol", std::string(ingest::to_code(profile.protocol))},
                      {"sender", profile.sender},
                      {"codes", profile.codes.size()},
                      {"file", profile.file}});
    }
    session.set_json({{"valid", true}, {"instruments", list}});
    return ok();
  }
  for (const ingest::InstrumentProfile& profile : profiles->all()) {
    session.out() << profile.file << ": " << profile.id << " (" << profile.name << ", "
                  << ingest::to_code(profile.protocol) << ", sender '" << profile.sender << "'), "
                  << profile.codes.size() << " code(s) mapped\n";
  }
  session.out() << profiles->all().size() << " instrument profile(s) valid\n";
  return ok();
}

}  // namespace

void add_interface_commands(CLI::App& app, CommandSelection& selection) {
  auto serve = std::make_shared<ServeOptions>();
  CLI::App* serve_command = app.add_subcommand(
      "serve", "run the instrument and EHR interfaces (MLLP, ASTM) until SIGINT or SIGTERM");
  serve_command->add_option("--mllp", serve->mllp, "HL7 v2 over MLLP on HOST:PORT (PORT 0: any)");
  serve_command->add_option("--astm", serve->astm, "ASTM LIS01/LIS02 on HOST:PORT (PORT 0: any)");
  serve_command->add_option("--http", serve->http,
                            "the HTTP JSON API on HOST:PORT (PORT 0: any; docs/api.md)");
  serve_command->add_option("--serial", serve->serial, "ASTM on a serial port: DEVICE[@BAUD]");
  serve_command->add_option("--outbound", serve->outbound,
                            "send released results to NAME=HOST:PORT over MLLP (the destination "
                            "named by `outbox destination set NAME`)");
  serve_command->add_option("--instruments", serve->instruments,
                            "directory of instrument profiles (default interfaces/instruments)");
  serve_command->add_option("--max-message-size", serve->max_message_size,
                            "largest HL7 message accepted, in bytes (default 1 MiB)");
  selection.bind(serve_command, [serve](Session& session) { return run_serve(session, *serve); });

  CLI::App* quarantine =
      app.add_subcommand("quarantine", "messages that were refused, kept as received");
  quarantine->require_subcommand(1);
  auto status = std::make_shared<std::string>("held");
  CLI::App* list = quarantine->add_subcommand("list", "list quarantined messages, newest first");
  list->add_option("--status", *status, "held (default), replayed, discarded or all");
  selection.bind(list,
                 [status](Session& session) { return run_quarantine_list(session, *status); });

  auto id = std::make_shared<std::int64_t>(0);
  CLI::App* show = quarantine->add_subcommand("show", "one message: why, and its content");
  show->add_option("ID", *id, "the message's id (from list)")->required();
  selection.bind(show, [id](Session& session) { return run_quarantine_show(session, *id); });

  auto replay_id = std::make_shared<std::int64_t>(0);
  auto instruments = std::make_shared<std::string>(kDefaultInstruments);
  CLI::App* replay =
      quarantine->add_subcommand("replay", "apply a held message again, once its cause is fixed");
  replay->add_option("ID", *replay_id, "the message's id")->required();
  replay->add_option("--instruments", *instruments, "directory of instrument profiles");
  selection.bind(replay, [replay_id, instruments](Session& session) {
    return run_quarantine_replay(session, *replay_id, *instruments);
  });

  auto discard_id = std::make_shared<std::int64_t>(0);
  auto reason = std::make_shared<std::string>();
  CLI::App* discard = quarantine->add_subcommand("discard", "set a held message aside");
  discard->add_option("ID", *discard_id, "the message's id")->required();
  discard->add_option("--reason", *reason, "why it is set aside")->required();
  selection.bind(discard, [discard_id, reason](Session& session) {
    return run_quarantine_discard(session, *discard_id, *reason);
  });

  CLI::App* interfaces = app.add_subcommand("interfaces", "instrument profiles");
  interfaces->require_subcommand(1);
  auto directory = std::make_shared<std::string>(kDefaultInstruments);
  auto catalog_file = std::make_shared<std::string>();
  CLI::App* check =
      interfaces->add_subcommand("check", "validate instrument profiles against a catalog");
  check->add_option("DIR", *directory, "directory of profiles (default interfaces/instruments)");
  check->add_option("--catalog", *catalog_file, "catalog file (default: the built-in menu)");
  selection.bind(check, [directory, catalog_file](Session& session) {
    return run_interfaces_check(session, *directory, *catalog_file);
  });
}

}  // namespace aliquot::cli
