#pragma once

// HL7 v2 date and time values as aliquot writes them. v2.5.1 section 2.A.21 (DTM):
// YYYYMMDDHHMM[SS[.S[S[S[S]]]]][+/-ZZZZ]; section 2.A.20 (DT): YYYYMMDD. aliquot keeps instants in
// UTC (ARCHITECTURE decision 6) and always writes the offset "+0000": the LRI implementation guide
// asks for the time zone offset on every time of day (interfaces.md, "LRI").

#include <string>

#include "core/time.h"

namespace aliquot::hl7 {

// "20261121083000+0000"; with milliseconds ("20261121083000.123+0000") only when they are not 0.
std::string format_dtm(core::Instant instant);

// "19800229".
std::string format_dt(core::Date date);

// Reads a DTM (or TS component 1) as sent by other systems: YYYYMMDD[HH[MM[SS[.S...]]]] with an
// optional +/-ZZZZ offset; without an offset the time is taken as `default_offset_minutes`
// east of UTC (the sender's zone, when the lab knows it; 0 otherwise). InvalidArgument naming
// the text when it is not a DTM or names an impossible date or time.
Result<core::Instant> parse_dtm(std::string_view text, int default_offset_minutes = 0);

// Reads a DT (YYYYMMDD); a longer DTM is cut to its date.
Result<core::Date> parse_dt(std::string_view text);

}  // namespace aliquot::hl7
