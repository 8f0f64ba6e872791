// Patients: registration, the bench's view of a patient, the report of released results, and
// the cumulative values a trend chart draws (docs/api.md, "Patients").

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "core/enums.h"
#include "core/time.h"
#include "lab/cumulative_results.h"
#include "lab/json.h"
#include "lab/patient_history.h"
#include "lab/queries.h"
#include "lab/use_cases.h"
#include "server/api/handler_support.h"
#include "server/api/request_values.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

Result<lab::RegisterPatient> register_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  lab::RegisterPatient command;
  ALIQUOT_ASSIGN_OR_RETURN(command.mrn, required_string(body, "mrn"));
  ALIQUOT_ASSIGN_OR_RETURN(command.family_name, required_string(body, "family_name"));
  ALIQUOT_ASSIGN_OR_RETURN(command.given_name, required_string(body, "given_name"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::string birth_date, required_string(body, "birth_date"));
  const Result<core::Date> date = core::parse_date(birth_date);
  if (!date) return invalid_argument("field 'birth_date': " + date.error().message());
  command.birth_date = *date;
  ALIQUOT_ASSIGN_OR_RETURN(const std::string sex_code, required_string(body, "sex"));
  const Result<core::AdministrativeSex> sex = core::parse_administrative_sex(sex_code);
  if (!sex) return invalid_argument("field 'sex': " + sex.error().message());
  command.sex = *sex;
  return command;
}

http::Response register_patient(const ApiContext& api, const http::Request& request) {
  const Result<lab::RegisterPatient> command = register_command(request);
  if (!command) return http::error_response(command.error());
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_ASSIGN_OR_RETURN(const core::Patient patient,
                                                 lab::register_patient(tx, ctx, *command));
                        return lab::to_json(patient);
                      }),
                201);
}

// The patient view shows the newest 20 orders unless asked otherwise, 200 at most: a patient
// followed for years has hundreds, and the browser loads older ones on demand.
constexpr std::int64_t kOrdersPageDefault = 20;
constexpr std::int64_t kOrdersPageMost = 200;

http::Response show_patient(const ApiContext& api, const http::Request& request) {
  const std::string& mrn = request.path_params.at("mrn");
  const Result<std::int64_t> limit =
      query_count(request, "orders", kOrdersPageDefault, kOrdersPageMost);
  if (!limit) return http::error_response(limit.error());
  const std::string before_text = query(request, "before");
  const std::optional<std::string> before =
      before_text.empty() ? std::nullopt : std::optional<std::string>(before_text);
  const std::string key =
      "patient\x1f" + mrn + "\x1f" + before_text + "\x1f" + std::to_string(*limit);
  return answer_view(
      api, request, key, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<View> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::PatientHistory history,
                                 lab::patient_history_page(tx, ctx, mrn, before, *limit));
        lab::JsonWriter out(4096 * (history.orders.size() + 1));
        out.open_object();
        out.key("next");
        if (history.older_than.empty()) {
          out.null();
        } else {
          out.string(history.older_than);
        }
        out.key("orders");
        out.open_array();
        for (const lab::OrderDetail& order : history.orders) {
          out.element();
          lab::write_json(out, order);
        }
        out.close_array();
        out.key("patient");
        lab::write_json(out, history.patient);
        out.close_object();
        return View{.text = out.take(), .patients = {history.patient.mrn}, .what = "patient"};
      });
}

http::Response patient_report(const ApiContext& api, const http::Request& request) {
  const std::string& mrn = request.path_params.at("mrn");
  std::string shown;
  const Result<json> document =
      read(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::PatientReport report,
                                 lab::patient_report(tx, ctx, mrn));
        shown = report.patient.mrn;
        return lab::to_json(report);
      });
  note_patient_read(api, request, shown, "patient report");
  return answer(document);
}

json point_to_json(const lab::CumulativePoint& point) {
  const bool numeric = point.value.kind == core::ResultKind::kNumeric;
  return json{{"at", core::format_instant(point.collected_at)},
              {"value", numeric ? json(point.value.number) : json(nullptr)},
              {"comparator", point.value.comparator},
              {"reported", core::format_reported(point.value)},
              {"flag", core::to_code(point.flag)},
              {"status", core::to_code(point.status)},
              {"reference_range", point.reference_range},
              {"accession", point.accession_number}};
}

json test_to_json(const lab::CumulativeTest& test) {
  json points = json::array();
  for (const lab::CumulativePoint& point : test.points) points.push_back(point_to_json(point));
  // A test the catalog no longer has keeps its code; its unit is that of its values.
  std::string unit = test.test != nullptr ? test.test->unit : std::string();
  if (test.test == nullptr && !test.points.empty()) unit = test.points.back().value.unit;
  return json{{"code", test.code},
              {"name", test.test != nullptr ? test.test->name : test.code},
              {"unit", unit},
              {"points", std::move(points)}};
}

http::Response cumulative(const ApiContext& api, const http::Request& request) {
  const std::string& mrn = request.path_params.at("mrn");
  std::string shown;
  const Result<json> document =
      read(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::CumulativeResults results,
                                 lab::cumulative_results(tx, ctx, mrn));
        shown = results.patient.mrn;
        json tests = json::array();
        for (const lab::CumulativeTest& test : results.tests) tests.push_back(test_to_json(test));
        return json{{"patient", lab::to_json(results.patient)}, {"tests", std::move(tests)}};
      });
  note_patient_read(api, request, shown, "cumulative results");
  return answer(document);
}

}  // namespace

ApiRoutes patient_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context: the references in it point to what the
  // server owns, and nothing depends on where the caller kept the context itself.
  return {
      {http::Method::kPost, "/api/patients", lab::Action::kRegisterPatient,
       [api](const http::Request& request) { return register_patient(api, request); },
       "register a patient"},
      {http::Method::kGet, "/api/patients/{mrn}", lab::Action::kViewRecords,
       [api](const http::Request& request) { return show_patient(api, request); },
       "show a patient with a page of orders, newest first, with their specimens and results,"
       " preliminary ones included"},
      {http::Method::kGet, "/api/patients/{mrn}/report", lab::Action::kViewRecords,
       [api](const http::Request& request) { return patient_report(api, request); },
       "the patient's report: released results only"},
      {http::Method::kGet, "/api/patients/{mrn}/cumulative", lab::Action::kViewRecords,
       [api](const http::Request& request) { return cumulative(api, request); },
       "the patient's released values test by test, oldest first, for trend charts"},
  };
}

}  // namespace aliquot::server::api
