#include "lab/worklist_page.h"

#include <algorithm>
#include <utility>

#include "lab/calculated_results.h"
#include "lab/use_case_support.h"

namespace aliquot::lab {
namespace {

// The section's catalog code; NotFound naming the catalog's sections for an unknown one.
Result<std::string> section_code(const Context& ctx, const std::string& section) {
  std::string code = trimmed(section);
  if (code.empty()) return code;
  const catalog::Section* known = ctx.catalog.find_section(code);
  if (known == nullptr) {
    std::string sections;
    for (const catalog::Section& s : ctx.catalog.sections()) {
      sections += (sections.empty() ? "" : ", ") + s.code;
    }
    return not_found("unknown section '" + code + "'; the catalog has: " + sections);
  }
  return known->code;
}

// As section_worklist: a calculated test with no value, or held only while its inputs are not
// released (lab/calculated_results.h), is not work anyone at the bench can do.
bool is_work(const Context& ctx, const store::WorklistRow& row,
             const std::vector<core::HoldReason>* holds) {
  const core::TestDefinition* test = ctx.catalog.find_test(row.result.test_code);
  if (test == nullptr || !test->calculated) return true;
  if (!row.result.value) return false;
  const bool waiting_only =
      holds != nullptr && !holds->empty() &&
      std::all_of(holds->begin(), holds->end(),
                  [](const core::HoldReason& h) { return h.category == kCalculationHold; });
  return !waiting_only;
}

}  // namespace

Result<WorklistPage> worklist_page(store::Transaction& tx, const Context& ctx,
                                   const std::string& section,
                                   std::optional<std::int64_t> after_result_id,
                                   std::int64_t limit) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kViewRecords));
  if (limit < 1) {
    return invalid_argument("a worklist page holds at least 1 row, not " + std::to_string(limit));
  }
  WorklistPage page;
  ALIQUOT_ASSIGN_OR_RETURN(page.section, section_code(ctx, section));
  ALIQUOT_ASSIGN_OR_RETURN(page.total, tx.count_worklist(page.section));
  // Rows that are not work are skipped, so a chunk may leave the page short: read on from the
  // last row read until the page is full or the list ends. One row more than the page still
  // needs tells whether the list goes on.
  std::optional<std::int64_t> cursor = after_result_id;
  bool more = false;
  for (;;) {
    const std::int64_t wanted = limit - static_cast<std::int64_t>(page.rows.size()) + 1;
    ALIQUOT_ASSIGN_OR_RETURN(std::vector<store::WorklistRow> chunk,
                             tx.worklist_page(page.section, cursor, wanted));
    std::vector<std::int64_t> ids;
    ids.reserve(chunk.size());
    for (const store::WorklistRow& row : chunk) ids.push_back(row.result.id);
    ALIQUOT_ASSIGN_OR_RETURN(auto holds, tx.holds_for_results(ids));
    for (store::WorklistRow& row : chunk) {
      if (static_cast<std::int64_t>(page.rows.size()) == limit) {
        more = true;
        break;
      }
      cursor = row.result.id;
      const auto held = holds.find(row.result.id);
      if (!is_work(ctx, row, held == holds.end() ? nullptr : &held->second)) continue;
      if (held != holds.end()) page.holds.emplace(row.result.id, std::move(held->second));
      page.rows.push_back(std::move(row));
    }
    if (more || static_cast<std::int64_t>(chunk.size()) < wanted) break;
  }
  if (more) page.next_after = page.rows.back().result.id;
  return page;
}

}  // namespace aliquot::lab
