#include "cli/people_command.h"

#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "lab/people_records.h"
#include "people/competency_log.h"
#include "people/person_file.h"

namespace aliquot::cli {

Result<core::Date> day_or_today(const Session& session, const std::string& on) {
  if (on.empty()) {
    return core::Date(std::chrono::floor<std::chrono::days>(session.clock().now()));
  }
  Result<core::Date> parsed = core::parse_date(on);
  if (!parsed.has_value()) return invalid_argument("--on: " + parsed.error().message());
  return parsed;
}

Result<std::vector<people::PersonOnSystem>> read_competency_log_file(const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const InputText input, read_input_or_stdin("competency log", file));
  people::CompetencyLog log = people::read_competency_log(input.text, input.name);
  if (!log.entries) return file_problems(input.name, log.diagnostics);
  return std::move(*log.entries);
}

Result<core::PersonRecord> read_person_record(const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text, read_input_file("person file", file));
  people::PersonFile read = people::read_person_file(text, file);
  if (!read.person) return file_problems(file, read.diagnostics);
  return std::move(*read.person);
}

Result<core::PersonRecord> person_from_file_or_lab(Session& session, const std::string& person) {
  std::error_code ignored;
  if (person.ends_with(".toml") || person.find('/') != std::string::npos || person == "-" ||
      std::filesystem::exists(person, ignored)) {
    return read_person_record(person);
  }
  core::PersonRecord record;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(lab::PersonSummary summary,
                                 lab::person_summary(tx, ctx, person, 0));
        record = std::move(summary.person);
        return ok();
      },
      std::nullopt));
  return record;
}

void add_people_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* people = app.add_subcommand(
      "people", "the lab's people: qualification, competency, continuing education, eligibility");
  people->require_subcommand(1);
  add_people_competency_command(*people, selection);
  add_people_requirements_commands(*people, selection);
  add_people_ce_commands(*people, selection);
  add_people_eligibility_commands(*people, selection);
  add_people_expiring_command(*people, selection);
  add_people_export_command(*people, selection);
  add_people_lab_commands(*people, selection);
}

}  // namespace aliquot::cli
