#include "lab/queries.h"

#include <algorithm>

#include "lab/calculated_results.h"
#include "lab/use_case_support.h"

namespace aliquot::lab {
namespace {

Result<ResultDetail> result_detail(store::Transaction& tx, const Context& ctx,
                                   const core::TestResult& result) {
  ResultDetail detail;
  detail.result = result;
  detail.test = ctx.catalog.find_test(result.test_code);
  ALIQUOT_ASSIGN_OR_RETURN(detail.revisions, tx.revisions_for_result(result.id));
  ALIQUOT_ASSIGN_OR_RETURN(detail.critical_calls, tx.critical_calls_for_result(result.id));
  ALIQUOT_ASSIGN_OR_RETURN(detail.holds, tx.holds_for_result(result.id));
  ALIQUOT_ASSIGN_OR_RETURN(detail.comments, tx.comments_for_result(result.id));
  return detail;
}

Result<std::vector<ResultDetail>> result_details(store::Transaction& tx, const Context& ctx,
                                                 const std::vector<core::TestResult>& results) {
  std::vector<ResultDetail> details;
  details.reserve(results.size());
  for (const core::TestResult& result : results) {
    ALIQUOT_ASSIGN_OR_RETURN(ResultDetail detail, result_detail(tx, ctx, result));
    details.push_back(std::move(detail));
  }
  return details;
}

Result<OrderDetail> detail_of(store::Transaction& tx, const Context& ctx, core::Order order,
                              core::Patient patient) {
  OrderDetail detail;
  detail.order = std::move(order);
  detail.patient = std::move(patient);
  ALIQUOT_ASSIGN_OR_RETURN(detail.specimens, tx.specimens_for_order(detail.order.id));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> results,
                           tx.results_for_order(detail.order.id));
  ALIQUOT_ASSIGN_OR_RETURN(detail.results, result_details(tx, ctx, results));
  return detail;
}

// What a clinician may see of a result: a value only once it is released. A preliminary value
// is the bench's work in progress and is shown as pending, without value, flag or history.
void withhold_unreleased(ResultDetail& detail) {
  detail.holds.clear();  // the bench's reasoning, not part of the report
  std::erase_if(detail.comments,
                [](const core::ResultComment& comment) { return !comment.on_report; });
  core::TestResult& result = detail.result;
  if (core::is_released(result.status) || result.status == core::ResultStatus::kCancelled) return;
  result.status = core::ResultStatus::kPending;
  result.value.reset();
  result.flag = core::AbnormalFlag::kNone;
  result.reference_range.clear();
  result.entered_at.reset();
  result.entered_by.clear();
  result.measured_at.reset();
  result.instrument.clear();
  result.performed_by.clear();
  detail.revisions.clear();
  detail.critical_calls.clear();
  detail.comments.clear();
}

}  // namespace

Result<core::Patient> find_patient(store::Transaction& tx, const std::string& mrn) {
  return patient_by_mrn(tx, mrn);
}

Result<OrderDetail> order_detail(store::Transaction& tx, const Context& ctx,
                                 const std::string& order_number) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kViewRecords));
  ALIQUOT_ASSIGN_OR_RETURN(core::Order order, order_by_number(tx, order_number));
  ALIQUOT_ASSIGN_OR_RETURN(core::Patient patient, patient_by_id(tx, order.patient_id));
  return detail_of(tx, ctx, std::move(order), std::move(patient));
}

Result<SpecimenDetail> specimen_detail(store::Transaction& tx, const Context& ctx,
                                       const std::string& accession_number) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kViewRecords));
  SpecimenDetail detail;
  ALIQUOT_ASSIGN_OR_RETURN(detail.specimen, specimen_by_accession(tx, accession_number));
  ALIQUOT_ASSIGN_OR_RETURN(detail.order, order_by_id(tx, detail.specimen.order_id));
  ALIQUOT_ASSIGN_OR_RETURN(detail.patient, patient_by_id(tx, detail.order.patient_id));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> results,
                           tx.results_for_specimen(detail.specimen.id));
  ALIQUOT_ASSIGN_OR_RETURN(detail.results, result_details(tx, ctx, results));
  return detail;
}

Result<std::vector<store::WorklistRow>> section_worklist(store::Transaction& tx, const Context& ctx,
                                                         const std::string& section) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kViewRecords));
  std::string code = trimmed(section);
  if (!code.empty()) {
    const catalog::Section* known = ctx.catalog.find_section(code);
    if (known == nullptr) {
      std::string sections;
      for (const catalog::Section& s : ctx.catalog.sections()) {
        sections += (sections.empty() ? "" : ", ") + s.code;
      }
      return not_found("unknown section '" + code + "'; the catalog has: " + sections);
    }
    code = known->code;
  }
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<store::WorklistRow> rows, tx.worklist(code));
  // A calculated test waits for its inputs while it has no value, and while its value is held
  // only until they are released (lab/calculated_results.h): nobody at the bench can act on it,
  // it follows its inputs. Held for anything else (a review limit, a text to read), it is work.
  std::vector<store::WorklistRow> work;
  work.reserve(rows.size());
  for (store::WorklistRow& row : rows) {
    const core::TestDefinition* test = ctx.catalog.find_test(row.result.test_code);
    if (test != nullptr && test->calculated) {
      if (!row.result.value) continue;
      ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::HoldReason> holds,
                               tx.holds_for_result(row.result.id));
      const bool waiting_only =
          !holds.empty() && std::all_of(holds.begin(), holds.end(), [](const core::HoldReason& h) {
            return h.category == kCalculationHold;
          });
      if (waiting_only) continue;
    }
    work.push_back(std::move(row));
  }
  return work;
}

Result<PatientReport> patient_report(store::Transaction& tx, const Context& ctx,
                                     const std::string& mrn) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kViewRecords));
  PatientReport report;
  report.produced_at = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(report.patient, patient_by_mrn(tx, mrn));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::Order> orders,
                           tx.orders_for_patient(report.patient.id));
  for (const core::Order& order : orders) {
    ALIQUOT_ASSIGN_OR_RETURN(OrderDetail detail, detail_of(tx, ctx, order, report.patient));
    for (ResultDetail& result : detail.results) withhold_unreleased(result);
    report.orders.push_back(std::move(detail));
  }
  return report;
}

}  // namespace aliquot::lab
