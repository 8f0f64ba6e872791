#include "ingest/hl7_ingest.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "calc/default_calculation_set.h"
#include "hl7/check.h"
#include "hl7/dtm.h"
#include "hl7/message_structure.h"
#include "hl7/order_response.h"
#include "ingest/measurement_time.h"
#include "ingest/qc_readings.h"
#include "ingest/text.h"
#include "ingest/time_reader.h"
#include "lab/use_cases.h"

namespace aliquot::ingest {
namespace {

// The unescaped text of SEG-field.component[.subcomponent] (first repetition), trimmed.
std::string text_of(const hl7::Segment& segment, int field, int component = 1,
                    int subcomponent = 0) {
  hl7::Value value = segment.field(field).repetition(1).component(component);
  if (subcomponent > 0) value = value.subcomponent(subcomponent);
  if (!value.has_value()) return "";
  return trim(value.text());
}

// "OBX(3)": how refusals name a segment.
std::string name_of(const hl7::Segment& segment, int occurrence) {
  return std::string(segment.id()) + "(" + std::to_string(occurrence) + ")";
}

// The catalog test for an HL7 coded element: the catalog code in component 1 (local codes), the
// LOINC in component 1 when the coding system is LN, else the alternate code (component 4).
const core::TestDefinition* find_coded_test(const catalog::Catalog& catalog,
                                            const hl7::Segment& segment, int field) {
  const std::string code = text_of(segment, field, 1);
  const std::string system = text_of(segment, field, 3);
  const std::string alternate = text_of(segment, field, 4);
  auto by_loinc = [&](const std::string& loinc) -> const core::TestDefinition* {
    if (loinc.empty()) return nullptr;
    for (const core::TestDefinition& test : catalog.tests()) {
      if (test.loinc == loinc) return &test;
    }
    return nullptr;
  };
  if (equals_ignoring_case(system, "LN")) {
    if (const auto* test = by_loinc(code)) return test;
    return alternate.empty() ? nullptr : catalog.find_test(alternate);
  }
  if (const auto* test = catalog.find_test(code)) return test;
  if (const auto* test = catalog.find_test(alternate)) return test;
  return equals_ignoring_case(text_of(segment, field, 6), "LN") ? by_loinc(alternate) : nullptr;
}

// OBX-5 as the lab's result entry reads it, by OBX-2.
std::string observation_value(const hl7::Segment& obx) {
  const std::string type = text_of(obx, 2);
  const hl7::Value value = obx.field(5).repetition(1);
  if (type == "SN") {
    const std::string comparator = trim(value.component(1).text());
    const std::string first = trim(value.component(2).text());
    const std::string separator = trim(value.component(3).text());
    const std::string second = trim(value.component(4).text());
    if (separator.empty()) return comparator + first;
    return comparator + first + separator + second;  // a ratio or range, read as text
  }
  if (type == "CE" || type == "CWE" || type == "CNE" || type == "CF") {
    const std::string text = trim(value.component(2).text());
    return text.empty() ? trim(value.component(1).text()) : text;
  }
  return trim(value.text());
}

// OBX-11 statuses that carry a value to record (table 0085).
bool status_posts_value(std::string_view status) {
  return status.empty() || status == "F" || status == "P" || status == "C" || status == "R" ||
         status == "S";
}

std::string provider_name(const hl7::Segment& segment, int field) {
  const std::string family = text_of(segment, field, 2, 1);
  const std::string given = text_of(segment, field, 3);
  const std::string id = text_of(segment, field, 1);
  std::string name = trim(given + " " + family);
  if (name.empty()) name = id;
  return name;
}

core::Priority priority_from(std::string_view code, core::Priority fallback) {
  if (code == "S") return core::Priority::kStat;
  if (code == "A") return core::Priority::kAsap;
  if (code == "R") return core::Priority::kRoutine;
  return fallback;
}

bool is_order_message(std::string_view type) { return type == "OML^O21" || type == "ORM^O01"; }

// What ORC-1 asks for (HL7 table 0119). Empty reads as NW: senders that only ever send new
// orders often leave it out.
enum class Request { kNew, kCancel, kUnsupported };

Request request_of(std::string_view control) {
  if (control.empty() || control == "NW") return Request::kNew;
  if (control == "CA") return Request::kCancel;
  return Request::kUnsupported;
}

// The reason a cancellation is recorded with when the ordering system gives none (ORC-16).
constexpr std::string_view kDefaultCancelReason = "cancelled by the ordering system";

// One ORC of an order message with the OBR that follows it (OML^O21 and ORM^O01 ORDER group:
// ORC [TQ1...] [OBR ...]; the structure check has made sure every order group starts with ORC).
struct OrderGroup {
  std::string where;             // "ORC(2)"
  std::string control;           // ORC-1 as sent
  std::string placer;            // ORC-2.1, else OBR-2.1
  std::string placer_namespace;  // ORC-2.2, else OBR-2.2
  std::string cancel_reason;     // ORC-16: the text, else the identifier
  std::string obr_where;         // "OBR(2)"; empty when the ORC has no OBR
  std::string service_identifier, service_text, service_coding_system;  // OBR-4.1, .2, .3
};

std::vector<OrderGroup> order_groups(const hl7::Message& message) {
  std::vector<OrderGroup> groups;
  std::map<std::string, int, std::less<>> occurrences;
  for (const hl7::Segment segment : message.segments()) {
    const int occurrence = ++occurrences[std::string(segment.id())];
    if (segment.id() == "ORC") {
      OrderGroup group;
      group.where = name_of(segment, occurrence);
      group.control = text_of(segment, 1);
      group.placer = text_of(segment, 2);
      group.placer_namespace = text_of(segment, 2, 2);
      group.cancel_reason = text_of(segment, 16, 2);
      if (group.cancel_reason.empty()) group.cancel_reason = text_of(segment, 16, 1);
      groups.push_back(std::move(group));
    } else if (segment.id() == "OBR" && !groups.empty() && groups.back().obr_where.empty()) {
      OrderGroup& group = groups.back();
      group.obr_where = name_of(segment, occurrence);
      if (group.placer.empty()) {
        group.placer = text_of(segment, 2);
        group.placer_namespace = text_of(segment, 2, 2);
      }
      group.service_identifier = text_of(segment, 4, 1);
      group.service_text = text_of(segment, 4, 2);
      group.service_coding_system = text_of(segment, 4, 3);
    }
  }
  return groups;
}

// The order group of the reply that answers `group`, without its control and filler number.
hl7::RespondedOrder responded(const OrderGroup& group) {
  hl7::RespondedOrder order;
  order.placer_order_number = group.placer;
  order.placer_namespace = group.placer_namespace;
  order.service_identifier = group.service_identifier;
  order.service_text = group.service_text;
  order.service_coding_system = group.service_coding_system;
  return order;
}

// The patient of the reply as the lab has it; PID-3.4 as the sender named it.
hl7::RespondedPatient responded(const core::Patient& patient, const hl7::Segment& pid) {
  hl7::RespondedPatient out;
  out.identifier = patient.mrn;
  out.assigning_authority = text_of(pid, 3, 4);
  out.family_name = patient.family_name;
  out.given_name = patient.given_name;
  if (patient.birth_date.ok()) out.birth_date = patient.birth_date;
  if (patient.sex != core::AdministrativeSex::kUnknown) {
    out.sex = std::string(core::to_code(patient.sex));
  }
  return out;
}

// The patient of the reply as the message names it: the identifier only, for a message the lab
// did not take (the name it sent may be the very thing that was wrong).
std::optional<hl7::RespondedPatient> responded_as_sent(const hl7::Message& message) {
  const std::optional<hl7::Segment> pid = message.find("PID");
  if (!pid || text_of(*pid, 3).empty()) return std::nullopt;
  hl7::RespondedPatient out;
  out.identifier = text_of(*pid, 3);
  out.assigning_authority = text_of(*pid, 3, 4);
  return out;
}

// "K, NA": the codes of results.
std::string test_codes(const std::vector<core::TestResult>& results) {
  std::string codes;
  for (const core::TestResult& result : results) {
    codes += (codes.empty() ? "" : ", ") + result.test_code;
  }
  return codes;
}

// The ERR warning of an order that could not be cancelled in full: accepted (table 0357 code 0,
// severity W), located at the ORC that asked.
hl7::AckError released_warning(const OrderGroup& group, const core::Order& order,
                               const std::vector<core::TestResult>& released) {
  hl7::AckError warning;
  warning.condition = hl7::ErrorCondition::kMessageAccepted;
  warning.severity = hl7::ErrorSeverity::kWarning;
  hl7::ErrorLocation location;
  location.segment = "ORC";
  location.occurrence = std::atoi(group.where.substr(4).c_str());
  location.field = 1;
  warning.location = location;
  warning.user_message = group.where + "-1: order " + order.order_number +
                         (group.placer.empty() ? "" : " (placer " + group.placer + ")") +
                         " is not cancelled in full: " + test_codes(released) +
                         " already released; a released result is withdrawn by correcting it";
  return warning;
}

// OBX-19 as a measurement time (ingest/measurement_time.h). A DTM may stop at the day or the hour;
// read as the start of that day or hour it would make the specimen younger than it was when
// measured, so a measurement time must give the minute at least.
Result<core::Instant> read_analysis_time(TimeReader& times, std::string_view text) {
  const std::size_t digits = std::min(text.find_first_not_of("0123456789"), text.size());
  if (digits < 12) {
    return invalid_argument("'" + std::string(text) +
                            "' does not give the time to the minute (YYYYMMDDHHMM at least)");
  }
  return times.read_dtm(text);
}

}  // namespace

std::vector<hl7::AckError> ack_errors(const Error& error, hl7::ErrorCondition condition) {
  std::vector<hl7::AckError> errors;
  std::string_view rest = error.message();
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    hl7::AckError item;
    item.condition = condition;
    item.user_message = std::string(line);
    // "OBX(3)-5: ..." or "OBX(3): ..." locates the error.
    if (line.size() > 5 && line[3] == '(') {
      const auto close = line.find(')');
      if (close != std::string_view::npos) {
        hl7::ErrorLocation location;
        location.segment = std::string(line.substr(0, 3));
        location.occurrence = std::atoi(std::string(line.substr(4, close - 4)).c_str());
        if (close + 1 < line.size() && line[close + 1] == '-') {
          location.field = std::atoi(std::string(line.substr(close + 2)).c_str());
        }
        if (location.occurrence > 0) item.location = location;
      }
    }
    errors.push_back(std::move(item));
  }
  return errors;
}

Hl7Ingest::Hl7Ingest(const catalog::Catalog& catalog, const InstrumentProfiles& profiles,
                     const core::Clock& clock, Hl7IngestOptions options)
    : catalog_(catalog), profiles_(profiles), clock_(clock), options_(std::move(options)) {}

std::unique_ptr<Hl7Received> Hl7Ingest::receive(std::string bytes, std::string peer) const {
  auto received = std::make_unique<Hl7Received>();
  received->bytes = std::move(bytes);
  received->peer = std::move(peer);
  received->received_at = clock_.now();
  Result<void> parsed = received->message.assign(received->bytes);
  if (!parsed.has_value()) {
    received->unreadable = parsed.error();
    return received;
  }
  const hl7::Segment msh = received->message.header();
  received->sender = text_of(msh, 3) + "^" + text_of(msh, 4);
  received->control_id = text_of(msh, 10);
  received->type = text_of(msh, 9, 1) + "^" + text_of(msh, 9, 2);

  std::vector<hl7::Finding> findings;
  hl7::check_message(received->message, findings);
  const std::string code = text_of(msh, 9, 1);
  const std::string trigger = text_of(msh, 9, 2);
  const bool accepted_type =
      (code == "ORU" && trigger == "R01") || (code == "OUL" && trigger == "R22") ||
      (code == "OML" && trigger == "O21") || (code == "ORM" && trigger == "O01");
  if (!accepted_type) {
    findings.insert(findings.begin(),
                    hl7::Finding{"MSH", 1, 9,
                                 "message type " + received->type +
                                     " is not accepted here (ORU^R01, OUL^R22, OML^O21, ORM^O01)"});
  }
  if (!findings.empty()) {
    std::vector<std::string> lines;
    for (const hl7::Finding& finding : findings) lines.push_back(finding.to_string());
    received->unreadable = invalid_argument(join_lines(lines));
  }
  return received;
}

Result<std::string> Hl7Ingest::apply(store::Transaction& tx, Hl7Received& received) const {
  received.order_reply = {};
  if (received.unreadable) return *received.unreadable;
  ALIQUOT_ASSIGN_OR_RETURN(
      const std::optional<store::AppliedMessage> earlier,
      tx.find_applied_message(store::Channel::kHl7, received.sender, received.control_id));
  if (earlier) {
    if (is_order_message(received.type)) {
      ALIQUOT_RETURN_IF_ERROR(describe_orders(tx, received, earlier->applied_at));
    }
    return "duplicate of message " + received.control_id + " applied " +
           core::format_instant(earlier->applied_at) + " (" + earlier->summary +
           "); not applied again";
  }
  const std::string msh3 = text_of(received.message.header(), 3);
  const InstrumentProfile* profile = profiles_.find_by_sender(Protocol::kHl7, msh3);
  const std::string account = profile ? profile->account() : options_.default_account;

  Result<std::string> summary = (received.type == "ORU^R01" || received.type == "OUL^R22")
                                    ? apply_results(tx, received, account, profile)
                                    : apply_orders(tx, received, account);
  if (!summary.has_value()) return summary;
  store::AppliedMessage applied;
  applied.channel = store::Channel::kHl7;
  applied.sender = received.sender;
  applied.message_id = received.control_id;
  applied.applied_at = clock_.now();
  applied.summary = *summary;
  ALIQUOT_RETURN_IF_ERROR(tx.insert_applied_message(applied));
  return summary;
}

Result<std::string> Hl7Ingest::apply_results(store::Transaction& tx, const Hl7Received& received,
                                             const std::string& account,
                                             const InstrumentProfile* profile) const {
  const hl7::Message& message = received.message;
  const bool specimen_first = received.type == "OUL^R22";  // SPM before its OBRs

  struct Group {
    std::string accession;
    std::string from_obr3;
    std::string from_obr2;
    std::string where;  // "OBR(2)"
    std::vector<lab::PostedValue> values;
    MeasurementTimes measured;                           // OBX-19 of the values
    std::vector<std::optional<core::Instant>> analysed;  // OBX-19 of each value, when usable
    rules::SerumIndices indices;
    // SPM-11 specimen role Q: a control specimen (HL7 table 0369).
    bool control = false;
  };
  std::vector<Group> groups;
  std::vector<std::string> problems;
  // What the message tells without refusing it: a measurement time not used.
  std::vector<std::string> notes;
  TimeReader times(tx);
  std::string current_spm_accession;  // OUL: the SPM the next OBRs belong to
  bool current_spm_control = false;   // OUL: whether that SPM is a control specimen
  int not_reported = 0;
  std::map<std::string, int, std::less<>> occurrences;

  for (const hl7::Segment segment : message.segments()) {
    const int occurrence = ++occurrences[std::string(segment.id())];
    const std::string where = name_of(segment, occurrence);
    if (segment.id() == "SPM") {
      std::string accession = text_of(segment, 2, 2, 1);             // filler assigned id
      if (accession.empty()) accession = text_of(segment, 2, 1, 1);  // placer assigned id
      const bool control = text_of(segment, 11) == "Q";
      if (specimen_first) {
        current_spm_accession = accession;
        current_spm_control = control;
      } else if (!groups.empty()) {
        if (!accession.empty()) groups.back().accession = accession;
        groups.back().control = groups.back().control || control;
      }
    } else if (segment.id() == "OBR") {
      Group group;
      group.where = where;
      group.from_obr3 = text_of(segment, 3);
      group.from_obr2 = text_of(segment, 2);
      if (specimen_first) {
        group.accession = current_spm_accession;
        group.control = current_spm_control;
      }
      groups.push_back(std::move(group));
    } else if (segment.id() == "OBX") {
      if (groups.empty()) {
        problems.push_back(where + ": observation outside any OBR");
        continue;
      }
      const std::string status = text_of(segment, 11);
      if (!status_posts_value(status)) {
        ++not_reported;
        continue;
      }
      lab::PostedValue value;
      value.label = where;
      value.value = observation_value(segment);
      value.unit = text_of(segment, 6);
      // OBX-16 responsible observer: the operator, recorded as who performed the test and
      // checked for their qualification on a point-of-care device.
      value.operator_id = text_of(segment, 16);
      // OBX-8: the sender's abnormal flags, every repetition; the rules decide which of them
      // hold the result.
      for (const hl7::Value repetition : segment.field(8).repetitions()) {
        const hl7::Value flag = repetition.component(1);
        if (flag.has_value()) {
          if (std::string text = trim(flag.text()); !text.empty()) {
            value.flags.push_back(std::move(text));
          }
        }
      }
      // A serum index is no result: it goes with the specimen to the rules.
      if (profile != nullptr) {
        if (const std::optional<SerumIndex> index = index_for_code(*profile, text_of(segment, 3))) {
          if (Result<void> set =
                  set_serum_index(*index, text_of(segment, 3), value.value, groups.back().indices);
              !set.has_value()) {
            problems.push_back(where + "-5: " + set.error().message());
          }
          continue;
        }
      }
      if (value.value.empty()) {
        problems.push_back(where + "-5: no value (OBX-11 '" + status +
                           "' says a value was reported)");
        continue;
      }
      if (profile != nullptr) {
        Result<MappedTest> mapped = map_test(*profile, text_of(segment, 3), value.unit, catalog_);
        if (!mapped.has_value()) {
          problems.push_back(where + "-3: " + mapped.error().message());
          continue;
        }
        if (mapped->test_code.empty()) continue;  // a code the lab does not file
        value.test_code = mapped->test_code;
        value.unit = mapped->unit;
      } else {
        const core::TestDefinition* test = find_coded_test(catalog_, segment, 3);
        if (test == nullptr) {
          problems.push_back(where + "-3: observation '" + text_of(segment, 3) + "^" +
                             text_of(segment, 3, 2) + "^" + text_of(segment, 3, 3) +
                             "' is not a test of the catalog (by code or LOINC)");
          continue;
        }
        value.test_code = test->code;
      }
      // OBX-19, the time of the analysis: a time that cannot be read does not refuse the
      // results, it only leaves the value measured on receipt.
      std::optional<core::Instant> analysed_at;
      if (const std::string analysed = text_of(segment, 19); !analysed.empty()) {
        if (Result<core::Instant> at = read_analysis_time(times, analysed); at.has_value()) {
          analysed_at = *at;
        } else if (is_store_failure(at.error())) {
          return at.error();
        } else {
          notes.push_back(where + "-19: " + at.error().message() + "; judged as measured now");
        }
      }
      if (analysed_at) {
        groups.back().measured.add(*analysed_at);
      } else {
        groups.back().measured.add_unknown();
      }
      groups.back().analysed.push_back(analysed_at);
      groups.back().values.push_back(std::move(value));
    }
  }

  // One post per specimen, however many OBR groups name it; the groups of control specimens
  // are QC runs.
  std::vector<lab::PostResults> posts;
  std::vector<MeasurementTimes> measured;  // of each post
  QcReadings controls;
  int controls_not_filed = 0;
  for (Group& group : groups) {
    if (group.accession.empty()) group.accession = group.from_obr3;
    if (group.accession.empty()) group.accession = group.from_obr2;
    if (group.values.empty()) continue;
    if (group.accession.empty()) {
      problems.push_back(group.where + ": no specimen id (SPM-2, OBR-3 and OBR-2 are empty)");
      continue;
    }
    // A control specimen: SPM-11 Q, or a sample id the lab registered for a control material on
    // the instrument (many analyzers report QC like patient specimens).
    bool control = group.control;
    if (profile != nullptr) {
      ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::int64_t> material,
                               tx.find_qc_sample_id(profile->id, group.accession));
      if (material) {
        control = true;
      } else if (group.control) {
        // An instrument without any registered control sample id has its QC kept elsewhere:
        // counted, not filed. Otherwise the lab forgot to register this control.
        ALIQUOT_ASSIGN_OR_RETURN(const bool keeps_qc, tx.has_qc_sample_ids(profile->id));
        if (keeps_qc) {
          problems.push_back(unregistered_qc_sample(group.where, profile->id, group.accession));
        } else {
          ++controls_not_filed;
        }
        continue;
      }
    } else if (group.control) {
      problems.push_back(group.where + ": control specimen " + group.accession +
                         " (SPM-11 Q) from " + received.sender +
                         ", which has no instrument profile: QC runs are recorded from "
                         "instruments only");
      continue;
    }
    if (control) {
      for (std::size_t i = 0; i < group.values.size(); ++i) {
        controls.add({group.accession, group.values[i].test_code, group.values[i].value,
                      group.values[i].label, group.analysed[i]});
      }
      continue;
    }
    auto post = std::find_if(posts.begin(), posts.end(), [&](const lab::PostResults& p) {
      return p.accession_number == group.accession;
    });
    if (post == posts.end()) {
      posts.push_back({group.accession,
                       {},
                       profile ? profile->name : received.sender,
                       profile ? profile->id : "",
                       {},
                       std::nullopt,
                       profile != nullptr && profile->point_of_care});
      post = posts.end() - 1;
      measured.emplace_back();
    }
    measured[static_cast<std::size_t>(post - posts.begin())].merge(group.measured);
    for (lab::PostedValue& value : group.values) post->values.push_back(std::move(value));
    if (group.indices.hemolysis) post->indices.hemolysis = group.indices.hemolysis;
    if (group.indices.icterus) post->indices.icterus = group.indices.icterus;
    if (group.indices.lipemia) post->indices.lipemia = group.indices.lipemia;
  }
  if (posts.empty() && controls.empty() && controls_not_filed == 0 && problems.empty()) {
    problems.push_back("the message holds no observation to record");
  }
  if (!problems.empty()) return invalid_argument(join_lines(problems));

  core::User actor;
  actor.username = account;
  // The lab's calculations: calculated tests (eGFR, anion gap) are computed from what arrives.
  const lab::Context ctx{.catalog = catalog_,
                         .clock = clock_,
                         .actor = actor,
                         .rules = options_.rules,
                         .qc_policy = options_.qc_policy,
                         .calculations = &calc::default_calculation_set(),
                         .personnel = options_.personnel};
  int recorded = 0, unchanged = 0;
  std::vector<std::string> refusals;
  // QC first: the runs the message reports are in the store when its patient values are judged.
  std::string qc_summary;
  if (profile != nullptr) {
    ALIQUOT_ASSIGN_OR_RETURN(
        qc_summary, controls.record(tx, ctx, profile->id,
                                    "HL7 " + profile->id + " message " + received.control_id,
                                    clock_.now(), notes, refusals));
  }
  for (std::size_t i = 0; i < posts.size(); ++i) {
    lab::PostResults& post = posts[i];
    ALIQUOT_RETURN_IF_ERROR(settle_measured_at(tx, clock_.now(), measured[i], post, notes));
    Result<lab::PostedResults> posted = lab::post_results(tx, ctx, post);
    if (!posted.has_value()) {
      if (is_store_failure(posted.error())) return posted.error();
      // Each line already starts with the OBX it is about; say which specimen.
      refusals.push_back(posted.error().message().find('\n') == std::string::npos &&
                                 posted.error().message().rfind("OBX", 0) != 0
                             ? "specimen " + post.accession_number + ": " + posted.error().message()
                             : posted.error().message());
      continue;
    }
    recorded += posted->recorded;
    unchanged += posted->unchanged;
  }
  if (!refusals.empty()) {
    return failed_precondition(join_lines(refusals));
  }
  std::string summary;
  if (!posts.empty()) {
    summary = std::to_string(recorded) + " result(s) recorded on " + std::to_string(posts.size()) +
              " specimen(s)";
    if (unchanged > 0) summary += ", " + std::to_string(unchanged) + " already stored";
  }
  if (!qc_summary.empty()) summary += (summary.empty() ? "" : "; ") + qc_summary;
  if (not_reported > 0) summary += ", " + std::to_string(not_reported) + " not reported";
  if (controls_not_filed > 0) {
    summary += (summary.empty() ? "" : "; ") + std::to_string(controls_not_filed) +
               " QC sample(s) not filed: no QC sample id is registered for " + profile->id +
               " (its QC is kept elsewhere; `aliquot qc sample-id set` brings it here)";
  }
  for (const std::string& note : notes) summary += "; " + note;
  return summary;
}

Result<std::string> Hl7Ingest::apply_orders(store::Transaction& tx, Hl7Received& received,
                                            const std::string& account) const {
  const hl7::Message& message = received.message;
  core::User actor;
  actor.username = account;
  const lab::Context ctx{catalog_, clock_, actor, options_.rules};
  TimeReader times(tx);
  std::vector<std::string> problems;

  const std::optional<hl7::Segment> pid = message.find("PID");
  if (!pid) return invalid_argument("PID(1): the order names no patient (PID segment missing)");
  const std::string mrn = text_of(*pid, 3);
  const std::string family = text_of(*pid, 5, 1, 1);
  const std::string given = text_of(*pid, 5, 2);
  std::optional<core::Date> birth_date;
  if (const std::string dob = text_of(*pid, 7); !dob.empty()) {
    Result<core::Date> parsed = hl7::parse_dt(dob);
    if (!parsed.has_value()) {
      problems.push_back("PID(1)-7: " + parsed.error().message());
    } else {
      birth_date = *parsed;
    }
  }
  if (mrn.empty()) problems.push_back("PID(1)-3: no patient identifier (MRN)");

  const std::vector<OrderGroup> groups = order_groups(message);
  bool any_new = false;
  for (const OrderGroup& group : groups) {
    switch (request_of(group.control)) {
      case Request::kNew:
        any_new = true;
        if (group.obr_where.empty()) {
          problems.push_back(group.where + ": a new order names no service (no OBR follows)");
        }
        break;
      case Request::kCancel:
        if (group.placer.empty()) {
          problems.push_back(group.where +
                             "-2: the cancel request names no placer order number (ORC-2 and "
                             "OBR-2 are empty)");
        }
        break;
      case Request::kUnsupported:
        problems.push_back(group.where + "-1: order control '" + group.control +
                           "' is not supported (NW new order, CA cancel request)");
        break;
    }
  }

  // The ordered services of the new orders, grouped into orders by placer order number.
  struct Item {
    std::string code;
    std::string where;
  };
  struct PendingOrder {
    std::string placer;
    std::vector<Item> items;
    core::Priority priority = core::Priority::kRoutine;
    std::string provider;
    std::string clinical_info;
    std::optional<core::Instant> collected_at;
  };
  std::vector<PendingOrder> orders;
  std::string orc_placer, orc_provider;
  Request orc_request = Request::kNew;
  core::Priority orc_priority = core::Priority::kRoutine;
  PendingOrder* current = nullptr;
  std::map<std::string, int, std::less<>> occurrences;
  // A collection time, or the reason it cannot be read; a store failure ends the message.
  const auto read_time = [&](std::string_view text, const std::string& where,
                             std::optional<core::Instant>& into) -> Result<void> {
    Result<core::Instant> at = times.read_dtm(text);
    if (at.has_value()) {
      into = *at;
    } else if (is_store_failure(at.error())) {
      return at.error();
    } else {
      problems.push_back(where + ": " + at.error().message());
    }
    return ok();
  };
  for (const hl7::Segment segment : message.segments()) {
    const int occurrence = ++occurrences[std::string(segment.id())];
    const std::string where = name_of(segment, occurrence);
    if (segment.id() == "ORC") {
      orc_request = request_of(text_of(segment, 1));
      orc_placer = text_of(segment, 2);
      orc_provider = provider_name(segment, 12);
      orc_priority = priority_from(text_of(segment, 7, 6), core::Priority::kRoutine);
      current = nullptr;
    } else if (orc_request != Request::kNew) {
      continue;  // what follows a cancel request names the order, it does not order anything
    } else if (segment.id() == "OBR") {
      std::string placer = orc_placer.empty() ? text_of(segment, 2) : orc_placer;
      auto found = std::find_if(orders.begin(), orders.end(),
                                [&](const PendingOrder& o) { return o.placer == placer; });
      if (found == orders.end()) {
        orders.push_back(PendingOrder{placer, {}, orc_priority, orc_provider, "", std::nullopt});
        found = orders.end() - 1;
      }
      current = &*found;
      const core::TestDefinition* test = find_coded_test(catalog_, segment, 4);
      std::string code;
      if (test != nullptr) {
        code = test->code;
      } else if (const auto* panel = catalog_.find_panel(text_of(segment, 4))) {
        code = panel->code;
      } else {
        problems.push_back(where + "-4: service '" + text_of(segment, 4) + "^" +
                           text_of(segment, 4, 2) + "^" + text_of(segment, 4, 3) +
                           "' is not a test or panel of the catalog");
      }
      if (!code.empty()) current->items.push_back({code, where});
      // Several groups of one order: the most urgent priority given wins.
      current->priority = std::max(
          {current->priority, orc_priority, priority_from(text_of(segment, 27, 6), orc_priority)});
      if (current->provider.empty()) current->provider = provider_name(segment, 16);
      if (const std::string info = text_of(segment, 13); !info.empty()) {
        current->clinical_info = info;
      }
      if (const std::string collected = text_of(segment, 7); !collected.empty()) {
        ALIQUOT_RETURN_IF_ERROR(read_time(collected, where + "-7", current->collected_at));
      }
    } else if (segment.id() == "TQ1") {
      // TQ1 follows its ORC and precedes the OBR (OML^O21).
      orc_priority = priority_from(text_of(segment, 9), orc_priority);
    } else if (segment.id() == "SPM" && current != nullptr) {
      if (const std::string collected = text_of(segment, 17); !collected.empty()) {
        ALIQUOT_RETURN_IF_ERROR(read_time(collected, where + "-17", current->collected_at));
      }
    }
  }
  if (groups.empty()) problems.push_back("the message orders no service (no ORC)");
  for (const PendingOrder& order : orders) {
    if (order.provider.empty() && !order.items.empty()) {
      problems.push_back(order.items.front().where +
                         "-16: no ordering provider (ORC-12 and OBR-16 are empty)");
    }
  }
  if (!problems.empty()) return invalid_argument(join_lines(problems));

  // Positive identification: a known MRN must be the same person.
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::Patient> patient, tx.find_patient_by_mrn(mrn));
  if (patient) {
    if (!family.empty() && !equals_ignoring_case(family, patient->family_name)) {
      problems.push_back("PID(1)-5: family name '" + family + "' differs from '" +
                         patient->family_name + "' registered for MRN " + mrn);
    }
    if (birth_date && patient->birth_date.ok() && *birth_date != patient->birth_date) {
      problems.push_back("PID(1)-7: birth date " + core::format_date(*birth_date) +
                         " differs from " + core::format_date(patient->birth_date) +
                         " registered for MRN " + mrn);
    }
    if (!problems.empty()) return failed_precondition(join_lines(problems));
  } else if (!any_new) {
    // A cancel request for a patient the lab never had: there is no order to cancel.
    return not_found("PID(1)-3: no patient with MRN " + mrn +
                     " is registered; there is no order of theirs to cancel");
  } else {
    lab::RegisterPatient registration;
    registration.mrn = mrn;
    registration.family_name = family;
    registration.given_name = given;
    if (birth_date) registration.birth_date = *birth_date;
    const std::string sex = text_of(*pid, 8);
    if (!sex.empty()) {
      Result<core::AdministrativeSex> parsed = core::parse_administrative_sex(sex);
      if (!parsed.has_value()) return invalid_argument("PID(1)-8: " + parsed.error().message());
      registration.sex = *parsed;
    }
    Result<core::Patient> registered = lab::register_patient(tx, ctx, registration);
    if (!registered.has_value()) {
      if (is_store_failure(registered.error())) return registered.error();
      return Error(registered.error().code(), "PID(1): " + registered.error().message());
    }
    patient = *registered;
  }

  Hl7Received::OrderReply reply;
  reply.patient = responded(*patient, *pid);
  std::string summary;
  std::map<std::string, std::string, std::less<>> placed;  // placer -> the lab's order number
  for (const PendingOrder& pending : orders) {
    lab::PlaceOrder command;
    command.mrn = mrn;
    for (const Item& item : pending.items) command.test_codes.push_back(item.code);
    command.priority = pending.priority;
    command.ordering_provider = pending.provider;
    command.clinical_info = pending.clinical_info;
    command.placer_order_number = pending.placer;
    ALIQUOT_ASSIGN_OR_RETURN(const core::Order order, lab::place_order(tx, ctx, command));
    placed[pending.placer] = order.order_number;
    summary += (summary.empty() ? "" : "; ") + std::string("order ") + order.order_number;
    if (!pending.placer.empty()) summary += " (placer " + pending.placer + ")";
    if (pending.collected_at) {
      lab::AccessionOrder accession;
      accession.order_number = order.order_number;
      accession.collected_at = pending.collected_at;
      ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::Specimen> specimens,
                               lab::accession_order(tx, ctx, accession));
      summary += ", specimens";
      for (const core::Specimen& specimen : specimens) summary += " " + specimen.accession_number;
    }
  }

  // Cancel requests, once per placer order number however many ORCs repeat it.
  std::map<std::string, lab::CancelledOrder, std::less<>> cancelled;
  std::map<std::string, bool, std::less<>> warned;
  for (const OrderGroup& group : groups) {
    hl7::RespondedOrder answer = responded(group);
    if (request_of(group.control) == Request::kNew) {
      answer.control = hl7::OrderControl::kAccepted;
      if (const auto found = placed.find(group.placer); found != placed.end()) {
        answer.filler_order_number = found->second;
      }
      reply.orders.push_back(std::move(answer));
      continue;
    }
    auto done = cancelled.find(group.placer);
    if (done == cancelled.end()) {
      ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::Order> of_patient,
                               tx.orders_for_patient(patient->id));
      std::vector<const core::Order*> matching;
      for (const core::Order& order : of_patient) {
        if (order.placer_order_number == group.placer) matching.push_back(&order);
      }
      if (matching.empty()) {
        return not_found(group.where + "-2: no order with placer order number " + group.placer +
                         " for MRN " + mrn);
      }
      if (matching.size() > 1) {
        std::string numbers;
        for (const core::Order* order : matching) {
          numbers += (numbers.empty() ? "" : ", ") + order->order_number;
        }
        return failed_precondition(group.where + "-2: placer order number " + group.placer +
                                   " names " + std::to_string(matching.size()) + " orders of MRN " +
                                   mrn + " (" + numbers + "); cancel the right one in the lab");
      }
      lab::CancelOrder command;
      command.order_number = matching.front()->order_number;
      command.reason =
          group.cancel_reason.empty() ? std::string(kDefaultCancelReason) : group.cancel_reason;
      Result<lab::CancelledOrder> outcome = lab::cancel_order(tx, ctx, command);
      if (!outcome.has_value()) {
        if (is_store_failure(outcome.error())) return outcome.error();
        return Error(outcome.error().code(), group.where + ": " + outcome.error().message());
      }
      done = cancelled.emplace(group.placer, std::move(outcome).value()).first;

      const lab::CancelledOrder& result = done->second;
      summary += (summary.empty() ? "" : "; ") + std::string("order ") + result.order.order_number +
                 " (placer " + group.placer + ")";
      if (result.cancelled.empty() && result.released.empty()) {
        summary += " already cancelled";
      } else {
        summary += ": " + std::to_string(result.cancelled.size()) + " test(s) cancelled";
      }
      if (!result.released.empty()) {
        summary += ", not cancelled as already released: " + test_codes(result.released);
      }
    }
    const lab::CancelledOrder& result = done->second;
    answer.filler_order_number = result.order.order_number;
    answer.control = result.released.empty() ? hl7::OrderControl::kCancelledAsRequested
                                             : hl7::OrderControl::kUnableToCancel;
    if (!result.released.empty() && !warned[group.placer]) {
      reply.warnings.push_back(released_warning(group, result.order, result.released));
      warned[group.placer] = true;
    }
    reply.orders.push_back(std::move(answer));
  }
  received.order_reply = std::move(reply);
  return summary;
}

Result<void> Hl7Ingest::describe_orders(store::Transaction& tx, Hl7Received& received,
                                        core::Instant applied_at) const {
  const hl7::Message& message = received.message;
  Hl7Received::OrderReply reply;
  reply.patient = responded_as_sent(message);
  const std::optional<hl7::Segment> pid = message.find("PID");
  std::optional<core::Patient> patient;
  std::vector<core::Order> of_patient;
  if (pid) {
    ALIQUOT_ASSIGN_OR_RETURN(patient, tx.find_patient_by_mrn(text_of(*pid, 3)));
  }
  if (patient) {
    reply.patient = responded(*patient, *pid);
    ALIQUOT_ASSIGN_OR_RETURN(of_patient, tx.orders_for_patient(patient->id));
  }
  std::map<std::string, bool, std::less<>> warned;
  for (const OrderGroup& group : order_groups(message)) {
    hl7::RespondedOrder answer = responded(group);
    const bool cancel = request_of(group.control) == Request::kCancel;
    // The order the message was about: the newest with that placer number placed by the time it
    // was applied (orders_for_patient lists the newest first).
    const core::Order* order = nullptr;
    for (const core::Order& candidate : of_patient) {
      if (candidate.placer_order_number == group.placer && candidate.ordered_at <= applied_at) {
        order = &candidate;
        break;
      }
    }
    if (order == nullptr) {
      answer.control =
          cancel ? hl7::OrderControl::kUnableToCancel : hl7::OrderControl::kUnableToAccept;
      reply.orders.push_back(std::move(answer));
      continue;
    }
    answer.filler_order_number = order->order_number;
    if (!cancel) {
      answer.control = hl7::OrderControl::kAccepted;
      reply.orders.push_back(std::move(answer));
      continue;
    }
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> results,
                             tx.results_for_order(order->id));
    std::vector<core::TestResult> released;
    for (const core::TestResult& result : results) {
      if (core::is_released(result.status)) released.push_back(result);
    }
    answer.control = released.empty() ? hl7::OrderControl::kCancelledAsRequested
                                      : hl7::OrderControl::kUnableToCancel;
    if (!released.empty() && !warned[group.placer]) {
      reply.warnings.push_back(released_warning(group, *order, released));
      warned[group.placer] = true;
    }
    reply.orders.push_back(std::move(answer));
  }
  received.order_reply = std::move(reply);
  return ok();
}

Result<void> Hl7Ingest::quarantine(store::Transaction& tx, const Hl7Received& received,
                                   const Error& why) const {
  store::QuarantinedMessage held;
  held.received_at = received.received_at;
  held.channel = store::Channel::kHl7;
  held.sender = received.sender;
  held.message_id = received.control_id;
  held.message_type = received.type;
  held.peer = received.peer;
  held.reason = why.message();
  held.content = received.bytes;
  Result<store::QuarantinedMessage> kept = tx.insert_quarantined_message(held);
  if (!kept.has_value()) return kept.error();
  return ok();
}

std::string Hl7Ingest::acknowledge(const Hl7Received& received, const JobOutcome& outcome) const {
  hl7::AckContent content;
  content.time = clock_.now();
  content.control_id = options_.control_id_prefix + std::to_string(++*options_.ack_counter);
  if (!outcome.durable) {
    content.code = hl7::AckCode::kReject;
    const Error& error = outcome.applied.has_value()
                             ? Error(ErrorCode::kInternal, "the commit did not complete")
                             : outcome.applied.error();
    content.text = "not stored, send again: " + error.message();
    content.errors = ack_errors(Error(ErrorCode::kInternal, content.text),
                                hl7::ErrorCondition::kApplicationInternalError);
  } else if (outcome.applied.has_value()) {
    content.code = hl7::AckCode::kAccept;
    content.text = *outcome.applied;
  } else {
    const Error& error = outcome.applied.error();
    const bool unreadable = received.unreadable.has_value();
    content.code = unreadable ? hl7::AckCode::kReject : hl7::AckCode::kError;
    hl7::ErrorCondition condition = hl7::ErrorCondition::kApplicationInternalError;
    if (unreadable) {
      condition = received.type.rfind("ORU", 0) == 0 || received.type.rfind("OUL", 0) == 0 ||
                          received.type.rfind("OML", 0) == 0 || received.type.rfind("ORM", 0) == 0
                      ? hl7::ErrorCondition::kRequiredFieldMissing
                      : hl7::ErrorCondition::kUnsupportedMessageType;
    } else if (error.code() == ErrorCode::kNotFound) {
      condition = hl7::ErrorCondition::kUnknownKeyIdentifier;
    } else if (error.code() == ErrorCode::kInvalidArgument) {
      condition = hl7::ErrorCondition::kTableValueNotFound;
    }
    const std::string first_line = error.message().substr(0, error.message().find('\n'));
    content.text = "refused and kept in quarantine: " + first_line;
    content.errors = ack_errors(error, condition);
  }
  if (received.unreadable && received.message.segment_count() == 0) {
    return hl7::build_ack_for_unparsed(content);
  }
  if (!is_order_message(received.type)) return hl7::build_ack(received.message, content);

  hl7::OrderResponse response;
  if (outcome.durable && outcome.applied.has_value()) {
    response.patient = received.order_reply.patient;
    response.orders = received.order_reply.orders;
    for (const hl7::AckError& warning : received.order_reply.warnings) {
      content.errors.push_back(warning);
    }
  } else if (outcome.durable && !received.unreadable) {
    // Refused: nothing of the message was kept, so every order it asked for is answered unable.
    response.patient = responded_as_sent(received.message);
    for (const OrderGroup& group : order_groups(received.message)) {
      hl7::RespondedOrder answer = responded(group);
      answer.control = request_of(group.control) == Request::kCancel
                           ? hl7::OrderControl::kUnableToCancel
                           : hl7::OrderControl::kUnableToAccept;
      response.orders.push_back(std::move(answer));
    }
  }
  response.acknowledgment = std::move(content);
  return received.type == "OML^O21" ? hl7::build_orl_o22(received.message, response)
                                    : hl7::build_orr_o02(received.message, response);
}

Job Hl7Ingest::job(std::shared_ptr<Hl7Received> received,
                   std::function<void(std::string)> reply) const {
  Job job;
  job.apply = [this, received](store::Transaction& tx) { return apply(tx, *received); };
  job.on_refused = [this, received](store::Transaction& tx, const Error& why) {
    return quarantine(tx, *received, why);
  };
  job.on_done = [this, received, reply = std::move(reply)](const JobOutcome& outcome) {
    reply(acknowledge(*received, outcome));
  };
  return job;
}

}  // namespace aliquot::ingest
