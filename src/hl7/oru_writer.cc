#include "hl7/oru_writer.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "core/enums.h"
#include "hl7/builder.h"
#include "hl7/dtm.h"

namespace aliquot::hl7 {
namespace {

// CLIA numbers are assigned by CMS; LRI names their assigning authority by this OID
// (HL7 OID registry: 2.16.840.1.113883.4.7, "CLIA").
constexpr std::string_view kCliaOid = "2.16.840.1.113883.4.7";

// One component: its subcomponents.
using Component = std::initializer_list<std::string_view>;

// Writes field `number` from its components, leaving out empty trailing components and
// subcomponents (and the whole field when everything is empty), so that the message carries no
// runs of delimiters that say nothing.
void put(MessageBuilder& builder, int number, std::initializer_list<Component> components) {
  const auto is_empty = [](const Component& component) {
    return std::all_of(component.begin(), component.end(),
                       [](std::string_view text) { return text.empty(); });
  };
  std::size_t count = components.size();
  while (count > 0 && is_empty(components.begin()[count - 1])) --count;
  for (std::size_t i = 0; i < count; ++i) {
    const Component& component = components.begin()[i];
    std::size_t parts = component.size();
    while (parts > 0 && component.begin()[parts - 1].empty()) --parts;
    const std::string_view first = parts > 0 ? component.begin()[0] : std::string_view();
    if (i == 0) {
      builder.field_at(number, first);
    } else {
      builder.component(first);
    }
    for (std::size_t j = 1; j < parts; ++j) builder.subcomponent(component.begin()[j]);
  }
}

std::string optional_dtm(const std::optional<core::Instant>& instant) {
  return instant.has_value() ? format_dtm(*instant) : std::string();
}

// "result 17 (K, accession 26-000123)": how errors name a result.
std::string describe_result(const OruObservation& observation) {
  return "result " + std::to_string(observation.result.id) + " (" + observation.result.test_code +
         ", accession " + observation.specimen.accession_number + ")";
}

// A coded identifier as LRI wants it (CWE): LOINC first when there is one, the lab's own code
// as the alternate identifier (components 4-6, coding system "L", HL7 table 0396 local code).
void put_coded(MessageBuilder& builder, int number, std::string_view loinc, std::string_view code,
               std::string_view name) {
  if (loinc.empty()) {
    put(builder, number, {{code}, {name}, {"L"}});
  } else {
    put(builder, number, {{loinc}, {name}, {"LN"}, {code}, {name}, {"L"}});
  }
}

// The ORC/OBR group an observation belongs to.
struct Group {
  std::string accession_number;
  std::string service_code;
  std::vector<const OruObservation*> observations;
};

std::string_view service_code(const OruObservation& observation) {
  return observation.ordered_as.has_value() ? std::string_view(observation.ordered_as->code)
                                            : std::string_view(observation.test.code);
}

Result<void> check_observation(const OruObservation& observation) {
  const core::TestResult& result = observation.result;
  if (!core::is_released(result.status)) {
    return failed_precondition(describe_result(observation) + " is " +
                               std::string(core::to_code(result.status)) +
                               ", not released: only final or corrected results are sent");
  }
  if (!result.value.has_value()) {
    return invalid_argument(describe_result(observation) + " is released but has no value");
  }
  if (result.value->kind == core::ResultKind::kNumeric && !std::isfinite(result.value->number)) {
    return invalid_argument(describe_result(observation) + " has no finite number to report");
  }
  if (!hl7_specimen_type(observation.specimen.specimen_type).has_value()) {
    return invalid_argument("specimen type '" + observation.specimen.specimen_type +
                            "' of accession " + observation.specimen.accession_number +
                            " has no HL7 table 0487 code");
  }
  return ok();
}

void write_header(MessageBuilder& builder, const OruReport& report) {
  builder.segment("MSH");
  put(builder, 3, {{report.sending_application}});
  put(builder, 4, {{report.sending_facility}});
  put(builder, 5, {{report.receiving_application}});
  put(builder, 6, {{report.receiving_facility}});
  builder.field_at(7, format_dtm(report.message_time));
  builder.field_at(9, "ORU").component("R01").component("ORU_R01");
  builder.field_at(10, report.control_id);
  builder.field_at(11, "P");  // production (HL7 table 0103)
  builder.field_at(12, "2.5.1");
  // Accept acknowledgment always, application acknowledgment never: the commit ACK tells us the
  // results arrived (LRI examples use AL/NE).
  builder.field_at(15, "AL");
  builder.field_at(16, "NE");
  bool first = true;
  for (const auto& profile : kLriProfileOids) {
    if (first) {
      builder.field_at(21, profile[0]);
      first = false;
    } else {
      builder.repetition(profile[0]);
    }
    builder.component("").component(profile[1]).component("ISO");
  }
}

void write_patient(MessageBuilder& builder, const OruReport& report) {
  const core::Patient& patient = report.patient;
  builder.segment("PID");
  builder.field_at(1, "1");
  put(builder, 3, {{patient.mrn}, {}, {}, {report.sending_facility}, {"MR"}});
  put(builder, 5, {{patient.family_name}, {patient.given_name}});
  builder.field_at(7, format_dt(patient.birth_date));
  builder.field_at(8, core::to_code(patient.sex));
}

void write_observation(MessageBuilder& builder, int set_id, const OruObservation& observation,
                       const PerformingOrganization& lab) {
  const core::TestResult& result = observation.result;
  const core::ResultValue& value = *result.value;
  builder.segment("OBX");
  builder.field_at(1, std::to_string(set_id));
  switch (value.kind) {
    case core::ResultKind::kNumeric: {
      // The number as the lab reported it: rounded to the reported decimals (test_result.h).
      const std::string number = core::format_decimal(value.number, value.decimals);
      if (value.comparator.empty()) {
        builder.field_at(2, "NM");
        put_coded(builder, 3, observation.test.loinc, observation.test.code, observation.test.name);
        builder.field_at(5, number);
      } else {
        // A value beyond a measuring-range limit is a structured numeric, "<^0.01"
        // (v2.5.1 section 2.A.72, SN: comparator ^ num1).
        builder.field_at(2, "SN");
        put_coded(builder, 3, observation.test.loinc, observation.test.code, observation.test.name);
        builder.field_at(5, value.comparator).component(number);
      }
      break;
    }
    case core::ResultKind::kCoded:
      builder.field_at(2, "CWE");
      put_coded(builder, 3, observation.test.loinc, observation.test.code, observation.test.name);
      // The catalog's answers are the lab's own words, not SNOMED CT concepts: sent as local
      // codes (HL7 table 0396 "L") with the answer as the text.
      put(builder, 5, {{value.text}, {value.text}, {"L"}});
      break;
    case core::ResultKind::kText:
      builder.field_at(2, "ST");
      put_coded(builder, 3, observation.test.loinc, observation.test.code, observation.test.name);
      builder.field_at(5, value.text);
      break;
  }
  const std::string& unit = value.unit.empty() ? observation.test.unit : value.unit;
  if (value.kind == core::ResultKind::kNumeric && !unit.empty()) {
    put(builder, 6, {{unit}, {}, {"UCUM"}});
  }
  // A reference range describes values of the test's kind: a numeric test reported as text (a
  // calculation that must not be reported gives its reason instead) has no range to send.
  if (value.kind == observation.test.kind) put(builder, 7, {{result.reference_range}});
  put(builder, 8, {{core::to_code(result.flag)}});
  builder.field_at(11, result.status == core::ResultStatus::kCorrected ? "C" : "F");
  builder.field_at(14, format_dtm(observation.specimen.collected_at));
  // Who performed the test (XCN ID number: the lab's username) and on which instrument (EI):
  // the test record's "who performed it" (CLIA §493.1283) travels with the result.
  put(builder, 16, {{result.performed_by}});
  put(builder, 18, {{result.instrument}});
  put(builder, 19, {{optional_dtm(result.entered_at)}});
  put(builder, 23,
      {{lab.name}, {}, {}, {}, {}, {"CLIA", kCliaOid, "ISO"}, {"XX"}, {}, {}, {lab.clia_id}});
  put(builder, 24,
      {{lab.street}, {}, {lab.city}, {lab.state}, {lab.postal_code}, {lab.country}, {"B"}});
  put(builder, 25, {{lab.director_id}, {lab.director_family_name}, {lab.director_given_name}});
  int comment_id = 0;
  for (const std::string& comment : observation.comments) {
    builder.segment("NTE");
    builder.field_at(1, std::to_string(++comment_id));
    builder.field_at(2, "L");
    // A line break is a new repetition of the formatted text, never a CR inside the segment.
    std::string_view rest = comment;
    std::size_t end = rest.find('\n');
    builder.field_at(3, rest.substr(0, end));
    while (end != std::string_view::npos) {
      rest.remove_prefix(end + 1);
      end = rest.find('\n');
      builder.repetition(rest.substr(0, end));
    }
  }
}

void write_specimen(MessageBuilder& builder, const core::Specimen& specimen) {
  const SpecimenTypeCode type = *hl7_specimen_type(specimen.specimen_type);
  builder.segment("SPM");
  builder.field_at(1, "1");
  // SPM-2 (EIP): the accession number is assigned by the lab, the filler: component 2.
  put(builder, 2, {{}, {specimen.accession_number}});
  put(builder, 4, {{type.code}, {type.text}, {"HL70487"}});
  builder.field_at(17, format_dtm(specimen.collected_at));
  put(builder, 18, {{optional_dtm(specimen.received_at)}});
}

void write_group(MessageBuilder& builder, int set_id, const Group& group, const OruReport& report) {
  const OruObservation& first = *group.observations.front();
  bool corrected = false;
  std::optional<core::Instant> reported_at;
  for (const OruObservation* observation : group.observations) {
    const core::TestResult& result = observation->result;
    if (result.status == core::ResultStatus::kCorrected) corrected = true;
    for (const auto& at : {result.released_at, result.corrected_at}) {
      if (at.has_value() && (!reported_at.has_value() || *at > *reported_at)) reported_at = at;
    }
  }
  // ORC-2/OBR-2 carry the placer's own order number, by which the EHR matches the report to its
  // order; ORC-3/OBR-3 the lab's order number (the filler's). LRI gives the placer order number
  // usage RE (required when known, else empty) and the filler order number usage R: an order
  // placed in the lab (a paper requisition) has no placer number and the fields stay empty
  // rather than repeating the filler's — the filler number alone identifies the order under the
  // LRI_RU_Component named in MSH-21. ORC-2 and OBR-2 are always identical, as are ORC-3 and
  // OBR-3.
  const std::string& placer_number = report.order.placer_order_number;
  const std::string& order_number = report.order.order_number;
  builder.segment("ORC");
  builder.field_at(1, "RE");  // observations to follow (HL7 table 0119)
  put(builder, 2, {{placer_number}});
  put(builder, 3, {{order_number}});
  // The ordering provider is known by name only: sent as the family name component of XCN.
  put(builder, 12, {{}, {report.order.ordering_provider}});

  builder.segment("OBR");
  builder.field_at(1, std::to_string(set_id));
  put(builder, 2, {{placer_number}});
  put(builder, 3, {{order_number}});
  if (first.ordered_as.has_value()) {
    put_coded(builder, 4, first.ordered_as->loinc, first.ordered_as->code, first.ordered_as->name);
  } else {
    put_coded(builder, 4, first.test.loinc, first.test.code, first.test.name);
  }
  builder.field_at(7, format_dtm(first.specimen.collected_at));
  put(builder, 16, {{}, {report.order.ordering_provider}});
  put(builder, 22, {{optional_dtm(reported_at)}});
  builder.field_at(25, corrected ? "C" : "F");

  int observation_id = 0;
  for (const OruObservation* observation : group.observations) {
    write_observation(builder, ++observation_id, *observation, report.performing_organization);
  }
  write_specimen(builder, first.specimen);
}

}  // namespace

// HL7 table 0487 (specimen type). Both catalog plasma types are plasma to a receiver; the
// anticoagulant is the container's business.
std::optional<SpecimenTypeCode> hl7_specimen_type(std::string_view catalog_specimen_type) {
  if (catalog_specimen_type == "serum") return SpecimenTypeCode{"SER", "Serum"};
  if (catalog_specimen_type == "whole-blood") return SpecimenTypeCode{"BLD", "Whole blood"};
  if (catalog_specimen_type == "plasma" || catalog_specimen_type == "plasma-heparin" ||
      catalog_specimen_type == "plasma-citrate") {
    return SpecimenTypeCode{"PLAS", "Plasma"};
  }
  if (catalog_specimen_type == "urine") return SpecimenTypeCode{"UR", "Urine"};
  return std::nullopt;
}

Result<std::string> write_oru_r01(const OruReport& report) {
  if (report.observations.empty()) {
    return invalid_argument("ORU^R01 for order " + report.order.order_number +
                            " has no observations to send");
  }
  std::vector<Group> groups;
  for (const OruObservation& observation : report.observations) {
    ALIQUOT_RETURN_IF_ERROR(check_observation(observation));
    const std::string_view code = service_code(observation);
    auto group = std::find_if(groups.begin(), groups.end(), [&](const Group& candidate) {
      return candidate.accession_number == observation.specimen.accession_number &&
             candidate.service_code == code;
    });
    if (group == groups.end()) {
      groups.push_back(Group{observation.specimen.accession_number, std::string(code), {}});
      group = groups.end() - 1;
    }
    group->observations.push_back(&observation);
  }

  MessageBuilder builder;
  write_header(builder, report);
  write_patient(builder, report);
  int set_id = 0;
  for (const Group& group : groups) write_group(builder, ++set_id, group, report);
  return builder.finish();
}

}  // namespace aliquot::hl7
