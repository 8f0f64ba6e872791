#pragma once

// The lab's calculated tests, loaded from a TOML file under version control
// (catalog/calculations.toml is the default, built into the program). The loader checks the
// whole file and names every problem with file:line:column: a key missing or of the wrong type,
// a band table whose bands overlap or leave gaps, an expression that does not parse, uses an
// unknown name or mixes numbers and conditions, an input no expression uses. A CalculationSet
// that exists is valid.
//
// The file's schema (catalog/calculations.toml is the worked example; docs/calculations.md):
//   [calculations]   name, version, description (optional)
//   [[table]]        name, title, source, row_axis, column_axis,
//                    columns = ["(-inf, 100)", "[100, 130)", ...],
//                    rows = [ { band = "[7, 50)", values = [3.5, ...] }, ... ]
//   [[calculation]]  name, title, source, unit (UCUM), decimals (0-6), expression,
//                    input = [ { name, title, unit | choices, required, default,
//                                above, at_least, below, at_most }, ... ]
//                    [[calculation.step]] name, expression      (in order; later ones may use
//                                                                 earlier ones)
//                    [[calculation.rule]] invalid_when, reason  (conditions; when one holds the
//                                                                 result is not reported)

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calc/band_table.h"
#include "calc/calculation.h"
#include "core/error.h"

namespace aliquot::calc {

// Immutable after loading; safe to share between threads.
class CalculationSet {
 public:
  const std::string& name() const { return name_; }        // [calculations] name
  const std::string& version() const { return version_; }  // [calculations] version
  const std::vector<Calculation>& calculations() const { return calculations_; }
  const std::vector<std::shared_ptr<const BandTable>>& tables() const { return tables_; }

  // The calculation called `name` (letter case ignored), or nullptr.
  const Calculation* find(std::string_view name) const;

 private:
  friend class CalculationSetBuilder;
  std::string name_;
  std::string version_;
  std::vector<Calculation> calculations_;
  std::vector<std::shared_ptr<const BandTable>> tables_;
};

struct LoadOutcome {
  std::optional<CalculationSet> calculations;  // set only when `diagnostics` is empty
  // Every problem, in file order; each Error's position is the file, line and column.
  std::vector<Error> diagnostics;
};

// Parses and checks a calculations file. `file_name` is used in diagnostics only.
LoadOutcome load_calculations(std::string_view toml_text, std::string_view file_name);

// Reads and loads a file; a file that cannot be read is one diagnostic.
LoadOutcome load_calculations_file(const std::string& path);

// The default calculations (catalog/calculations.toml), built into the program.
std::string_view default_calculations_text();
inline constexpr std::string_view kDefaultCalculationsFileName = "calculations.toml";

// Names the loader keeps for the command line (`aliquot calc list`, `aliquot calc check`).
bool is_reserved_calculation_name(std::string_view name);

}  // namespace aliquot::calc
