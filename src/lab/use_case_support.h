#pragma once

// What the use cases share: authorizing the actor, finding records by the identifiers people
// type, describing them in messages, and recording audit entries. Internal to lab/.

#include <string>
#include <string_view>

#include "audit/chain.h"
#include "core/order.h"
#include "core/patient.h"
#include "core/specimen.h"
#include "core/test_definition.h"
#include "core/test_result.h"
#include "lab/context.h"
#include "lab/json.h"
#include "lab/permissions.h"
#include "rules/flagging.h"
#include "store/store.h"

namespace aliquot::lab {

// The acting user as the store knows them now (the role and active flag in force, not those of
// a possibly stale Context), if permitted to do `action`. PermissionDenied otherwise, also for a
// user the lab does not have.
Result<core::User> authorize(store::Transaction& tx, const std::string& username, Action action);

// Appends `change` to the audit trail, by `actor` at `at`.
Result<void> record_change(store::Transaction& tx, const std::string& actor, core::Instant at,
                           const audit::Change& change);

// Sets lab setting `key` to `value` and audits it (action setting.set, the setting's before and
// after images), by `actor` at `at`.
Result<void> set_setting_audited(store::Transaction& tx, const std::string& actor, core::Instant at,
                                 std::string_view key, const std::string& value);

// The compact JSON of an entity, as the audit trail keeps it: the bytes of
// to_compact_text(to_json(entity)), written directly (lab/json.h).
template <typename T>
std::string audit_image(const T& entity) {
  return to_compact_text(entity);
}

// Usernames appear in every audit entry and on printed reports: 1 to 64 lower-case letters,
// digits, '.', '_' and '-', so that two spellings cannot name one person.
Result<void> validate_username(const std::string& username);

// `text` without leading and trailing blanks.
std::string trimmed(std::string_view text);

// The two-digit UTC year of `at`, for order and accession numbers.
int two_digit_year(core::Instant at);

Result<core::Patient> patient_by_mrn(store::Transaction& tx, const std::string& mrn);
Result<core::Patient> patient_by_id(store::Transaction& tx, std::int64_t id);
Result<core::Order> order_by_number(store::Transaction& tx, const std::string& order_number);
Result<core::Order> order_by_id(store::Transaction& tx, std::int64_t id);
// Checks the accession number's check character first, so that a mistyped number is named as
// such rather than as "not found".
Result<core::Specimen> specimen_by_accession(store::Transaction& tx, std::string_view text);

// The catalog's definition of `code` (case-insensitive). NotFound "unknown test code 'X'".
Result<const core::TestDefinition*> catalog_test(const Context& ctx, std::string_view code);

// The result of `test_code` on `specimen`: the live one, else the latest cancelled one. NotFound
// when the test was not ordered on that specimen.
Result<core::TestResult> result_on_specimen(store::Transaction& tx, const core::Specimen& specimen,
                                            const std::string& test_code);

// A result with the specimen, order and patient it belongs to.
struct LocatedResult {
  core::Specimen specimen;
  core::TestResult result;
  core::Order order;
  core::Patient patient;
};
// Finds the result of `test_code` on the specimen with `accession_number`; see
// result_on_specimen.
Result<LocatedResult> locate_result(store::Transaction& tx, std::string_view accession_number,
                                    const std::string& test_code);

// "result K on 260000042H": how refusals name a located result.
std::string result_name(const LocatedResult& at);
// FailedPrecondition "result K on 260000042H is cancelled (REASON)" for a cancelled result; ok
// otherwise.
Result<void> refuse_cancelled(const LocatedResult& at);

// The catalog's spelling of a test code, or the code upper-cased when the catalog in force no
// longer has it (results of a test removed from the menu can still be released and called).
std::string canonical_test_code(const Context& ctx, std::string_view code);

// "260000042H/K": how a result is named in the audit trail and in messages.
std::string result_key(const std::string& accession_number, const std::string& test_code);

// "2.4 mmol/L (LL)": a result's value as a person reads it.
std::string describe_value(const core::ResultValue& value, core::AbnormalFlag flag);

// The audit change of `action` on the located result, keyed and linked to patient and specimen.
audit::Change result_change(std::string action, const LocatedResult& at);

// The value flagged against the interval in force for the specimen: the patient's sex and age
// in days at collection, the specimen type, and `method` — the instrument or account that
// measured it, "" for a person or a calculation.
rules::Flagging flag_for_patient(const core::TestDefinition& test, const core::ResultValue& value,
                                 const LocatedResult& at, std::string_view method);

// The released value of `result` as a revision, replaced `now` by `replaced_by` for `reason`:
// released when and by whom it was last released or corrected.
core::ResultRevision released_revision(const core::TestResult& result, std::string_view replaced_by,
                                       const std::string& reason, core::Instant now);

}  // namespace aliquot::lab
