// The turnaround-time dashboard: receipt to release per priority and section over a period,
// against the catalog's targets (docs/api.md, "Dashboard"; lab/turnaround.h).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/enums.h"
#include "lab/turnaround.h"
#include "server/api/handler_support.h"
#include "server/api/request_values.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

json optional_minutes(const std::optional<int>& minutes) {
  return minutes ? json(*minutes) : json(nullptr);
}

json to_json(const lab::TurnaroundReport& report) {
  json groups = json::array();
  for (const lab::TurnaroundGroup& group : report.groups) {
    groups.push_back({{"priority", core::to_code(group.priority)},
                      {"section", group.section},
                      {"count", group.count},
                      {"median_minutes", group.median_minutes},
                      {"p90_minutes", group.p90_minutes},
                      {"target_minutes", optional_minutes(group.target_minutes)},
                      {"outside_target", group.outside_target}});
  }
  json outside = json::array();
  for (const lab::TurnaroundOutlier& result : report.outside_target) {
    outside.push_back({{"accession", result.accession_number},
                       {"test", result.test_code},
                       {"section", result.section},
                       {"priority", core::to_code(result.priority)},
                       {"minutes", result.minutes},
                       {"target_minutes", result.target_minutes}});
  }
  return {{"from", core::format_instant(report.from)},
          {"to", core::format_instant(report.to)},
          {"groups", groups},
          {"outside_target", outside}};
}

// ?from=&to=: RFC 3339 times, both required; the results released in [from, to).
http::Response turnaround(const ApiContext& api, const http::Request& request) {
  const Result<std::optional<core::Instant>> from = optional_query_instant(request, "from");
  if (!from) return http::error_response(from.error());
  if (!*from) return http::error_response(invalid_argument("query parameter 'from': required"));
  const Result<std::optional<core::Instant>> to = optional_query_instant(request, "to");
  if (!to) return http::error_response(to.error());
  if (!*to) return http::error_response(invalid_argument("query parameter 'to': required"));
  return answer(
      read(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::TurnaroundReport report,
                                 lab::turnaround_report(tx, ctx, **from, **to));
        return to_json(report);
      }));
}

}  // namespace

ApiRoutes dashboard_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context (see patient_routes).
  return {
      {http::Method::kGet, "/api/dashboard/turnaround", lab::Action::kViewRecords,
       [api](const http::Request& request) { return turnaround(api, request); },
       "turnaround from receipt to release per priority and section, against the targets"},
  };
}

}  // namespace aliquot::server::api
