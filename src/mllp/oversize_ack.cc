#include "mllp/oversize_ack.h"

#include "hl7/ack.h"
#include "hl7/message.h"

namespace aliquot::mllp {

std::string describe_oversize(std::size_t max_size, std::size_t received_size) {
  return "message exceeds the maximum size of " + std::to_string(max_size) + " bytes (received " +
         std::to_string(received_size) + ")";
}

std::string build_oversize_ack(std::string_view first_bytes, std::size_t max_size,
                               std::size_t received_size, const std::string& control_id,
                               core::Instant time) {
  hl7::AckContent content;
  content.code = hl7::AckCode::kReject;
  content.text = describe_oversize(max_size, received_size);
  hl7::AckError error;
  error.condition = hl7::ErrorCondition::kApplicationInternalError;
  error.severity = hl7::ErrorSeverity::kError;
  error.user_message = content.text;
  content.errors.push_back(std::move(error));
  content.control_id = control_id;
  content.time = time;

  // Only a complete MSH segment is trusted: a header cut by the prefix could carry half a control
  // id, which would point the sender at another message.
  const std::size_t line_end = first_bytes.find_first_of("\r\n");
  if (line_end != std::string_view::npos) {
    Result<hl7::Message> header = hl7::Message::parse(first_bytes.substr(0, line_end));
    if (header.has_value()) return hl7::build_ack(*header, content);
  }
  return hl7::build_ack_for_unparsed(content);
}

}  // namespace aliquot::mllp
