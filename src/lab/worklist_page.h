#pragma once

// One page of a section's worklist for the browser: section_worklist's rows (lab/queries.h) in
// its order, a page at a time, with the reasons each result is held and how many rows the whole
// list holds. A page costs a fixed number of reads, however long the list is.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/test_result.h"
#include "lab/context.h"
#include "store/store.h"

namespace aliquot::lab {

struct WorklistPage {
  std::string section;  // the catalog's code of the section; empty for all sections
  std::vector<store::WorklistRow> rows;
  std::map<std::int64_t, std::vector<core::HoldReason>> holds;  // by result id; none: no entry
  // The result id to ask the next page `after`; nullopt when the list ends with this page.
  std::optional<std::int64_t> next_after;
  // The open results of the section on received specimens (store::Transaction::count_worklist).
  // Calculated tests waiting for their inputs are counted but not listed, so the rows of every
  // page together may be a few fewer.
  std::int64_t total = 0;
};

// At most `limit` rows (at least 1) of section_worklist(section), those after the row of result
// `after_result_id` when it is given. NotFound for a section the catalog does not have;
// InvalidArgument for a limit below 1; PermissionDenied when the actor may not view records.
Result<WorklistPage> worklist_page(store::Transaction& tx, const Context& ctx,
                                   const std::string& section,
                                   std::optional<std::int64_t> after_result_id, std::int64_t limit);

}  // namespace aliquot::lab
