// The interfaces: messages refused and kept in quarantine (list, show, replay, discard) and the
// outbox of messages to send (list, show, retry a failed one) (docs/api.md, "Interfaces"). The
// same functions as `aliquot quarantine list|show|replay|discard` and `aliquot outbox
// list|show|retry` (ingest/quarantine.h, lab/outbound.h).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ingest/instrument_profile.h"
#include "ingest/quarantine.h"
#include "lab/message_json.h"
#include "lab/outbound.h"
#include "server/api/handler_support.h"
#include "server/api/request_values.h"
#include "server/api/routes.h"
#include "store/messages.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

// How many messages a list shows at most, as the command line's lists.
constexpr std::int64_t kQuarantineListLimit = 1000;
constexpr std::int64_t kOutboxListDefault = 50;
constexpr std::int64_t kOutboxListMost = 1'000'000;

// --- quarantine ---

// ?status=held (default), replayed, discarded or all.
http::Response list_quarantine(const ApiContext& api, const http::Request& request) {
  const std::string status_text = query(request, "status");
  std::optional<store::QuarantineStatus> status = store::QuarantineStatus::kHeld;
  if (status_text == "all") {
    status.reset();
  } else if (!status_text.empty()) {
    Result<store::QuarantineStatus> parsed = store::parse_quarantine_status(status_text);
    if (!parsed) {
      return http::error_response(
          invalid_argument("query parameter 'status': " + parsed.error().message()));
    }
    status = *parsed;
  }
  return answer(
      read(api, request, [&](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<store::QuarantinedMessage> messages,
                                 tx.list_quarantined_messages(status, kQuarantineListLimit));
        json list = json::array();
        for (const store::QuarantinedMessage& message : messages) {
          list.push_back(lab::to_json(message, lab::MessageBytes::kLeftOut));
        }
        return json{{"messages", list}};
      }));
}

Result<store::QuarantinedMessage> quarantined(store::Transaction& tx, std::int64_t id) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::QuarantinedMessage> message,
                           tx.find_quarantined_message(id));
  if (!message) return not_found("there is no quarantined message " + std::to_string(id));
  return *message;
}

// One message with its content: a read of the data of every patient it names.
http::Response show_quarantined(const ApiContext& api, const http::Request& request) {
  const Result<std::int64_t> id = path_id(request, "id");
  if (!id) return http::error_response(id.error());
  std::vector<std::string> patients;
  const Result<json> document =
      read(api, request, [&](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const store::QuarantinedMessage message, quarantined(tx, *id));
        patients = ingest::patients_named(message);
        return lab::to_json(message, lab::MessageBytes::kIncluded);
      });
  for (const std::string& mrn : patients) {
    note_patient_read(api, request, mrn, "quarantined message " + std::to_string(*id));
  }
  return answer(document);
}

// Applies the message again. Refused again, it stays held and the refusal is recorded with it:
// that is an answer, not an error ("applied": false with every problem in "outcome").
http::Response replay(const ApiContext& api, const http::Request& request) {
  const Result<std::int64_t> id = path_id(request, "id");
  if (!id) return http::error_response(id.error());
  if (const Result<json> body = optional_body(request); !body) {
    return http::error_response(body.error());
  }
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        const ingest::InstrumentProfiles none;
        ALIQUOT_ASSIGN_OR_RETURN(
            const ingest::ReplayOutcome outcome,
            ingest::replay_quarantined(tx, ctx, *id,
                                       api.instruments != nullptr ? *api.instruments : none));
        ALIQUOT_ASSIGN_OR_RETURN(const store::QuarantinedMessage message, quarantined(tx, *id));
        return json{{"id", *id},
                    {"applied", outcome.applied},
                    {"outcome", outcome.text},
                    {"message", lab::to_json(message, lab::MessageBytes::kLeftOut)}};
      }));
}

http::Response discard(const ApiContext& api, const http::Request& request) {
  const Result<std::int64_t> id = path_id(request, "id");
  if (!id) return http::error_response(id.error());
  const Result<json> body = json_body(request);
  if (!body) return http::error_response(body.error());
  const Result<std::string> reason = required_string(*body, "reason");
  if (!reason) return http::error_response(reason.error());
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_RETURN_IF_ERROR(ingest::discard_quarantined(tx, ctx, *id, *reason));
        ALIQUOT_ASSIGN_OR_RETURN(const store::QuarantinedMessage message, quarantined(tx, *id));
        return lab::to_json(message, lab::MessageBytes::kLeftOut);
      }));
}

// --- outbox ---

// ?status=pending|delivered|failed (default all) and ?limit= (default 50).
http::Response list_outbox(const ApiContext& api, const http::Request& request) {
  std::optional<store::OutboxStatus> status;
  if (const std::string text = query(request, "status"); !text.empty()) {
    Result<store::OutboxStatus> parsed = store::parse_outbox_status(text);
    if (!parsed) {
      return http::error_response(
          invalid_argument("query parameter 'status': " + parsed.error().message()));
    }
    status = *parsed;
  }
  const Result<std::int64_t> limit =
      query_count(request, "limit", kOutboxListDefault, kOutboxListMost);
  if (!limit) return http::error_response(limit.error());
  return answer(
      read(api, request, [&](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<store::OutboxMessage> messages,
                                 tx.list_outbox_messages(status, *limit));
        json list = json::array();
        for (const store::OutboxMessage& message : messages) {
          list.push_back(lab::to_json(message, lab::MessageBytes::kLeftOut));
        }
        return json{{"messages", list}};
      }));
}

Result<store::OutboxMessage> outbox_message(store::Transaction& tx, std::int64_t id) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::OutboxMessage> message,
                           tx.find_outbox_message(id));
  if (!message) return not_found("no outbox message " + std::to_string(id));
  return *message;
}

// The MRN of the patient an outgoing report is about: its subject names the result
// ("ACCESSION/TEST"); "" when the specimen is not found.
Result<std::string> patient_reported(store::Transaction& tx, const store::OutboxMessage& message) {
  const std::string accession = message.subject.substr(0, message.subject.find('/'));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Specimen> specimen,
                           tx.find_specimen_by_accession(accession));
  if (!specimen) return std::string();
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Order> order,
                           tx.find_order(specimen->order_id));
  if (!order) return std::string();
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Patient> patient,
                           tx.find_patient(order->patient_id));
  return patient ? patient->mrn : std::string();
}

// One message with its payload, a report of patient data: the read is logged.
http::Response show_outbox(const ApiContext& api, const http::Request& request) {
  const Result<std::int64_t> id = path_id(request, "id");
  if (!id) return http::error_response(id.error());
  std::string shown;
  const Result<json> document =
      read(api, request, [&](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const store::OutboxMessage message, outbox_message(tx, *id));
        ALIQUOT_ASSIGN_OR_RETURN(shown, patient_reported(tx, message));
        return lab::to_json(message, lab::MessageBytes::kIncluded);
      });
  note_patient_read(api, request, shown, "outbox message " + std::to_string(*id));
  return answer(document);
}

http::Response retry(const ApiContext& api, const http::Request& request) {
  const Result<std::int64_t> id = path_id(request, "id");
  if (!id) return http::error_response(id.error());
  if (const Result<json> body = optional_body(request); !body) {
    return http::error_response(body.error());
  }
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const store::OutboxMessage retried,
                                 lab::retry_outbox_message(tx, ctx, *id));
        return lab::to_json(retried, lab::MessageBytes::kLeftOut);
      }));
}

}  // namespace

ApiRoutes interface_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context (see patient_routes).
  return {
      {http::Method::kGet, "/api/quarantine", lab::Action::kViewRecords,
       [api](const http::Request& request) { return list_quarantine(api, request); },
       "messages refused and kept as received, newest first"},
      {http::Method::kGet, "/api/quarantine/{id}", lab::Action::kViewRecords,
       [api](const http::Request& request) { return show_quarantined(api, request); },
       "one quarantined message: why, and its content"},
      {http::Method::kPost, "/api/quarantine/{id}/replay", lab::Action::kManageInterfaces,
       [api](const http::Request& request) { return replay(api, request); },
       "apply a held message again, once its cause is fixed"},
      {http::Method::kPost, "/api/quarantine/{id}/discard", lab::Action::kManageInterfaces,
       [api](const http::Request& request) { return discard(api, request); },
       "set a held message aside, with a reason"},
      {http::Method::kGet, "/api/outbox", lab::Action::kViewRecords,
       [api](const http::Request& request) { return list_outbox(api, request); },
       "messages queued to send, newest first"},
      {http::Method::kGet, "/api/outbox/{id}", lab::Action::kViewRecords,
       [api](const http::Request& request) { return show_outbox(api, request); },
       "one outgoing message with its payload"},
      {http::Method::kPost, "/api/outbox/{id}/retry", lab::Action::kManageInterfaces,
       [api](const http::Request& request) { return retry(api, request); },
       "send a failed message again"},
  };
}

}  // namespace aliquot::server::api
