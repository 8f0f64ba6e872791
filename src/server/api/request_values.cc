#include "server/api/request_values.h"

#include <charconv>
#include <cmath>

#include "server/api/handler_support.h"

namespace aliquot::server::api {

Error field_error(std::string_view name, std::string_view expected) {
  return invalid_argument("field '" + std::string(name) + "': " + std::string(expected));
}
namespace {

Error query_error(std::string_view name, std::string_view expected) {
  return invalid_argument("query parameter '" + std::string(name) + "': " + std::string(expected));
}

// `text` as a whole number of at least 1; std::nullopt when it is not one.
std::optional<std::int64_t> positive_number(const std::string& text) {
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || number < 1) {
    return std::nullopt;
  }
  return number;
}

}  // namespace

Result<std::int64_t> path_id(const http::Request& request, std::string_view name) {
  const auto found = request.path_params.find(std::string(name));
  const std::string text = found == request.path_params.end() ? "" : found->second;
  const std::optional<std::int64_t> id = positive_number(text);
  if (!id) {
    return invalid_argument("path parameter '" + std::string(name) + "': '" + text +
                            "' is not a number");
  }
  return *id;
}

Result<std::int64_t> query_count(const http::Request& request, std::string_view name,
                                 std::int64_t absent, std::int64_t most) {
  const std::string text = query(request, name);
  if (text.empty()) return absent;
  const std::optional<std::int64_t> count = positive_number(text);
  if (!count || *count > most) {
    return query_error(name, "'" + text + "' is not a number from 1 to " + std::to_string(most));
  }
  return *count;
}

Result<double> required_number(const nlohmann::json& body, std::string_view name) {
  const auto found = body.find(name);
  if (found == body.end() || !found->is_number()) return field_error(name, "required, a number");
  const double number = found->get<double>();
  if (!std::isfinite(number)) return field_error(name, "required, a number");
  return number;
}

Result<bool> required_bool(const nlohmann::json& body, std::string_view name) {
  const auto found = body.find(name);
  if (found == body.end() || !found->is_boolean()) {
    return field_error(name, "required, true or false");
  }
  return found->get<bool>();
}

Result<std::int64_t> required_integer(const nlohmann::json& body, std::string_view name) {
  const auto found = body.find(name);
  if (found == body.end() || !found->is_number_integer()) {
    return field_error(name, "required, a whole number");
  }
  return found->get<std::int64_t>();
}

Result<core::Instant> required_instant(const nlohmann::json& body, std::string_view name) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Instant> instant,
                           optional_instant(body, name));
  if (!instant) return field_error(name, "required, a time such as 2026-03-01T00:00:00Z");
  return *instant;
}

Result<core::Date> required_date(const nlohmann::json& body, std::string_view name) {
  const auto found = body.find(name);
  if (found == body.end() || !found->is_string()) {
    return field_error(name, "required, a date YYYY-MM-DD");
  }
  Result<core::Date> date = core::parse_date(found->get<std::string>());
  if (!date) return field_error(name, date.error().message());
  return *date;
}

Result<std::string> required_query(const http::Request& request, std::string_view name) {
  std::string value = query(request, name);
  if (value.empty()) return query_error(name, "required");
  return value;
}

Result<std::optional<core::Instant>> optional_query_instant(const http::Request& request,
                                                            std::string_view name) {
  const std::string text = query(request, name);
  if (text.empty()) return std::optional<core::Instant>();
  Result<core::Instant> instant = core::parse_instant(text);
  if (!instant) return query_error(name, instant.error().message());
  return std::optional<core::Instant>(*instant);
}

Result<nlohmann::json> optional_body(const http::Request& request) {
  if (request.body.empty()) return nlohmann::json::object();
  return json_body(request);
}

}  // namespace aliquot::server::api
