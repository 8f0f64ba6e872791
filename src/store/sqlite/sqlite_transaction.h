#pragma once

// A store::Transaction on one SQLite connection.

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/store.h"

namespace aliquot::store::sqlite {

// Runs every Transaction method as prepared statements on the connection it was given, which it
// holds (with the store's writer lock for a write transaction) until it ends. A write transaction
// starts with BEGIN IMMEDIATE, so it holds SQLite's write lock from the start and cannot fail
// later for a conflict; a read transaction starts with a deferred BEGIN followed by a read, so
// its snapshot is fixed when begin() returns, and it refuses every write with
// FailedPrecondition. Destroying it without commit() rolls back, then calls `on_end` (which gives
// the connection back and releases the locks).
//
// Not thread-safe (store.h): one thread uses it at a time. It must not outlive its Store.
class SqliteTransaction final : public Transaction {
 public:
  // Begins the transaction on `connection`; `on_end` runs when it is destroyed, whatever happened.
  static Result<std::unique_ptr<SqliteTransaction>> begin(Connection& connection,
                                                          TransactionMode mode,
                                                          std::function<void()> on_end);
  ~SqliteTransaction() override;

  Result<void> commit() override;
  Result<void> commit_before_sync() override;
  Result<std::int64_t> next_sequence(std::string_view name) override;

  Result<std::optional<std::string>> get_setting(std::string_view key) override;
  Result<void> set_setting(std::string_view key, std::string_view value) override;

  Result<core::User> insert_user(core::User user) override;
  Result<std::optional<core::User>> find_user(std::string_view username) override;
  Result<std::vector<core::User>> list_users() override;

  Result<CatalogVersion> insert_catalog_version(CatalogVersion version) override;
  Result<std::optional<CatalogVersion>> latest_catalog_version() override;
  Result<CatalogVersion> insert_rules_version(CatalogVersion version) override;
  Result<std::optional<CatalogVersion>> latest_rules_version() override;
  Result<CatalogVersion> insert_qc_policy_version(CatalogVersion version) override;
  Result<std::optional<CatalogVersion>> latest_qc_policy_version() override;
  Result<CatalogVersion> insert_personnel_requirements_version(CatalogVersion version) override;
  Result<std::optional<CatalogVersion>> latest_personnel_requirements_version() override;
  Result<CatalogVersion> insert_ce_rules_version(CatalogVersion version) override;
  Result<std::optional<CatalogVersion>> latest_ce_rules_version() override;

  Result<core::Patient> insert_patient(core::Patient patient) override;
  Result<std::optional<core::Patient>> find_patient(std::int64_t id) override;
  Result<std::optional<core::Patient>> find_patient_by_mrn(std::string_view mrn) override;
  Result<void> update_patient(const core::Patient& patient) override;

  Result<core::Order> insert_order(core::Order order) override;
  Result<std::optional<core::Order>> find_order(std::int64_t id) override;
  Result<std::optional<core::Order>> find_order_by_number(std::string_view number) override;
  Result<std::vector<core::Order>> orders_for_patient(std::int64_t patient_id) override;

  Result<core::Specimen> insert_specimen(core::Specimen specimen) override;
  Result<void> update_specimen(const core::Specimen& specimen) override;
  Result<std::optional<core::Specimen>> find_specimen(std::int64_t id) override;
  Result<std::optional<core::Specimen>> find_specimen_by_accession(
      std::string_view accession_number) override;
  Result<std::vector<core::Specimen>> specimens_for_order(std::int64_t order_id) override;

  Result<core::TestResult> insert_result(core::TestResult result) override;
  Result<void> update_result(const core::TestResult& result) override;
  Result<std::optional<core::TestResult>> find_result(std::int64_t id) override;
  Result<std::vector<core::TestResult>> results_for_order(std::int64_t order_id) override;
  Result<std::vector<core::TestResult>> results_for_specimen(std::int64_t specimen_id) override;
  Result<std::vector<WorklistRow>> worklist(std::string_view section) override;

  Result<void> insert_result_revision(const core::ResultRevision& revision) override;
  Result<std::vector<core::ResultRevision>> revisions_for_result(std::int64_t result_id) override;

  Result<core::CriticalCall> insert_critical_call(core::CriticalCall call) override;
  Result<void> replace_result_holds(std::int64_t result_id,
                                    const std::vector<core::HoldReason>& holds) override;
  Result<std::vector<core::HoldReason>> holds_for_result(std::int64_t result_id) override;
  Result<std::optional<core::PreviousValue>> previous_released_value(
      std::int64_t patient_id, std::string_view test_code, core::Instant collected_before) override;
  Result<core::ResultComment> insert_result_comment(core::ResultComment comment) override;
  Result<std::vector<core::ResultComment>> comments_for_result(std::int64_t result_id) override;
  Result<std::vector<core::CriticalCall>> critical_calls_for_result(
      std::int64_t result_id) override;

  Result<void> append_audit_entry(const core::AuditEntry& entry) override;
  Result<std::optional<core::AuditEntry>> last_audit_entry() override;
  Result<std::optional<AuditHead>> last_audit_link() override;
  Result<std::vector<core::AuditEntry>> audit_entries(std::int64_t from_sequence,
                                                      std::int64_t limit) override;
  Result<std::vector<core::AuditEntry>> find_audit_entries(const AuditFilter& filter) override;
  Result<std::optional<AuditHead>> audit_head() override;
  // Adds the next `max_entries` entries after indexed_through to audit_lookup (migrations.cc,
  // version 11); returns how many. Every commit that appends entries also indexes the whole tail
  // once it reaches kAuditTailLimit entries, so a search never reads more than that unindexed.
  Result<std::int64_t> index_audit_trail(std::int64_t max_entries);
  // The entries appended after indexed_through.
  Result<std::int64_t> unindexed_audit_entries();
  static constexpr std::int64_t kAuditTailLimit = 4096;

  Result<void> savepoint(std::string_view name) override;
  Result<void> rollback_to_savepoint(std::string_view name) override;
  Result<void> release_savepoint(std::string_view name) override;

  // Quality control and instrument schedules (sqlite_quality_control.cc).
  Result<core::QcMaterial> insert_qc_material(core::QcMaterial material) override;
  Result<std::optional<core::QcMaterial>> find_qc_material(std::int64_t id) override;
  Result<std::optional<core::QcMaterial>> find_qc_material_by_lot(std::string_view lot,
                                                                  std::string_view level) override;
  Result<std::vector<core::QcMaterial>> list_qc_materials() override;
  Result<core::QcTarget> insert_qc_target(core::QcTarget target) override;
  Result<std::optional<core::QcTarget>> qc_target_in_force(std::int64_t material_id,
                                                           std::string_view instrument,
                                                           std::string_view test_code,
                                                           core::Instant at) override;
  Result<std::vector<core::QcTarget>> qc_targets(std::string_view instrument,
                                                 std::string_view test_code,
                                                 std::int64_t material_id) override;
  Result<bool> has_qc_targets(std::string_view instrument, std::string_view test_code) override;
  Result<void> set_qc_sample_id(std::string_view instrument, std::string_view sample_id,
                                std::int64_t material_id) override;
  Result<std::optional<std::int64_t>> find_qc_sample_id(std::string_view instrument,
                                                        std::string_view sample_id) override;
  Result<bool> has_qc_sample_ids(std::string_view instrument) override;
  Result<core::QcRun> insert_qc_run(core::QcRun run) override;
  Result<void> update_qc_run_correction(const core::QcRun& run) override;
  Result<std::optional<core::QcRun>> find_qc_run(std::int64_t id) override;
  Result<std::vector<core::QcRun>> qc_runs(std::string_view instrument, std::string_view test_code,
                                           core::Instant from, core::Instant to,
                                           std::int64_t limit) override;
  Result<std::optional<core::QcRun>> last_qc_run(std::string_view instrument,
                                                 std::string_view test_code, core::Instant at,
                                                 std::optional<core::QcRunStatus> status) override;
  Result<std::vector<std::pair<std::string, std::string>>> qc_analytes() override;
  Result<std::vector<core::TestResult>> results_measured_on(std::string_view instrument,
                                                            std::string_view test_code,
                                                            core::Instant after,
                                                            core::Instant up_to) override;
  Result<std::int64_t> count_results_measured_on(std::string_view instrument,
                                                 std::string_view test_code,
                                                 core::Instant after) override;
  Result<void> insert_qc_hold(const core::QcHold& hold) override;
  Result<void> update_qc_hold(const core::QcHold& hold) override;
  Result<std::vector<core::QcHold>> qc_holds_for_run(std::int64_t run_id) override;
  Result<std::vector<core::QcHold>> open_qc_holds_for_result(std::int64_t result_id) override;
  Result<std::vector<core::QcHold>> open_qc_holds() override;
  Result<core::InstrumentTask> insert_instrument_task(core::InstrumentTask task) override;
  Result<void> update_instrument_task(const core::InstrumentTask& task) override;
  Result<std::optional<core::InstrumentTask>> find_instrument_task(std::string_view instrument,
                                                                   std::string_view name) override;
  Result<std::vector<core::InstrumentTask>> list_instrument_tasks(
      std::string_view instrument) override;
  Result<core::InstrumentTaskLog> insert_instrument_task_log(
      core::InstrumentTaskLog entry) override;
  Result<std::vector<core::InstrumentTaskLog>> instrument_task_log(std::int64_t task_id,
                                                                   std::int64_t limit) override;

  Result<void> insert_applied_message(const AppliedMessage& message) override;
  Result<std::optional<AppliedMessage>> find_applied_message(Channel channel,
                                                             std::string_view sender,
                                                             std::string_view message_id) override;
  Result<QuarantinedMessage> insert_quarantined_message(QuarantinedMessage message) override;
  Result<void> update_quarantined_message(const QuarantinedMessage& message) override;
  Result<std::optional<QuarantinedMessage>> find_quarantined_message(std::int64_t id) override;
  Result<std::vector<QuarantinedMessage>> list_quarantined_messages(
      std::optional<QuarantineStatus> status, std::int64_t limit) override;
  Result<OutboxMessage> insert_outbox_message(OutboxMessage message) override;
  Result<void> update_outbox_message(const OutboxMessage& message) override;
  Result<std::optional<OutboxMessage>> find_outbox_message(std::int64_t id) override;
  Result<std::vector<OutboxMessage>> due_outbox_messages(core::Instant now,
                                                         std::int64_t limit) override;
  Result<std::vector<OutboxMessage>> list_outbox_messages(std::optional<OutboxStatus> status,
                                                          std::int64_t limit) override;

  // Passwords and sessions (sqlite_authentication.cc).
  Result<std::optional<core::Credentials>> get_credentials(std::string_view username) override;
  Result<void> set_credentials(const core::Credentials& credentials) override;
  Result<void> insert_session(const core::UserSession& session) override;
  Result<std::optional<core::UserSession>> find_session(std::string_view id) override;
  Result<void> update_session(const core::UserSession& session) override;
  Result<std::int64_t> end_sessions_of_user(std::string_view username, core::Instant at,
                                            std::string_view reason) override;
  // Reads of patient data (sqlite_authentication.cc).
  Result<void> insert_patient_data_read(const core::PatientDataRead& read) override;
  Result<std::vector<core::PatientDataRead>> patient_data_reads(std::string_view mrn,
                                                                std::string_view username,
                                                                std::int64_t limit) override;

  // The lab's people (sqlite_people.cc).
  Result<void> put_person(const core::PersonRecord& person) override;
  Result<std::optional<core::PersonRecord>> find_person(std::string_view person) override;
  Result<std::vector<core::PersonRecord>> list_people() override;
  Result<core::CompetencyEvent> insert_competency_event(core::CompetencyEvent event) override;
  Result<std::vector<core::CompetencyEvent>> competency_events(
      std::string_view person, std::string_view test_system) override;
  Result<core::CeActivity> insert_ce_activity(core::CeActivity activity) override;
  Result<std::vector<core::CeActivity>> ce_activities(std::string_view person) override;
  Result<core::QualificationException> insert_qualification_exception(
      core::QualificationException exception) override;
  Result<std::vector<core::QualificationException>> qualification_exceptions(
      std::string_view person) override;

  // Turnaround (sqlite_turnaround.cc).
  Result<std::vector<ReleasedResultTiming>> results_released_between(core::Instant from,
                                                                     core::Instant to) override;
  // Gauges for /metrics (sqlite_gauges.cc).
  Result<LabGauges> lab_gauges() override;

  // Pages and batches for the web API (sqlite_worklist_page.cc).
  Result<std::vector<WorklistRow>> worklist_page(std::string_view section,
                                                 std::optional<std::int64_t> after_result_id,
                                                 std::int64_t limit) override;
  Result<std::int64_t> count_worklist(std::string_view section) override;
  Result<std::map<std::int64_t, std::vector<core::HoldReason>>> holds_for_results(
      const std::vector<std::int64_t>& result_ids) override;
  Result<std::map<std::int64_t, std::vector<core::ResultRevision>>> revisions_for_results(
      const std::vector<std::int64_t>& result_ids) override;
  Result<std::map<std::int64_t, std::vector<core::CriticalCall>>> critical_calls_for_results(
      const std::vector<std::int64_t>& result_ids) override;
  Result<std::vector<core::Order>> orders_for_patient_page(
      std::int64_t patient_id, std::optional<std::int64_t> before_order_id,
      std::int64_t limit) override;
  Result<std::vector<core::TestResult>> results_for_orders(
      const std::vector<std::int64_t>& order_ids) override;
  Result<std::vector<core::Specimen>> specimens_for_orders(
      const std::vector<std::int64_t>& order_ids) override;

 private:
  // Marks the transaction ended and gives the connection and the writer lock back.
  Result<void> end();
  SqliteTransaction(Connection& connection, TransactionMode mode, std::function<void()> on_end)
      : connection_(connection), mode_(mode), on_end_(std::move(on_end)) {}

  // FailedPrecondition once the transaction has ended.
  Result<void> check_open() const;
  // As check_open(), and FailedPrecondition in a read transaction; `operation` names the write.
  Result<void> check_writable(std::string_view operation) const;
  Result<Statement> prepare(std::string_view sql) { return connection_.prepare(sql); }

  Result<std::optional<core::Order>> find_one_order(Statement& statement, std::string_view doing);
  // Versions of the lab's documents: `table` is catalog_versions, rules_versions,
  // qc_policy_versions, personnel_requirements_versions or ce_rules_versions; `what` names it.
  Result<CatalogVersion> insert_document_version(std::string_view table, std::string_view what,
                                                 CatalogVersion version);
  Result<std::optional<CatalogVersion>> latest_document_version(std::string_view table,
                                                                std::string_view what);
  Result<void> load_requested_codes(core::Order& order);
  // load_requested_codes for many orders in one statement per chunk (sqlite_worklist_page.cc).
  Result<void> load_requested_codes(std::vector<core::Order*>& orders);
  // Reads `sql_head` + "(?, ?, ...)" + `sql_tail` for each chunk of `ids`
  // (sqlite_worklist_page.cc), with every marker bound to an id, and returns the rows `read` makes
  // of them in chunk order.
  template <typename T, typename Read>
  Result<std::vector<T>> select_in_chunks(std::string_view sql_head,
                                          const std::vector<std::int64_t>& ids,
                                          std::string_view sql_tail, std::string_view doing,
                                          Read read);
  Result<std::vector<core::TestResult>> select_results(std::string_view sql, std::int64_t key,
                                                       std::string_view doing);
  Result<std::optional<core::Specimen>> select_specimen(Statement& statement,
                                                        std::string_view doing);
  Result<std::vector<core::AuditEntry>> select_audit_entries(Statement& statement,
                                                             std::string_view doing);

  // Forgets what is known of the audit trail's end (known_head_, known_last_link_).
  void forget_audit_end();
  // Whether known_head_ and known_last_link_ may be used: only while the transaction is still
  // open in SQLite (an error that rolled the whole transaction back undid what they describe).
  bool audit_end_trusted() const { return connection_.in_transaction(); }

  Connection& connection_;
  TransactionMode mode_;
  std::function<void()> on_end_;
  bool ended_ = false;
  // The end of the audit trail as this transaction last read or wrote it, so that a group commit
  // appending many entries does not read it back before each one: the chain head
  // (audit_head()) and the link of the last entry (last_audit_link()). Nothing else writes
  // audit_log or audit_head while this transaction holds the connection; a savepoint rollback
  // may undo appends, so it forgets them, and an append forgets them until it has succeeded.
  // The outer optional is empty when unknown.
  std::optional<std::optional<AuditHead>> known_head_;
  std::optional<std::optional<AuditHead>> known_last_link_;
  bool appended_audit_entries_ = false;  // checked at commit against kAuditTailLimit
};

}  // namespace aliquot::store::sqlite
