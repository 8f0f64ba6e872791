// The lab's people: the records, one person's qualification summary, their eligibility for
// further certification, and the staff dashboard of what lapses within 30, 60 or 90 days
// (docs/api.md, "People"). The same lab functions as `aliquot people list|show|eligibility|
// expiring` (lab/people_records.h).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "lab/lab_time_zone.h"
#include "lab/people_json.h"
#include "lab/people_records.h"
#include "people/eligibility.h"
#include "server/api/handler_support.h"
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

}  // namespace

ApiRoutes people_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context (see patient_routes).
  return {
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
  };
}

}  // namespace aliquot::server::api
