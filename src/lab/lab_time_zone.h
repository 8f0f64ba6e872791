#pragma once

// The lab's time zone (ARCHITECTURE decision 6): the zone in which a time sent without an offset
// is read, such as an HL7 DTM "202603100745" in OBR-7 from an EHR. Such senders write the lab's
// wall clock; reading it as UTC would shift every such collection time by the zone's offset, and
// the turnaround times measured from it.
//
// The setting lab.time_zone holds an IANA name ("America/Chicago"); it is set like the other lab
// settings (`aliquot outbox setting lab.time_zone America/Chicago`, lab/outbound.h), audited. The
// offset applied is the one in force at the time read, daylight saving time included
// (core/time_zone.h).

#include <string_view>

#include "core/error.h"
#include "core/time_zone.h"
#include "store/store.h"

namespace aliquot::lab {

inline constexpr std::string_view kLabTimeZone = "lab.time_zone";

// The zone in force: lab.time_zone when set, else the machine's zone (/etc/localtime), else UTC.
// FailedPrecondition "setting lab.time_zone: time zone 'X' is not in the time zone database..."
// when the setting names a zone the system's database does not have (any more): times are then
// not read at all rather than read in a zone the lab did not choose.
Result<core::TimeZone> lab_time_zone(store::Transaction& tx);

// The lab's calendar day at `at`: the date a lab clock shows then (lab_time_zone). Expiry and due
// dates of people's qualifications are days of the lab's calendar.
Result<core::Date> lab_day(store::Transaction& tx, core::Instant at);

}  // namespace aliquot::lab
