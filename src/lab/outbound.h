#pragma once

// Results leaving the lab as HL7 v2 ORU^R01 messages (LRI profile, hl7/oru_writer.h) through the
// outbox (ARCHITECTURE decision 4): the message is written in the transaction that releases or
// corrects the result, so a committed release always has its report queued and a refused one
// never has. The outbox sender (outbox/sender.h) delivers it later, with retries.
//
// Configuration is data: lab settings (store settings, key -> value), set with
// set_outbound_setting() (`aliquot outbox destination set NAME|off`, `aliquot outbox setting KEY
// VALUE`).
// Every key, its meaning and its default are listed by outbound_setting_keys():
//
//   outbound.results.destination          where released results go ("ehr"); empty or absent:
//                                          nothing is queued (the lab sends no results)
//   outbound.hl7.sending_application      MSH-3; default "ALIQUOT"
//   outbound.hl7.sending_facility         MSH-4 and the MRN's assigning authority; default the
//                                          lab's name (lab.name)
//   outbound.results.receiving_application MSH-5; default the destination's name
//   outbound.results.receiving_facility   MSH-6; default empty
//   lab.clia_id, lab.street, lab.city, lab.state, lab.postal_code, lab.country,
//   lab.director_id, lab.director_family_name, lab.director_given_name
//                                          the performing laboratory (OBX-23/24/25, with lab.name
//                                          as OBX-23's name); default empty
//   lab.time_zone                          the lab's time zone (IANA name) for times received
//                                          without an offset (lab/lab_time_zone.h); default
//                                          the machine's zone
//
// One message reports one result, when it is released and again when it is corrected: the
// receiver gets every report in the order the lab made them (outbox/sender.h keeps that order).
//
// Queued messages are not changes to patient data, so queueing writes no audit entry; the
// message's subject names the result ("ACCESSION/TEST") for people looking at the outbox.
// Changing a setting is audited (action setting.set), as initialize_lab does for lab.name.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/order.h"
#include "core/patient.h"
#include "core/specimen.h"
#include "core/test_result.h"
#include "hl7/oru_writer.h"
#include "lab/context.h"
#include "store/store.h"

namespace aliquot::lab {

inline constexpr std::string_view kOutboundResultsDestination = "outbound.results.destination";
inline constexpr std::string_view kOutboundSendingApplication = "outbound.hl7.sending_application";
inline constexpr std::string_view kOutboundSendingFacility = "outbound.hl7.sending_facility";
inline constexpr std::string_view kOutboundReceivingApplication =
    "outbound.results.receiving_application";
inline constexpr std::string_view kOutboundReceivingFacility =
    "outbound.results.receiving_facility";

// MSH-10 of every queued message is this prefix and the next value of the counter
// kOutboundSequence ("ALQ17"): unique in the lab's database and never reused, so receivers can
// dedupe redelivered messages (delivery is at-least-once).
inline constexpr std::string_view kControlIdPrefix = "ALQ";
inline constexpr std::string_view kOutboundSequence = "outbound.hl7";

// One setting a lab may set for outgoing messages.
struct OutboundSettingKey {
  std::string_view key;
  std::string_view meaning;
  std::string_view default_value;  // as a person reads it ("lab.name", "empty")
};
// Every key, in the order above.
const std::vector<OutboundSettingKey>& outbound_setting_keys();

// The settings in force, defaults applied.
struct OutboundSettings {
  std::string results_destination;  // empty: results are not sent
  std::string sending_application;
  std::string sending_facility;
  std::string receiving_application;
  std::string receiving_facility;
  hl7::PerformingOrganization performing_organization;
};
Result<OutboundSettings> read_outbound_settings(store::Transaction& tx);

// The destination of released results, std::nullopt when none is configured.
Result<std::optional<std::string>> outbound_results_destination(store::Transaction& tx);

// The panel `test_code` was ordered as (OBR-4), from the order's requested codes in the order
// the provider gave them: the first that is the test itself (std::nullopt: ordered on its own) or
// a catalog panel whose expansion holds the test (that panel). std::nullopt also when no
// requested code (any longer) covers the test. Panels carry no LOINC in the catalog: `loinc` is
// empty and OBR-4 names the lab's code.
std::optional<hl7::OrderedService> ordered_service(const catalog::Catalog& catalog,
                                                   const core::Order& order,
                                                   std::string_view test_code);

// A released result with what its report names.
struct ReportedResult {
  const core::Patient& patient;
  const core::Order& order;
  const core::Specimen& specimen;
  const core::TestResult& result;  // final or corrected
};

// When a results destination is configured, writes the ORU^R01 reporting `reported.result`
// (OBX-11 F for a final result, C for a corrected one) into the outbox of `tx`: pending, due at
// `now`, subject "ACCESSION/TEST". Returns the queued message, or std::nullopt when no
// destination is configured (nothing is written). A test no longer in the catalog is reported
// by its code alone. FailedPrecondition when the message cannot be written (e.g. a specimen type
// without an HL7 table 0487 code), naming the result and the destination: the release is then
// refused as a whole, because a result the lab has committed to send must not silently stay
// behind.
Result<std::optional<store::OutboxMessage>> queue_result_report(store::Transaction& tx,
                                                                const Context& ctx,
                                                                const ReportedResult& reported,
                                                                core::Instant now);

struct SetOutboundSetting {
  std::string key;    // one of outbound_setting_keys()
  std::string value;  // empty: back to the default (for the destination: off)
};
// Sets one setting, audited (setting.set, before and after). PermissionDenied unless the actor
// may manage interfaces; InvalidArgument for an unknown key (the error lists the known ones), a
// destination name that is not 1 to 64 of a-z 0-9 . _ -, a CLIA number not of the form
// 99D9999999, a country that is not three upper-case letters (ISO 3166 alpha-3), or a time zone
// the system's time zone database does not have.
Result<void> set_outbound_setting(store::Transaction& tx, const Context& ctx,
                                  const SetOutboundSetting& command);

// Puts a failed outbox message back to pending, due now, with attempts reset to 0; its
// last_error keeps the history ("retried by admin at 2026-...; before: ..."). Not audited: the
// outbox is not patient data. PermissionDenied unless the actor may manage interfaces; NotFound
// for an unknown id; FailedPrecondition when the message is not failed, or when a later message
// about the same subject was already delivered to the same destination (sending the older one
// now would make the receiver show a superseded report, e.g. the original after its correction).
Result<store::OutboxMessage> retry_outbox_message(store::Transaction& tx, const Context& ctx,
                                                  std::int64_t id);

}  // namespace aliquot::lab
