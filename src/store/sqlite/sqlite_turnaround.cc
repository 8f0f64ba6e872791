// The turnaround read of SqliteTransaction (store.h, "turnaround"). The statement follows the
// portability rules written at the top of sqlite_transaction.cc.

#include <string>

#include "core/enums.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_transaction.h"

namespace aliquot::store::sqlite {

Result<std::vector<ReleasedResultTiming>> SqliteTransaction::results_released_between(
    core::Instant from, core::Instant to) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT r.id, s.accession_number, r.test_code, r.section, o.priority,"
              " s.received_at, r.released_at"
              " FROM results r"
              " JOIN specimens s ON s.id = r.specimen_id"
              " JOIN orders o ON o.id = r.order_id"
              // "|| ''" keeps the planner on results_by_released_at (the window is small)
              // rather than results_by_status_section (every released result of the lab).
              " WHERE r.released_at >= ? AND r.released_at < ? AND r.status || '' IN (?, ?)"
              " AND s.received_at IS NOT NULL"
              " ORDER BY r.released_at, r.id"));
  statement.bind_instant(from)
      .bind_instant(to)
      .bind_text(core::to_code(core::ResultStatus::kFinal))
      .bind_text(core::to_code(core::ResultStatus::kCorrected));
  const std::string doing = "reading the results released from " + core::format_instant(from) +
                            " to " + core::format_instant(to);
  return read_all<ReleasedResultTiming>(statement, doing, [](RowReader& row) {
    ReleasedResultTiming timing;
    timing.result_id = row.int64();
    timing.accession_number = row.text();
    timing.test_code = row.text();
    timing.section = row.text();
    timing.priority = row.parse(core::parse_priority);
    timing.received_at = row.instant();
    timing.released_at = row.instant();
    return timing;
  });
}

}  // namespace aliquot::store::sqlite
