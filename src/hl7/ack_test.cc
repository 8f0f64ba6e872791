#include "hl7/ack.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "hl7/check.h"
#include "hl7/message.h"

namespace aliquot::hl7 {
namespace {

using namespace std::chrono_literals;

const core::Instant kAckTime =
    std::chrono::sys_days(std::chrono::year{2026} / 11 / 21) + 8h + 30min;

constexpr std::string_view kOrder =
    "MSH|^~\\&|EHR^1.2.3^ISO|CLINIC|ALIQUOT|LAB|20261121080000+0000||OML^O21^OML_O21|MSG-77|P|"
    "2.5.1\r"
    "PID|1||MRN1^^^CLINIC^MR||Doe^Jane\r";

std::string read(const Message& message, std::string_view path) {
  Result<Value> value = message.get(path);
  EXPECT_TRUE(value.has_value()) << path;
  return value.has_value() ? value->text() : std::string("<bad path>");
}

// The Message views `bytes`: callers keep them alive while they read it.
Message parse_ok(std::string_view bytes) {
  Result<Message> message = Message::parse(bytes);
  EXPECT_TRUE(message.has_value()) << (message.has_value() ? "" : message.error().to_string());
  return message.has_value() ? std::move(message).value() : Message();
}

AckContent content(AckCode code, std::string control_id, std::string text = "") {
  AckContent out;
  out.code = code;
  out.text = std::move(text);
  out.control_id = std::move(control_id);
  out.time = kAckTime;
  return out;
}

AckError error(ErrorCondition condition, ErrorSeverity severity,
               std::optional<ErrorLocation> location = std::nullopt,
               std::string user_message = "") {
  AckError out;
  out.condition = condition;
  out.severity = severity;
  out.location = std::move(location);
  out.user_message = std::move(user_message);
  return out;
}

ErrorLocation location(std::string segment, int occurrence, int field, int repetition,
                       int component) {
  ErrorLocation out;
  out.segment = std::move(segment);
  out.occurrence = occurrence;
  out.field = field;
  out.repetition = repetition;
  out.component = component;
  return out;
}

std::vector<Finding> check(const Message& message) {
  std::vector<Finding> findings;
  check_message(message, findings);
  return findings;
}

TEST(BuildAck, AcceptsWithTheHeaderMirrored) {
  const Message received = parse_ok(kOrder);
  const std::string bytes = build_ack(received, content(AckCode::kAccept, "ACK-1"));
  EXPECT_EQ(bytes,
            "MSH|^~\\&|ALIQUOT|LAB|EHR^1.2.3^ISO|CLINIC|20261121083000+0000||ACK^O21^ACK|ACK-1|P|"
            "2.5.1\r"
            "MSA|AA|MSG-77\r");
  const Message ack = parse_ok(bytes);
  EXPECT_EQ(read(ack, "MSH-3"), "ALIQUOT");
  EXPECT_EQ(read(ack, "MSH-4"), "LAB");
  EXPECT_EQ(read(ack, "MSH-5.2"), "1.2.3");
  EXPECT_EQ(read(ack, "MSH-6"), "CLINIC");
  EXPECT_EQ(read(ack, "MSH-9.2"), "O21");
  EXPECT_EQ(read(ack, "MSA-2"), "MSG-77");
  EXPECT_TRUE(check(ack).empty());
}

TEST(BuildAck, WritesErrorsWithLocationConditionAndSeverity) {
  const Message received = parse_ok(kOrder);
  AckContent answer = content(AckCode::kError, "ACK-2", "PID-3 is missing");
  answer.errors = {error(ErrorCondition::kRequiredFieldMissing, ErrorSeverity::kError,
                         location("PID", 1, 3, 1, 1), "The patient has no MRN."),
                   error(ErrorCondition::kApplicationRecordLocked, ErrorSeverity::kWarning)};
  const std::string bytes = build_ack(received, answer);
  const Message ack = parse_ok(bytes);
  EXPECT_EQ(read(ack, "MSA-1"), "AE");
  EXPECT_EQ(read(ack, "MSA-3"), "PID-3 is missing");
  EXPECT_EQ(ack.get(*parse_path("ERR-2")).raw(), "PID^1^3^1^1");
  EXPECT_EQ(ack.get(*parse_path("ERR-3")).raw(), "101^Required field missing^HL70357");
  EXPECT_EQ(read(ack, "ERR-4"), "E");
  EXPECT_EQ(read(ack, "ERR-8"), "The patient has no MRN.");
  EXPECT_FALSE(ack.get(*parse_path("ERR(2)-2")).has_value());
  EXPECT_EQ(ack.get(*parse_path("ERR(2)-3")).raw(), "206^Application record locked^HL70357");
  EXPECT_EQ(read(ack, "ERR(2)-4"), "W");
  EXPECT_TRUE(check(ack).empty());
}

TEST(BuildAck, EscapesTextHoldingEveryDelimiter) {
  const Message received = parse_ok(kOrder);
  const std::string text = "bad | field ^ comp ~ rep \\ esc & sub";
  AckContent answer = content(AckCode::kReject, "A|1", text);
  answer.errors = {error(ErrorCondition::kDataTypeError, ErrorSeverity::kError, {}, text)};
  const std::string bytes = build_ack(received, answer);
  const Message ack = parse_ok(bytes);
  EXPECT_EQ(read(ack, "MSA-1"), "AR");
  EXPECT_EQ(read(ack, "MSA-3"), text);
  EXPECT_EQ(read(ack, "ERR-8"), text);
  EXPECT_EQ(read(ack, "MSH-10"), "A|1");
  EXPECT_EQ(ack.segment_count(), 3u);
}

TEST(BuildAck, AnswersInTheSendersOwnDelimiters) {
  const Message received =
      parse_ok("MSH!@*?%!ANALYZER!ICU!ALIQUOT!LAB!20261121080000!!OUL@R22!X@Y!T!2.5.1\r");
  const std::string bytes =
      build_ack(received, content(AckCode::kCommitAccept, "ACK-3", "stored @ once"));
  EXPECT_EQ(bytes.substr(0, 9), "MSH!@*?%!");
  const Message ack = parse_ok(bytes);
  EXPECT_EQ(ack.delimiters(), received.delimiters());
  EXPECT_EQ(read(ack, "MSH-9.2"), "R22");
  EXPECT_EQ(read(ack, "MSH-11"), "T");
  EXPECT_EQ(read(ack, "MSA-1"), "CA");
  EXPECT_EQ(read(ack, "MSA-2"), "X@Y");
  EXPECT_EQ(read(ack, "MSA-3"), "stored @ once");
}

TEST(BuildAck, SaysVersion251WhenTheSenderGaveNone) {
  const Message received = parse_ok("MSH|^~\\&|A|B|C|D|||ADT^A01|9\r");
  const std::string bytes = build_ack(received, content(AckCode::kReject, "X"));
  const Message ack = parse_ok(bytes);
  EXPECT_EQ(read(ack, "MSH-12"), "2.5.1");
  EXPECT_EQ(read(ack, "MSH-9"), "ACK^A01^ACK");
  EXPECT_EQ(read(ack, "MSH-9.2"), "A01");
}

TEST(BuildAckForUnparsed, RejectsWithDefaultDelimitersAndEmptyEchoes) {
  AckContent answer = content(AckCode::kReject, "ACK-9", "not an HL7 message: no MSH");
  answer.errors = {error(ErrorCondition::kSegmentSequenceError, ErrorSeverity::kError,
                         location("MSH", 0, 0, 0, 0))};
  const std::string bytes = build_ack_for_unparsed(answer);
  EXPECT_EQ(bytes,
            "MSH|^~\\&|||||20261121083000+0000||ACK|ACK-9||2.5.1\r"
            "MSA|AR||not an HL7 message: no MSH\r"
            "ERR||MSH|100^Segment sequence error^HL70357|E\r");
  const Message ack = parse_ok(bytes);
  EXPECT_FALSE(ack.get(*parse_path("MSA-2")).has_value());
}

TEST(AckCodes, FollowHl7Tables) {
  EXPECT_EQ(to_code(AckCode::kAccept), "AA");
  EXPECT_EQ(to_code(AckCode::kCommitReject), "CR");
  EXPECT_EQ(to_code(ErrorCondition::kApplicationInternalError), "207");
  EXPECT_EQ(to_code(ErrorCondition::kMessageAccepted), "0");
  EXPECT_EQ(describe(ErrorCondition::kUnknownKeyIdentifier), "Unknown key identifier");
  EXPECT_EQ(to_code(ErrorSeverity::kInformation), "I");
}

}  // namespace
}  // namespace aliquot::hl7
