#include "hl7/order_response.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "hl7/message.h"

namespace aliquot::hl7 {
namespace {

using namespace std::chrono_literals;

const core::Instant kReplyTime =
    std::chrono::sys_days(std::chrono::year{2026} / 11 / 21) + 8h + 30min;

constexpr std::string_view kOml =
    "MSH|^~\\&|EPIC|GENHOSP|ALIQUOT|LAB|20261121080000+0000||OML^O21^OML_O21|ORD-1|P|2.5.1\r"
    "PID|1||MRN-77^^^GENHOSP^MR||Rivera^Ana||19900315|F\r"
    "ORC|NW|PL-1^EPIC\r"
    "OBR|1|PL-1^EPIC||BMP^Basic metabolic panel^L\r"
    "ORC|NW|PL-2^EPIC\r"
    "OBR|2|PL-2^EPIC||718-7^Hemoglobin^LN\r";

constexpr std::string_view kOrm =
    "MSH|^~\\&|EHR|CLINIC|ALIQUOT|LAB|20261121080000||ORM^O01|ORD-2|P|2.3\r"
    "PID|1||MRN-1||Doe^Jane\r"
    "ORC|CA|PL-9\r";

Message parse_response(std::string_view bytes) {
  Result<Message> message = Message::parse(bytes);
  EXPECT_TRUE(message.has_value()) << (message.has_value() ? "" : message.error().to_string());
  return message.has_value() ? std::move(message).value() : Message();
}

std::string field_text(const Message& message, std::string_view path) {
  Result<Value> value = message.get(path);
  EXPECT_TRUE(value.has_value()) << path;
  return value.has_value() ? value->text() : std::string("<bad path>");
}

// The segment ids of a message in order: "MSH MSA PID ORC OBR".
std::string shape(const Message& message) {
  std::string ids;
  for (const Segment segment : message.segments()) {
    if (!ids.empty()) ids += ' ';
    ids += segment.id();
  }
  return ids;
}

AckContent accepted(std::string text) {
  AckContent content;
  content.code = AckCode::kAccept;
  content.text = std::move(text);
  content.control_id = "R-1";
  content.time = kReplyTime;
  return content;
}

RespondedPatient rivera() {
  RespondedPatient patient;
  patient.identifier = "MRN-77";
  patient.assigning_authority = "GENHOSP";
  patient.family_name = "Rivera";
  patient.given_name = "Ana";
  patient.birth_date = std::chrono::year{1990} / 3 / 15;
  patient.sex = "F";
  return patient;
}

RespondedOrder order(OrderControl control, std::string placer, std::string filler,
                     std::string service = "", std::string text = "", std::string system = "") {
  RespondedOrder out;
  out.control = control;
  out.placer_order_number = std::move(placer);
  out.placer_namespace = "EPIC";
  out.filler_order_number = std::move(filler);
  out.service_identifier = std::move(service);
  out.service_text = std::move(text);
  out.service_coding_system = std::move(system);
  return out;
}

TEST(OrderControl, UsesTheCodesOfTable0119) {
  EXPECT_EQ(to_code(OrderControl::kAccepted), "OK");
  EXPECT_EQ(to_code(OrderControl::kCancelledAsRequested), "CR");
  EXPECT_EQ(to_code(OrderControl::kUnableToCancel), "UC");
  EXPECT_EQ(to_code(OrderControl::kUnableToAccept), "UA");
}

TEST(BuildOrlO22, AnswersEachOrderWithThePlacerAndTheLabsNumbers) {
  const Message received = parse_response(kOml);
  OrderResponse response;
  response.acknowledgment = accepted("order O26-0000001 (placer PL-1)");
  response.patient = rivera();
  response.orders = {
      order(OrderControl::kAccepted, "PL-1", "O26-0000001", "BMP", "Basic metabolic panel", "L"),
      order(OrderControl::kAccepted, "PL-2", "O26-0000002", "718-7", "Hemoglobin", "LN")};
  EXPECT_EQ(build_orl_o22(received, response),
            "MSH|^~\\&|ALIQUOT|LAB|EPIC|GENHOSP|20261121083000+0000||ORL^O22^ORL_O22|R-1|P|"
            "2.5.1\r"
            "MSA|AA|ORD-1|order O26-0000001 (placer PL-1)\r"
            "PID|1||MRN-77^^^GENHOSP^MR||Rivera^Ana||19900315|F\r"
            "ORC|OK|PL-1^EPIC|O26-0000001\r"
            "OBR|1|PL-1^EPIC|O26-0000001|BMP^Basic metabolic panel^L\r"
            "ORC|OK|PL-2^EPIC|O26-0000002\r"
            "OBR|2|PL-2^EPIC|O26-0000002|718-7^Hemoglobin^LN\r");
}

TEST(BuildOrlO22, PutsTheErrorsBeforeThePatientAndOmitsTheOrdersWithoutOne) {
  const Message received = parse_response(kOml);
  OrderResponse response;
  response.acknowledgment = accepted("");
  response.acknowledgment.code = AckCode::kError;
  AckError error;
  error.condition = ErrorCondition::kRequiredFieldMissing;
  error.location = ErrorLocation{"PID", 1, 3, 0, 0};
  error.user_message = "PID(1)-3: no patient identifier (MRN)";
  response.acknowledgment.errors = {error};
  response.orders = {order(OrderControl::kUnableToAccept, "PL-1", "")};

  const std::string without_patient = build_orl_o22(received, response);
  const Message reply = parse_response(without_patient);
  // v2.5.1 ORL^O22 has no order group outside the patient group.
  EXPECT_EQ(shape(reply), "MSH MSA ERR");
  EXPECT_EQ(field_text(reply, "MSA-1"), "AE");
  EXPECT_EQ(field_text(reply, "ERR-8"), "PID(1)-3: no patient identifier (MRN)");

  RespondedPatient as_sent;
  as_sent.identifier = "MRN-77";
  response.patient = as_sent;
  const std::string with_patient = build_orl_o22(received, response);
  const Message answered = parse_response(with_patient);
  EXPECT_EQ(shape(answered), "MSH MSA ERR PID ORC");
  EXPECT_EQ(field_text(answered, "PID-3.1"), "MRN-77");
  EXPECT_EQ(answered.get(*parse_path("PID-3")).raw(), "MRN-77^^^^MR");
  EXPECT_FALSE(answered.get(*parse_path("PID-5")).has_value());
  EXPECT_FALSE(answered.get(*parse_path("PID-7")).has_value());
  EXPECT_EQ(field_text(answered, "ORC-1"), "UA");
  EXPECT_EQ(field_text(answered, "ORC-2.1"), "PL-1");
  EXPECT_FALSE(answered.get(*parse_path("ORC-3")).has_value());
}

TEST(BuildOrrO02, AnswersInTheOrderMessagesDelimitersAndVersion) {
  const Message received = parse_response(kOrm);
  OrderResponse response;
  response.acknowledgment = accepted("order O26-0000009 (placer PL-9) cancelled");
  response.patient = rivera();
  response.orders = {order(OrderControl::kCancelledAsRequested, "PL-9", "O26-0000009")};
  const std::string bytes = build_orr_o02(received, response);
  const Message reply = parse_response(bytes);
  EXPECT_EQ(shape(reply), "MSH MSA PID ORC");
  EXPECT_EQ(reply.get(*parse_path("MSH-9")).raw(), "ORR^O02^ORR_O02");
  EXPECT_EQ(field_text(reply, "MSH-12"), "2.3");
  EXPECT_EQ(field_text(reply, "MSA-2"), "ORD-2");
  EXPECT_EQ(field_text(reply, "ORC-1"), "CR");
  EXPECT_EQ(field_text(reply, "ORC-3"), "O26-0000009");
}

TEST(BuildOrrO02, MayAnswerOrdersWithoutAPatientButNotAPatientWithoutOrders) {
  const Message received = parse_response(kOrm);
  OrderResponse response;
  response.acknowledgment = accepted("");
  response.orders = {order(OrderControl::kUnableToCancel, "PL-9", "O26-0000009")};
  EXPECT_EQ(shape(parse_response(build_orr_o02(received, response))), "MSH MSA ORC");

  response.orders.clear();
  response.patient = rivera();
  EXPECT_EQ(shape(parse_response(build_orr_o02(received, response))), "MSH MSA");
}

TEST(BuildOrlO22, EscapesDelimitersInTheNumbersItEchoes) {
  const Message received = parse_response(kOml);
  OrderResponse response;
  response.acknowledgment = accepted("");
  response.patient = rivera();
  response.orders = {order(OrderControl::kAccepted, "PL|1^A", "O26-0000001")};
  const std::string bytes = build_orl_o22(received, response);
  const Message reply = parse_response(bytes);
  EXPECT_EQ(field_text(reply, "ORC-2.1"), "PL|1^A");
  EXPECT_EQ(field_text(reply, "ORC-2.2"), "EPIC");
}

}  // namespace
}  // namespace aliquot::hl7
