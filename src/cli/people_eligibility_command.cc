// `aliquot people eligibility` and `aliquot people routes check`: which certifications a person may
// sit for, by which route (people/eligibility.h).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/people_command.h"
#include "lab/people_json.h"
#include "people/eligibility.h"

namespace aliquot::cli {
namespace {

constexpr const char* kEligibilityFooter =
    R"(PERSON is the username of a person whose record the lab keeps (`people save`), or a
person's record as a TOML file: [person] id, name, role; [education] degree
(none, associate, baccalaureate, master, doctorate), semester_hours_total, semester_hours
(per subject: { biology = 20, chemistry = 8 }), [[education.program]] kind ("NAACLS-MLT") and
completed, [[education.military_course]] kind and completed, [[education.experience]]
laboratory, from, to (none: continuing), full_time_share (default 1) and areas ("chemistry",
...), experience_months (experience known only as months, without dates); [[certification]]
credential, number, issued, expires; [[licence]] state, type, number, expires.

For every route of --credential (every credential when none is given) in the routes file (the
built-in catalog/certification_routes.toml, or --routes FILE), prints on --on (default today,
UTC) whether the person is eligible, or what is still missing:
  MLS(ASCP) route 2: needs 8 more semester hours of chemistry and 11 more months of full-time
  clinical experience (met on 2027-10-24 if the present work continues)
Experience counts each period's days at its share of full time (a day at most once); a route may
count only recent years and need named areas. Routes marked (verify) have not yet been checked against the certifying body's current pages;
the conditions after "to confirm:" are what a record cannot show, for someone to check.
With --json: {"person", "on", "routes":[{"credential", "route", "summary", "verify", "eligible",
"missing", "confirm", "experience_months", "experience_met_on"}]}. Exit status 0 whatever the answer; 2 when a file or an option cannot be read.)";

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
  ALIQUOT_ASSIGN_OR_RETURN(const core::Date on, day_or_today(session, options.on));
  ALIQUOT_ASSIGN_OR_RETURN(const core::PersonRecord person,
                           person_from_file_or_lab(session, options.file));
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
    for (const people::RouteAnswer& answer : answers) rows.push_back(lab::to_json(answer));
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

}  // namespace

void add_people_eligibility_commands(CLI::App& people, CommandSelection& selection) {
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

  CLI::App* routes = people.add_subcommand("routes", "the certification routes, as data");
  routes->require_subcommand(1);
  auto checked = std::make_shared<std::string>();
  CLI::App* check = routes->add_subcommand("check", "check a certification routes file");
  check->add_option("FILE", *checked, "the file to check")->required()->type_name("");
  selection.bind(check,
                 [checked](Session& session) { return run_routes_check(session, *checked); });
}

}  // namespace aliquot::cli
