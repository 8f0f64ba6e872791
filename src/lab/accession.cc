// accession_order (lab/use_cases.h).

#include <climits>
#include <cstdio>
#include <map>
#include <tuple>

#include "core/accession_number.h"
#include "lab/use_case_support.h"
#include "lab/use_cases.h"

namespace aliquot::lab {
namespace {

// The next accession number of the year. Values whose check character would be '*' are
// consumed and skipped, so the counter never hands them out later either.
Result<core::AccessionNumber> allocate_accession_number(store::Transaction& tx, core::Instant now) {
  const int year = two_digit_year(now);
  char counter[32];
  std::snprintf(counter, sizeof counter, "accession.%02d", year);
  for (;;) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::int64_t sequence, tx.next_sequence(counter));
    if (sequence < 1 || sequence > core::AccessionNumber::kMaxSequence) {
      return failed_precondition("accession numbers for year " + std::to_string(year) +
                                 " are used up (sequence " + std::to_string(sequence) + ")");
    }
    if (core::AccessionNumber::next_usable_sequence(year, sequence) != sequence) continue;
    return core::AccessionNumber::make(year, sequence);
  }
}

// One container to draw: the tests that share a specimen type and container.
struct Draw {
  const catalog::Container* container = nullptr;
  std::string specimen_type;
  std::string container_type;
  std::vector<core::TestResult> results;
};

}  // namespace

Result<std::vector<core::Specimen>> accession_order(store::Transaction& tx, const Context& ctx,
                                                    const AccessionOrder& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kAccessionSpecimen));
  const core::Instant now = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(const core::Order order, order_by_number(tx, command.order_number));
  ALIQUOT_ASSIGN_OR_RETURN(const core::Patient patient, patient_by_id(tx, order.patient_id));
  const core::Instant collected_at = command.collected_at.value_or(now);
  if (collected_at > now) {
    return invalid_argument("collection time " + core::format_instant(collected_at) +
                            " for order " + order.order_number + " is in the future (now " +
                            core::format_instant(now) + ")");
  }
  std::string collected_by = trimmed(command.collected_by);
  if (collected_by.empty()) collected_by = actor.username;

  // The results that need a specimen, grouped by what is drawn, in order of draw (CLSI GP41,
  // catalog draw_order), then by container and specimen type so the order is stable.
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> results,
                           tx.results_for_order(order.id));
  std::map<std::tuple<int, std::string, std::string>, Draw> draws;
  for (const core::TestResult& result : results) {
    if (result.status != core::ResultStatus::kPending || result.specimen_id != 0) continue;
    const core::TestDefinition* test = ctx.catalog.find_test(result.test_code);
    if (test == nullptr) {
      return failed_precondition("test " + result.test_code + " of order " + order.order_number +
                                 " is not in the catalog in force; its container is unknown");
    }
    const catalog::Container* container = ctx.catalog.find_container(test->container_type);
    const int draw_order = container != nullptr ? container->draw_order : INT_MAX;
    Draw& draw = draws[{draw_order, test->container_type, test->specimen_type}];
    draw.container = container;
    draw.specimen_type = test->specimen_type;
    draw.container_type = test->container_type;
    draw.results.push_back(result);
  }
  if (draws.empty()) {
    return failed_precondition("every test of order " + order.order_number +
                               " already has a specimen");
  }

  std::vector<core::Specimen> specimens;
  for (auto& [key, draw] : draws) {
    ALIQUOT_ASSIGN_OR_RETURN(const core::AccessionNumber accession,
                             allocate_accession_number(tx, now));
    core::Specimen specimen;
    specimen.accession_number = accession.text();
    specimen.order_id = order.id;
    specimen.specimen_type = draw.specimen_type;
    specimen.container_type = draw.container_type;
    specimen.collected_at = collected_at;
    specimen.collected_by = collected_by;
    specimen.status = core::SpecimenStatus::kCollected;
    ALIQUOT_ASSIGN_OR_RETURN(specimen, tx.insert_specimen(specimen));

    audit::Change change;
    change.action = "specimen.accession";
    change.entity_type = "specimen";
    change.entity_key = specimen.accession_number;
    change.patient_mrn = patient.mrn;
    change.accession_number = specimen.accession_number;
    change.after = audit_image(specimen);
    ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));

    for (core::TestResult& result : draw.results) {
      const std::string before = audit_image(result);
      result.specimen_id = specimen.id;
      ALIQUOT_RETURN_IF_ERROR(tx.update_result(result));
      audit::Change linked;
      linked.action = "result.accession";
      linked.entity_type = "result";
      linked.entity_key = result_key(specimen.accession_number, result.test_code);
      linked.patient_mrn = patient.mrn;
      linked.accession_number = specimen.accession_number;
      linked.test_code = result.test_code;
      linked.before = before;
      linked.after = audit_image(result);
      ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, linked));
    }
    specimens.push_back(specimen);
  }
  return specimens;
}

}  // namespace aliquot::lab
