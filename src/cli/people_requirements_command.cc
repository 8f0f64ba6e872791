// `aliquot people requirements check|show` and `aliquot people qualify`: the personnel requirements
// as data (people/requirements.h) and whether a person meets them (people/qualification.h).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/people_command.h"
#include "people/person_file.h"
#include "people/qualification.h"
#include "people/requirements.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

constexpr const char* kRequirementsCheckFooter =
    R"(Checks a personnel requirements file (the built-in one is catalog/personnel.toml; its
comments describe the schema): every problem is printed as file:line:column: message (an unknown
key or role, a state that is not a two-letter code or is given twice, a review by the role it
reviews) and exits with status 1, as does a [[section]] or [[review]] section that is not a
section of the catalog (--catalog FILE, or the built-in menu). Exits 0 and shows the requirements
when the file is good.
With --json: {"file", "ok", "diagnostics":[{file, line, column, message}], "requirements"}.)";

constexpr const char* kRequirementsShowFooter =
    R"(Shows the personnel requirements of --file, or the built-in ones (catalog/personnel.toml): the
states that license laboratory personnel and from when, what each role needs, the roles each
section is open to and whose results another role reviews.
With --json: {"name", "version", "licensure":[{"state", "effective"}], "roles":[{"role",
"credentials", "licence"}], "sections":[{"section", "roles"}], "reviews":[{"performed_by",
"sections", "reviewed_by"}]}.)";

constexpr const char* kQualifyFooter =
    R"(Whether the person of PERSON (a TOML record, as for `people eligibility`) may perform and
release the tests of --section measured on --test-system, on --on (default today, UTC), in a lab
in --state (a postal code; none outside the US), by the personnel requirements (the built-in
catalog/personnel.toml, or --requirements FILE): the role, a current credential the role needs,
a current licence of the state where the state licenses laboratory personnel, and unexpired
competency on the test system, read from --competency LOG (a CSV of competency events, as for
`people competency`). Prints each requirement that is not met, and the roles that must review
and release the person's results where the lab's policy asks for review.
With --json: {"person", "role", "section", "test_system", "state", "on", "qualified",
"missing":[...], "reviewed_by":[...]}. Exit status 0 when qualified, 1 when not, 2 when a file or
an option cannot be read.)";

nlohmann::json role_codes(const std::vector<core::Role>& roles) {
  nlohmann::json out = nlohmann::json::array();
  for (const core::Role role : roles) out.push_back(std::string(core::to_code(role)));
  return out;
}

std::string role_list(const std::vector<core::Role>& roles) {
  std::vector<std::string> codes;
  for (const core::Role role : roles) codes.emplace_back(core::to_code(role));
  return join(codes);
}

nlohmann::json requirements_json(const people::Requirements& requirements) {
  nlohmann::json licensure = nlohmann::json::array();
  for (const people::LicensureState& state : requirements.licensure()) {
    licensure.push_back(
        {{"state", state.state},
         {"effective", state.effective ? nlohmann::json(core::format_date(*state.effective))
                                       : nlohmann::json(nullptr)}});
  }
  nlohmann::json roles = nlohmann::json::array();
  for (const people::RoleRequirement& role : requirements.roles()) {
    roles.push_back({{"role", std::string(core::to_code(role.role))},
                     {"credentials", role.credentials},
                     {"licence", role.licence}});
  }
  nlohmann::json sections = nlohmann::json::array();
  for (const people::SectionRoles& section : requirements.sections()) {
    sections.push_back({{"section", section.section}, {"roles", role_codes(section.roles)}});
  }
  nlohmann::json reviews = nlohmann::json::array();
  for (const people::ReviewPolicy& review : requirements.reviews()) {
    reviews.push_back({{"performed_by", std::string(core::to_code(review.performed_by))},
                       {"sections", review.sections},
                       {"reviewed_by", role_codes(review.reviewed_by)}});
  }
  return {{"name", requirements.name()}, {"version", requirements.version()},
          {"licensure", licensure},      {"roles", roles},
          {"sections", sections},        {"reviews", reviews}};
}

std::string requirements_text(const people::Requirements& requirements) {
  std::string out = requirements.name() + " version " + requirements.version() + "\n";
  std::vector<std::string> states;
  for (const people::LicensureState& state : requirements.licensure()) {
    states.push_back(state.state +
                     (state.effective ? " from " + core::format_date(*state.effective) : ""));
  }
  out +=
      "States licensing laboratory personnel: " + (states.empty() ? "none" : join(states)) + "\n";
  report::TextTable roles({"Role", "Credentials (any one)", "State licence"});
  for (const people::RoleRequirement& role : requirements.roles()) {
    roles.add_row({std::string(core::to_code(role.role)),
                   role.credentials.empty() ? "none" : join(role.credentials),
                   role.licence ? "where the state requires one" : "no"});
  }
  out += roles.render();
  for (const people::SectionRoles& section : requirements.sections()) {
    out += "Section " + section.section + ": " + role_list(section.roles) + " only\n";
  }
  for (const people::ReviewPolicy& review : requirements.reviews()) {
    out += "Review: " + std::string(core::to_code(review.performed_by)) + " results in " +
           join(review.sections) + " are released by " + role_list(review.reviewed_by) + "\n";
  }
  return out;
}

Result<people::Requirements> requirements_from(const std::string& file) {
  if (file.empty()) return people::default_requirements();
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text,
                           read_input_file("personnel requirements file", file));
  people::RequirementsLoad load = people::load_requirements(text, file);
  if (!load.requirements) return file_problems(file, load.diagnostics);
  return std::move(*load.requirements);
}

// Each section the file names that the catalog does not have, at the line that names it.
std::vector<Error> unknown_sections(const people::Requirements& requirements,
                                    const catalog::Catalog& menu, const std::string& file) {
  std::vector<std::pair<std::string, int>> named;
  for (const people::SectionRoles& section : requirements.sections()) {
    named.emplace_back(section.section, section.line);
  }
  for (const people::ReviewPolicy& review : requirements.reviews()) {
    for (const std::string& section : review.sections) named.emplace_back(section, review.line);
  }
  std::vector<std::string> known;
  for (const catalog::Section& section : menu.sections()) known.push_back(section.code);
  std::vector<Error> problems;
  for (const auto& [section, line] : named) {
    if (menu.find_section(section) != nullptr) continue;
    std::string message =
        "section " + core::in_quotes(section) + " is not a section of the catalog";
    const std::string nearest = core::nearest_spelling(section, known, core::LetterCase::kIgnored);
    if (!nearest.empty()) message += " (did you mean " + core::in_quotes(nearest) + "?)";
    problems.push_back(Error(ErrorCode::kInvalidArgument, message, SourcePosition{file, line, 0}));
  }
  return problems;
}

struct RequirementsCheckOptions {
  std::string file;
  std::string catalog;
};

Result<void> run_requirements_check(Session& session, const RequirementsCheckOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text,
                           read_input_file("personnel requirements file", options.file));
  people::RequirementsLoad load = people::load_requirements(text, options.file);
  std::vector<Error> problems = std::move(load.diagnostics);
  if (load.requirements) {
    ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog menu, catalog_or_default(options.catalog));
    problems = unknown_sections(*load.requirements, menu, options.file);
  }
  const bool good = problems.empty();
  if (session.json()) {
    session.set_json(
        {{"file", options.file},
         {"ok", good},
         {"diagnostics", diagnostics_json(problems)},
         {"requirements", good ? requirements_json(*load.requirements) : nlohmann::json(nullptr)}});
  }
  if (!good) {
    report_problems(session, options.file, problems);
    return ok();
  }
  if (!session.json()) {
    session.out() << options.file << ": ok, " << requirements_text(*load.requirements);
  }
  return ok();
}

Result<void> run_requirements_show(Session& session, const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const people::Requirements requirements, requirements_from(file));
  if (session.json()) {
    nlohmann::json body = requirements_json(requirements);
    body["source"] = file.empty() ? "default" : file;
    session.set_json(body);
  } else {
    session.out() << requirements_text(requirements);
  }
  return ok();
}

struct QualifyOptions {
  std::string file;
  std::string section;
  std::string test_system;
  std::string competency;
  std::string state;
  std::string on;
  std::string requirements_file;
};

Result<void> run_qualify(Session& session, const QualifyOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::Date on, day_or_today(session, options.on));
  ALIQUOT_ASSIGN_OR_RETURN(const core::PersonRecord person, read_person_record(options.file));
  ALIQUOT_ASSIGN_OR_RETURN(const people::Requirements requirements,
                           requirements_from(options.requirements_file));
  people::QualificationQuestion question;
  question.section = options.section;
  question.test_system = options.test_system;
  question.lab_state = options.state;
  question.on = on;
  if (!options.competency.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<people::PersonOnSystem> log,
                             read_competency_log_file(options.competency));
    for (const people::PersonOnSystem& entry : log) {
      if (entry.person == person.person && entry.test_system == options.test_system) {
        question.competency = entry.history;
      }
    }
  }
  const people::QualificationAnswer answer =
      people::check_qualification(requirements, person, question);
  std::vector<std::string> reviewers;
  for (const core::Role role : answer.reviewed_by) reviewers.emplace_back(core::to_code(role));
  if (session.json()) {
    session.set_json({{"person", person.person},
                      {"role", std::string(core::to_code(person.role))},
                      {"section", options.section},
                      {"test_system", options.test_system},
                      {"state", options.state},
                      {"on", core::format_date(on)},
                      {"qualified", answer.qualified()},
                      {"missing", answer.missing},
                      {"reviewed_by", reviewers}});
  } else {
    session.out() << person.person << " (" << core::to_code(person.role) << "), " << options.section
                  << " on " << options.test_system << ", " << core::format_date(on) << ": "
                  << (answer.qualified() ? "qualified" : "not qualified") << "\n";
    for (const std::string& missing : answer.missing) session.out() << "  " << missing << "\n";
    if (!reviewers.empty()) {
      session.out() << "  results are released after review by " << join(reviewers) << "\n";
    }
  }
  if (!answer.qualified()) {
    session.report_finding(failed_precondition(
        person.person + " may not perform or release " + options.section + " tests on " +
        options.test_system + ": " + join(answer.missing, "; ")));
  }
  return ok();
}

}  // namespace

void add_people_requirements_commands(CLI::App& people, CommandSelection& selection) {
  CLI::App* group = people.add_subcommand(
      "requirements", "the credentials, licences and roles the lab requires, as data");
  group->require_subcommand(1);

  auto check = std::make_shared<RequirementsCheckOptions>();
  CLI::App* check_command = group->add_subcommand("check", "check a personnel requirements file");
  check_command->footer(kRequirementsCheckFooter);
  check_command->add_option("FILE", check->file, "the file to check")->required()->type_name("");
  check_command->add_option("--catalog", check->catalog, "catalog whose sections the file may name")
      ->type_name("FILE");
  selection.bind(check_command,
                 [check](Session& session) { return run_requirements_check(session, *check); });

  auto shown_file = std::make_shared<std::string>();
  CLI::App* show_command =
      group->add_subcommand("show", "show the personnel requirements in force");
  show_command->footer(kRequirementsShowFooter);
  show_command->add_option("--file", *shown_file, "a requirements file instead of the built-in one")
      ->type_name("FILE");
  selection.bind(show_command, [shown_file](Session& session) {
    return run_requirements_show(session, *shown_file);
  });

  auto qualify = std::make_shared<QualifyOptions>();
  CLI::App* qualify_command = people.add_subcommand(
      "qualify", "whether a person may perform and release a section's tests, and what is missing");
  qualify_command->footer(kQualifyFooter);
  qualify_command->add_option("PERSON", qualify->file, "the person's record (TOML)")
      ->required()
      ->type_name("");
  qualify_command->add_option("--section", qualify->section, "a catalog section")
      ->required()
      ->type_name("SECTION");
  qualify_command->add_option("--test-system", qualify->test_system, "the instrument or method")
      ->required()
      ->type_name("SYSTEM");
  qualify_command->add_option("--competency", qualify->competency, "CSV of competency events")
      ->type_name("LOG");
  qualify_command->add_option("--state", qualify->state, "the lab's state (postal code)")
      ->type_name("XX");
  qualify_command->add_option("--on", qualify->on, "the day (YYYY-MM-DD; default today, UTC)")
      ->type_name("DATE");
  qualify_command
      ->add_option("--requirements", qualify->requirements_file,
                   "a personnel requirements file instead of the built-in")
      ->type_name("FILE");
  selection.bind(qualify_command,
                 [qualify](Session& session) { return run_qualify(session, *qualify); });
}

}  // namespace aliquot::cli
