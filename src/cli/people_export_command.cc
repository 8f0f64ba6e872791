// `aliquot people export FILE`: the inspection export of the lab's people
// (report/staff_workbook.h) as an Excel workbook, or one of its sheets as CSV.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/output_file.h"
#include "cli/people_command.h"
#include "core/text.h"
#include "lab/people_records.h"
#include "report/staff_workbook.h"
#include "report/workbook.h"

namespace aliquot::cli {
namespace {

constexpr const char* kExportFooter =
    R"(Writes what an inspector asks about the lab's people on --on (default the lab's today):
sheets Staff, Credentials (valid or expired, days left), Competency (state per test system, who
may not report), Continuing education (progress in the current cycle against --ce-rules, default
the lab's rules in force), Exceptions (in force or not) and Expiring (lapsed, or lapsing within 30, 60
or 90 days). FILE ending in .xlsx gets every sheet as an Excel workbook; FILE ending in .csv, or
- for standard output, gets the one sheet named by --sheet. The file is replaced whole or not at
all. Supervisors, pathologists and admins.
With --json (not with -): {"file", "format", "on", "sheets":[{"name", "rows"}]}.)";

struct ExportOptions {
  std::string file;
  std::string sheet;
  std::string on;
  std::string ce_rules;
};

enum class ExportFormat { kXlsx, kCsv };

Result<ExportFormat> export_format_of(const ExportOptions& options) {
  const std::string name = core::ascii_lower(options.file);
  ExportFormat format = ExportFormat::kCsv;
  if (name.ends_with(".xlsx")) {
    format = ExportFormat::kXlsx;
  } else if (!name.ends_with(".csv") && options.file != "-") {
    return invalid_argument("FILE '" + options.file +
                            "': name it .xlsx for a workbook or .csv (or -) for one sheet");
  }
  if (format == ExportFormat::kXlsx && !options.sheet.empty()) {
    return invalid_argument("--sheet is for a CSV export; a workbook holds every sheet");
  }
  if (format == ExportFormat::kCsv && options.sheet.empty()) {
    return invalid_argument("a CSV export holds one sheet: name it with --sheet");
  }
  return format;
}

std::string sheet_names(const std::vector<report::Sheet>& sheets) {
  std::vector<std::string> names;
  for (const report::Sheet& sheet : sheets) names.push_back(core::in_quotes(sheet.name));
  return core::join(names);
}

Result<void> run_export(Session& session, const ExportOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const ExportFormat format, export_format_of(options));
  std::optional<core::Date> on;
  if (!options.on.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(on, day_or_today(session, options.on));
  }
  std::optional<people::CeRules> rules;
  if (!options.ce_rules.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(rules, ce_rules_from(options.ce_rules));
  }
  lab::StaffInspection inspection;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(inspection, lab::staff_inspection(tx, ctx, on));
        if (!rules) rules = lab::ce_rules_in_force(ctx);
        return ok();
      },
      std::nullopt));
  std::vector<report::Sheet> sheets = report::staff_workbook(inspection, *rules);

  if (format == ExportFormat::kCsv) {
    const report::Sheet* sheet = report::find_sheet(sheets, options.sheet);
    if (sheet == nullptr) {
      return invalid_argument("--sheet " + core::in_quotes(options.sheet) +
                              ": the export's sheets are " + sheet_names(sheets));
    }
    const report::Sheet chosen = *sheet;
    sheets = {chosen};
    if (options.file == "-") {
      session.out() << report::to_csv(chosen);
      return ok();
    }
    ALIQUOT_RETURN_IF_ERROR(write_output_file("export", options.file, report::to_csv(chosen)));
  } else {
    ALIQUOT_ASSIGN_OR_RETURN(const std::string bytes,
                             report::xlsx_bytes(sheets, report::staff_workbook_properties(
                                                            inspection, session.clock().now())));
    ALIQUOT_RETURN_IF_ERROR(write_output_file("workbook", options.file, bytes));
  }

  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const report::Sheet& sheet : sheets) {
      list.push_back({{"name", sheet.name}, {"rows", sheet.rows.size()}});
    }
    session.set_json({{"file", options.file},
                      {"format", format == ExportFormat::kXlsx ? "xlsx" : "csv"},
                      {"on", core::format_date(inspection.on)},
                      {"sheets", list}});
    return ok();
  }
  session.out() << "wrote " << options.file << ": the lab's people on "
                << core::format_date(inspection.on) << "\n";
  for (const report::Sheet& sheet : sheets) {
    session.out() << "  " << sheet.name << ": " << sheet.rows.size()
                  << (sheet.rows.size() == 1 ? " row\n" : " rows\n");
  }
  return ok();
}

}  // namespace

void add_people_export_command(CLI::App& people, CommandSelection& selection) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* command =
      people.add_subcommand("export", "the inspection export of the lab's people (XLSX or CSV)");
  command->footer(kExportFooter);
  command->add_option("FILE", options->file, "staff.xlsx, a sheet as name.csv, or -")->required();
  command->add_option("--sheet", options->sheet, "the sheet of a CSV export")->type_name("NAME");
  command->add_option("--on", options->on, "the day (YYYY-MM-DD; default the lab's today)")
      ->type_name("DATE");
  command->add_option("--ce-rules", options->ce_rules, "continuing-education rules (TOML)")
      ->type_name("FILE");
  selection.bind(command, [options](Session& session) { return run_export(session, *options); });
}

}  // namespace aliquot::cli
