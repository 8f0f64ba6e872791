#pragma once

// The control values an instrument reports in one message (ASTM R records under a QC order, HL7
// OBX of a control specimen), recorded as QC runs through lab::record_qc_run: one run per test,
// its values the levels the message carries, each control material named by the sample id the
// lab registered for the instrument (`aliquot qc sample-id set`). A rejected run is recorded like
// any other: the message is applied, and its summary says which run was rejected and how many
// patient results it held.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "lab/context.h"
#include "store/store.h"

namespace aliquot::ingest {

// One control value as the message reported it.
struct QcReading {
  std::string sample_id;  // the control material's sample id on the instrument
  std::string test_code;  // the catalog test, mapped through the instrument profile
  std::string value;      // as reported
  std::string label;      // where it is in the message, for refusals: "record 5", "OBX(3)"
  // The time the instrument reports it was measured (ASTM R-13, HL7 OBX-19); none when it sent
  // none or it could not be read.
  std::optional<core::Instant> measured_at;
};

// The refusal line for a control specimen the lab has not registered: it names the sample id and
// the command that registers it.
std::string unregistered_qc_sample(std::string_view where, std::string_view instrument,
                                   std::string_view sample_id);

// The control values of one message. A small value; not thread-safe.
class QcReadings {
 public:
  void add(QcReading reading) { readings_.push_back(std::move(reading)); }
  bool empty() const { return readings_.empty(); }

  // Records one run per test code, in the order the tests first appear, on `instrument` (the
  // profile id) with `source` naming the message. A run is measured at the latest time its values
  // report, or at `now` when one has none, or when the latest is later than `now` (the
  // instrument's clock is ahead: a line is added to `notes`). The summary: "2 QC run(s)
  // recorded: GLU accept, K reject (1-3s; 3 patient result(s) held)"; "" without readings. A run
  // the lab refuses (unknown material, no target, expired material, a value that is no number)
  // adds a line to `refusals` naming the run and why, and is left out of the summary; the caller
  // refuses the message. Fails only when the store does.
  Result<std::string> record(store::Transaction& tx, const lab::Context& ctx,
                             const std::string& instrument, const std::string& source,
                             core::Instant now, std::vector<std::string>& notes,
                             std::vector<std::string>& refusals) const;

 private:
  std::vector<QcReading> readings_;
};

}  // namespace aliquot::ingest
