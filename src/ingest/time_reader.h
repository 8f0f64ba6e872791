#pragma once

// Times that senders write without an offset, read as the lab's wall clock (lab/lab_time_zone.h):
// an EHR's HL7 DTM without "+/-ZZZZ" and every ASTM time (LIS02-A2 has no offset at all: an
// instrument writes the time of its own clock, which stands in the lab). Reading them as UTC
// would shift each by the zone's offset, and with it turnaround times and specimen ages.
//
// One reader serves one message, in that message's transaction: the zone is looked up once, and
// only when a time without an offset is met. Not thread-safe; the transaction must outlive it.

#include <optional>
#include <string_view>

#include "core/error.h"
#include "core/time.h"
#include "core/time_zone.h"
#include "store/store.h"

namespace aliquot::ingest {

class TimeReader {
 public:
  explicit TimeReader(store::Transaction& tx) : tx_(tx) {}

  // An HL7 DTM (hl7/dtm.h): with an offset as written, without one in the lab's zone, with the
  // offset in force at that local time (daylight saving time included). InvalidArgument naming
  // the text when it is no DTM; FailedPrecondition when the lab's zone setting names a zone the
  // system does not have; a store failure as the store gave it.
  Result<core::Instant> read_dtm(std::string_view text);

  // An ASTM date and time, YYYYMMDDHHMMSS (LIS02-A2 section 6.6.2), in the lab's zone.
  // InvalidArgument "'2026031008' is not a date and time YYYYMMDDHHMMSS" for anything else
  // (another length, a non-digit, an impossible date or time of day); the zone's failures as
  // for read_dtm().
  Result<core::Instant> read_astm(std::string_view text);

 private:
  // The lab's zone, looked up on first use.
  Result<const core::TimeZone*> zone();

  store::Transaction& tx_;
  std::optional<core::TimeZone> zone_;
};

}  // namespace aliquot::ingest
