#pragma once

// The lab's test menu, loaded from a TOML file under version control (catalog/core-menu.toml is
// the default). The loader checks everything a lab could get wrong and names each problem with
// file and line; a Catalog that exists is valid.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/test_definition.h"

namespace aliquot::catalog {

// How long a section aims to take from receiving a specimen in the lab to releasing its results
// (the in-laboratory turnaround time), per order priority, in whole minutes; absent: no target
// for that priority. The lab's own policy, written in the catalog: [[section]] turnaround =
// { stat = 60, asap = 120, routine = 240 }.
struct TurnaroundTargets {
  std::optional<int> stat_minutes;
  std::optional<int> asap_minutes;
  std::optional<int> routine_minutes;

  std::optional<int> minutes_for(core::Priority priority) const;
};

struct Section {
  std::string code;  // "chemistry"
  std::string name;  // "Clinical chemistry"
  TurnaroundTargets turnaround;
};

struct SpecimenType {
  std::string code;  // "serum"
  std::string name;
};

// A tube or cup. `draw_order` follows CLSI GP41 (lower draws first); labels and collection lists
// are printed in this order.
struct Container {
  std::string code;  // "sst"
  std::string name;  // "Serum separator tube (gold top)"
  int draw_order = 0;
};

// One problem found in a catalog file.
struct Diagnostic {
  std::string file;
  int line = 0;  // 1-based; 0 when the problem is not tied to a line
  int column = 0;
  std::string message;
  std::string to_string() const;  // "file:line:column: message"
};

// Immutable after loading; safe to share between threads.
class Catalog {
 public:
  const std::string& name() const { return name_; }        // [catalog] name
  const std::string& version() const { return version_; }  // [catalog] version

  const std::vector<core::TestDefinition>& tests() const { return tests_; }
  const std::vector<core::PanelDefinition>& panels() const { return panels_; }
  const std::vector<Section>& sections() const { return sections_; }
  const std::vector<SpecimenType>& specimen_types() const { return specimen_types_; }
  const std::vector<Container>& containers() const { return containers_; }

  const core::TestDefinition* find_test(std::string_view code) const;  // nullptr when unknown
  const core::PanelDefinition* find_panel(std::string_view code) const;
  const Container* find_container(std::string_view code) const;
  const Section* find_section(std::string_view code) const;

  // Expands test and panel codes (panels recursively) into distinct tests in first-seen order.
  // Codes match case-insensitively. NotFound names every unknown code.
  Result<std::vector<const core::TestDefinition*>> expand(
      const std::vector<std::string>& codes) const;

 private:
  friend class CatalogBuilder;
  std::string name_;
  std::string version_;
  std::vector<core::TestDefinition> tests_;
  std::vector<core::PanelDefinition> panels_;
  std::vector<Section> sections_;
  std::vector<SpecimenType> specimen_types_;
  std::vector<Container> containers_;
  std::map<std::string, std::size_t, std::less<>> test_index_;   // upper-case code -> tests_
  std::map<std::string, std::size_t, std::less<>> panel_index_;  // upper-case code -> panels_
};

struct LoadOutcome {
  std::optional<Catalog> catalog;       // set only when `diagnostics` is empty
  std::vector<Diagnostic> diagnostics;  // every problem, in file order
};

// Parses and validates a catalog. `file_name` is used in diagnostics only.
LoadOutcome load_catalog(std::string_view toml_text, std::string_view file_name);

// Reads and loads a file; a file that cannot be read is one diagnostic.
LoadOutcome load_catalog_file(const std::string& path);

// The default core menu (catalog/core-menu.toml), built into the program.
std::string_view default_catalog_text();
inline constexpr std::string_view kDefaultCatalogFileName = "core-menu.toml";

}  // namespace aliquot::catalog
