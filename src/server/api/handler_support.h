#pragma once

// What the API's handlers share: one transaction per request as the signed-in user (the same
// shape as the command line's Session::write/read), the answer for a result, and reading the
// JSON body with errors that name the field.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "lab/context.h"
#include "lab/permissions.h"
#include "server/api/api_context.h"
#include "server/api/view_cache.h"
#include "server/http/message.h"
#include "store/store.h"

namespace aliquot::server::api {

using Step = std::function<Result<nlohmann::json>(store::Transaction&, const lab::Context&)>;

// Runs `step` in one write transaction as the request's user and commits only when it
// succeeds; on any error nothing is kept. The answer is sent only after the commit (ARCHITECTURE
// decision 1).
Result<nlohmann::json> write(const ApiContext& api, const http::Request& request, const Step& step);

// Runs `step` in one read transaction as the request's user. With `permission`, the user as
// stored now must hold it.
Result<nlohmann::json> read(const ApiContext& api, const http::Request& request, const Step& step,
                            std::optional<lab::Action> permission = lab::Action::kViewRecords);

// The busiest views (api/view_cache.h): `step` writes the answer's JSON text itself
// (lab/json_writer.h) and names the patients it shows. Read in one read transaction as the
// request's user, who must be allowed to view records; given from api.view_cache when it holds
// the answer for `key` at the state the transaction sees. Either way, the read of each patient
// shown is noted (note_patient_read) and the answer is 200 with the text, gzip-coded when the
// client accepts it (http/content_encoding.h), or the error's response.
using ViewStep = std::function<Result<View>(store::Transaction&, const lab::Context&)>;
http::Response answer_view(const ApiContext& api, const http::Request& request,
                           const std::string& key, const ViewStep& step);

// `status` with the document, or the error's response (http::error_response).
http::Response answer(const Result<nlohmann::json>& result, int status = 200);

// Records that the request's user read patient `mrn`'s data (api/patient_read_log.h). `what`
// says which view: "patient report", "specimen 26000123", "worklist CHEM".
void note_patient_read(const ApiContext& api, const http::Request& request, std::string_view mrn,
                       std::string_view what);

// The request body as a JSON object. InvalidArgument "request body: ..." when it is empty, not
// JSON (with the byte offset), or not an object.
Result<nlohmann::json> json_body(const http::Request& request);

// A member of a body object. InvalidArgument "field 'mrn': required, a string" when a required
// member is missing or has the wrong type; optional members may be absent or null.
Result<std::string> required_string(const nlohmann::json& body, std::string_view name);
Result<std::optional<std::string>> optional_string(const nlohmann::json& body,
                                                   std::string_view name);
Result<std::optional<bool>> optional_bool(const nlohmann::json& body, std::string_view name);
Result<std::optional<std::int64_t>> optional_integer(const nlohmann::json& body,
                                                     std::string_view name);
Result<std::vector<std::string>> string_array(const nlohmann::json& body, std::string_view name);
// An RFC 3339 time ("2026-11-22T09:30:00Z", or with an offset).
Result<std::optional<core::Instant>> optional_instant(const nlohmann::json& body,
                                                      std::string_view name);
// A query parameter, or "" when absent.
std::string query(const http::Request& request, std::string_view name);

}  // namespace aliquot::server::api
