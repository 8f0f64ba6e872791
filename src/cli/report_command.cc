// `aliquot report MRN`: the patient's cumulative report as a clinician reads it.

#include <memory>

#include "cli/commands.h"
#include "lab/json.h"
#include "lab/queries.h"
#include "report/text_report.h"

namespace aliquot::cli {
namespace {

// The setting initialize_lab records the lab's name under.
constexpr std::string_view kLabNameSetting = "lab.name";

Result<void> run_report(Session& session, const std::string& mrn) {
  lab::PatientReport patient_report;
  report::TextReportOptions options;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(patient_report, lab::patient_report(tx, ctx, mrn));
        ALIQUOT_ASSIGN_OR_RETURN(std::optional<std::string> lab_name,
                                 tx.get_setting(kLabNameSetting));
        if (lab_name && !lab_name->empty()) options.lab_name = *lab_name;
        return ok();
      },
      lab::Action::kViewRecords));
  ALIQUOT_RETURN_IF_ERROR(
      session.record_patient_reads({patient_report.patient.mrn}, "patient report"));
  if (session.json()) {
    session.set_json(lab::to_json(patient_report));
  } else {
    session.out() << report::render_text_report(patient_report, options);
  }
  return ok();
}

}  // namespace

void add_report_command(CLI::App& app, CommandSelection& selection) {
  auto mrn = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "report", "the patient's report: released results, pending tests, corrections, calls");
  command->add_option("MRN", *mrn, "medical record number")->required();
  selection.bind(command, [mrn](Session& session) { return run_report(session, *mrn); });
}

}  // namespace aliquot::cli
