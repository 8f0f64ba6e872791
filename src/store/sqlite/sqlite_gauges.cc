// The monitoring gauges of SqliteTransaction (store.h, "gauges for /metrics"). Each count reads
// an index only: open results through results_by_status_section, outgoing messages through
// outbox_due, quarantined ones through quarantined_messages_by_status, so that a scrape costs
// the size of what is waiting, not of the lab's history.

#include <string>

#include "core/enums.h"
#include "store/messages.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_transaction.h"

namespace aliquot::store::sqlite {

Result<LabGauges> SqliteTransaction::lab_gauges() {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  LabGauges gauges;
  {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                             prepare("SELECT r.status, r.section, COUNT(*) FROM results r"
                                     " WHERE r.status IN (?, ?) GROUP BY r.status, r.section"
                                     " ORDER BY r.status, r.section"));
    statement.bind_text(core::to_code(core::ResultStatus::kPending))
        .bind_text(core::to_code(core::ResultStatus::kPreliminary));
    ALIQUOT_ASSIGN_OR_RETURN(
        gauges.open_results,
        read_all<LabGauges::OpenResults>(statement, "counting open results", [](RowReader& row) {
          LabGauges::OpenResults open;
          open.status = row.text();
          open.section = row.text();
          open.count = row.int64();
          return open;
        }));
  }
  const auto count = [&](const char* sql, auto bind, const char* doing) -> Result<std::int64_t> {
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare(sql));
    bind(statement);
    ALIQUOT_ASSIGN_OR_RETURN(
        std::optional<std::int64_t> value,
        read_one<std::int64_t>(statement, doing, [](RowReader& row) { return row.int64(); }));
    return value.value_or(0);
  };
  ALIQUOT_ASSIGN_OR_RETURN(
      gauges.held_results,
      count(
          "SELECT COUNT(*) FROM results r WHERE r.status = ?"
          " AND EXISTS (SELECT 1 FROM result_holds h WHERE h.result_id = r.id)",
          [](Statement& statement) {
            statement.bind_text(core::to_code(core::ResultStatus::kPreliminary));
          },
          "counting held results"));
  ALIQUOT_ASSIGN_OR_RETURN(
      gauges.outbox_pending,
      count(
          "SELECT COUNT(*) FROM outbox o WHERE o.status = ?",
          [](Statement& statement) { statement.bind_text(to_code(OutboxStatus::kPending)); },
          "counting outgoing messages"));
  ALIQUOT_ASSIGN_OR_RETURN(
      gauges.outbox_failed,
      count(
          "SELECT COUNT(*) FROM outbox o WHERE o.status = ?",
          [](Statement& statement) { statement.bind_text(to_code(OutboxStatus::kFailed)); },
          "counting failed outgoing messages"));
  ALIQUOT_ASSIGN_OR_RETURN(
      gauges.quarantine_held,
      count(
          "SELECT COUNT(*) FROM quarantined_messages q WHERE q.status = ?",
          [](Statement& statement) { statement.bind_text(to_code(QuarantineStatus::kHeld)); },
          "counting quarantined messages"));
  return gauges;
}

}  // namespace aliquot::store::sqlite
