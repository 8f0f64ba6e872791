// Quality control in the lab: materials, targets, runs, and the gate (lab/quality_control.h).

#include "lab/quality_control.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>

#include "core/text.h"
#include "core/time_zone.h"
#include "lab/calculated_results.h"
#include "lab/instrument_tasks.h"
#include "lab/lab_time_zone.h"
#include "lab/outbound.h"
#include "lab/qc_json.h"
#include "lab/use_case_support.h"
#include "qc/qc_policy.h"

namespace aliquot::lab {
namespace {

using core::QcRun;
using core::QcRunStatus;

// 9999-12-31T23:59:59.999Z: later than any run, for "the last run" and "every run after".
constexpr std::int64_t kEndOfTimeMillis = 253402300799999;
constexpr std::int64_t kEveryRun = std::numeric_limits<std::int64_t>::max();

core::Instant end_of_time() { return core::from_unix_millis(kEndOfTimeMillis); }

const qc::QcPolicy& policy_of(const Context& ctx) {
  return ctx.qc_policy != nullptr ? *ctx.qc_policy : qc::default_qc_policy();
}

// "cobas-c311/GLU": how targets and runs are keyed in the audit trail.
std::string analyte_key(std::string_view instrument, std::string_view test_code) {
  return std::string(instrument) + "/" + std::string(test_code);
}

// "GLU on cobas-c311".
std::string analyte_name(std::string_view instrument, std::string_view test_code) {
  return std::string(test_code) + " on " + std::string(instrument);
}

std::string material_name(const core::QcMaterial& material) {
  return "control lot " + material.lot + " level " + material.level;
}

std::string run_key(const QcRun& run) {
  return analyte_key(run.instrument, run.test_code) + " run " + std::to_string(run.id);
}

// "QC run 12 of GLU on cobas-c311".
std::string run_name(const QcRun& run) {
  return "QC run " + std::to_string(run.id) + " of " + analyte_name(run.instrument, run.test_code);
}

bool passed(QcRunStatus status) { return status != QcRunStatus::kReject; }

// Whether run `a` was measured after run `b` (the store's order: measured_at, then id).
bool later(const QcRun& a, const QcRun& b) {
  return a.measured_at != b.measured_at ? a.measured_at > b.measured_at : a.id > b.id;
}

// A level or run named in stored JSON: a number or a text.
std::string json_name(const nlohmann::json& name) {
  if (name.is_string()) return name.get<std::string>();
  if (name.is_number_integer()) return std::to_string(name.get<long long>());
  return name.dump();
}

// "1-3s level 2; 2-2s levels 1, 2": the rules of `action` ("reject" or "warning") that fired on
// the run, with their levels, read back from the violations stored with it.
std::string fired_rules(const QcRun& run, std::string_view action) {
  const nlohmann::json parsed = nlohmann::json::parse(run.violations, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) return "";
  std::vector<std::string> parts;
  for (const nlohmann::json& violation : parsed) {
    if (!violation.is_object()) continue;
    const auto fired_action = violation.find("action");
    const auto rule = violation.find("rule");
    if (fired_action == violation.end() || !fired_action->is_string() ||
        fired_action->get<std::string>() != action || rule == violation.end() ||
        !rule->is_string()) {
      continue;
    }
    std::vector<std::string> levels;
    if (const auto found = violation.find("levels");
        found != violation.end() && found->is_array()) {
      for (const nlohmann::json& level : *found) levels.push_back(json_name(level));
    }
    std::string part = rule->get<std::string>();
    if (!levels.empty()) part += (levels.size() == 1 ? " level " : " levels ") + core::join(levels);
    parts.push_back(std::move(part));
  }
  return core::join(parts, "; ");
}

// "QC rejected at 2026-03-10T10:00:00Z (1-3s level 2)".
std::string rejected_at_text(const QcRun& run) {
  const std::string rules = fired_rules(run, "reject");
  return "QC rejected at " + core::format_instant(run.measured_at) +
         (rules.empty() ? "" : " (" + rules + ")");
}

// The last run of the analyte at or before `at` that passed (accepted, or only warned).
Result<std::optional<QcRun>> last_passed_run(store::Transaction& tx, std::string_view instrument,
                                             std::string_view test_code, core::Instant at) {
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<QcRun> accepted,
                           tx.last_qc_run(instrument, test_code, at, QcRunStatus::kAccept));
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<QcRun> warned,
                           tx.last_qc_run(instrument, test_code, at, QcRunStatus::kWarning));
  if (!accepted) return warned;
  if (warned && later(*warned, *accepted)) return warned;
  return accepted;
}

// A value as read or typed: a finite number and nothing else.
std::optional<double> read_number(std::string_view text) {
  const std::string value = trimmed(text);
  double number = 0;
  const char* end = value.data() + value.size();
  const auto [stop, error] = std::from_chars(value.data(), end, number);
  if (value.empty() || error != std::errc() || stop != end || !std::isfinite(number)) {
    return std::nullopt;
  }
  return number;
}

// Levels in order: numerically when both are numbers ("2" before "10"), else as text, so that
// the values of every run are in the same order for the rules across runs and levels.
bool level_before(const std::string& a, const std::string& b) {
  const std::optional<double> x = read_number(a);
  const std::optional<double> y = read_number(b);
  if (x && y && *x != *y) return *x < *y;
  return a < b;
}

// "no control material lot 26451 level 2", "no control material under sample id 'QC2' on c311".
std::string no_material(std::string_view instrument, const MaterialRef& ref) {
  if (!ref.sample_id.empty()) {
    return "no control material under sample id '" + ref.sample_id + "' on " +
           std::string(instrument);
  }
  return "no control material lot " + ref.lot + " level " + ref.level;
}

// The material `ref` names: nullopt when the lab has none (the caller names it), InvalidArgument
// when `ref` names nothing.
Result<std::optional<core::QcMaterial>> lookup_material(store::Transaction& tx,
                                                        std::string_view instrument,
                                                        const MaterialRef& ref) {
  if (!ref.sample_id.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::int64_t> id,
                             tx.find_qc_sample_id(instrument, ref.sample_id));
    if (!id) return std::optional<core::QcMaterial>();
    return tx.find_qc_material(*id);
  }
  if (ref.lot.empty() || ref.level.empty()) {
    return invalid_argument("name the control material by lot and level, or by sample id");
  }
  return tx.find_qc_material_by_lot(ref.lot, ref.level);
}

Result<core::QcMaterial> material_of(store::Transaction& tx, std::string_view instrument,
                                     const MaterialRef& ref) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::QcMaterial> material,
                           lookup_material(tx, instrument, ref));
  if (!material) return not_found(no_material(instrument, ref));
  return *material;
}

MaterialRef trimmed_ref(const MaterialRef& ref) {
  return MaterialRef{trimmed(ref.lot), trimmed(ref.level), trimmed(ref.sample_id)};
}

// The result with its specimen, order and patient.
Result<LocatedResult> locate(store::Transaction& tx, const core::TestResult& result) {
  LocatedResult at;
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Specimen> specimen,
                           tx.find_specimen(result.specimen_id));
  if (!specimen) {
    return data_loss("specimen id " + std::to_string(result.specimen_id) + " of result id " +
                     std::to_string(result.id) + " is referenced but missing");
  }
  at.specimen = *specimen;
  at.result = result;
  ALIQUOT_ASSIGN_OR_RETURN(at.order, order_by_id(tx, specimen->order_id));
  ALIQUOT_ASSIGN_OR_RETURN(at.patient, patient_by_id(tx, at.order.patient_id));
  return at;
}

Result<QcRun> run_by_id(store::Transaction& tx, std::int64_t id) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<QcRun> run, tx.find_qc_run(id));
  if (!run) return not_found("no QC run " + std::to_string(id));
  return *run;
}

// The run as the engine reads it, named by its measuring time (the run being recorded has no id
// yet).
qc::ControlRun control_run(const QcRun& run) {
  qc::ControlRun control;
  control.id = core::format_instant(run.measured_at);
  for (const core::QcRunValue& value : run.values) {
    control.values.push_back({value.level, value.value, value.target_mean, value.target_sd});
  }
  return control;
}

QcRunStatus run_status(qc::RunStatus status) {
  switch (status) {
    case qc::RunStatus::kAccept: return QcRunStatus::kAccept;
    case qc::RunStatus::kWarning: return QcRunStatus::kWarning;
    case qc::RunStatus::kReject: return QcRunStatus::kReject;
  }
  return QcRunStatus::kReject;
}

// The runs the new run is judged with: the last ones measured at or before it, after the last
// run whose corrective action is documented (the history restarts there), at most as many as
// the rules can look at.
Result<std::vector<qc::ControlRun>> history_before(store::Transaction& tx, const QcRun& run,
                                                   std::span<const qc::ControlRule> rules) {
  std::vector<qc::ControlRun> history;
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<QcRun> runs,
                           tx.qc_runs(run.instrument, run.test_code, core::Instant{},
                                      run.measured_at + std::chrono::milliseconds(1),
                                      static_cast<std::int64_t>(qc::runs_needed(rules))));
  std::size_t first = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!runs[i].corrective_action.empty()) first = i + 1;
  }
  for (std::size_t i = first; i < runs.size(); ++i) {
    qc::ControlRun control = control_run(runs[i]);
    if (Result<void> fit = qc::check_run(control); !fit.has_value()) {
      return data_loss(run_name(runs[i]) + " as stored cannot be judged: " + fit.error().message());
    }
    history.push_back(std::move(control));
  }
  return history;
}

// The refusals of one command, each on its own line; the code is theirs when they share one.
class Problems {
 public:
  void add(ErrorCode code, std::string text) {
    if (texts_.empty()) code_ = code;
    if (code != code_) code_ = ErrorCode::kInvalidArgument;
    texts_.push_back(std::move(text));
  }
  bool empty() const { return texts_.empty(); }
  Error error() const { return Error(code_, core::join(texts_, "\n")); }

 private:
  ErrorCode code_ = ErrorCode::kInvalidArgument;
  std::vector<std::string> texts_;
};

// A read-back-confirmed call documented for the result's current value.
Result<bool> call_documented(store::Transaction& tx, const core::TestResult& result) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::CriticalCall> calls,
                           tx.critical_calls_for_result(result.id));
  return std::any_of(calls.begin(), calls.end(), [&](const core::CriticalCall& call) {
    return call.result_revision == result.revision && call.read_back_confirmed;
  });
}

}  // namespace

Result<core::QcMaterial> add_qc_material(store::Transaction& tx, const Context& ctx,
                                         const AddQcMaterial& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kManageQc));
  const core::Instant now = ctx.clock.now();
  core::QcMaterial material;
  material.product = trimmed(command.product);
  material.manufacturer = trimmed(command.manufacturer);
  material.lot = trimmed(command.lot);
  material.level = trimmed(command.level);
  material.expires_on = command.expires_on;
  std::vector<std::string> missing;
  if (material.product.empty()) missing.push_back("product");
  if (material.lot.empty()) missing.push_back("lot");
  if (material.level.empty()) missing.push_back("level");
  if (!missing.empty()) {
    return invalid_argument("a control material needs a product, a lot and a level: " +
                            core::join(missing) + " missing");
  }
  // The expiry decides which runs may use the material: a vial without one cannot be checked.
  if (!material.expires_on.ok()) {
    return invalid_argument(material_name(material) + " needs its expiry date");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::QcMaterial> existing,
                           tx.find_qc_material_by_lot(material.lot, material.level));
  if (existing) {
    return already_exists(material_name(material) + " already exists (" + existing->product +
                          ", expires " + core::format_date(existing->expires_on) + ")");
  }
  material.created_at = now;
  material.created_by = actor.username;
  ALIQUOT_ASSIGN_OR_RETURN(material, tx.insert_qc_material(material));

  audit::Change change;
  change.action = "qc.material.add";
  change.entity_type = "qc_material";
  change.entity_key = material.lot + "/" + material.level;
  change.after = to_compact_text(material);
  change.reason = material.product + ", expires " + core::format_date(material.expires_on);
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  return material;
}

// What a target is for, as set_qc_target and establish_qc_target check it first: the actor
// may manage QC, and the instrument, test and material exist.
struct TargetSubject {
  core::User actor;
  core::Instant now{};
  std::string instrument;
  const core::TestDefinition* test = nullptr;
  core::QcMaterial material;
};

Result<TargetSubject> target_subject(store::Transaction& tx, const Context& ctx,
                                     std::string_view instrument_name, std::string_view test_code,
                                     const MaterialRef& material) {
  TargetSubject subject;
  ALIQUOT_ASSIGN_OR_RETURN(subject.actor, authorize(tx, ctx.actor.username, Action::kManageQc));
  subject.now = ctx.clock.now();
  subject.instrument = trimmed(instrument_name);
  if (subject.instrument.empty()) {
    return invalid_argument("a QC target needs the instrument it is for");
  }
  ALIQUOT_ASSIGN_OR_RETURN(subject.test, catalog_test(ctx, test_code));
  ALIQUOT_ASSIGN_OR_RETURN(subject.material,
                           material_of(tx, subject.instrument, trimmed_ref(material)));
  return subject;
}

// Stores `target` (which replaces `previous`, the one in force) with its audit entry.
Result<core::QcTarget> record_target(store::Transaction& tx, const TargetSubject& subject,
                                     core::QcTarget target,
                                     const std::optional<core::QcTarget>& previous,
                                     std::string reason) {
  ALIQUOT_ASSIGN_OR_RETURN(target, tx.insert_qc_target(target));
  audit::Change change;
  change.action = "qc.target.set";
  change.entity_type = "qc_target";
  change.entity_key = analyte_key(subject.instrument, subject.test->code);
  change.test_code = subject.test->code;
  if (previous) change.before = to_compact_text(*previous);
  change.after = to_compact_text(target);
  change.reason = std::move(reason);
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, subject.actor.username, subject.now, change));
  return target;
}

Result<core::QcTarget> set_qc_target(store::Transaction& tx, const Context& ctx,
                                     const SetQcTarget& command) {
  ALIQUOT_ASSIGN_OR_RETURN(
      const TargetSubject subject,
      target_subject(tx, ctx, command.instrument, command.test_code, command.material));
  const auto& [actor, now, instrument, test, material] = subject;
  const std::string what = material_name(material) + " for " + analyte_name(instrument, test->code);
  if (!std::isfinite(command.mean)) {
    return invalid_argument("the target mean of " + what + " must be a number");
  }
  if (!std::isfinite(command.sd) || command.sd <= 0) {
    return invalid_argument("the target SD of " + what + " must be a number greater than 0, not " +
                            core::number_text(command.sd));
  }
  core::QcTarget target;
  target.material_id = material.id;
  target.instrument = instrument;
  target.test_code = test->code;
  target.mean = command.mean;
  target.sd = command.sd;
  target.source = core::QcTargetSource::kPackageInsert;
  target.effective_from = command.effective_from.value_or(now);
  target.entered_at = now;
  target.entered_by = actor.username;
  ALIQUOT_ASSIGN_OR_RETURN(
      const std::optional<core::QcTarget> previous,
      tx.qc_target_in_force(material.id, instrument, test->code, target.effective_from));
  std::string reason = material_name(material) + ": mean " + core::number_text(target.mean) +
                       ", SD " + core::number_text(target.sd) +
                       " from the package insert, effective " +
                       core::format_instant(target.effective_from);
  return record_target(tx, subject, std::move(target), previous, std::move(reason));
}

Result<core::QcTarget> establish_qc_target(store::Transaction& tx, const Context& ctx,
                                           const EstablishQcTarget& command) {
  ALIQUOT_ASSIGN_OR_RETURN(
      const TargetSubject subject,
      target_subject(tx, ctx, command.instrument, command.test_code, command.material));
  const auto& [actor, now, instrument, test, material] = subject;
  const std::string period =
      core::format_instant(command.from) + " to " + core::format_instant(command.to);
  if (command.from >= command.to) {
    return invalid_argument("the period " + period + " is empty: 'from' must be before 'to'");
  }
  const std::string what = material_name(material) + " for " + analyte_name(instrument, test->code);

  // CLSI C24: the lab's own mean and SD from its runs of the material, the rejected ones left
  // out (their values are what the target must not absorb).
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<QcRun> runs,
                           tx.qc_runs(instrument, test->code, command.from, command.to, kEveryRun));
  std::vector<double> values;
  for (const QcRun& run : runs) {
    if (!passed(run.status)) continue;
    for (const core::QcRunValue& value : run.values) {
      if (value.material_id == material.id) values.push_back(value.value);
    }
  }
  const int minimum = std::max(2, policy_of(ctx).for_test(test->code).establish_minimum);
  if (static_cast<int>(values.size()) < minimum) {
    return failed_precondition("cannot establish a target of " + what + " from " + period + ": " +
                               std::to_string(values.size()) + " values; at least " +
                               std::to_string(minimum) + " are needed");
  }
  double sum = 0;
  for (const double value : values) sum += value;
  const double lab_mean = sum / static_cast<double>(values.size());
  double squares = 0;
  for (const double value : values) squares += (value - lab_mean) * (value - lab_mean);
  const double lab_sd = std::sqrt(squares / static_cast<double>(values.size() - 1));
  if (!(lab_sd > 0)) {
    return failed_precondition("cannot establish a target of " + what + " from " + period +
                               ": the " + std::to_string(values.size()) +
                               " values are all equal, so they give no SD");
  }

  core::QcTarget target;
  target.material_id = material.id;
  target.instrument = instrument;
  target.test_code = test->code;
  target.mean = lab_mean;
  target.sd = lab_sd;
  target.source = core::QcTargetSource::kEstablished;
  target.established_from = static_cast<int>(values.size());
  target.effective_from = now;
  target.entered_at = now;
  target.entered_by = actor.username;
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::QcTarget> previous,
                           tx.qc_target_in_force(material.id, instrument, test->code, now));
  if (command.keep_insert_mean) {
    if (!previous) {
      return failed_precondition("no target of " + what +
                                 " is in force to keep the mean of; set the insert's target "
                                 "first");
    }
    target.mean = previous->mean;
    target.source = core::QcTargetSource::kInsertMeanLabSd;
  }
  std::string reason =
      material_name(material) + ": " +
      (command.keep_insert_mean
           ? "the insert's mean " + core::number_text(target.mean) + " with the lab's SD "
           : "the lab's mean " + core::number_text(target.mean) + " and SD ") +
      core::number_text(target.sd) + " from " + std::to_string(values.size()) +
      " values measured " + period;
  return record_target(tx, subject, std::move(target), previous, std::move(reason));
}

Result<void> set_qc_sample_id(store::Transaction& tx, const Context& ctx,
                              const SetQcSampleId& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kManageQc));
  const core::Instant now = ctx.clock.now();
  const std::string instrument = trimmed(command.instrument);
  const std::string sample_id = trimmed(command.sample_id);
  if (instrument.empty() || sample_id.empty()) {
    return invalid_argument("a QC sample id needs the instrument and the sample id");
  }
  ALIQUOT_ASSIGN_OR_RETURN(
      const core::QcMaterial material,
      material_of(tx, instrument, MaterialRef{trimmed(command.lot), trimmed(command.level), ""}));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::int64_t> previous,
                           tx.find_qc_sample_id(instrument, sample_id));
  const auto image = [&](const core::QcMaterial& of) {
    return to_compact_text(nlohmann::json{{"instrument", instrument},
                                          {"sample_id", sample_id},
                                          {"material_id", of.id},
                                          {"lot", of.lot},
                                          {"level", of.level}});
  };
  audit::Change change;
  change.action = "qc.sample_id.set";
  change.entity_type = "qc_sample_id";
  change.entity_key = analyte_key(instrument, sample_id);
  if (previous) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::QcMaterial> before,
                             tx.find_qc_material(*previous));
    if (before) change.before = image(*before);
  }
  ALIQUOT_RETURN_IF_ERROR(tx.set_qc_sample_id(instrument, sample_id, material.id));
  change.after = image(material);
  change.reason =
      "sample id '" + sample_id + "' on " + instrument + " is " + material_name(material);
  return record_change(tx, actor.username, now, change);
}

Result<RecordedQcRun> record_qc_run(store::Transaction& tx, const Context& ctx,
                                    const RecordQcRun& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kRecordQc));
  const core::Instant now = ctx.clock.now();
  const std::string instrument = trimmed(command.instrument);
  if (instrument.empty()) {
    return invalid_argument("a QC run needs the instrument it was measured on");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const core::TestDefinition* test, catalog_test(ctx, command.test_code));
  const std::string analyte = analyte_name(instrument, test->code);
  if (command.values.empty()) {
    return invalid_argument("the QC run of " + analyte + " has no control values");
  }
  QcRun run;
  run.instrument = instrument;
  run.test_code = test->code;
  run.measured_at = command.measured_at.value_or(now);
  // A vial may be used through its expiry date, a day of the lab's calendar.
  ALIQUOT_ASSIGN_OR_RETURN(const core::TimeZone zone, lab_time_zone(tx));
  const core::Date measured_on{
      std::chrono::floor<std::chrono::days>(zone.to_local(run.measured_at))};

  // Everything is checked before anything is written, and every problem is named.
  Problems problems;
  std::set<std::string> levels;
  for (std::size_t i = 0; i < command.values.size(); ++i) {
    const QcValueInput& input = command.values[i];
    const std::string where =
        input.label.empty() ? "value " + std::to_string(i + 1) : trimmed(input.label);
    const MaterialRef ref = trimmed_ref(input.material);
    const std::optional<double> number = read_number(input.value);
    if (!number) {
      problems.add(ErrorCode::kInvalidArgument, where + ": '" + input.value + "' is not a number");
    }
    Result<std::optional<core::QcMaterial>> found = lookup_material(tx, instrument, ref);
    if (!found.has_value()) {
      if (found.error().code() != ErrorCode::kInvalidArgument) return found.error();
      problems.add(ErrorCode::kInvalidArgument, where + ": " + found.error().message());
      continue;
    }
    if (!*found) {
      problems.add(ErrorCode::kNotFound, where + ": " + no_material(instrument, ref));
      continue;
    }
    const core::QcMaterial& material = **found;
    if (!levels.insert(material.level).second) {
      problems.add(ErrorCode::kInvalidArgument,
                   where + ": level " + material.level + " is given twice in the run");
      continue;
    }
    if (measured_on > material.expires_on) {
      problems.add(ErrorCode::kFailedPrecondition,
                   where + ": " + material_name(material) + " expired on " +
                       core::format_date(material.expires_on) + "; the run was measured on " +
                       core::format_date(measured_on));
    }
    ALIQUOT_ASSIGN_OR_RETURN(
        const std::optional<core::QcTarget> target,
        tx.qc_target_in_force(material.id, instrument, test->code, run.measured_at));
    if (!target) {
      problems.add(ErrorCode::kFailedPrecondition,
                   where + ": " + material_name(material) + " has no target for " + analyte +
                       " in force at " + core::format_instant(run.measured_at) + "; set one first");
      continue;
    }
    if (!number) continue;
    run.values.push_back(
        {material.id, material.level, material.lot, *number, target->mean, target->sd});
  }
  if (!problems.empty()) return problems.error();
  std::sort(run.values.begin(), run.values.end(),
            [](const core::QcRunValue& a, const core::QcRunValue& b) {
              return level_before(a.level, b.level);
            });

  // Judged by the policy's rules with the runs since the last corrective action.
  const qc::AnalytePolicy& policy = policy_of(ctx).for_test(test->code);
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<qc::ControlRun> runs, history_before(tx, run, policy.rules));
  runs.push_back(control_run(run));
  ALIQUOT_RETURN_IF_ERROR(qc::check_run(runs.back()));
  RecordedQcRun recorded;
  recorded.evaluation = qc::evaluate_last_run(runs, policy.rules);
  run.status = run_status(recorded.evaluation.status);
  run.rules = policy.rules_text.empty() ? qc::rules_text(policy.rules) : policy.rules_text;
  run.violations = to_compact_text(qc_violations_json(recorded.evaluation));
  run.source = trimmed(command.source).empty() ? "manual" : trimmed(command.source);
  run.recorded_at = now;
  run.recorded_by = actor.username;
  ALIQUOT_ASSIGN_OR_RETURN(run, tx.insert_qc_run(run));
  recorded.run = run;

  // A rejected run looks back to the last run that passed: what was measured since cannot be
  // trusted. What is not released yet is held; what went out is listed for review.
  if (run.status == QcRunStatus::kReject) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<QcRun> last_passed,
                             last_passed_run(tx, instrument, test->code, run.measured_at));
    const core::Instant since = last_passed ? last_passed->measured_at : core::Instant{};
    ALIQUOT_ASSIGN_OR_RETURN(
        std::vector<core::TestResult> measured,
        tx.results_measured_on(instrument, test->code, since, run.measured_at));
    for (core::TestResult& result : measured) {
      if (!result.value || result.status == core::ResultStatus::kCancelled) continue;
      if (core::is_released(result.status)) {
        recorded.released.push_back(std::move(result));
      } else {
        recorded.held.push_back(std::move(result));
      }
    }
  }

  audit::Change change;
  change.action = "qc.run.record";
  change.entity_type = "qc_run";
  change.entity_key = run_key(run);
  change.test_code = run.test_code;
  change.after = to_compact_text(run);
  change.reason = std::string(core::to_code(run.status));
  if (run.status != QcRunStatus::kAccept) {
    const std::string fired =
        fired_rules(run, run.status == QcRunStatus::kReject ? "reject" : "warning");
    if (!fired.empty()) change.reason += ": " + fired;
  }
  if (run.status == QcRunStatus::kReject) {
    change.reason += "; results held: " + std::to_string(recorded.held.size()) +
                     "; released results to review: " + std::to_string(recorded.released.size());
  }
  change.reason += "; source " + run.source;
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));

  const core::HoldReason reason = qc_hold_reason(run);
  for (const core::TestResult& result : recorded.held) {
    ALIQUOT_ASSIGN_OR_RETURN(const LocatedResult at, locate(tx, result));
    ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::HoldReason> holds, tx.holds_for_result(result.id));
    holds.push_back(reason);
    ALIQUOT_RETURN_IF_ERROR(tx.replace_result_holds(result.id, holds));
    core::QcHold hold;
    hold.run_id = run.id;
    hold.result_id = result.id;
    ALIQUOT_RETURN_IF_ERROR(tx.insert_qc_hold(hold));
    audit::Change held = result_change("result.qc_hold", at);
    held.entity_type = "qc_hold";
    held.after = to_compact_text(hold);
    held.reason = reason.message;
    ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, held));
  }
  for (const core::TestResult& result : recorded.released) {
    ALIQUOT_ASSIGN_OR_RETURN(const LocatedResult at, locate(tx, result));
    core::QcHold hold;
    hold.run_id = run.id;
    hold.result_id = result.id;
    hold.was_released = true;
    ALIQUOT_RETURN_IF_ERROR(tx.insert_qc_hold(hold));
    audit::Change review = result_change("result.qc_hold", at);
    review.entity_type = "qc_hold";
    review.after = to_compact_text(hold);
    review.reason = "released before " + describe_rejected_run(run) + ": to review";
    ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, review));
  }
  return recorded;
}

Result<core::QcRun> document_corrective_action(store::Transaction& tx, const Context& ctx,
                                               const DocumentCorrectiveAction& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kRecordQc));
  const core::Instant now = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(QcRun run, run_by_id(tx, command.run_id));
  const std::string action = trimmed(command.action);
  if (action.empty()) {
    return invalid_argument("the corrective action of " + run_name(run) +
                            " needs what was found and done");
  }
  if (run.status != QcRunStatus::kReject) {
    return failed_precondition(run_name(run) + " was not rejected (" +
                               std::string(core::to_code(run.status)) +
                               "): only a rejected run takes a corrective action");
  }
  if (!run.corrective_action.empty()) {
    return failed_precondition(
        run_name(run) + " already has its corrective action, documented by " + run.corrected_by +
        " at " + core::format_instant(run.corrected_at.value_or(run.recorded_at)) + ": " +
        run.corrective_action);
  }
  const std::string before = to_compact_text(run);
  run.corrective_action = action;
  run.corrected_at = now;
  run.corrected_by = actor.username;
  ALIQUOT_RETURN_IF_ERROR(tx.update_qc_run_correction(run));

  audit::Change change;
  change.action = "qc.run.correct";
  change.entity_type = "qc_run";
  change.entity_key = run_key(run);
  change.test_code = run.test_code;
  change.before = before;
  change.after = to_compact_text(run);
  change.reason = action;
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  return run;
}

// What resolving the holds of rejected `run` rests on, in one line: its corrective action and
// the run that passed after it. FailedPrecondition naming what is missing; `doing` says what
// waits for it ("releasing what it held").
Result<std::string> resolution_grounds(store::Transaction& tx, const QcRun& run,
                                       std::string_view doing) {
  if (run.corrective_action.empty()) {
    return failed_precondition("document the corrective action of " + describe_rejected_run(run) +
                               " before " + std::string(doing));
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<QcRun> passed_again,
                           qc_passed_after(tx, run, end_of_time()));
  if (!passed_again) {
    return failed_precondition("no QC run of " + analyte_name(run.instrument, run.test_code) +
                               " has passed since " + describe_rejected_run(run) +
                               ": rerun QC first");
  }
  return describe_rejected_run(run) + "; corrective action by " + run.corrected_by + ": " +
         run.corrective_action + "; QC run " + std::to_string(passed_again->id) + " " +
         std::string(core::to_code(passed_again->status)) + " at " +
         core::format_instant(passed_again->measured_at);
}

// Resolves the hold of a result that was released before the run was rejected: the
// technologist has reviewed it (a wrong one is corrected with correct_result).
Result<void> mark_reviewed(store::Transaction& tx, const std::string& actor, core::Instant now,
                           core::QcHold hold, const LocatedResult& at, const std::string& why,
                           std::string_view note) {
  hold.resolved_at = now;
  hold.resolved_by = actor;
  hold.resolution = "reviewed";
  ALIQUOT_RETURN_IF_ERROR(tx.update_qc_hold(hold));
  audit::Change change = result_change("result.qc_review", at);
  change.entity_type = "qc_hold";
  change.after = to_compact_text(hold);
  change.reason = "reviewed: released before " + why;
  if (!note.empty()) change.reason += "; " + std::string(note);
  return record_change(tx, actor, now, change);
}

Result<ReleasedQcHeld> release_qc_held_results(store::Transaction& tx, const Context& ctx,
                                               const ReleaseQcHeld& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kReleaseQcHeld));
  const core::Instant now = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(const QcRun run, run_by_id(tx, command.run_id));
  if (run.status != QcRunStatus::kReject) {
    return failed_precondition(run_name(run) + " was not rejected (" +
                               std::string(core::to_code(run.status)) + "): it holds no results");
  }
  const qc::AnalytePolicy& policy = policy_of(ctx).for_test(run.test_code);
  if (policy.after_rejection != qc::AfterRejection::kRelease) {
    return failed_precondition(
        "policy for " + run.test_code + " is " + std::string(qc::to_code(policy.after_rejection)) +
        ": measure the held results again (" + describe_rejected_run(run) + ")");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::string why,
                           resolution_grounds(tx, run, "releasing what it held"));

  ReleasedQcHeld outcome;
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::QcHold> holds, tx.qc_holds_for_run(run.id));
  for (core::QcHold hold : holds) {
    if (hold.resolved_at) continue;
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::TestResult> found,
                             tx.find_result(hold.result_id));
    if (!found) {
      return data_loss("result id " + std::to_string(hold.result_id) + " held by " + run_name(run) +
                       " is missing");
    }
    ALIQUOT_ASSIGN_OR_RETURN(LocatedResult at, locate(tx, *found));
    core::TestResult& result = at.result;
    if (hold.was_released) {
      // Released before the failure was known: the technologist has reviewed it.
      ALIQUOT_RETURN_IF_ERROR(mark_reviewed(tx, actor.username, now, hold, at, why, ""));
      ++outcome.reviewed;
      continue;
    }
    hold.resolved_at = now;
    hold.resolved_by = actor.username;
    audit::Change change = result_change("result.qc_release", at);
    hold.resolution = "released";
    ALIQUOT_RETURN_IF_ERROR(tx.update_qc_hold(hold));
    ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::HoldReason> reasons, tx.holds_for_result(result.id));
    std::erase_if(
        reasons, [&](const core::HoldReason& reason) { return is_qc_hold_reason_of(reason, run); });
    ALIQUOT_RETURN_IF_ERROR(tx.replace_result_holds(result.id, reasons));
    const std::string before = audit_image(result);

    if (result.status != core::ResultStatus::kPreliminary || !result.value) {
      // Cancelled since it was held: nothing to release.
      change.before = before;
      change.after = before;
      change.reason = "QC hold lifted (" + why + "); the result is " +
                      std::string(core::to_code(result.status));
      ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
      continue;
    }
    std::string still;
    if (!reasons.empty()) {
      std::vector<std::string> messages;
      for (const core::HoldReason& reason : reasons) messages.push_back(reason.message);
      still = core::join(messages, "; ");
    } else if (core::is_critical(result.flag)) {
      ALIQUOT_ASSIGN_OR_RETURN(const bool called, call_documented(tx, result));
      // The Joint Commission NPSG.02.03.01, CLSI GP47: a critical value reaches a caregiver,
      // who reads it back, before it is released.
      if (!called) {
        still = "critical " + describe_value(*result.value, result.flag) +
                ": document the call to a caregiver before release";
      }
    }
    if (!still.empty()) {
      change.before = before;
      change.after = before;
      change.reason = "QC hold lifted (" + why + "); still held: " + still;
      ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
      outcome.still_held.push_back(result);
      continue;
    }
    result.status = core::ResultStatus::kFinal;
    result.released_at = now;
    result.released_by = actor.username;
    ALIQUOT_RETURN_IF_ERROR(tx.update_result(result));
    change.before = before;
    change.after = audit_image(result);
    change.reason = "released after " + why;
    ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
    ALIQUOT_RETURN_IF_ERROR(queue_result_report(
        tx, ctx, ReportedResult{at.patient, at.order, at.specimen, result}, now));
    ALIQUOT_RETURN_IF_ERROR(update_calculated_results(tx, ctx, actor, now, at.order, at.patient,
                                                      InputChange{{result.test_code}, ""}));
    outcome.released.push_back(result);
  }
  return outcome;
}

Result<int> review_qc_released_results(store::Transaction& tx, const Context& ctx,
                                       const ReviewQcReleased& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kReleaseQcHeld));
  const core::Instant now = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(const QcRun run, run_by_id(tx, command.run_id));
  if (run.status != QcRunStatus::kReject) {
    return failed_precondition(run_name(run) + " was not rejected (" +
                               std::string(core::to_code(run.status)) +
                               "): it found no results to review");
  }
  ALIQUOT_ASSIGN_OR_RETURN(
      const std::string why,
      resolution_grounds(tx, run, "recording the review of what was released before it"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::QcHold> holds, tx.qc_holds_for_run(run.id));
  int reviewed = 0;
  for (const core::QcHold& hold : holds) {
    if (hold.resolved_at || !hold.was_released) continue;
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::TestResult> found,
                             tx.find_result(hold.result_id));
    if (!found) {
      return data_loss("result id " + std::to_string(hold.result_id) + " found by " +
                       run_name(run) + " is missing");
    }
    ALIQUOT_ASSIGN_OR_RETURN(const LocatedResult at, locate(tx, *found));
    ALIQUOT_RETURN_IF_ERROR(
        mark_reviewed(tx, actor.username, now, hold, at, why, trimmed(command.note)));
    ++reviewed;
  }
  if (reviewed == 0) {
    return failed_precondition(describe_rejected_run(run) +
                               " left no released result waiting for review");
  }
  return reviewed;
}

Result<QcFinding> qc_finding(store::Transaction& tx, const Context& ctx,
                             std::string_view instrument, std::string_view test_code,
                             core::Instant measured_at) {
  QcFinding finding;
  if (instrument.empty()) return finding;
  const std::string code = canonical_test_code(ctx, test_code);
  ALIQUOT_ASSIGN_OR_RETURN(const bool monitored, tx.has_qc_targets(instrument, code));
  if (!monitored) return finding;
  finding.state = rules::QcState::kFailing;

  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<QcRun> rejected,
                           rejected_run_covering(tx, instrument, code, measured_at));
  if (rejected) {
    finding.detail = rejected_at_text(*rejected);
    finding.rejected_run_id = rejected->id;
    return finding;
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<QcRun> last,
                           last_passed_run(tx, instrument, code, measured_at));
  if (!last) {
    finding.detail = "no QC run yet";
    return finding;
  }
  const std::chrono::minutes interval = policy_of(ctx).for_test(code).interval;
  if (interval.count() > 0 && measured_at - last->measured_at > interval) {
    finding.detail = "QC not run since " + core::format_instant(last->measured_at);
    return finding;
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<InstrumentTaskStatus> calibration,
                           overdue_calibration(tx, instrument, code, measured_at));
  if (calibration) {
    const std::string name = "calibration '" + calibration->task.name + "' overdue";
    if (calibration->status.due_at) {
      finding.detail = name + " since " + core::format_instant(*calibration->status.due_at);
    } else if (!calibration->last) {
      finding.detail = name + ": never done";
    } else {
      finding.detail =
          name + ": " + std::to_string(calibration->status.runs_since) + " runs since it was done";
    }
    return finding;
  }
  finding.state = rules::QcState::kAcceptable;
  return finding;
}

Result<std::optional<core::QcRun>> rejected_run_covering(store::Transaction& tx,
                                                         std::string_view instrument,
                                                         std::string_view test_code,
                                                         core::Instant measured_at) {
  // Usually nothing was measured after the value: the newest run says it all.
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<QcRun> newest,
                           tx.last_qc_run(instrument, test_code, end_of_time(), std::nullopt));
  if (!newest) return std::optional<QcRun>();
  if (newest->measured_at <= measured_at) {
    if (newest->status == QcRunStatus::kReject) return newest;
    return std::optional<QcRun>();
  }
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<QcRun> before,
                           tx.last_qc_run(instrument, test_code, measured_at, std::nullopt));
  if (before && before->status == QcRunStatus::kReject) return before;
  // A value reported late: the run after it decides whether it lies in a rejection's look-back.
  ALIQUOT_ASSIGN_OR_RETURN(
      std::vector<QcRun> after,
      tx.qc_runs(instrument, test_code, measured_at + std::chrono::milliseconds(1), end_of_time(),
                 kEveryRun));
  if (!after.empty() && after.front().status == QcRunStatus::kReject) {
    return std::optional<QcRun>(std::move(after.front()));
  }
  return std::optional<QcRun>();
}

Result<std::optional<core::QcRun>> qc_passed_after(store::Transaction& tx, const core::QcRun& run,
                                                   core::Instant up_to) {
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<QcRun> last,
                           last_passed_run(tx, run.instrument, run.test_code, up_to));
  if (last && later(*last, run)) return last;
  return std::optional<QcRun>();
}

core::HoldReason qc_hold_reason(const core::QcRun& run) {
  core::HoldReason hold;
  hold.category = std::string(rules::to_code(rules::Category::kQualityControl));
  hold.action = std::string(rules::to_code(rules::Action::kCheckInstrument));
  hold.rule = run.test_code + " QC run " + std::to_string(run.id);
  hold.observed = rejected_at_text(run);
  hold.threshold = "QC acceptable";
  hold.message = describe_rejected_run(run) +
                 ": the result cannot be trusted until the corrective action is documented and "
                 "QC passes again";
  return hold;
}

bool is_qc_hold_reason_of(const core::HoldReason& hold, const core::QcRun& run) {
  return hold.category == rules::to_code(rules::Category::kQualityControl) &&
         hold.rule == run.test_code + " QC run " + std::to_string(run.id);
}

std::string describe_rejected_run(const core::QcRun& run) {
  const std::string rules = fired_rules(run, "reject");
  return run_name(run) + ", rejected at " + core::format_instant(run.measured_at) +
         (rules.empty() ? "" : " (" + rules + ")");
}

}  // namespace aliquot::lab
