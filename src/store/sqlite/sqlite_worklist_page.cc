// The pages and batches of SqliteTransaction that the web API reads (store.h, "pages and batches
// for the web API"): a worklist page with its LIMIT in SQL, and the holds, revisions, critical
// calls, results and specimens of many results or orders in one statement each, so that a page
// costs a fixed number of statements instead of a few per row.

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/enums.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_transaction.h"

namespace aliquot::store::sqlite {
namespace {

// At most this many ids are bound to one statement: far below SQLite's limit on parameters
// (SQLITE_MAX_VARIABLE_NUMBER, 32766 since 3.32), and a page never needs more than one chunk.
constexpr std::size_t kIdsPerStatement = 500;

// The worklist's rows and order (SqliteTransaction::worklist). The priority rank is bound from
// core/enums.h: STAT, then ASAP, then routine.
#define ALIQUOT_WORKLIST_PAGE_SELECT                                                        \
  "SELECT " ALIQUOT_RESULT_COLUMNS ", " ALIQUOT_SPECIMEN_COLUMNS ", " ALIQUOT_ORDER_COLUMNS \
  ", " ALIQUOT_PATIENT_COLUMNS                                                              \
  " FROM results r"                                                                         \
  " JOIN specimens s ON s.id = r.specimen_id"                                               \
  " JOIN orders o ON o.id = r.order_id"                                                     \
  " JOIN patients p ON p.id = o.patient_id"                                                 \
  " WHERE r.status IN (?, ?) AND s.status = ?"
#define ALIQUOT_WORKLIST_PAGE_RANK(o) "CASE " o ".priority WHEN ? THEN 0 WHEN ? THEN 1 ELSE 2 END"
// The position of the result the page follows, from its own row.
#define ALIQUOT_WORKLIST_PAGE_AFTER \
  " AND (" ALIQUOT_WORKLIST_PAGE_RANK("o") ", s.received_at, r.id) > (SELECT "     \
  ALIQUOT_WORKLIST_PAGE_RANK("o2") ", s2.received_at, r2.id FROM results r2"       \
  " JOIN specimens s2 ON s2.id = r2.specimen_id JOIN orders o2 ON o2.id = r2.order_id" \
  " WHERE r2.id = ?)"
#define ALIQUOT_WORKLIST_PAGE_ORDER \
  " ORDER BY " ALIQUOT_WORKLIST_PAGE_RANK("o") ", s.received_at, r.id LIMIT ?"

std::string in_list(std::size_t count) {
  std::string markers = "(";
  for (std::size_t i = 0; i < count; ++i) markers += i == 0 ? "?" : ", ?";
  return markers + ")";
}

// Groups rows by the result they belong to, keeping their order.
template <typename T>
std::map<std::int64_t, std::vector<T>> by_result(std::vector<std::pair<std::int64_t, T>> rows) {
  std::map<std::int64_t, std::vector<T>> grouped;
  for (auto& [id, value] : rows) grouped[id].push_back(std::move(value));
  return grouped;
}

}  // namespace

template <typename T, typename Read>
Result<std::vector<T>> SqliteTransaction::select_in_chunks(std::string_view sql_head,
                                                           const std::vector<std::int64_t>& ids,
                                                           std::string_view sql_tail,
                                                           std::string_view doing, Read read) {
  // Ascending and distinct, so that the chunks' rows, each ordered by id first, are in order
  // together.
  std::vector<std::int64_t> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<T> rows;
  for (std::size_t first = 0; first < sorted.size(); first += kIdsPerStatement) {
    const std::size_t count = std::min(kIdsPerStatement, sorted.size() - first);
    ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare(std::string(sql_head) + in_list(count) +
                                                          std::string(sql_tail)));
    for (std::size_t i = first; i < first + count; ++i) statement.bind_int64(sorted[i]);
    ALIQUOT_ASSIGN_OR_RETURN(std::vector<T> chunk, read_all<T>(statement, doing, read));
    std::move(chunk.begin(), chunk.end(), std::back_inserter(rows));
  }
  return rows;
}

Result<void> SqliteTransaction::load_requested_codes(std::vector<core::Order*>& orders) {
  std::map<std::int64_t, std::vector<core::Order*>> by_id;
  for (core::Order* order : orders) {
    order->requested_codes.clear();
    by_id[order->id].push_back(order);
  }
  std::vector<std::int64_t> ids;
  ids.reserve(by_id.size());
  for (const auto& [id, unused] : by_id) ids.push_back(id);
  using Code = std::pair<std::int64_t, std::string>;
  ALIQUOT_ASSIGN_OR_RETURN(
      const std::vector<Code> codes,
      select_in_chunks<Code>(
          "SELECT order_id, code FROM order_requested_codes WHERE order_id IN ", ids,
          " ORDER BY order_id, ordinal",
          "reading the requested codes of " + std::to_string(ids.size()) + " orders",
          [](RowReader& row) {
            Code code;
            code.first = row.int64();
            code.second = row.text();
            return code;
          }));
  for (const auto& [order_id, code] : codes) {
    for (core::Order* order : by_id[order_id]) order->requested_codes.push_back(code);
  }
  return ok();
}

Result<std::vector<WorklistRow>> SqliteTransaction::worklist_page(
    std::string_view section, std::optional<std::int64_t> after_result_id, std::int64_t limit) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_RETURN_IF_ERROR(check_limit(limit, "worklist rows"));
  std::string sql = ALIQUOT_WORKLIST_PAGE_SELECT;
  if (!section.empty()) sql += " AND r.section = ?";
  if (after_result_id) sql += ALIQUOT_WORKLIST_PAGE_AFTER;
  sql += ALIQUOT_WORKLIST_PAGE_ORDER;
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare(sql));
  const std::string_view stat = core::to_code(core::Priority::kStat);
  const std::string_view asap = core::to_code(core::Priority::kAsap);
  statement.bind_text(core::to_code(core::ResultStatus::kPending))
      .bind_text(core::to_code(core::ResultStatus::kPreliminary))
      .bind_text(core::to_code(core::SpecimenStatus::kReceived));
  if (!section.empty()) statement.bind_text(section);
  if (after_result_id) {
    statement.bind_text(stat).bind_text(asap).bind_text(stat).bind_text(asap).bind_int64(
        *after_result_id);
  }
  statement.bind_text(stat).bind_text(asap).bind_int64(limit);
  const std::string doing =
      (section.empty()
           ? std::string("reading a page of the worklist of all sections")
           : "reading a page of the worklist of section '" + std::string(section) + "'");
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<WorklistRow> rows,
                           read_all<WorklistRow>(statement, doing, [](RowReader& row) {
                             WorklistRow worklist_row;
                             worklist_row.result = read_result(row);
                             worklist_row.specimen = read_specimen(row);
                             worklist_row.order = read_order(row);
                             worklist_row.patient = read_patient(row);
                             return worklist_row;
                           }));
  std::vector<core::Order*> orders;
  orders.reserve(rows.size());
  for (WorklistRow& row : rows) orders.push_back(&row.order);
  ALIQUOT_RETURN_IF_ERROR(load_requested_codes(orders));
  return rows;
}

Result<std::int64_t> SqliteTransaction::count_worklist(std::string_view section) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  // Served by results_by_status_section, with one specimen lookup per open result.
  std::string sql =
      "SELECT COUNT(*) FROM results r JOIN specimens s ON s.id = r.specimen_id"
      " WHERE r.status IN (?, ?) AND s.status = ?";
  if (!section.empty()) sql += " AND r.section = ?";
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare(sql));
  statement.bind_text(core::to_code(core::ResultStatus::kPending))
      .bind_text(core::to_code(core::ResultStatus::kPreliminary))
      .bind_text(core::to_code(core::SpecimenStatus::kReceived));
  if (!section.empty()) statement.bind_text(section);
  ALIQUOT_ASSIGN_OR_RETURN(
      const std::optional<std::int64_t> count,
      read_one<std::int64_t>(
          statement,
          section.empty() ? std::string("counting the worklist of all sections")
                          : "counting the worklist of section '" + std::string(section) + "'",
          [](RowReader& row) { return row.int64(); }));
  return count.value_or(0);
}

Result<std::map<std::int64_t, std::vector<core::HoldReason>>> SqliteTransaction::holds_for_results(
    const std::vector<std::int64_t>& result_ids) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  using Row = std::pair<std::int64_t, core::HoldReason>;
  ALIQUOT_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      select_in_chunks<Row>(
          "SELECT result_id, category, action, rule, observed, threshold, message, suppresses"
          " FROM result_holds WHERE result_id IN ",
          result_ids, " ORDER BY result_id, position",
          "listing the holds of " + std::to_string(result_ids.size()) + " results",
          [](RowReader& row) {
            Row read;
            read.first = row.int64();
            read.second.category = row.text();
            read.second.action = row.text();
            read.second.rule = row.text();
            read.second.observed = row.text();
            read.second.threshold = row.text();
            read.second.message = row.text();
            read.second.suppresses = row.boolean();
            return read;
          }));
  return by_result(std::move(rows));
}

Result<std::map<std::int64_t, std::vector<core::ResultRevision>>>
SqliteTransaction::revisions_for_results(const std::vector<std::int64_t>& result_ids) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      const std::vector<core::ResultRevision> revisions,
      select_in_chunks<core::ResultRevision>(
          "SELECT " ALIQUOT_REVISION_COLUMNS " FROM result_revisions v WHERE v.result_id IN ",
          result_ids, " ORDER BY v.result_id, v.revision",
          "listing the revisions of " + std::to_string(result_ids.size()) + " results",
          read_revision));
  std::map<std::int64_t, std::vector<core::ResultRevision>> grouped;
  for (const core::ResultRevision& revision : revisions) {
    grouped[revision.result_id].push_back(revision);
  }
  return grouped;
}

Result<std::map<std::int64_t, std::vector<core::CriticalCall>>>
SqliteTransaction::critical_calls_for_results(const std::vector<std::int64_t>& result_ids) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(
      const std::vector<core::CriticalCall> calls,
      select_in_chunks<core::CriticalCall>(
          "SELECT " ALIQUOT_CRITICAL_CALL_COLUMNS " FROM critical_calls k WHERE k.result_id IN ",
          result_ids, " ORDER BY k.result_id, k.id",
          "listing the critical calls of " + std::to_string(result_ids.size()) + " results",
          read_critical_call));
  std::map<std::int64_t, std::vector<core::CriticalCall>> grouped;
  for (const core::CriticalCall& call : calls) grouped[call.result_id].push_back(call);
  return grouped;
}

Result<std::vector<core::Order>> SqliteTransaction::orders_for_patient_page(
    std::int64_t patient_id, std::optional<std::int64_t> before_order_id, std::int64_t limit) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_RETURN_IF_ERROR(check_limit(limit, "orders"));
  std::string sql = "SELECT " ALIQUOT_ORDER_COLUMNS " FROM orders o WHERE o.patient_id = ?";
  // Newest first: the page continues with the orders that sort after the cursor's, i.e. older.
  if (before_order_id) {
    sql +=
        " AND (o.ordered_at, o.id) < (SELECT o2.ordered_at, o2.id FROM orders o2 WHERE o2.id = ?)";
  }
  sql += " ORDER BY o.ordered_at DESC, o.id DESC LIMIT ?";
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare(sql));
  statement.bind_int64(patient_id);
  if (before_order_id) statement.bind_int64(*before_order_id);
  statement.bind_int64(limit);
  ALIQUOT_ASSIGN_OR_RETURN(
      std::vector<core::Order> orders,
      read_all<core::Order>(statement,
                            "listing a page of the orders of patient " + std::to_string(patient_id),
                            read_order));
  std::vector<core::Order*> pointers;
  pointers.reserve(orders.size());
  for (core::Order& order : orders) pointers.push_back(&order);
  ALIQUOT_RETURN_IF_ERROR(load_requested_codes(pointers));
  return orders;
}

Result<std::vector<core::TestResult>> SqliteTransaction::results_for_orders(
    const std::vector<std::int64_t>& order_ids) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  return select_in_chunks<core::TestResult>(
      "SELECT " ALIQUOT_RESULT_COLUMNS " FROM results r WHERE r.order_id IN ", order_ids,
      " ORDER BY r.order_id, r.id",
      "listing the results of " + std::to_string(order_ids.size()) + " orders", read_result);
}

Result<std::vector<core::Specimen>> SqliteTransaction::specimens_for_orders(
    const std::vector<std::int64_t>& order_ids) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  return select_in_chunks<core::Specimen>(
      "SELECT " ALIQUOT_SPECIMEN_COLUMNS " FROM specimens s WHERE s.order_id IN ", order_ids,
      " ORDER BY s.order_id, s.id",
      "listing the specimens of " + std::to_string(order_ids.size()) + " orders", read_specimen);
}

}  // namespace aliquot::store::sqlite
