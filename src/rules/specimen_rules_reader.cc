#include "rules/specimen_rules_reader.h"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <map>
#include <string>
#include <vector>

#include "calc/compiler.h"
#include "core/text.h"
#include "rules/duration.h"

namespace aliquot::rules {
namespace {

using config::Diagnostics;
using config::in_quotes;
using config::Position;
using config::Required;
using config::TableReader;
using core::number_text;

std::vector<std::string> numeric_codes(const catalog::Catalog& catalog) {
  std::vector<std::string> codes;
  for (const core::TestDefinition& test : catalog.tests()) {
    if (test.kind == core::ResultKind::kNumeric) codes.push_back(test.code);
  }
  return codes;
}

// The numeric catalog test `code` names, or nullptr after reporting why there is none.
const core::TestDefinition* numeric_test(const catalog::Catalog& catalog, const std::string& code,
                                         Position where, const std::string& context,
                                         Diagnostics& out) {
  const core::TestDefinition* test = catalog.find_test(code);
  if (test == nullptr) {
    const std::string nearest =
        core::nearest_spelling(code, numeric_codes(catalog), core::LetterCase::kIgnored);
    out.add(where, "test " + in_quotes(code) + " of " + context + " is not a test of the catalog" +
                       (nearest.empty() ? "" : " (did you mean " + in_quotes(nearest) + "?)"));
    return nullptr;
  }
  if (test->kind != core::ResultKind::kNumeric) {
    out.add(where, "test " + in_quotes(test->code) + " of " + context + " is " +
                       std::string(core::to_code(test->kind)) + "; only numeric tests can be used");
    return nullptr;
  }
  return test;
}

// A test code as an expression names it: '-' is written '_'.
std::string expression_name(std::string_view code) {
  std::string name(code);
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

bool is_identifier(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return !calc::is_reserved_word(name);
}

}  // namespace

std::optional<DeltaStatistics> read_delta_statistics(const toml::table& table, Diagnostics& out) {
  TableReader reader(table, "[delta_statistics]",
                     {"window", "false_alarm", "specimen_false_alarm", "minimum_analytes"}, out);
  reader.report_unknown_keys();
  DeltaStatistics statistics;
  statistics.source_line = reader.position().line;
  bool good = true;
  if (const std::optional<std::string> window = reader.text("window", Required::kYes)) {
    Result<std::int64_t> seconds = parse_duration_seconds(*window);
    if (seconds) {
      statistics.window_seconds = *seconds;
    } else {
      reader.problem("window", seconds.error().message());
      good = false;
    }
  } else {
    good = false;
  }
  const auto rate = [&](std::string_view key, Required required, double& into) {
    if (!reader.has(key) && required == Required::kNo) return;
    const std::optional<double> value = reader.number(key, required);
    if (!value) {
      good = false;
    } else if (*value <= 0 || *value > kMaxFalseAlarm) {
      reader.problem(key, "must be above 0 and at most " + number_text(kMaxFalseAlarm) + ", not " +
                              number_text(*value));
      good = false;
    } else {
      into = *value;
    }
  };
  rate("false_alarm", Required::kYes, statistics.false_alarm);
  statistics.specimen_false_alarm = statistics.false_alarm;
  rate("specimen_false_alarm", Required::kNo, statistics.specimen_false_alarm);
  if (reader.has("minimum_analytes")) {
    const std::optional<std::int64_t> minimum = reader.integer("minimum_analytes", Required::kNo);
    if (!minimum) {
      good = false;
    } else if (*minimum < 2 || *minimum > kMaxJointAnalytes) {
      reader.problem("minimum_analytes", "must be from 2 to " + std::to_string(kMaxJointAnalytes) +
                                             ", not " + std::to_string(*minimum));
      good = false;
    } else {
      statistics.minimum_analytes = static_cast<int>(*minimum);
    }
  }
  if (!good) return std::nullopt;

  const double alpha = statistics.specimen_false_alarm;
  const boost::math::normal normal;
  statistics.change_limit = boost::math::quantile(normal, 1 - statistics.false_alarm / 2);
  statistics.one_sided_limit = boost::math::quantile(normal, 1 - alpha);
  statistics.joint_limits.assign(kMaxJointAnalytes + 1, 0.0);
  for (int k = 1; k <= kMaxJointAnalytes; ++k) {
    statistics.joint_limits[static_cast<std::size_t>(k)] =
        boost::math::quantile(boost::math::chi_squared(k), 1 - alpha);
  }
  return statistics;
}

bool read_variation(TableReader& analyte, std::optional<Variation>& into, Diagnostics& out) {
  if (!analyte.has("variation")) return true;
  const toml::table* table = analyte.table("variation", Required::kNo);
  if (table == nullptr) return false;
  TableReader reader(*table, "the variation of " + analyte.context(),
                     {"within_person", "analytical"}, out);
  reader.report_unknown_keys();
  Variation variation;
  bool good = true;
  for (const auto& [key, value] : {std::pair{"within_person", &variation.within_person},
                                   std::pair{"analytical", &variation.analytical}}) {
    const std::optional<double> percent = reader.number(key, Required::kYes);
    if (!percent) {
      good = false;
    } else if (*percent <= 0 || *percent > 100) {
      reader.problem(key,
                     "must be a coefficient of variation in percent, above 0 and at most "
                     "100, not " +
                         number_text(*percent));
      good = false;
    } else {
      *value = *percent;
    }
  }
  if (good) into = variation;
  return good;
}

std::optional<ContaminationRule> read_contamination(const toml::table& table, std::size_t index,
                                                    const catalog::Catalog& catalog,
                                                    Diagnostics& out) {
  TableReader reader(table, "contamination " + std::to_string(index + 1),
                     {"fluid", "contains", "dilutes"}, out);
  ContaminationRule rule;
  rule.source_line = reader.position().line;
  const std::optional<std::string> fluid = reader.text("fluid", Required::kYes);
  if (fluid) reader.set_context("contamination " + in_quotes(*fluid));
  reader.report_unknown_keys();
  bool good = fluid.has_value();
  if (fluid) rule.fluid = *fluid;

  std::map<std::string, std::string> seen;  // upper-cased code -> where it was given
  const auto first_time = [&](const core::TestDefinition& test, Position where,
                              const std::string& key) {
    const auto [earlier, added] = seen.emplace(core::ascii_upper(test.code), key);
    if (added) return true;
    out.add(where, "test " + in_quotes(test.code) + " of " + reader.context() +
                       " is given twice (in " + in_quotes(earlier->second) + " and " +
                       in_quotes(key) + ")");
    return false;
  };

  if (const toml::table* contains = reader.table("contains", Required::kYes)) {
    for (const auto& [key, node] : *contains) {
      const std::string code(key.str());
      const Position where = config::position_of(node);
      const core::TestDefinition* test =
          numeric_test(catalog, code, config::position_of(key.source()), reader.context(), out);
      if (test == nullptr) {
        good = false;
        continue;
      }
      const std::optional<double> concentration = node.value<double>();
      if (!concentration || !std::isfinite(*concentration) || *concentration < 0) {
        out.add(where, "the concentration of " + in_quotes(code) + " in " + reader.context() +
                           " must be a number at least 0, in the unit of the test (" +
                           (test->unit.empty() ? "none" : test->unit) + ")");
        good = false;
        continue;
      }
      if (!first_time(*test, where, "contains")) {
        good = false;
        continue;
      }
      rule.contains.push_back(FluidComponent{test->code, *concentration});
    }
  } else {
    good = false;
  }
  if (const std::optional<std::vector<config::TextAt>> dilutes =
          reader.texts("dilutes", Required::kYes)) {
    for (const config::TextAt& code : *dilutes) {
      const core::TestDefinition* test =
          numeric_test(catalog, code.text, code.where, reader.context(), out);
      if (test == nullptr || !first_time(*test, code.where, "dilutes")) {
        good = false;
        continue;
      }
      rule.dilutes.push_back(test->code);
    }
  } else {
    good = false;
  }
  if (good && rule.contains.size() + rule.dilutes.size() < 2) {
    out.add(reader.position(), reader.context() +
                                   " names fewer than two tests: a fluid is recognised by how "
                                   "several analytes move together");
    good = false;
  }
  if (!good) return std::nullopt;
  return rule;
}

std::optional<ConsistencyRule> read_consistency(const toml::table& table, std::size_t index,
                                                const catalog::Catalog& catalog, Diagnostics& out) {
  TableReader reader(table, "consistency " + std::to_string(index + 1),
                     {"name", "value", "expected", "tolerance", "reason"}, out);
  ConsistencyRule rule;
  rule.source_line = reader.position().line;
  const std::optional<std::string> name = reader.text("name", Required::kYes);
  if (name) reader.set_context("consistency " + in_quotes(*name));
  reader.report_unknown_keys();
  bool good = name.has_value();
  if (name) rule.name = *name;

  // Every numeric test of the catalog may be named; the rule keeps only those it reads.
  calc::Scope everything;
  std::vector<const core::TestDefinition*> by_slot;
  for (const core::TestDefinition& test : catalog.tests()) {
    const std::string expression = expression_name(test.code);
    if (test.kind != core::ResultKind::kNumeric || !is_identifier(expression)) continue;
    everything.add_number(expression, static_cast<std::uint32_t>(by_slot.size()));
    by_slot.push_back(&test);
  }
  const auto compile = [&](std::string_view key,
                           const calc::Scope& scope) -> std::optional<calc::Program> {
    const std::optional<std::string> text = reader.text(key, Required::kYes);
    if (!text) return std::nullopt;
    Result<calc::Program> program = calc::compile(*text, scope, calc::ValueKind::kNumber);
    if (!program) {
      Position where = config::position_of(*reader.node(key));
      if (program.error().position()) where.column += program.error().position()->column;
      out.add(where, "key " + in_quotes(key) + " of " + reader.context() + ": " +
                         program.error().message());
      return std::nullopt;
    }
    return std::move(*program);
  };
  const std::optional<calc::Program> value = compile("value", everything);
  const std::optional<calc::Program> expected = compile("expected", everything);
  good = good && value && expected;

  if (reader.has("tolerance")) {
    const std::optional<double> tolerance = reader.number("tolerance", Required::kNo);
    if (!tolerance) {
      good = false;
    } else if (*tolerance < 0) {
      reader.problem("tolerance", "must not be negative, not " + number_text(*tolerance));
      good = false;
    } else {
      rule.tolerance = *tolerance;
    }
  }
  if (const std::optional<std::string> reason = reader.text("reason", Required::kNo)) {
    rule.reason = *reason;
  } else if (reader.has("reason")) {
    good = false;
  }
  if (!good) return std::nullopt;

  // Compiled again over only the tests read, so that evaluation fills a few slots.
  std::vector<std::uint32_t> read = value->slots_read();
  read.insert(read.end(), expected->slots_read().begin(), expected->slots_read().end());
  std::sort(read.begin(), read.end());
  read.erase(std::unique(read.begin(), read.end()), read.end());
  if (read.empty()) {
    out.add(reader.position(), reader.context() + " names no test");
    return std::nullopt;
  }
  if (read.size() > kMaxConsistencyTests) {
    out.add(reader.position(), reader.context() + " reads " + std::to_string(read.size()) +
                                   " tests; at most " + std::to_string(kMaxConsistencyTests));
    return std::nullopt;
  }
  calc::Scope compact;
  for (std::uint32_t slot : read) {
    compact.add_number(expression_name(by_slot[slot]->code),
                       static_cast<std::uint32_t>(rule.tests.size()));
    rule.tests.push_back(by_slot[slot]->code);
  }
  std::optional<calc::Program> compact_value = compile("value", compact);
  std::optional<calc::Program> compact_expected = compile("expected", compact);
  if (!compact_value || !compact_expected) return std::nullopt;
  rule.value = std::move(*compact_value);
  rule.expected = std::move(*compact_expected);
  return rule;
}

}  // namespace aliquot::rules
