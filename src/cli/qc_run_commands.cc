// `aliquot qc record|runs|correct|held|release-held|review`: QC runs entered by hand, their
// history, the corrective action after a rejection, and the patient results a rejected run held
// or found released (lab/quality_control.h).

#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/qc_command.h"
#include "cli/qc_history.h"
#include "core/qc_records.h"
#include "lab/json.h"
#include "lab/qc_held.h"
#include "lab/qc_json.h"
#include "lab/quality_control.h"
#include "report/display.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

constexpr const char* kRecordFooter =
    R"(Each --value is one control level of the run: LOT/LEVEL=VALUE, the material by its lot and
level (`aliquot qc material list`), e.g. --value 26451/1=98.2 --value 26452/2=251. The run is
judged by the QC policy's rules for the test against the runs of the analyte on the instrument
since the last corrective action, and printed with its status (accept, warning or reject), each
value's z, and every rule that fired with the values involved.
A rejected run holds the test's patient results measured on the instrument since the last
accepted run and not yet released, and lists those already released for review; both are
printed. Patient results measured after it are held until QC passes again: document the
corrective action first (`qc correct`), which restarts the history the rules look at.
Exit status: 0 when the run was recorded and accepted (or with a 1-2s warning); 1 when it was
recorded and rejected, or refused (nothing recorded: unknown material, no target, expired
material, a value that is no number); 2 for a malformed --value.
With --json: {"run": {...as in `qc runs`}, "status", "violations": [...as `qc evaluate`],
"held": [result...], "released_to_review": [result...]}, each result with its
"accession_number".)";

constexpr const char* kRunsFooter =
    R"(The runs of the analyte on the instrument, oldest first, with their status, each value (lot
and level, value, z), the rules that fired as judged when the run was recorded, and the
corrective action documented after a rejection. With --json an array of runs: {"id",
"instrument", "test_code", "measured_at", "status", "rules", "values": [{"lot", "level",
"value", "target_mean", "target_sd", "z"}], "violations", "source", "recorded_at",
"recorded_by", "corrective_action", "corrected_at", "corrected_by"}.)";

constexpr const char* kHeldFooter =
    R"(Every patient result a rejected QC run put on hold and that is still open: "held" results
wait for the rerun or the release (`qc release-held RUN`, when the QC policy says "release");
"released: review" results went out before the failure was known and must be reviewed
(`qc review RUN`; a wrong one is corrected with `result correct`).)";

// A patient result with the accession number of its specimen, for printing (lab/qc_held.h).
using ResultLine = lab::ResultOnSpecimen;

Result<std::vector<ResultLine>> lines_of(store::Transaction& tx,
                                         const std::vector<core::TestResult>& results) {
  return lab::results_on_specimens(tx, results);
}

nlohmann::json lines_json(const std::vector<ResultLine>& lines) { return lab::to_json(lines); }

// "26000012  GLU  5.4 mmol/L  measured 2026-03-02T08:05Z".
std::string line_text(const ResultLine& line) {
  std::string text = line.accession_number + "  " + line.result.test_code;
  if (line.result.value) text += "  " + report::display_value(*line.result.value);
  if (line.result.measured_at)
    text += "  measured " + report::display_time(*line.result.measured_at);
  return text;
}

std::string signed_number(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(value * scale) / scale;
  return (rounded >= 0 ? "+" : "") + number_text(rounded);
}

// "26451/1 98.2 (-0.72 SD)".
std::string value_text(const core::QcRunValue& value) {
  return value.lot + "/" + value.level + " " + number_text(value.value) + " (" +
         signed_number(z_of(value), 2) + " SD)";
}

// --- qc record ---

struct RecordOptions {
  std::string instrument;
  std::string test_code;
  std::vector<std::string> values;
  std::string at;
};

// "26451/2=5.42" as the value of material lot 26451 level 2.
Result<lab::QcValueInput> parse_value(const std::string& text) {
  const std::string label = "--value '" + text + "'";
  const std::size_t equals = text.find('=');
  const std::size_t slash = text.rfind('/', equals);
  if (equals == std::string::npos || slash == std::string::npos || slash == 0 ||
      slash + 1 == equals || equals + 1 == text.size()) {
    return invalid_argument(label + ": write LOT/LEVEL=VALUE, e.g. 26451/2=5.42");
  }
  return lab::QcValueInput{.material = {.lot = text.substr(0, slash),
                                        .level = text.substr(slash + 1, equals - slash - 1),
                                        .sample_id = {}},
                           .value = text.substr(equals + 1),
                           .label = label};
}

struct Recorded {
  lab::RecordedQcRun recorded;
  std::vector<ResultLine> held;
  std::vector<ResultLine> released;
};

void print_recorded(Session& session, const Recorded& outcome) {
  const core::QcRun& run = outcome.recorded.run;
  const qc::RunEvaluation& evaluation = outcome.recorded.evaluation;
  if (session.json()) {
    session.set_json({{"run", qc_run_json(run)},
                      {"status", std::string(qc::status_name(evaluation.status))},
                      {"violations", lab::qc_violations_json(evaluation)},
                      {"held", lines_json(outcome.held)},
                      {"released_to_review", lines_json(outcome.released)}});
    return;
  }
  std::ostream& out = session.out();
  out << "QC run " << run.id << " " << run.instrument << "/" << run.test_code << " measured "
      << report::display_time(run.measured_at) << ": " << qc::status_name(evaluation.status)
      << "\n";
  report::TextTable values({"Lot", "Level", "Value", "Target", "z"});
  values.align(2, report::Alignment::kRight);
  values.align(4, report::Alignment::kRight);
  for (const core::QcRunValue& value : run.values) {
    values.add_row({value.lot, value.level, number_text(value.value),
                    number_text(value.target_mean) + " ± " + number_text(value.target_sd),
                    signed_number(z_of(value), 2)});
  }
  out << values.render("  ");
  if (!evaluation.violations.empty()) {
    out << "rules fired (" << run.rules << "):\n";
    // The engine names runs by their measuring time; this one has its number now.
    const std::string measured = core::format_instant(run.measured_at);
    for (qc::Violation violation : evaluation.violations) {
      for (qc::InvolvedValue& value : violation.values) {
        if (value.run_id == measured) value.run_id = std::to_string(run.id);
      }
      for (std::string& id : violation.runs) {
        if (id == measured) id = std::to_string(run.id);
      }
      out << "  " << violation_text(violation)
          << (violation.action == qc::RuleAction::kWarn ? " [warning]" : " [reject]") << "\n";
    }
  }
  if (!outcome.held.empty()) {
    out << "held, " << outcome.held.size() << " patient result(s) measured since the last "
        << "accepted run:\n";
    for (const ResultLine& line : outcome.held) out << "  " << line_text(line) << "\n";
  }
  if (!outcome.released.empty()) {
    out << "released before the failure was known, " << outcome.released.size()
        << " patient result(s) to review:\n";
    for (const ResultLine& line : outcome.released) out << "  " << line_text(line) << "\n";
  }
}

Result<void> run_record(Session& session, const RecordOptions& options) {
  lab::RecordQcRun command;
  command.instrument = options.instrument;
  command.test_code = options.test_code;
  command.source = "manual";
  for (const std::string& text : options.values) {
    ALIQUOT_ASSIGN_OR_RETURN(lab::QcValueInput value, parse_value(text));
    command.values.push_back(std::move(value));
  }
  ALIQUOT_ASSIGN_OR_RETURN(command.measured_at, parse_optional_time("--at", options.at));
  Recorded outcome;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(outcome.recorded, lab::record_qc_run(tx, ctx, command));
        ALIQUOT_ASSIGN_OR_RETURN(outcome.held, lines_of(tx, outcome.recorded.held));
        ALIQUOT_ASSIGN_OR_RETURN(outcome.released, lines_of(tx, outcome.recorded.released));
        return ok();
      }));
  print_recorded(session, outcome);
  if (outcome.recorded.evaluation.status == qc::RunStatus::kReject) {
    // Recorded, and the lab's rules say no: the run ends like a refusal, exit status 1.
    const core::QcRun& run = outcome.recorded.run;
    session.report_finding(
        failed_precondition("QC run " + std::to_string(run.id) + " of " + run.instrument + "/" +
                            run.test_code + " is rejected: patient results of " + run.test_code +
                            " are held; document the corrective action with `aliquot qc correct " +
                            std::to_string(run.id) + " --action TEXT` and run QC again"));
  }
  return ok();
}

// --- qc runs ---

Result<void> run_runs(Session& session, const QcHistoryOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const QcHistory history, read_qc_history(session, options));
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const core::QcRun& run : history.stored) list.push_back(qc_run_json(run));
    session.set_json(list);
    return ok();
  }
  const std::string analyte = options.instrument + "/" + options.test_code;
  if (history.stored.empty()) {
    session.out() << "no QC runs of " << analyte << " (" << period_text(history) << ")\n";
    return ok();
  }
  report::TextTable table(
      {"Run", "Measured", "Status", "Values", "Rules fired", "Corrective action"});
  for (std::size_t r = 0; r < history.stored.size(); ++r) {
    const core::QcRun& run = history.stored[r];
    std::vector<std::string> values;
    for (const core::QcRunValue& value : run.values) values.push_back(value_text(value));
    std::vector<std::string> rules;
    for (const qc::Violation& violation : history.evaluations[r].violations) {
      rules.push_back(std::string(qc::rule_name(violation.rule)));
    }
    std::string correction = run.corrective_action;
    if (!correction.empty()) {
      correction += " (" + run.corrected_by + ", " + report::display_time(run.corrected_at) + ")";
    }
    table.add_row({std::to_string(run.id), report::display_time(run.measured_at),
                   std::string(core::to_code(run.status)), join(values, "; "), join(rules),
                   correction});
  }
  session.out() << analyte << ", " << period_text(history) << ": " << history.stored.size()
                << (history.stored.size() == 1 ? " run\n" : " runs\n") << table.render();
  return ok();
}

// --- qc correct ---

struct QcCorrectOptions {
  std::int64_t run_id = 0;
  std::string action;
};

Result<void> run_qc_correct(Session& session, const QcCorrectOptions& options) {
  core::QcRun run;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(
            run, lab::document_corrective_action(
                     tx, ctx, {.run_id = options.run_id, .action = options.action}));
        return ok();
      }));
  if (session.json()) {
    session.set_json(qc_run_json(run));
    return ok();
  }
  session.out() << "QC run " << run.id << " " << run.instrument << "/" << run.test_code
                << ": corrective action documented by " << run.corrected_by << ": "
                << run.corrective_action << "\n"
                << "next: run QC again (`aliquot qc record --instrument " << run.instrument
                << " --test " << run.test_code << " --value LOT/LEVEL=VALUE ...`)\n";
  return ok();
}

// --- qc held ---

using HeldLine = lab::QcHeldResult;

Result<void> run_held(Session& session) {
  std::vector<HeldLine> lines;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(lines, lab::open_qc_held_results(tx));
        return ok();
      },
      lab::Action::kViewRecords));
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const HeldLine& line : lines) list.push_back(lab::to_json(line));
    session.set_json(list);
    return ok();
  }
  if (lines.empty()) {
    session.out() << "no patient result is held by QC\n";
    return ok();
  }
  report::TextTable table(
      {"Run", "Instrument/test", "Accession", "Test", "Value", "Measured", "State"});
  for (const HeldLine& line : lines) {
    const core::TestResult& result = line.result.result;
    table.add_row({std::to_string(line.run.id), line.run.instrument + "/" + line.run.test_code,
                   line.result.accession_number, result.test_code,
                   result.value ? report::display_value(*result.value) : "",
                   report::display_time(result.measured_at),
                   line.hold.was_released ? "released: review" : "held"});
  }
  session.out() << table.render();
  return ok();
}

// --- qc release-held ---

Result<void> run_release_held(Session& session, std::int64_t run_id) {
  lab::ReleasedQcHeld outcome;
  std::vector<ResultLine> released;
  std::vector<ResultLine> still_held;
  ALIQUOT_RETURN_IF_ERROR(session.write([&](store::Transaction& tx,
                                            const lab::Context& ctx) -> Result<void> {
    ALIQUOT_ASSIGN_OR_RETURN(outcome, lab::release_qc_held_results(tx, ctx, {.run_id = run_id}));
    ALIQUOT_ASSIGN_OR_RETURN(released, lines_of(tx, outcome.released));
    ALIQUOT_ASSIGN_OR_RETURN(still_held, lines_of(tx, outcome.still_held));
    return ok();
  }));
  if (session.json()) {
    session.set_json({{"run_id", run_id},
                      {"released", lines_json(released)},
                      {"still_held", lines_json(still_held)},
                      {"reviewed", outcome.reviewed}});
    return ok();
  }
  std::ostream& out = session.out();
  out << "QC run " << run_id << ": " << released.size() << " result(s) released, "
      << still_held.size() << " still held for other reasons, " << outcome.reviewed
      << " released before the failure marked reviewed\n";
  for (const ResultLine& line : released) out << "  released  " << line_text(line) << "\n";
  for (const ResultLine& line : still_held) {
    out << "  still held  " << line_text(line) << " (see `aliquot result show "
        << line.accession_number << " " << line.result.test_code << "`)\n";
  }
  return ok();
}

// --- qc review ---

struct ReviewOptions {
  std::int64_t run_id = 0;
  std::string note;
};

Result<void> run_review(Session& session, const ReviewOptions& options) {
  int reviewed = 0;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(
            reviewed, lab::review_qc_released_results(tx, ctx, {options.run_id, options.note}));
        return ok();
      }));
  if (session.json()) {
    session.set_json({{"run_id", options.run_id}, {"reviewed", reviewed}});
    return ok();
  }
  session.out() << "QC run " << options.run_id << ": " << reviewed
                << " result(s) released before the failure marked reviewed\n";
  return ok();
}

}  // namespace

void add_qc_run_commands(CLI::App& qc, CommandSelection& selection) {
  auto record = std::make_shared<RecordOptions>();
  CLI::App* record_command =
      qc.add_subcommand("record", "record a QC run entered by hand and judge it");
  record_command->footer(kRecordFooter);
  record_command->add_option("--instrument", record->instrument, "instrument profile id")
      ->required()
      ->type_name("ID");
  record_command->add_option("--test", record->test_code, "catalog test code")
      ->required()
      ->type_name("CODE");
  record_command->add_option("--value", record->values, "one level: LOT/LEVEL=VALUE")
      ->required()
      ->type_name("LOT/LEVEL=VALUE");
  record_command->add_option("--at", record->at, "when it was measured (default: now)")
      ->type_name("TIME");
  selection.bind(record_command,
                 [record](Session& session) { return run_record(session, *record); });

  auto runs = std::make_shared<QcHistoryOptions>();
  CLI::App* runs_command =
      qc.add_subcommand("runs", "the QC runs of an analyte on an instrument, as judged");
  runs_command->footer(kRunsFooter);
  add_qc_history_options(runs_command, *runs);
  selection.bind(runs_command, [runs](Session& session) { return run_runs(session, *runs); });

  auto correct = std::make_shared<QcCorrectOptions>();
  CLI::App* correct_command =
      qc.add_subcommand("correct", "document the corrective action after a rejected run");
  correct_command->add_option("RUN", correct->run_id, "the rejected run's number")
      ->required()
      ->type_name("");
  correct_command->add_option("--action", correct->action, "what was found and done")
      ->required()
      ->type_name("TEXT");
  selection.bind(correct_command,
                 [correct](Session& session) { return run_qc_correct(session, *correct); });

  CLI::App* held_command =
      qc.add_subcommand("held", "patient results held or to review because a QC run failed");
  held_command->footer(kHeldFooter);
  selection.bind(held_command, [](Session& session) { return run_held(session); });

  auto release_run = std::make_shared<std::int64_t>(0);
  CLI::App* release_command = qc.add_subcommand(
      "release-held",
      "release the results a rejected run held, once corrected and QC passes (policy 'release')");
  release_command->add_option("RUN", *release_run, "the rejected run's number")
      ->required()
      ->type_name("");
  selection.bind(release_command, [release_run](Session& session) {
    return run_release_held(session, *release_run);
  });

  auto review = std::make_shared<ReviewOptions>();
  CLI::App* review_command = qc.add_subcommand(
      "review", "record the review of the results released before a run was rejected");
  review_command->add_option("RUN", review->run_id, "the rejected run's number")
      ->required()
      ->type_name("");
  review_command->add_option("--note", review->note, "what the review found")->type_name("TEXT");
  selection.bind(review_command,
                 [review](Session& session) { return run_review(session, *review); });
}

}  // namespace aliquot::cli
