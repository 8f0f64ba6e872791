#pragma once

// What keeping a certification current asks in continuing education, as data
// (catalog/continuing_education.toml): the categories activities are recorded under, and per
// certification program the cycle, the points of a cycle and the points that must come from
// given categories (ASCP CMP: 36 points per 3 years, 1 in safety and 2 each in blood banking,
// chemistry, hematology and microbiology). Loading checks the file and names every problem at
// file:line:column.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace aliquot::people {

struct CeCategory {
  std::string code;  // "blood-banking"
  std::string name;  // "blood banking"
};

struct CeMinimum {
  std::string category;  // a CeCategory code
  double points = 0;
};

struct CeProgram {
  std::string name;
  std::string source;
  std::vector<std::string> credentials;  // "MLS(ASCP)"
  int cycle_years = 3;
  double points = 0;
  std::vector<CeMinimum> minimums;
  bool verify = false;  // not yet checked against its source
};

class CeRules {
 public:
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::vector<CeCategory>& categories() const { return categories_; }
  const std::vector<CeProgram>& programs() const { return programs_; }

  // The category with `code`; null when there is none.
  const CeCategory* find_category(std::string_view code) const;
  // The program that maintains `credential` (letter case ignored); null when none does.
  const CeProgram* program_for(std::string_view credential) const;

 private:
  friend class CeRulesLoader;

  std::string name_;
  std::string version_;
  std::vector<CeCategory> categories_;
  std::vector<CeProgram> programs_;
};

struct CeRulesLoad {
  std::optional<CeRules> rules;    // set when the file has no problems
  std::vector<Error> diagnostics;  // every problem, in file order
};

// Reads `text`; `file` names it in the diagnostics.
CeRulesLoad load_ce_rules(std::string_view text, const std::string& file);

// The bytes of catalog/continuing_education.toml, built into the program.
std::string_view default_ce_rules_text();
// The built-in rules, loaded once.
const CeRules& default_ce_rules();

}  // namespace aliquot::people
