// The autoverification rules loader: TOML text in, a valid RuleSet or every problem found out.
// The schema is in rules/loader.h.

#include "rules/loader.h"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "config/toml_reader.h"
#include "core/text.h"
#include "rules/duration.h"
#include "rules/specimen_rules_reader.h"

namespace aliquot::rules {
namespace {

using config::Diagnostics;
using config::in_quotes;
using config::Position;
using config::Required;
using config::TableReader;
using config::TextAt;
using core::ascii_upper;
using core::join;
using core::number_text;

// The code among `candidates` nearest to `code` (letter case ignored), or empty: the "did you
// mean" of an unknown test or section.
std::string nearest_code(std::string_view code, const std::vector<std::string>& candidates) {
  return core::nearest_spelling(code, candidates, core::LetterCase::kIgnored);
}

std::string did_you_mean(const std::string& nearest) {
  return nearest.empty() ? std::string() : " (did you mean " + in_quotes(nearest) + "?)";
}

class Loader {
 public:
  Loader(const toml::table& root, const catalog::Catalog& catalog, Diagnostics& out)
      : root_(root), catalog_(catalog), out_(out) {}

  std::optional<RuleSet> run() {
    TableReader top(root_, "the rules file",
                    {"rules", "instrument", "discipline", "analyte", "reflex", "delta_statistics",
                     "contamination", "consistency"},
                    out_);
    top.report_unknown_keys();
    read_header(top);
    read_instrument(top);
    if (const toml::array* disciplines = top.tables("discipline", Required::kNo)) {
      for (std::size_t i = 0; i < disciplines->size(); ++i) {
        read_discipline(*disciplines->get(i)->as_table(), i);
      }
    }
    if (const toml::array* analytes = top.tables("analyte", Required::kNo)) {
      for (std::size_t i = 0; i < analytes->size(); ++i) {
        read_analyte(*analytes->get(i)->as_table(), i);
      }
    }
    if (const toml::array* reflexes = top.tables("reflex", Required::kNo)) {
      for (std::size_t i = 0; i < reflexes->size(); ++i) {
        read_reflex(*reflexes->get(i)->as_table(), i);
      }
    }
    read_specimen_rules(top);
    if (!out_.empty()) return std::nullopt;
    return builder_.build();
  }

 private:
  // [delta_statistics], [[contamination]], [[consistency]] (rules/specimen_rules_reader.h), and
  // whether the analytes' variations and the statistics need each other.
  void read_specimen_rules(TableReader& top) {
    std::optional<DeltaStatistics> statistics;
    if (const toml::table* table = top.table("delta_statistics", Required::kNo)) {
      statistics = read_delta_statistics(*table, out_);
      if (statistics) builder_.delta_statistics(*statistics);
    }
    const bool statistics_given = top.has("delta_statistics");
    if (!statistics_given) {
      for (const auto& [code, line] : variations_) {
        out_.add(Position{line, 1}, "the variation of analyte " + in_quotes(code) +
                                        " is used only by [delta_statistics], which the file "
                                        "does not have");
      }
    }
    if (const toml::array* list = top.tables("contamination", Required::kNo)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        std::optional<ContaminationRule> rule =
            read_contamination(*list->get(i)->as_table(), i, catalog_, out_);
        if (!rule) continue;
        bool good = true;
        if (!statistics_given) {
          out_.add(Position{rule->source_line, 1},
                   "contamination " + in_quotes(rule->fluid) +
                       " needs [delta_statistics] (its window and false-alarm rate)");
          good = false;
        }
        std::vector<std::string> codes = rule->dilutes;
        for (const FluidComponent& component : rule->contains) codes.push_back(component.test_code);
        for (const std::string& code : codes) {
          if (variations_.contains(code)) continue;
          out_.add(Position{rule->source_line, 1},
                   "test " + in_quotes(code) + " of contamination " + in_quotes(rule->fluid) +
                       " has no variation: give its [[analyte]] a variation = { within_person, "
                       "analytical }");
          good = false;
        }
        if (good) builder_.contamination(std::move(*rule));
      }
    }
    if (const toml::array* list = top.tables("consistency", Required::kNo)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        std::optional<ConsistencyRule> rule =
            read_consistency(*list->get(i)->as_table(), i, catalog_, out_);
        if (rule) builder_.consistency(std::move(*rule));
      }
    }
  }

  void read_header(TableReader& top) {
    if (!top.has("rules")) {
      out_.add({}, "the file has no [rules] table with its name and version");
      return;
    }
    const toml::table* header = top.table("rules", Required::kYes);
    if (header == nullptr) return;
    TableReader reader(*header, "[rules]", {"name", "version", "description"}, out_);
    reader.report_unknown_keys();
    builder_.name(reader.text("name", Required::kYes).value_or(""));
    builder_.version(reader.text("version", Required::kYes).value_or(""));
    (void)reader.text("description", Required::kNo);
  }

  void read_instrument(TableReader& top) {
    const toml::table* table = top.table("instrument", Required::kNo);
    if (table == nullptr) return;
    TableReader reader(*table, "[instrument]", {"informational_flags"}, out_);
    reader.report_unknown_keys();
    const std::optional<std::vector<TextAt>> flags =
        reader.texts("informational_flags", Required::kNo);
    if (!flags) return;
    std::map<std::string, int> seen;  // upper-cased flag -> line
    for (const TextAt& flag : *flags) {
      const auto [earlier, added] = seen.emplace(ascii_upper(flag.text), flag.where.line);
      if (!added) {
        out_.add(flag.where, "informational flag " + in_quotes(flag.text) + " of " +
                                 reader.context() + " is listed twice (first at line " +
                                 std::to_string(earlier->second) + ")");
        continue;
      }
      builder_.informational_flag(flag.text);
    }
  }

  void read_discipline(const toml::table& table, std::size_t index) {
    TableReader reader(table, "discipline " + std::to_string(index + 1),
                       {"section", "autoverify", "hold_abnormal_answers"}, out_);
    DisciplineRules rules;
    rules.source_line = reader.position().line;
    const std::optional<std::string> section = reader.text("section", Required::kYes);
    bool good = section.has_value();
    if (section) {
      reader.set_context("discipline " + in_quotes(*section));
      good = resolve_section(reader, *section, rules);
    }
    reader.report_unknown_keys();
    const std::optional<bool> autoverify = reader.boolean("autoverify", Required::kYes);
    const std::optional<bool> hold = reader.boolean("hold_abnormal_answers", Required::kNo);
    if (!good || !autoverify) return;
    rules.autoverify = *autoverify;
    rules.hold_abnormal_answers = hold.value_or(true);
    builder_.discipline(std::move(rules));
  }

  bool resolve_section(TableReader& reader, const std::string& code, DisciplineRules& rules) {
    const catalog::Section* section = catalog_.find_section(code);
    if (section == nullptr) {
      std::vector<std::string> codes;
      for (const catalog::Section& known : catalog_.sections()) codes.push_back(known.code);
      reader.problem("section", "is not a section of the catalog" +
                                    did_you_mean(nearest_code(code, codes)) +
                                    "; its sections are: " + join(codes));
      return false;
    }
    if (const auto [first, added] =
            sections_.emplace(ascii_upper(section->code), reader.position().line);
        !added) {
      reader.problem("section", "names section " + in_quotes(section->code) +
                                    " again; its discipline is at line " +
                                    std::to_string(first->second));
      return false;
    }
    rules.section = section->code;
    return true;
  }

  void read_analyte(const toml::table& table, std::size_t index) {
    TableReader reader(table, "analyte " + std::to_string(index + 1),
                       {"test", "absurd", "measuring_range", "review", "stability", "hemolysis",
                        "icterus", "lipemia", "delta", "variation"},
                       out_);
    AnalyteRules rules;
    rules.source_line = reader.position().line;
    positions_.clear();
    const core::TestDefinition* test = nullptr;
    bool good = true;
    if (const std::optional<std::string> code = reader.text("test", Required::kYes)) {
      reader.set_context("analyte " + in_quotes(*code));
      test = resolve_test(reader, *code);
      good = test != nullptr;
    } else {
      good = false;
    }
    reader.report_unknown_keys();
    if (test != nullptr) rules.test_code = test->code;

    // Limits and deltas compare numbers; a coded or text test has none.
    const bool numeric = test == nullptr || test->kind == core::ResultKind::kNumeric;
    if (!numeric) {
      for (std::string_view key : {"absurd", "measuring_range", "review", "delta"}) {
        if (reader.has(key)) {
          reader.problem(key, "is only for numeric tests; test " + in_quotes(test->code) + " is " +
                                  std::string(core::to_code(test->kind)));
          good = false;
        }
      }
    } else {
      bool limits_good = read_limits(reader, "absurd", "the absurd limits", rules.absurd);
      limits_good &=
          read_limits(reader, "measuring_range", "the measuring range", rules.measuring_range);
      limits_good &= read_limits(reader, "review", "the review limits", rules.review);
      // Nesting is checked only between limits that read well, so that one mistake is one
      // message.
      if (limits_good) limits_good = check_nesting(reader, rules);
      good &= limits_good;
      good &= read_deltas(reader, rules.deltas);
      good &= read_variation(reader, rules.variation, out_);
      if (test != nullptr && rules.variation) variations_.emplace(test->code, rules.source_line);
    }
    good &= read_stability(reader, rules.stability_seconds);
    good &= read_index(reader, "hemolysis", rules.indices.hemolysis);
    good &= read_index(reader, "icterus", rules.indices.icterus);
    good &= read_index(reader, "lipemia", rules.indices.lipemia);
    if (good) builder_.analyte(std::move(rules));
  }

  // [[reflex]] when, above | below | outside_reference | answers | drop (+ window), add, reason.
  void read_reflex(const toml::table& table, std::size_t index) {
    TableReader reader(table, "reflex " + std::to_string(index + 1),
                       {"when", "above", "below", "outside_reference", "answers", "drop", "window",
                        "add", "reason"},
                       out_);
    ReflexRule rule;
    rule.source_line = reader.position().line;
    bool good = true;
    const core::TestDefinition* test = nullptr;
    if (const std::optional<std::string> code = reader.text("when", Required::kYes)) {
      reader.set_context("reflex on " + in_quotes(*code));
      test = catalog_test(reader, "when", *code);
      good = test != nullptr;
    } else {
      good = false;
    }
    reader.report_unknown_keys();
    if (test != nullptr) rule.test_code = test->code;

    const bool numeric = test == nullptr || test->kind == core::ResultKind::kNumeric;
    for (std::string_view key : {"above", "below", "drop"}) {
      if (!numeric && reader.has(key)) {
        reader.problem(key, "is only for numeric tests; test " + in_quotes(test->code) + " is " +
                                std::string(core::to_code(test->kind)));
        good = false;
      }
    }
    if (numeric && test != nullptr && reader.has("answers")) {
      reader.problem("answers",
                     "is only for coded tests; test " + in_quotes(test->code) + " is numeric");
      good = false;
    }
    rule.above = reader.number("above", Required::kNo);
    good &= rule.above.has_value() || !reader.has("above");
    rule.below = reader.number("below", Required::kNo);
    good &= rule.below.has_value() || !reader.has("below");
    rule.drop = reader.number("drop", Required::kNo);
    good &= rule.drop.has_value() || !reader.has("drop");
    if (rule.drop && !(*rule.drop > 0)) {
      reader.problem("drop", "must be above 0");
      good = false;
    }
    if (const std::optional<bool> outside = reader.boolean("outside_reference", Required::kNo)) {
      rule.outside_reference = *outside;
    } else if (reader.has("outside_reference")) {
      good = false;
    }
    if (const std::optional<std::vector<TextAt>> answers = reader.texts("answers", Required::kNo)) {
      for (const TextAt& answer : *answers) {
        const bool known =
            test == nullptr || test->kind != core::ResultKind::kCoded ||
            std::any_of(test->answers.begin(), test->answers.end(), [&](const std::string& a) {
              return core::equals_ignoring_case(a, answer.text);
            });
        if (!known) {
          out_.add(answer.where, "answer " + in_quotes(answer.text) + " of " + reader.context() +
                                     " is not an answer of test " + in_quotes(test->code) + " (" +
                                     core::join(test->answers, ", ") + ")");
          good = false;
        }
        rule.answers.push_back(answer.text);
      }
    } else if (reader.has("answers")) {
      good = false;
    }
    if (rule.drop) {
      if (const std::optional<std::string> window = reader.text("window", Required::kYes)) {
        if (const std::optional<std::int64_t> seconds = duration(reader, "window", *window)) {
          rule.window_seconds = *seconds;
        } else {
          good = false;
        }
      } else {
        good = false;
      }
    } else if (reader.has("window")) {
      reader.problem("window", "is only for a drop");
      good = false;
    }
    if (good && !rule.above && !rule.below && !rule.drop && !rule.outside_reference &&
        rule.answers.empty()) {
      out_.add(reader.position(), reader.context() +
                                      " has no condition: give above, below, outside_reference, "
                                      "answers or drop");
      good = false;
    }

    if (const std::optional<std::vector<TextAt>> add = reader.texts("add", Required::kYes)) {
      if (add->empty()) {
        reader.problem("add", "must name at least one test");
        good = false;
      }
      for (const TextAt& code : *add) {
        const core::TestDefinition* added = catalog_.find_test(code.text);
        if (added == nullptr) {
          std::vector<std::string> codes;
          for (const core::TestDefinition& known : catalog_.tests()) codes.push_back(known.code);
          out_.add(code.where, "test " + in_quotes(code.text) + " added by " + reader.context() +
                                   " is not a test of the catalog" +
                                   did_you_mean(nearest_code(code.text, codes)));
          good = false;
          continue;
        }
        if (test != nullptr && added == test) {
          out_.add(code.where, reader.context() + " adds the test that triggers it");
          good = false;
          continue;
        }
        rule.add.push_back(added->code);
      }
    } else {
      good = false;
    }
    if (const std::optional<std::string> reason = reader.text("reason", Required::kYes)) {
      rule.reason = *reason;
    } else {
      good = false;
    }
    if (good) builder_.reflex(std::move(rule));
  }

  // The catalog's test for `code` named by `key`, or nullptr after saying there is none.
  const core::TestDefinition* catalog_test(TableReader& reader, std::string_view key,
                                           const std::string& code) {
    const core::TestDefinition* test = catalog_.find_test(code);
    if (test != nullptr) return test;
    std::vector<std::string> codes;
    for (const core::TestDefinition& known : catalog_.tests()) codes.push_back(known.code);
    reader.problem(key, "is not a test of the catalog" + did_you_mean(nearest_code(code, codes)));
    return nullptr;
  }

  // The catalog's test for `code`, or nullptr after reporting why there is none.
  const core::TestDefinition* resolve_test(TableReader& reader, const std::string& code) {
    const core::TestDefinition* test = catalog_.find_test(code);
    if (test == nullptr) {
      if (catalog_.find_panel(code) != nullptr) {
        reader.problem("test",
                       "is a panel of the catalog; rules are written for each of its "
                       "tests");
        return nullptr;
      }
      std::vector<std::string> codes;
      for (const core::TestDefinition& known : catalog_.tests()) codes.push_back(known.code);
      reader.problem("test",
                     "is not a test of the catalog" + did_you_mean(nearest_code(code, codes)));
      return nullptr;
    }
    if (const auto [first, added] = tests_.emplace(ascii_upper(test->code), reader.position().line);
        !added) {
      reader.problem("test", "names test " + in_quotes(test->code) +
                                 " again; its rules are at line " + std::to_string(first->second));
      return nullptr;
    }
    return test;
  }

  // `key` = { low, high }; false when it is there but wrong.
  bool read_limits(TableReader& analyte, std::string_view key, const std::string& what,
                   Limits& into) {
    if (!analyte.has(key)) return true;
    const toml::table* table = analyte.table(key, Required::kNo);
    if (table == nullptr) return false;
    TableReader reader(*table, what + " of " + analyte.context(), {"low", "high"}, out_);
    reader.report_unknown_keys();
    const std::optional<double> low = reader.number("low", Required::kNo);
    const std::optional<double> high = reader.number("high", Required::kNo);
    if (!reader.has("low") && !reader.has("high")) {
      out_.add(reader.position(), reader.context() + ": neither low nor high is given");
      return false;
    }
    if (reader.has("low") != low.has_value() || reader.has("high") != high.has_value()) {
      return false;  // reported by the reader
    }
    if (low && high && *low > *high) {
      out_.add(reader.position_of_key("low"), reader.context() + ": low " + number_text(*low) +
                                                  " is above high " + number_text(*high));
      return false;
    }
    into.low = low;
    into.high = high;
    positions_[std::string(key)] =
        TablePositions{reader.position_of_key("low"), reader.position_of_key("high")};
    return true;
  }

  // The measuring range lies within the absurd limits, and the review limits within the
  // measuring range (or, where it says nothing, within the absurd limits): a value the
  // instrument measures is possible, and a review limit can be crossed by a reportable value.
  bool check_nesting(TableReader& analyte, const AnalyteRules& rules) {
    bool good = true;
    const auto inside = [&](const Limits& inner, std::string_view inner_key,
                            const std::string& inner_name, const Limits& outer,
                            const std::string& outer_name, const std::string& relation) {
      const TablePositions& where = positions_[std::string(inner_key)];
      if (inner.low && outer.low && *inner.low < *outer.low) {
        out_.add(where.low, inner_name + " of " + analyte.context() + " " + relation + ": low " +
                                number_text(*inner.low) + " is below " + outer_name + " low " +
                                number_text(*outer.low));
        good = false;
      }
      if (inner.high && outer.high && *inner.high > *outer.high) {
        out_.add(where.high, inner_name + " of " + analyte.context() + " " + relation + ": high " +
                                 number_text(*inner.high) + " is above " + outer_name + " high " +
                                 number_text(*outer.high));
        good = false;
      }
    };
    inside(rules.measuring_range, "measuring_range", "the measuring range", rules.absurd,
           "the absurd", "does not lie within the absurd limits");
    inside(rules.review, "review", "the review limits", rules.measuring_range,
           "the measuring range's", "lie outside the measuring range");
    // Where the measuring range gives no side, the absurd limit bounds the review limit.
    Limits bound;
    if (!rules.measuring_range.low) bound.low = rules.absurd.low;
    if (!rules.measuring_range.high) bound.high = rules.absurd.high;
    inside(rules.review, "review", "the review limits", bound, "the absurd",
           "lie outside the absurd limits");
    return good;
  }

  bool read_stability(TableReader& analyte, std::optional<std::int64_t>& into) {
    if (!analyte.has("stability")) return true;
    const std::optional<std::string> text = analyte.text("stability", Required::kNo);
    if (!text) return false;
    const std::optional<std::int64_t> seconds = duration(analyte, "stability", *text);
    if (!seconds) return false;
    into = *seconds;
    return true;
  }

  // A positive duration, "24h"; nullopt after reporting.
  std::optional<std::int64_t> duration(TableReader& reader, std::string_view key,
                                       const std::string& text) {
    Result<std::int64_t> seconds = parse_duration_seconds(text);
    if (!seconds) {
      out_.add(reader.position_of_key(key), "key " + in_quotes(key) + " of " + reader.context() +
                                                ": " + seconds.error().message());
      return std::nullopt;
    }
    return *seconds;
  }

  bool read_index(TableReader& analyte, std::string_view key, IndexThresholds& into) {
    if (!analyte.has(key)) return true;
    const toml::table* table = analyte.table(key, Required::kNo);
    if (table == nullptr) return false;
    TableReader reader(*table, "the " + std::string(key) + " thresholds of " + analyte.context(),
                       {"hold", "suppress"}, out_);
    reader.report_unknown_keys();
    const std::optional<double> hold = reader.number("hold", Required::kNo);
    const std::optional<double> suppress = reader.number("suppress", Required::kNo);
    if (!reader.has("hold") && !reader.has("suppress")) {
      out_.add(reader.position(), reader.context() + ": neither hold nor suppress is given");
      return false;
    }
    bool good =
        reader.has("hold") == hold.has_value() && reader.has("suppress") == suppress.has_value();
    for (const auto& [name, value] : {std::pair{"hold", hold}, std::pair{"suppress", suppress}}) {
      if (value && *value < 0) {
        reader.problem(name, "must not be negative, not " + number_text(*value));
        good = false;
      }
    }
    if (good && hold && suppress && *hold > *suppress) {
      out_.add(reader.position_of_key("hold"), reader.context() + ": hold " + number_text(*hold) +
                                                   " is above suppress " + number_text(*suppress));
      good = false;
    }
    if (!good) return false;
    into.hold = hold;
    into.suppress = suppress;
    return true;
  }

  bool read_deltas(TableReader& analyte, std::vector<DeltaRule>& into) {
    if (!analyte.has("delta")) return true;
    const toml::array* list = analyte.tables("delta", Required::kNo);
    if (list == nullptr) return false;
    bool good = true;
    for (std::size_t i = 0; i < list->size(); ++i) {
      std::optional<DeltaRule> rule = read_delta(analyte, *list->get(i)->as_table(), i);
      if (rule) {
        into.push_back(std::move(*rule));
      } else {
        good = false;
      }
    }
    return good;
  }

  std::optional<DeltaRule> read_delta(TableReader& analyte, const toml::table& table,
                                      std::size_t index) {
    TableReader reader(table,
                       "delta check " + std::to_string(index + 1) + " of " + analyte.context(),
                       {"absolute", "percent", "per_day", "window", "scope", "reason"}, out_);
    reader.report_unknown_keys();
    DeltaRule rule;
    rule.source_line = reader.position().line;
    bool good = true;

    constexpr std::array<std::pair<std::string_view, DeltaMode>, 3> kModes = {
        std::pair{std::string_view("absolute"), DeltaMode::kAbsolute},
        std::pair{std::string_view("percent"), DeltaMode::kPercent},
        std::pair{std::string_view("per_day"), DeltaMode::kRatePerDay}};
    std::vector<std::string> given;
    std::string_view key;
    for (const auto& [mode_key, mode] : kModes) {
      if (reader.has(mode_key)) {
        given.push_back(in_quotes(mode_key));
        key = mode_key;
        rule.mode = mode;
      }
    }
    if (given.empty()) {
      out_.add(reader.position(), reader.context() +
                                      " gives no limit: give one of 'absolute', 'percent' or "
                                      "'per_day'");
      good = false;
    } else if (given.size() > 1) {
      out_.add(reader.position(), reader.context() + " gives " +
                                      core::join_as_sentence(given, "and") +
                                      ": give only one of them (write another delta check for "
                                      "the other)");
      good = false;
    } else {
      if (const std::optional<double> limit = reader.number(key, Required::kNo)) {
        if (*limit <= 0) {
          reader.problem(key, "must be above 0, not " + number_text(*limit));
          good = false;
        } else if (rule.mode == DeltaMode::kPercent && *limit > kMaxPercentDelta) {
          reader.problem(key, "must be at most " + number_text(kMaxPercentDelta) + ", not " +
                                  number_text(*limit));
          good = false;
        } else {
          rule.limit = *limit;
        }
      } else {
        good = false;
      }
    }

    if (const std::optional<std::string> window = reader.text("window", Required::kYes)) {
      if (const std::optional<std::int64_t> seconds = duration(reader, "window", *window)) {
        rule.window_seconds = *seconds;
      } else {
        good = false;
      }
    } else {
      good = false;
    }

    if (const std::optional<std::string> scope = reader.text("scope", Required::kNo)) {
      if (*scope == "result") {
        rule.scope = DeltaScope::kResult;
      } else if (*scope == "specimen") {
        rule.scope = DeltaScope::kSpecimen;
      } else {
        reader.problem("scope", "must be \"result\" or \"specimen\", not " + in_quotes(*scope));
        good = false;
      }
    } else if (reader.has("scope")) {
      good = false;
    }
    if (const std::optional<std::string> reason = reader.text("reason", Required::kNo)) {
      rule.reason = *reason;
    } else if (reader.has("reason")) {
      good = false;
    }
    if (!good) return std::nullopt;
    return rule;
  }

  struct TablePositions {
    Position low;
    Position high;
  };

  const toml::table& root_;
  const catalog::Catalog& catalog_;
  Diagnostics& out_;
  RuleSetBuilder builder_;
  std::map<std::string, int> tests_;     // upper-cased test code -> line of its analyte
  std::map<std::string, int> sections_;  // upper-cased section code -> line of its discipline
  std::map<std::string, TablePositions> positions_;  // limits key of the current analyte
  std::map<std::string, int> variations_;            // test code (as the catalog spells it) -> line
};

}  // namespace

LoadOutcome load_rules(std::string_view toml_text, std::string_view file_name,
                       const catalog::Catalog& catalog) {
  Diagnostics out{std::string(file_name)};
  std::optional<toml::table> root = config::parse(toml_text, out);
  if (!root) return LoadOutcome{std::nullopt, out.take()};
  std::optional<RuleSet> rules = Loader(*root, catalog, out).run();
  return LoadOutcome{std::move(rules), out.take()};
}

LoadOutcome load_rules_file(const std::string& path, const catalog::Catalog& catalog) {
  Result<std::string> text = config::read_file(path);
  if (!text) {
    LoadOutcome outcome;
    outcome.diagnostics.emplace_back(ErrorCode::kInvalidArgument,
                                     "cannot read the rules file: " + text.error().message(),
                                     SourcePosition{path, 0, 0});
    return outcome;
  }
  return load_rules(*text, path, catalog);
}

}  // namespace aliquot::rules
