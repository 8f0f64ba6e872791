// `aliquot quarantine list|show|replay|discard` and `aliquot interfaces check`: the lab's
// instrument and EHR interfaces (ingest/). `aliquot serve` is in serve_command.cc.

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
#include "cli/interface_options.h"
#include "core/test_result.h"
#include "ingest/instrument_profile.h"
#include "ingest/quarantine.h"
#include "lab/message_json.h"
#include "mllp/endpoint.h"
#include "outbox/sender.h"
#include "report/text_table.h"
#include "server/http/access_log.h"
#include "server/interface_host.h"
#include "server/mllp_transport.h"

namespace aliquot::cli {

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

Result<server::Listen> parse_listen(const std::string& option, const std::string& text) {
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ":0") == 0) {
    return server::Listen{text.substr(0, text.size() - 2), 0};
  }
  Result<mllp::Endpoint> endpoint = mllp::parse_endpoint(text);
  if (!endpoint.has_value()) return invalid_argument(option + ": " + endpoint.error().message());
  return server::Listen{endpoint->host, endpoint->port};
}

namespace {

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
    for (const auto& message : messages)
      list.push_back(lab::to_json(message, lab::MessageBytes::kLeftOut));
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
    session.set_json(lab::to_json(*message, lab::MessageBytes::kIncluded));
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
  ingest::ReplayOutcome outcome;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(outcome, ingest::replay_quarantined(tx, ctx, id, profiles));
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
