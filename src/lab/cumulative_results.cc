#include "lab/cumulative_results.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>
#include <utility>

#include "lab/use_case_support.h"

namespace aliquot::lab {
namespace {

struct Collected {
  CumulativePoint point;
  std::int64_t result_id = 0;
};

// Where a test goes in the list: its place in the catalog, or after every catalog test.
std::size_t catalog_position(const Context& ctx, const core::TestDefinition* test) {
  if (test == nullptr) return ctx.catalog.tests().size();
  return static_cast<std::size_t>(test - ctx.catalog.tests().data());
}

}  // namespace

Result<CumulativeResults> cumulative_results(store::Transaction& tx, const Context& ctx,
                                             const std::string& mrn) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kViewRecords));
  CumulativeResults cumulative;
  ALIQUOT_ASSIGN_OR_RETURN(cumulative.patient, patient_by_mrn(tx, mrn));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::Order> orders,
                           tx.orders_for_patient(cumulative.patient.id));

  std::map<std::string, std::vector<Collected>> by_test;
  for (const core::Order& order : orders) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::Specimen> specimens,
                             tx.specimens_for_order(order.id));
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> results,
                             tx.results_for_order(order.id));
    for (const core::TestResult& result : results) {
      if (!core::is_released(result.status) || !result.value) continue;
      const auto specimen =
          std::find_if(specimens.begin(), specimens.end(),
                       [&](const core::Specimen& s) { return s.id == result.specimen_id; });
      // A released value always has its specimen; without one it has no time to be shown at.
      if (specimen == specimens.end()) continue;
      Collected collected;
      collected.point.collected_at = specimen->collected_at;
      collected.point.value = *result.value;
      collected.point.flag = result.flag;
      collected.point.status = result.status;
      collected.point.reference_range = result.reference_range;
      collected.point.accession_number = specimen->accession_number;
      collected.result_id = result.id;
      by_test[canonical_test_code(ctx, result.test_code)].push_back(std::move(collected));
    }
  }

  for (auto& [code, points] : by_test) {
    std::sort(points.begin(), points.end(), [](const Collected& a, const Collected& b) {
      return std::tie(a.point.collected_at, a.result_id) <
             std::tie(b.point.collected_at, b.result_id);
    });
    CumulativeTest test;
    test.code = code;
    test.test = ctx.catalog.find_test(code);
    test.points.reserve(points.size());
    for (Collected& collected : points) test.points.push_back(std::move(collected.point));
    cumulative.tests.push_back(std::move(test));
  }
  // by_test is ordered by code, so sorting stably by catalog position keeps removed tests by code.
  std::stable_sort(cumulative.tests.begin(), cumulative.tests.end(),
                   [&](const CumulativeTest& a, const CumulativeTest& b) {
                     return catalog_position(ctx, a.test) < catalog_position(ctx, b.test);
                   });
  return cumulative;
}

}  // namespace aliquot::lab
