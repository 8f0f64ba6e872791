#pragma once

// When the values of one post were measured (lab::PostResults::measured_at), from the times the
// sender reported for each of them: ASTM R-13 "date and time test completed" (LIS02-A2 section
// 10.1.13) and HL7 OBX-19 "date/time of the analysis" (v2.5.1 section 7.4.2.19). The rules judge
// specimen stability from collection to that time, and the QC gate asks for the QC state then;
// without it both are judged at receipt.
//
// One post carries several values: the specimen is judged at the latest of their times, the
// oldest the specimen was when any of them was measured. A value without a usable time (none
// sent, or one that cannot be read) counts as measured on receipt, the latest it can have been.
// A reported time later than the receipt (the instrument's clock is ahead) or earlier than the
// collection (its clock is wrong) is not believed either: the specimen is judged at receipt. Any
// of these can only make the specimen older than it was, so a stability rule holds rather than
// passes.

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "lab/use_cases.h"
#include "store/store.h"

namespace aliquot::ingest {

// The reported times of the values of one post. A small value; not thread-safe.
class MeasurementTimes {
 public:
  // A value the sender reported a measurement time for.
  void add(core::Instant measured_at);
  // A value without a usable measurement time.
  void add_unknown() { unknown_ = true; }
  // The values of another group of the same post.
  void merge(const MeasurementTimes& other);

  // The time to judge the specimen at: the latest time reported, or nullopt (judged on receipt,
  // lab::PostResults' default) when a value has none, when there is no value, or when the latest
  // is after `now` or before `collected_at`. Each of the last two adds a line to `notes`:
  // "specimen 26000012: measurement time 2026-03-10T09:00:00Z is in the future (now
  // 2026-03-10T08:40:00Z: instrument clock ahead?); judged as measured now".
  std::optional<core::Instant> resolve(core::Instant now, core::Instant collected_at,
                                       const std::string& accession_number,
                                       std::vector<std::string>& notes) const;

 private:
  std::optional<core::Instant> latest_;
  bool unknown_ = false;
};

// Sets post.measured_at by resolve() with the specimen's collection time; leaves it unset for a
// specimen the lab does not have (post_results refuses the post). Fails only when the store does.
Result<void> settle_measured_at(store::Transaction& tx, core::Instant now,
                                const MeasurementTimes& times, lab::PostResults& post,
                                std::vector<std::string>& notes);

}  // namespace aliquot::ingest
