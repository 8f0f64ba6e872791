#include "lab/patient_history.h"

#include <utility>

#include "lab/use_case_support.h"

namespace aliquot::lab {

Result<PatientHistory> patient_history(store::Transaction& tx, const Context& ctx,
                                       const std::string& mrn) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kViewRecords));
  PatientHistory history;
  ALIQUOT_ASSIGN_OR_RETURN(history.patient, patient_by_mrn(tx, mrn));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::Order> orders,
                           tx.orders_for_patient(history.patient.id));
  history.orders.reserve(orders.size());
  for (const core::Order& order : orders) {
    ALIQUOT_ASSIGN_OR_RETURN(OrderDetail detail, order_detail(tx, ctx, order.order_number));
    history.orders.push_back(std::move(detail));
  }
  return history;
}

}  // namespace aliquot::lab
