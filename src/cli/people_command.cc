#include "cli/people_command.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "people/ce_log.h"
#include "people/ce_progress.h"
#include "people/competency.h"
#include "people/competency_log.h"
#include "people/continuing_education.h"
#include "people/eligibility.h"
#include "people/person_file.h"
#include "people/qualification.h"
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

constexpr const char* kCeFooter =
    R"(FILE is a CSV file (- for standard input) of continuing-education activities with a header row
naming the columns person, date, category and points (any order), optionally provider and title:
  person,date,category,points,provider,title
  jdoe,2025-01-10,chemistry,1.5,ASCLS,Lipid testing update
Each category must be one of the continuing-education rules' categories (`aliquot people ce-rules
show`). Counts the activities of --person dated within the cycle of --credential that starts on
--cycle-start (the certification's issue or last renewal date) and lasts the program's years,
against the program's points and its minimum per category (ASCP CMP: 36 points per 3 years, 1 in
laboratory or patient safety and 2 each in blood banking, chemistry, hematology and
microbiology). Prints the points earned, per category and in all, and what is still needed.
With --json: {"person", "credential", "program", "verify", "cycle_start", "cycle_end", "earned",
"needed", "still_needed", "met", "minimums":[{"category", "name", "earned", "needed"}],
"missing":[...], "activities":[{"date", "category", "points", "provider", "title"}]}, the
activities that count (those of the cycle).
Exit status 0 whether or not the requirement is met; 1 when no program maintains the credential;
2 when the file or an option cannot be read.)";

constexpr const char* kCeRulesFooter =
    R"(check FILE prints every problem of a continuing-education rules file as
file:line:column: message and exits with status 1; show prints the rules in force (--file, or the
built-in catalog/continuing_education.toml) with the programs not yet verified against their
source marked. With --json: {"name", "version", "categories":[{"code", "name"}],
"programs":[{"name", "source", "credentials", "cycle_years", "points", "verify",
"minimums":[{"category", "points"}]}]}; check adds "file", "ok" and "diagnostics".)";

constexpr const char* kEligibilityFooter =
    R"(PERSON is a person's record as a TOML file: [person] id, name, role; [education] degree
(none, associate, baccalaureate, master, doctorate), semester_hours_total, semester_hours
(per subject: { biology = 20, chemistry = 8 }), military_courses, experience_months (full-time
clinical laboratory experience), [[education.program]] kind ("NAACLS-MLT") and completed;
[[certification]] credential, number, issued, expires; [[licence]] state, type, number, expires.

For every route of --credential (every credential when none is given) in the routes file (the
built-in catalog/certification_routes.toml, or --routes FILE), prints on --on (default today,
UTC) whether the person is eligible, or what is still missing:
  MLS(ASCP) route 2: needs 8 more semester hours of chemistry and 11 more months of full-time
  clinical experience
Routes marked (verify) have not yet been checked against the certifying body's current pages.
With --json: {"person", "on", "routes":[{"credential", "route", "summary", "verify", "eligible",
"missing"}]}. Exit status 0 whatever the answer; 2 when a file or an option cannot be read.)";

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

Result<people::CeRules> ce_rules_from(const std::string& file) {
  if (file.empty()) return people::default_ce_rules();
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text,
                           read_input_file("continuing education rules file", file));
  people::CeRulesLoad load = people::load_ce_rules(text, file);
  if (!load.rules) return file_problems(file, load.diagnostics);
  return std::move(*load.rules);
}

nlohmann::json ce_rules_json(const people::CeRules& rules) {
  nlohmann::json categories = nlohmann::json::array();
  for (const people::CeCategory& category : rules.categories()) {
    categories.push_back({{"code", category.code}, {"name", category.name}});
  }
  nlohmann::json programs = nlohmann::json::array();
  for (const people::CeProgram& program : rules.programs()) {
    nlohmann::json minimums = nlohmann::json::array();
    for (const people::CeMinimum& minimum : program.minimums) {
      minimums.push_back({{"category", minimum.category}, {"points", minimum.points}});
    }
    programs.push_back({{"name", program.name},
                        {"source", program.source},
                        {"credentials", program.credentials},
                        {"cycle_years", program.cycle_years},
                        {"points", program.points},
                        {"verify", program.verify},
                        {"minimums", minimums}});
  }
  return {{"name", rules.name()},
          {"version", rules.version()},
          {"categories", categories},
          {"programs", programs}};
}

std::string ce_rules_text(const people::CeRules& rules) {
  std::string out = rules.name() + " version " + rules.version() + "\n";
  report::TextTable table({"Program", "Credentials", "Cycle", "Points", "Minimums"});
  for (const people::CeProgram& program : rules.programs()) {
    std::vector<std::string> minimums;
    for (const people::CeMinimum& minimum : program.minimums) {
      minimums.push_back(number_text(minimum.points) + " " + minimum.category);
    }
    table.add_row({program.name + (program.verify ? " (verify)" : ""), join(program.credentials),
                   std::to_string(program.cycle_years) + " years", number_text(program.points),
                   minimums.empty() ? "-" : join(minimums)});
  }
  out += table.render();
  std::vector<std::string> codes;
  for (const people::CeCategory& category : rules.categories()) codes.push_back(category.code);
  out += "Categories: " + join(codes) + "\n";
  if (std::any_of(rules.programs().begin(), rules.programs().end(),
                  [](const people::CeProgram& program) { return program.verify; })) {
    out += "(verify): not yet checked against the certifying body's current rules\n";
  }
  return out;
}

struct CeOptions {
  std::string file;
  std::string person;
  std::string credential;
  std::string cycle_start;
  std::string rules_file;
};

Result<void> run_ce(Session& session, const CeOptions& options) {
  const Result<core::Date> start = core::parse_date(options.cycle_start);
  if (!start.has_value()) return invalid_argument("--cycle-start: " + start.error().message());
  ALIQUOT_ASSIGN_OR_RETURN(const people::CeRules rules, ce_rules_from(options.rules_file));
  const people::CeProgram* program = rules.program_for(options.credential);
  if (program == nullptr) {
    std::vector<std::string> known;
    for (const people::CeProgram& each : rules.programs()) {
      known.insert(known.end(), each.credentials.begin(), each.credentials.end());
    }
    return failed_precondition("no continuing-education program maintains " +
                               core::in_quotes(options.credential) + " (the rules know " +
                               join(known) + ")");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const InputText input,
                           read_input_or_stdin("continuing education file", options.file));
  people::CeLog log = people::read_ce_log(input.text, input.name, rules);
  if (!log.activities) return file_problems(input.name, log.diagnostics);
  std::vector<people::CeActivity> mine;
  for (people::CeActivity& activity : *log.activities) {
    if (activity.person == options.person) mine.push_back(std::move(activity));
  }
  const people::CeProgress progress = people::ce_progress(rules, *program, mine, *start);

  if (session.json()) {
    nlohmann::json minimums = nlohmann::json::array();
    for (const people::CeCategoryProgress& minimum : progress.minimums) {
      minimums.push_back({{"category", minimum.category},
                          {"name", minimum.name},
                          {"earned", minimum.earned},
                          {"needed", minimum.needed}});
    }
    nlohmann::json activities = nlohmann::json::array();
    for (const people::CeActivity& activity : mine) {
      if (activity.date < progress.cycle_start || activity.date > progress.cycle_end) continue;
      activities.push_back({{"date", core::format_date(activity.date)},
                            {"category", activity.category},
                            {"points", activity.points},
                            {"provider", activity.provider},
                            {"title", activity.title}});
    }
    session.set_json({{"person", options.person},
                      {"credential", options.credential},
                      {"program", program->name},
                      {"verify", program->verify},
                      {"cycle_start", core::format_date(progress.cycle_start)},
                      {"cycle_end", core::format_date(progress.cycle_end)},
                      {"earned", progress.earned},
                      {"needed", progress.needed},
                      {"still_needed", progress.still_needed},
                      {"met", progress.met()},
                      {"minimums", minimums},
                      {"missing", progress.missing},
                      {"activities", activities}});
    return ok();
  }
  session.out() << options.person << ", " << options.credential << ": " << program->name
                << (program->verify ? " (verify)" : "") << ", cycle "
                << core::format_date(progress.cycle_start) << " to "
                << core::format_date(progress.cycle_end) << "\n";
  report::TextTable table({"Category", "Earned", "Needed"});
  table.align(1, report::Alignment::kRight);
  table.align(2, report::Alignment::kRight);
  for (const people::CeCategoryProgress& minimum : progress.minimums) {
    table.add_row({minimum.name, number_text(minimum.earned), number_text(minimum.needed)});
  }
  table.add_row({"all categories", number_text(progress.earned), number_text(progress.needed)});
  session.out() << table.render();
  if (progress.met()) {
    session.out() << "met\n";
  } else {
    session.out() << "still needed: " << join(progress.missing) << "\n";
  }
  return ok();
}

Result<void> run_ce_rules_check(Session& session, const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text,
                           read_input_file("continuing education rules file", file));
  people::CeRulesLoad load = people::load_ce_rules(text, file);
  if (session.json()) {
    session.set_json(
        {{"file", file},
         {"ok", load.diagnostics.empty()},
         {"diagnostics", diagnostics_json(load.diagnostics)},
         {"rules", load.rules ? ce_rules_json(*load.rules) : nlohmann::json(nullptr)}});
  }
  if (!load.rules) {
    report_problems(session, file, load.diagnostics);
    return ok();
  }
  if (!session.json()) session.out() << file << ": ok, " << ce_rules_text(*load.rules);
  return ok();
}

Result<void> run_ce_rules_show(Session& session, const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const people::CeRules rules, ce_rules_from(file));
  if (session.json()) {
    nlohmann::json body = ce_rules_json(rules);
    body["source"] = file.empty() ? "default" : file;
    session.set_json(body);
  } else {
    session.out() << ce_rules_text(rules);
  }
  return ok();
}

void add_ce_commands(CLI::App& people, CommandSelection& selection) {
  auto options = std::make_shared<CeOptions>();
  CLI::App* command = people.add_subcommand(
      "ce", "continuing education towards keeping a certification, and what is still needed");
  command->footer(kCeFooter);
  command->add_option("FILE", options->file, "CSV file of CE activities, - for standard input")
      ->required()
      ->type_name("");
  command->add_option("--person", options->person, "whose activities count")
      ->required()
      ->type_name("PERSON");
  command->add_option("--credential", options->credential, "the certification, e.g. MLS(ASCP)")
      ->required()
      ->type_name("CREDENTIAL");
  command
      ->add_option("--cycle-start", options->cycle_start,
                   "the first day of the cycle (issue or last renewal)")
      ->required()
      ->type_name("DATE");
  command->add_option("--ce-rules", options->rules_file, "a CE rules file instead of the built-in")
      ->type_name("FILE");
  selection.bind(command, [options](Session& session) { return run_ce(session, *options); });

  CLI::App* group = people.add_subcommand(
      "ce-rules", "the continuing education each certification asks for, as data");
  group->footer(kCeRulesFooter);
  group->require_subcommand(1);
  auto checked = std::make_shared<std::string>();
  CLI::App* check = group->add_subcommand("check", "check a continuing education rules file");
  check->add_option("FILE", *checked, "the file to check")->required()->type_name("");
  selection.bind(check,
                 [checked](Session& session) { return run_ce_rules_check(session, *checked); });
  auto shown_file = std::make_shared<std::string>();
  CLI::App* show = group->add_subcommand("show", "show the continuing education rules in force");
  show->add_option("--file", *shown_file, "a rules file instead of the built-in one")
      ->type_name("FILE");
  selection.bind(
      show, [shown_file](Session& session) { return run_ce_rules_show(session, *shown_file); });
}

Result<people::PersonRecord> person_from(const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text, read_input_file("person file", file));
  people::PersonFile read = people::read_person_file(text, file);
  if (!read.person) return file_problems(file, read.diagnostics);
  return std::move(*read.person);
}

struct EligibilityOptions {
  std::string file;
  std::string credential;
  std::string on;
  std::string routes_file;
};

Result<people::CertificationRoutes> routes_from(const std::string& file) {
  if (file.empty()) return people::default_certification_routes();
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text,
                           read_input_file("certification routes file", file));
  people::RoutesLoad load = people::load_certification_routes(text, file);
  if (!load.routes) return file_problems(file, load.diagnostics);
  return std::move(*load.routes);
}

Result<void> run_eligibility(Session& session, const EligibilityOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::Date on, day_of(session, options.on));
  ALIQUOT_ASSIGN_OR_RETURN(const people::PersonRecord person, person_from(options.file));
  ALIQUOT_ASSIGN_OR_RETURN(const people::CertificationRoutes routes,
                           routes_from(options.routes_file));
  const std::vector<people::RouteAnswer> answers =
      people::check_eligibility(routes, person, on, options.credential);
  if (answers.empty()) {
    return invalid_argument("--credential: the routes file has no route to " +
                            core::in_quotes(options.credential));
  }
  if (session.json()) {
    nlohmann::json rows = nlohmann::json::array();
    for (const people::RouteAnswer& answer : answers) {
      rows.push_back({{"credential", answer.route->credential},
                      {"route", answer.route->number},
                      {"summary", answer.route->summary},
                      {"verify", answer.route->verify},
                      {"eligible", answer.eligible()},
                      {"missing", answer.missing}});
    }
    session.set_json({{"person", person.person}, {"on", core::format_date(on)}, {"routes", rows}});
    return ok();
  }
  session.out() << person.person << (person.name.empty() ? "" : " (" + person.name + ")") << ", on "
                << core::format_date(on) << ":\n";
  for (const people::RouteAnswer& answer : answers) {
    session.out() << "  " << answer.to_string() << (answer.route->verify ? " (verify)" : "")
                  << "\n";
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
  ALIQUOT_ASSIGN_OR_RETURN(const core::Date on, day_of(session, options.on));
  ALIQUOT_ASSIGN_OR_RETURN(const people::PersonRecord person, person_from(options.file));
  ALIQUOT_ASSIGN_OR_RETURN(const people::Requirements requirements,
                           requirements_from(options.requirements_file));
  people::QualificationQuestion question;
  question.section = options.section;
  question.test_system = options.test_system;
  question.lab_state = options.state;
  question.on = on;
  if (!options.competency.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<people::PersonOnSystem> log,
                             read_log(options.competency));
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

Result<void> run_routes_check(Session& session, const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text,
                           read_input_file("certification routes file", file));
  people::RoutesLoad load = people::load_certification_routes(text, file);
  if (session.json()) {
    session.set_json({{"file", file},
                      {"ok", load.diagnostics.empty()},
                      {"diagnostics", diagnostics_json(load.diagnostics)}});
  }
  if (!load.routes) {
    report_problems(session, file, load.diagnostics);
    return ok();
  }
  if (!session.json()) {
    session.out() << file << ": ok, " << load.routes->name() << " version "
                  << load.routes->version() << ", " << load.routes->routes().size() << " routes\n";
  }
  return ok();
}

void add_eligibility_commands(CLI::App& people, CommandSelection& selection) {
  auto eligibility = std::make_shared<EligibilityOptions>();
  CLI::App* command = people.add_subcommand(
      "eligibility",
      "which certifications a person may sit for, by which route, or what is missing");
  command->footer(kEligibilityFooter);
  command->add_option("PERSON", eligibility->file, "the person's record (TOML)")
      ->required()
      ->type_name("");
  command->add_option("--credential", eligibility->credential, "only the routes to this credential")
      ->type_name("CREDENTIAL");
  command->add_option("--on", eligibility->on, "the day (YYYY-MM-DD; default today, UTC)")
      ->type_name("DATE");
  command->add_option("--routes", eligibility->routes_file, "a routes file instead of the built-in")
      ->type_name("FILE");
  selection.bind(
      command, [eligibility](Session& session) { return run_eligibility(session, *eligibility); });

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

  CLI::App* routes = people.add_subcommand("routes", "the certification routes, as data");
  routes->require_subcommand(1);
  auto checked = std::make_shared<std::string>();
  CLI::App* check = routes->add_subcommand("check", "check a certification routes file");
  check->add_option("FILE", *checked, "the file to check")->required()->type_name("");
  selection.bind(check,
                 [checked](Session& session) { return run_routes_check(session, *checked); });
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
  CLI::App* people = app.add_subcommand("people",
                                        "the lab's people: competency on test systems, the "
                                        "requirements they must meet, continuing education");
  people->require_subcommand(1);
  add_competency_command(*people, selection);
  add_requirements_commands(*people, selection);
  add_ce_commands(*people, selection);
  add_eligibility_commands(*people, selection);
}

}  // namespace aliquot::cli
