// `aliquot people requirements check|show|load` and `aliquot people qualify`: the personnel
// requirements as data (people/requirements.h) and whether a person meets them
// (people/qualification.h).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/people_command.h"
#include "lab/personnel_setup.h"
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
    R"(Shows the personnel requirements of --file, of the lab (--lab: the version loaded with
`requirements load`, or the built-in ones when the lab has loaded none), or the built-in ones
(catalog/personnel.toml): the states that license laboratory personnel and from when, what each
role needs, the roles each section is open to and whose results another role reviews.
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
    problems = lab::unknown_requirement_sections(*load.requirements, menu, options.file);
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

struct ShowSource {
  std::string file;
  bool lab = false;
};

Result<void> run_requirements_show(Session& session, const ShowSource& source) {
  if (source.lab && !source.file.empty()) return invalid_argument("--file or --lab, not both");
  std::optional<people::Requirements> requirements;
  std::string from = source.file.empty() ? "default" : source.file;
  if (source.lab) {
    ALIQUOT_ASSIGN_OR_RETURN(const people::Requirements* in_force, session.personnel());
    requirements = *in_force;
    from = in_force == &people::default_requirements() ? "default" : "lab";
  } else {
    ALIQUOT_ASSIGN_OR_RETURN(requirements, requirements_from(source.file));
  }
  if (session.json()) {
    nlohmann::json body = requirements_json(*requirements);
    body["source"] = from;
    session.set_json(body);
  } else {
    if (source.lab) {
      session.out() << (from == "lab" ? "the lab's own requirements\n"
                                      : "the built-in requirements (the lab has loaded none)\n");
    }
    session.out() << requirements_text(*requirements);
  }
  return ok();
}

// `requirements load FILE`: a new version of the requirements in force in the lab database,
// checked against the lab's catalog; releases are checked against it from the next command on.
Result<void> run_requirements_load(Session& session, const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text,
                           read_input_file("personnel requirements file", file));
  ALIQUOT_ASSIGN_OR_RETURN(store::Store * lab_store, session.store());
  ALIQUOT_RETURN_IF_ERROR(lab::load_personnel_requirements_version(
      *lab_store, session.clock(), session.options().username, text, file));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<people::Requirements> loaded,
                           lab::current_personnel_requirements(*lab_store));
  if (!loaded) return internal_error("the requirements just loaded are not in force");
  if (session.json()) {
    nlohmann::json body = requirements_json(*loaded);
    body["file"] = file;
    session.set_json(body);
  } else {
    session.out() << "loaded " << loaded->name() << " " << loaded->version() << " from " << file
                  << "; qualifications are checked against them from now on\n"
                  << requirements_text(*loaded);
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

  auto shown = std::make_shared<ShowSource>();
  CLI::App* show_command =
      group->add_subcommand("show", "show the personnel requirements in force");
  show_command->footer(kRequirementsShowFooter);
  show_command->add_option("--file", shown->file, "a requirements file instead of the built-in one")
      ->type_name("FILE");
  show_command->add_flag("--lab", shown->lab, "the requirements in force in the lab database");
  selection.bind(show_command,
                 [shown](Session& session) { return run_requirements_show(session, *shown); });

  auto loaded_file = std::make_shared<std::string>();
  CLI::App* load_command = group->add_subcommand(
      "load", "load the lab's own requirements (supervisors, pathologists); checked first");
  load_command->add_option("FILE", *loaded_file, "personnel requirements TOML file")
      ->required()
      ->type_name("");
  selection.bind(load_command, [loaded_file](Session& session) {
    return run_requirements_load(session, *loaded_file);
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
