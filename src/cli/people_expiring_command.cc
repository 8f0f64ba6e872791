// `aliquot people expiring`: the staff dashboard's list of certifications, licences and
// competencies that lapse within 30, 60 or 90 days, or have lapsed (people/expiring.h), as a
// table, JSON or CSV for an inspection.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/people_command.h"
#include "core/csv.h"
#include "lab/lab_time_zone.h"
#include "lab/people_json.h"
#include "lab/people_records.h"
#include "people/expiring.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

constexpr const char* kExpiringFooter =
    R"(PERSON... are people's records as TOML files (as for `people eligibility`); --competency LOG
a CSV of competency events (as for `people competency`). Without PERSON or --competency, the
lab's own records (`people save`, `people competency-event`), on the lab's today by default
(supervisors, pathologists and admins). Lists every certification and licence
that expires, and every competency assessment that falls due, within --within days (default 90;
30 and 60 are the dashboard's other windows) of --on (default today, UTC), and every one that has
already lapsed, soonest first. A credential is valid through its expiry day: 0 days left is the
last valid day, -1 the first day lapsed.
--csv prints person,kind,what,due,days_left for a spreadsheet or an inspection.
With --json: {"on", "within", "items":[{"person", "kind", "what", "due", "days_left"}]}.)";

struct ExpiringOptions {
  std::vector<std::string> files;
  std::string competency;
  std::string on;
  int within = 90;
  bool csv = false;
};

Result<std::vector<people::ExpiringItem>> expiring_from_files(const ExpiringOptions& options,
                                                              core::Date on) {
  std::vector<core::PersonRecord> records;
  for (const std::string& file : options.files) {
    ALIQUOT_ASSIGN_OR_RETURN(core::PersonRecord record, read_person_record(file));
    records.push_back(std::move(record));
  }
  std::vector<people::PersonOnSystem> log;
  if (!options.competency.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(log, read_competency_log_file(options.competency));
  }
  return people::expiring_within(records, log, on, options.within);
}

Result<void> print_expiring(Session& session, const ExpiringOptions& options, core::Date on,
                            const std::vector<people::ExpiringItem>& items) {
  if (session.json()) {
    nlohmann::json rows = nlohmann::json::array();
    for (const people::ExpiringItem& item : items) rows.push_back(lab::to_json(item));
    session.set_json({{"on", core::format_date(on)}, {"within", options.within}, {"items", rows}});
    return ok();
  }
  if (options.csv) {
    session.out() << core::csv_line({"person", "kind", "what", "due", "days_left"});
    for (const people::ExpiringItem& item : items) {
      session.out() << core::csv_line({item.person, std::string(people::to_code(item.kind)),
                                       item.what, core::format_date(item.due),
                                       std::to_string(item.days_left)});
    }
    return ok();
  }
  report::TextTable table({"Person", "Kind", "What", "Due", "Days left"});
  table.align(4, report::Alignment::kRight);
  for (const people::ExpiringItem& item : items) {
    table.add_row({item.person, std::string(people::to_code(item.kind)), item.what,
                   core::format_date(item.due),
                   item.days_left < 0 ? "lapsed" : std::to_string(item.days_left)});
  }
  session.out() << "lapsing within " << options.within << " days of " << core::format_date(on)
                << "\n"
                << table.render() << items.size() << (items.size() == 1 ? " item\n" : " items\n");
  return ok();
}

Result<void> run_expiring(Session& session, const ExpiringOptions& options) {
  if (options.within < 0) return invalid_argument("--within must be 0 or more");
  ALIQUOT_ASSIGN_OR_RETURN(core::Date on, day_or_today(session, options.on));
  std::vector<people::ExpiringItem> items;
  if (options.files.empty() && options.competency.empty()) {
    ALIQUOT_RETURN_IF_ERROR(session.read(
        [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
          std::optional<core::Date> asked;
          if (!options.on.empty()) {
            asked = on;
          } else {
            ALIQUOT_ASSIGN_OR_RETURN(on, lab::lab_day(tx, ctx.clock.now()));
          }
          ALIQUOT_ASSIGN_OR_RETURN(items,
                                   lab::expiring_qualifications(tx, ctx, asked, options.within));
          return ok();
        },
        std::nullopt));
  } else {
    ALIQUOT_ASSIGN_OR_RETURN(items, expiring_from_files(options, on));
  }
  return print_expiring(session, options, on, items);
}

}  // namespace

void add_people_expiring_command(CLI::App& people, CommandSelection& selection) {
  auto options = std::make_shared<ExpiringOptions>();
  CLI::App* command = people.add_subcommand(
      "expiring", "certifications, licences and competencies lapsing within 30/60/90 days");
  command->footer(kExpiringFooter);
  command->add_option("PERSON", options->files, "people's records (TOML); none: the lab's")
      ->type_name("");
  command->add_option("--competency", options->competency, "CSV of competency events")
      ->type_name("LOG");
  command->add_option("--within", options->within, "days ahead (default 90)")->type_name("N");
  command->add_option("--on", options->on, "the day (YYYY-MM-DD; default today, UTC)")
      ->type_name("DATE");
  command->add_flag("--csv", options->csv, "CSV for a spreadsheet or an inspection");
  selection.bind(command, [options](Session& session) { return run_expiring(session, *options); });
}

}  // namespace aliquot::cli
