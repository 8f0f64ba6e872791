#pragma once

// `aliquot people ...`: the lab's people. On files, the way a lab checks its spreadsheets before
// its people are in aliquot: competency (cli/people_competency_command.cc), requirements and
// qualify (cli/people_requirements_command.cc), ce and ce-rules (cli/people_ce_command.cc),
// eligibility and routes (cli/people_eligibility_command.cc), expiring
// (cli/people_expiring_command.cc), export (cli/people_export_command.cc). In the lab's database:
// save, list, show, competency-event, ce-add, exception and policy (cli/people_lab_commands.cc);
// eligibility and expiring read the database when given no file.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/person_record.h"
#include "core/time.h"
#include "people/competency_log.h"
#include "people/continuing_education.h"

namespace aliquot::cli {

void add_people_commands(CLI::App& app, CommandSelection& selection);

// The groups' parts, added to `people`.
void add_people_competency_command(CLI::App& people, CommandSelection& selection);
void add_people_requirements_commands(CLI::App& people, CommandSelection& selection);
void add_people_ce_commands(CLI::App& people, CommandSelection& selection);
void add_people_eligibility_commands(CLI::App& people, CommandSelection& selection);
void add_people_expiring_command(CLI::App& people, CommandSelection& selection);
void add_people_export_command(CLI::App& people, CommandSelection& selection);
void add_people_lab_commands(CLI::App& people, CommandSelection& selection);

// Shared by them.

// The day of --on, or today (UTC) when it is empty; the error names --on.
Result<core::Date> day_or_today(const Session& session, const std::string& on);
// The competency log at `file` (people/competency_log.h), - for standard input.
Result<std::vector<people::PersonOnSystem>> read_competency_log_file(const std::string& file);
// The continuing-education rules of `file`, or the built-in ones when it is empty.
Result<people::CeRules> ce_rules_from(const std::string& file);
// A person's record from a TOML file (people/person_file.h).
Result<core::PersonRecord> read_person_record(const std::string& file);
// `person` read as a file when it names one (an existing file, a name ending in .toml or holding
// a '/'), else as the username of a person whose record the lab keeps.
Result<core::PersonRecord> person_from_file_or_lab(Session& session, const std::string& person);

}  // namespace aliquot::cli
