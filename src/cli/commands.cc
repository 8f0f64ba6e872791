#include "cli/commands.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <utility>

namespace aliquot::cli {

void CommandSelection::bind(CLI::App* command, CommandAction action) {
  command->callback([this, action = std::move(action)] { selected_ = action; });
}

Result<std::optional<core::Instant>> parse_optional_time(const std::string& option,
                                                         const std::string& text) {
  if (text.empty()) return std::optional<core::Instant>();
  Result<core::Instant> parsed = core::parse_instant(text);
  if (!parsed) return invalid_argument(option + ": " + parsed.error().message());
  return std::optional<core::Instant>(*parsed);
}

Result<std::string> read_input_file(const std::string& what, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid_argument("cannot read " + what + " '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return invalid_argument("cannot read " + what + " '" + path + "'");
  return text.str();
}

Result<InputText> read_input_or_stdin(const std::string& what, const std::string& path) {
  if (path != "-") {
    ALIQUOT_ASSIGN_OR_RETURN(std::string text, read_input_file(what, path));
    return InputText{path, std::move(text)};
  }
  std::string text(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>{});
  if (std::cin.bad()) return invalid_argument("cannot read " + what + " from standard input");
  return InputText{"standard input", std::move(text)};
}

Error file_problems(const std::string& name, const std::vector<Error>& diagnostics) {
  const std::size_t count = diagnostics.size();
  std::string message =
      name + " has " + std::to_string(count) + (count == 1 ? " problem:" : " problems:");
  for (const Error& diagnostic : diagnostics) message += "\n  " + diagnostic.to_string();
  return invalid_argument(message);
}

Result<catalog::Catalog> catalog_or_default(const std::string& file) {
  catalog::LoadOutcome outcome =
      file.empty()
          ? catalog::load_catalog(catalog::default_catalog_text(), catalog::kDefaultCatalogFileName)
          : catalog::load_catalog_file(file);
  if (outcome.catalog) return std::move(*outcome.catalog);
  const std::size_t count = outcome.diagnostics.size();
  std::string message = (file.empty() ? std::string(catalog::kDefaultCatalogFileName) : file) +
                        " has " + std::to_string(count) + (count == 1 ? " problem:" : " problems:");
  for (const catalog::Diagnostic& diagnostic : outcome.diagnostics) {
    message += "\n  " + diagnostic.to_string();
  }
  return invalid_argument(message);
}

rules::LoadOutcome rules_or_default(const std::string& file, const catalog::Catalog& menu) {
  if (file.empty()) {
    return rules::load_rules(rules::default_rules_text(), rules::kDefaultRulesFileName, menu);
  }
  return rules::load_rules_file(file, menu);
}

nlohmann::json diagnostics_json(const std::vector<Error>& diagnostics) {
  nlohmann::json out = nlohmann::json::array();
  for (const Error& diagnostic : diagnostics) {
    const SourcePosition& where = *diagnostic.position();
    out.push_back({{"file", where.file},
                   {"line", where.line},
                   {"column", where.column},
                   {"message", diagnostic.message()}});
  }
  return out;
}

void report_problems(Session& session, const std::string& name,
                     const std::vector<Error>& diagnostics) {
  if (!session.json()) {
    for (const Error& diagnostic : diagnostics) session.out() << diagnostic.to_string() << "\n";
  }
  const std::size_t count = diagnostics.size();
  session.report_finding(invalid_argument(name + ": " + std::to_string(count) +
                                          (count == 1 ? " problem" : " problems")));
}

}  // namespace aliquot::cli
