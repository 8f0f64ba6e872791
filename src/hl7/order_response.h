#pragma once

// The application responses to order messages (v2.5.1 chapter 4, section 4.4, the order message
// definitions): an OML^O21 (laboratory order) is answered with an ORL^O22, an ORM^O01 (general
// order) with an ORR^O02. Both begin as an ACK does (hl7/ack.h: MSH mirrored, MSA, ERR...) and
// then say, order by order, what the lab did:
//
//   ORL^O22  MSH MSA [ERR...] [PID { ORC [OBR] }...]
//            the order groups sit inside the patient group, so without a patient no order group
//            is written
//   ORR^O02  MSH MSA [ERR...] [[PID] { ORC [OBR] }...]
//            the patient group is optional but needs an order group after it: without orders
//            nothing follows the ERR segments
//
// Each order group answers one ORC of the order message:
//   ORC-1      the order control of the answer (HL7 table 0119): OK accepted, CR cancelled as
//              requested, UC unable to cancel, UA unable to accept
//   ORC-2      the placer order number (EI: number ^ namespace), as the placer sent it
//   ORC-3      the filler order number: the lab's order number, when the lab has the order
//   OBR        written when the ORC had an OBR: OBR-1 set id, OBR-2/3 as ORC-2/3, OBR-4 the
//              service as the placer coded it
// PID: PID-3 the patient identifier (CX: id ^^^ assigning authority ^ MR), PID-5, PID-7, PID-8
// when known.
//
// Stateless functions; thread-safe. Nothing here reads a clock or makes up an id.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "hl7/ack.h"
#include "hl7/message.h"

namespace aliquot::hl7 {

// The order control codes a filler answers with (HL7 table 0119).
enum class OrderControl {
  kAccepted,              // OK: order/service accepted and OK
  kCancelledAsRequested,  // CR
  kUnableToCancel,        // UC
  kUnableToAccept,        // UA
};
std::string_view to_code(OrderControl control);

// One order group of the response.
struct RespondedOrder {
  OrderControl control = OrderControl::kAccepted;
  std::string placer_order_number;  // ORC-2.1, OBR-2.1
  std::string placer_namespace;     // ORC-2.2, OBR-2.2 (the placer application); may be empty
  std::string filler_order_number;  // ORC-3.1, OBR-3.1; empty when the lab has no order
  // OBR-4 as the placer coded it (identifier ^ text ^ coding system); all empty: the ORC had no
  // OBR, and none is written.
  std::string service_identifier;
  std::string service_text;
  std::string service_coding_system;
};

// The patient of the response.
struct RespondedPatient {
  std::string identifier;                // PID-3.1
  std::string assigning_authority;       // PID-3.4; may be empty
  std::string family_name;               // PID-5.1; may be empty
  std::string given_name;                // PID-5.2
  std::optional<core::Date> birth_date;  // PID-7
  std::string sex;                       // PID-8 (table 0001); may be empty
};

struct OrderResponse {
  AckContent acknowledgment;                // MSH-7, MSH-10, MSA, ERR
  std::optional<RespondedPatient> patient;  // no PID when empty
  std::vector<RespondedOrder> orders;
};

// The ORL^O22 answering `received`, an OML^O21. Never fails.
std::string build_orl_o22(const Message& received, const OrderResponse& response);

// The ORR^O02 answering `received`, an ORM^O01. Never fails.
std::string build_orr_o02(const Message& received, const OrderResponse& response);

}  // namespace aliquot::hl7
