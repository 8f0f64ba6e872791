#pragma once

// The lab's persistent state behind one interface, so that callers (lab/ use cases, the CLI, the
// server) do not change when a backend is added. Each backend lives in its own folder
// (store/sqlite/, later store/postgres/) and passes the same conformance suite
// (tests/store/store_conformance_test.cc).
//
// Everything happens inside a Transaction. A transaction may carry any number of use cases before
// it commits once: that is how the ingest pipeline groups many results into one commit.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/audit_entry.h"
#include "core/ce_activity.h"
#include "core/competency_event.h"
#include "core/credentials.h"
#include "core/error.h"
#include "core/instrument_task.h"
#include "core/order.h"
#include "core/patient.h"
#include "core/patient_data_read.h"
#include "core/person_record.h"
#include "core/qc_records.h"
#include "core/qualification_exception.h"
#include "core/specimen.h"
#include "core/test_result.h"
#include "core/user.h"
#include "core/user_session.h"
#include "store/messages.h"

namespace aliquot::store {

// A pending result on a received specimen, with what a bench worklist shows beside it.
struct WorklistRow {
  core::TestResult result;
  core::Specimen specimen;
  core::Order order;
  core::Patient patient;
};

// What is waiting in the lab now, for monitoring (GET /metrics).
struct LabGauges {
  struct OpenResults {
    std::string status;   // "pending" or "preliminary"
    std::string section;  // the catalog section
    std::int64_t count = 0;
  };
  std::vector<OpenResults> open_results;  // by status, then section
  std::int64_t held_results = 0;          // preliminary results with a hold reason
  std::int64_t outbox_pending = 0;        // outgoing messages not delivered yet
  std::int64_t outbox_failed = 0;         // given up after their retries
  std::int64_t quarantine_held = 0;       // refused messages waiting for the lab
};

// A released result with the times its in-laboratory turnaround is measured between (receipt of
// its specimen, first release) and what a turnaround report groups it by.
struct ReleasedResultTiming {
  std::int64_t result_id = 0;
  std::string accession_number;
  std::string test_code;
  std::string section;  // the result's section (core::TestResult::section)
  core::Priority priority = core::Priority::kRoutine;  // of its order
  core::Instant received_at{};
  core::Instant released_at{};
};

// Selects audit entries by subject; empty fields do not restrict. `accession_number` also
// matches the entries of that specimen's results.
struct AuditFilter {
  std::string patient_mrn;
  std::string accession_number;
  std::string test_code;
  std::string entity_type;
};

// The head of the audit chain: the sequence and hash of the last entry appended. Backends keep it
// apart from the entries, updated in the same transaction as each append, so that removing the
// last entries of the trail is detectable (audit::verify compares it with the last entry).
struct AuditHead {
  std::int64_t sequence = 0;
  std::string hash;
};

// A version of the catalog as loaded into the lab: the TOML text and its SHA-256.
struct CatalogVersion {
  std::int64_t version = 0;
  std::string name;  // file name it was loaded from
  std::string content;
  std::string sha256;
  core::Instant loaded_at{};
  std::string loaded_by;
};

// One unit of work. Not thread-safe: one thread uses a transaction at a time. Destroying it
// without commit() rolls everything back. After any write fails the transaction should be
// abandoned (destroyed) rather than committed.
//
// Conventions: insert_* return the stored entity with its `id` set; update_* replace every field
// of the entity with that id and fail with NotFound when there is none; find_* return
// std::nullopt when nothing matches; list functions return rows in the stated order.
class Transaction {
 public:
  virtual ~Transaction() = default;
  Transaction() = default;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Makes every change durable (synchronous on disk) and ends the transaction.
  virtual Result<void> commit() = 0;
  // Ends the transaction with its changes committed and visible, but not yet known to be on
  // disk: Store::sync() makes them durable. A crash of the process loses nothing; a power loss
  // before the sync may lose the commit. For group commit, which applies the next batch while the
  // disk makes the last one durable: nothing committed this way may be acknowledged to anyone
  // before a sync() that began after the commit has returned.
  virtual Result<void> commit_before_sync() = 0;

  // Allocates the next value of a named, gap-tolerant, monotonic counter ("accession.26",
  // "order.26"); the first value is 1.
  virtual Result<std::int64_t> next_sequence(std::string_view name) = 0;

  // Lab settings, key -> value ("lab.name", "catalog.version", ...).
  virtual Result<std::optional<std::string>> get_setting(std::string_view key) = 0;
  virtual Result<void> set_setting(std::string_view key, std::string_view value) = 0;

  virtual Result<core::User> insert_user(core::User user) = 0;  // AlreadyExists on same username
  virtual Result<std::optional<core::User>> find_user(std::string_view username) = 0;
  virtual Result<std::vector<core::User>> list_users() = 0;  // by username

  virtual Result<CatalogVersion> insert_catalog_version(CatalogVersion version) = 0;
  virtual Result<std::optional<CatalogVersion>> latest_catalog_version() = 0;

  // The autoverification rules as loaded into the lab (rules/rule_set.h), versioned like the
  // catalog.
  virtual Result<CatalogVersion> insert_rules_version(CatalogVersion version) = 0;
  virtual Result<std::optional<CatalogVersion>> latest_rules_version() = 0;

  // The lab's QC policy (qc/qc_policy.h) as loaded, versioned like the catalog.
  virtual Result<CatalogVersion> insert_qc_policy_version(CatalogVersion version) = 0;
  virtual Result<std::optional<CatalogVersion>> latest_qc_policy_version() = 0;

  // The lab's own personnel requirements (people/requirements.h) and continuing-education rules
  // (people/continuing_education.h) as loaded, versioned like the catalog.
  virtual Result<CatalogVersion> insert_personnel_requirements_version(CatalogVersion version) = 0;
  virtual Result<std::optional<CatalogVersion>> latest_personnel_requirements_version() = 0;
  virtual Result<CatalogVersion> insert_ce_rules_version(CatalogVersion version) = 0;
  virtual Result<std::optional<CatalogVersion>> latest_ce_rules_version() = 0;

  virtual Result<core::Patient> insert_patient(core::Patient patient) = 0;  // AlreadyExists: MRN
  virtual Result<std::optional<core::Patient>> find_patient(std::int64_t id) = 0;
  virtual Result<std::optional<core::Patient>> find_patient_by_mrn(std::string_view mrn) = 0;
  virtual Result<void> update_patient(const core::Patient& patient) = 0;

  virtual Result<core::Order> insert_order(core::Order order) = 0;  // AlreadyExists: number
  virtual Result<std::optional<core::Order>> find_order(std::int64_t id) = 0;
  virtual Result<std::optional<core::Order>> find_order_by_number(std::string_view number) = 0;
  // Newest first (ordered_at descending, then id descending).
  virtual Result<std::vector<core::Order>> orders_for_patient(std::int64_t patient_id) = 0;

  virtual Result<core::Specimen> insert_specimen(core::Specimen specimen) = 0;  // AlreadyExists
  virtual Result<void> update_specimen(const core::Specimen& specimen) = 0;
  virtual Result<std::optional<core::Specimen>> find_specimen(std::int64_t id) = 0;
  virtual Result<std::optional<core::Specimen>> find_specimen_by_accession(
      std::string_view accession_number) = 0;
  virtual Result<std::vector<core::Specimen>> specimens_for_order(
      std::int64_t order_id) = 0;  // by id

  virtual Result<core::TestResult> insert_result(core::TestResult result) = 0;
  virtual Result<void> update_result(const core::TestResult& result) = 0;
  virtual Result<std::optional<core::TestResult>> find_result(std::int64_t id) = 0;
  virtual Result<std::vector<core::TestResult>> results_for_order(
      std::int64_t order_id) = 0;  // by id
  virtual Result<std::vector<core::TestResult>> results_for_specimen(
      std::int64_t specimen_id) = 0;  // by id
  // Results of received specimens whose status is pending or preliminary, in `section` (all
  // sections when empty): STAT first, then ASAP, then routine; within a priority, oldest receipt
  // first, then result id.
  virtual Result<std::vector<WorklistRow>> worklist(std::string_view section) = 0;

  virtual Result<void> insert_result_revision(const core::ResultRevision& revision) = 0;
  virtual Result<std::vector<core::ResultRevision>> revisions_for_result(
      std::int64_t result_id) = 0;  // by revision

  // The reasons a result is held, in order; replacing them with none clears them.
  virtual Result<void> replace_result_holds(std::int64_t result_id,
                                            const std::vector<core::HoldReason>& holds) = 0;
  virtual Result<std::vector<core::HoldReason>> holds_for_result(std::int64_t result_id) = 0;
  // The patient's latest released (final or corrected) numeric result of `test_code` on a
  // specimen collected strictly before `collected_before`; nullopt when there is none.
  virtual Result<std::optional<core::PreviousValue>> previous_released_value(
      std::int64_t patient_id, std::string_view test_code, core::Instant collected_before) = 0;

  virtual Result<core::CriticalCall> insert_critical_call(core::CriticalCall call) = 0;
  virtual Result<std::vector<core::CriticalCall>> critical_calls_for_result(
      std::int64_t result_id) = 0;  // by id

  // Comments on a result, in the order written (by id); the store assigns the id.
  virtual Result<core::ResultComment> insert_result_comment(core::ResultComment comment) = 0;
  virtual Result<std::vector<core::ResultComment>> comments_for_result(std::int64_t result_id) = 0;

  // The audit trail. Entries are appended with the sequence and hashes already set (audit/chain.h
  // computes them); the store refuses a sequence that is not last + 1.
  virtual Result<void> append_audit_entry(const core::AuditEntry& entry) = 0;
  virtual Result<std::optional<core::AuditEntry>> last_audit_entry() = 0;
  // The sequence and hash of last_audit_entry() (std::nullopt when the trail is empty): what the
  // next entry links to, without its content. Backends may answer without reading the trail
  // again when this transaction appended the last entry itself.
  virtual Result<std::optional<AuditHead>> last_audit_link() {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::AuditEntry> last, last_audit_entry());
    if (!last) return std::optional<AuditHead>();
    return std::optional<AuditHead>(AuditHead{last->sequence, last->hash});
  }
  // In sequence order, from `from_sequence` on, at most `limit` entries.
  virtual Result<std::vector<core::AuditEntry>> audit_entries(std::int64_t from_sequence,
                                                              std::int64_t limit) = 0;
  virtual Result<std::vector<core::AuditEntry>> find_audit_entries(
      const AuditFilter& filter) = 0;  // in sequence order
  // The chain head as recorded by append_audit_entry: kept apart from the entries, so that
  // removing the last entries of the trail is detectable. std::nullopt before the first append.
  virtual Result<std::optional<AuditHead>> audit_head() = 0;

  // Nested units of work inside the transaction (SQL savepoints), so that one message of a
  // group commit can be undone without undoing the others. Names are plain identifiers; a
  // rollback_to keeps the savepoint open, release ends it.
  virtual Result<void> savepoint(std::string_view name) = 0;
  virtual Result<void> rollback_to_savepoint(std::string_view name) = 0;
  virtual Result<void> release_savepoint(std::string_view name) = 0;

  // --- quality control (core/qc_records.h) ---
  // AlreadyExists for the same (lot, level).
  virtual Result<core::QcMaterial> insert_qc_material(core::QcMaterial material) = 0;
  virtual Result<std::optional<core::QcMaterial>> find_qc_material(std::int64_t id) = 0;
  virtual Result<std::optional<core::QcMaterial>> find_qc_material_by_lot(
      std::string_view lot, std::string_view level) = 0;
  // By product, lot, level.
  virtual Result<std::vector<core::QcMaterial>> list_qc_materials() = 0;

  virtual Result<core::QcTarget> insert_qc_target(core::QcTarget target) = 0;
  // The target in force at `at`: the one with the latest effective_from not after `at` (the
  // last entered among equals).
  virtual Result<std::optional<core::QcTarget>> qc_target_in_force(std::int64_t material_id,
                                                                   std::string_view instrument,
                                                                   std::string_view test_code,
                                                                   core::Instant at) = 0;
  // Every target ever entered for the analyte on the instrument (all materials when
  // `material_id` is 0), by material, then effective_from, then id.
  virtual Result<std::vector<core::QcTarget>> qc_targets(std::string_view instrument,
                                                         std::string_view test_code,
                                                         std::int64_t material_id) = 0;
  // Whether any target was ever entered for the analyte on the instrument: QC monitors it.
  virtual Result<bool> has_qc_targets(std::string_view instrument, std::string_view test_code) = 0;

  // The sample id under which an instrument reports a control material (ASTM O-3, HL7 SPM-2 or
  // OBR-3). Setting an id already set replaces its material.
  virtual Result<void> set_qc_sample_id(std::string_view instrument, std::string_view sample_id,
                                        std::int64_t material_id) = 0;
  virtual Result<std::optional<std::int64_t>> find_qc_sample_id(std::string_view instrument,
                                                                std::string_view sample_id) = 0;
  // Whether any sample id is registered for the instrument: the lab keeps its QC in aliquot.
  virtual Result<bool> has_qc_sample_ids(std::string_view instrument) = 0;

  // Inserts the run and its values.
  virtual Result<core::QcRun> insert_qc_run(core::QcRun run) = 0;
  // Only the corrective action fields change; NotFound for an unknown id.
  virtual Result<void> update_qc_run_correction(const core::QcRun& run) = 0;
  virtual Result<std::optional<core::QcRun>> find_qc_run(std::int64_t id) = 0;
  // Runs of the analyte on the instrument measured in [from, to), oldest first (measured_at,
  // then id), with their values; at most `limit`, the newest ones when there are more.
  virtual Result<std::vector<core::QcRun>> qc_runs(std::string_view instrument,
                                                   std::string_view test_code, core::Instant from,
                                                   core::Instant to, std::int64_t limit) = 0;
  // The last run measured at or before `at` (by measured_at, then id); with `status`, the last
  // run with that status.
  virtual Result<std::optional<core::QcRun>> last_qc_run(
      std::string_view instrument, std::string_view test_code, core::Instant at,
      std::optional<core::QcRunStatus> status) = 0;
  // The analytes (instrument, test_code) with any run, by instrument then test code.
  virtual Result<std::vector<std::pair<std::string, std::string>>> qc_analytes() = 0;

  // Results of the analyte measured on the instrument in (after, up_to], by measured_at then id.
  virtual Result<std::vector<core::TestResult>> results_measured_on(std::string_view instrument,
                                                                    std::string_view test_code,
                                                                    core::Instant after,
                                                                    core::Instant up_to) = 0;
  // How many results were measured on the instrument after `after` (of `test_code` when it is
  // not empty): the run counter of "every N runs" schedules.
  virtual Result<std::int64_t> count_results_measured_on(std::string_view instrument,
                                                         std::string_view test_code,
                                                         core::Instant after) = 0;

  // AlreadyExists for the same (run_id, result_id).
  virtual Result<void> insert_qc_hold(const core::QcHold& hold) = 0;
  virtual Result<void> update_qc_hold(const core::QcHold& hold) = 0;  // resolution fields only
  virtual Result<std::vector<core::QcHold>> qc_holds_for_run(std::int64_t run_id) = 0;  // by result
  // Holds not resolved yet whose result is `result_id`, by run.
  virtual Result<std::vector<core::QcHold>> open_qc_holds_for_result(std::int64_t result_id) = 0;
  // Every hold not resolved yet, by run then result.
  virtual Result<std::vector<core::QcHold>> open_qc_holds() = 0;

  // --- instrument calibration and maintenance (core/instrument_task.h) ---
  // AlreadyExists for the same (instrument, name).
  virtual Result<core::InstrumentTask> insert_instrument_task(core::InstrumentTask task) = 0;
  virtual Result<void> update_instrument_task(const core::InstrumentTask& task) = 0;
  virtual Result<std::optional<core::InstrumentTask>> find_instrument_task(
      std::string_view instrument, std::string_view name) = 0;
  // All instruments when `instrument` is empty; by instrument, then name.
  virtual Result<std::vector<core::InstrumentTask>> list_instrument_tasks(
      std::string_view instrument) = 0;
  virtual Result<core::InstrumentTaskLog> insert_instrument_task_log(
      core::InstrumentTaskLog entry) = 0;
  // Newest first (done_at descending, then id descending), at most `limit`.
  virtual Result<std::vector<core::InstrumentTaskLog>> instrument_task_log(std::int64_t task_id,
                                                                           std::int64_t limit) = 0;

  // --- messages (store/messages.h) ---
  // AlreadyExists for the same (channel, sender, message_id).
  virtual Result<void> insert_applied_message(const AppliedMessage& message) = 0;
  virtual Result<std::optional<AppliedMessage>> find_applied_message(
      Channel channel, std::string_view sender, std::string_view message_id) = 0;

  virtual Result<QuarantinedMessage> insert_quarantined_message(QuarantinedMessage message) = 0;
  virtual Result<void> update_quarantined_message(const QuarantinedMessage& message) = 0;
  virtual Result<std::optional<QuarantinedMessage>> find_quarantined_message(std::int64_t id) = 0;
  // Newest first; all statuses when `status` is empty; at most `limit` rows. Without content.
  virtual Result<std::vector<QuarantinedMessage>> list_quarantined_messages(
      std::optional<QuarantineStatus> status, std::int64_t limit) = 0;

  virtual Result<OutboxMessage> insert_outbox_message(OutboxMessage message) = 0;
  virtual Result<void> update_outbox_message(const OutboxMessage& message) = 0;
  virtual Result<std::optional<OutboxMessage>> find_outbox_message(std::int64_t id) = 0;
  // Pending messages whose next attempt is due at `now`, oldest first, at most `limit`.
  virtual Result<std::vector<OutboxMessage>> due_outbox_messages(core::Instant now,
                                                                 std::int64_t limit) = 0;
  // Newest first; all statuses when `status` is empty; at most `limit` rows.
  virtual Result<std::vector<OutboxMessage>> list_outbox_messages(
      std::optional<OutboxStatus> status, std::int64_t limit) = 0;

  // --- authentication (core/credentials.h, core/user_session.h) ---
  // The user's credentials; std::nullopt when no password was ever set.
  virtual Result<std::optional<core::Credentials>> get_credentials(std::string_view username) = 0;
  // Inserts or replaces the credentials of `credentials.username`; NotFound when the lab has no
  // such user.
  virtual Result<void> set_credentials(const core::Credentials& credentials) = 0;
  // AlreadyExists for the same id; NotFound when the lab has no user `session.username`.
  virtual Result<void> insert_session(const core::UserSession& session) = 0;
  // By id (the hex SHA-256 of the token), ended or not.
  virtual Result<std::optional<core::UserSession>> find_session(std::string_view id) = 0;
  // Replaces every field but id, username and created_at; NotFound for an unknown id.
  virtual Result<void> update_session(const core::UserSession& session) = 0;
  // Ends every open session of `username` at `at` for `reason`; returns how many it ended.
  virtual Result<std::int64_t> end_sessions_of_user(std::string_view username, core::Instant at,
                                                    std::string_view reason) = 0;

  // --- reads of patient data (core/patient_data_read.h) ---
  virtual Result<void> insert_patient_data_read(const core::PatientDataRead& read) = 0;
  // Newest first, at most `limit`; an empty `mrn` or `username` matches every one.
  virtual Result<std::vector<core::PatientDataRead>> patient_data_reads(std::string_view mrn,
                                                                        std::string_view username,
                                                                        std::int64_t limit) = 0;

  // --- the lab's people (core/person_record.h, core/competency_event.h, core/ce_activity.h,
  // core/qualification_exception.h) ---
  // Inserts the person, or replaces every field of the stored person with the same `person`
  // (certifications, licences and education included). NotFound when the lab has no user of that
  // username: a person's record belongs to their account.
  virtual Result<void> put_person(const core::PersonRecord& person) = 0;
  virtual Result<std::optional<core::PersonRecord>> find_person(std::string_view person) = 0;
  virtual Result<std::vector<core::PersonRecord>> list_people() = 0;  // by person
  // NotFound when the lab has no person `event.person`.
  virtual Result<core::CompetencyEvent> insert_competency_event(core::CompetencyEvent event) = 0;
  // The events of `person` (every person when empty) on `test_system` (every system when
  // empty), by person, test system, date, then id.
  virtual Result<std::vector<core::CompetencyEvent>> competency_events(
      std::string_view person, std::string_view test_system) = 0;
  // NotFound when the lab has no person `activity.person`.
  virtual Result<core::CeActivity> insert_ce_activity(core::CeActivity activity) = 0;
  // By date, then id.
  virtual Result<std::vector<core::CeActivity>> ce_activities(std::string_view person) = 0;
  // NotFound when the lab has no person `exception.person`.
  virtual Result<core::QualificationException> insert_qualification_exception(
      core::QualificationException exception) = 0;
  // The exceptions of `person` (every person when empty), by from date, then id.
  virtual Result<std::vector<core::QualificationException>> qualification_exceptions(
      std::string_view person) = 0;

  // --- turnaround (lab/turnaround.h) ---
  // The results first released in [from, to) (released_at, which a later correction keeps) whose
  // specimen was received, final or corrected, by released_at then result id.
  virtual Result<std::vector<ReleasedResultTiming>> results_released_between(core::Instant from,
                                                                             core::Instant to) = 0;

  // --- gauges for /metrics ---
  virtual Result<LabGauges> lab_gauges() = 0;

  // --- pages and batches for the web API (store/sqlite/sqlite_worklist_page.cc) ---
  // The rows of worklist(section) that come after result `after_result_id` in its order (from
  // the first when nullopt), at most `limit`. The position of `after_result_id` is computed from
  // its own row, so a page may follow a result that has left the worklist since.
  virtual Result<std::vector<WorklistRow>> worklist_page(
      std::string_view section, std::optional<std::int64_t> after_result_id,
      std::int64_t limit) = 0;
  // How many rows worklist(section) holds.
  virtual Result<std::int64_t> count_worklist(std::string_view section) = 0;
  // holds_for_result, revisions_for_result and critical_calls_for_result of several results at
  // once, by result id; a result without any has no entry.
  virtual Result<std::map<std::int64_t, std::vector<core::HoldReason>>> holds_for_results(
      const std::vector<std::int64_t>& result_ids) = 0;
  virtual Result<std::map<std::int64_t, std::vector<core::ResultRevision>>> revisions_for_results(
      const std::vector<std::int64_t>& result_ids) = 0;
  virtual Result<std::map<std::int64_t, std::vector<core::CriticalCall>>>
  critical_calls_for_results(const std::vector<std::int64_t>& result_ids) = 0;
  // orders_for_patient, from the first order after `before_order_id` in that order (its own
  // ordered_at and id place it), at most `limit`.
  virtual Result<std::vector<core::Order>> orders_for_patient_page(
      std::int64_t patient_id, std::optional<std::int64_t> before_order_id, std::int64_t limit) = 0;
  // results_for_order of several orders at once, by order id then result id.
  virtual Result<std::vector<core::TestResult>> results_for_orders(
      const std::vector<std::int64_t>& order_ids) = 0;
  // specimens_for_order of several orders at once, by order id then specimen id.
  virtual Result<std::vector<core::Specimen>> specimens_for_orders(
      const std::vector<std::int64_t>& order_ids) = 0;
};

enum class TransactionMode {
  kRead,   // sees a consistent snapshot; writes fail
  kWrite,  // takes the write lock at begin, so that it never fails later for a conflict
};

// A lab database. Thread-safe: transactions may be begun from several threads; a kWrite begin
// waits for the current writer.
class Store {
 public:
  virtual ~Store() = default;
  virtual Result<std::unique_ptr<Transaction>> begin(TransactionMode mode) = 0;
  // The schema version the database was migrated to.
  virtual int schema_version() const = 0;
  // Makes every commit that ended before the call durable, commit_before_sync() ones included.
  // Thread-safe, and may run while another thread writes.
  virtual Result<void> sync() = 0;
  // Brings the audit trail's lookups up to date with at most `max_entries` entries, in a write
  // transaction of its own (committed, not synced: the lookups are derived from the trail and
  // rebuilt from it), if at least `min_entries` wait. Returns how many entries it indexed. A
  // backend whose lookups are kept in every commit has none waiting. For a writer with nothing
  // else to do: searches find every entry either way, but an indexed entry faster, and indexing
  // many entries at once costs much less per entry than a few.
  virtual Result<std::int64_t> index_audit_trail(std::int64_t /*min_entries*/,
                                                 std::int64_t /*max_entries*/) {
    return 0;
  }
};

}  // namespace aliquot::store
