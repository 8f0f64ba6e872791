// `aliquot people competency FILE`: whose competency on which test system is due
// (people/competency.h).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/people_command.h"
#include "people/competency.h"
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

struct CompetencyOptions {
  std::string file;
  std::string on;
  int warn_days = 30;
};

Result<void> run_competency(Session& session, const CompetencyOptions& options) {
  if (options.warn_days < 0) return invalid_argument("--warn-days must be 0 or more");
  ALIQUOT_ASSIGN_OR_RETURN(const core::Date on, day_or_today(session, options.on));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<people::PersonOnSystem> entries,
                           read_competency_log_file(options.file));

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

}  // namespace

void add_people_competency_command(CLI::App& people, CommandSelection& selection) {
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

}  // namespace aliquot::cli
