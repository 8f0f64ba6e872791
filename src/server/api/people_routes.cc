// The lab's people: the records, one person's qualification summary, their eligibility for
// further certification, and the staff dashboard of what lapses within 30, 60 or 90 days
// (docs/api.md, "People"). The same lab functions as `aliquot people list|show|eligibility|
// expiring|export`, and the keeping of the records as `save|competency-event|ce-add|exception|
// policy` (lab/people_records.h).

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/text.h"
#include "lab/lab_time_zone.h"
#include "lab/people_json.h"
#include "lab/people_records.h"
#include "people/continuing_education.h"
#include "people/eligibility.h"
#include "people/person_file.h"
#include "report/staff_workbook.h"
#include "report/workbook.h"
#include "server/api/handler_support.h"
#include "server/api/lab_file_body.h"
#include "server/api/request_values.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

http::Response list_people(const ApiContext& api, const http::Request& request) {
  return answer(read(
      api, request,
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::PersonRecord> people,
                                 lab::list_people(tx, ctx));
        json list = json::array();
        for (const core::PersonRecord& person : people) list.push_back(lab::to_json(person));
        return json{{"people", list}};
      },
      std::nullopt));
}

// ?within=30|60|90 (any number of days from 1 to 3650; default 90).
http::Response expiring(const ApiContext& api, const http::Request& request) {
  const Result<std::int64_t> within = query_count(request, "within", 90, 3650);
  if (!within) return http::error_response(within.error());
  return answer(read(
      api, request,
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const core::Date on, lab::lab_day(tx, ctx.clock.now()));
        ALIQUOT_ASSIGN_OR_RETURN(
            const std::vector<people::ExpiringItem> items,
            lab::expiring_qualifications(tx, ctx, on, static_cast<int>(*within)));
        json list = json::array();
        for (const people::ExpiringItem& item : items) list.push_back(lab::to_json(item));
        return json{{"on", core::format_date(on)}, {"within", *within}, {"items", list}};
      },
      std::nullopt));
}

// ?warn_days= (default 30): when a competency counts as due soon.
http::Response show_person(const ApiContext& api, const http::Request& request) {
  const std::string person = request.path_params.at("person");
  return answer(read(
      api, request,
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::PersonSummary summary,
                                 lab::person_summary(tx, ctx, person, 30));
        return lab::to_json(summary);
      },
      std::nullopt));
}

// ?credential= (default: every credential of the built-in routes).
http::Response eligibility(const ApiContext& api, const http::Request& request) {
  const std::string person = request.path_params.at("person");
  const std::string credential = query(request, "credential");
  return answer(read(
      api, request,
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::PersonSummary summary,
                                 lab::person_summary(tx, ctx, person, 30));
        const std::vector<people::RouteAnswer> answers = people::check_eligibility(
            people::default_certification_routes(), summary.person, summary.on, credential);
        if (answers.empty()) {
          return invalid_argument("query parameter 'credential': no route leads to '" + credential +
                                  "'");
        }
        json routes = json::array();
        for (const people::RouteAnswer& route : answers) routes.push_back(lab::to_json(route));
        return json{{"person", person}, {"on", core::format_date(summary.on)}, {"routes", routes}};
      },
      std::nullopt));
}

// ?format=xlsx (default) or csv with ?sheet=; ?on=YYYY-MM-DD (default the lab's today).
http::Response export_staff(const ApiContext& api, const http::Request& request) {
  const std::string format = query(request, "format").empty() ? "xlsx" : query(request, "format");
  if (format != "xlsx" && format != "csv") {
    return http::error_response(
        invalid_argument("query parameter 'format': xlsx or csv, not '" + format + "'"));
  }
  const std::string sheet_name = query(request, "sheet");
  if (format == "csv" && sheet_name.empty()) {
    return http::error_response(
        invalid_argument("query parameter 'sheet': a CSV export holds one sheet; name it"));
  }
  std::optional<core::Date> on;
  if (!query(request, "on").empty()) {
    Result<core::Date> day = core::parse_date(query(request, "on"));
    if (!day) {
      return http::error_response(
          invalid_argument("query parameter 'on': " + day.error().message()));
    }
    on = *day;
  }
  lab::StaffInspection inspection;
  const people::CeRules* ce_rules = nullptr;
  core::Instant now{};
  const Result<json> done = read(
      api, request,
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(inspection, lab::staff_inspection(tx, ctx, on));
        ce_rules = &lab::ce_rules_in_force(ctx);
        now = ctx.clock.now();
        return json::object();
      },
      std::nullopt);
  if (!done) return http::error_response(done.error());

  const std::vector<report::Sheet> sheets = report::staff_workbook(inspection, *ce_rules);
  const std::string day = core::format_date(inspection.on);
  http::Response response;
  if (format == "csv") {
    const report::Sheet* sheet = report::find_sheet(sheets, sheet_name);
    if (sheet == nullptr) {
      return http::error_response(
          invalid_argument("query parameter 'sheet': no sheet '" + sheet_name + "'"));
    }
    response.content_type = "text/csv; charset=utf-8";
    response.body = report::to_csv(*sheet);
    std::string file = core::ascii_lower(sheet->name);
    std::replace(file.begin(), file.end(), ' ', '-');
    response.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=\"staff-" + file + "-" + day + ".csv\"");
    return response;
  }
  Result<std::string> bytes =
      report::xlsx_bytes(sheets, report::staff_workbook_properties(inspection, now));
  if (!bytes) return http::error_response(bytes.error());
  response.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  response.body = std::move(*bytes);
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"staff-" + day + ".xlsx\"");
  return response;
}

// --- keeping the records -----------------------------------------------------------------

// The body is the person's record as the TOML file of `aliquot people save` (text/plain, or
// {"toml": "..."}); its [person] id must be the person of the path.
http::Response save_person(const ApiContext& api, const http::Request& request) {
  const std::string person = request.path_params.at("person");
  const Result<LabFileBody> file = lab_file_body(request, person + ".toml");
  if (!file) return http::error_response(file.error());
  people::PersonFile read_file = people::read_person_file(file->text, file->name);
  if (!read_file.person) {
    return check_answer({{"file", file->name},
                         {"ok", false},
                         {"diagnostics", diagnostics_json(read_file.diagnostics)}},
                        file->name, read_file.diagnostics);
  }
  if (read_file.person->person != person) {
    return http::error_response(invalid_argument(
        "the record's [person] id is '" + read_file.person->person + "', not '" + person + "'"));
  }
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const core::PersonRecord saved,
                                 lab::save_person(tx, ctx, *read_file.person));
        return lab::to_json(saved);
      }));
}

Result<core::CompetencyEvent> competency_event_of(const std::string& person, const json& body) {
  core::CompetencyEvent event;
  event.person = person;
  ALIQUOT_ASSIGN_OR_RETURN(event.test_system, required_string(body, "test_system"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::string kind, required_string(body, "event"));
  const std::optional<core::CompetencyEventKind> parsed =
      core::competency_event_kind_from_code(kind);
  if (!parsed) {
    return invalid_argument("field 'event': started, assessed or method-changed, not '" + kind +
                            "'");
  }
  event.kind = *parsed;
  ALIQUOT_ASSIGN_OR_RETURN(event.on, required_date(body, "date"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> assessor,
                           optional_string(body, "assessor"));
  event.assessor = assessor.value_or("");
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> notes, optional_string(body, "notes"));
  event.notes = notes.value_or("");
  if (const auto elements = body.find("elements"); elements != body.end() && !elements->is_null()) {
    if (!elements->is_object()) {
      return invalid_argument("field 'elements': an object of element code to how it was assessed");
    }
    for (const auto& [code, how] : elements->items()) {
      if (!how.is_string()) {
        return invalid_argument("field 'elements." + code + "': a string, how it was assessed");
      }
      event.elements[code] = how.get<std::string>();
    }
  }
  return event;
}

http::Response record_competency_event(const ApiContext& api, const http::Request& request) {
  const std::string person = request.path_params.at("person");
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
                        ALIQUOT_ASSIGN_OR_RETURN(core::CompetencyEvent event,
                                                 competency_event_of(person, body));
                        ALIQUOT_ASSIGN_OR_RETURN(event,
                                                 lab::record_competency_event(tx, ctx, event));
                        return lab::to_json(event);
                      }),
                201);
}

http::Response record_ce_activity(const ApiContext& api, const http::Request& request) {
  const std::string person = request.path_params.at("person");
  return answer(
      write(api, request,
            [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
              ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
              core::CeActivity activity;
              activity.person = person;
              ALIQUOT_ASSIGN_OR_RETURN(activity.date, required_date(body, "date"));
              ALIQUOT_ASSIGN_OR_RETURN(activity.category, required_string(body, "category"));
              ALIQUOT_ASSIGN_OR_RETURN(activity.points, required_number(body, "points"));
              ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> provider,
                                       optional_string(body, "provider"));
              activity.provider = provider.value_or("");
              ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> title,
                                       optional_string(body, "title"));
              activity.title = title.value_or("");
              ALIQUOT_ASSIGN_OR_RETURN(
                  activity,
                  lab::record_ce_activity(tx, ctx, lab::ce_rules_in_force(ctx), activity));
              return lab::to_json(activity);
            }),
      201);
}

http::Response grant_exception(const ApiContext& api, const http::Request& request) {
  const std::string person = request.path_params.at("person");
  return answer(
      write(api, request,
            [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
              ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
              core::QualificationException exception;
              exception.person = person;
              ALIQUOT_ASSIGN_OR_RETURN(exception.section, required_string(body, "section"));
              ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> system,
                                       optional_string(body, "test_system"));
              exception.test_system = system.value_or("");
              ALIQUOT_ASSIGN_OR_RETURN(exception.until, required_date(body, "until"));
              ALIQUOT_ASSIGN_OR_RETURN(exception.reason, required_string(body, "reason"));
              if (body.contains("from") && !body["from"].is_null()) {
                ALIQUOT_ASSIGN_OR_RETURN(exception.from, required_date(body, "from"));
              } else {
                ALIQUOT_ASSIGN_OR_RETURN(exception.from, lab::lab_day(tx, ctx.clock.now()));
              }
              ALIQUOT_ASSIGN_OR_RETURN(exception,
                                       lab::grant_qualification_exception(tx, ctx, exception));
              return lab::to_json(exception);
            }),
      201);
}

json policy_json(const lab::QualificationPolicy& policy) {
  return {{"enforced", policy.enforced}, {"state", policy.lab_state}};
}

http::Response show_policy(const ApiContext& api, const http::Request& request) {
  return answer(read(
      api, request,
      [&](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::QualificationPolicy policy,
                                 lab::read_qualification_policy(tx));
        return policy_json(policy);
      },
      lab::Action::kViewStaffRecords));
}

// Body: {"enforce"?: true|false, "state"?: "CA" or "" for a lab outside the US}.
http::Response set_policy(const ApiContext& api, const http::Request& request) {
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
        lab::SetQualificationPolicy command;
        ALIQUOT_ASSIGN_OR_RETURN(command.enforce, optional_bool(body, "enforce"));
        ALIQUOT_ASSIGN_OR_RETURN(command.lab_state, optional_string(body, "state"));
        ALIQUOT_ASSIGN_OR_RETURN(const lab::QualificationPolicy policy,
                                 lab::set_qualification_policy(tx, ctx, command));
        return policy_json(policy);
      }));
}

}  // namespace

// The CE rules in force: the categories an activity is recorded under, and the programs.
http::Response ce_rules(const ApiContext& api, const http::Request& request) {
  return answer(read(
      api, request,
      [&](store::Transaction&, const lab::Context& ctx) -> Result<json> {
        return lab::to_json(lab::ce_rules_in_force(ctx));
      },
      std::nullopt));
}

ApiRoutes people_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context (see patient_routes).
  return {
      {http::Method::kGet, "/api/ce-rules", std::nullopt,
       [api](const http::Request& request) { return ce_rules(api, request); },
       "the continuing-education rules in force: categories and programs"},
      {http::Method::kGet, "/api/people", lab::Action::kViewStaffRecords,
       [api](const http::Request& request) { return list_people(api, request); },
       "the lab's people with their certifications and licences"},
      {http::Method::kGet, "/api/people/expiring", lab::Action::kViewStaffRecords,
       [api](const http::Request& request) { return expiring(api, request); },
       "certifications, licences and competencies lapsing within ?within= days, or lapsed"},
      // A person reads their own; others' are for supervisors, pathologists and admins.
      {http::Method::kGet, "/api/people/{person}", std::nullopt,
       [api](const http::Request& request) { return show_person(api, request); },
       "one person's record, competency per test system, CE and exceptions"},
      {http::Method::kGet, "/api/people/{person}/eligibility", std::nullopt,
       [api](const http::Request& request) { return eligibility(api, request); },
       "the ASCP routes the person may sit for, or what each still needs"},
      {http::Method::kGet, "/api/people/export", lab::Action::kViewStaffRecords,
       [api](const http::Request& request) { return export_staff(api, request); },
       "the inspection export: an XLSX workbook, or one sheet as CSV"},
      {http::Method::kPut, "/api/people/{person}", lab::Action::kManagePeople,
       [api](const http::Request& request) { return save_person(api, request); },
       "stores or replaces a person's record (the TOML of `aliquot people save`)"},
      {http::Method::kPost, "/api/people/{person}/competency-events",
       lab::Action::kJudgeQualification,
       [api](const http::Request& request) { return record_competency_event(api, request); },
       "records a start of testing, an assessment of the six elements, or a method change"},
      // Testing personnel record their own; the use case decides whose.
      {http::Method::kPost, "/api/people/{person}/ce-activities", lab::Action::kRecordCeActivity,
       [api](const http::Request& request) { return record_ce_activity(api, request); },
       "records a continuing-education activity"},
      {http::Method::kPost, "/api/people/{person}/exceptions", lab::Action::kJudgeQualification,
       [api](const http::Request& request) { return grant_exception(api, request); },
       "grants a documented, time-limited qualification exception"},
      {http::Method::kGet, "/api/qualification-policy", lab::Action::kViewStaffRecords,
       [api](const http::Request& request) { return show_policy(api, request); },
       "whether qualifications are enforced, and the lab's state"},
      {http::Method::kPut, "/api/qualification-policy", lab::Action::kJudgeQualification,
       [api](const http::Request& request) { return set_policy(api, request); },
       "turns enforcement on or off, or sets the lab's state"},
  };
}

}  // namespace aliquot::server::api
