#pragma once

// The hook through which quality control gates patient results: autoverification asks it, for
// each result, whether the QC of the instrument and analyte allows results to be trusted. The QC
// module implements it; without one, QC is not checked (QcState::kNotMonitored).

#include <string_view>

#include "core/time.h"
#include "rules/autoverification.h"

namespace aliquot::rules {

// Implementations must be safe to call from several threads at once.
class QcGate {
 public:
  virtual ~QcGate() = default;
  // The QC state for `test_code` on `instrument` (the account or instrument that reported the
  // result) at `measured_at`.
  virtual QcState state(std::string_view instrument, std::string_view test_code,
                        core::Instant measured_at) const = 0;
};

}  // namespace aliquot::rules
