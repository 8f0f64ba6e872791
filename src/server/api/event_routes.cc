// GET /api/events: live updates of results and specimens for the browser's worklists, as
// server-sent events (docs/api.md, "Live updates"; api/event_hub.h).

#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "catalog/catalog.h"
#include "server/api/event_hub.h"
#include "server/api/handler_support.h"
#include "server/api/routes.h"
#include "server/http/event_stream.h"
#include "server/http/router.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

std::string trimmed(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

// The id the browser's EventSource last received (WHATWG HTML section 9.2.4: it sends it back
// in the Last-Event-ID header when it reconnects). Our ids are audit sequences; anything else
// is ignored, as if the browser were new.
std::optional<std::int64_t> last_event_id(const http::Request& request) {
  const std::optional<std::string> header = request.header("Last-Event-ID");
  if (!header) return std::nullopt;
  const std::string value = trimmed(*header);
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), id);
  if (value.empty() || error != std::errc() || end != value.data() + value.size() || id < 0) {
    return std::nullopt;
  }
  return id;
}

http::Response events(const ApiContext& api, const http::Request& request) {
  if (!api.events) {
    return http::json_error(503, "live updates are not running on this server", "unavailable");
  }
  // The user as stored now (still active, still allowed to view records), and the section as
  // the catalog spells it.
  std::string section = trimmed(query(request, "section"));
  const Result<json> checked =
      read(api, request, [&](store::Transaction&, const lab::Context& ctx) -> Result<json> {
        if (section.empty()) return json::object();
        const catalog::Section* known = ctx.catalog.find_section(section);
        if (!known) {
          std::string sections;
          for (const catalog::Section& each : ctx.catalog.sections()) {
            sections += (sections.empty() ? "" : ", ") + each.code;
          }
          return not_found("unknown section '" + section + "'; the catalog has: " + sections);
        }
        section = known->code;
        return json::object();
      });
  if (!checked) return http::error_response(checked.error());

  Result<std::shared_ptr<http::EventStream>> stream =
      api.events->subscribe(std::move(section), last_event_id(request));
  if (!stream) return http::error_response(stream.error());
  http::Response response;
  response.content_type = std::string(http::kEventStreamContentType);
  response.stream = std::move(*stream);
  return response;
}

}  // namespace

ApiRoutes event_routes(const ApiContext& api) {
  // The handler keeps its own copy of the context (see patient_routes).
  return {
      {http::Method::kGet, "/api/events", lab::Action::kViewRecords,
       [api](const http::Request& request) { return events(api, request); },
       "live updates of results and specimens (server-sent events) for open worklists"},
  };
}

}  // namespace aliquot::server::api
