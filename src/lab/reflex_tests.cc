#include "lab/reflex_tests.h"

#include <algorithm>

namespace aliquot::lab {
namespace {

bool fits(const core::Specimen& specimen, const core::TestDefinition& test) {
  return specimen.status != core::SpecimenStatus::kRejected &&
         specimen.specimen_type == test.specimen_type &&
         specimen.container_type == test.container_type;
}

}  // namespace

Result<std::vector<core::TestResult>> add_reflex_tests(store::Transaction& tx, const Context& ctx,
                                                       const core::User& actor, core::Instant now,
                                                       const LocatedResult& trigger,
                                                       const rules::ReflexRule& rule) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> on_order,
                           tx.results_for_order(trigger.order.id));
  std::vector<core::Specimen> specimens;
  std::vector<core::TestResult> added;
  for (const std::string& code : rule.add) {
    ALIQUOT_ASSIGN_OR_RETURN(const core::TestDefinition* test, catalog_test(ctx, code));
    const auto live = [&](const core::TestResult& result) {
      return result.test_code == test->code && result.status != core::ResultStatus::kCancelled;
    };
    if (std::any_of(on_order.begin(), on_order.end(), live) ||
        std::any_of(added.begin(), added.end(), live)) {
      continue;  // ordered already, or by an earlier rule of this post
    }
    core::TestResult result;
    result.order_id = trigger.order.id;
    result.test_code = test->code;
    result.section = test->section;
    result.status = core::ResultStatus::kPending;
    const core::Specimen* on = nullptr;
    if (fits(trigger.specimen, *test)) {
      on = &trigger.specimen;
    } else {
      if (specimens.empty()) {
        ALIQUOT_ASSIGN_OR_RETURN(specimens, tx.specimens_for_order(trigger.order.id));
      }
      for (const core::Specimen& specimen : specimens) {
        if (fits(specimen, *test)) {
          on = &specimen;
          break;
        }
      }
    }
    if (on != nullptr) result.specimen_id = on->id;
    ALIQUOT_ASSIGN_OR_RETURN(result, tx.insert_result(result));

    audit::Change change;
    change.action = "result.order";
    change.entity_type = "result";
    change.entity_key = result_key(
        on != nullptr ? on->accession_number : trigger.order.order_number, result.test_code);
    change.patient_mrn = trigger.patient.mrn;
    if (on != nullptr) change.accession_number = on->accession_number;
    change.test_code = result.test_code;
    change.after = audit_image(result);
    change.reason = "reflex: " + rule.reason + " (" + trigger.result.test_code + " " +
                    (trigger.result.value ? core::format_reported(*trigger.result.value) : "") +
                    " on " + trigger.specimen.accession_number + ")";
    ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
    added.push_back(std::move(result));
  }
  return added;
}

}  // namespace aliquot::lab
