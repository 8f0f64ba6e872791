#include "lab/use_case_support.h"

#include <chrono>
#include <optional>

#include "core/accession_number.h"

namespace aliquot::lab {
namespace {

constexpr std::size_t kMaxUsernameLength = 64;

}  // namespace

Result<void> validate_username(const std::string& username) {
  bool valid = !username.empty() && username.size() <= kMaxUsernameLength;
  for (char c : username) {
    const bool allowed =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    valid = valid && allowed;
  }
  if (!valid) {
    return invalid_argument("username '" + username + "' must be 1 to 64 characters of " +
                            "lower-case letters, digits, '.', '_' or '-'");
  }
  return ok();
}

Result<core::User> authorize(store::Transaction& tx, const std::string& username, Action action) {
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::User> user, tx.find_user(username));
  if (!user) {
    return permission_denied("user '" + username + "' is not a user of this lab and may not " +
                             std::string(describe(action)));
  }
  ALIQUOT_RETURN_IF_ERROR(check_permission(*user, action));
  return *user;
}

Result<void> record_change(store::Transaction& tx, const std::string& actor, core::Instant at,
                           const audit::Change& change) {
  ALIQUOT_RETURN_IF_ERROR(audit::record(tx, actor, at, change));
  return ok();
}

Result<void> set_setting_audited(store::Transaction& tx, const std::string& actor, core::Instant at,
                                 std::string_view key, const std::string& value) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> before, tx.get_setting(key));
  ALIQUOT_RETURN_IF_ERROR(tx.set_setting(key, value));
  audit::Change change;
  change.action = "setting.set";
  change.entity_type = "setting";
  change.entity_key = std::string(key);
  if (before) change.before = to_compact_text(nlohmann::json{{"key", key}, {"value", *before}});
  change.after = to_compact_text(nlohmann::json{{"key", key}, {"value", value}});
  return record_change(tx, actor, at, change);
}

std::string trimmed(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

int two_digit_year(core::Instant at) {
  const core::Date date{std::chrono::floor<std::chrono::days>(at)};
  return static_cast<int>(date.year()) % 100;
}

Result<core::Patient> patient_by_mrn(store::Transaction& tx, const std::string& mrn) {
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::Patient> patient, tx.find_patient_by_mrn(mrn));
  if (!patient) return not_found("no patient with MRN '" + mrn + "'");
  return *patient;
}

Result<core::Patient> patient_by_id(store::Transaction& tx, std::int64_t id) {
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::Patient> patient, tx.find_patient(id));
  if (!patient) return data_loss("patient id " + std::to_string(id) + " is referenced but missing");
  return *patient;
}

Result<core::Order> order_by_number(store::Transaction& tx, const std::string& order_number) {
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::Order> order, tx.find_order_by_number(order_number));
  if (!order) return not_found("no order with number '" + order_number + "'");
  return *order;
}

Result<core::Order> order_by_id(store::Transaction& tx, std::int64_t id) {
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::Order> order, tx.find_order(id));
  if (!order) return data_loss("order id " + std::to_string(id) + " is referenced but missing");
  return *order;
}

Result<core::Specimen> specimen_by_accession(store::Transaction& tx, std::string_view text) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::AccessionNumber number, core::AccessionNumber::parse(text));
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::Specimen> specimen,
                           tx.find_specimen_by_accession(number.text()));
  if (!specimen) return not_found("no specimen with accession number '" + number.text() + "'");
  return *specimen;
}

Result<const core::TestDefinition*> catalog_test(const Context& ctx, std::string_view code) {
  const core::TestDefinition* test = ctx.catalog.find_test(code);
  if (test == nullptr) {
    return not_found("unknown test code '" + std::string(code) + "' (not in catalog '" +
                     ctx.catalog.name() + "')");
  }
  return test;
}

Result<core::TestResult> result_on_specimen(store::Transaction& tx, const core::Specimen& specimen,
                                            const std::string& test_code) {
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::TestResult> results,
                           tx.results_for_specimen(specimen.id));
  std::optional<core::TestResult> cancelled;
  for (core::TestResult& result : results) {
    if (result.test_code != test_code) continue;
    if (result.status != core::ResultStatus::kCancelled) return result;
    cancelled = result;  // by id, so the latest one wins
  }
  if (cancelled) return *cancelled;
  return not_found("test " + test_code + " is not ordered on specimen " +
                   specimen.accession_number);
}

Result<LocatedResult> locate_result(store::Transaction& tx, std::string_view accession_number,
                                    const std::string& test_code) {
  LocatedResult located;
  ALIQUOT_ASSIGN_OR_RETURN(located.specimen, specimen_by_accession(tx, accession_number));
  ALIQUOT_ASSIGN_OR_RETURN(located.result, result_on_specimen(tx, located.specimen, test_code));
  ALIQUOT_ASSIGN_OR_RETURN(located.order, order_by_id(tx, located.specimen.order_id));
  ALIQUOT_ASSIGN_OR_RETURN(located.patient, patient_by_id(tx, located.order.patient_id));
  return located;
}

std::string canonical_test_code(const Context& ctx, std::string_view code) {
  if (const core::TestDefinition* test = ctx.catalog.find_test(code)) return test->code;
  std::string upper(code);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return upper;
}

std::string result_key(const std::string& accession_number, const std::string& test_code) {
  return accession_number + "/" + test_code;
}

std::string describe_value(const core::ResultValue& value, core::AbnormalFlag flag) {
  std::string text = core::format_reported(value);
  if (!value.unit.empty()) text += " " + value.unit;
  if (flag != core::AbnormalFlag::kNone) text += " (" + std::string(core::to_code(flag)) + ")";
  return text;
}

std::string result_name(const LocatedResult& at) {
  return "result " + at.result.test_code + " on " + at.specimen.accession_number;
}

Result<void> refuse_cancelled(const LocatedResult& at) {
  if (at.result.status != core::ResultStatus::kCancelled) return ok();
  return failed_precondition(result_name(at) + " is cancelled (" + at.result.cancel_reason + ")");
}

audit::Change result_change(std::string action, const LocatedResult& at) {
  audit::Change change;
  change.action = std::move(action);
  change.entity_type = "result";
  change.entity_key = result_key(at.specimen.accession_number, at.result.test_code);
  change.patient_mrn = at.patient.mrn;
  change.accession_number = at.specimen.accession_number;
  change.test_code = at.result.test_code;
  return change;
}

// The interval in force for the specimen: the patient's sex and age in days when it was
// collected (not on the day it is tested), its specimen type, and the method — the instrument
// or account that measured it, "" when a person entered the value.
rules::Flagging flag_for_patient(const core::TestDefinition& test, const core::ResultValue& value,
                                 const LocatedResult& at, std::string_view method) {
  const int age_days = core::age_in_days(at.patient.birth_date, at.specimen.collected_at);
  return rules::flag_result(test, value, at.patient.sex, age_days, at.specimen.specimen_type,
                            method);
}

core::ResultRevision released_revision(const core::TestResult& result, std::string_view replaced_by,
                                       const std::string& reason, core::Instant now) {
  core::ResultRevision previous;
  previous.result_id = result.id;
  previous.revision = result.revision;
  previous.value = *result.value;
  previous.flag = result.flag;
  previous.reference_range = result.reference_range;
  previous.status = result.status;
  const bool was_corrected = result.status == core::ResultStatus::kCorrected;
  previous.released_at = (was_corrected && result.corrected_at) ? *result.corrected_at
                                                                : result.released_at.value_or(now);
  previous.released_by = was_corrected ? result.corrected_by : result.released_by;
  previous.replaced_at = now;
  previous.replaced_by = std::string(replaced_by);
  previous.reason = reason;
  return previous;
}

}  // namespace aliquot::lab
