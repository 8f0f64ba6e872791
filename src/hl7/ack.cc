#include "hl7/ack.h"

#include <initializer_list>
#include <string>

#include "hl7/builder.h"
#include "hl7/dtm.h"

namespace aliquot::hl7 {
namespace {

// The version aliquot speaks when the received message does not say (interfaces.md).
constexpr std::string_view kDefaultVersion = "2.5.1";

// Writes `value`, a field of the received message, as field `number`, part by part: the text is
// decoded and escaped again, so it reaches the sender as it left it. A null or empty value writes
// nothing.
void copy_field(MessageBuilder& builder, int number, const Value& value) {
  if (!value.has_value()) return;
  bool first = true;
  for (const Value repetition : value.repetitions()) {
    bool first_component = true;
    for (const Value component : repetition.components()) {
      bool first_subcomponent = true;
      for (const Value subcomponent : component.subcomponents()) {
        const std::string text = subcomponent.text();
        if (first) {
          builder.field_at(number, text);
          first = false;
        } else if (first_component && first_subcomponent) {
          builder.repetition(text);
        } else if (first_subcomponent) {
          builder.component(text);
        } else {
          builder.subcomponent(text);
        }
        first_subcomponent = false;
      }
      first_component = false;
    }
  }
}

std::string number_or_empty(int number) { return number > 0 ? std::to_string(number) : ""; }

// MSA and ERR, common to both kinds of ACK.
void write_body(MessageBuilder& builder, const Value& acknowledged_control_id,
                const AckContent& content) {
  builder.segment("MSA");
  builder.field_at(1, to_code(content.code));
  copy_field(builder, 2, acknowledged_control_id);
  if (!content.text.empty()) builder.field_at(3, content.text);
  for (const AckError& error : content.errors) {
    builder.segment("ERR");
    if (error.location.has_value()) {
      const ErrorLocation& where = *error.location;
      builder.components_at(
          2, {where.segment, number_or_empty(where.occurrence), number_or_empty(where.field),
              number_or_empty(where.repetition), number_or_empty(where.component)});
    }
    builder.components_at(3, {to_code(error.condition), describe(error.condition), "HL70357"});
    builder.components_at(4, {to_code(error.severity)});
    if (!error.user_message.empty()) builder.field_at(8, error.user_message);
  }
}

}  // namespace

std::string_view to_code(AckCode code) {
  switch (code) {
    case AckCode::kAccept: return "AA";
    case AckCode::kError: return "AE";
    case AckCode::kReject: return "AR";
    case AckCode::kCommitAccept: return "CA";
    case AckCode::kCommitError: return "CE";
    case AckCode::kCommitReject: return "CR";
  }
  return "AR";
}

std::string to_code(ErrorCondition condition) {
  return std::to_string(static_cast<int>(condition));
}

// Descriptions as HL7 table 0357 (v2.5.1) words them.
std::string_view describe(ErrorCondition condition) {
  switch (condition) {
    case ErrorCondition::kMessageAccepted: return "Message accepted";
    case ErrorCondition::kSegmentSequenceError: return "Segment sequence error";
    case ErrorCondition::kRequiredFieldMissing: return "Required field missing";
    case ErrorCondition::kDataTypeError: return "Data type error";
    case ErrorCondition::kTableValueNotFound: return "Table value not found";
    case ErrorCondition::kUnsupportedMessageType: return "Unsupported message type";
    case ErrorCondition::kUnsupportedEventCode: return "Unsupported event code";
    case ErrorCondition::kUnsupportedProcessingId: return "Unsupported processing id";
    case ErrorCondition::kUnsupportedVersionId: return "Unsupported version id";
    case ErrorCondition::kUnknownKeyIdentifier: return "Unknown key identifier";
    case ErrorCondition::kDuplicateKeyIdentifier: return "Duplicate key identifier";
    case ErrorCondition::kApplicationRecordLocked: return "Application record locked";
    case ErrorCondition::kApplicationInternalError: return "Application internal error";
  }
  return "Application internal error";
}

std::string_view to_code(ErrorSeverity severity) {
  switch (severity) {
    case ErrorSeverity::kError: return "E";
    case ErrorSeverity::kWarning: return "W";
    case ErrorSeverity::kInformation: return "I";
  }
  return "E";
}

namespace {

// MSH of a response to `received`; MSH-9 is `code`, then `trigger` and `structure` when `trigger`
// is known.
void write_response_header(MessageBuilder& builder, const Message& received,
                           const AckContent& content, std::string_view code,
                           std::string_view trigger, std::string_view structure) {
  const Segment header = received.header();
  builder.segment("MSH");
  // Section 2.9.2: the responder swaps the sending and receiving application and facility.
  copy_field(builder, 3, header.field(5));
  copy_field(builder, 4, header.field(6));
  copy_field(builder, 5, header.field(3));
  copy_field(builder, 6, header.field(4));
  builder.field_at(7, format_dtm(content.time));
  builder.field_at(9, code);
  if (!trigger.empty()) builder.component(trigger).component(structure);
  builder.field_at(10, content.control_id);
  copy_field(builder, 11, header.field(11));
  if (header.field(12).has_value()) {
    copy_field(builder, 12, header.field(12));
  } else {
    builder.field_at(12, kDefaultVersion);
  }
}

}  // namespace

std::string build_ack(const Message& received, const AckContent& content) {
  MessageBuilder builder(received.delimiters());
  const std::string trigger = received.header().field(9).component(2).text();
  write_response_header(builder, received, content, "ACK", trigger, "ACK");
  write_body(builder, received.header().field(10), content);
  return builder.finish();
}

void start_response(MessageBuilder& builder, const Message& received, const AckContent& content,
                    std::string_view code, std::string_view trigger, std::string_view structure) {
  write_response_header(builder, received, content, code, trigger, structure);
  write_body(builder, received.header().field(10), content);
}

std::string build_ack_for_unparsed(const AckContent& content) {
  MessageBuilder builder;
  builder.segment("MSH");
  builder.field_at(7, format_dtm(content.time));
  builder.field_at(9, "ACK");
  builder.field_at(10, content.control_id);
  builder.field_at(12, kDefaultVersion);
  write_body(builder, Value(), content);
  return builder.finish();
}

}  // namespace aliquot::hl7
