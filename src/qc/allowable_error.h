#pragma once

// Allowable total error (TEa) per analyte, as lab-editable data (catalog/allowable_error.toml is
// the default, built into the program): the quality a method must reach, from which the sigma
// metric (qc/sigma.h) and so the QC design follow. The default holds the CLIA proficiency-testing
// acceptance limits in force from 11 July 2024 (42 CFR 493 subpart I); a lab may replace any
// entry with its own TEa and name its source.
//
// The file's schema (catalog/allowable_error.toml is the worked example):
//   [allowable_error]  name, version, source
//   [[limit]]          code, percent and/or absolute (with unit), source, verify, note
// The loader checks the whole file and names every problem with file:line:column (an unknown
// key, a limit that is not a positive number, an entry with neither limit, a code listed twice,
// an absolute limit without its unit). A table that exists is valid.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace aliquot::qc {

// Whether a limit has been checked against its source. The default file marks the limits it
// could not check there, and tools show the mark with every number taken from such an entry.
enum class Verification { kChecked, kToVerify };

// One analyte's allowable total error. `percent` is a percentage of the target value; `absolute`
// is in `unit`, the unit the catalog test reports. At least one is set; when both are, the
// greater applies at each concentration.
struct AllowableError {
  std::string code;  // the catalog test code, upper case ("GLU")
  std::optional<double> percent;
  std::optional<double> absolute;
  std::string unit;  // of `absolute`; empty when there is none
  std::string source;
  Verification verification = Verification::kChecked;
  std::string note;
  // Where the entry starts in its file (the [[limit]] line), for checks made after loading.
  int line = 0;
  int column = 0;
};

// Immutable after loading; safe to share between threads.
class AllowableErrorTable {
 public:
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& source() const { return source_; }
  // In file order.
  const std::vector<AllowableError>& limits() const { return limits_; }

  // The limit for `code` (letter case ignored), or nullptr.
  const AllowableError* find(std::string_view code) const;

 private:
  friend class AllowableErrorTableBuilder;
  std::string name_;
  std::string version_;
  std::string source_;
  std::vector<AllowableError> limits_;
};

struct AllowableErrorLoad {
  std::optional<AllowableErrorTable> table;  // set only when `diagnostics` is empty
  // Every problem, in file order; each Error's position is the file, line and column.
  std::vector<Error> diagnostics;
};

// Parses and checks an allowable-error file. `file_name` is used in diagnostics only.
AllowableErrorLoad load_allowable_error(std::string_view toml_text, std::string_view file_name);

// Reads and loads a file; a file that cannot be read is one diagnostic.
AllowableErrorLoad load_allowable_error_file(const std::string& path);

// The built-in catalog/allowable_error.toml.
std::string_view default_allowable_error_text();
inline constexpr std::string_view kDefaultAllowableErrorFileName = "allowable_error.toml";

// Which part of a limit gives the TEa at a concentration.
enum class TeaPart { kPercent, kAbsolute };

struct TeaAt {
  double percent = 0;                // the TEa in percent of the concentration
  TeaPart part = TeaPart::kPercent;  // kPercent also when both parts give the same TEa
};

// The TEa in percent at `concentration` (in the limit's unit): max(percent, absolute /
// concentration x 100). A limit with only a percent part needs no concentration. Fails with
// InvalidArgument when the limit has an absolute part and no concentration is given, or when the
// concentration is not a finite number greater than 0.
Result<TeaAt> tea_percent_at(const AllowableError& limit, std::optional<double> concentration);

// "8 %", "6 mg/dL", "8 % or 6 mg/dL (the greater)": the limit as the lab reads it.
std::string describe(const AllowableError& limit);

// A test the limits can be checked against: its code and the unit it reports.
struct TestUnit {
  std::string code;
  std::string unit;
};

// The problems between `table` (loaded from `file_name`) and the tests of a catalog: a limit for
// a code that is not a test, and an absolute limit in another unit than the test reports. Each
// is positioned at the limit's entry. Empty when they fit.
std::vector<Error> check_against_tests(const AllowableErrorTable& table,
                                       const std::vector<TestUnit>& tests,
                                       std::string_view file_name);

}  // namespace aliquot::qc
