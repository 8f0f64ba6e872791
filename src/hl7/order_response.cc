#include "hl7/order_response.h"

#include <initializer_list>

#include "hl7/builder.h"
#include "hl7/dtm.h"

namespace aliquot::hl7 {
namespace {

void write_responded_patient(MessageBuilder& builder, const RespondedPatient& patient) {
  builder.segment("PID");
  builder.field_at(1, "1");
  // PID-3 (CX): ID ^ check digit ^ check digit scheme ^ assigning authority ^ identifier type
  // code (table 0203: MR, medical record number).
  builder.components_at(3, {patient.identifier, "", "", patient.assigning_authority, "MR"});
  builder.components_at(5, {patient.family_name, patient.given_name});
  if (patient.birth_date.has_value()) builder.field_at(7, format_dt(*patient.birth_date));
  builder.components_at(8, {patient.sex});
}

void write_order(MessageBuilder& builder, int set_id, const RespondedOrder& order) {
  builder.segment("ORC");
  builder.field_at(1, to_code(order.control));
  builder.components_at(2, {order.placer_order_number, order.placer_namespace});
  builder.components_at(3, {order.filler_order_number});
  const bool has_service = !order.service_identifier.empty() || !order.service_text.empty() ||
                           !order.service_coding_system.empty();
  if (!has_service) return;
  builder.segment("OBR");
  builder.field_at(1, std::to_string(set_id));
  builder.components_at(2, {order.placer_order_number, order.placer_namespace});
  builder.components_at(3, {order.filler_order_number});
  builder.components_at(
      4, {order.service_identifier, order.service_text, order.service_coding_system});
}

}  // namespace

std::string_view to_code(OrderControl control) {
  switch (control) {
    case OrderControl::kAccepted: return "OK";
    case OrderControl::kCancelledAsRequested: return "CR";
    case OrderControl::kUnableToCancel: return "UC";
    case OrderControl::kUnableToAccept: return "UA";
  }
  return "UA";
}

std::string build_orl_o22(const Message& received, const OrderResponse& response) {
  MessageBuilder builder(received.delimiters());
  start_response(builder, received, response.acknowledgment, "ORL", "O22", "ORL_O22");
  // RESPONSE > PATIENT (PID, then its ORDER groups): in v2.5.1 an ORL^O22 has no place for an
  // order group outside the patient group.
  if (response.patient.has_value()) {
    write_responded_patient(builder, *response.patient);
    int set_id = 0;
    for (const RespondedOrder& order : response.orders) write_order(builder, ++set_id, order);
  }
  return builder.finish();
}

std::string build_orr_o02(const Message& received, const OrderResponse& response) {
  MessageBuilder builder(received.delimiters());
  start_response(builder, received, response.acknowledgment, "ORR", "O02", "ORR_O02");
  // RESPONSE: [PATIENT] then at least one ORDER; without an order there is no RESPONSE at all.
  if (!response.orders.empty()) {
    if (response.patient.has_value()) write_responded_patient(builder, *response.patient);
    int set_id = 0;
    for (const RespondedOrder& order : response.orders) write_order(builder, ++set_id, order);
  }
  return builder.finish();
}

}  // namespace aliquot::hl7
