// `aliquot specimen receive|reject|show|label`.

#include <algorithm>
#include <memory>

#include "cli/commands.h"
#include "lab/json.h"
#include "lab/queries.h"
#include "lab/specimen_label.h"
#include "lab/use_cases.h"
#include "report/display.h"
#include "report/label_document.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

struct ReceiveOptions {
  std::string accession_number;
  std::string condition;
};

struct RejectOptions {
  std::string accession_number;
  std::string reason;
  std::string comment;
};

// The --reason help lists every code with its meaning, so the bench never has to guess.
std::string rejection_reason_help() {
  std::string help = "why the specimen is not acceptable:";
  for (core::RejectionReason reason :
       {core::RejectionReason::kHemolyzed, core::RejectionReason::kClotted,
        core::RejectionReason::kQuantityNotSufficient, core::RejectionReason::kUnlabeled,
        core::RejectionReason::kMislabeled, core::RejectionReason::kWrongContainer,
        core::RejectionReason::kExceededStability, core::RejectionReason::kLeaked,
        core::RejectionReason::kIncorrectFillRatio}) {
    std::string code(core::to_code(reason));
    const std::string description(core::describe(reason));
    std::string spoken = code;
    std::replace(spoken.begin(), spoken.end(), '-', ' ');
    help += "\n  " + code;
    // Only where the code does not already say it.
    if (description != spoken)
      help += std::string(20 - std::min<std::size_t>(code.size(), 18), ' ') + description;
  }
  return help;
}

Result<void> run_receive(Session& session, const ReceiveOptions& options) {
  lab::ReceiveSpecimen command{options.accession_number, options.condition};
  core::Specimen specimen;
  std::size_t tests = 0;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(specimen, lab::receive_specimen(tx, ctx, command));
        ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::TestResult> results,
                                 tx.results_for_specimen(specimen.id));
        tests = results.size();
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(specimen));
  } else {
    session.out() << "received " << specimen.accession_number << "  " << specimen.specimen_type
                  << " (" << specimen.container_type << ")  " << tests << " tests to the bench";
    if (!specimen.condition.empty()) session.out() << "  condition: " << specimen.condition;
    session.out() << "\n";
  }
  return ok();
}

Result<void> run_reject(Session& session, const RejectOptions& options) {
  Result<core::RejectionReason> reason = core::parse_rejection_reason(options.reason);
  if (!reason) return invalid_argument("--reason: " + reason.error().message());
  lab::RejectSpecimen command{options.accession_number, *reason, options.comment};
  core::Specimen specimen;
  core::Order order;
  ALIQUOT_RETURN_IF_ERROR(session.write([&](store::Transaction& tx,
                                            const lab::Context& ctx) -> Result<void> {
    ALIQUOT_ASSIGN_OR_RETURN(specimen, lab::reject_specimen(tx, ctx, command));
    ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::Order> found, tx.find_order(specimen.order_id));
    if (found) order = *found;
    return ok();
  }));
  if (session.json()) {
    session.set_json(lab::to_json(specimen));
  } else {
    session.out() << "rejected " << specimen.accession_number << ": " << core::describe(*reason);
    if (!specimen.rejection_comment.empty())
      session.out() << " (" << specimen.rejection_comment << ")";
    session.out() << "\nrecollect: aliquot accession " << order.order_number << "\n";
  }
  return ok();
}

Result<void> run_specimen_show(Session& session, const std::string& accession_number) {
  lab::SpecimenDetail detail;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(detail, lab::specimen_detail(tx, ctx, accession_number));
        return ok();
      },
      lab::Action::kViewRecords));
  ALIQUOT_RETURN_IF_ERROR(
      session.record_patient_reads({detail.patient.mrn}, "specimen " + accession_number));
  if (session.json()) {
    session.set_json(lab::to_json(detail));
    return ok();
  }
  const core::Specimen& specimen = detail.specimen;
  report::TextTable facts;
  facts.add_row({"Accession", specimen.accession_number});
  facts.add_row({"Patient", detail.patient.family_name + ", " + detail.patient.given_name + "  " +
                                detail.patient.mrn});
  facts.add_row({"Order", detail.order.order_number + "  " +
                              report::display_priority(detail.order.priority)});
  facts.add_row({"Specimen", specimen.specimen_type + " in " + specimen.container_type});
  facts.add_row(
      {"Collected", report::display_time(specimen.collected_at) + " by " + specimen.collected_by});
  if (specimen.received_at) {
    facts.add_row(
        {"Received", report::display_time(*specimen.received_at) + " by " + specimen.received_by});
  }
  std::string status(core::to_code(specimen.status));
  if (specimen.status == core::SpecimenStatus::kRejected) {
    status = "REJECTED";
    if (specimen.rejection_reason)
      status += ": " + std::string(core::describe(*specimen.rejection_reason));
    if (!specimen.rejection_comment.empty()) status += " (" + specimen.rejection_comment + ")";
    if (specimen.rejected_at) status += ", " + report::display_time(*specimen.rejected_at);
    if (!specimen.rejected_by.empty()) status += " by " + specimen.rejected_by;
  }
  facts.add_row({"Status", status});
  if (!specimen.condition.empty()) facts.add_row({"Condition", specimen.condition});
  session.out() << facts.render() << "\n";

  report::TextTable results({"Test", "Name", "Status", "Value", "Flag", "Reference"});
  for (const lab::ResultDetail& result : detail.results) {
    const core::TestResult& r = result.result;
    results.add_row({r.test_code, result.test != nullptr ? result.test->name : "",
                     std::string(core::to_code(r.status)),
                     r.value ? report::display_value(*r.value) : "",
                     std::string(core::to_code(r.flag)), r.reference_range});
  }
  session.out() << results.render();
  return ok();
}

// The label of a specimen, to reprint it: its text, or with --json the document the API gives
// (the label and its barcode's bars) for a label printer's driver.
Result<void> run_specimen_label(Session& session, const std::string& accession_number) {
  lab::SpecimenLabel label;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(label, lab::specimen_label(tx, ctx, accession_number));
        return ok();
      },
      lab::Action::kAccessionSpecimen));
  ALIQUOT_RETURN_IF_ERROR(
      session.record_patient_reads({label.mrn}, "label " + label.accession_number));
  if (session.json()) {
    ALIQUOT_ASSIGN_OR_RETURN(nlohmann::json document, report::label_document(label));
    session.set_json(std::move(document));
    return ok();
  }
  session.out() << label.accession_number << "  " << label.patient_name << "  " << label.mrn
                << "  DOB " << core::format_date(label.birth_date) << "\n"
                << label.specimen_type << " (" << label.container_type << ")  "
                << report::display_priority(label.priority) << "  collected "
                << report::display_time(label.collected_at) << "\n"
                << join(label.tests, " ") << "\n";
  return ok();
}

}  // namespace

void add_specimen_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* group =
      app.add_subcommand("specimen", "receive, reject and look up specimens, and reprint labels");
  group->require_subcommand(1);

  auto receive = std::make_shared<ReceiveOptions>();
  CLI::App* receive_command =
      group->add_subcommand("receive", "receive a specimen in the lab; its tests go to the bench");
  receive_command->add_option("ACCESSION", receive->accession_number, "accession number")
      ->required();
  receive_command->add_option("--condition", receive->condition,
                              "condition on arrival (default: acceptable)");
  selection.bind(receive_command,
                 [receive](Session& session) { return run_receive(session, *receive); });

  auto reject = std::make_shared<RejectOptions>();
  CLI::App* reject_command = group->add_subcommand(
      "reject", "reject a specimen: its unreleased tests are cancelled and await recollection");
  reject_command->add_option("ACCESSION", reject->accession_number, "accession number")->required();
  reject_command->add_option("--reason", reject->reason, rejection_reason_help())->required();
  reject_command->add_option("--comment", reject->comment, "what was seen");
  selection.bind(reject_command,
                 [reject](Session& session) { return run_reject(session, *reject); });

  auto accession = std::make_shared<std::string>();
  CLI::App* show_command = group->add_subcommand("show", "show a specimen and its tests");
  show_command->add_option("ACCESSION", *accession, "accession number")->required();
  selection.bind(show_command,
                 [accession](Session& session) { return run_specimen_show(session, *accession); });

  auto labelled = std::make_shared<std::string>();
  CLI::App* label_command = group->add_subcommand(
      "label", "a specimen's label to reprint: its text, or with --json its content and barcode");
  label_command->add_option("ACCESSION", *labelled, "accession number")->required();
  selection.bind(label_command,
                 [labelled](Session& session) { return run_specimen_label(session, *labelled); });
}

}  // namespace aliquot::cli
