// `aliquot result enter|release|rerun|comment|cancel|correct|show` and `aliquot critical call`:
// from the bench to the clinician.

#include <algorithm>
#include <cctype>
#include <memory>

#include "calc/catalog_links.h"
#include "calc/default_calculation_set.h"
#include "cli/commands.h"
#include "lab/json.h"
#include "lab/queries.h"
#include "lab/reruns.h"
#include "lab/result_comments.h"
#include "lab/use_cases.h"
#include "report/display.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

bool same_code(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

// "K 6.8 mmol/L HH preliminary".
std::string describe_result(const std::string& accession_number, const core::TestResult& result) {
  std::string text = accession_number + "  " + result.test_code;
  if (result.value) text += "  " + report::display_value(*result.value);
  const std::string flag(core::to_code(result.flag));
  if (!flag.empty()) text += "  " + flag;
  text += "  " + std::string(core::to_code(result.status));
  return text;
}

struct EnterOptions {
  std::string accession_number;
  std::string test_code;
  std::string value;
  std::string unit;
};

Result<void> run_enter(Session& session, const EnterOptions& options) {
  lab::EnterResult command{options.accession_number, options.test_code, options.value,
                           options.unit};
  core::TestResult result;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(result, lab::enter_result(tx, ctx, command));
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(result));
    return ok();
  }
  session.out() << describe_result(options.accession_number, result) << "\n";
  if (core::is_critical(result.flag)) {
    session.out() << "CRITICAL: call a caregiver and document it before release:\n"
                  << "  aliquot critical call " << options.accession_number << " "
                  << result.test_code << " --to NAME --read-back\n";
  }
  return ok();
}

struct ReleaseOptions {
  std::string accession_number;
  std::vector<std::string> test_codes;
  bool all = false;
};

Result<void> run_release(Session& session, const ReleaseOptions& options) {
  if (options.all == !options.test_codes.empty()) {
    return invalid_argument(options.all ? "give either test codes or --all, not both"
                                        : "name the tests to release, or --all for every "
                                          "preliminary result on the specimen");
  }
  std::vector<core::TestResult> released;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        std::vector<std::string> codes = options.test_codes;
        if (options.all) {
          ALIQUOT_ASSIGN_OR_RETURN(lab::SpecimenDetail detail,
                                   lab::specimen_detail(tx, ctx, options.accession_number));
          for (const lab::ResultDetail& result : detail.results) {
            if (result.result.status == core::ResultStatus::kPreliminary) {
              codes.push_back(result.result.test_code);
            }
          }
          if (codes.empty()) {
            return failed_precondition("no preliminary result to release on specimen " +
                                       options.accession_number);
          }
        }
        // All or nothing: the first refusal abandons the transaction, so nothing is released.
        for (const std::string& code : codes) {
          Result<core::TestResult> result =
              lab::release_result(tx, ctx, lab::ReleaseResult{options.accession_number, code});
          if (!result) {
            if (codes.size() == 1) return result.error();
            return Error(result.error().code(),
                         code + ": " + result.error().message() + " (nothing was released)");
          }
          released.push_back(std::move(result).value());
        }
        return ok();
      }));
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const core::TestResult& result : released) list.push_back(lab::to_json(result));
    session.set_json({{"accession_number", options.accession_number}, {"released", list}});
    return ok();
  }
  for (const core::TestResult& result : released) {
    session.out() << "released " << describe_result(options.accession_number, result) << "\n";
  }
  return ok();
}

struct RerunOptions {
  std::string accession_number;
  std::string test_code;
  std::string reason;
  int dilution = 0;
};

Result<void> run_rerun(Session& session, const RerunOptions& options) {
  const lab::RequestRerun command{options.accession_number, options.test_code, options.reason,
                                  options.dilution};
  core::HoldReason request;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(request, lab::request_rerun(tx, ctx, command));
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(request));
    return ok();
  }
  session.out() << options.accession_number << "  " << options.test_code << "  " << request.message
                << "\n";
  return ok();
}

struct CancelTestOptions {
  std::string accession_number;
  std::string test_code;
  std::string reason;
};

Result<void> run_cancel_test(Session& session, const CancelTestOptions& options) {
  const lab::CancelTest command{options.accession_number, options.test_code, options.reason};
  lab::CancelledTest cancelled;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(cancelled, lab::cancel_test(tx, ctx, command));
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(cancelled));
    return ok();
  }
  session.out() << "cancelled " << describe_result(options.accession_number, cancelled.result)
                << "\n";
  for (const core::TestResult& calculated : cancelled.calculated) {
    session.out() << (calculated.status == core::ResultStatus::kCancelled ? "  also cancelled "
                                                                          : "  calculated ")
                  << describe_result(options.accession_number, calculated);
    if (calculated.status == core::ResultStatus::kCancelled) {
      session.out() << ": " << calculated.cancel_reason;
    }
    session.out() << "\n";
  }
  return ok();
}

struct CommentOptions {
  std::string accession_number;
  std::string test_code;
  std::string text;
  bool on_report = false;
};

Result<void> run_comment(Session& session, const CommentOptions& options) {
  const lab::CommentResult command{options.accession_number, options.test_code, options.text,
                                   options.on_report};
  core::ResultComment comment;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(comment, lab::comment_result(tx, ctx, command));
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(comment));
    return ok();
  }
  session.out() << options.accession_number << "  " << options.test_code << "  comment "
                << (comment.on_report ? "for the report" : "kept in the lab") << " recorded\n";
  return ok();
}

struct CorrectOptions {
  std::string accession_number;
  std::string test_code;
  std::string value;
  std::string unit;
  std::string reason;
  std::string called_to;
  std::string called_by;
  std::string called_at;
  bool read_back = false;
  std::string call_notes;
};

Result<void> run_correct(Session& session, const CorrectOptions& options) {
  lab::CorrectResult command;
  command.accession_number = options.accession_number;
  command.test_code = options.test_code;
  command.value = options.value;
  command.unit = options.unit;
  command.reason = options.reason;
  if (!options.called_to.empty()) {
    lab::CallDocumentation call;
    call.called_to = options.called_to;
    call.called_by = options.called_by;
    ALIQUOT_ASSIGN_OR_RETURN(call.called_at, parse_optional_time("--called-at", options.called_at));
    call.read_back_confirmed = options.read_back;
    call.notes = options.call_notes;
    command.critical_call = call;
  } else if (options.read_back || !options.called_by.empty() || !options.called_at.empty() ||
             !options.call_notes.empty()) {
    return invalid_argument("--called-to is required to document a call with the correction");
  }

  core::TestResult result;
  std::optional<core::ResultRevision> previous;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(result, lab::correct_result(tx, ctx, command));
        ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::ResultRevision> revisions,
                                 tx.revisions_for_result(result.id));
        if (!revisions.empty()) previous = revisions.back();
        return ok();
      }));
  if (session.json()) {
    nlohmann::json body = lab::to_json(result);
    body["previous"] = previous ? lab::to_json(*previous) : nlohmann::json();
    session.set_json(body);
    return ok();
  }
  session.out() << "corrected " << describe_result(options.accession_number, result) << "\n";
  if (previous) {
    session.out() << "  previous value " << report::display_value(previous->value)
                  << " kept; reason: " << options.reason << "\n";
  }
  return ok();
}

struct ShowOptions {
  std::string accession_number;
  std::string test_code;
};

// "egfr-ckd-epi-2021 from CREAT 1.00 mg/dL (final), age 45, sex F": what a calculated result is
// computed from, as the specimen holds it now.
std::string calculated_from(const core::CalculatedFrom& from, const lab::SpecimenDetail& specimen) {
  std::vector<std::string> inputs;
  for (const core::CalculationInput& input : from.inputs) {
    const auto found = std::find_if(specimen.results.begin(), specimen.results.end(),
                                    [&](const lab::ResultDetail& d) {
                                      return same_code(d.result.test_code, input.test_code) &&
                                             d.result.status != core::ResultStatus::kCancelled;
                                    });
    if (found == specimen.results.end()) {
      inputs.push_back(input.test_code + " not on this specimen");
      continue;
    }
    const core::TestResult& source = found->result;
    const std::string unit = found->test != nullptr ? found->test->unit : "";
    inputs.push_back(source.test_code + " " +
                     (source.value ? report::display_value(*source.value, unit) + " " : "") + "(" +
                     std::string(core::to_code(source.status)) + ")");
  }
  // Age and sex, for the calculations that use them.
  const calc::Calculation* calculation = calc::default_calculation_set().find(from.calculation);
  if (calculation != nullptr && calculation->find_input(calc::kAgeInput)) {
    inputs.push_back("age " + std::to_string(core::age_in_years(specimen.patient.birth_date,
                                                                specimen.specimen.collected_at)));
  }
  if (calculation != nullptr && calculation->find_input(calc::kSexInput)) {
    inputs.push_back("sex " + std::string(core::to_code(specimen.patient.sex)));
  }
  return from.calculation + " from " + join(inputs);
}

Result<void> run_show(Session& session, const ShowOptions& options) {
  lab::SpecimenDetail specimen;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(specimen, lab::specimen_detail(tx, ctx, options.accession_number));
        return ok();
      },
      lab::Action::kViewRecords));
  ALIQUOT_RETURN_IF_ERROR(session.record_patient_reads(
      {specimen.patient.mrn}, "result " + options.accession_number + "/" + options.test_code));
  const auto found = std::find_if(
      specimen.results.begin(), specimen.results.end(),
      [&](const lab::ResultDetail& d) { return same_code(d.result.test_code, options.test_code); });
  if (found == specimen.results.end()) {
    std::vector<std::string> codes;
    for (const lab::ResultDetail& d : specimen.results) codes.push_back(d.result.test_code);
    return not_found("test " + options.test_code + " is not on specimen " +
                     options.accession_number + " (it has: " + join(codes, ", ") + ")");
  }
  const lab::ResultDetail& detail = *found;
  if (session.json()) {
    session.set_json(lab::to_json(detail));
    return ok();
  }
  const core::TestResult& r = detail.result;
  const std::string unit = detail.test != nullptr ? detail.test->unit : "";
  report::TextTable facts;
  facts.add_row({"Test", r.test_code + (detail.test != nullptr ? "  " + detail.test->name : "")});
  facts.add_row({"Specimen", options.accession_number + "  " + specimen.patient.family_name + ", " +
                                 specimen.patient.given_name + "  " + specimen.patient.mrn});
  facts.add_row({"Status", std::string(core::to_code(r.status))});
  if (r.value) facts.add_row({"Value", report::display_value(*r.value, unit)});
  if (detail.test != nullptr && detail.test->calculated) {
    facts.add_row({"Calculated", calculated_from(*detail.test->calculated, specimen)});
  }
  if (r.flag != core::AbnormalFlag::kNone)
    facts.add_row({"Flag", std::string(core::to_code(r.flag))});
  if (!r.reference_range.empty()) facts.add_row({"Reference", r.reference_range});
  if (r.entered_at)
    facts.add_row({"Entered", report::display_time(*r.entered_at) + " by " + r.entered_by});
  if (!r.instrument.empty()) {
    facts.add_row({"Measured", "on " + r.instrument +
                                   (r.measured_at ? " at " + report::display_time(*r.measured_at)
                                                  : std::string())});
  }
  if (!r.performed_by.empty() && r.performed_by != r.entered_by) {
    facts.add_row({"Performed by", r.performed_by});
  }
  if (r.released_at) {
    facts.add_row({"Released", report::display_time(*r.released_at) + " by " + r.released_by});
  }
  if (r.corrected_at) {
    facts.add_row({"Corrected", report::display_time(*r.corrected_at) + " by " + r.corrected_by +
                                    ": " + r.correction_reason});
  }
  if (r.cancelled_at) {
    facts.add_row({"Cancelled", report::display_time(*r.cancelled_at) + " by " + r.cancelled_by +
                                    ": " + r.cancel_reason});
  }
  session.out() << facts.render();
  if (!detail.holds.empty()) {
    // The technologist reads why before deciding: each rule, what it saw, what it allows.
    report::TextTable holds({"Rule", "Observed", "Allowed", "Action"});
    for (const core::HoldReason& hold : detail.holds) {
      holds.add_row({hold.rule, hold.observed, hold.threshold, hold.action});
    }
    session.out() << "\n"
                  << (core::is_released(r.status) ? "Was held for" : "Held for") << "\n"
                  << holds.render();
    for (const core::HoldReason& hold : detail.holds) session.out() << "- " << hold.message << "\n";
  }
  if (!detail.revisions.empty()) {
    report::TextTable revisions({"Rev", "Value", "Flag", "Replaced", "By", "Reason"});
    for (const core::ResultRevision& revision : detail.revisions) {
      revisions.add_row(
          {std::to_string(revision.revision), report::display_value(revision.value, unit),
           std::string(core::to_code(revision.flag)), report::display_time(revision.replaced_at),
           revision.replaced_by, revision.reason});
    }
    session.out() << "\nEarlier values\n" << revisions.render();
  }
  if (!detail.critical_calls.empty()) {
    report::TextTable calls({"Rev", "Called to", "By", "At", "Read-back", "Notes"});
    for (const core::CriticalCall& call : detail.critical_calls) {
      calls.add_row({std::to_string(call.result_revision), call.called_to, call.called_by,
                     report::display_time(call.called_at),
                     call.read_back_confirmed ? "confirmed" : "NOT confirmed", call.notes});
    }
    session.out() << "\nCritical calls\n" << calls.render();
  }
  if (!detail.comments.empty()) {
    session.out() << "\nComments\n";
    for (const core::ResultComment& comment : detail.comments) {
      session.out() << "- " << report::display_time(comment.written_at) << " " << comment.written_by
                    << (comment.on_report ? " (on the report)" : " (lab only)") << ": "
                    << comment.text << "\n";
    }
  }
  return ok();
}

struct CallOptions {
  std::string accession_number;
  std::string test_code;
  std::string called_to;
  std::string called_by;
  std::string called_at;
  bool read_back = false;
  std::string notes;
};

Result<void> run_call(Session& session, const CallOptions& options) {
  lab::DocumentCriticalCall command;
  command.accession_number = options.accession_number;
  command.test_code = options.test_code;
  command.called_to = options.called_to;
  command.called_by = options.called_by;
  ALIQUOT_ASSIGN_OR_RETURN(command.called_at, parse_optional_time("--at", options.called_at));
  command.read_back_confirmed = options.read_back;
  command.notes = options.notes;
  core::CriticalCall call;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(call, lab::document_critical_call(tx, ctx, command));
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(call));
    return ok();
  }
  session.out() << "critical call documented: " << options.accession_number << " "
                << options.test_code << " called to " << call.called_to << " by " << call.called_by
                << " at " << report::display_time(call.called_at) << ", read-back confirmed\n";
  return ok();
}

}  // namespace

void add_result_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* group = app.add_subcommand(
      "result", "enter, release, rerun, comment, cancel, correct and look up results");
  group->require_subcommand(1);

  auto enter = std::make_shared<EnterOptions>();
  CLI::App* enter_command = group->add_subcommand(
      "enter", "enter a value on a received specimen (preliminary until released)");
  enter_command->add_option("ACCESSION", enter->accession_number, "accession number")->required();
  enter_command->add_option("TEST", enter->test_code, "test code")->required();
  enter_command->add_option("VALUE", enter->value, "4.1, <0.01, negative, or text")->required();
  enter_command->add_option("--unit", enter->unit, "UCUM unit; must be the catalog's");
  selection.bind(enter_command, [enter](Session& session) { return run_enter(session, *enter); });

  auto release = std::make_shared<ReleaseOptions>();
  CLI::App* release_command = group->add_subcommand(
      "release",
      "verify and release results to clinicians; several at once are all released or none");
  release_command->add_option("ACCESSION", release->accession_number, "accession number")
      ->required();
  release_command->add_option("TEST", release->test_codes, "test codes");
  release_command->add_flag("--all", release->all, "every preliminary result on the specimen");
  selection.bind(release_command,
                 [release](Session& session) { return run_release(session, *release); });

  auto rerun = std::make_shared<RerunOptions>();
  CLI::App* rerun_command = group->add_subcommand(
      "rerun",
      "ask for a value to be measured again, neat or diluted; it is not released until the "
      "repeat is recorded");
  rerun_command->add_option("ACCESSION", rerun->accession_number, "accession number")->required();
  rerun_command->add_option("TEST", rerun->test_code, "test code")->required();
  rerun_command->add_option("--reason", rerun->reason, "why the value is doubted")->required();
  rerun_command->add_option("--dilution", rerun->dilution, "measure on a 1:N dilution")
      ->type_name("N");
  selection.bind(rerun_command, [rerun](Session& session) { return run_rerun(session, *rerun); });

  auto cancel = std::make_shared<CancelTestOptions>();
  CLI::App* cancel_command = group->add_subcommand(
      "cancel", "cancel one test on a specimen that is not released; the order's others go on");
  cancel_command->add_option("ACCESSION", cancel->accession_number, "accession number")->required();
  cancel_command->add_option("TEST", cancel->test_code, "test code")->required();
  cancel_command->add_option("--reason", cancel->reason, "why, e.g. quantity not sufficient")
      ->required();
  cancel_command->footer(
      "A calculated test of the order that needs it is cancelled with it, with the reason; one\n"
      "for which it is optional is computed without it. Both are named in the output.");
  selection.bind(cancel_command,
                 [cancel](Session& session) { return run_cancel_test(session, *cancel); });

  auto comment = std::make_shared<CommentOptions>();
  CLI::App* comment_command = group->add_subcommand(
      "comment", "add a comment to a result: kept in the lab, or with --on-report for the report");
  comment_command->add_option("ACCESSION", comment->accession_number, "accession number")
      ->required();
  comment_command->add_option("TEST", comment->test_code, "test code")->required();
  comment_command->add_option("TEXT", comment->text, "the comment")->required();
  comment_command->add_flag("--on-report", comment->on_report,
                            "print it on the report and send it with the result (before release)");
  selection.bind(comment_command,
                 [comment](Session& session) { return run_comment(session, *comment); });

  auto correct = std::make_shared<CorrectOptions>();
  CLI::App* correct_command = group->add_subcommand(
      "correct", "correct a released result; the earlier value is kept and reported");
  correct_command->add_option("ACCESSION", correct->accession_number, "accession number")
      ->required();
  correct_command->add_option("TEST", correct->test_code, "test code")->required();
  correct_command->add_option("VALUE", correct->value, "the corrected value")->required();
  correct_command->add_option("--reason", correct->reason, "why the value was wrong")->required();
  correct_command->add_option("--unit", correct->unit, "UCUM unit; must be the catalog's");
  correct_command
      ->add_option("--called-to", correct->called_to,
                   "a critical corrected value: the caregiver it was phoned to")
      ->type_name("NAME");
  correct_command->add_option("--called-by", correct->called_by, "who phoned (default: you)")
      ->type_name("NAME");
  correct_command->add_option("--called-at", correct->called_at, "when (default: now)")
      ->type_name("TIME");
  correct_command->add_flag("--read-back", correct->read_back,
                            "the caregiver read the corrected value back");
  correct_command->add_option("--call-notes", correct->call_notes, "notes on the call");
  selection.bind(correct_command,
                 [correct](Session& session) { return run_correct(session, *correct); });

  auto show = std::make_shared<ShowOptions>();
  CLI::App* show_command = group->add_subcommand(
      "show", "show a result with its history: entry, release, corrections, critical calls");
  show_command->add_option("ACCESSION", show->accession_number, "accession number")->required();
  show_command->add_option("TEST", show->test_code, "test code")->required();
  selection.bind(show_command, [show](Session& session) { return run_show(session, *show); });

  CLI::App* critical = app.add_subcommand("critical", "critical results");
  critical->require_subcommand(1);
  auto call = std::make_shared<CallOptions>();
  CLI::App* call_command = critical->add_subcommand(
      "call",
      "document the phone call of a critical result (needed before release; The Joint "
      "Commission NPSG.02.03.01)");
  call_command->add_option("ACCESSION", call->accession_number, "accession number")->required();
  call_command->add_option("TEST", call->test_code, "test code")->required();
  call_command->add_option("--to", call->called_to, "the licensed caregiver who took the call")
      ->required()
      ->type_name("NAME");
  call_command->add_flag("--read-back", call->read_back,
                         "the caregiver read the value back; without it the call is not accepted");
  call_command->add_option("--by", call->called_by, "who phoned (default: you)")->type_name("NAME");
  call_command->add_option("--at", call->called_at, "when, e.g. 2026-03-02T09:10Z (default: now)")
      ->type_name("TIME");
  call_command->add_option("--notes", call->notes, "notes on the call");
  selection.bind(call_command, [call](Session& session) { return run_call(session, *call); });
}

}  // namespace aliquot::cli
