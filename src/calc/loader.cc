// The calculations loader: TOML text in, a valid CalculationSet or every problem found out.
// The schema is in calc/calculation_set.h.

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <utility>

#include "calc/calculation_set.h"
#include "calc/compiler.h"
#include "config/toml_reader.h"
#include "core/text.h"

namespace aliquot::calc {

// Fills the private members of a CalculationSet; only the loader creates sets.
class CalculationSetBuilder {
 public:
  static CalculationSet build(std::string name, std::string version,
                              std::vector<Calculation> calculations,
                              std::vector<std::shared_ptr<const BandTable>> tables) {
    CalculationSet set;
    set.name_ = std::move(name);
    set.version_ = std::move(version);
    set.calculations_ = std::move(calculations);
    set.tables_ = std::move(tables);
    return set;
  }
};

namespace {

using config::Diagnostics;
using config::in_quotes;
using config::Position;
using config::position_of;
using config::Required;
using config::TableReader;
using config::type_name;
using core::ascii_lower;

constexpr int kMaxDecimals = 6;
constexpr std::size_t kMaxNameLength = 40;

// Calculation and input names: "egfr-ckd-epi-2021", "total-protein".
bool is_dashed_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength || !(name[0] >= 'a' && name[0] <= 'z')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// Step and table names, used in expressions: "nonhdl", "martin_hopkins_factor".
bool is_identifier(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength ||
      !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

class Loader {
 public:
  Loader(const toml::table& root, std::string_view text, Diagnostics& out)
      : root_(root), out_(out) {
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines_.push_back(line);
      start = end + 1;
    }
  }

  std::optional<CalculationSet> run() {
    TableReader top(root_, "the calculations file", {"calculations", "table", "calculation"}, out_);
    top.report_unknown_keys();
    read_header(top);
    if (const toml::array* tables = top.tables("table", Required::kNo)) {
      for (std::size_t i = 0; i < tables->size(); ++i) read_table(*tables->get(i)->as_table(), i);
    }
    const toml::array* calculations = top.tables("calculation", Required::kNo);
    if (calculations != nullptr) {
      for (std::size_t i = 0; i < calculations->size(); ++i) {
        read_calculation(*calculations->get(i)->as_table(), i);
      }
    }
    if (top.node("calculation") == nullptr || (calculations != nullptr && calculations->empty())) {
      out_.add({}, "the file defines no calculations ([[calculation]])");
    }
    if (!out_.empty()) return std::nullopt;
    return CalculationSetBuilder::build(std::move(name_), std::move(version_),
                                        std::move(calculations_), std::move(tables_));
  }

 private:
  void read_header(TableReader& top) {
    const toml::node* node = top.node("calculations");
    if (node == nullptr) {
      out_.add({}, "the file has no [calculations] table with its name and version");
      return;
    }
    if (node->as_table() == nullptr) {
      top.problem("calculations", "must be a table, not " + type_name(*node));
      return;
    }
    TableReader header(*node->as_table(), "[calculations]", {"name", "version", "description"},
                       out_);
    header.report_unknown_keys();
    name_ = header.text("name", Required::kYes).value_or("");
    version_ = header.text("version", Required::kYes).value_or("");
    (void)header.text("description", Required::kNo);
  }

  // --- tables -----------------------------------------------------------------------------------

  std::optional<Band> band_at(const std::string& text, Position where, const std::string& what) {
    Result<Band> band = parse_band(text);
    if (!band) {
      out_.add(where, what + ": " + band.error().message());
      return std::nullopt;
    }
    return *band;
  }

  // Reports every ordering problem between neighbouring bands that both read, at the later
  // band; true when all bands read and follow each other exactly.
  bool check_bands(const std::vector<std::optional<Band>>& bands,
                   const std::vector<Position>& where, const std::string& what) {
    bool sound = std::all_of(bands.begin(), bands.end(),
                             [](const std::optional<Band>& band) { return band.has_value(); });
    for (std::size_t i = 1; i < bands.size(); ++i) {
      if (!bands[i - 1] || !bands[i]) continue;
      if (std::optional<std::string> problem = check_adjacent(*bands[i - 1], *bands[i], i + 1)) {
        out_.add(where[i], what + ": " + *problem);
        sound = false;
      }
    }
    return sound;
  }

  void read_table(const toml::table& table, std::size_t index) {
    TableReader reader(table, "table " + std::to_string(index + 1),
                       {"name", "title", "source", "row_axis", "column_axis", "columns", "rows"},
                       out_);
    const std::optional<std::string> name = reader.text("name", Required::kYes);
    bool name_good = name.has_value();
    if (name) {
      reader.set_context("table " + in_quotes(*name));
      if (!is_identifier(*name) || is_reserved_word(*name)) {
        reader.problem("name",
                       "must be a name an expression can use: lower-case letters, digits "
                       "and '_', not a function name or and/or/not");
        name_good = false;
      } else if (!table_names_.insert(*name).second) {
        reader.problem("name", "repeats the name of an earlier table");
        name_good = false;
      }
    }
    bool good = name_good;
    reader.report_unknown_keys();
    good &= reader.text("title", Required::kYes).has_value();
    good &= reader.text("source", Required::kYes).has_value();
    good &= reader.text("row_axis", Required::kYes).has_value();
    good &= reader.text("column_axis", Required::kYes).has_value();

    // Each axis is checked on its own once all its bands read, whatever else is wrong.
    std::vector<std::optional<Band>> columns;
    std::vector<Position> column_positions;
    bool columns_good = true;
    if (auto texts = reader.texts("columns", Required::kYes)) {
      if (texts->empty()) {
        reader.problem("columns", "must list at least one band");
        columns_good = false;
      }
      for (std::size_t i = 0; i < texts->size(); ++i) {
        const auto& [text, where] = (*texts)[i];
        columns.push_back(
            band_at(text, where, "column " + std::to_string(i + 1) + " of " + reader.context()));
        column_positions.push_back(where);
      }
      columns_good &= check_bands(columns, column_positions, "columns of " + reader.context());
    } else {
      columns_good = false;
    }
    good &= columns_good;

    std::vector<std::optional<Band>> rows;
    std::vector<Position> row_positions;
    std::vector<double> cells;
    bool rows_good = true;
    if (const toml::array* row_tables = reader.tables("rows", Required::kYes)) {
      if (row_tables->empty()) {
        reader.problem("rows", "must list at least one row");
        good = false;
      }
      for (std::size_t i = 0; i < row_tables->size(); ++i) {
        const toml::table& row = *row_tables->get(i)->as_table();
        TableReader row_reader(row, "row " + std::to_string(i + 1) + " of " + reader.context(),
                               {"band", "values"}, out_);
        row_reader.report_unknown_keys();
        const std::optional<std::string> text = row_reader.text("band", Required::kYes);
        std::optional<Band> band;
        if (text) band = band_at(*text, row_reader.position_of_key("band"), row_reader.context());
        rows.push_back(band);
        row_positions.push_back(row_reader.position_of_key("band"));
        const toml::node* values = row_reader.node("values");
        if (values == nullptr) {
          (void)row_reader.text("values", Required::kYes);  // reports it missing
          good = false;
          continue;
        }
        const toml::array* array = values->as_array();
        if (array == nullptr) {
          row_reader.problem("values", "must be an array of numbers, not " + type_name(*values));
          good = false;
          continue;
        }
        if (columns_good && array->size() != columns.size()) {
          row_reader.problem("values", "has " + std::to_string(array->size()) + " values for " +
                                           std::to_string(columns.size()) + " columns");
          good = false;
        }
        for (std::size_t j = 0; j < array->size(); ++j) {
          const toml::node& element = *array->get(j);
          std::optional<double> value;
          if (const auto* integer = element.as_integer()) {
            value = static_cast<double>(integer->get());
          } else if (const auto* floating = element.as_floating_point()) {
            if (std::isfinite(floating->get())) value = floating->get();
          }
          if (!value) {
            out_.add(position_of(element),
                     "value " + std::to_string(j + 1) + " of " + row_reader.context() +
                         " must be a finite number, not " + type_name(element));
            good = false;
            continue;
          }
          cells.push_back(*value);
        }
      }
      rows_good &= check_bands(rows, row_positions, "rows of " + reader.context());
    } else {
      rows_good = false;
    }
    good &= rows_good;
    if (!good) {
      // The table still defines its name, so that expressions that use it are checked rather
      // than reported as using an unknown table. Its problems keep the file from loading.
      if (name_good) {
        Band everything{-std::numeric_limits<double>::infinity(),
                        std::numeric_limits<double>::infinity(), Edge::kExcluded, Edge::kExcluded};
        Result<BandTable> placeholder = BandTable::make(*name, {everything}, {everything}, {1});
        if (placeholder) {
          tables_.push_back(std::make_shared<const BandTable>(std::move(*placeholder)));
        }
      }
      return;
    }
    std::vector<Band> row_bands;
    for (const std::optional<Band>& band : rows) row_bands.push_back(*band);
    std::vector<Band> column_bands;
    for (const std::optional<Band>& band : columns) column_bands.push_back(*band);
    Result<BandTable> made =
        BandTable::make(*name, std::move(row_bands), std::move(column_bands), std::move(cells));
    if (!made) {
      out_.add(reader.position(), made.error().message());
      return;
    }
    tables_.push_back(std::make_shared<const BandTable>(std::move(*made)));
  }

  // --- calculations -----------------------------------------------------------------------------

  // The file position of character `column` (1-based) of the string value `node`. Exact for
  // literal strings ('...', '''...''') and for basic strings without escapes; otherwise the
  // start of the string.
  Position position_in_string(const toml::node& node, int column) const {
    const Position start = position_of(node);
    if (start.line < 1 || static_cast<std::size_t>(start.line) > lines_.size()) return start;
    std::size_t line = static_cast<std::size_t>(start.line) - 1;
    std::string_view text = lines_[line];
    // Find the byte where the value starts: columns count characters.
    std::size_t at = 0;
    for (int c = 1; c < start.column && at < text.size(); ++c) {
      at += utf8_length(static_cast<unsigned char>(text[at]));
    }
    const std::string_view rest = text.substr(std::min(at, text.size()));
    if (rest.empty() || (rest[0] != '"' && rest[0] != '\'')) return start;
    const bool basic = rest[0] == '"';
    const bool multi_line = rest.substr(0, 3) == "\"\"\"" || rest.substr(0, 3) == "'''";
    at += multi_line ? 3 : 1;
    Position where{start.line, start.column + (multi_line ? 3 : 1)};
    // A line break right after the opening delimiter of a multi-line string is not part of it.
    if (multi_line && at >= text.size() && line + 1 < lines_.size()) {
      ++line;
      text = lines_[line];
      at = 0;
      where = {where.line + 1, 1};
    }
    for (int c = 1; c < column; ++c) {
      if (at >= text.size()) {
        if (line + 1 >= lines_.size()) return start;
        ++line;
        text = lines_[line];
        at = 0;
        where = {where.line + 1, 1};
        continue;
      }
      if (basic && text[at] == '\\') return start;
      at += utf8_length(static_cast<unsigned char>(text[at]));
      ++where.column;
    }
    return where;
  }

  // Compiles the string at `key` of `reader`; reports an error at its place in the file.
  std::optional<Program> expression(TableReader& reader, std::string_view key, const Scope& scope,
                                    ValueKind kind, const std::string& what) {
    const std::optional<std::string> text = reader.text(key, Required::kYes);
    if (!text) return std::nullopt;
    Result<Program> program = compile(*text, scope, kind);
    if (!program) {
      const toml::node& node = *reader.node(key);
      const int column = program.error().position() ? program.error().position()->column : 1;
      out_.add(position_in_string(node, column), what + ": " + program.error().message());
      return std::nullopt;
    }
    return std::move(*program);
  }

  std::optional<InputDefinition> read_input(const toml::table& table, std::size_t index,
                                            const std::string& calculation,
                                            std::set<std::string>& names) {
    TableReader reader(table, "input " + std::to_string(index + 1) + " of " + calculation,
                       {"name", "title", "unit", "choices", "required", "default", "above",
                        "at_least", "below", "at_most"},
                       out_);
    InputDefinition input;
    bool good = true;
    if (std::optional<std::string> name = reader.text("name", Required::kYes)) {
      input.name = *name;
      reader.set_context("input " + in_quotes(*name) + " of " + calculation);
      if (!is_dashed_name(*name)) {
        reader.problem("name",
                       "must be lower-case letters, digits and '-', starting with a letter "
                       "(in expressions '-' is written '_')");
        good = false;
      } else if (is_reserved_word(input.expression_name())) {
        reader.problem("name", "is a word of the expression language");
        good = false;
      } else if (table_names_.count(input.expression_name()) != 0) {
        reader.problem("name", "is the name of a table");
        good = false;
      } else if (!names.insert(input.expression_name()).second) {
        reader.problem("name", "repeats the name of an earlier input");
        good = false;
      }
    } else {
      good = false;
    }
    reader.report_unknown_keys();
    good &= assign(input.title, reader.text("title", Required::kYes));
    const std::optional<bool> required = reader.boolean("required", Required::kNo);
    input.requirement = required.value_or(true) ? Requirement::kRequired : Requirement::kOptional;
    const std::optional<double> default_value = reader.number("default", Required::kNo);

    if (reader.node("choices") != nullptr) {
      input.kind = InputKind::kChoice;
      for (std::string_view key : {"unit", "default", "above", "at_least", "below", "at_most"}) {
        if (reader.node(key) != nullptr) {
          reader.problem(key, "does not apply to an input with choices");
          good = false;
        }
      }
      if (input.requirement == Requirement::kOptional) {
        reader.problem("required", "must be true for an input with choices");
        good = false;
      }
      if (auto choices = reader.texts("choices", Required::kYes)) {
        for (const auto& [choice, where] : *choices) {
          if (std::find(input.choices.begin(), input.choices.end(), choice) !=
              input.choices.end()) {
            out_.add(where, "choice \"" + choice + "\" of " + reader.context() + " is repeated");
            good = false;
          }
          input.choices.push_back(choice);
        }
        if (choices->size() < 2) {
          reader.problem("choices", "must list at least two choices");
          good = false;
        }
      } else {
        good = false;
      }
      return good ? std::optional<InputDefinition>(std::move(input)) : std::nullopt;
    }

    good &= assign(input.unit, reader.text("unit", Required::kYes));
    input.above = reader.number("above", Required::kNo);
    input.at_least = reader.number("at_least", Required::kNo);
    input.below = reader.number("below", Required::kNo);
    input.at_most = reader.number("at_most", Required::kNo);
    if (input.above && input.at_least) {
      reader.problem("at_least", "cannot be given with 'above': keep one lower limit");
      good = false;
    }
    if (input.below && input.at_most) {
      reader.problem("at_most", "cannot be given with 'below': keep one upper limit");
      good = false;
    }
    const std::optional<double> lower = input.above ? input.above : input.at_least;
    const std::optional<double> upper = input.below ? input.below : input.at_most;
    if (lower && upper && !(*lower < *upper)) {
      reader.problem(input.below ? "below" : "at_most",
                     "must be greater than the lower limit; no value could be used");
      good = false;
    }
    if (input.requirement == Requirement::kOptional) {
      if (!default_value) {
        reader.problem("required",
                       "is false, so the input needs a 'default' to use when it is "
                       "absent");
        good = false;
      } else {
        input.default_value = *default_value;
        if (good && !input.within_limits(*default_value)) {
          reader.problem("default", "is outside the input's limits (" + input.limits_text() + ")");
          good = false;
        }
      }
    } else if (default_value) {
      reader.problem("default", "applies only to an input with required = false");
      good = false;
    }
    return good ? std::optional<InputDefinition>(std::move(input)) : std::nullopt;
  }

  static bool assign(std::string& target, std::optional<std::string> value) {
    if (!value) return false;
    target = std::move(*value);
    return true;
  }

  void read_calculation(const toml::table& table, std::size_t index) {
    TableReader reader(
        table, "calculation " + std::to_string(index + 1),
        {"name", "title", "source", "unit", "decimals", "input", "step", "rule", "expression"},
        out_);
    bool good = true;
    std::string name;
    if (std::optional<std::string> read = reader.text("name", Required::kYes)) {
      name = *read;
      reader.set_context("calculation " + in_quotes(name));
      if (!is_dashed_name(name)) {
        reader.problem("name",
                       "must be lower-case letters, digits and '-', starting with a letter");
        good = false;
      } else if (is_reserved_calculation_name(name)) {
        reader.problem("name", "is a word the command line keeps for itself (list, check)");
        good = false;
      } else if (!calculation_names_.insert(ascii_lower(name)).second) {
        reader.problem("name", "repeats the name of an earlier calculation");
        good = false;
      }
    } else {
      good = false;
    }
    reader.report_unknown_keys();
    const std::string context = reader.context();
    std::string title;
    std::string source;
    std::string unit;
    good &= assign(title, reader.text("title", Required::kYes));
    good &= assign(source, reader.text("source", Required::kYes));
    good &= assign(unit, reader.text("unit", Required::kYes));
    int decimals = 0;
    if (std::optional<std::int64_t> read = reader.integer("decimals", Required::kYes)) {
      if (*read < 0 || *read > kMaxDecimals) {
        reader.problem("decimals", "must be from 0 to " + std::to_string(kMaxDecimals) + ", not " +
                                       std::to_string(*read));
        good = false;
      }
      decimals = static_cast<int>(*read);
    } else {
      good = false;
    }

    // Inputs take slots 0..n-1, steps n...
    std::vector<InputDefinition> inputs;
    std::vector<Position> input_positions;
    std::set<std::string> names;
    bool inputs_good = true;
    if (const toml::array* tables = reader.tables("input", Required::kYes)) {
      if (tables->empty()) {
        reader.problem("input", "must list at least one input");
        inputs_good = false;
      }
      if (tables->size() > InputValues::kCapacity) {
        reader.problem("input", "lists " + std::to_string(tables->size()) + " inputs; at most " +
                                    std::to_string(InputValues::kCapacity) + " are supported");
        inputs_good = false;
      }
      for (std::size_t i = 0; i < tables->size(); ++i) {
        const toml::table& input_table = *tables->get(i)->as_table();
        std::optional<InputDefinition> input = read_input(input_table, i, context, names);
        if (!input) {
          inputs_good = false;
          continue;
        }
        inputs.push_back(std::move(*input));
        input_positions.push_back(position_of(input_table));
      }
    } else {
      inputs_good = false;
    }
    if (!inputs_good) {
      // Expressions cannot be checked against inputs that failed to read; they are checked
      // once the inputs are fixed.
      return;
    }
    Scope scope;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const auto slot = static_cast<std::uint32_t>(i);
      if (inputs[i].kind == InputKind::kChoice) {
        scope.add_choice(inputs[i].expression_name(), slot, inputs[i].choices);
      } else {
        scope.add_number(inputs[i].expression_name(), slot);
      }
    }
    for (const auto& table_pointer : tables_) scope.add_table(table_pointer);

    std::vector<bool> used(kMaxSlots, false);
    const auto mark = [&](const Program& program) {
      for (const std::uint32_t slot : program.slots_read()) used[slot] = true;
    };

    std::vector<Step> steps;
    std::vector<std::pair<std::string, Position>> step_names;
    bool steps_good = true;
    if (const toml::array* tables = reader.tables("step", Required::kNo)) {
      if (inputs.size() + tables->size() > kMaxSlots) {
        reader.problem("step", "has too many steps: inputs and steps together are limited to " +
                                   std::to_string(kMaxSlots));
        return;
      }
      // Later steps may use a step that failed: they are not checked after one does.
      for (std::size_t i = 0; i < tables->size() && steps_good; ++i) {
        TableReader step(*tables->get(i)->as_table(),
                         "step " + std::to_string(i + 1) + " of " + context, {"name", "expression"},
                         out_);
        const std::optional<std::string> step_name = step.text("name", Required::kYes);
        if (step_name) step.set_context("step " + in_quotes(*step_name) + " of " + context);
        step.report_unknown_keys();
        if (!step_name) {
          steps_good = false;
          continue;
        }
        if (!is_identifier(*step_name) || is_reserved_word(*step_name)) {
          step.problem("name",
                       "must be a name an expression can use: lower-case letters, digits "
                       "and '_', not a function name or and/or/not");
          steps_good = false;
          continue;
        }
        if (!names.insert(*step_name).second || table_names_.count(*step_name) != 0) {
          step.problem("name", "repeats the name of an input, an earlier step or a table");
          steps_good = false;
          continue;
        }
        std::optional<Program> program = expression(step, "expression", scope, ValueKind::kNumber,
                                                    "expression of " + step.context());
        if (!program) {
          steps_good = false;
          continue;
        }
        mark(*program);
        const auto slot = static_cast<std::uint32_t>(inputs.size() + steps.size());
        scope.add_number(*step_name, slot);
        step_names.emplace_back(*step_name, step.position());
        steps.push_back(Step{*step_name, std::move(*program)});
      }
    }
    if (!steps_good) {
      // A step that failed has no slot: later expressions would report its name as unknown.
      return;
    }

    std::vector<ValidityRule> rules;
    if (const toml::array* tables = reader.tables("rule", Required::kNo)) {
      for (std::size_t i = 0; i < tables->size(); ++i) {
        TableReader rule(*tables->get(i)->as_table(),
                         "rule " + std::to_string(i + 1) + " of " + context,
                         {"invalid_when", "reason"}, out_);
        rule.report_unknown_keys();
        std::optional<Program> condition = expression(
            rule, "invalid_when", scope, ValueKind::kCondition, "condition of " + rule.context());
        std::optional<std::string> reason = rule.text("reason", Required::kYes);
        if (!condition || !reason) {
          good = false;
          continue;
        }
        mark(*condition);
        rules.push_back(ValidityRule{std::move(*condition), std::move(*reason)});
      }
    }
    std::optional<Program> result =
        expression(reader, "expression", scope, ValueKind::kNumber, "expression of " + context);
    if (!result) return;
    mark(*result);
    if (!good) return;

    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (!used[i]) {
        out_.add(input_positions[i], "input " + in_quotes(inputs[i].name) + " of " + context +
                                         " is not used by its expression, steps or rules");
        good = false;
      }
    }
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (!used[inputs.size() + i]) {
        out_.add(step_names[i].second, "step " + in_quotes(steps[i].name) + " of " + context +
                                           " is not used by a later step, a rule or the "
                                           "expression");
        good = false;
      }
    }
    if (!good) return;
    calculations_.push_back(CalculationBuilder::build(
        std::move(name), std::move(title), std::move(source), std::move(unit), decimals,
        std::move(inputs), std::move(steps), std::move(rules), std::move(*result)));
  }

  const toml::table& root_;
  Diagnostics& out_;
  std::vector<std::string_view> lines_;
  std::string name_;
  std::string version_;
  std::set<std::string> table_names_;
  std::set<std::string> calculation_names_;
  std::vector<std::shared_ptr<const BandTable>> tables_;
  std::vector<Calculation> calculations_;
};

}  // namespace

bool is_reserved_calculation_name(std::string_view name) {
  const std::string lower = ascii_lower(name);
  return lower == "list" || lower == "check";
}

const Calculation* CalculationSet::find(std::string_view name) const {
  const std::string wanted = ascii_lower(name);
  for (const Calculation& calculation : calculations_) {
    if (calculation.name() == wanted) return &calculation;
  }
  return nullptr;
}

LoadOutcome load_calculations(std::string_view toml_text, std::string_view file_name) {
  Diagnostics out{std::string(file_name)};
  std::optional<toml::table> root = config::parse(toml_text, out);
  if (!root) return LoadOutcome{std::nullopt, out.take()};
  std::optional<CalculationSet> set = Loader(*root, toml_text, out).run();
  return LoadOutcome{std::move(set), out.take()};
}

LoadOutcome load_calculations_file(const std::string& path) {
  Result<std::string> text = config::read_file(path);
  if (!text) {
    LoadOutcome outcome;
    outcome.diagnostics.emplace_back(ErrorCode::kInvalidArgument,
                                     "cannot read the calculations file: " + text.error().message(),
                                     SourcePosition{path, 0, 0});
    return outcome;
  }
  return load_calculations(*text, path);
}

}  // namespace aliquot::calc
