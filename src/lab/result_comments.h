#pragma once

// Comments on a result (core/test_result.h ResultComment): a note for the clinician's report
// ("specimen slightly hemolysed; interpret with caution"), sent with the result in HL7 NTE
// segments, or a note kept inside the lab ("checked the tube, no clot"). They are added, never
// edited: a later comment says what changed. Each is audited as result.comment.

#include <string>

#include "core/error.h"
#include "core/test_result.h"
#include "lab/context.h"
#include "store/store.h"

namespace aliquot::lab {

// The longest comment, in bytes: a paragraph, not a document.
inline constexpr std::size_t kMaxCommentLength = 2000;

struct CommentResult {
  std::string accession_number;
  std::string test_code;
  std::string text;
  bool on_report = false;  // printed on the report and sent with the result
};

// Needs permission to enter results. InvalidArgument for an empty comment, one longer than
// kMaxCommentLength or holding control characters other than line breaks and tabs.
// FailedPrecondition for a comment on the report of a result already released (its report is
// sent; the report is not changed behind the clinician's back) and for any comment on a
// cancelled result.
Result<core::ResultComment> comment_result(store::Transaction& tx, const Context& ctx,
                                           const CommentResult& command);

}  // namespace aliquot::lab
