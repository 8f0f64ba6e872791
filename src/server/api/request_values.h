#pragma once

// Reading the values of a request that handler_support.h does not cover: numeric ids in the
// path, required numbers, booleans, dates and times in a body, and required query parameters.
// Every refusal is InvalidArgument naming the parameter or field, in the words of
// handler_support.h ("field 'mean': required, a number").

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/time.h"
#include "server/http/message.h"

namespace aliquot::server::api {

// The refusal of body field `name`: InvalidArgument "field 'name': <expected>".
Error field_error(std::string_view name, std::string_view expected);

// Path parameter `name` as a positive whole number ("/api/qc/runs/{id}/...").
Result<std::int64_t> path_id(const http::Request& request, std::string_view name);

// A number (integer or not, finite) member of a body.
Result<double> required_number(const nlohmann::json& body, std::string_view name);
// true or false.
Result<bool> required_bool(const nlohmann::json& body, std::string_view name);
// A whole number.
Result<std::int64_t> required_integer(const nlohmann::json& body, std::string_view name);
// An RFC 3339 time.
Result<core::Instant> required_instant(const nlohmann::json& body, std::string_view name);
// A date "YYYY-MM-DD".
Result<core::Date> required_date(const nlohmann::json& body, std::string_view name);

// A query parameter that must be given and not empty.
Result<std::string> required_query(const http::Request& request, std::string_view name);
// An RFC 3339 time given as query parameter `name`, or std::nullopt when absent or empty.
Result<std::optional<core::Instant>> optional_query_instant(const http::Request& request,
                                                            std::string_view name);

// A whole number from 1 to `most` given as query parameter `name`, or `absent` when it is not
// given.
Result<std::int64_t> query_count(const http::Request& request, std::string_view name,
                                 std::int64_t absent, std::int64_t most);

// The body of a request whose every field is optional: an empty body is an empty object.
Result<nlohmann::json> optional_body(const http::Request& request);

}  // namespace aliquot::server::api
