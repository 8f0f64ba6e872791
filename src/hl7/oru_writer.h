#pragma once

// Writes released results as an ORU^R01 message following the HL7 v2.5.1 Lab Results Interface
// implementation guide (LRI; interfaces.md "LRI"): LOINC in OBX-3 with the lab's own code as the
// alternate, UCUM in OBX-6, the performing laboratory in OBX-23/24/25, time zone offsets on
// every time, and the profile named in MSH-21.
//
// Structure written (v2.5.1 chapter 7, ORU^R01; interfaces.md "Message structures"):
//   MSH PID { ORC OBR { OBX } SPM }...
// One ORC/OBR group per specimen and ordered service: observations that share an accession number
// and an `ordered_as` service (or, without one, the test itself) form one group, in the order
// their first observation appears in the report. OBR-25 is C when any result of the group is
// corrected, else F; OBR-22 is the latest release or correction time of the group.
//
// Field choices worth knowing (the tests assert each one):
//   OBX-2/5   NM with the number rounded to the decimals it was reported with
//             (core::format_decimal, value.decimals); SN "<^0.01" when a comparator is set; CWE
//             "answer^answer^L" for coded answers (the catalog has no SNOMED CT codes); ST for text
//             (also the text a numeric test may carry instead of a number, "Not calculated: ...")
//   OBX-6/7   the unit for numbers; the reference range when the value is of the test's kind,
//             so none for a numeric test reported as text
//   OBX-3     LOINC^name^LN^code^name^L (code^name^L alone when the test has no LOINC); OBR-4 the
//             same for the ordered service
//   OBX-11    F or C; OBX-14 the collection time; OBX-19 the time the result was entered
//   ORC-2, OBR-2 the placer order number (core::Order::placer_order_number) when the order came
//             from an EHR, empty for an order placed in the lab (LRI usage RE)
//   ORC-3, OBR-3 the lab's order number (the filler order number; LRI usage R)
//   ORC-12, OBR-16 the provider's name in XCN-2
//   SPM-2.2   the accession number (assigned by the lab, the filler); SPM-4 table 0487
//
// Only released results (final or corrected) leave the lab: write_oru_r01() refuses a report
// holding any other result and names it. Stateless; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/order.h"
#include "core/patient.h"
#include "core/specimen.h"
#include "core/test_definition.h"
#include "core/test_result.h"
#include "core/time.h"

namespace aliquot::hl7 {

// The laboratory that performed the tests (OBX-23/24/25; required by LRI and by CLIA reporting
// rules, 42 CFR 493.1291(c)).
struct PerformingOrganization {
  std::string name;     // "Aliquot Community Laboratory"
  std::string clia_id;  // CLIA certificate number, e.g. "05D2191150"
  std::string street;
  std::string city;
  std::string state;
  std::string postal_code;
  std::string country;      // ISO 3166 alpha-3, e.g. "USA"
  std::string director_id;  // e.g. the director's NPI; may be empty
  std::string director_family_name;
  std::string director_given_name;
};

// A panel or other ordered service several results were ordered as (OBR-4). `loinc` may be empty.
struct OrderedService {
  std::string code;  // the lab's code, e.g. "BMP"
  std::string name;
  std::string loinc;
};

// One result with what is needed to describe it: the specimen it was measured on and the test's
// catalog definition.
struct OruObservation {
  core::Specimen specimen;
  core::TestResult result;
  core::TestDefinition test;
  std::optional<OrderedService> ordered_as;  // empty: the test was ordered on its own
  // The result's comments for the report, each sent as an NTE after the OBX (NTE-2 "L": from
  // the lab; NTE-3 one repetition per line).
  std::vector<std::string> comments;
};

struct OruReport {
  std::string sending_application;    // MSH-3
  std::string sending_facility;       // MSH-4; also the assigning authority of the MRN (PID-3.4)
  std::string receiving_application;  // MSH-5
  std::string receiving_facility;     // MSH-6
  std::string control_id;             // MSH-10
  core::Instant message_time{};       // MSH-7
  core::Patient patient;
  core::Order order;
  std::vector<OruObservation> observations;
  PerformingOrganization performing_organization;
};

// The LRI message profile named in MSH-21: common component, non-globally-unique identifiers
// (NG: we identify facilities by name, not by OID) and results-unsolicited. OIDs from the LRI
// v2.5.1 implementation guide's profile component list (LRI_Common 9.16, NG 9.13, RU 9.14).
inline constexpr std::string_view kLriProfileOids[][2] = {
    {"LRI_Common_Component", "2.16.840.1.113883.9.16"},
    {"LRI_NG_Component", "2.16.840.1.113883.9.13"},
    {"LRI_RU_Component", "2.16.840.1.113883.9.14"},
};

// HL7 table 0487 code and text for a catalog specimen type ("serum" -> SER "Serum"); empty when
// the type has no mapping.
struct SpecimenTypeCode {
  std::string_view code;
  std::string_view text;
};
std::optional<SpecimenTypeCode> hl7_specimen_type(std::string_view catalog_specimen_type);

// The ORU^R01 bytes (segments end with CR). Fails with FailedPrecondition when a result is not
// released ("result 17 (K, accession 26-000123) is pending, not released: only final or
// corrected results are sent"), and with InvalidArgument when the report has no observations, a
// released result has no value or a number that is not finite, or a specimen type has no HL7
// table 0487 code.
Result<std::string> write_oru_r01(const OruReport& report);

}  // namespace aliquot::hl7
