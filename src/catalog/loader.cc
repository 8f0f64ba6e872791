// The catalog loader: TOML text in, a valid Catalog or every problem found out.
//
// The file's schema (catalog/core-menu.toml is the worked example):
//   [catalog]        name, version, description (optional)
//   [[section]]      code, name, turnaround = { stat, asap, routine } (minutes, optional)
//   [[specimen_type]] code, name
//   [[container]]    code, name, draw_order (CLSI GP41; 1 draws first)
//   [[test]]         code, name, loinc, section, specimen_type, container,
//                    kind ("numeric" by default, "coded", "text"),
//                    numeric: unit (UCUM), decimals (0-6), critical = { low, high }
//                    coded:   answers, abnormal_answers
//                    reference = [ { sex, age_min, age_max, specimen_type, method,
//                                    low, high, text }, ... ]
//                    calculated: calculation = { name = "egfr-ckd-epi-2021",
//                                                inputs = { creatinine = "CREAT" } }
//   [[panel]]        code, name, members (test or panel codes)
// Codes of tests and panels share one namespace and ignore letter case.

#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "catalog/age.h"
#include "catalog/catalog.h"
#include "catalog/loinc.h"
#include "catalog/ucum.h"
#include "config/toml_reader.h"
#include "core/text.h"

namespace aliquot::catalog {

// Fills the private members of a Catalog; only the loader creates catalogs.
class CatalogBuilder {
 public:
  static Catalog build(std::string name, std::string version, std::vector<Section> sections,
                       std::vector<SpecimenType> specimen_types, std::vector<Container> containers,
                       std::vector<core::TestDefinition> tests,
                       std::vector<core::PanelDefinition> panels);
};

namespace {

using config::Diagnostics;
using config::in_quotes;
using config::Position;
using config::position_of;
using config::Required;
using config::TableReader;
using config::TextAt;
using core::ascii_upper;
using core::equals_ignoring_case;
using core::join;
using core::number_text;

constexpr std::size_t kMaxCodeLength = 20;

// Codes travel in HL7 messages, barcodes and URLs: letters, digits, '-' and '_' only.
std::optional<std::string> code_problem(std::string_view code) {
  if (code.size() > kMaxCodeLength) {
    return "is longer than " + std::to_string(kMaxCodeLength) + " characters";
  }
  for (char c : code) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!allowed) return "may contain only letters, digits, '-' and '_'";
  }
  return std::nullopt;
}

// A code list entry (section, specimen type, container) with where it was defined.
template <typename T>
struct Defined {
  T value;
  Position where;
};

// One reference interval as read, with what the cross-checks need.
struct IntervalRead {
  core::ReferenceInterval interval;
  Position where;
  int number = 0;  // 1-based, as the messages name it
  std::string age_min_text = "0d";
  std::string age_max_text;  // empty: no upper bound
  bool band_valid = true;
  bool qualifiers_valid = true;  // specimen type and method
};

std::string describe_band(const IntervalRead& read) {
  if (read.age_max_text.empty()) return read.age_min_text + " and over";
  return read.age_min_text + " to " + read.age_max_text;
}

class Loader {
 public:
  Loader(const toml::table& root, Diagnostics& out) : root_(root), out_(out) {}

  std::optional<Catalog> run() {
    TableReader top(root_, "the catalog file",
                    {"catalog", "section", "specimen_type", "container", "test", "panel"}, out_);
    top.report_unknown_keys();
    read_header(top);
    read_sections();
    read_code_list("specimen_type", specimen_types_);
    read_containers();
    if (const toml::array* tests = list_of_tables("test")) {
      for (std::size_t i = 0; i < tests->size(); ++i) read_test(*tests->get(i)->as_table(), i);
      if (tests->empty()) out_.add({}, "the catalog defines no tests ([[test]])");
    } else if (!top.has("test")) {
      out_.add({}, "the catalog defines no tests ([[test]])");
    }
    if (const toml::array* panels = list_of_tables("panel")) {
      for (std::size_t i = 0; i < panels->size(); ++i) read_panel(*panels->get(i)->as_table(), i);
    }
    check_panel_members();
    check_panel_cycles();
    if (!out_.empty()) return std::nullopt;

    std::vector<Section> sections;
    for (auto& section : sections_) sections.push_back(std::move(section.value));
    std::vector<SpecimenType> specimen_types;
    for (auto& type : specimen_types_) specimen_types.push_back(std::move(type.value));
    std::vector<Container> containers;
    for (auto& container : containers_) containers.push_back(std::move(container.value));
    std::vector<core::PanelDefinition> panels;
    for (auto& panel : panels_) panels.push_back(std::move(panel.definition));
    return CatalogBuilder::build(std::move(name_), std::move(version_), std::move(sections),
                                 std::move(specimen_types), std::move(containers),
                                 std::move(tests_), std::move(panels));
  }

 private:
  struct PanelRead {
    core::PanelDefinition definition;
    Position where;
    std::vector<TextAt> members;
  };

  const toml::array* list_of_tables(std::string_view key) {
    const toml::node* node = root_.get(key);
    if (node == nullptr) return nullptr;
    const auto* array = node->as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      out_.add(position_of(*node), in_quotes(key) + " must be an array of tables, written [[" +
                                       std::string(key) + "]]");
      return nullptr;
    }
    return array;
  }

  void read_header(TableReader& top) {
    const toml::table* header = top.table("catalog", Required::kNo);
    if (header == nullptr) {
      if (!top.has("catalog")) {
        out_.add({}, "missing [catalog] table with the menu's name and version");
      }
      return;
    }
    TableReader reader(*header, "[catalog]", {"name", "version", "description"}, out_);
    name_ = reader.text("name", Required::kYes).value_or("");
    version_ = reader.text("version", Required::kYes).value_or("");
    reader.text("description", Required::kNo);
    reader.report_unknown_keys();
  }

  // Reads code and name of one [[section]] or [[specimen_type]] table; checks the code.
  template <typename T>
  std::optional<T> read_coded_entry(TableReader& reader, std::string_view kind,
                                    std::vector<Defined<T>>& seen) {
    const auto code = reader.text("code", Required::kYes);
    if (code) reader.set_context(std::string(kind) + " " + in_quotes(*code));
    const auto name = reader.text("name", Required::kYes);
    if (!code) return std::nullopt;
    if (auto problem = code_problem(*code)) {
      out_.add(reader.position_of_key("code"),
               std::string(kind) + " code " + in_quotes(*code) + " " + *problem);
    }
    for (const auto& earlier : seen) {
      if (equals_ignoring_case(earlier.value.code, *code)) {
        out_.add(reader.position_of_key("code"),
                 "duplicate " + std::string(kind) + " code " + in_quotes(*code) + " " +
                     first_defined(earlier.value.code, *code, earlier.where));
        return std::nullopt;
      }
    }
    T entry;
    entry.code = *code;
    entry.name = name.value_or("");
    return entry;
  }

  static std::string first_defined(std::string_view first, std::string_view again, Position where) {
    if (first == again) return "(first defined at line " + std::to_string(where.line) + ")";
    return "(first defined as " + in_quotes(first) + " at line " + std::to_string(where.line) +
           "; codes ignore letter case)";
  }

  template <typename T>
  void read_code_list(std::string_view key, std::vector<Defined<T>>& into) {
    const toml::array* list = list_of_tables(key);
    if (list == nullptr) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const toml::table& table = *list->get(i)->as_table();
      TableReader reader(table, std::string(kind_name(key)) + " " + std::to_string(i + 1),
                         {"code", "name"}, out_);
      auto entry = read_coded_entry(reader, kind_name(key), into);
      reader.report_unknown_keys();
      if (entry) into.push_back(Defined<T>{std::move(*entry), reader.position()});
    }
  }

  // [[section]]: code, name, and the optional turnaround targets in minutes per priority.
  void read_sections() {
    const toml::array* list = list_of_tables("section");
    if (list == nullptr) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const toml::table& table = *list->get(i)->as_table();
      TableReader reader(table, "section " + std::to_string(i + 1), {"code", "name", "turnaround"},
                         out_);
      auto entry = read_coded_entry(reader, "section", sections_);
      const TurnaroundTargets turnaround = read_turnaround(reader);
      reader.report_unknown_keys();
      if (entry) {
        entry->turnaround = turnaround;
        sections_.push_back(Defined<Section>{std::move(*entry), reader.position()});
      }
    }
  }

  // turnaround = { stat = 60, asap = 120, routine = 240 }: whole minutes, 1 to 43200 (30 days;
  // a longer target is no turnaround target but a reporting schedule).
  TurnaroundTargets read_turnaround(TableReader& section_reader) {
    TurnaroundTargets targets;
    const toml::table* table = section_reader.table("turnaround", Required::kNo);
    if (table == nullptr) return targets;
    TableReader reader(*table, "the turnaround targets of " + section_reader.context(),
                       {"stat", "asap", "routine"}, out_);
    const auto read = [&](std::string_view priority) -> std::optional<int> {
      const std::optional<std::int64_t> minutes = reader.integer(priority, Required::kNo);
      if (!minutes) return std::nullopt;
      if (*minutes < 1 || *minutes > 43200) {
        reader.problem(priority,
                       "must be between 1 and 43200 minutes, not " + std::to_string(*minutes));
        return std::nullopt;
      }
      return static_cast<int>(*minutes);
    };
    targets.stat_minutes = read("stat");
    targets.asap_minutes = read("asap");
    targets.routine_minutes = read("routine");
    reader.report_unknown_keys();
    return targets;
  }

  static std::string_view kind_name(std::string_view key) {
    return key == "specimen_type" ? "specimen type" : key;
  }

  void read_containers() {
    const toml::array* list = list_of_tables("container");
    if (list == nullptr) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const toml::table& table = *list->get(i)->as_table();
      TableReader reader(table, "container " + std::to_string(i + 1),
                         {"code", "name", "draw_order"}, out_);
      auto entry = read_coded_entry(reader, "container", containers_);
      const auto draw_order = reader.integer("draw_order", Required::kYes);
      if (draw_order && (*draw_order < 1 || *draw_order > 99)) {
        reader.problem("draw_order",
                       "must be between 1 and 99, not " + std::to_string(*draw_order));
      }
      reader.report_unknown_keys();
      if (entry) {
        entry->draw_order = static_cast<int>(draw_order.value_or(0));
        containers_.push_back(Defined<Container>{std::move(*entry), reader.position()});
      }
    }
  }

  // Resolves a reference to a section, specimen type or container; returns the code as the list
  // spells it. An unknown code is reported with the nearest defined code when one is within two
  // edits, and with every defined code.
  template <typename T>
  std::optional<std::string> resolve(TableReader& reader, std::string_view key,
                                     std::string_view kind, const std::vector<Defined<T>>& list,
                                     Required required = Required::kYes) {
    const auto code = reader.text(key, required);
    if (!code) return std::nullopt;
    std::vector<std::string> known;
    for (const auto& entry : list) {
      if (equals_ignoring_case(entry.value.code, *code)) return entry.value.code;
      known.push_back(entry.value.code);
    }
    const std::string nearest = core::nearest_spelling(*code, known, core::LetterCase::kIgnored);
    std::string message =
        reader.context() + ": unknown " + std::string(kind) + " " + in_quotes(*code);
    if (!nearest.empty()) message += " (did you mean " + in_quotes(nearest) + "?)";
    message += known.empty() ? "; none is defined" : "; defined: " + join(known);
    out_.add(reader.position_of_key(key), std::move(message));
    return std::nullopt;
  }

  void read_test(const toml::table& table, std::size_t index) {
    TableReader reader(
        table, "test " + std::to_string(index + 1),
        {"code", "name", "loinc", "kind", "section", "specimen_type", "container", "unit",
         "decimals", "answers", "abnormal_answers", "reference", "critical", "calculation"},
        out_);
    core::TestDefinition test;
    test.source_line = reader.position().line;
    const auto code = reader.text("code", Required::kYes);
    if (code) {
      test.code = *code;
      reader.set_context("test " + in_quotes(*code));
      check_test_code(reader, *code);
    }
    test.name = reader.text("name", Required::kYes).value_or("");
    if (const auto loinc = reader.text("loinc", Required::kYes)) {
      if (auto valid = validate_loinc(*loinc); !valid) {
        out_.add(reader.position_of_key("loinc"),
                 reader.context() + ": " + valid.error().message());
      }
      test.loinc = *loinc;
    }

    std::optional<core::ResultKind> kind = core::ResultKind::kNumeric;
    if (const auto kind_text = reader.text("kind", Required::kNo)) {
      auto parsed = core::parse_result_kind(*kind_text);
      if (parsed) {
        kind = *parsed;
      } else {
        out_.add(reader.position_of_key("kind"),
                 reader.context() + ": " + parsed.error().message());
        kind.reset();
      }
    } else if (reader.has("kind")) {
      kind.reset();
    }
    if (kind) test.kind = *kind;

    test.section = resolve(reader, "section", "section", sections_).value_or("");
    test.specimen_type =
        resolve(reader, "specimen_type", "specimen type", specimen_types_).value_or("");
    test.container_type = resolve(reader, "container", "container", containers_).value_or("");

    read_kind_specific(reader, kind, test);
    std::vector<IntervalRead> intervals = read_intervals(reader, kind, test);
    read_critical(reader, kind, test, intervals);
    read_calculation(reader, kind, test);
    reader.report_unknown_keys();
    tests_.push_back(std::move(test));
  }

  // The syntax of `calculation = { name = "...", inputs = { input = "TEST", ... } }`. Whether the
  // calculation exists and its inputs and units fit is checked against the calculations file
  // (calc/catalog_links.h), which the catalog alone does not know.
  void read_calculation(TableReader& test_reader, std::optional<core::ResultKind> kind,
                        core::TestDefinition& test) {
    if (!test_reader.has("calculation")) return;
    const toml::table* table = test_reader.table("calculation", Required::kNo);
    if (table == nullptr) return;
    TableReader reader(*table, "the calculation of " + test_reader.context(), {"name", "inputs"},
                       out_);
    core::CalculatedFrom calculated;
    calculated.source_line = reader.position().line;
    const auto name = reader.text("name", Required::kYes);
    const toml::table* inputs = reader.table("inputs", Required::kYes);
    reader.report_unknown_keys();
    if (kind && *kind != core::ResultKind::kNumeric) {
      test_reader.problem("calculation", "is only for numeric tests; this test is " +
                                             std::string(core::to_code(*kind)));
      return;
    }
    if (inputs != nullptr) {
      // toml++ keeps keys sorted; the inputs are kept as the file lists them.
      std::vector<std::pair<std::string, const toml::node*>> in_file_order;
      for (const auto& [key, node] : *inputs) in_file_order.emplace_back(key.str(), &node);
      std::sort(in_file_order.begin(), in_file_order.end(), [](const auto& a, const auto& b) {
        const Position pa = position_of(*a.second);
        const Position pb = position_of(*b.second);
        return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
      });
      std::set<std::string> seen;
      for (const auto& [input, value] : in_file_order) {
        const toml::node& node = *value;
        const Position where = position_of(node);
        const auto* code = node.as_string();
        if (code == nullptr || code->get().empty()) {
          out_.add(where, "input " + in_quotes(input) + " of " + reader.context() +
                              " must be a test code (a non-empty string), not " +
                              (code == nullptr ? config::type_name(node) : "an empty string"));
          continue;
        }
        if (!seen.insert(core::ascii_lower(input)).second) {
          out_.add(where, reader.context() + " maps input " + in_quotes(input) + " twice");
          continue;
        }
        calculated.inputs.push_back(core::CalculationInput{input, code->get(), where.line});
      }
    }
    if (!name || inputs == nullptr) return;
    calculated.calculation = *name;
    test.calculated = std::move(calculated);
  }

  void check_test_code(TableReader& reader, const std::string& code) {
    if (auto problem = code_problem(code)) {
      out_.add(reader.position_of_key("code"), "test code " + in_quotes(code) + " " + *problem);
    }
    const std::string key = ascii_upper(code);
    if (const auto it = test_codes_.find(key); it != test_codes_.end()) {
      out_.add(reader.position_of_key("code"),
               "duplicate test code " + in_quotes(code) + " " +
                   first_defined(it->second.text, code, it->second.where));
      return;
    }
    test_codes_.emplace(key, TextAt{code, reader.position()});
  }

  void read_kind_specific(TableReader& reader, std::optional<core::ResultKind> kind,
                          core::TestDefinition& test) {
    const auto unit = reader.text("unit", Required::kNo);
    const auto decimals = reader.integer("decimals", Required::kNo);
    const auto answers = reader.texts("answers", Required::kNo);
    const auto abnormal = reader.texts("abnormal_answers", Required::kNo);
    if (!kind) return;  // already reported; the rest depends on it

    const bool numeric = *kind == core::ResultKind::kNumeric;
    const bool coded = *kind == core::ResultKind::kCoded;
    const std::string kind_text(core::to_code(*kind));
    if (numeric) {
      if (unit) {
        if (auto valid = validate_ucum(*unit); !valid) {
          out_.add(reader.position_of_key("unit"),
                   reader.context() + ": " + valid.error().message());
        }
        test.unit = *unit;
      } else if (!reader.has("unit")) {
        reader.missing("unit", "numeric tests report a UCUM unit; \"1\" for a pure number");
      }
      if (decimals) {
        if (*decimals < 0 || *decimals > 6) {
          reader.problem("decimals", "must be between 0 and 6, not " + std::to_string(*decimals));
        } else {
          test.decimals = static_cast<int>(*decimals);
        }
      } else if (!reader.has("decimals")) {
        reader.missing("decimals", "numeric tests state how many decimals are reported");
      }
    } else {
      for (std::string_view key : {"unit", "decimals", "critical"}) {
        if (reader.has(key))
          reader.problem(key, "is only for numeric tests; this test is " + kind_text);
      }
    }

    if (coded) {
      if (answers) {
        if (answers->empty()) reader.problem("answers", "must list at least one answer");
        std::set<std::string> seen;
        for (const TextAt& answer : *answers) {
          if (!seen.insert(ascii_upper(answer.text)).second) {
            out_.add(answer.where,
                     reader.context() + " lists the answer " + in_quotes(answer.text) + " twice");
            continue;
          }
          test.answers.push_back(answer.text);
        }
      } else if (!reader.has("answers")) {
        reader.missing("answers", "coded tests list their allowed answers");
      }
      if (abnormal) {
        for (const TextAt& answer : *abnormal) {
          if (const auto spelled = find_answer(test, answer.text)) {
            test.abnormal_answers.push_back(*spelled);
          } else if (answers) {
            out_.add(answer.where, reader.context() + ": abnormal answer " +
                                       in_quotes(answer.text) + " is not one of its answers (" +
                                       join(test.answers) + ")");
          }
        }
      }
    } else {
      for (std::string_view key : {"answers", "abnormal_answers"}) {
        if (reader.has(key))
          reader.problem(key, "is only for coded tests; this test is " + kind_text);
      }
    }
  }

  // The answer as the test spells it, matching case-insensitively.
  static std::optional<std::string> find_answer(const core::TestDefinition& test,
                                                std::string_view answer) {
    for (const std::string& candidate : test.answers) {
      if (equals_ignoring_case(candidate, answer)) return candidate;
    }
    return std::nullopt;
  }

  std::vector<IntervalRead> read_intervals(TableReader& test_reader,
                                           std::optional<core::ResultKind> kind,
                                           core::TestDefinition& test) {
    std::vector<IntervalRead> reads;
    const toml::array* list = test_reader.tables("reference", Required::kNo);
    if (list == nullptr) return reads;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const toml::table& table = *list->get(i)->as_table();
      TableReader reader(
          table, "reference interval " + std::to_string(i + 1) + " of " + test_reader.context(),
          {"sex", "age_min", "age_max", "specimen_type", "method", "low", "high", "text"}, out_);
      IntervalRead read;
      read.where = reader.position();
      read.number = static_cast<int>(i + 1);
      read_interval(reader, kind, test, read);
      reader.report_unknown_keys();
      reads.push_back(std::move(read));
    }
    check_overlaps(test_reader, reads);
    for (const IntervalRead& read : reads) test.reference_intervals.push_back(read.interval);
    return reads;
  }

  void read_interval(TableReader& reader, std::optional<core::ResultKind> kind,
                     const core::TestDefinition& test, IntervalRead& read) {
    core::ReferenceInterval& interval = read.interval;
    if (const auto sex = reader.text("sex", Required::kNo)) {
      if (*sex == "F" || *sex == "f") {
        interval.sex = core::AdministrativeSex::kFemale;
      } else if (*sex == "M" || *sex == "m") {
        interval.sex = core::AdministrativeSex::kMale;
      } else {
        reader.problem("sex",
                       "must be \"F\" or \"M\" (leave it out for both), not " + in_quotes(*sex));
        read.band_valid = false;  // whom it applies to is unknown
      }
    } else if (reader.has("sex")) {
      read.band_valid = false;
    }
    if (const auto age_min = reader.text("age_min", Required::kNo)) {
      read.age_min_text = *age_min;
      if (auto days = parse_age_days(*age_min)) {
        interval.age_min_days = *days;
      } else {
        out_.add(reader.position_of_key("age_min"),
                 reader.context() + ": " + days.error().message());
        read.band_valid = false;
      }
    } else if (reader.has("age_min")) {
      read.band_valid = false;
    }
    if (const auto age_max = reader.text("age_max", Required::kNo)) {
      read.age_max_text = *age_max;
      if (auto days = parse_age_days(*age_max)) {
        interval.age_max_days = *days;
      } else {
        out_.add(reader.position_of_key("age_max"),
                 reader.context() + ": " + days.error().message());
        read.band_valid = false;
      }
    } else if (reader.has("age_max")) {
      read.band_valid = false;
    }
    if (read.band_valid && interval.age_max_days &&
        interval.age_min_days >= *interval.age_max_days) {
      out_.add(reader.position_of_key("age_max"),
               reader.context() + ": age_min " + read.age_min_text + " (" +
                   std::to_string(interval.age_min_days) + " days) is not below age_max " +
                   read.age_max_text + " (" + std::to_string(*interval.age_max_days) + " days)");
      read.band_valid = false;
    }
    read_qualifiers(reader, read);

    interval.low = reader.number("low", Required::kNo);
    interval.high = reader.number("high", Required::kNo);
    if (const auto text = reader.text("text", Required::kNo)) interval.text = *text;
    if (interval.low && interval.high && *interval.low > *interval.high) {
      out_.add(reader.position_of_key("low"), reader.context() + ": low " +
                                                  number_text(*interval.low) + " is above high " +
                                                  number_text(*interval.high));
    }
    if (!kind) return;
    if (*kind == core::ResultKind::kNumeric) {
      if (reader.has("text")) {
        reader.problem("text", "is only for coded and text tests; give low and/or high");
      }
      if (!reader.has("low") && !reader.has("high")) {
        out_.add(reader.position(), reader.context() + " gives neither low nor high");
      }
      return;
    }
    for (std::string_view key : {"low", "high"}) {
      if (reader.has(key)) {
        reader.problem(key, "is only for numeric tests; give the expected answer in 'text'");
      }
    }
    if (!reader.has("text")) {
      reader.missing("text", "the expected answer, e.g. \"negative\"");
      return;
    }
    // Without valid answers the test has been reported already; matching against none would
    // only repeat it.
    if (*kind == core::ResultKind::kCoded && !interval.text.empty() && !test.answers.empty()) {
      const auto spelled = find_answer(test, interval.text);
      if (!spelled) {
        reader.problem("text", "is " + in_quotes(interval.text) +
                                   ", which is not one of the answers (" + join(test.answers) +
                                   ")");
        return;
      }
      interval.text = *spelled;
      if (std::find(test.abnormal_answers.begin(), test.abnormal_answers.end(), *spelled) !=
          test.abnormal_answers.end()) {
        reader.problem("text", "is " + in_quotes(*spelled) + ", which is also an abnormal answer");
      }
    }
  }

  // The optional specimen type (a defined code, stored as the list spells it) and method (the
  // lab's instrument or method code, matched ignoring letter case) of one interval.
  void read_qualifiers(TableReader& reader, IntervalRead& read) {
    core::ReferenceInterval& interval = read.interval;
    if (reader.has("specimen_type")) {
      const auto type =
          resolve(reader, "specimen_type", "specimen type", specimen_types_, Required::kNo);
      if (type) {
        interval.specimen_type = *type;
      } else {
        read.qualifiers_valid = false;  // for which specimen it applies is unknown
      }
    }
    if (reader.has("method")) {
      const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
      const auto method = reader.text("method", Required::kNo);  // reports an empty method
      if (!method) {
        read.qualifiers_valid = false;
      } else if (blank(method->front()) || blank(method->back())) {
        // " cobas" would never equal the "cobas" an instrument reports: the interval would
        // silently never apply.
        reader.problem("method", "must not begin or end with blanks: " + in_quotes(*method));
        read.qualifiers_valid = false;
      } else {
        interval.method = *method;
      }
    }
  }

  // Two intervals overlap when they can apply to the same result with nothing to choose between
  // them: they name the same specimen type and the same method (or both none; methods ignore
  // letter case), their sexes are compatible (equal, or one of them for both) and their age bands
  // [min, max) intersect. Intervals that differ in specimen type or method are not compared: they
  // either never apply to the same result, or rules::select_reference_interval takes the one
  // naming the method, then the one naming the specimen type. A sex-specific interval and one
  // for both sexes with the same qualifiers are refused too, although the selection would prefer
  // the former: the menu must say plainly which interval each patient gets.
  void check_overlaps(TableReader& test_reader, const std::vector<IntervalRead>& reads) {
    for (std::size_t j = 0; j < reads.size(); ++j) {
      for (std::size_t i = 0; i < j; ++i) {
        const IntervalRead& a = reads[i];
        const IntervalRead& b = reads[j];
        if (!a.band_valid || !b.band_valid) continue;
        if (!a.qualifiers_valid || !b.qualifiers_valid) continue;
        if (!equals_ignoring_case(a.interval.specimen_type, b.interval.specimen_type)) continue;
        if (!equals_ignoring_case(a.interval.method, b.interval.method)) continue;
        const auto& sa = a.interval.sex;
        const auto& sb = b.interval.sex;
        if (sa && sb && *sa != *sb) continue;
        const std::int64_t a_max =
            a.interval.age_max_days.value_or(std::numeric_limits<int>::max());
        const std::int64_t b_max =
            b.interval.age_max_days.value_or(std::numeric_limits<int>::max());
        if (!(a.interval.age_min_days < b_max && b.interval.age_min_days < a_max)) continue;
        const auto sex = sa ? sa : sb;
        std::string for_whom =
            sex ? "for sex " + std::string(core::to_code(*sex)) : std::string("for both sexes");
        if (!a.interval.specimen_type.empty()) {
          for_whom += " on specimen type " + in_quotes(a.interval.specimen_type);
        }
        if (!a.interval.method.empty()) for_whom += " by method " + in_quotes(a.interval.method);
        out_.add(b.where, "reference interval " + std::to_string(b.number) + " of " +
                              test_reader.context() + " (" + describe_band(b) +
                              ") overlaps reference interval " + std::to_string(a.number) +
                              " (line " + std::to_string(a.where.line) + ", " + describe_band(a) +
                              ") " + for_whom);
        break;  // one report per interval is enough
      }
    }
  }

  // Critical limits are inclusive (core/test_definition.h) and so must lie strictly outside
  // every reference interval: a value both "normal" and "critical" is a data error.
  void read_critical(TableReader& test_reader, std::optional<core::ResultKind> kind,
                     core::TestDefinition& test, const std::vector<IntervalRead>& intervals) {
    if (kind != core::ResultKind::kNumeric) return;  // reported by read_kind_specific
    const toml::table* table = test_reader.table("critical", Required::kNo);
    if (table == nullptr) return;
    TableReader reader(*table, "the critical limits of " + test_reader.context(), {"low", "high"},
                       out_);
    const auto low = reader.number("low", Required::kNo);
    const auto high = reader.number("high", Required::kNo);
    reader.report_unknown_keys();
    if (!reader.has("low") && !reader.has("high")) {
      out_.add(reader.position(), reader.context() + " give neither low nor high");
      return;
    }
    if (low && high && *low > *high) {
      out_.add(reader.position_of_key("low"), reader.context() + ": low " + number_text(*low) +
                                                  " is above high " + number_text(*high));
      return;
    }
    const std::string& of_test = test_reader.context();
    for (const IntervalRead& read : intervals) {
      const core::ReferenceInterval& interval = read.interval;
      if (!interval.low && !interval.high) continue;  // coded, or already reported
      const std::string which = "reference interval " + std::to_string(read.number) + " (line " +
                                std::to_string(read.where.line) + ")";
      if (low) {
        if (!interval.low) {
          out_.add(reader.position_of_key("low"), "critical low " + number_text(*low) + " of " +
                                                      of_test + " lies inside " + which +
                                                      ", which has no low limit");
        } else if (*low >= *interval.low) {
          out_.add(reader.position_of_key("low"), "critical low " + number_text(*low) + " of " +
                                                      of_test + " is not below the low " +
                                                      number_text(*interval.low) + " of " + which);
        }
      }
      if (high) {
        if (!interval.high) {
          out_.add(reader.position_of_key("high"), "critical high " + number_text(*high) + " of " +
                                                       of_test + " lies inside " + which +
                                                       ", which has no high limit");
        } else if (*high <= *interval.high) {
          out_.add(reader.position_of_key("high"),
                   "critical high " + number_text(*high) + " of " + of_test +
                       " is not above the high " + number_text(*interval.high) + " of " + which);
        }
      }
    }
    test.critical.low = low;
    test.critical.high = high;
  }

  void read_panel(const toml::table& table, std::size_t index) {
    TableReader reader(table, "panel " + std::to_string(index + 1), {"code", "name", "members"},
                       out_);
    PanelRead panel;
    panel.where = reader.position();
    panel.definition.source_line = panel.where.line;
    const auto code = reader.text("code", Required::kYes);
    if (code) {
      panel.definition.code = *code;
      reader.set_context("panel " + in_quotes(*code));
    }
    panel.definition.name = reader.text("name", Required::kYes).value_or("");
    if (auto members = reader.texts("members", Required::kYes)) {
      if (members->empty()) reader.problem("members", "must list at least one test or panel");
      panel.members = std::move(*members);
    }
    reader.report_unknown_keys();
    if (!code) return;
    if (auto problem = code_problem(*code)) {
      out_.add(reader.position_of_key("code"), "panel code " + in_quotes(*code) + " " + *problem);
    }
    const std::string key = ascii_upper(*code);
    if (const auto it = test_codes_.find(key); it != test_codes_.end()) {
      out_.add(reader.position_of_key("code"), "panel code " + in_quotes(*code) +
                                                   " is already the code of test " +
                                                   in_quotes(it->second.text) + " (line " +
                                                   std::to_string(it->second.where.line) + ")");
      return;
    }
    if (const auto it = panel_index_.find(key); it != panel_index_.end()) {
      const PanelRead& first = panels_[it->second];
      out_.add(reader.position_of_key("code"),
               "duplicate panel code " + in_quotes(*code) + " " +
                   first_defined(first.definition.code, *code, first.where));
      return;
    }
    panel_index_.emplace(key, panels_.size());
    panels_.push_back(std::move(panel));
  }

  void check_panel_members() {
    for (PanelRead& panel : panels_) {
      const std::string context = "panel " + in_quotes(panel.definition.code);
      std::set<std::string> seen;
      for (const TextAt& member : panel.members) {
        const std::string key = ascii_upper(member.text);
        if (!seen.insert(key).second) {
          out_.add(member.where, context + " lists " + in_quotes(member.text) + " twice");
          continue;
        }
        if (const auto it = test_codes_.find(key); it != test_codes_.end()) {
          panel.definition.members.push_back(it->second.text);
        } else if (const auto p = panel_index_.find(key); p != panel_index_.end()) {
          panel.definition.members.push_back(panels_[p->second].definition.code);
        } else {
          out_.add(member.where,
                   context + " lists unknown test or panel " + in_quotes(member.text));
        }
      }
    }
  }

  // Depth-first search over panel-in-panel edges; each cycle is reported once, at the panel of
  // the cycle that comes first in the file.
  void check_panel_cycles() {
    const std::size_t count = panels_.size();
    std::vector<std::vector<std::size_t>> edges(count);
    for (std::size_t i = 0; i < count; ++i) {
      for (const std::string& member : panels_[i].definition.members) {
        if (const auto it = panel_index_.find(ascii_upper(member)); it != panel_index_.end()) {
          edges[i].push_back(it->second);
        }
      }
    }
    enum class State { kNew, kOnPath, kDone };
    std::vector<State> state(count, State::kNew);
    std::vector<std::size_t> path;
    std::set<std::vector<std::size_t>> reported;
    const auto visit = [&](const auto& self, std::size_t node) -> void {
      state[node] = State::kOnPath;
      path.push_back(node);
      for (std::size_t next : edges[node]) {
        if (state[next] == State::kOnPath) {
          std::vector<std::size_t> cycle(std::find(path.begin(), path.end(), next), path.end());
          std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
          if (!reported.insert(cycle).second) continue;
          std::string route;
          for (std::size_t member : cycle) route += panels_[member].definition.code + " -> ";
          route += panels_[cycle.front()].definition.code;
          const PanelRead& first = panels_[cycle.front()];
          out_.add(first.where,
                   "panel " + in_quotes(first.definition.code) + " contains itself: " + route);
        } else if (state[next] == State::kNew) {
          self(self, next);
        }
      }
      path.pop_back();
      state[node] = State::kDone;
    };
    for (std::size_t i = 0; i < count; ++i) {
      if (state[i] == State::kNew) visit(visit, i);
    }
  }

  const toml::table& root_;
  Diagnostics& out_;
  std::string name_;
  std::string version_;
  std::vector<Defined<Section>> sections_;
  std::vector<Defined<SpecimenType>> specimen_types_;
  std::vector<Defined<Container>> containers_;
  std::vector<core::TestDefinition> tests_;
  std::map<std::string, TextAt> test_codes_;  // upper-case code -> code as written, position
  std::vector<PanelRead> panels_;
  std::map<std::string, std::size_t> panel_index_;  // upper-case code -> panels_
};

}  // namespace

Catalog CatalogBuilder::build(std::string name, std::string version, std::vector<Section> sections,
                              std::vector<SpecimenType> specimen_types,
                              std::vector<Container> containers,
                              std::vector<core::TestDefinition> tests,
                              std::vector<core::PanelDefinition> panels) {
  Catalog catalog;
  catalog.name_ = std::move(name);
  catalog.version_ = std::move(version);
  catalog.sections_ = std::move(sections);
  catalog.specimen_types_ = std::move(specimen_types);
  catalog.containers_ = std::move(containers);
  catalog.tests_ = std::move(tests);
  catalog.panels_ = std::move(panels);
  for (std::size_t i = 0; i < catalog.tests_.size(); ++i) {
    catalog.test_index_.emplace(ascii_upper(catalog.tests_[i].code), i);
  }
  for (std::size_t i = 0; i < catalog.panels_.size(); ++i) {
    catalog.panel_index_.emplace(ascii_upper(catalog.panels_[i].code), i);
  }
  return catalog;
}

namespace {

// The catalog keeps its own Diagnostic type; the shared reader collects Errors.
std::vector<Diagnostic> to_diagnostics(std::vector<Error> errors) {
  std::vector<Diagnostic> out;
  out.reserve(errors.size());
  for (Error& error : errors) {
    const SourcePosition& where = *error.position();
    out.push_back(Diagnostic{where.file, where.line, where.column, error.message()});
  }
  return out;
}

}  // namespace

LoadOutcome load_catalog(std::string_view toml_text, std::string_view file_name) {
  Diagnostics out{std::string(file_name)};
  std::optional<toml::table> root = config::parse(toml_text, out);
  if (!root) return LoadOutcome{std::nullopt, to_diagnostics(out.take())};
  std::optional<Catalog> catalog = Loader(*root, out).run();
  return LoadOutcome{std::move(catalog), to_diagnostics(out.take())};
}

LoadOutcome load_catalog_file(const std::string& path) {
  Result<std::string> text = config::read_file(path);
  if (!text) {
    return LoadOutcome{
        std::nullopt,
        {Diagnostic{path, 0, 0, "cannot read the catalog file: " + text.error().message()}}};
  }
  return load_catalog(*text, path);
}

}  // namespace aliquot::catalog
