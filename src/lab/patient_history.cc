#include "lab/patient_history.h"

#include <limits>
#include <map>
#include <utility>

#include "lab/use_case_support.h"

namespace aliquot::lab {
namespace {

// The details of `orders` (all the patient's): their specimens, results, and the results'
// revisions, critical calls and holds, read for all of them at once.
Result<std::vector<OrderDetail>> details_of(store::Transaction& tx, const Context& ctx,
                                            const core::Patient& patient,
                                            std::vector<core::Order> orders) {
  std::vector<std::int64_t> order_ids;
  order_ids.reserve(orders.size());
  for (const core::Order& order : orders) order_ids.push_back(order.id);
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::Specimen> specimens,
                           tx.specimens_for_orders(order_ids));
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::TestResult> results, tx.results_for_orders(order_ids));
  std::vector<std::int64_t> result_ids;
  result_ids.reserve(results.size());
  for (const core::TestResult& result : results) result_ids.push_back(result.id);
  ALIQUOT_ASSIGN_OR_RETURN(auto revisions, tx.revisions_for_results(result_ids));
  ALIQUOT_ASSIGN_OR_RETURN(auto calls, tx.critical_calls_for_results(result_ids));
  ALIQUOT_ASSIGN_OR_RETURN(auto holds, tx.holds_for_results(result_ids));

  std::map<std::int64_t, std::size_t> index;  // order id -> position in `details`
  std::vector<OrderDetail> details(orders.size());
  for (std::size_t i = 0; i < orders.size(); ++i) {
    index[orders[i].id] = i;
    details[i].order = std::move(orders[i]);
    details[i].patient = patient;
  }
  for (core::Specimen& specimen : specimens) {
    details[index.at(specimen.order_id)].specimens.push_back(std::move(specimen));
  }
  const auto take = [](auto& grouped, std::int64_t id) {
    auto it = grouped.find(id);
    return it == grouped.end() ? typename std::decay_t<decltype(grouped)>::mapped_type()
                               : std::move(it->second);
  };
  for (core::TestResult& result : results) {
    ResultDetail detail;
    detail.test = ctx.catalog.find_test(result.test_code);
    detail.revisions = take(revisions, result.id);
    detail.critical_calls = take(calls, result.id);
    detail.holds = take(holds, result.id);
    const std::int64_t order_id = result.order_id;
    detail.result = std::move(result);
    details[index.at(order_id)].results.push_back(std::move(detail));
  }
  return details;
}

}  // namespace

Result<PatientHistory> patient_history(store::Transaction& tx, const Context& ctx,
                                       const std::string& mrn) {
  return patient_history_page(tx, ctx, mrn, std::nullopt,
                              std::numeric_limits<std::int64_t>::max() - 1);
}

Result<PatientHistory> patient_history_page(store::Transaction& tx, const Context& ctx,
                                            const std::string& mrn,
                                            const std::optional<std::string>& before_order_number,
                                            std::int64_t limit) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kViewRecords));
  if (limit < 1) {
    return invalid_argument("a page of orders holds at least 1 order, not " +
                            std::to_string(limit));
  }
  PatientHistory history;
  ALIQUOT_ASSIGN_OR_RETURN(history.patient, patient_by_mrn(tx, mrn));
  std::optional<std::int64_t> before;
  if (before_order_number) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Order> order,
                             tx.find_order_by_number(*before_order_number));
    if (!order || order->patient_id != history.patient.id) {
      return invalid_argument("order '" + *before_order_number + "' is not an order of patient " +
                              history.patient.mrn);
    }
    before = order->id;
  }
  // One more than the page, to know whether older orders remain.
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::Order> orders,
                           tx.orders_for_patient_page(history.patient.id, before, limit + 1));
  if (static_cast<std::int64_t>(orders.size()) > limit) {
    orders.resize(static_cast<std::size_t>(limit));
    history.older_than = orders.back().order_number;
  }
  ALIQUOT_ASSIGN_OR_RETURN(history.orders, details_of(tx, ctx, history.patient, std::move(orders)));
  return history;
}

}  // namespace aliquot::lab
