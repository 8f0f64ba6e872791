#include "cli/outbox_commands.h"

#include <memory>
#include <optional>

#include "lab/message_json.h"
#include "lab/outbound.h"
#include "report/display.h"
#include "report/text_table.h"
#include "store/messages.h"

namespace aliquot::cli {
namespace {

// Everything but the payload.
nlohmann::json summary_to_json(const store::OutboxMessage& message) {
  return lab::to_json(message, lab::MessageBytes::kLeftOut);
}

// HL7 segments end with CR; a terminal shows them one per line.
std::string readable_payload(const std::string& payload) {
  std::string text;
  text.reserve(payload.size() + 1);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    const char c = payload[i];
    if (c == '\r') {
      text += '\n';
      if (i + 1 < payload.size() && payload[i + 1] == '\n') ++i;
    } else {
      text += c;
    }
  }
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

struct ListOptions {
  std::string status;
  std::int64_t limit = 50;
};

Result<void> run_outbox_list(Session& session, const ListOptions& options) {
  std::optional<store::OutboxStatus> status;
  if (!options.status.empty()) {
    Result<store::OutboxStatus> parsed = store::parse_outbox_status(options.status);
    if (!parsed) return invalid_argument("--status: " + parsed.error().message());
    status = *parsed;
  }
  std::vector<store::OutboxMessage> messages;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(messages, tx.list_outbox_messages(status, options.limit));
        return ok();
      },
      lab::Action::kViewRecords));
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const store::OutboxMessage& message : messages) list.push_back(summary_to_json(message));
    session.set_json(list);
    return ok();
  }
  if (messages.empty()) {
    session.out() << "no outbox messages\n";
    return ok();
  }
  report::TextTable table({"Id", "Queued", "Destination", "Type", "Message id", "Subject", "Status",
                           "Attempts", "Next attempt", "Last error"});
  table.align(0, report::Alignment::kRight);
  table.align(7, report::Alignment::kRight);
  for (const store::OutboxMessage& message : messages) {
    const bool pending = message.status == store::OutboxStatus::kPending;
    table.add_row({std::to_string(message.id), report::display_time(message.created_at),
                   message.destination, message.message_type, message.message_id, message.subject,
                   std::string(store::to_code(message.status)), std::to_string(message.attempts),
                   pending ? report::display_time(message.next_attempt_at) : "",
                   message.last_error});
  }
  session.out() << table.render();
  return ok();
}

Result<void> run_outbox_show(Session& session, std::int64_t id) {
  std::optional<store::OutboxMessage> message;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(message, tx.find_outbox_message(id));
        return ok();
      },
      lab::Action::kViewRecords));
  if (!message) return not_found("no outbox message " + std::to_string(id));
  if (session.json()) {
    session.set_json(lab::to_json(*message, lab::MessageBytes::kIncluded));
    return ok();
  }
  std::ostream& out = session.out();
  out << "message " << message->id << ": " << message->message_type << " " << message->message_id
      << " for " << message->subject << " to " << message->destination << "\n";
  out << "status: " << store::to_code(message->status) << ", " << message->attempts
      << (message->attempts == 1 ? " attempt" : " attempts");
  if (message->status == store::OutboxStatus::kPending) {
    out << ", next " << report::display_time(message->next_attempt_at);
  }
  if (message->delivered_at) out << ", delivered " << report::display_time(*message->delivered_at);
  out << "\nqueued: " << report::display_time(message->created_at) << "\n";
  if (message->last_attempt_at) {
    out << "last attempt: " << report::display_time(*message->last_attempt_at) << "\n";
  }
  if (!message->last_error.empty()) out << "last error: " << message->last_error << "\n";
  out << "\n" << readable_payload(message->payload);
  return ok();
}

Result<void> run_retry(Session& session, std::int64_t id) {
  store::OutboxMessage retried;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(retried, lab::retry_outbox_message(tx, ctx, id));
        return ok();
      }));
  if (session.json()) {
    session.set_json(summary_to_json(retried));
  } else {
    session.out() << "outbox message " << retried.id << " (" << retried.message_type << " "
                  << retried.message_id << " for " << retried.subject << " to "
                  << retried.destination << ") is pending again\n";
  }
  return ok();
}

Result<void> set_setting(Session& session, const std::string& key, const std::string& value) {
  return session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
    return lab::set_outbound_setting(tx, ctx, lab::SetOutboundSetting{key, value});
  });
}

Result<lab::OutboundSettings> read_settings(Session& session) {
  lab::OutboundSettings settings;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(settings, lab::read_outbound_settings(tx));
        return ok();
      },
      std::nullopt));
  return settings;
}

Result<void> run_destination_show(Session& session) {
  ALIQUOT_ASSIGN_OR_RETURN(const lab::OutboundSettings settings, read_settings(session));
  const std::string& destination = settings.results_destination;
  if (session.json()) {
    session.set_json({{"results_destination",
                       destination.empty() ? nlohmann::json() : nlohmann::json(destination)}});
  } else if (destination.empty()) {
    session.out() << "released results are not sent (no destination)\n";
  } else {
    session.out() << "released results are sent to " << destination << "\n";
  }
  return ok();
}

Result<void> run_destination_set(Session& session, const std::string& name) {
  if (name.empty()) {
    return invalid_argument(
        "the destination needs a name; `aliquot outbox destination off` stops sending");
  }
  ALIQUOT_RETURN_IF_ERROR(
      set_setting(session, std::string(lab::kOutboundResultsDestination), name));
  if (session.json()) {
    session.set_json({{"results_destination", name}});
  } else {
    session.out() << "released and corrected results are now queued for " << name << "\n";
  }
  return ok();
}

Result<void> run_destination_off(Session& session) {
  ALIQUOT_RETURN_IF_ERROR(set_setting(session, std::string(lab::kOutboundResultsDestination), ""));
  if (session.json()) {
    session.set_json({{"results_destination", nullptr}});
  } else {
    session.out() << "released results are no longer queued for sending\n";
  }
  return ok();
}

struct SettingOptions {
  std::string key;
  std::string value;
};

Result<void> run_setting(Session& session, const SettingOptions& options) {
  ALIQUOT_RETURN_IF_ERROR(set_setting(session, options.key, options.value));
  if (session.json()) {
    session.set_json({{"key", options.key}, {"value", options.value}});
  } else if (options.value.empty()) {
    session.out() << options.key << " is back to its default\n";
  } else {
    session.out() << options.key << " = " << options.value << "\n";
  }
  return ok();
}

Result<void> run_settings(Session& session) {
  std::vector<std::pair<std::string, std::optional<std::string>>> values;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        for (const lab::OutboundSettingKey& key : lab::outbound_setting_keys()) {
          ALIQUOT_ASSIGN_OR_RETURN(std::optional<std::string> value, tx.get_setting(key.key));
          if (value && value->empty()) value.reset();
          values.emplace_back(std::string(key.key), std::move(value));
        }
        return ok();
      },
      std::nullopt));
  const std::vector<lab::OutboundSettingKey>& keys = lab::outbound_setting_keys();
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (std::size_t i = 0; i < keys.size(); ++i) {
      list.push_back(
          {{"key", keys[i].key},
           {"value", values[i].second ? nlohmann::json(*values[i].second) : nlohmann::json()},
           {"default", keys[i].default_value},
           {"meaning", keys[i].meaning}});
    }
    session.set_json(list);
    return ok();
  }
  report::TextTable table({"Setting", "Value", "Meaning"});
  for (std::size_t i = 0; i < keys.size(); ++i) {
    table.add_row({std::string(keys[i].key),
                   values[i].second ? *values[i].second
                                    : "(default: " + std::string(keys[i].default_value) + ")",
                   std::string(keys[i].meaning)});
  }
  session.out() << table.render();
  return ok();
}

}  // namespace

void add_outbox_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* group = app.add_subcommand(
      "outbox", "messages queued to send (results to the EHR) and where they go");
  group->require_subcommand(1);

  auto list = std::make_shared<ListOptions>();
  CLI::App* list_command = group->add_subcommand("list", "list queued messages, newest first");
  list_command->add_option("--status", list->status, "pending, delivered or failed")
      ->type_name("STATUS");
  list_command->add_option("--limit", list->limit, "at most this many")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000}));
  selection.bind(list_command,
                 [list](Session& session) { return run_outbox_list(session, *list); });

  auto show_id = std::make_shared<std::int64_t>(0);
  CLI::App* show_command =
      group->add_subcommand("show", "one message with its content, one segment per line");
  show_command->add_option("ID", *show_id, "the message's id (outbox list)")->required();
  selection.bind(show_command,
                 [show_id](Session& session) { return run_outbox_show(session, *show_id); });

  auto retry_id = std::make_shared<std::int64_t>(0);
  CLI::App* retry_command = group->add_subcommand(
      "retry",
      "send a failed message again (admin, supervisor); refused once a later report "
      "of the same result was delivered");
  retry_command->add_option("ID", *retry_id, "the message's id (outbox list)")->required();
  selection.bind(retry_command,
                 [retry_id](Session& session) { return run_retry(session, *retry_id); });

  CLI::App* destination =
      group->add_subcommand("destination", "where released and corrected results are sent");
  destination->require_subcommand(1);
  CLI::App* destination_show = destination->add_subcommand("show", "the destination in force");
  selection.bind(destination_show, [](Session& session) { return run_destination_show(session); });
  auto destination_name = std::make_shared<std::string>();
  CLI::App* destination_set = destination->add_subcommand(
      "set",
      "queue an ORU^R01 for every result released or corrected from now on (admin, "
      "supervisor)");
  destination_set->add_option("NAME", *destination_name, "the destination, e.g. ehr")->required();
  selection.bind(destination_set, [destination_name](Session& session) {
    return run_destination_set(session, *destination_name);
  });
  CLI::App* destination_off =
      destination->add_subcommand("off", "stop queueing results (admin, supervisor)");
  selection.bind(destination_off, [](Session& session) { return run_destination_off(session); });

  auto setting = std::make_shared<SettingOptions>();
  CLI::App* setting_command = group->add_subcommand(
      "setting", "set how outgoing messages name the lab (see `outbox settings`)");
  setting_command->add_option("KEY", setting->key, "e.g. lab.clia_id")->required();
  setting_command->add_option("VALUE", setting->value, "the value; \"\" for the default")
      ->required();
  selection.bind(setting_command,
                 [setting](Session& session) { return run_setting(session, *setting); });

  CLI::App* settings_command =
      group->add_subcommand("settings", "the settings of outgoing messages, with their defaults");
  selection.bind(settings_command, [](Session& session) { return run_settings(session); });
}

}  // namespace aliquot::cli
