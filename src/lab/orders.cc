// place_order (lab/use_cases.h).

#include <algorithm>
#include <cstdio>

#include "lab/use_case_support.h"
#include "lab/use_cases.h"

namespace aliquot::lab {
namespace {

constexpr std::int64_t kMaxOrderSequence = 9'999'999;

// "O26-0000042": O, the two-digit year, and the year's order sequence.
Result<std::string> allocate_order_number(store::Transaction& tx, core::Instant now) {
  const int year = two_digit_year(now);
  char counter[32];
  std::snprintf(counter, sizeof counter, "order.%02d", year);
  ALIQUOT_ASSIGN_OR_RETURN(const std::int64_t sequence, tx.next_sequence(counter));
  if (sequence < 1 || sequence > kMaxOrderSequence) {
    return failed_precondition("order numbers for year " + std::to_string(year) +
                               " are used up (sequence " + std::to_string(sequence) + ")");
  }
  char number[32];
  std::snprintf(number, sizeof number, "O%02d-%07lld", year, static_cast<long long>(sequence));
  return std::string(number);
}

}  // namespace

Result<core::Order> place_order(store::Transaction& tx, const Context& ctx,
                                const PlaceOrder& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kPlaceOrder));
  const core::Instant now = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(const core::Patient patient, patient_by_mrn(tx, command.mrn));
  if (command.test_codes.empty()) {
    return invalid_argument("an order for MRN '" + patient.mrn + "' needs at least one test");
  }
  const std::string provider = trimmed(command.ordering_provider);
  if (provider.empty()) {
    return invalid_argument("an order for MRN '" + patient.mrn + "' needs an ordering provider");
  }
  std::vector<std::string> codes;
  for (const std::string& code : command.test_codes) codes.push_back(trimmed(code));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<const core::TestDefinition*> tests,
                           ctx.catalog.expand(codes));
  if (tests.empty()) {
    return invalid_argument("the codes ordered for MRN '" + patient.mrn + "' contain no test");
  }
  // What was asked for, as the catalog spells it, each once.
  std::vector<std::string> requested;
  for (const std::string& code : codes) {
    std::string canonical;
    if (const core::TestDefinition* test = ctx.catalog.find_test(code)) {
      canonical = test->code;
    } else if (const core::PanelDefinition* panel = ctx.catalog.find_panel(code)) {
      canonical = panel->code;
    } else {
      return not_found("unknown test code '" + code + "'");  // expand() has already refused it
    }
    if (std::find(requested.begin(), requested.end(), canonical) == requested.end()) {
      requested.push_back(canonical);
    }
  }

  core::Order order;
  ALIQUOT_ASSIGN_OR_RETURN(order.order_number, allocate_order_number(tx, now));
  order.patient_id = patient.id;
  order.ordering_provider = provider;
  order.priority = command.priority;
  order.clinical_info = trimmed(command.clinical_info);
  order.placer_order_number = trimmed(command.placer_order_number);
  order.requested_codes = requested;
  order.ordered_at = now;
  order.ordered_by = actor.username;
  ALIQUOT_ASSIGN_OR_RETURN(order, tx.insert_order(order));

  audit::Change order_change;
  order_change.action = "order.place";
  order_change.entity_type = "order";
  order_change.entity_key = order.order_number;
  order_change.patient_mrn = patient.mrn;
  order_change.after = audit_image(order);
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, order_change));

  for (const core::TestDefinition* test : tests) {
    core::TestResult result;
    result.order_id = order.id;
    result.test_code = test->code;
    result.section = test->section;
    result.status = core::ResultStatus::kPending;
    ALIQUOT_ASSIGN_OR_RETURN(result, tx.insert_result(result));

    audit::Change change;
    change.action = "result.order";
    change.entity_type = "result";
    change.entity_key = result_key(order.order_number, result.test_code);
    change.patient_mrn = patient.mrn;
    change.test_code = result.test_code;
    change.after = audit_image(result);
    ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  }
  return order;
}

}  // namespace aliquot::lab
