#include "lab/message_json.h"

#include <optional>
#include <string>

#include "lab/json_values.h"

namespace aliquot::lab {
namespace {}  // namespace

nlohmann::json to_json(const store::QuarantinedMessage& message, MessageBytes bytes) {
  nlohmann::json json = {{"id", message.id},
                         {"received_at", core::format_instant(message.received_at)},
                         {"channel", std::string(store::to_code(message.channel))},
                         {"sender", message.sender},
                         {"message_id", message.message_id},
                         {"message_type", message.message_type},
                         {"peer", message.peer},
                         {"reason", message.reason},
                         {"status", std::string(store::to_code(message.status))},
                         {"resolved_at", instant_or_null(message.resolved_at)},
                         {"resolved_by", message.resolved_by},
                         {"resolution", message.resolution}};
  if (bytes == MessageBytes::kIncluded) json["content"] = message.content;
  return json;
}

nlohmann::json to_json(const store::OutboxMessage& message, MessageBytes bytes) {
  nlohmann::json json = {{"id", message.id},
                         {"created_at", core::format_instant(message.created_at)},
                         {"destination", message.destination},
                         {"message_type", message.message_type},
                         {"message_id", message.message_id},
                         {"subject", message.subject},
                         {"status", store::to_code(message.status)},
                         {"attempts", message.attempts},
                         {"next_attempt_at", core::format_instant(message.next_attempt_at)},
                         {"last_attempt_at", instant_or_null(message.last_attempt_at)},
                         {"delivered_at", instant_or_null(message.delivered_at)},
                         {"last_error", message.last_error}};
  if (bytes == MessageBytes::kIncluded) json["payload"] = message.payload;
  return json;
}

}  // namespace aliquot::lab
