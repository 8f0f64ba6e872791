#pragma once

// The autoverification rules loader: TOML text in, a valid RuleSet or every problem found out,
// each named with file:line:column, the table and the key. The rules are checked against the
// catalog they will be used with: every test and section must be the catalog's, and limits and
// delta checks are only for its numeric tests.
//
// The file's schema (catalog/autoverification.toml is the worked example;
// docs/autoverification.md):
//   [rules]          name, version, description (optional)
//   [instrument]     informational_flags = ["N", "L", "H", ...]   instrument flags that do not
//                                                                 hold a result (optional)
//   [[discipline]]   section (a catalog section code), autoverify (true/false),
//                    hold_abnormal_answers (true/false, default true)
//   [[analyte]]      test (a catalog test code), and any of:
//                    absurd = { low, high }            physiologically impossible beyond these
//                    measuring_range = { low, high }   the assay's analytical measuring range
//                    review = { low, high }            beyond these a person looks first
//                    stability = "24h"                 collection to measurement; m, h or d
//                    hemolysis = { hold, suppress }    serum index thresholds, as the
//                    icterus = { hold, suppress }      instrument reports the index
//                    lipemia = { hold, suppress }
//                    delta = [ { absolute | percent | per_day = LIMIT, window = "7d",
//                                scope = "result" | "specimen", reason = "..." }, ... ]
//                    variation = { within_person, analytical }   CVs in percent, for
//                                                                [delta_statistics]
//   [delta_statistics], [[contamination]], [[consistency]]   the specimen as a whole
//                    (rules/specimen_rules_reader.h)
//   [[reflex]]       when, above | below | outside_reference | answers | drop (+ window), add,
//                    reason
// Every number of an analyte is in the unit of its test in the catalog (potassium in mmol/L when
// the catalog says mmol/L); per_day is that unit per day; percent is of the previous value.
// Boundaries follow rules/rule_set.h: a value equal to a limit is within it.
//
// What the loader refuses: unknown keys (with the nearest known one), values of the wrong type,
// a test or section the catalog does not have (with the nearest code), limits or delta checks on
// a coded or text test, low above high, a measuring range outside the absurd limits, review
// limits outside the measuring range (or, without one, outside the absurd limits), negative index
// thresholds or hold above suppress, a delta check with none or more than one of absolute,
// percent and per_day, a limit that is not above 0, a percent limit above 1000, a window or
// stability that is not a positive duration, the same test or section twice, and an empty or
// repeated informational flag.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/error.h"
#include "rules/rule_set.h"

namespace aliquot::rules {

struct LoadOutcome {
  std::optional<RuleSet> rules;  // set only when `diagnostics` is empty
  // Every problem, in file order; each Error's position is the file, line and column.
  std::vector<Error> diagnostics;
};

// Parses and checks a rules file against `catalog`. `file_name` is used in diagnostics only.
LoadOutcome load_rules(std::string_view toml_text, std::string_view file_name,
                       const catalog::Catalog& catalog);

// Reads and loads a file; a file that cannot be read is one diagnostic.
LoadOutcome load_rules_file(const std::string& path, const catalog::Catalog& catalog);

// The default rules (catalog/autoverification.toml), built into the program. They are written
// for the default menu (catalog/core-menu.toml).
std::string_view default_rules_text();
inline constexpr std::string_view kDefaultRulesFileName = "autoverification.toml";

// Largest percent delta limit: a change of more than ten times the previous value is no longer
// a percent a lab means.
inline constexpr double kMaxPercentDelta = 1000;

}  // namespace aliquot::rules
