// The lab's configuration over HTTP (docs/api.md, "Lab configuration"): the catalog in force, and
// the check and load of a catalog, of autoverification rules and of a QC policy, as `aliquot
// catalog list|check|load`, `aliquot rules load` and `aliquot qc policy check|load` do them
// (lab/lab_setup.h). A load records a new version in the lab database and puts it in force in
// this server before it answers (lab/lab_configuration.h): requests and messages that start after
// the answer are judged by it, those under way finish with the version they began with.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calc/catalog_links.h"
#include "calc/default_calculation_set.h"
#include "catalog/catalog.h"
#include "lab/catalog_json.h"
#include "lab/lab_setup.h"
#include "lab/personnel_setup.h"
#include "lab/qc_policy_json.h"
#include "qc/qc_policy.h"
#include "rules/rule_set.h"
#include "server/api/handler_support.h"
#include "server/api/lab_file_body.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

// Puts what a load just recorded in force, and says so in its answer (`in_force`). Recorded but
// not in force only when the lab database cannot be read again, or when another process recorded
// a version meanwhile that this server refuses (the message says why); the server then keeps the
// configuration it had, and the next load or refresh tries again.
json put_in_force(const ApiContext& api, json body, const std::string& what) {
  const Result<bool> refreshed = api.configuration.refresh(api.store);
  body["in_force"] = refreshed.has_value();
  body["message"] = refreshed.has_value()
                        ? what + " recorded and in force"
                        : what + " recorded but not in force: " + refreshed.error().message();
  return body;
}

// The name the request's user signed in with; the route table let only signed-in users through.
std::string actor_name(const http::Request& request) {
  return request.user ? request.user->username : std::string();
}

// --- catalog ---

// The catalog the server runs with, as `aliquot catalog list --json` (`?section=CHEM` for one
// section's tests).
http::Response list_catalog(const ApiContext& api, const http::Request& request) {
  return answer(read(
      api, request,
      [&](store::Transaction&, const lab::Context& ctx) -> Result<json> {
        return lab::catalog_list_json(ctx.catalog, query(request, "section"));
      },
      std::nullopt));
}

// Whether the server can put `catalog` in force with the rest of its configuration: its
// instruments' test codes must still map (server/interface_host.h).
Result<void> fits_server(const ApiContext& api, const catalog::Catalog& catalog) {
  lab::LabConfiguration next = *api.configuration.current();
  next.catalog = catalog;
  return api.configuration.acceptable(next);
}

// Every problem of a catalog: its own, those of its calculated tests against the calculations
// the server computes with (calc/catalog_links.h), then what the server itself needs of it (its
// instruments' test codes must still map: server/interface_host.h).
std::vector<Error> catalog_problems(const ApiContext& api, const LabFileBody& file,
                                    std::optional<catalog::Catalog>& loaded) {
  catalog::LoadOutcome outcome = catalog::load_catalog(file.text, file.name);
  std::vector<Error> problems;
  for (const catalog::Diagnostic& d : outcome.diagnostics) {
    problems.emplace_back(ErrorCode::kInvalidArgument, d.message,
                          SourcePosition{d.file, d.line, d.column});
  }
  if (outcome.catalog) {
    for (Error& link :
         calc::check_catalog_links(*outcome.catalog, calc::default_calculation_set(), file.name)) {
      problems.push_back(std::move(link));
    }
  }
  if (problems.empty()) {
    if (Result<void> fits = fits_server(api, *outcome.catalog); !fits.has_value()) {
      problems.push_back(fits.error());
    }
  }
  if (problems.empty()) loaded = std::move(outcome.catalog);
  return problems;
}

http::Response check_catalog(const ApiContext& api, const http::Request& request) {
  const Result<LabFileBody> file = lab_file_body(request, "catalog.toml");
  if (!file) return answer(file.error());
  std::optional<catalog::Catalog> loaded;
  const std::vector<Error> problems = catalog_problems(api, *file, loaded);
  const json check = {{"file", file->name},
                      {"ok", problems.empty()},
                      {"tests", loaded ? loaded->tests().size() : std::size_t{0}},
                      {"panels", loaded ? loaded->panels().size() : std::size_t{0}},
                      {"diagnostics", diagnostics_json(problems)}};
  return check_answer(check, file->name, problems);
}

Result<json> load_catalog(const ApiContext& api, const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const LabFileBody file, lab_file_body(request, "catalog.toml"));
  // The server's own needs first; the load checks the catalog itself and against the rules.
  if (const catalog::LoadOutcome parsed = catalog::load_catalog(file.text, file.name);
      parsed.catalog) {
    ALIQUOT_RETURN_IF_ERROR(fits_server(api, *parsed.catalog));
  }
  ALIQUOT_RETURN_IF_ERROR(
      lab::load_catalog_version(api.store, api.clock, actor_name(request), file.text, file.name));
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog menu, lab::current_catalog(api.store));
  return put_in_force(api,
                      {{"file", file.name},
                       {"name", menu.name()},
                       {"version", menu.version()},
                       {"tests", menu.tests().size()},
                       {"panels", menu.panels().size()}},
                      "catalog " + menu.name() + " " + menu.version());
}

// --- autoverification rules ---

Result<json> load_rules(const ApiContext& api, const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const LabFileBody file, lab_file_body(request, "autoverification.toml"));
  ALIQUOT_RETURN_IF_ERROR(
      lab::load_rules_version(api.store, api.clock, actor_name(request), file.text, file.name));
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog menu, lab::current_catalog(api.store));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<rules::RuleSet> loaded,
                           lab::current_rules(api.store, menu));
  if (!loaded) return internal_error("the rules just loaded are not in force");
  return put_in_force(api,
                      {{"file", file.name},
                       {"name", loaded->name()},
                       {"version", loaded->version()},
                       {"analytes", loaded->analytes().size()},
                       {"disciplines", loaded->disciplines().size()},
                       {"reflexes", loaded->reflexes().size()}},
                      "rules " + loaded->name() + " " + loaded->version());
}

// --- QC policy ---

http::Response check_qc_policy(const http::Request& request) {
  const Result<LabFileBody> file = lab_file_body(request, "qc_policy.toml");
  if (!file) return answer(file.error());
  const std::vector<Error> problems = qc::check_qc_policy(file->text, file->name);
  json policy = nullptr;
  if (problems.empty()) {
    const Result<qc::QcPolicy> parsed = qc::QcPolicy::parse(file->text, file->name);
    if (!parsed) return answer(parsed.error());
    policy = lab::to_json(*parsed);
  }
  const json check = {{"file", file->name},
                      {"ok", problems.empty()},
                      {"diagnostics", diagnostics_json(problems)},
                      {"policy", policy}};
  return check_answer(check, file->name, problems);
}

Result<json> load_qc_policy(const ApiContext& api, const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const LabFileBody file, lab_file_body(request, "qc_policy.toml"));
  ALIQUOT_RETURN_IF_ERROR(
      lab::load_qc_policy_version(api.store, api.clock, actor_name(request), file.text, file.name));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<qc::QcPolicy> loaded,
                           lab::current_qc_policy(api.store));
  ALIQUOT_ASSIGN_OR_RETURN(
      const json version,
      read(
          api, request,
          [](store::Transaction& tx, const lab::Context&) -> Result<json> {
            ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> latest,
                                     tx.latest_qc_policy_version());
            if (!latest) return internal_error("the QC policy just loaded is not in force");
            return json(latest->version);
          },
          std::nullopt));
  if (!loaded) return internal_error("the QC policy just loaded is not in force");
  json body = lab::to_json(*loaded);
  body["file"] = file.name;
  body["lab_version"] = version;
  return put_in_force(api, body, "QC policy version " + version.dump());
}

// --- the lab's personnel requirements and continuing-education rules ---

Result<json> load_personnel_requirements(const ApiContext& api, const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const LabFileBody file, lab_file_body(request, "personnel.toml"));
  ALIQUOT_RETURN_IF_ERROR(lab::load_personnel_requirements_version(
      api.store, api.clock, actor_name(request), file.text, file.name));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<people::Requirements> loaded,
                           lab::current_personnel_requirements(api.store));
  if (!loaded) return internal_error("the personnel requirements just loaded are not in force");
  return put_in_force(api,
                      {{"file", file.name},
                       {"name", loaded->name()},
                       {"version", loaded->version()},
                       {"licensure_states", loaded->licensure().size()},
                       {"sections", loaded->sections().size()},
                       {"reviews", loaded->reviews().size()}},
                      "personnel requirements " + loaded->name() + " " + loaded->version());
}

Result<json> load_ce_rules(const ApiContext& api, const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const LabFileBody file,
                           lab_file_body(request, "continuing_education.toml"));
  ALIQUOT_RETURN_IF_ERROR(
      lab::load_ce_rules_version(api.store, api.clock, actor_name(request), file.text, file.name));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<people::CeRules> loaded,
                           lab::current_ce_rules(api.store));
  if (!loaded) return internal_error("the continuing-education rules just loaded are not in force");
  return put_in_force(api,
                      {{"file", file.name},
                       {"name", loaded->name()},
                       {"version", loaded->version()},
                       {"categories", loaded->categories().size()},
                       {"programs", loaded->programs().size()}},
                      "continuing-education rules " + loaded->name() + " " + loaded->version());
}

}  // namespace

ApiRoutes config_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context (see patient_routes).
  return {
      {http::Method::kGet, "/api/catalog", std::nullopt,
       [api](const http::Request& request) { return list_catalog(api, request); },
       "the catalog in force: tests in full and panels"},
      {http::Method::kPost, "/api/catalog/check", std::nullopt,
       [api](const http::Request& request) { return check_catalog(api, request); },
       "check a catalog file"},
      {http::Method::kPost, "/api/catalog", lab::Action::kLoadCatalog,
       [api](const http::Request& request) { return answer(load_catalog(api, request), 201); },
       "load a new catalog version"},
      {http::Method::kPost, "/api/rules", lab::Action::kLoadCatalog,
       [api](const http::Request& request) { return answer(load_rules(api, request), 201); },
       "load a new version of the autoverification rules"},
      {http::Method::kPost, "/api/qc/policy/check", std::nullopt,
       [](const http::Request& request) { return check_qc_policy(request); },
       "check a QC policy file"},
      {http::Method::kPost, "/api/qc/policy", lab::Action::kManageQc,
       [api](const http::Request& request) { return answer(load_qc_policy(api, request), 201); },
       "load a new version of the QC policy"},
      {http::Method::kPost, "/api/personnel-requirements", lab::Action::kJudgeQualification,
       [api](const http::Request& request) {
         return answer(load_personnel_requirements(api, request), 201);
       },
       "load the lab's own personnel requirements"},
      {http::Method::kPost, "/api/ce-rules", lab::Action::kManagePeople,
       [api](const http::Request& request) { return answer(load_ce_rules(api, request), 201); },
       "load the lab's own continuing-education rules"},
  };
}

}  // namespace aliquot::server::api
