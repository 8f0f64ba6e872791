// `aliquot worklist [SECTION]`: what the bench has to do, STAT first.

#include <memory>

#include "cli/commands.h"
#include "lab/json.h"
#include "lab/queries.h"
#include "report/display.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

Result<void> run_worklist(Session& session, const std::string& section) {
  std::vector<store::WorklistRow> rows;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(rows, lab::section_worklist(tx, ctx, section));
        return ok();
      },
      lab::Action::kViewRecords));
  std::vector<std::string> mrns;
  for (const store::WorklistRow& row : rows) mrns.push_back(row.patient.mrn);
  ALIQUOT_RETURN_IF_ERROR(session.record_patient_reads(
      mrns, "worklist" + (section.empty() ? std::string() : " " + section)));
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const store::WorklistRow& row : rows) list.push_back(lab::to_json(row));
    session.set_json(list);
    return ok();
  }
  if (rows.empty()) {
    session.out() << "worklist" << (section.empty() ? "" : " " + section) << " is empty\n";
    return ok();
  }
  report::TextTable table(
      {"Priority", "Accession", "Patient", "Test", "Status", "Value", "Flag", "Received"});
  for (const store::WorklistRow& row : rows) {
    const core::TestResult& result = row.result;
    table.add_row({report::display_priority(row.order.priority), row.specimen.accession_number,
                   row.patient.family_name + ", " + row.patient.given_name, result.test_code,
                   std::string(core::to_code(result.status)),
                   result.value ? report::display_value(*result.value) : "",
                   std::string(core::to_code(result.flag)),
                   report::display_time(row.specimen.received_at)});
  }
  session.out() << table.render();
  return ok();
}

}  // namespace

void add_worklist_command(CLI::App& app, CommandSelection& selection) {
  auto section = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "worklist", "pending and preliminary tests on received specimens, STAT first");
  command->add_option("SECTION", *section, "a catalog section, e.g. chemistry (default: all)");
  selection.bind(command, [section](Session& session) { return run_worklist(session, *section); });
}

}  // namespace aliquot::cli
