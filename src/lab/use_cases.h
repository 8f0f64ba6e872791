#pragma once

// The lab's use cases. Each is a function over an open write transaction: it reads, decides,
// writes the new state together with its audit entry, and leaves commit() to the caller, so that
// one transaction may carry one use case (the CLI) or many (the ingest pipeline's group commit).
// On any error the caller must abandon the transaction: nothing of a refused step is kept.
//
// Every refusal is a value whose message names what is wrong: unknown patient, specimen not
// received, critical call missing, result already released, not permitted for the actor's role...
//
// Common to all of them:
// - The actor is looked up in the store by `ctx.actor.username`; the stored role and active flag
//   decide (lab/permissions.h). A user the lab does not have, an inactive user, or a role without
//   the right is refused with PermissionDenied before anything is read or written.
// - Everything is validated before the first write, so a refusal writes nothing.
// - Each changed entity gets its own audit entry (audit::record) with before/after images
//   (lab/json.h) and the patient MRN, accession number and test code where they apply. Actions:
//   user.add, patient.register, order.place, result.order, specimen.accession,
//   result.accession, specimen.receive, specimen.reject, result.cancel, result.recollect,
//   result.enter, result.autoverify, critical_call.document, result.release, result.correct,
//   order.cancel, result.calculate.
// - Calculated tests (core::TestDefinition::calculated) are never entered, posted or corrected:
//   enter_result, post_results and correct_result refuse them ("EGFR is calculated from CREAT; it
//   cannot be entered"). After values are recorded (enter_result, post_results), released
//   (release_result) or corrected (correct_result), the calculated results of the order that use
//   them are computed again with ctx.calculations (lab/calculated_results.h).
// - Results are named "ACCESSION/TEST" (entity_key), or "ORDER/TEST" before they have a specimen.

#include <optional>
#include <string>
#include <vector>

#include "core/order.h"
#include "core/patient.h"
#include "core/specimen.h"
#include "core/test_result.h"
#include "core/user.h"
#include "lab/context.h"
#include "rules/autoverification.h"
#include "store/store.h"

namespace aliquot::lab {

// --- users -------------------------------------------------------------------------------
struct AddUser {
  std::string username;
  std::string display_name;
  core::Role role = core::Role::kClerk;
};
// Admins add users; the first user of a new lab is added by initialize_lab.
Result<core::User> add_user(store::Transaction& tx, const Context& ctx, const AddUser& command);

// --- patients ----------------------------------------------------------------------------
struct RegisterPatient {
  std::string mrn;
  std::string family_name;
  std::string given_name;
  core::Date birth_date{};
  core::AdministrativeSex sex = core::AdministrativeSex::kUnknown;
};
// AlreadyExists when the MRN is taken; InvalidArgument for a bad MRN, empty family name, or a
// birth date in the future.
Result<core::Patient> register_patient(store::Transaction& tx, const Context& ctx,
                                       const RegisterPatient& command);

// --- orders ------------------------------------------------------------------------------
struct PlaceOrder {
  std::string mrn;
  std::vector<std::string> test_codes;  // tests and panels from the catalog
  core::Priority priority = core::Priority::kRoutine;
  std::string ordering_provider;
  std::string clinical_info;
  std::string placer_order_number;  // the EHR's number (HL7 ORC-2) when the order came from one
};
// Creates the order and one pending result per distinct test. NotFound for an unknown patient or
// test code (every unknown code is named); InvalidArgument without tests or provider.
Result<core::Order> place_order(store::Transaction& tx, const Context& ctx,
                                const PlaceOrder& command);

struct AccessionOrder {
  std::string order_number;
  std::optional<core::Instant> collected_at;  // defaults to now
  std::string collected_by;                   // defaults to the actor
};
// Works out the containers the order needs from the catalog — one specimen per (specimen type,
// container) among the tests that have no live specimen yet — and assigns each an accession
// number. Accessioning again after a rejection makes the recollection specimen. Returned in
// order of draw. FailedPrecondition when every test already has a specimen.
//
// The tests that need a specimen are the order's pending results without one (specimen_id 0);
// after a rejection those are the replacement results reject_specimen created. Cancelled results
// are never accessioned again. Accession numbers are YY + the next value of the counter
// "accession.YY" (UTC year of now), skipping values whose check character would be '*'.
// InvalidArgument for a collection time in the future; NotFound for an unknown order.
Result<std::vector<core::Specimen>> accession_order(store::Transaction& tx, const Context& ctx,
                                                    const AccessionOrder& command);

struct CancelOrder {
  std::string order_number;  // the lab's order number
  std::string reason;        // required: the ordering system's reason, or the person's
};

struct CancelledOrder {
  core::Order order;
  std::vector<core::TestResult> cancelled;  // cancelled by this call, as stored now
  std::vector<core::TestResult> released;   // final or corrected: left as they are
};

// Cancels every result of the order that is not released (pending or preliminary), with the
// reason; released results are left alone — a released result is retracted by correcting it,
// never by cancelling its order — and returned in `released` so that the caller can say which
// tests could not be cancelled. Values already measured are kept on the cancelled results as
// history. Audited: order.cancel for the order (after: the tests cancelled and those left
// released), then result.cancel for each result, all with the reason.
//
// Idempotent: an order with nothing left to cancel (cancelled before, or only released results)
// changes nothing and writes no audit entry; `cancelled` is then empty. InvalidArgument without a
// reason; NotFound for an unknown order; PermissionDenied for roles that may not cancel orders.
Result<CancelledOrder> cancel_order(store::Transaction& tx, const Context& ctx,
                                    const CancelOrder& command);

struct CancelTest {
  std::string accession_number;
  std::string test_code;
  std::string reason;  // required: "quantity not sufficient", "ordered in error"
};
struct CancelledTest {
  core::TestResult result;  // as stored now
  // Calculated tests of the order that used it, as stored now: cancelled when it was a required
  // input ("EGFR cannot be calculated: its input CREAT was cancelled (quantity not sufficient)"),
  // computed without it when it was an optional one.
  std::vector<core::TestResult> calculated;
};
// Cancels one test on a specimen that is not released (pending or preliminary), with the reason,
// as cancel_order does for each of an order's tests; the order's other tests go on. A value
// already measured is kept on the cancelled result as history. Audited as result.cancel, then
// what happened to the calculated tests that used it (result.cancel or result.calculate), so
// that none waits for an input that will never come. InvalidArgument without a reason;
// FailedPrecondition when the result is released (correct it instead) or already cancelled;
// NotFound for an unknown specimen or a test not on it; PermissionDenied for roles that may not
// cancel orders.
Result<CancelledTest> cancel_test(store::Transaction& tx, const Context& ctx,
                                  const CancelTest& command);

// --- specimens ---------------------------------------------------------------------------
struct ReceiveSpecimen {
  std::string accession_number;
  std::string condition;  // "" = acceptable
};
// FailedPrecondition when already received or rejected.
Result<core::Specimen> receive_specimen(store::Transaction& tx, const Context& ctx,
                                        const ReceiveSpecimen& command);

struct RejectSpecimen {
  std::string accession_number;
  core::RejectionReason reason = core::RejectionReason::kHemolyzed;
  std::string comment;
};
// A collected or received specimen may be rejected while none of its results is released; its
// unreleased results are cancelled with the reason, and the order can be accessioned again.
//
// Rejection and recollection, as a lab expects them: the rejected specimen keeps its results as
// history (status cancelled, cancel_reason "specimen rejected: hemolyzed", still linked to the
// rejected specimen, preliminary values kept), and for each cancelled result a new pending
// result for the same test is created on the order with no specimen (action result.recollect).
// The order's tests therefore stay visibly outstanding — on the order, on the patient's report
// ("pending") and to accession_order — until a recollected specimen is accessioned for them.
// FailedPrecondition when the specimen is already rejected or any of its results is released
// (correct the released result instead).
Result<core::Specimen> reject_specimen(store::Transaction& tx, const Context& ctx,
                                       const RejectSpecimen& command);

// --- results -----------------------------------------------------------------------------
struct EnterResult {
  std::string accession_number;
  std::string test_code;
  std::string value;  // "4.1", "<0.01", "negative", free text for text tests
  std::string unit;   // optional; when given it must be the catalog's UCUM unit
};
// Records a value on a received specimen (status preliminary), flags it against the reference
// interval for the patient's sex and age at collection, and marks it critical against the
// catalog's critical limits. A preliminary value may be entered again (it replaces the previous
// one, audited). FailedPrecondition when the specimen is not received or the result is released
// (use correct_result) or cancelled.
//
// A preliminary value that was already telephoned to a caregiver (a critical call documented
// for the current revision) has been communicated: entering a new value then keeps the called
// value as a ResultRevision (status preliminary, released_at/by = the call's time and caller,
// reason naming the caregiver told) and increments the revision, so the earlier call no longer
// covers the new value and a critical new value needs its own call before release.
//
// With ctx.rules set the value is judged as post_results judges it, and the reasons it would be
// held for are stored with it; a value entered by a person is never released by
// autoverification: the person releases it.
Result<core::TestResult> enter_result(store::Transaction& tx, const Context& ctx,
                                      const EnterResult& command);

// One value reported by an instrument or another system.
struct PostedValue {
  std::string test_code;  // catalog code (the interface maps the sender's codes first)
  std::string value;
  std::string unit;   // as for EnterResult
  std::string label;  // where it came from, for refusals: "OBX(3)", "R record 4"
  // The instrument's flags and error codes for the value (ASTM R-7, HL7 OBX-8): every flag the
  // rules do not list as informational holds the result.
  std::vector<std::string> flags;
  // Who performed the test, as the device identifies them (HL7 OBX-16, ASTM R-11): the lab's
  // username, stored as the result's performed_by ("" when the device names nobody).
  std::string operator_id = {};
};

struct PostResults {
  std::string accession_number;
  std::vector<PostedValue> values;
  std::string source;  // the instrument or system, named in the audit reason
  // The instrument profile id of the instrument that measured ("cobas-c311"): stored with each
  // value, and the instrument quality control gates (lab/quality_control.h). "" for a system
  // that is no instrument (an EHR, a reference lab): QC is then not checked.
  std::string instrument;
  // Hemolysis, icterus and lipemia indices the instrument measured on the specimen.
  rules::SerumIndices indices;
  std::optional<core::Instant> measured_at;  // defaults to now
  // A point-of-care device (ingest/instrument_profile.h point_of_care): the operator who
  // performed each test (PostedValue::operator_id) is checked for their qualification on the
  // device when the lab enforces qualifications, and the values of an operator not qualified, or
  // not identified, are held for review (lab/qualification_check.h).
  bool point_of_care = false;
};

struct PostedResults {
  int recorded = 0;      // values stored
  int autoverified = 0;  // of those, released by autoverification
  int unchanged = 0;     // the same value was already stored by this account: nothing written
  std::vector<core::TestResult> results;   // in the order posted
  std::vector<core::TestResult> reflexed;  // tests added to the order by reflex rules
  // Calculated results computed again from the values recorded (lab/calculated_results.h).
  std::vector<core::TestResult> calculated;
};

// Records several values on one specimen, as enter_result does for each, reading the specimen,
// its order and patient once. The whole post is checked first and applied all or nothing: any
// problem (unknown test, test not ordered on the specimen, specimen not received or rejected,
// result released or cancelled, value not readable) refuses it, and the error lists every
// problem, one per line, each starting with the value's label. NotFound when every problem is a
// test not ordered on the specimen, FailedPrecondition otherwise; NotFound for an unknown
// specimen.
//
// Idempotent: a value equal to the one this account already stored is left alone (counted as
// unchanged, no audit entry), so a message delivered twice is stored once.
//
// Autoverification (when ctx.rules is set): the recorded values of the specimen are judged
// together (rules/autoverification.h), with the patient's previous released result of each test
// that has a delta check, the flags and indices posted, and the QC gate. A value that passes
// every rule is released at once by "autoverification" (status final, audited as
// result.autoverify with the rules' name and version, its report queued in the outbox); a value
// below the measuring range is stored as "<limit". Any other value stays preliminary with its
// hold reasons stored (holds_for_result) and named in the audit entry's reason.
//
// Reflex rules (rules/reflex.h) then add the tests a recorded value calls for to its order, on
// the same specimen when the tube fits, audited as result.order with the rule's reason; a value
// the rules found technically invalid fires none. enter_result runs them too.
Result<PostedResults> post_results(store::Transaction& tx, const Context& ctx,
                                   const PostResults& command);

struct DocumentCriticalCall {
  std::string accession_number;
  std::string test_code;
  std::string called_to;                   // the licensed caregiver who received the call
  std::string called_by;                   // defaults to the actor
  std::optional<core::Instant> called_at;  // defaults to now
  bool read_back_confirmed = false;
  std::string notes;
};
// FailedPrecondition when the result is not critical, has no value, or read-back was not
// confirmed (the call is then not accepted as notification: call again). The call is tied to
// the result's current revision, i.e. to the value the caller read out. InvalidArgument without
// `called_to` or with a call time in the future.
Result<core::CriticalCall> document_critical_call(store::Transaction& tx, const Context& ctx,
                                                  const DocumentCriticalCall& command);

struct ReleaseResult {
  std::string accession_number;
  std::string test_code;
};
// Verifies and releases a preliminary result (status final). When the lab enforces
// qualifications, PermissionDenied names each requirement the actor does not meet for the test
// (lab/qualification_check.h require_qualified_to_release); a supervisor's exception in force is
// named in the audit entry. FailedPrecondition when it has no
// value, is already released, is cancelled, is held by a rule that suppresses the value (a
// serum index beyond its suppress threshold: recollect instead), or is critical without a
// documented call with read-back for its current value. PermissionDenied for roles that may not
// release.
Result<core::TestResult> release_result(store::Transaction& tx, const Context& ctx,
                                        const ReleaseResult& command);

// The documentation of a phone call made with a corrected value before it is recorded.
struct CallDocumentation {
  std::string called_to;                   // the licensed caregiver who received the call
  std::string called_by;                   // defaults to the actor
  std::optional<core::Instant> called_at;  // defaults to now
  bool read_back_confirmed = false;
  std::string notes;
};

struct CorrectResult {
  std::string accession_number;
  std::string test_code;
  std::string value;
  std::string unit;
  std::string reason;  // required
  // Required when the corrected value is critical, refused when it is not.
  std::optional<CallDocumentation> critical_call;
};
// Replaces a released value, keeping the original as a revision (status corrected). A corrected
// value that is critical needs its own documented call before it is released: until then the
// correction is refused. InvalidArgument without a reason; FailedPrecondition when not released.
//
// A correction is released the moment it is recorded, so a critical corrected value cannot wait
// for a later call: the technologist phones the caregiver with the corrected value first and
// records the correction together with that call (`critical_call`, read-back confirmed). The
// call is stored for the new revision in the same transaction (audited as critical_call.document)
// and so is tied to exactly the value that was read out. Without it, or without read-back, the
// correction is refused with FailedPrecondition and nothing changes: the released value stays
// as it was. InvalidArgument when the corrected value equals the released one.
Result<core::TestResult> correct_result(store::Transaction& tx, const Context& ctx,
                                        const CorrectResult& command);

}  // namespace aliquot::lab
