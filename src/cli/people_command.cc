#include "cli/people_command.h"

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "people/competency.h"
#include "people/competency_log.h"
#include "people/requirements.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

constexpr const char* kCompetencyFooter =
    R"(FILE is a CSV file (- for standard input) with a header row naming the columns person,
test_system, event and date (any order; other columns are ignored), then one row per event:
  person,test_system,event,date
  jdoe,CHEM-ANALYZER,started,2026-01-15
  jdoe,CHEM-ANALYZER,assessed,2026-07-10
  jdoe,CHEM-ANALYZER,method-changed,2026-10-01
started: the first day the person tested patient specimens on the system (one per person and
system; assessments before it were training and do not count). assessed: a complete assessment of
the six CLIA elements. method-changed: a new method or instrument on the system.

CLIA (42 CFR 493.1451(b)(8), 493.1235) asks for an assessment twice in the first year (due 6
and 12 months after the start), annually after that (12 months after the last one), and before
reporting with a new method or instrument. For each person and system, on the day --on (default
today, UTC), prints the status: current; due-soon (due within --warn-days, or today);
overdue (the due day has passed); needed-for-new-method (not assessed since the last change).
Only current and due-soon may report results on the system. Events after --on are left out.

With --json: {"on", "warn_days", "entries":[{"person", "test_system", "status", "may_report",
"due", "requirement", "last_assessed"}]}. Exit status 0 when the file was read, whatever the
statuses; 2 when the file or an option cannot be read.)";

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

struct CompetencyOptions {
  std::string file;
  std::string on;
  int warn_days = 30;
};

Result<core::Date> day_of(const Session& session, const std::string& on) {
  if (on.empty()) {
    return core::Date(std::chrono::floor<std::chrono::days>(session.clock().now()));
  }
  Result<core::Date> parsed = core::parse_date(on);
  if (!parsed.has_value()) return invalid_argument("--on: " + parsed.error().message());
  return parsed;
}

Result<std::vector<people::PersonOnSystem>> read_log(const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const InputText input, read_input_or_stdin("competency log", file));
  people::CompetencyLog log = people::read_competency_log(input.text, input.name);
  if (!log.entries) return file_problems(input.name, log.diagnostics);
  return std::move(*log.entries);
}

Result<void> run_competency(Session& session, const CompetencyOptions& options) {
  if (options.warn_days < 0) return invalid_argument("--warn-days must be 0 or more");
  ALIQUOT_ASSIGN_OR_RETURN(const core::Date on, day_of(session, options.on));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<people::PersonOnSystem> entries,
                           read_log(options.file));

  nlohmann::json rows = nlohmann::json::array();
  report::TextTable table(
      {"Person", "Test system", "Status", "Due", "Requirement", "Last assessed"});
  std::size_t may_not_report = 0;
  for (const people::PersonOnSystem& entry : entries) {
    const people::CompetencyStatus status =
        people::competency_status(entry.history, on, options.warn_days);
    may_not_report += !status.may_report();
    const std::string last = status.last_assessed ? core::format_date(*status.last_assessed) : "";
    rows.push_back(
        {{"person", entry.person},
         {"test_system", entry.test_system},
         {"status", std::string(people::to_code(status.state))},
         {"may_report", status.may_report()},
         {"due", core::format_date(status.due)},
         {"requirement", status.requirement},
         {"last_assessed", last.empty() ? nlohmann::json(nullptr) : nlohmann::json(last)}});
    table.add_row({entry.person, entry.test_system, std::string(people::to_code(status.state)),
                   core::format_date(status.due), status.requirement, last.empty() ? "-" : last});
  }
  if (session.json()) {
    session.set_json(
        {{"on", core::format_date(on)}, {"warn_days", options.warn_days}, {"entries", rows}});
    return ok();
  }
  session.out() << "competency on " << core::format_date(on) << "\n" << table.render();
  session.out() << entries.size()
                << (entries.size() == 1 ? " person-system: " : " person-systems: ")
                << entries.size() - may_not_report << " may report, " << may_not_report
                << " may not\n";
  return ok();
}

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

void add_requirements_commands(CLI::App& people, CommandSelection& selection) {
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
}

void add_competency_command(CLI::App& people, CommandSelection& selection) {
  auto options = std::make_shared<CompetencyOptions>();
  CLI::App* command = people.add_subcommand(
      "competency", "whose competency on which test system is current, due or overdue");
  command->footer(kCompetencyFooter);
  command->add_option("FILE", options->file, "CSV file of competency events, - for standard input")
      ->required()
      ->type_name("");
  command->add_option("--on", options->on, "the day to judge (YYYY-MM-DD; default today, UTC)")
      ->type_name("DATE");
  command
      ->add_option("--warn-days", options->warn_days,
                   "days before the due date from which it is due-soon (default 30)")
      ->type_name("N");
  selection.bind(command,
                 [options](Session& session) { return run_competency(session, *options); });
}

}  // namespace

void add_people_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* people = app.add_subcommand(
      "people", "the lab's people: competency on test systems and the requirements they must meet");
  people->require_subcommand(1);
  add_competency_command(*people, selection);
  add_requirements_commands(*people, selection);
}

}  // namespace aliquot::cli
