// `aliquot people ce` and `aliquot people ce-rules check|show|load`: continuing education towards
// keeping a certification (people/ce_progress.h, people/continuing_education.h).

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/people_command.h"
#include "lab/people_json.h"
#include "lab/personnel_setup.h"
#include "people/ce_log.h"
#include "people/ce_progress.h"
#include "people/continuing_education.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

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
file:line:column: message and exits with status 1; show prints the rules of --file, of the lab
(--lab: the version loaded with `ce-rules load`, or the built-in ones when it has loaded none), or
the built-in catalog/continuing_education.toml, with the programs not yet verified against their
source marked; load makes a checked file the lab's rules, audited. With --json: {"name", "version", "categories":[{"code", "name"}],
"programs":[{"name", "source", "credentials", "cycle_years", "points", "verify",
"minimums":[{"category", "points"}]}]}; check adds "file", "ok" and "diagnostics".)";

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
  std::vector<core::CeActivity> mine;
  for (core::CeActivity& activity : *log.activities) {
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
    for (const core::CeActivity& activity : mine) {
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
    session.set_json({{"file", file},
                      {"ok", load.diagnostics.empty()},
                      {"diagnostics", diagnostics_json(load.diagnostics)},
                      {"rules", load.rules ? lab::to_json(*load.rules) : nlohmann::json(nullptr)}});
  }
  if (!load.rules) {
    report_problems(session, file, load.diagnostics);
    return ok();
  }
  if (!session.json()) session.out() << file << ": ok, " << ce_rules_text(*load.rules);
  return ok();
}

struct CeRulesShowOptions {
  std::string file;
  bool lab = false;
};

Result<void> run_ce_rules_show(Session& session, const CeRulesShowOptions& options) {
  if (options.lab && !options.file.empty()) return invalid_argument("--file or --lab, not both");
  std::optional<people::CeRules> rules;
  std::string from = options.file.empty() ? "default" : options.file;
  if (options.lab) {
    ALIQUOT_ASSIGN_OR_RETURN(const people::CeRules* in_force, session.ce_rules());
    rules = *in_force;
    from = in_force == &people::default_ce_rules() ? "default" : "lab";
  } else {
    ALIQUOT_ASSIGN_OR_RETURN(rules, ce_rules_from(options.file));
  }
  if (session.json()) {
    nlohmann::json body = lab::to_json(*rules);
    body["source"] = from;
    session.set_json(body);
  } else {
    if (options.lab) {
      session.out() << (from == "lab" ? "the lab's own rules\n"
                                      : "the built-in rules (the lab has loaded none)\n");
    }
    session.out() << ce_rules_text(*rules);
  }
  return ok();
}

Result<void> run_ce_rules_load(Session& session, const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text,
                           read_input_file("continuing education rules file", file));
  ALIQUOT_ASSIGN_OR_RETURN(store::Store * lab_store, session.store());
  ALIQUOT_RETURN_IF_ERROR(lab::load_ce_rules_version(*lab_store, session.clock(),
                                                     session.options().username, text, file));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<people::CeRules> loaded,
                           lab::current_ce_rules(*lab_store));
  if (!loaded) return internal_error("the rules just loaded are not in force");
  if (session.json()) {
    nlohmann::json body = lab::to_json(*loaded);
    body["file"] = file;
    session.set_json(body);
  } else {
    session.out() << "loaded " << loaded->name() << " " << loaded->version() << " from " << file
                  << "; CE activities are recorded and counted under them from now on\n"
                  << ce_rules_text(*loaded);
  }
  return ok();
}

}  // namespace

Result<people::CeRules> ce_rules_from(const std::string& file) {
  if (file.empty()) return people::default_ce_rules();
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text,
                           read_input_file("continuing education rules file", file));
  people::CeRulesLoad load = people::load_ce_rules(text, file);
  if (!load.rules) return file_problems(file, load.diagnostics);
  return std::move(*load.rules);
}

void add_people_ce_commands(CLI::App& people, CommandSelection& selection) {
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
  auto shown = std::make_shared<CeRulesShowOptions>();
  CLI::App* show = group->add_subcommand("show", "show the continuing education rules in force");
  show->add_option("--file", shown->file, "a rules file instead of the built-in one")
      ->type_name("FILE");
  show->add_flag("--lab", shown->lab, "the rules in force in the lab database");
  selection.bind(show, [shown](Session& session) { return run_ce_rules_show(session, *shown); });
  auto loaded_file = std::make_shared<std::string>();
  CLI::App* load = group->add_subcommand(
      "load", "load the lab's own continuing education rules (supervisors, pathologists, admins)");
  load->add_option("FILE", *loaded_file, "continuing education rules TOML file")
      ->required()
      ->type_name("");
  selection.bind(
      load, [loaded_file](Session& session) { return run_ce_rules_load(session, *loaded_file); });
}

}  // namespace aliquot::cli
