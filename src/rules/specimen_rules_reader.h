#pragma once

// Reads the specimen-wide rules of a rules file (rules/specimen_rules.h) for the rules loader:
//   [delta_statistics]  window = "7d", false_alarm = 0.001, minimum_analytes = 3
//   [[contamination]]   fluid = "0.9 % sodium chloride", contains = { NA = 154, CL = 154 },
//                       dilutes = ["K", "CA", ...]
//   [[consistency]]     name, value = "BASO_ABS", expected = "WBC * BASO_PCT / 100",
//                       tolerance = 0 (beyond rounding), reason
// and an analyte's `variation = { within_person = 4.8, analytical = 1.5 }` (percent).
// Every problem goes to the Diagnostics with its place; a read that fails returns nothing.

#include <cstddef>
#include <optional>

#include "catalog/catalog.h"
#include "config/toml_reader.h"
#include "rules/specimen_rules.h"

namespace aliquot::rules {

std::optional<DeltaStatistics> read_delta_statistics(const toml::table& table,
                                                     config::Diagnostics& out);

// The `variation` key of an analyte; true when it is absent or reads well.
bool read_variation(config::TableReader& analyte, std::optional<Variation>& into,
                    config::Diagnostics& out);

std::optional<ContaminationRule> read_contamination(const toml::table& table, std::size_t index,
                                                    const catalog::Catalog& catalog,
                                                    config::Diagnostics& out);

std::optional<ConsistencyRule> read_consistency(const toml::table& table, std::size_t index,
                                                const catalog::Catalog& catalog,
                                                config::Diagnostics& out);

// The largest false-alarm rate a lab may write: beyond one in ten, a check holds too much to
// mean anything.
inline constexpr double kMaxFalseAlarm = 0.1;

}  // namespace aliquot::rules
