#include "people/continuing_education.h"

#include <algorithm>
#include <map>

#include "config/toml_reader.h"
#include "core/text.h"

namespace aliquot::people {

using config::Diagnostics;
using config::in_quotes;
using config::Required;
using config::TableReader;
using config::TextAt;

const CeCategory* CeRules::find_category(std::string_view code) const {
  for (const CeCategory& category : categories_) {
    if (category.code == code) return &category;
  }
  return nullptr;
}

const CeProgram* CeRules::program_for(std::string_view credential) const {
  for (const CeProgram& program : programs_) {
    for (const std::string& maintained : program.credentials) {
      if (core::equals_ignoring_case(maintained, credential)) return &program;
    }
  }
  return nullptr;
}

// Builds CeRules from the parsed file; every problem goes to the diagnostics, and the loader goes
// on to find the others.
class CeRulesLoader {
 public:
  CeRulesLoader(const toml::table& root, Diagnostics& out) : root_(root), out_(out) {}

  std::optional<CeRules> run() {
    TableReader top(root_, "the continuing education file",
                    {"continuing_education", "category", "program"}, out_);
    top.report_unknown_keys();
    read_header(top);
    if (const toml::array* categories = top.tables("category", Required::kNo)) {
      for (std::size_t i = 0; i < categories->size(); ++i) {
        TableReader reader(*categories->get(i)->as_table(), "category " + std::to_string(i + 1),
                           {"code", "name"}, out_);
        read_category(reader);
      }
    }
    if (const toml::array* programs = top.tables("program", Required::kNo)) {
      for (std::size_t i = 0; i < programs->size(); ++i) {
        TableReader reader(
            *programs->get(i)->as_table(), "program " + std::to_string(i + 1),
            {"name", "source", "credentials", "cycle_years", "points", "verify", "minimum"}, out_);
        read_program(reader);
      }
    } else {
      out_.add({}, "the file has no [[program]]: no certification could be kept current");
    }
    if (!out_.empty()) return std::nullopt;
    return std::move(parsed_);
  }

 private:
  void read_header(TableReader& top) {
    if (std::optional<config::NameAndVersion> header =
            config::read_name_and_version(top, "continuing_education")) {
      parsed_.name_ = std::move(header->name);
      parsed_.version_ = std::move(header->version);
    }
  }

  void read_category(TableReader& reader) {
    const std::optional<std::string> code = reader.text("code", Required::kYes);
    if (code) reader.set_context("category " + in_quotes(*code));
    reader.report_unknown_keys();
    const std::optional<std::string> name = reader.text("name", Required::kYes);
    if (!code) return;
    const bool plain = std::all_of(code->begin(), code->end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!plain) {
      reader.problem("code",
                     "must be lower-case letters, digits and dashes, not " + in_quotes(*code));
      return;
    }
    if (const auto first = category_lines_.find(*code); first != category_lines_.end()) {
      reader.problem("code", "names " + in_quotes(*code) + " again (first at line " +
                                 std::to_string(first->second) + ")");
      return;
    }
    category_lines_.emplace(*code, reader.position_of_key("code").line);
    parsed_.categories_.push_back({*code, name.value_or("")});
  }

  void read_program(TableReader& reader) {
    CeProgram program;
    const std::optional<std::string> name = reader.text("name", Required::kYes);
    if (name) reader.set_context("program " + in_quotes(*name));
    reader.report_unknown_keys();
    program.name = name.value_or("");
    program.source = reader.text("source", Required::kYes).value_or("");
    if (const std::optional<std::vector<TextAt>> credentials =
            reader.texts("credentials", Required::kYes)) {
      if (credentials->empty())
        reader.problem("credentials", "must name at least one certification");
      for (const TextAt& credential : *credentials) {
        if (const CeProgram* other = parsed_.program_for(credential.text)) {
          reader.problem("credentials", "names " + in_quotes(credential.text) + ", which program " +
                                            in_quotes(other->name) + " already maintains");
        }
        program.credentials.push_back(credential.text);
      }
    }
    if (const std::optional<std::int64_t> years = reader.integer("cycle_years", Required::kYes)) {
      if (*years < 1 || *years > 10) {
        reader.problem("cycle_years", "must be 1 to 10, not " + std::to_string(*years));
      } else {
        program.cycle_years = static_cast<int>(*years);
      }
    }
    if (const std::optional<double> points = reader.number("points", Required::kYes)) {
      if (*points <= 0) {
        reader.problem("points", "must be greater than 0");
      } else {
        program.points = *points;
      }
    }
    program.verify = reader.boolean("verify", Required::kNo).value_or(false);
    double minimums = 0;
    if (const toml::array* tables = reader.tables("minimum", Required::kNo)) {
      for (std::size_t i = 0; i < tables->size(); ++i) {
        TableReader minimum(*tables->get(i)->as_table(),
                            "minimum " + std::to_string(i + 1) + " of " + reader.context(),
                            {"category", "points"}, out_);
        minimum.report_unknown_keys();
        const std::optional<std::string> category = minimum.text("category", Required::kYes);
        const std::optional<double> points = minimum.number("points", Required::kYes);
        if (category && parsed_.find_category(*category) == nullptr) {
          std::vector<std::string> codes;
          for (const CeCategory& known : parsed_.categories_) codes.push_back(known.code);
          const std::string nearest =
              core::nearest_spelling(*category, codes, core::LetterCase::kIgnored);
          minimum.problem(
              "category",
              "names " + in_quotes(*category) + ", which is not a [[category]]" +
                  (nearest.empty() ? "" : " (did you mean " + in_quotes(nearest) + "?)"));
        }
        if (points && *points <= 0) minimum.problem("points", "must be greater than 0");
        if (category && points) {
          program.minimums.push_back({*category, *points});
          minimums += *points;
        }
      }
    }
    if (program.points > 0 && minimums > program.points) {
      reader.problem("minimum", "asks for " + core::number_text(minimums) +
                                    " points in categories, more than the cycle's " +
                                    core::number_text(program.points));
    }
    parsed_.programs_.push_back(std::move(program));
  }

  const toml::table& root_;
  Diagnostics& out_;
  CeRules parsed_;
  std::map<std::string, int> category_lines_;
};

CeRulesLoad load_ce_rules(std::string_view text, const std::string& file) {
  auto [value, diagnostics] = config::load_with<CeRulesLoader>(text, file);
  return {std::move(value), std::move(diagnostics)};
}

const CeRules& default_ce_rules() {
  static const CeRules loaded = [] {
    CeRulesLoad load = load_ce_rules(default_ce_rules_text(), "catalog/continuing_education.toml");
    return config::built_in(std::move(load.rules), load.diagnostics);
  }();
  return loaded;
}

}  // namespace aliquot::people
