#include "lab/json.h"

#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"
#include "lab/json_values.h"
#include "lab/json_writer.h"

namespace aliquot::lab {
namespace {

using nlohmann::json;

template <typename T>
json list_of(const std::vector<T>& items) {
  json out = json::array();
  for (const T& item : items) out.push_back(to_json(item));
  return out;
}

}  // namespace

json to_json(const core::Patient& patient) {
  return json{
      {"id", patient.id},
      {"mrn", patient.mrn},
      {"family_name", patient.family_name},
      {"given_name", patient.given_name},
      {"birth_date", core::format_date(patient.birth_date)},
      {"sex", core::to_code(patient.sex)},
      {"registered_at", core::format_instant(patient.registered_at)},
      {"registered_by", patient.registered_by},
  };
}

json to_json(const core::Order& order) {
  return json{
      {"id", order.id},
      {"order_number", order.order_number},
      {"patient_id", order.patient_id},
      {"ordering_provider", order.ordering_provider},
      {"priority", core::to_code(order.priority)},
      {"clinical_info", order.clinical_info},
      {"requested_codes", order.requested_codes},
      {"ordered_at", core::format_instant(order.ordered_at)},
      {"ordered_by", order.ordered_by},
  };
}

json to_json(const core::Specimen& specimen) {
  return json{
      {"id", specimen.id},
      {"accession_number", specimen.accession_number},
      {"order_id", specimen.order_id},
      {"specimen_type", specimen.specimen_type},
      {"container_type", specimen.container_type},
      {"collected_at", core::format_instant(specimen.collected_at)},
      {"collected_by", specimen.collected_by},
      {"received_at", instant_or_null(specimen.received_at)},
      {"received_by", specimen.received_by},
      {"condition", specimen.condition},
      {"status", core::to_code(specimen.status)},
      {"rejection_reason",
       specimen.rejection_reason ? json(core::to_code(*specimen.rejection_reason)) : json(nullptr)},
      {"rejection_comment", specimen.rejection_comment},
      {"rejected_at", instant_or_null(specimen.rejected_at)},
      {"rejected_by", specimen.rejected_by},
  };
}

json to_json(const core::ResultValue& value) {
  // A number only for numeric values: a coded answer has no number, and 0 would read as one.
  return json{
      {"kind", core::to_code(value.kind)},
      {"number", value.kind == core::ResultKind::kNumeric ? json(value.number) : json(nullptr)},
      {"comparator", value.comparator},
      {"text", value.text},
      {"unit", value.unit},
      {"decimals", value.decimals},
      {"reported", core::format_reported(value)},
  };
}

json to_json(const core::TestResult& result) {
  return json{
      {"id", result.id},
      {"order_id", result.order_id},
      {"specimen_id", result.specimen_id == 0 ? json(nullptr) : json(result.specimen_id)},
      {"test_code", result.test_code},
      {"section", result.section},
      {"status", core::to_code(result.status)},
      {"value", result.value ? to_json(*result.value) : json(nullptr)},
      {"flag", core::to_code(result.flag)},
      {"reference_range", result.reference_range},
      {"entered_at", instant_or_null(result.entered_at)},
      {"entered_by", result.entered_by},
      {"measured_at", instant_or_null(result.measured_at)},
      {"instrument", result.instrument},
      {"performed_by", result.performed_by},
      {"released_at", instant_or_null(result.released_at)},
      {"released_by", result.released_by},
      {"corrected_at", instant_or_null(result.corrected_at)},
      {"corrected_by", result.corrected_by},
      {"correction_reason", result.correction_reason},
      {"cancelled_at", instant_or_null(result.cancelled_at)},
      {"cancelled_by", result.cancelled_by},
      {"cancel_reason", result.cancel_reason},
      {"revision", result.revision},
  };
}

json to_json(const core::ResultRevision& revision) {
  return json{
      {"result_id", revision.result_id},
      {"revision", revision.revision},
      {"value", to_json(revision.value)},
      {"flag", core::to_code(revision.flag)},
      {"reference_range", revision.reference_range},
      {"status", core::to_code(revision.status)},
      {"released_at", core::format_instant(revision.released_at)},
      {"released_by", revision.released_by},
      {"replaced_at", core::format_instant(revision.replaced_at)},
      {"replaced_by", revision.replaced_by},
      {"reason", revision.reason},
  };
}

json to_json(const core::CriticalCall& call) {
  return json{
      {"id", call.id},
      {"result_id", call.result_id},
      {"result_revision", call.result_revision},
      {"called_by", call.called_by},
      {"called_to", call.called_to},
      {"called_at", core::format_instant(call.called_at)},
      {"read_back_confirmed", call.read_back_confirmed},
      {"notes", call.notes},
      {"documented_at", core::format_instant(call.documented_at)},
      {"documented_by", call.documented_by},
  };
}

json to_json(const core::ResultComment& comment) {
  return json{
      {"id", comment.id},
      {"result_id", comment.result_id},
      {"text", comment.text},
      {"on_report", comment.on_report},
      {"written_at", core::format_instant(comment.written_at)},
      {"written_by", comment.written_by},
  };
}

json to_json(const core::HoldReason& hold) {
  return json{
      {"category", hold.category},     {"action", hold.action},       {"rule", hold.rule},
      {"observed", hold.observed},     {"threshold", hold.threshold}, {"message", hold.message},
      {"suppresses", hold.suppresses},
  };
}

json to_json(const core::User& user) {
  return json{
      {"id", user.id},
      {"username", user.username},
      {"display_name", user.display_name},
      {"role", core::to_code(user.role)},
      {"active", user.active},
      {"created_at", core::format_instant(user.created_at)},
  };
}

json to_json(const store::WorklistRow& row) {
  return json{
      {"result", to_json(row.result)},
      {"specimen", to_json(row.specimen)},
      {"order", to_json(row.order)},
      {"patient", to_json(row.patient)},
  };
}

json to_json(const ResultDetail& detail) {
  const core::TestDefinition* test = detail.test;
  return json{
      {"result", to_json(detail.result)},
      {"test_name", test != nullptr ? json(test->name) : json(nullptr)},
      {"loinc", test != nullptr ? json(test->loinc) : json(nullptr)},
      {"unit", test != nullptr ? json(test->unit) : json(nullptr)},
      {"section", test != nullptr ? json(test->section) : json(detail.result.section)},
      {"revisions", list_of(detail.revisions)},
      {"critical_calls", list_of(detail.critical_calls)},
      {"holds", list_of(detail.holds)},
      {"comments", list_of(detail.comments)},
  };
}

json to_json(const SpecimenDetail& detail) {
  return json{
      {"specimen", to_json(detail.specimen)},
      {"order", to_json(detail.order)},
      {"patient", to_json(detail.patient)},
      {"results", list_of(detail.results)},
  };
}

json to_json(const OrderDetail& detail) {
  return json{
      {"order", to_json(detail.order)},
      {"patient", to_json(detail.patient)},
      {"specimens", list_of(detail.specimens)},
      {"results", list_of(detail.results)},
  };
}

json to_json(const CancelledTest& cancelled) {
  json body = to_json(cancelled.result);
  body["calculated"] = json::array();
  for (const core::TestResult& calculated : cancelled.calculated) {
    body["calculated"].push_back(to_json(calculated));
  }
  return body;
}

json to_json(const PatientReport& report) {
  return json{
      {"patient", to_json(report.patient)},
      {"orders", list_of(report.orders)},
      {"produced_at", core::format_instant(report.produced_at)},
  };
}

json to_json(const core::AuditEntry& entry) {
  const auto image = [](const std::string& text) -> json {
    if (text.empty()) return nullptr;
    json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
    return parsed.is_discarded() ? json(text) : parsed;
  };
  return json{{"sequence", entry.sequence},
              {"at", core::format_instant(entry.at)},
              {"actor", entry.actor},
              {"action", entry.action},
              {"entity_type", entry.entity_type},
              {"entity_key", entry.entity_key},
              {"patient_mrn", entry.patient_mrn},
              {"accession_number", entry.accession_number},
              {"test_code", entry.test_code},
              {"before", image(entry.before)},
              {"after", image(entry.after)},
              {"reason", entry.reason},
              {"previous_hash", entry.previous_hash},
              {"hash", entry.hash}};
}

json to_json(const core::PatientDataRead& read) {
  return json{{"at", core::format_instant(read.at)},
              {"username", read.username},
              {"mrn", read.mrn},
              {"what", read.what},
              {"peer", read.peer}};
}

std::string to_compact_text(const nlohmann::json& value) {
  // Invalid UTF-8 in a name typed at a terminal must not throw from dump(): replace it (U+FFFD).
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Each writer below emits the keys of the matching to_json() above in byte order, so that its
// text is byte for byte the document's (json_test.cc compares the two).

void write_json(JsonWriter& out, const core::ResultValue& value) {
  out.open_object();
  out.key("comparator");
  out.string(value.comparator);
  out.key("decimals");
  out.integer(value.decimals);
  out.key("kind");
  out.string(core::to_code(value.kind));
  out.key("number");
  if (value.kind == core::ResultKind::kNumeric) {
    out.number(value.number);
  } else {
    out.null();
  }
  out.key("reported");
  out.string(core::format_reported(value));
  out.key("text");
  out.string(value.text);
  out.key("unit");
  out.string(value.unit);
  out.close_object();
}

void write_json(JsonWriter& out, const core::Patient& patient) {
  out.open_object();
  out.key("birth_date");
  out.string(core::format_date(patient.birth_date));
  out.key("family_name");
  out.string(patient.family_name);
  out.key("given_name");
  out.string(patient.given_name);
  out.key("id");
  out.integer(patient.id);
  out.key("mrn");
  out.string(patient.mrn);
  out.key("registered_at");
  out.instant(patient.registered_at);
  out.key("registered_by");
  out.string(patient.registered_by);
  out.key("sex");
  out.string(core::to_code(patient.sex));
  out.close_object();
}

void write_json(JsonWriter& out, const core::Order& order) {
  out.open_object();
  out.key("clinical_info");
  out.string(order.clinical_info);
  out.key("id");
  out.integer(order.id);
  out.key("order_number");
  out.string(order.order_number);
  out.key("ordered_at");
  out.instant(order.ordered_at);
  out.key("ordered_by");
  out.string(order.ordered_by);
  out.key("ordering_provider");
  out.string(order.ordering_provider);
  out.key("patient_id");
  out.integer(order.patient_id);
  out.key("priority");
  out.string(core::to_code(order.priority));
  out.key("requested_codes");
  out.open_array();
  for (const std::string& code : order.requested_codes) {
    out.element();
    out.string(code);
  }
  out.close_array();
  out.close_object();
}

void write_json(JsonWriter& out, const core::Specimen& specimen) {
  out.open_object();
  out.key("accession_number");
  out.string(specimen.accession_number);
  out.key("collected_at");
  out.instant(specimen.collected_at);
  out.key("collected_by");
  out.string(specimen.collected_by);
  out.key("condition");
  out.string(specimen.condition);
  out.key("container_type");
  out.string(specimen.container_type);
  out.key("id");
  out.integer(specimen.id);
  out.key("order_id");
  out.integer(specimen.order_id);
  out.key("received_at");
  out.instant_or_null(specimen.received_at);
  out.key("received_by");
  out.string(specimen.received_by);
  out.key("rejected_at");
  out.instant_or_null(specimen.rejected_at);
  out.key("rejected_by");
  out.string(specimen.rejected_by);
  out.key("rejection_comment");
  out.string(specimen.rejection_comment);
  out.key("rejection_reason");
  if (specimen.rejection_reason) {
    out.string(core::to_code(*specimen.rejection_reason));
  } else {
    out.null();
  }
  out.key("specimen_type");
  out.string(specimen.specimen_type);
  out.key("status");
  out.string(core::to_code(specimen.status));
  out.close_object();
}

void write_json(JsonWriter& out, const core::TestResult& result) {
  out.open_object();
  out.key("cancel_reason");
  out.string(result.cancel_reason);
  out.key("cancelled_at");
  out.instant_or_null(result.cancelled_at);
  out.key("cancelled_by");
  out.string(result.cancelled_by);
  out.key("corrected_at");
  out.instant_or_null(result.corrected_at);
  out.key("corrected_by");
  out.string(result.corrected_by);
  out.key("correction_reason");
  out.string(result.correction_reason);
  out.key("entered_at");
  out.instant_or_null(result.entered_at);
  out.key("entered_by");
  out.string(result.entered_by);
  out.key("flag");
  out.string(core::to_code(result.flag));
  out.key("id");
  out.integer(result.id);
  out.key("instrument");
  out.string(result.instrument);
  out.key("measured_at");
  out.instant_or_null(result.measured_at);
  out.key("order_id");
  out.integer(result.order_id);
  out.key("performed_by");
  out.string(result.performed_by);
  out.key("reference_range");
  out.string(result.reference_range);
  out.key("released_at");
  out.instant_or_null(result.released_at);
  out.key("released_by");
  out.string(result.released_by);
  out.key("revision");
  out.integer(result.revision);
  out.key("section");
  out.string(result.section);
  out.key("specimen_id");
  if (result.specimen_id == 0) {
    out.null();
  } else {
    out.integer(result.specimen_id);
  }
  out.key("status");
  out.string(core::to_code(result.status));
  out.key("test_code");
  out.string(result.test_code);
  out.key("value");
  if (result.value) {
    write_json(out, *result.value);
  } else {
    out.null();
  }
  out.close_object();
}

void write_json(JsonWriter& out, const core::ResultComment& comment) {
  out.open_object();
  out.key("id");
  out.integer(comment.id);
  out.key("on_report");
  out.boolean(comment.on_report);
  out.key("result_id");
  out.integer(comment.result_id);
  out.key("text");
  out.string(comment.text);
  out.key("written_at");
  out.instant(comment.written_at);
  out.key("written_by");
  out.string(comment.written_by);
  out.close_object();
}

void write_json(JsonWriter& out, const core::CriticalCall& call) {
  out.open_object();
  out.key("called_at");
  out.instant(call.called_at);
  out.key("called_by");
  out.string(call.called_by);
  out.key("called_to");
  out.string(call.called_to);
  out.key("documented_at");
  out.instant(call.documented_at);
  out.key("documented_by");
  out.string(call.documented_by);
  out.key("id");
  out.integer(call.id);
  out.key("notes");
  out.string(call.notes);
  out.key("read_back_confirmed");
  out.boolean(call.read_back_confirmed);
  out.key("result_id");
  out.integer(call.result_id);
  out.key("result_revision");
  out.integer(call.result_revision);
  out.close_object();
}

void write_json(JsonWriter& out, const core::User& user) {
  out.open_object();
  out.key("active");
  out.boolean(user.active);
  out.key("created_at");
  out.instant(user.created_at);
  out.key("display_name");
  out.string(user.display_name);
  out.key("id");
  out.integer(user.id);
  out.key("role");
  out.string(core::to_code(user.role));
  out.key("username");
  out.string(user.username);
  out.close_object();
}

void write_json(JsonWriter& out, const core::ResultRevision& revision) {
  out.open_object();
  out.key("flag");
  out.string(core::to_code(revision.flag));
  out.key("reason");
  out.string(revision.reason);
  out.key("reference_range");
  out.string(revision.reference_range);
  out.key("released_at");
  out.instant(revision.released_at);
  out.key("released_by");
  out.string(revision.released_by);
  out.key("replaced_at");
  out.instant(revision.replaced_at);
  out.key("replaced_by");
  out.string(revision.replaced_by);
  out.key("result_id");
  out.integer(revision.result_id);
  out.key("revision");
  out.integer(revision.revision);
  out.key("status");
  out.string(core::to_code(revision.status));
  out.key("value");
  write_json(out, revision.value);
  out.close_object();
}

void write_json(JsonWriter& out, const core::HoldReason& hold) {
  out.open_object();
  out.key("action");
  out.string(hold.action);
  out.key("category");
  out.string(hold.category);
  out.key("message");
  out.string(hold.message);
  out.key("observed");
  out.string(hold.observed);
  out.key("rule");
  out.string(hold.rule);
  out.key("suppresses");
  out.boolean(hold.suppresses);
  out.key("threshold");
  out.string(hold.threshold);
  out.close_object();
}

namespace {

template <typename T>
void write_list(JsonWriter& out, const std::vector<T>& items) {
  out.open_array();
  for (const T& item : items) {
    out.element();
    write_json(out, item);
  }
  out.close_array();
}

// A member of the result's catalog test, or null for a test the catalog no longer has.
const std::string* of_test(const core::TestDefinition* test,
                           std::string core::TestDefinition::*member) {
  return test != nullptr ? &(test->*member) : nullptr;
}

}  // namespace

void write_json(JsonWriter& out, const ResultDetail& detail) {
  const core::TestDefinition* test = detail.test;
  out.open_object();
  out.key("comments");
  write_list(out, detail.comments);
  out.key("critical_calls");
  write_list(out, detail.critical_calls);
  out.key("holds");
  write_list(out, detail.holds);
  out.key("loinc");
  out.string_or_null(of_test(test, &core::TestDefinition::loinc));
  out.key("result");
  write_json(out, detail.result);
  out.key("revisions");
  write_list(out, detail.revisions);
  out.key("section");
  out.string(test != nullptr ? test->section : detail.result.section);
  out.key("test_name");
  out.string_or_null(of_test(test, &core::TestDefinition::name));
  out.key("unit");
  out.string_or_null(of_test(test, &core::TestDefinition::unit));
  out.close_object();
}

void write_json(JsonWriter& out, const SpecimenDetail& detail) {
  out.open_object();
  out.key("order");
  write_json(out, detail.order);
  out.key("patient");
  write_json(out, detail.patient);
  out.key("results");
  write_list(out, detail.results);
  out.key("specimen");
  write_json(out, detail.specimen);
  out.close_object();
}

void write_json(JsonWriter& out, const OrderDetail& detail) {
  out.open_object();
  out.key("order");
  write_json(out, detail.order);
  out.key("patient");
  write_json(out, detail.patient);
  out.key("results");
  write_list(out, detail.results);
  out.key("specimens");
  write_list(out, detail.specimens);
  out.close_object();
}

}  // namespace aliquot::lab
