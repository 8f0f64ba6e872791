// Quality control: control materials, their targets and sample ids, QC runs and the data of their
// Levey-Jennings charts, the corrective action after a rejection, and the patient results a
// rejected run held (docs/api.md, "Quality control"). The same lab functions as `aliquot qc
// material|target|sample-id|record|runs|chart|correct|held|release-held|review|policy show`
// (lab/quality_control.h, lab/qc_history.h, lab/qc_held.h).

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/qc_records.h"
#include "core/text.h"
#include "lab/qc_held.h"
#include "lab/qc_history.h"
#include "lab/qc_json.h"
#include "lab/qc_policy_json.h"
#include "lab/quality_control.h"
#include "qc/qc_policy.h"
#include "qc/westgard.h"
#include "server/api/handler_support.h"
#include "server/api/request_values.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

// --- materials ---

http::Response list_materials(const ApiContext& api, const http::Request& request) {
  return answer(read(
      api, request,
      [](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::QcMaterial> materials,
                                 tx.list_qc_materials());
        json list = json::array();
        for (const core::QcMaterial& material : materials) list.push_back(lab::to_json(material));
        return json{{"materials", list}};
      },
      std::nullopt));
}

Result<lab::AddQcMaterial> material_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  lab::AddQcMaterial command;
  ALIQUOT_ASSIGN_OR_RETURN(command.product, required_string(body, "product"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> manufacturer,
                           optional_string(body, "manufacturer"));
  command.manufacturer = manufacturer.value_or("");
  ALIQUOT_ASSIGN_OR_RETURN(command.lot, required_string(body, "lot"));
  ALIQUOT_ASSIGN_OR_RETURN(command.level, required_string(body, "level"));
  ALIQUOT_ASSIGN_OR_RETURN(command.expires_on, required_date(body, "expires_on"));
  return command;
}

http::Response add_material(const ApiContext& api, const http::Request& request) {
  const Result<lab::AddQcMaterial> command = material_command(request);
  if (!command) return http::error_response(command.error());
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_ASSIGN_OR_RETURN(const core::QcMaterial material,
                                                 lab::add_qc_material(tx, ctx, *command));
                        return lab::to_json(material);
                      }),
                201);
}

// --- targets ---

// A target as JSON (lab/qc_json.h) with the lot and level of its material, as `aliquot --json qc
// target` gives it.
Result<json> target_json(store::Transaction& tx, const core::QcTarget& target) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::QcMaterial> material,
                           tx.find_qc_material(target.material_id));
  if (!material) {
    return internal_error("QC target " + std::to_string(target.id) + " names material " +
                          std::to_string(target.material_id) + ", which the lab does not have");
  }
  json body = lab::to_json(target);
  body["lot"] = material->lot;
  body["level"] = material->level;
  return body;
}

http::Response list_targets(const ApiContext& api, const http::Request& request) {
  const Result<std::string> instrument = required_query(request, "instrument");
  if (!instrument) return http::error_response(instrument.error());
  const Result<std::string> test_code = required_query(request, "test");
  if (!test_code) return http::error_response(test_code.error());
  return answer(read(
      api, request,
      [&](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::QcTarget> targets,
                                 tx.qc_targets(*instrument, *test_code, 0));
        json list = json::array();
        for (const core::QcTarget& target : targets) {
          ALIQUOT_ASSIGN_OR_RETURN(json entry, target_json(tx, target));
          list.push_back(std::move(entry));
        }
        return json{{"instrument", *instrument}, {"test_code", *test_code}, {"targets", list}};
      },
      std::nullopt));
}

// The material and analyte every target command names: lot, level, instrument, test_code.
struct TargetSubject {
  lab::MaterialRef material;
  std::string instrument;
  std::string test_code;
};

Result<TargetSubject> target_subject(const json& body) {
  TargetSubject subject;
  ALIQUOT_ASSIGN_OR_RETURN(subject.material.lot, required_string(body, "lot"));
  ALIQUOT_ASSIGN_OR_RETURN(subject.material.level, required_string(body, "level"));
  ALIQUOT_ASSIGN_OR_RETURN(subject.instrument, required_string(body, "instrument"));
  ALIQUOT_ASSIGN_OR_RETURN(subject.test_code, required_string(body, "test_code"));
  return subject;
}

Result<lab::SetQcTarget> set_target_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  ALIQUOT_ASSIGN_OR_RETURN(const TargetSubject subject, target_subject(body));
  lab::SetQcTarget command;
  command.material = subject.material;
  command.instrument = subject.instrument;
  command.test_code = subject.test_code;
  ALIQUOT_ASSIGN_OR_RETURN(command.mean, required_number(body, "mean"));
  ALIQUOT_ASSIGN_OR_RETURN(command.sd, required_number(body, "sd"));
  ALIQUOT_ASSIGN_OR_RETURN(command.effective_from, optional_instant(body, "effective_from"));
  return command;
}

http::Response set_target(const ApiContext& api, const http::Request& request) {
  const Result<lab::SetQcTarget> command = set_target_command(request);
  if (!command) return http::error_response(command.error());
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_ASSIGN_OR_RETURN(const core::QcTarget target,
                                                 lab::set_qc_target(tx, ctx, *command));
                        return target_json(tx, target);
                      }),
                201);
}

Result<lab::EstablishQcTarget> establish_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  ALIQUOT_ASSIGN_OR_RETURN(const TargetSubject subject, target_subject(body));
  lab::EstablishQcTarget command;
  command.material = subject.material;
  command.instrument = subject.instrument;
  command.test_code = subject.test_code;
  ALIQUOT_ASSIGN_OR_RETURN(command.from, required_instant(body, "from"));
  ALIQUOT_ASSIGN_OR_RETURN(command.to, required_instant(body, "to"));
  if (command.to <= command.from) {
    return invalid_argument("field 'to': " + core::format_instant(command.to) +
                            " is not after from " + core::format_instant(command.from));
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<bool> keep, optional_bool(body, "keep_insert_mean"));
  command.keep_insert_mean = keep.value_or(false);
  return command;
}

http::Response establish_target(const ApiContext& api, const http::Request& request) {
  const Result<lab::EstablishQcTarget> command = establish_command(request);
  if (!command) return http::error_response(command.error());
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_ASSIGN_OR_RETURN(const core::QcTarget target,
                                                 lab::establish_qc_target(tx, ctx, *command));
                        return target_json(tx, target);
                      }),
                201);
}

// --- sample ids ---

Result<lab::SetQcSampleId> sample_id_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  lab::SetQcSampleId command;
  ALIQUOT_ASSIGN_OR_RETURN(command.instrument, required_string(body, "instrument"));
  ALIQUOT_ASSIGN_OR_RETURN(command.sample_id, required_string(body, "sample_id"));
  ALIQUOT_ASSIGN_OR_RETURN(command.lot, required_string(body, "lot"));
  ALIQUOT_ASSIGN_OR_RETURN(command.level, required_string(body, "level"));
  return command;
}

http::Response set_sample_id(const ApiContext& api, const http::Request& request) {
  const Result<lab::SetQcSampleId> command = sample_id_command(request);
  if (!command) return http::error_response(command.error());
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_RETURN_IF_ERROR(lab::set_qc_sample_id(tx, ctx, *command));
                        return json{{"instrument", command->instrument},
                                    {"sample_id", command->sample_id},
                                    {"lot", command->lot},
                                    {"level", command->level}};
                      }),
                201);
}

// --- runs and charts ---

// instrument and test (required), and the period: from/to (RFC 3339) or month (YYYY-MM in the
// lab's time zone); absent: all time.
Result<lab::QcHistoryQuery> history_query(const http::Request& request) {
  lab::QcHistoryQuery history;
  ALIQUOT_ASSIGN_OR_RETURN(history.instrument, required_query(request, "instrument"));
  ALIQUOT_ASSIGN_OR_RETURN(history.test_code, required_query(request, "test"));
  ALIQUOT_ASSIGN_OR_RETURN(history.from, optional_query_instant(request, "from"));
  ALIQUOT_ASSIGN_OR_RETURN(history.to, optional_query_instant(request, "to"));
  if (history.from && history.to && *history.to <= *history.from) {
    return invalid_argument("query parameter 'to': " + core::format_instant(*history.to) +
                            " is not after from " + core::format_instant(*history.from));
  }
  const std::string month = query(request, "month");
  if (!month.empty()) {
    if (history.from || history.to) {
      return invalid_argument("query parameter 'month': give a month or from/to, not both");
    }
    Result<std::chrono::year_month> parsed = lab::parse_qc_month(month);
    if (!parsed) return invalid_argument("query parameter 'month': " + parsed.error().message());
    history.month = *parsed;
  }
  return history;
}

json optional_time(const std::optional<core::Instant>& at) {
  return at ? json(core::format_instant(*at)) : json(nullptr);
}

// Whether the run has a value of the level and lot asked for (either may be "": any).
bool has_value_of(const core::QcRun& run, const std::string& level, const std::string& lot) {
  return std::any_of(run.values.begin(), run.values.end(), [&](const core::QcRunValue& value) {
    return (level.empty() || value.level == level) && (lot.empty() || value.lot == lot);
  });
}

http::Response list_runs(const ApiContext& api, const http::Request& request) {
  const Result<lab::QcHistoryQuery> history = history_query(request);
  if (!history) return http::error_response(history.error());
  const std::string level = query(request, "level");
  const std::string lot = query(request, "lot");
  return answer(read(
      api, request,
      [&](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::QcHistory runs, lab::read_qc_history(tx, *history));
        json list = json::array();
        for (const core::QcRun& run : runs.stored) {
          if (has_value_of(run, level, lot)) list.push_back(lab::qc_run_json(run));
        }
        return json{{"instrument", runs.instrument},
                    {"test_code", runs.test_code},
                    {"from", optional_time(runs.from)},
                    {"to", optional_time(runs.to)},
                    {"runs", list}};
      },
      std::nullopt));
}

// The chart of one level (required) of one lot (default: the level's latest lot).
http::Response chart(const ApiContext& api, const http::Request& request) {
  const Result<lab::QcHistoryQuery> history = history_query(request);
  if (!history) return http::error_response(history.error());
  const Result<std::string> level = required_query(request, "level");
  if (!level) return http::error_response(level.error());
  const std::string lot = query(request, "lot");
  return answer(read(
      api, request,
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::QcHistory runs, lab::read_qc_history(tx, *history));
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<lab::QcChartKey> keys,
                                 lab::qc_chart_keys(runs, *level, lot));
        const lab::QcChartSeries series = lab::qc_chart_series(runs, keys.front());
        const lab::QcChartPoint& first = series.points.front();
        if (const lab::QcChartPoint* other = lab::first_other_target(series)) {
          return invalid_argument(
              "level " + series.key.level + " lot " + series.key.lot + " of " + runs.instrument +
              "/" + runs.test_code + " has more than one target in the period: mean " +
              core::number_text(first.target_mean) + " sd " + core::number_text(first.target_sd) +
              " until run " + std::to_string(other->run_id) + ", then mean " +
              core::number_text(other->target_mean) + " sd " + core::number_text(other->target_sd) +
              "; a chart shows one target, so narrow the period with from and to");
        }
        json points = json::array();
        for (const lab::QcChartPoint& point : series.points) {
          json rules = json::array();
          for (const lab::QcChartMark& mark : point.marks) rules.push_back(mark.rule);
          points.push_back(
              {{"at", core::format_instant(point.measured_at)},
               {"value", point.value},
               {"z", point.z},
               {"run_id", point.run_id},
               {"status", core::to_code(point.status)},
               {"rejected", point.status == core::QcRunStatus::kReject},
               {"rules", rules},
               {"corrective_action",
                point.corrective_action.empty() ? json(nullptr) : json(point.corrective_action)}});
        }
        const core::TestDefinition* test = ctx.catalog.find_test(runs.test_code);
        return json{{"instrument", runs.instrument},
                    {"test_code", runs.test_code},
                    {"level", series.key.level},
                    {"lot", series.key.lot},
                    {"unit", test != nullptr ? json(test->unit) : json(nullptr)},
                    {"mean", first.target_mean},
                    {"sd", first.target_sd},
                    {"from", optional_time(runs.from)},
                    {"to", optional_time(runs.to)},
                    {"points", points}};
      },
      std::nullopt));
}

// A control value: {lot, level, value} with the value as a string ("5.42") or a number.
Result<lab::QcValueInput> value_input(const json& value, std::size_t index) {
  const std::string label = "values[" + std::to_string(index) + "]";
  if (!value.is_object()) {
    return invalid_argument("field '" + label + "': an object with lot, level and value");
  }
  lab::QcValueInput input;
  input.label = label;
  Result<std::string> lot = required_string(value, "lot");
  if (!lot) return invalid_argument("field '" + label + "': " + lot.error().message());
  Result<std::string> level = required_string(value, "level");
  if (!level) return invalid_argument("field '" + label + "': " + level.error().message());
  input.material = {.lot = *lot, .level = *level, .sample_id = {}};
  const auto found = value.find("value");
  if (found != value.end() && found->is_string()) {
    input.value = found->get<std::string>();
  } else if (found != value.end() && found->is_number()) {
    input.value = found->dump();
  } else {
    return invalid_argument("field '" + label + "': field 'value': required, a number");
  }
  return input;
}

Result<lab::RecordQcRun> record_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  lab::RecordQcRun command;
  ALIQUOT_ASSIGN_OR_RETURN(command.instrument, required_string(body, "instrument"));
  ALIQUOT_ASSIGN_OR_RETURN(command.test_code, required_string(body, "test_code"));
  const auto values = body.find("values");
  if (values == body.end() || !values->is_array() || values->empty()) {
    return invalid_argument("field 'values': required, an array of {lot, level, value}");
  }
  for (std::size_t i = 0; i < values->size(); ++i) {
    ALIQUOT_ASSIGN_OR_RETURN(lab::QcValueInput input, value_input((*values)[i], i));
    command.values.push_back(std::move(input));
  }
  ALIQUOT_ASSIGN_OR_RETURN(command.measured_at, optional_instant(body, "measured_at"));
  command.source = "manual";
  return command;
}

// Recorded, whatever the verdict: a rejected run is a run the lab has, with what it held.
http::Response record_run(const ApiContext& api, const http::Request& request) {
  const Result<lab::RecordQcRun> command = record_command(request);
  if (!command) return http::error_response(command.error());
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_ASSIGN_OR_RETURN(const lab::RecordedQcRun recorded,
                                                 lab::record_qc_run(tx, ctx, *command));
                        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<lab::ResultOnSpecimen> held,
                                                 lab::results_on_specimens(tx, recorded.held));
                        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<lab::ResultOnSpecimen> released,
                                                 lab::results_on_specimens(tx, recorded.released));
                        return json{
                            {"run", lab::qc_run_json(recorded.run)},
                            {"status", std::string(qc::status_name(recorded.evaluation.status))},
                            {"violations", lab::qc_violations_json(recorded.evaluation)},
                            {"held", lab::to_json(held)},
                            {"released_to_review", lab::to_json(released)}};
                      }),
                201);
}

http::Response corrective_action(const ApiContext& api, const http::Request& request) {
  const Result<std::int64_t> run_id = path_id(request, "id");
  if (!run_id) return http::error_response(run_id.error());
  const Result<json> body = json_body(request);
  if (!body) return http::error_response(body.error());
  const Result<std::string> action = required_string(*body, "action");
  if (!action) return http::error_response(action.error());
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(
            const core::QcRun run,
            lab::document_corrective_action(tx, ctx, {.run_id = *run_id, .action = *action}));
        return lab::qc_run_json(run);
      }));
}

// --- results held by QC ---

http::Response held(const ApiContext& api, const http::Request& request) {
  std::vector<std::string> patients;
  const Result<json> document =
      read(api, request, [&](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<lab::QcHeldResult> held_results,
                                 lab::open_qc_held_results(tx));
        json list = json::array();
        for (const lab::QcHeldResult& one : held_results) {
          json entry = lab::to_json(one);
          entry["result"]["mrn"] = one.result.mrn;
          list.push_back(std::move(entry));
          if (std::find(patients.begin(), patients.end(), one.result.mrn) == patients.end()) {
            patients.push_back(one.result.mrn);
          }
        }
        return json{{"held", list}};
      });
  if (document) {
    for (const std::string& mrn : patients) note_patient_read(api, request, mrn, "QC held results");
  }
  return answer(document);
}

Result<std::int64_t> run_id_of(const json& body) { return required_integer(body, "run_id"); }

http::Response release_held(const ApiContext& api, const http::Request& request) {
  const Result<json> body = json_body(request);
  if (!body) return http::error_response(body.error());
  const Result<std::int64_t> run_id = run_id_of(*body);
  if (!run_id) return http::error_response(run_id.error());
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::ReleasedQcHeld outcome,
                                 lab::release_qc_held_results(tx, ctx, {.run_id = *run_id}));
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<lab::ResultOnSpecimen> released,
                                 lab::results_on_specimens(tx, outcome.released));
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<lab::ResultOnSpecimen> still_held,
                                 lab::results_on_specimens(tx, outcome.still_held));
        return json{{"run_id", *run_id},
                    {"released", lab::to_json(released)},
                    {"still_held", lab::to_json(still_held)},
                    {"reviewed", outcome.reviewed}};
      }));
}

http::Response review(const ApiContext& api, const http::Request& request) {
  const Result<json> body = json_body(request);
  if (!body) return http::error_response(body.error());
  const Result<std::int64_t> run_id = run_id_of(*body);
  if (!run_id) return http::error_response(run_id.error());
  const Result<std::optional<std::string>> note = optional_string(*body, "note");
  if (!note) return http::error_response(note.error());
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const int reviewed, lab::review_qc_released_results(
                                                         tx, ctx, {*run_id, note->value_or("")}));
        return json{{"run_id", *run_id}, {"reviewed", reviewed}};
      }));
}

// --- policy ---

// The policy the server judges runs by (the lab's version in force, or the built-in default),
// as `aliquot --json qc policy show` gives it.
http::Response policy(const ApiContext& api, const http::Request& request) {
  const std::shared_ptr<const lab::LabConfiguration> configuration = api.configuration.current();
  return answer(read(
      api, request,
      [&](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> loaded,
                                 tx.latest_qc_policy_version());
        json body = lab::to_json(configuration->qc_policy_in_force());
        // The file's name from the record of the version in force (a later load may be
        // recorded and not yet in force).
        const std::int64_t version = configuration->versions.qc_policy;
        body["source"] =
            configuration->qc_policy
                ? "lab version " + std::to_string(version) +
                      (loaded && loaded->version == version ? " (" + loaded->name + ")" : "")
                : std::string("default");
        return body;
      },
      std::nullopt));
}

}  // namespace

ApiRoutes qc_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context (see patient_routes).
  return {
      {http::Method::kGet, "/api/qc/materials", std::nullopt,
       [api](const http::Request& request) { return list_materials(api, request); },
       "the lab's control materials"},
      {http::Method::kPost, "/api/qc/materials", lab::Action::kManageQc,
       [api](const http::Request& request) { return add_material(api, request); },
       "add a control material (one level of one lot)"},
      {http::Method::kGet, "/api/qc/targets", std::nullopt,
       [api](const http::Request& request) { return list_targets(api, request); },
       "every target entered for an analyte on an instrument"},
      {http::Method::kPost, "/api/qc/targets", lab::Action::kManageQc,
       [api](const http::Request& request) { return set_target(api, request); },
       "enter a target from the package insert"},
      {http::Method::kPost, "/api/qc/targets/establish", lab::Action::kManageQc,
       [api](const http::Request& request) { return establish_target(api, request); },
       "compute a target from the lab's own values of a material"},
      {http::Method::kPost, "/api/qc/sample-ids", lab::Action::kManageQc,
       [api](const http::Request& request) { return set_sample_id(api, request); },
       "register the sample id an instrument reports a material under"},
      {http::Method::kGet, "/api/qc/runs", std::nullopt,
       [api](const http::Request& request) { return list_runs(api, request); },
       "the QC runs of an analyte on an instrument, as judged"},
      {http::Method::kPost, "/api/qc/runs", lab::Action::kRecordQc,
       [api](const http::Request& request) { return record_run(api, request); },
       "record a QC run and judge it"},
      {http::Method::kPost, "/api/qc/runs/{id}/corrective-action", lab::Action::kRecordQc,
       [api](const http::Request& request) { return corrective_action(api, request); },
       "document the corrective action after a rejected run"},
      {http::Method::kGet, "/api/qc/held", lab::Action::kViewRecords,
       [api](const http::Request& request) { return held(api, request); },
       "patient results held or to review because a QC run failed"},
      {http::Method::kPost, "/api/qc/release-held", lab::Action::kReleaseQcHeld,
       [api](const http::Request& request) { return release_held(api, request); },
       "release the results a rejected run held, once corrected and QC passes"},
      {http::Method::kPost, "/api/qc/review", lab::Action::kReleaseQcHeld,
       [api](const http::Request& request) { return review(api, request); },
       "record the review of the results released before a run was rejected"},
      {http::Method::kGet, "/api/qc/chart", std::nullopt,
       [api](const http::Request& request) { return chart(api, request); },
       "the data of a Levey-Jennings chart of one level of one lot"},
      {http::Method::kGet, "/api/qc/policy", std::nullopt,
       [api](const http::Request& request) { return policy(api, request); },
       "the QC policy in force"},
  };
}

}  // namespace aliquot::server::api
