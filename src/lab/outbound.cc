#include "lab/outbound.h"

#include <algorithm>

#include "lab/lab_time_zone.h"
#include "lab/use_case_support.h"

namespace aliquot::lab {
namespace {

constexpr std::string_view kLabName = "lab.name";
constexpr std::string_view kClia = "lab.clia_id";
constexpr std::string_view kCountry = "lab.country";

const std::string* setting_of(const std::vector<std::pair<std::string_view, std::string>>& values,
                              std::string_view key) {
  for (const auto& [name, value] : values) {
    if (name == key) return &value;
  }
  return nullptr;
}

bool is_destination_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// CMS assigns CLIA numbers as two digits, the letter D, and seven digits ("05D2191150").
bool is_clia_number(std::string_view text) {
  if (text.size() != 10 || text[2] != 'D') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != 2 && !is_digit(text[i])) return false;
  }
  return true;
}

bool is_alpha3(std::string_view text) {
  return text.size() == 3 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

Result<void> validate_setting(const std::string& key, const std::string& value) {
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return invalid_argument("setting " + key +
                              ": the value must be one line without control characters");
    }
  }
  if (value.empty()) return ok();
  if (key == kOutboundResultsDestination && !is_destination_name(value)) {
    return invalid_argument("setting " + key + ": '" + value +
                            "' is not a destination name (1 to 64 of a-z 0-9 . _ -)");
  }
  if (key == kClia && !is_clia_number(value)) {
    return invalid_argument("setting " + key + ": '" + value +
                            "' is not a CLIA number (two digits, D, seven digits: 05D2191150)");
  }
  if (key == kCountry && !is_alpha3(value)) {
    return invalid_argument("setting " + key + ": '" + value +
                            "' is not an ISO 3166 alpha-3 country code (e.g. USA)");
  }
  if (key == kLabTimeZone) {
    // Only a zone the system's database has: ingest refuses to read times in any other.
    if (Result<core::TimeZone> zone = core::TimeZone::named(value); !zone.has_value()) {
      return invalid_argument("setting " + key + ": " + zone.error().message());
    }
  }
  return ok();
}

// The definition to report a result by: the catalog's, or — for a test removed from the menu
// since it was ordered — the code alone, with the unit the value was stored with.
core::TestDefinition reported_test(const Context& ctx, const core::TestResult& result) {
  if (const core::TestDefinition* test = ctx.catalog.find_test(result.test_code)) return *test;
  core::TestDefinition test;
  test.code = result.test_code;
  test.name = result.test_code;
  if (result.value) {
    test.kind = result.value->kind;
    test.unit = result.value->unit;
    test.decimals = result.value->decimals;
  }
  return test;
}

// Delivered messages newer than `id`, newest first: the list is read in growing pages until it
// reaches `id`, so that a retry of a recent failure reads little.
Result<std::vector<store::OutboxMessage>> delivered_after(store::Transaction& tx, std::int64_t id) {
  std::int64_t limit = 256;
  while (true) {
    ALIQUOT_ASSIGN_OR_RETURN(std::vector<store::OutboxMessage> delivered,
                             tx.list_outbox_messages(store::OutboxStatus::kDelivered, limit));
    const bool complete = static_cast<std::int64_t>(delivered.size()) < limit ||
                          (!delivered.empty() && delivered.back().id <= id);
    if (complete) {
      std::erase_if(delivered,
                    [id](const store::OutboxMessage& message) { return message.id <= id; });
      return delivered;
    }
    limit *= 2;
  }
}

}  // namespace

const std::vector<OutboundSettingKey>& outbound_setting_keys() {
  static const std::vector<OutboundSettingKey> kKeys = {
      {kOutboundResultsDestination, "where released and corrected results are sent (ORU^R01)",
       "none: results are not sent"},
      {kOutboundSendingApplication, "MSH-3, the sending application", "ALIQUOT"},
      {kOutboundSendingFacility, "MSH-4, the sending facility; assigning authority of the MRN",
       "lab.name"},
      {kOutboundReceivingApplication, "MSH-5, the receiving application", "the destination's name"},
      {kOutboundReceivingFacility, "MSH-6, the receiving facility", "empty"},
      {kClia, "the performing lab's CLIA number (OBX-23)", "empty"},
      {"lab.street", "the performing lab's street address (OBX-24)", "empty"},
      {"lab.city", "the performing lab's city (OBX-24)", "empty"},
      {"lab.state", "the performing lab's state or province (OBX-24)", "empty"},
      {"lab.postal_code", "the performing lab's postal code (OBX-24)", "empty"},
      {kCountry, "the performing lab's country, ISO 3166 alpha-3 (OBX-24)", "empty"},
      {"lab.director_id", "the lab director's identifier, e.g. NPI (OBX-25)", "empty"},
      {"lab.director_family_name", "the lab director's family name (OBX-25)", "empty"},
      {"lab.director_given_name", "the lab director's given name (OBX-25)", "empty"},
      {kLabTimeZone,
       "the lab's time zone, an IANA name (America/Chicago): how times received without an "
       "offset are read",
       "the machine's zone (/etc/localtime), else UTC"},
  };
  return kKeys;
}

Result<OutboundSettings> read_outbound_settings(store::Transaction& tx) {
  std::vector<std::pair<std::string_view, std::string>> values;
  std::vector<std::string_view> keys;
  for (const OutboundSettingKey& key : outbound_setting_keys()) {
    if (key.key != kLabTimeZone) keys.push_back(key.key);  // read by ingest (lab/lab_time_zone.h)
  }
  keys.push_back(kLabName);
  for (std::string_view key : keys) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> value, tx.get_setting(key));
    values.emplace_back(key, trimmed(value.value_or("")));
  }
  const auto get = [&](std::string_view key) { return *setting_of(values, key); };
  const auto get_or = [&](std::string_view key, std::string fallback) {
    std::string value = get(key);
    return value.empty() ? fallback : value;
  };

  OutboundSettings settings;
  settings.results_destination = get(kOutboundResultsDestination);
  settings.sending_application = get_or(kOutboundSendingApplication, "ALIQUOT");
  settings.sending_facility = get_or(kOutboundSendingFacility, get(kLabName));
  settings.receiving_application =
      get_or(kOutboundReceivingApplication, settings.results_destination);
  settings.receiving_facility = get(kOutboundReceivingFacility);
  hl7::PerformingOrganization& lab = settings.performing_organization;
  lab.name = get(kLabName);
  lab.clia_id = get(kClia);
  lab.street = get("lab.street");
  lab.city = get("lab.city");
  lab.state = get("lab.state");
  lab.postal_code = get("lab.postal_code");
  lab.country = get(kCountry);
  lab.director_id = get("lab.director_id");
  lab.director_family_name = get("lab.director_family_name");
  lab.director_given_name = get("lab.director_given_name");
  return settings;
}

Result<std::optional<std::string>> outbound_results_destination(store::Transaction& tx) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> value,
                           tx.get_setting(kOutboundResultsDestination));
  if (!value) return std::optional<std::string>();
  std::string destination = trimmed(*value);
  if (destination.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(destination));
}

std::optional<hl7::OrderedService> ordered_service(const catalog::Catalog& catalog,
                                                   const core::Order& order,
                                                   std::string_view test_code) {
  // A test removed from the menu is in no panel of the catalog in force.
  const core::TestDefinition* test = catalog.find_test(test_code);
  if (test == nullptr) return std::nullopt;
  for (const std::string& code : order.requested_codes) {
    if (catalog.find_test(code) == test) return std::nullopt;
    const core::PanelDefinition* panel = catalog.find_panel(code);
    if (panel == nullptr) continue;
    Result<std::vector<const core::TestDefinition*>> members = catalog.expand({code});
    if (!members.has_value()) continue;
    if (std::find(members->begin(), members->end(), test) != members->end()) {
      return hl7::OrderedService{panel->code, panel->name, ""};
    }
  }
  return std::nullopt;
}

Result<std::optional<store::OutboxMessage>> queue_result_report(store::Transaction& tx,
                                                                const Context& ctx,
                                                                const ReportedResult& reported,
                                                                core::Instant now) {
  // A lab that sends no results pays one read per release.
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> destination,
                           outbound_results_destination(tx));
  if (!destination) return std::optional<store::OutboxMessage>();
  ALIQUOT_ASSIGN_OR_RETURN(const OutboundSettings settings, read_outbound_settings(tx));
  const std::string subject =
      result_key(reported.specimen.accession_number, reported.result.test_code);

  ALIQUOT_ASSIGN_OR_RETURN(const std::int64_t sequence, tx.next_sequence(kOutboundSequence));
  hl7::OruReport report;
  report.sending_application = settings.sending_application;
  report.sending_facility = settings.sending_facility;
  report.receiving_application = settings.receiving_application;
  report.receiving_facility = settings.receiving_facility;
  report.control_id = std::string(kControlIdPrefix) + std::to_string(sequence);
  report.message_time = now;
  report.patient = reported.patient;
  report.order = reported.order;
  report.performing_organization = settings.performing_organization;
  hl7::OruObservation observation;
  observation.specimen = reported.specimen;
  observation.result = reported.result;
  observation.test = reported_test(ctx, reported.result);
  observation.ordered_as = ordered_service(ctx.catalog, reported.order, reported.result.test_code);
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::ResultComment> comments,
                           tx.comments_for_result(reported.result.id));
  for (const core::ResultComment& comment : comments) {
    if (comment.on_report) observation.comments.push_back(comment.text);
  }
  report.observations.push_back(std::move(observation));

  Result<std::string> payload = hl7::write_oru_r01(report);
  if (!payload.has_value()) {
    return failed_precondition("the ORU^R01 reporting " + subject + " to destination '" +
                               settings.results_destination +
                               "' cannot be written: " + payload.error().message());
  }

  store::OutboxMessage message;
  message.created_at = now;
  message.destination = settings.results_destination;
  message.message_type = "ORU^R01";
  message.message_id = report.control_id;
  message.subject = subject;
  message.payload = std::move(payload).value();
  message.status = store::OutboxStatus::kPending;
  message.next_attempt_at = now;
  ALIQUOT_ASSIGN_OR_RETURN(message, tx.insert_outbox_message(std::move(message)));
  return std::optional<store::OutboxMessage>(std::move(message));
}

Result<void> set_outbound_setting(store::Transaction& tx, const Context& ctx,
                                  const SetOutboundSetting& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kManageInterfaces));
  const std::string key = trimmed(command.key);
  const std::vector<OutboundSettingKey>& keys = outbound_setting_keys();
  const bool known =
      std::any_of(keys.begin(), keys.end(),
                  [&](const OutboundSettingKey& known_key) { return known_key.key == key; });
  if (!known) {
    std::string names;
    for (const OutboundSettingKey& known_key : keys) {
      names += (names.empty() ? "" : ", ") + std::string(known_key.key);
    }
    return invalid_argument("unknown setting '" + key + "'; the settings are: " + names);
  }
  const std::string value = trimmed(command.value);
  ALIQUOT_RETURN_IF_ERROR(validate_setting(key, value));
  return set_setting_audited(tx, actor.username, ctx.clock.now(), key, value);
}

Result<store::OutboxMessage> retry_outbox_message(store::Transaction& tx, const Context& ctx,
                                                  std::int64_t id) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kManageInterfaces));
  const core::Instant now = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<store::OutboxMessage> found, tx.find_outbox_message(id));
  if (!found) return not_found("no outbox message " + std::to_string(id));
  store::OutboxMessage& message = *found;
  const std::string named = "outbox message " + std::to_string(id) + " (" + message.message_type +
                            " " + message.message_id + " for " + message.subject + " to " +
                            message.destination + ")";
  if (message.status != store::OutboxStatus::kFailed) {
    return failed_precondition(named + " is " + std::string(store::to_code(message.status)) +
                               "; only a failed message can be retried");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<store::OutboxMessage> later, delivered_after(tx, id));
  for (auto newer = later.rbegin(); newer != later.rend(); ++newer) {
    if (newer->destination == message.destination && newer->subject == message.subject) {
      return failed_precondition(named + " was followed by outbox message " +
                                 std::to_string(newer->id) + " (" + newer->message_id +
                                 ") about the same subject, already delivered; sending the older "
                                 "one now would replace the newer report at the receiver");
    }
  }
  message.status = store::OutboxStatus::kPending;
  message.attempts = 0;
  message.next_attempt_at = now;
  message.last_error = "retried by " + actor.username + " at " + core::format_instant(now) +
                       (message.last_error.empty() ? "" : "; before: " + message.last_error);
  ALIQUOT_RETURN_IF_ERROR(tx.update_outbox_message(message));
  return message;
}

}  // namespace aliquot::lab
