#pragma once

// What `aliquot serve` and the quarantine commands both read from the command line.

#include <string>

#include "catalog/catalog.h"
#include "core/error.h"
#include "ingest/instrument_profile.h"
#include "server/interface_host.h"

namespace aliquot::cli {

inline constexpr const char* kDefaultInstruments = "interfaces/instruments";

// Instrument profiles from `directory`; none when it is the default and absent (a lab without
// instruments still takes HL7 from its EHR).
Result<ingest::InstrumentProfiles> profiles_from(const std::string& directory,
                                                 const catalog::Catalog& catalog);

// "HOST:PORT", where PORT 0 lets the system choose; the error names `option`.
Result<server::Listen> parse_listen(const std::string& option, const std::string& text);

}  // namespace aliquot::cli
