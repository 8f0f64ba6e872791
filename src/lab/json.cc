#include "lab/json.h"

#include <optional>
#include <string>

#include "core/time.h"

namespace aliquot::lab {
namespace {

using nlohmann::json;

json instant_or_null(const std::optional<core::Instant>& t) {
  return t ? json(core::format_instant(*t)) : json(nullptr);
}

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

json to_json(const PatientReport& report) {
  return json{
      {"patient", to_json(report.patient)},
      {"orders", list_of(report.orders)},
      {"produced_at", core::format_instant(report.produced_at)},
  };
}

std::string to_compact_text(const nlohmann::json& value) {
  // Invalid UTF-8 in a name typed at a terminal must not throw from dump(): replace it (U+FFFD).
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace aliquot::lab
