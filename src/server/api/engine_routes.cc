// The pure engines over HTTP (docs/api.md, "Engines"): calculated tests, the Westgard multirule
// engine, and the autoverification rules in force and the check of a rules file. The answers are
// built by the same functions as `aliquot calc`, `aliquot qc evaluate` and `aliquot rules
// list|check` with --json (lab/calculation_json.h, lab/qc_evaluation_json.h,
// lab/rules_json.h). Open to every signed-in user: nothing here reads or changes patient data.

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calc/calculation_set.h"
#include "calc/default_calculation_set.h"
#include "lab/calculation_json.h"
#include "lab/qc_evaluation_json.h"
#include "lab/rules_json.h"
#include "qc/control_csv.h"
#include "qc/control_rule.h"
#include "qc/westgard.h"
#include "rules/loader.h"
#include "rules/rule_set.h"
#include "server/api/handler_support.h"
#include "server/api/lab_file_body.h"
#include "server/api/request_values.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

// A value of the body as the command line would have been given it: text as is, a number as
// written ("1.0", "50"). InvalidArgument naming the field for anything else.
Result<std::string> value_text(const json& value, const std::string& field) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  if (value.is_number_float() && std::isfinite(value.get<double>())) return value.dump();
  return invalid_argument("field '" + field + "': a number or a string");
}

// --- calculations ---

http::Response calculate(const http::Request& request) {
  const Result<json> body = json_body(request);
  if (!body) return answer(body.error());
  lab::CalculationInputs inputs;
  if (body->contains("inputs") && !(*body)["inputs"].is_null()) {
    const json& given = (*body)["inputs"];
    if (!given.is_object()) {
      return answer(invalid_argument("field 'inputs': an object {name: value, ...}"));
    }
    for (const auto& [key, value] : given.items()) {
      const Result<std::string> text = value_text(value, "inputs." + key);
      if (!text) return answer(text.error());
      inputs.emplace_back(key, *text);
    }
  }
  const Result<lab::CalculationAnswer> computed =
      lab::calculate(calc::default_calculation_set(), request.path_params.at("name"), inputs);
  if (!computed) return answer(computed.error());
  // A result that must not be reported is not a value: 422, with the reason in the body.
  return answer(computed->json, computed->reason ? 422 : 200);
}

// --- QC evaluation ---

// The name of a run or level: text, or a number as written.
Result<std::string> name_text(const json& value, const std::string& field) {
  if (value.is_string() && !value.get<std::string>().empty()) return value.get<std::string>();
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  return invalid_argument("field '" + field + "': required, a name (string or whole number)");
}

// The runs of {"runs": [{"run", "values": [{"level", "value", "mean", "sd"}]}]}.
Result<std::vector<qc::ControlRun>> runs_from_json(const json& body) {
  if (!body.contains("runs") || !body["runs"].is_array() || body["runs"].empty()) {
    return invalid_argument(
        "field 'runs': required, an array of {run, values: [{level, value, mean, sd}]} (or give "
        "the CSV text as 'csv')");
  }
  std::vector<qc::ControlRun> runs;
  for (std::size_t i = 0; i < body["runs"].size(); ++i) {
    const json& given = body["runs"][i];
    const std::string where = "runs[" + std::to_string(i) + "]";
    if (!given.is_object()) return invalid_argument("field '" + where + "': an object");
    qc::ControlRun run;
    ALIQUOT_ASSIGN_OR_RETURN(run.id, name_text(given.value("run", json()), where + ".run"));
    if (!given.contains("values") || !given["values"].is_array()) {
      return invalid_argument("field '" + where + ".values': required, an array");
    }
    for (std::size_t j = 0; j < given["values"].size(); ++j) {
      const json& value = given["values"][j];
      const std::string at = where + ".values[" + std::to_string(j) + "]";
      if (!value.is_object()) return invalid_argument("field '" + at + "': an object");
      qc::ControlValue control;
      ALIQUOT_ASSIGN_OR_RETURN(control.level,
                               name_text(value.value("level", json()), at + ".level"));
      ALIQUOT_ASSIGN_OR_RETURN(control.value, required_number(value, "value"));
      ALIQUOT_ASSIGN_OR_RETURN(control.mean, required_number(value, "mean"));
      ALIQUOT_ASSIGN_OR_RETURN(control.sd, required_number(value, "sd"));
      run.values.push_back(std::move(control));
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

Result<json> evaluate_qc(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> rules_text,
                           optional_string(body, "rules"));
  ALIQUOT_ASSIGN_OR_RETURN(
      const std::vector<qc::ControlRule> rules,
      qc::parse_control_rules(rules_text ? *rules_text : lab::kDefaultControlRules));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> csv, optional_string(body, "csv"));
  std::vector<qc::ControlRun> runs;
  if (csv) {
    qc::ControlCsv read = qc::read_control_csv(*csv, "csv");
    if (!read.runs) {
      std::string message = "csv has " + std::to_string(read.diagnostics.size()) +
                            (read.diagnostics.size() == 1 ? " problem:" : " problems:");
      for (const Error& problem : read.diagnostics) message += "\n  " + problem.to_string();
      return invalid_argument(message);
    }
    runs = std::move(*read.runs);
  } else {
    ALIQUOT_ASSIGN_OR_RETURN(runs, runs_from_json(body));
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::RunEvaluation> evaluations,
                           qc::evaluate_runs(runs, rules));
  return lab::qc_evaluation_json(rules, evaluations);
}

// --- autoverification rules ---

// The rules the server judges results by: the lab's version in force.
Result<json> rules_in_force(const ApiContext& api) {
  const std::shared_ptr<const lab::LabConfiguration> configuration = api.configuration.current();
  if (!configuration->rules) {
    return not_found(
        "the lab has loaded no autoverification rules: nothing autoverifies (load them with "
        "POST /api/rules or `aliquot rules load`)");
  }
  return lab::to_json(*configuration->rules, configuration->catalog);
}

// Checked against the catalog in force, as `rules load` will check them.
http::Response check_rules(const ApiContext& api, const http::Request& request) {
  const Result<LabFileBody> file = lab_file_body(request, "autoverification.toml");
  if (!file) return answer(file.error());
  const std::shared_ptr<const lab::LabConfiguration> configuration = api.configuration.current();
  const catalog::Catalog& catalog = configuration->catalog;
  const rules::LoadOutcome outcome = rules::load_rules(file->text, file->name, catalog);
  const json check = {
      {"file", file->name},
      {"ok", outcome.diagnostics.empty()},
      {"catalog", {{"name", catalog.name()}, {"version", catalog.version()}}},
      {"analytes", outcome.rules ? outcome.rules->analytes().size() : std::size_t{0}},
      {"disciplines", outcome.rules ? outcome.rules->disciplines().size() : std::size_t{0}},
      {"diagnostics", diagnostics_json(outcome.diagnostics)}};
  return check_answer(check, file->name, outcome.diagnostics);
}

}  // namespace

ApiRoutes engine_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context (see patient_routes).
  return {
      {http::Method::kPost, "/api/calc/{name}", std::nullopt,
       [](const http::Request& request) { return calculate(request); },
       "compute a calculated test from its inputs"},
      {http::Method::kPost, "/api/qc/evaluate", std::nullopt,
       [](const http::Request& request) { return answer(evaluate_qc(request)); },
       "judge QC runs by the Westgard rules"},
      {http::Method::kGet, "/api/rules", std::nullopt,
       [api](const http::Request&) { return answer(rules_in_force(api)); },
       "the autoverification rules in force"},
      {http::Method::kPost, "/api/rules/check", std::nullopt,
       [api](const http::Request& request) { return check_rules(api, request); },
       "check an autoverification rules file against the catalog in force"},
  };
}

}  // namespace aliquot::server::api
