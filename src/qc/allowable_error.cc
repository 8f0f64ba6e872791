// The allowable-error loader and the TEa at a concentration (qc/allowable_error.h).

#include "qc/allowable_error.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "config/toml_reader.h"
#include "core/text.h"

namespace aliquot::qc {

// Fills the private members of an AllowableErrorTable; only the loader creates tables.
class AllowableErrorTableBuilder {
 public:
  static AllowableErrorTable build(std::string name, std::string version, std::string source,
                                   std::vector<AllowableError> limits) {
    AllowableErrorTable table;
    table.name_ = std::move(name);
    table.version_ = std::move(version);
    table.source_ = std::move(source);
    table.limits_ = std::move(limits);
    return table;
  }
};

namespace {

using config::Diagnostics;
using config::in_quotes;
using config::Position;
using config::Required;
using config::TableReader;
using config::type_name;
using core::number_text;

constexpr std::size_t kMaxCodeLength = 40;

// Catalog test codes: "GLU", "LDL-D", "NEUT-ABS".
bool is_test_code(std::string_view code) {
  if (code.empty() || code.size() > kMaxCodeLength) return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

class Loader {
 public:
  Loader(const toml::table& root, Diagnostics& out) : root_(root), out_(out) {}

  std::optional<AllowableErrorTable> run() {
    TableReader top(root_, "the allowable-error file", {"allowable_error", "limit"}, out_);
    top.report_unknown_keys();
    read_header(top);
    const toml::array* limits = top.tables("limit", Required::kNo);
    if (limits != nullptr) {
      for (std::size_t i = 0; i < limits->size(); ++i) {
        read_limit(*limits->get(i)->as_table(), i);
      }
    }
    if (top.node("limit") == nullptr || (limits != nullptr && limits->empty())) {
      out_.add({}, "the file defines no limits ([[limit]])");
    }
    if (!out_.empty()) return std::nullopt;
    return AllowableErrorTableBuilder::build(std::move(name_), std::move(version_),
                                             std::move(source_), std::move(limits_));
  }

 private:
  void read_header(TableReader& top) {
    const toml::node* node = top.node("allowable_error");
    if (node == nullptr) {
      out_.add({}, "the file has no [allowable_error] table with its name, version and source");
      return;
    }
    if (node->as_table() == nullptr) {
      top.problem("allowable_error", "must be a table, not " + type_name(*node));
      return;
    }
    TableReader header(*node->as_table(), "[allowable_error]",
                       {"name", "version", "source", "description"}, out_);
    header.report_unknown_keys();
    name_ = header.text("name", Required::kYes).value_or("");
    version_ = header.text("version", Required::kYes).value_or("");
    source_ = header.text("source", Required::kYes).value_or("");
    (void)header.text("description", Required::kNo);
  }

  // A limit that is a finite number greater than 0; every other value is reported.
  std::optional<double> positive(TableReader& reader, std::string_view key) {
    const std::optional<double> value = reader.number(key, Required::kNo);
    if (!value) return std::nullopt;
    if (*value <= 0) {
      reader.problem(key, "must be greater than 0, not " + number_text(*value));
      return std::nullopt;
    }
    return value;
  }

  void read_limit(const toml::table& table, std::size_t index) {
    TableReader reader(table, "limit " + std::to_string(index + 1),
                       {"code", "percent", "absolute", "unit", "source", "verify", "note"}, out_);
    AllowableError limit;
    const Position where = reader.position();
    limit.line = where.line;
    limit.column = where.column;

    bool good = true;
    const std::optional<std::string> code = reader.text("code", Required::kYes);
    if (code) {
      reader.set_context("limit " + in_quotes(*code));
      if (!is_test_code(*code)) {
        reader.problem("code", "must be a test code (letters, digits and '-')");
        good = false;
      } else {
        limit.code = core::ascii_upper(*code);
        const auto [earlier, inserted] = lines_by_code_.emplace(limit.code, where.line);
        if (!inserted) {
          reader.problem(
              "code", "repeats the code of the limit at line " + std::to_string(earlier->second));
          good = false;
        }
      }
    } else {
      good = false;
    }
    reader.report_unknown_keys();

    const bool has_percent = reader.has("percent");
    const bool has_absolute = reader.has("absolute");
    limit.percent = positive(reader, "percent");
    limit.absolute = positive(reader, "absolute");
    good &= has_percent == limit.percent.has_value();
    good &= has_absolute == limit.absolute.has_value();
    if (!has_percent && !has_absolute) {
      out_.add(where, reader.context() +
                          " has neither 'percent' nor 'absolute': give at least one of them");
      good = false;
    }

    const std::optional<std::string> unit = reader.text("unit", Required::kNo);
    if (has_absolute && !reader.has("unit")) {
      reader.missing("unit", "the unit of 'absolute', as the catalog test reports it");
      good = false;
    } else if (!has_absolute && reader.has("unit")) {
      reader.problem("unit", "is given without 'absolute': it is the unit of the absolute limit");
      good = false;
    } else if (has_absolute && !unit) {
      good = false;  // reported by text()
    }
    limit.unit = unit.value_or("");

    const std::optional<std::string> source = reader.text("source", Required::kYes);
    good &= source.has_value();
    limit.source = source.value_or("");

    const std::optional<bool> verify = reader.boolean("verify", Required::kNo);
    good &= verify.has_value() || !reader.has("verify");
    limit.verification = verify.value_or(false) ? Verification::kToVerify : Verification::kChecked;

    const std::optional<std::string> note = reader.text("note", Required::kNo);
    good &= note.has_value() || !reader.has("note");
    limit.note = note.value_or("");

    if (good) limits_.push_back(std::move(limit));
  }

  const toml::table& root_;
  Diagnostics& out_;
  std::string name_;
  std::string version_;
  std::string source_;
  std::vector<AllowableError> limits_;
  std::map<std::string, int> lines_by_code_;
};

}  // namespace

const AllowableError* AllowableErrorTable::find(std::string_view code) const {
  const std::string wanted = core::ascii_upper(code);
  for (const AllowableError& limit : limits_) {
    if (limit.code == wanted) return &limit;
  }
  return nullptr;
}

AllowableErrorLoad load_allowable_error(std::string_view toml_text, std::string_view file_name) {
  Diagnostics out{std::string(file_name)};
  std::optional<toml::table> root = config::parse(toml_text, out);
  if (!root) return AllowableErrorLoad{std::nullopt, out.take()};
  std::optional<AllowableErrorTable> table = Loader(*root, out).run();
  return AllowableErrorLoad{std::move(table), out.take()};
}

AllowableErrorLoad load_allowable_error_file(const std::string& path) {
  Result<std::string> text = config::read_file(path);
  if (!text) {
    AllowableErrorLoad outcome;
    outcome.diagnostics.emplace_back(
        ErrorCode::kInvalidArgument,
        "cannot read the allowable-error file: " + text.error().message(),
        SourcePosition{path, 0, 0});
    return outcome;
  }
  return load_allowable_error(*text, path);
}

Result<TeaAt> tea_percent_at(const AllowableError& limit, std::optional<double> concentration) {
  if (concentration && !(std::isfinite(*concentration) && *concentration > 0)) {
    return invalid_argument("the concentration must be a number greater than 0, not " +
                            number_text(*concentration));
  }
  TeaAt tea;
  if (limit.percent) tea.percent = *limit.percent;
  if (limit.absolute) {
    if (!concentration) {
      return invalid_argument("the allowable error of " + limit.code + " has an absolute part (" +
                              number_text(*limit.absolute) + " " + limit.unit +
                              "), so the TEa in percent depends on the concentration: give it in " +
                              limit.unit);
    }
    // Step 1: the absolute limit as a percentage of the concentration it applies at.
    const double absolute_percent = *limit.absolute / *concentration * 100.0;
    // Step 2: where both are given the greater applies (42 CFR 493 subpart I, "(greater)").
    if (absolute_percent > tea.percent) {
      tea.percent = absolute_percent;
      tea.part = TeaPart::kAbsolute;
    }
  }
  return tea;
}

std::string describe(const AllowableError& limit) {
  std::string percent = limit.percent ? number_text(*limit.percent) + "%" : "";
  std::string absolute = limit.absolute ? number_text(*limit.absolute) + " " + limit.unit : "";
  if (percent.empty()) return absolute;
  if (absolute.empty()) return percent;
  return percent + " or " + absolute + ", the greater";
}

std::vector<Error> check_against_tests(const AllowableErrorTable& table,
                                       const std::vector<TestUnit>& tests,
                                       std::string_view file_name) {
  std::vector<std::string> codes;
  codes.reserve(tests.size());
  for (const TestUnit& test : tests) codes.push_back(core::ascii_upper(test.code));
  std::vector<Error> problems;
  const auto add = [&](const AllowableError& limit, std::string message) {
    problems.emplace_back(ErrorCode::kInvalidArgument, std::move(message),
                          SourcePosition{std::string(file_name), limit.line, limit.column});
  };
  for (const AllowableError& limit : table.limits()) {
    const auto found = std::find(codes.begin(), codes.end(), limit.code);
    const std::string name = "limit " + in_quotes(limit.code);
    if (found == codes.end()) {
      std::string message = name + " names no test of the catalog";
      const std::string nearest =
          core::nearest_spelling(limit.code, codes, core::LetterCase::kIgnored);
      if (!nearest.empty()) message += " (did you mean " + in_quotes(nearest) + "?)";
      add(limit, std::move(message));
      continue;
    }
    const TestUnit& test = tests[static_cast<std::size_t>(found - codes.begin())];
    if (test.unit.empty()) {
      add(limit, name + " is for test " + limit.code + ", which has no numeric result");
    } else if (limit.absolute && limit.unit != test.unit) {
      add(limit, name + " gives its absolute limit in " + limit.unit + " but test " + limit.code +
                     " reports " + test.unit);
    }
  }
  return problems;
}

}  // namespace aliquot::qc
