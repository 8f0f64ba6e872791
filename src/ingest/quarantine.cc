#include "ingest/quarantine.h"

#include <algorithm>
#include <utility>

#include "astm/record.h"
#include "audit/chain.h"
#include "hl7/message.h"
#include "ingest/text.h"
#include "lab/permissions.h"
#include "lab/use_case_support.h"

namespace aliquot::ingest {
namespace {

Result<store::QuarantinedMessage> held_message(store::Transaction& tx, std::int64_t id) {
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<store::QuarantinedMessage> message,
                           tx.find_quarantined_message(id));
  if (!message) return not_found("there is no quarantined message " + std::to_string(id));
  if (message->status != store::QuarantineStatus::kHeld) {
    return failed_precondition("quarantined message " + std::to_string(id) + " was already " +
                               std::string(store::to_code(message->status)) + " by " +
                               message->resolved_by);
  }
  return *message;
}

Result<void> record(store::Transaction& tx, const std::string& actor, core::Instant now,
                    const std::string& action, const store::QuarantinedMessage& message,
                    const std::string& reason) {
  audit::Change change;
  change.action = action;
  change.entity_type = "message";
  change.entity_key = "quarantine/" + std::to_string(message.id);
  change.after = "{\"channel\":\"" + std::string(store::to_code(message.channel)) +
                 "\",\"message_id\":\"" + message.message_id + "\"}";
  change.reason = reason;
  Result<core::AuditEntry> recorded = audit::record(tx, actor, now, change);
  if (!recorded.has_value()) return recorded.error();
  return ok();
}

// Splits stored ASTM content back into its records.
std::vector<std::string> records_of(const std::string& content) {
  std::vector<std::string> records;
  std::size_t start = 0;
  while (start < content.size()) {
    const std::size_t end = content.find('\r', start);
    records.push_back(content.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return records;
}

}  // namespace

Result<ReplayOutcome> replay_quarantined(store::Transaction& tx, const lab::Context& person,
                                         std::int64_t id, const Hl7Ingest& hl7,
                                         const AstmIngest& astm) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor, lab::authorize(tx, person.actor.username,
                                                                  lab::Action::kManageInterfaces));
  ALIQUOT_ASSIGN_OR_RETURN(store::QuarantinedMessage message, held_message(tx, id));
  const core::Instant now = person.clock.now();

  ALIQUOT_RETURN_IF_ERROR(tx.savepoint("replay"));
  Result<std::string> applied = std::string();
  if (message.channel == store::Channel::kHl7) {
    const std::unique_ptr<Hl7Received> received = hl7.receive(message.content, message.peer);
    applied = hl7.apply(tx, *received);
  } else {
    const std::unique_ptr<AstmReceived> received =
        astm.receive(records_of(message.content), message.peer);
    applied = astm.apply(tx, *received);
  }
  if (!applied.has_value() && is_store_failure(applied.error())) return applied.error();
  if (!applied.has_value()) ALIQUOT_RETURN_IF_ERROR(tx.rollback_to_savepoint("replay"));
  ALIQUOT_RETURN_IF_ERROR(tx.release_savepoint("replay"));

  ReplayOutcome outcome;
  outcome.applied = applied.has_value();
  outcome.text = applied.has_value() ? *applied : applied.error().message();
  if (outcome.applied) {
    message.status = store::QuarantineStatus::kReplayed;
    message.resolved_at = now;
    message.resolved_by = actor.username;
    message.resolution = "replayed: " + outcome.text;
  } else {
    message.resolution = "replay by " + actor.username + " at " + core::format_instant(now) +
                         " refused: " + outcome.text;
  }
  ALIQUOT_RETURN_IF_ERROR(tx.update_quarantined_message(message));
  ALIQUOT_RETURN_IF_ERROR(
      record(tx, actor.username, now, "message.replay", message,
             outcome.applied ? "applied: " + outcome.text : "refused: " + outcome.text));
  return outcome;
}

Result<ReplayOutcome> replay_quarantined(store::Transaction& tx, const lab::Context& person,
                                         std::int64_t id, const InstrumentProfiles& profiles) {
  const Hl7Ingest hl7(
      person.catalog, profiles, person.clock,
      {.rules = person.rules, .qc_policy = person.qc_policy, .personnel = person.personnel});
  const AstmIngest astm(person.catalog, profiles, person.clock, person.rules, person.qc_policy,
                        person.personnel);
  return replay_quarantined(tx, person, id, hl7, astm);
}

std::vector<std::string> patients_named(const store::QuarantinedMessage& message) {
  std::vector<std::string> mrns;
  const auto add = [&mrns](std::string mrn) {
    if (!mrn.empty() && std::find(mrns.begin(), mrns.end(), mrn) == mrns.end()) {
      mrns.push_back(std::move(mrn));
    }
  };
  if (message.channel == store::Channel::kHl7) {
    const Result<hl7::Message> parsed = hl7::Message::parse(message.content);
    if (!parsed) return mrns;
    for (const hl7::Segment segment : parsed->segments()) {
      if (segment.id() != "PID") continue;
      const hl7::Value mrn = segment.field(3).repetition(1).component(1);
      if (mrn.has_value()) add(trim(mrn.text()));
    }
    return mrns;
  }
  const std::vector<std::string> records = records_of(message.content);
  if (records.empty()) return mrns;
  const Result<astm::Delimiters> delimiters = astm::delimiters_from_header(records.front());
  if (!delimiters) return mrns;
  for (const std::string& text : records) {
    const astm::Record record(text, *delimiters);
    if (record.type() != astm::RecordType::kPatient) continue;
    for (const std::size_t field : {std::size_t{3}, std::size_t{4}}) {
      add(trim(astm::unescape(record.component(field, 1, 1), *delimiters)));
    }
  }
  return mrns;
}

Result<void> discard_quarantined(store::Transaction& tx, const lab::Context& person,
                                 std::int64_t id, const std::string& reason) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor, lab::authorize(tx, person.actor.username,
                                                                  lab::Action::kManageInterfaces));
  const std::string why = lab::trimmed(reason);
  if (why.empty()) {
    return invalid_argument("discarding quarantined message " + std::to_string(id) +
                            " needs a reason");
  }
  ALIQUOT_ASSIGN_OR_RETURN(store::QuarantinedMessage message, held_message(tx, id));
  const core::Instant now = person.clock.now();
  message.status = store::QuarantineStatus::kDiscarded;
  message.resolved_at = now;
  message.resolved_by = actor.username;
  message.resolution = why;
  ALIQUOT_RETURN_IF_ERROR(tx.update_quarantined_message(message));
  return record(tx, actor.username, now, "message.discard", message, why);
}

}  // namespace aliquot::ingest
