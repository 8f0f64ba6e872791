#pragma once

// Asking for a value to be measured again before it is released: the technologist doubts it (a
// delta failure, a clot suspected, a value above the measuring range) and has the specimen run
// again, neat or on a dilution. The request is kept with the result as one of its hold reasons,
// so that it is shown wherever the result is, and it keeps the value from being released until
// the repeat is recorded: the repeat replaces the value and its reasons, the request with them.
// An instrument asking for the specimen's work (ASTM host query) is sent the test again.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/test_result.h"
#include "lab/context.h"
#include "store/store.h"

namespace aliquot::lab {

// The hold category of a rerun request.
inline constexpr std::string_view kRerunHold = "rerun-requested";

struct RequestRerun {
  std::string accession_number;
  std::string test_code;
  std::string reason;  // required: why the value is doubted
  // 0: the specimen as it is; N (2 to 10000): on a 1:N dilution, which the repeat value is
  // reported after correcting for (instruments that dilute report the corrected value).
  int dilution = 0;
};

// Records the request as a hold reason of the result (category kRerunHold; action "rerun", or
// "rerun-diluted" on a dilution), replacing an earlier request, and audits it as result.rerun.
// Needs permission to enter results. InvalidArgument without a reason or with a dilution outside
// 2 to 10000; FailedPrecondition when the result has no value yet, is released (correct it
// instead) or cancelled, or its specimen is not received or was rejected.
Result<core::HoldReason> request_rerun(store::Transaction& tx, const Context& ctx,
                                       const RequestRerun& command);

// The rerun request among `holds`, or null when there is none.
const core::HoldReason* rerun_request(const std::vector<core::HoldReason>& holds);

}  // namespace aliquot::lab
