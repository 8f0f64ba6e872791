#include "ingest/hl7_ingest.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "hl7/check.h"
#include "hl7/dtm.h"
#include "hl7/message_structure.h"
#include "ingest/text.h"
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

Result<std::string> Hl7Ingest::apply(store::Transaction& tx, const Hl7Received& received) const {
  if (received.unreadable) return *received.unreadable;
  ALIQUOT_ASSIGN_OR_RETURN(
      const std::optional<store::AppliedMessage> earlier,
      tx.find_applied_message(store::Channel::kHl7, received.sender, received.control_id));
  if (earlier) {
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
  };
  std::vector<Group> groups;
  std::vector<std::string> problems;
  std::string current_spm_accession;  // OUL: the SPM the next OBRs belong to
  int not_reported = 0;
  std::map<std::string, int, std::less<>> occurrences;

  for (const hl7::Segment segment : message.segments()) {
    const int occurrence = ++occurrences[std::string(segment.id())];
    const std::string where = name_of(segment, occurrence);
    if (segment.id() == "SPM") {
      std::string accession = text_of(segment, 2, 2, 1);             // filler assigned id
      if (accession.empty()) accession = text_of(segment, 2, 1, 1);  // placer assigned id
      if (specimen_first) {
        current_spm_accession = accession;
      } else if (!groups.empty() && !accession.empty()) {
        groups.back().accession = accession;
      }
    } else if (segment.id() == "OBR") {
      Group group;
      group.where = where;
      group.from_obr3 = text_of(segment, 3);
      group.from_obr2 = text_of(segment, 2);
      if (specimen_first) group.accession = current_spm_accession;
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
      groups.back().values.push_back(std::move(value));
    }
  }

  // One post per specimen, however many OBR groups name it.
  std::vector<lab::PostResults> posts;
  for (Group& group : groups) {
    if (group.accession.empty()) group.accession = group.from_obr3;
    if (group.accession.empty()) group.accession = group.from_obr2;
    if (group.values.empty()) continue;
    if (group.accession.empty()) {
      problems.push_back(group.where + ": no specimen id (SPM-2, OBR-3 and OBR-2 are empty)");
      continue;
    }
    auto post = std::find_if(posts.begin(), posts.end(), [&](const lab::PostResults& p) {
      return p.accession_number == group.accession;
    });
    if (post == posts.end()) {
      posts.push_back({group.accession, {}, profile ? profile->name : received.sender});
      post = posts.end() - 1;
    }
    for (lab::PostedValue& value : group.values) post->values.push_back(std::move(value));
  }
  if (posts.empty() && problems.empty()) {
    problems.push_back("the message holds no observation to record");
  }
  if (!problems.empty()) return invalid_argument(join_lines(problems));

  core::User actor;
  actor.username = account;
  const lab::Context ctx{catalog_, clock_, actor};
  int recorded = 0, unchanged = 0;
  std::vector<std::string> refusals;
  for (const lab::PostResults& post : posts) {
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
  std::string summary = std::to_string(recorded) + " result(s) recorded on " +
                        std::to_string(posts.size()) + " specimen(s)";
  if (unchanged > 0) summary += ", " + std::to_string(unchanged) + " already stored";
  if (not_reported > 0) summary += ", " + std::to_string(not_reported) + " not reported";
  return summary;
}

Result<std::string> Hl7Ingest::apply_orders(store::Transaction& tx, const Hl7Received& received,
                                            const std::string& account) const {
  const hl7::Message& message = received.message;
  core::User actor;
  actor.username = account;
  const lab::Context ctx{catalog_, clock_, actor};
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

  // The ordered services, grouped into orders by placer order number.
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
  std::string orc_placer, orc_provider, orc_control;
  core::Priority orc_priority = core::Priority::kRoutine;
  PendingOrder* current = nullptr;
  std::map<std::string, int, std::less<>> occurrences;
  for (const hl7::Segment segment : message.segments()) {
    const int occurrence = ++occurrences[std::string(segment.id())];
    const std::string where = name_of(segment, occurrence);
    if (segment.id() == "ORC") {
      orc_control = text_of(segment, 1);
      orc_placer = text_of(segment, 2);
      orc_provider = provider_name(segment, 12);
      orc_priority = priority_from(text_of(segment, 7, 6), core::Priority::kRoutine);
      if (!orc_control.empty() && orc_control != "NW") {
        problems.push_back(where + "-1: order control '" + orc_control +
                           "' is not supported (only NW, new order)");
      }
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
        Result<core::Instant> at = hl7::parse_dtm(collected);
        if (!at.has_value()) {
          problems.push_back(where + "-7: " + at.error().message());
        } else {
          current->collected_at = *at;
        }
      }
    } else if (segment.id() == "TQ1") {
      // TQ1 follows its ORC and precedes the OBR (OML^O21).
      orc_priority = priority_from(text_of(segment, 9), orc_priority);
    } else if (segment.id() == "SPM" && current != nullptr) {
      if (const std::string collected = text_of(segment, 17); !collected.empty()) {
        Result<core::Instant> at = hl7::parse_dtm(collected);
        if (!at.has_value()) {
          problems.push_back(where + "-17: " + at.error().message());
        } else {
          current->collected_at = *at;
        }
      }
    }
  }
  if (orders.empty()) problems.push_back("the message orders no service (no OBR)");
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
  }

  std::string summary;
  for (const PendingOrder& pending : orders) {
    lab::PlaceOrder command;
    command.mrn = mrn;
    for (const Item& item : pending.items) command.test_codes.push_back(item.code);
    command.priority = pending.priority;
    command.ordering_provider = pending.provider;
    command.clinical_info = pending.clinical_info;
    command.placer_order_number = pending.placer;
    ALIQUOT_ASSIGN_OR_RETURN(const core::Order order, lab::place_order(tx, ctx, command));
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
  return summary;
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
  content.control_id = options_.control_id_prefix + std::to_string(++ack_counter_);
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
  return hl7::build_ack(received.message, content);
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
